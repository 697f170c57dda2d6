"""Check-ins with people new in role, and the training people have completed."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import db
from planner.times import utcnow

if TYPE_CHECKING:  # names used only in annotations; the classes resolve them by name at run time
    from planner.models.people import Account, Person


class Checkin(db.Model):
    """A check-in held with someone in their first two years in role: when, and the notes kept.

    Each completes the earliest check-in of the schedule still open (``planner.core.checkins``)."""

    __tablename__ = "checkins"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped[Person] = relationship()
    recorded_by: Mapped[Account] = relationship()


TRAINING_SOURCES = ("recorded", "imported")
"""How a training record arrived: entered on a page, or imported from an ESR completions file."""


class TrainingRecord(db.Model):
    """A training module someone completed: when, the hours of learning time it took, and evidence."""

    __tablename__ = "training_records"
    __table_args__ = (
        CheckConstraint("hours IS NULL OR (hours > 0 AND hours <= 2000)", name="hours_range"),
        CheckConstraint("source IN ('recorded', 'imported')", name="source_kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    module_id: Mapped[str] = mapped_column(String(64))
    completed_on: Mapped[date] = mapped_column(Date)
    # None only on records kept before hours were recorded.
    hours: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text, default="", server_default="")
    source: Mapped[str] = mapped_column(String(10), default="recorded", server_default="recorded")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped[Person] = relationship()
    recorded_by: Mapped[Account] = relationship()
