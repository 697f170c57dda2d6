"""What is kept about a person's development: ratings, plans and the audit trail, and the levels
that count, derived from the ratings.

Ratings and audit events are append-only: nothing updates or deletes them. A person's current
level in a competency is derived from their ratings by ``current_levels`` (the policy is stated
there and shown on the pages). ``person_to_core`` turns a person and their ratings into the plain
``Person`` the planning core takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

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
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    """One write to planner's data: who did what to which record, and when. Never changed."""

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


def person_to_core(
    person: Person, today: date, levels: dict[str, CurrentLevel] | None = None
) -> core.Person:
    """The plain ``Person`` the planning core takes: role, counted levels and learning time."""
    if levels is None:
        levels = current_levels(ratings_of(person))
    return core.Person(
        name=person.name,
        role=person.role_id,
        levels={c: current.level for c, current in levels.items() if current.level},
        protected_hours_per_month=person.protected_hours,
        months_in_role=person.months_in_role(today),
    )
