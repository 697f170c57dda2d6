"""The password policy: long enough, not too long to hash, not common, not the email."""

from __future__ import annotations

import gzip

import pytest

from planner.passwords import COMMON_PASSWORDS, MAX_LENGTH, MIN_LENGTH, common_passwords, hash_password, outdated, password_matches, password_problem


@pytest.mark.parametrize(
    "password, problem",
    [
        ("", "at least 8 characters"),
        ("kx7#qw!", "at least 8 characters"),
        ("x" * (MAX_LENGTH + 1), "at most 1,024 characters"),
        ("password", "less common"),
        ("PassWord1", "less common"),  # the list is compared without regard to case
        ("qwertyuiop", "less common"),
        ("sam.staff@trust.nhs.example", "not your email address"),
        (" Sam.Staff@Trust.NHS.example ", "not your email address"),
    ],
)
def test_a_weak_password_is_refused_with_what_to_fix(password, problem):
    message = password_problem(password, email="sam.staff@trust.nhs.example")
    assert message is not None and problem in message


@pytest.mark.parametrize(
    "password",
    [
        "kx7#qw!z",  # exactly the shortest allowed
        "correct horse battery staple",
        "ä" * 64,  # 64 characters of any kind are allowed
        "y" * MAX_LENGTH,
    ],
)
def test_a_good_password_has_no_problem(password):
    assert password_problem(password, email="sam.staff@trust.nhs.example") is None
    assert password_problem(password) is None


def test_the_email_rule_needs_an_email():
    assert password_problem("sam.staff@trust.nhs.example") is None
    assert password_problem("sam.staff@trust.nhs.example", email="") is None


def test_the_shipped_list_is_read_whole_and_once():
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        shipped = {line.strip() for line in lines if line.strip()}
    assert common_passwords() == shipped
    assert len(shipped) > 19_000
    assert all(password == password.lower() for password in shipped)
    assert common_passwords() is common_passwords()


def test_the_limits_match_the_standard():
    # At least 8 characters, and at least 64 allowed (OWASP ASVS 5.0, V6.2).
    assert MIN_LENGTH == 8 and MAX_LENGTH >= 64


def test_a_password_is_kept_as_an_argon2id_hash_with_owasps_parameters():
    stored = hash_password("a long passphrase of mine")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and "a long passphrase" not in stored
    assert stored != hash_password("a long passphrase of mine")  # salted
    assert password_matches(stored, "a long passphrase of mine")
    assert not password_matches(stored, "a long passphrase of yours")
    assert not outdated(stored)


def test_a_hash_from_before_argon2id_still_signs_in_and_is_marked_for_replacement():
    from werkzeug.security import generate_password_hash

    older = generate_password_hash("a long passphrase of mine", method="scrypt:1024:8:1")
    assert password_matches(older, "a long passphrase of mine")
    assert not password_matches(older, "something else entirely")
    assert outdated(older)


@pytest.mark.parametrize("stored", ["!erased", "", "$argon2id$v=19$m=8,t=1,p=1$broken", "pbkdf2:sha256$nonsense"])
def test_a_marker_or_a_damaged_hash_matches_no_password(stored):
    assert not password_matches(stored, "a long passphrase of mine")
    assert not password_matches(stored, "")
