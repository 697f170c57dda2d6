"""The password policy: what a new password must be, checked wherever a password is set.

A password is at least 8 and at most 1,024 characters (so a long passphrase or a password
manager's output fits), not one of the 20,000 most common passwords, and not the account's email.
Nothing else is required of it: no mix of character kinds, no expiry.
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

MIN_LENGTH = 8
MAX_LENGTH = 1024
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"
"""Common passwords, one a line, in lower case (from the Django project, BSD licence)."""


@functools.cache
def common_passwords() -> frozenset[str]:
    """The list of common passwords, read once per process."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def password_problem(password: str, *, email: str | None = None) -> str | None:
    """What is wrong with ``password`` as a new password, as a message saying what to fix; None
    when it may be used."""
    if len(password) < MIN_LENGTH:
        return f"Enter a password of at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"Enter a password of at most {MAX_LENGTH:,} characters"
    if email and password.strip().lower() == email.strip().lower():
        return "Choose a password that is not your email address"
    if password.lower() in common_passwords():
        return "Choose a password that is less common: this one is on a list of passwords people often use"
    return None
