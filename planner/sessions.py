"""How long a sign-in lasts, and what ends it early.

A sign-in session ends after ``PLANNER_SESSION_IDLE_MINUTES`` without a request, and in any case
``PLANNER_SESSION_MAX_HOURS`` after signing in (``session_ended`` decides which, if either).

Every session of an account also ends at its next request when the account's session version
goes up (the version is part of the signed session; see ``Account.get_id``). The version goes up
by itself, whatever code makes the change, whenever the account's password, roles or active flag
change, or its person moves team or starts or stops managing a team (``install``).
"""

from __future__ import annotations

import time

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from planner.db import db
from planner.models import Account, Person, Team

ACCOUNT_FIELDS = ("password_hash", "active", "roles_text")
"""The account's own fields whose change ends its sessions."""
PERSON_FIELDS = ("team_id", "team", "managed_teams")
"""The person's fields whose change ends their account's sessions."""

IDLE = "idle"
TOO_OLD = "too_old"


def now() -> float:
    """Seconds since the epoch: the clock the session lifetimes are measured by."""
    return time.time()


def session_ended(signed_in_at: float | None, last_seen_at: float | None, at: float, *, idle_seconds: float, max_seconds: float) -> str | None:
    """Why a session signed in at ``signed_in_at`` and last used at ``last_seen_at`` has ended at
    ``at``: ``TOO_OLD``, ``IDLE`` or None while it lasts. A session without its times (made before
    they were kept, or tampered with) has ended."""
    if not isinstance(signed_in_at, (int, float)) or not isinstance(last_seen_at, (int, float)):
        return TOO_OLD
    if at - signed_in_at > max_seconds:
        return TOO_OLD
    if at - last_seen_at > idle_seconds:
        return IDLE
    return None


def _changed(row, names) -> bool:
    state = inspect(row)
    return any(state.attrs[name].history.has_changes() for name in names)


def accounts_to_end(session: Session) -> set[Account]:
    """The accounts, among rows already in the database, whose sessions the pending changes end."""
    accounts: set[Account] = set()
    for row in session.dirty:
        if isinstance(row, Account) and _changed(row, ACCOUNT_FIELDS):
            accounts.add(row)
        elif isinstance(row, Person) and _changed(row, PERSON_FIELDS) and row.account is not None:
            accounts.add(row.account)
        elif isinstance(row, Team):
            # A manager added to or taken off a team from the team's side.
            history = inspect(row).attrs["managers"].history
            accounts |= {person.account for person in [*history.added, *history.deleted] if person.account is not None}
    return {account for account in accounts if inspect(account).persistent}


def _end_sessions(session: Session, flush_context, instances) -> None:
    # Before each flush, so the raised version is written with the change that caused it.
    for account in accounts_to_end(session):
        if not inspect(account).attrs["session_version"].history.has_changes():
            account.session_version = (account.session_version or 0) + 1


def install() -> None:
    """End an account's sessions on every change that affects what it may do (registered once)."""
    session_class = db.session.session_factory.class_
    if not event.contains(session_class, "before_flush", _end_sessions):
        event.listen(session_class, "before_flush", _end_sessions)
