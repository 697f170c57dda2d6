"""Check-ins with people new in role, and the training people have completed."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
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


class TrainingRecord(db.Model):
    """A training module someone completed, and when."""

    __tablename__ = "training_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    module_id: Mapped[str] = mapped_column(String(64))
    completed_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped[Person] = relationship()
    recorded_by: Mapped[Account] = relationship()
