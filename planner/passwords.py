"""Passwords: what a new password must be, and how it is kept.

A password is at least 8 and at most 1,024 characters (so a long passphrase or a password
manager's output fits), not one of the 20,000 most common passwords, and not the account's email.
Nothing else is required of it: no mix of character kinds, no expiry.

Only a hash is kept: argon2id with the parameters OWASP's password storage guidance gives as its
first choice (19 MiB of memory, 2 passes, 1 lane), about 50 ms a check on the development machine.
Hashes made before planner used argon2id (werkzeug's ``scrypt:32768:8:1``, whose cost parameter
is below that guidance) are still checked, and replaced at the next sign-in that proves the password.
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

MIN_LENGTH = 8
MAX_LENGTH = 1024
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"
"""Common passwords, one a line, in lower case (from the Django project, BSD licence)."""


HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
"""argon2id at OWASP's recommended minimum: m = 19 MiB, t = 2, p = 1."""
CURRENT_SCHEME = "$argon2id$"


def hash_password(password: str) -> str:
    """A salted argon2id hash of ``password``, in the PHC string format, to keep instead of it."""
    return HASHER.hash(password)


def password_matches(stored: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` is a hash of. Any hash argon2 reads is checked
    with the parameters written in it; werkzeug's older formats are checked by werkzeug; anything
    else (an erased account's marker, say) matches nothing."""
    if stored.startswith("$argon2"):
        try:
            return HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored, password)


def outdated(stored: str) -> bool:
    """Whether ``stored`` is a hash of an older scheme than argon2id, to be replaced."""
    return not stored.startswith(CURRENT_SCHEME)


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
