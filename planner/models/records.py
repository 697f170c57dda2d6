"""What is kept about a person's development: ratings, plans and the audit trail, and the levels
that count, derived from the ratings.

Ratings and audit events are append-only: nothing updates or deletes them (for audit events the
ORM refuses it, and on PostgreSQL a trigger too, outside erasure and purge: ``rewriting_audit_trail``).
Every audit event made during a request records the client's address. A person's current
level in a competency is derived from their ratings by ``current_levels`` (the policy is stated
there and shown on the pages). ``person_to_core`` turns a person and their ratings into the plain
``Person`` the planning core takes.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask import g, has_request_context, request
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from planner.core import framework as core
from planner.db import db
from planner.times import utcnow

if TYPE_CHECKING:  # names used only in annotations; the classes resolve them by name at run time
    from planner.models.people import Account, Person


RATERS = ("self", "manager")
PLAN_STATUSES = ("draft", "agreed")
EVIDENCE_MAX = 2000
"""The longest evidence note a rating keeps, in characters."""


class Rating(db.Model):
    """One judgement of a person's level in a competency: by themselves or by a manager. Never changed."""

    __tablename__ = "ratings"
    __table_args__ = (
        CheckConstraint("level >= 0 AND level <= 10", name="level_range"),
        CheckConstraint("rater IN ('self', 'manager')", name="rater_kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    competency_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer)
    rater: Mapped[str] = mapped_column(String(8))
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    evidence: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    rated_by: Mapped[Person] = relationship(foreign_keys=[rated_by_id])


class Plan(db.Model):
    """A saved development plan: the inputs it was made from, its result and its agreement."""

    __tablename__ = "plans"
    __table_args__ = (
        UniqueConstraint("person_id", "version"),
        CheckConstraint("status IN ('draft', 'agreed')", name="status_kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8), default="draft")
    framework_version: Mapped[str] = mapped_column(String(40))
    target_role_id: Mapped[str | None] = mapped_column(String(64))
    route: Mapped[int] = mapped_column(Integer, default=0)
    plan_date: Mapped[date] = mapped_column(Date)
    inputs: Mapped[dict] = mapped_column(JSON)
    result: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    staff_agreed_at: Mapped[datetime | None] = mapped_column(DateTime)
    staff_agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    manager_agreed_at: Mapped[datetime | None] = mapped_column(DateTime)
    manager_agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    created_by: Mapped[Person] = relationship(foreign_keys=[created_by_id])
    staff_agreed_by: Mapped[Person | None] = relationship(
        foreign_keys=[staff_agreed_by_id]
    )
    manager_agreed_by: Mapped[Person | None] = relationship(
        foreign_keys=[manager_agreed_by_id]
    )

    @property
    def read_only(self) -> bool:
        """Agreed plans are never changed; a new version is started instead."""
        return self.status == "agreed"


class AuditEvent(db.Model):
    """One read or write of planner's data: who did what to which record, when, and from which
    network address. Never changed, except by erasure (which scrubs an erased person's identifiers
    from ``detail``) and by ``planner purge`` (which removes events past their trust's retention)."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id"), index=True
    )
    action: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int | None] = mapped_column(Integer)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    # The client's address as the app sees it (after the proxy setting), for events made in a request.
    address: Mapped[str | None] = mapped_column(String(45))


class AuditTrailError(RuntimeError):
    """An attempt to change or delete an audit event outside erasure and purge."""


_rewriting_audit_trail: ContextVar[bool] = ContextVar("rewriting_audit_trail", default=False)

REWRITE_SETTING = "planner.audit_rewrite"
"""The PostgreSQL setting that lets the append-only trigger on audit_events pass, for one transaction."""


@contextmanager
def rewriting_audit_trail():
    """Allow the audit events to be changed or deleted inside this block: for erasure, which
    pseudonymises them, and purge, which removes those past retention. Everything else is refused,
    by the ORM here and, on PostgreSQL, by a trigger (allowed for the rest of this transaction)."""
    token = _rewriting_audit_trail.set(True)
    try:
        if db.session.connection().dialect.name == "postgresql":
            db.session.execute(text(f"SELECT set_config('{REWRITE_SETTING}', 'on', true)"))
        yield
        db.session.flush()
    finally:
        _rewriting_audit_trail.reset(token)


def _refuse_unless_rewriting(what: str) -> None:
    if not _rewriting_audit_trail.get():
        raise AuditTrailError(f"Audit events are append-only: {what} is refused. Only erasure and purge change them.")


@event.listens_for(AuditEvent, "before_insert")
def _fill_address(mapper, connection, target: AuditEvent) -> None:
    # Every event made during a request gets the address, whoever made it (views, error handlers).
    if target.address is None and has_request_context():
        target.address = request.remote_addr


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target: AuditEvent) -> None:
    if any(attribute.history.has_changes() for attribute in inspect(target).attrs):
        _refuse_unless_rewriting("changing one")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target: AuditEvent) -> None:
    _refuse_unless_rewriting("deleting one")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state) -> None:
    # update() and delete() statements skip the mapper events above.
    if (state.is_update or state.is_delete) and any(m.class_ is AuditEvent for m in state.all_mappers):
        _refuse_unless_rewriting("an UPDATE or DELETE statement on audit_events")


def note_read(record_type: str, record_id: int | None, *, person: Person | None = None, **detail) -> None:
    """Note that this GET request shows personal data: a person's record, or a list of people (a
    team, a scope). ``planner.web.rights`` writes one read event for each record noted once the
    page has been answered successfully; outside a GET request nothing is noted."""
    if not has_request_context() or request.method != "GET":
        return
    reads = g.setdefault("audit_reads", {})
    reads.setdefault((record_type, record_id), (person.id if person is not None else None, detail))


def audit(
    account: Account | None,
    action: str,
    record,
    *,
    person: Person | None = None,
    **detail,
) -> AuditEvent:
    """Add an audit event for a write to ``record`` (flushed so the record has its id); the caller commits."""
    db.session.flush()
    event = AuditEvent(
        account_id=account.id if account is not None else None,
        action=action,
        record_type=type(record).__tablename__,
        record_id=record.id,
        person_id=person.id if person is not None else None,
        detail=detail,
    )
    db.session.add(event)
    return event


@dataclass(frozen=True)
class CurrentLevel:
    """A person's level in one competency as planner counts it, and where it comes from.

    ``source`` is ``"manager"`` when a manager has validated a level, otherwise ``"self"``.
    ``pending`` is a newer self-rating that differs from the validated level and awaits a manager.
    """

    competency_id: str
    level: int
    source: str
    rated_at: datetime
    pending: int | None = None


def current_levels(ratings) -> dict[str, CurrentLevel]:
    """The level that counts in each competency rated.

    The policy: the latest manager-validated level wins when there is one; otherwise the latest
    self-rating counts. A self-rating made after the manager's validation, with another level,
    is shown as awaiting validation but does not count until a manager accepts it.
    """
    latest: dict[tuple[str, str], Rating] = {}
    for rating in sorted(ratings, key=lambda r: (r.created_at, r.id)):
        latest[(rating.competency_id, rating.rater)] = rating
    result = {}
    for competency_id in sorted({c for c, _ in latest}):
        manager = latest.get((competency_id, "manager"))
        self_rating = latest.get((competency_id, "self"))
        if manager is None:
            result[competency_id] = CurrentLevel(
                competency_id, self_rating.level, "self", self_rating.created_at
            )
            continue
        pending = None
        if self_rating is not None and (self_rating.created_at, self_rating.id) > (
            manager.created_at,
            manager.id,
        ):
            pending = self_rating.level if self_rating.level != manager.level else None
        result[competency_id] = CurrentLevel(
            competency_id, manager.level, "manager", manager.created_at, pending
        )
    return result


def ratings_of(person: Person) -> list[Rating]:
    """Every rating of a person, oldest first."""
    return list(
        db.session.scalars(
            select(Rating)
            .where(Rating.person_id == person.id)
            .order_by(Rating.created_at, Rating.id)
        )
    )


def rating_facts(person: Person) -> list:
    """Of each rating of a person, oldest first, only what ``current_levels`` reads (id, competency,
    level, rater, when): pages that count levels need no more, and whole ratings cost more to load."""
    columns = (Rating.id, Rating.competency_id, Rating.level, Rating.rater, Rating.created_at)
    query = select(*columns).where(Rating.person_id == person.id).order_by(Rating.created_at, Rating.id)
    return list(db.session.execute(query))


def person_to_core(
    person: Person, today: date, levels: dict[str, CurrentLevel] | None = None
) -> core.Person:
    """The plain ``Person`` the planning core takes: role, counted levels and learning time."""
    if levels is None:
        levels = current_levels(rating_facts(person))
    return core.Person(
        name=person.name,
        role=person.role_id,
        levels={c: current.level for c, current in levels.items() if current.level},
        protected_hours_per_month=person.protected_hours,
        months_in_role=person.months_in_role(today),
    )
