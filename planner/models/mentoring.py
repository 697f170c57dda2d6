"""Mentoring: the competencies people offer to mentor, and the requests between people."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import db
from planner.times import utcnow

if TYPE_CHECKING:  # names used only in annotations; the classes resolve them by name at run time
    from planner.models.people import Person

REQUEST_STATUSES = ("requested", "accepted", "declined", "withdrawn")


class MentorOffer(db.Model):
    """A person offering to mentor one competency (they hold it at level 3 or above when offered);
    ``withdrawn_at`` once they stop."""

    __tablename__ = "mentor_offers"
    __table_args__ = (UniqueConstraint("person_id", "competency_id", name="uq_mentor_offers_one_a_competency"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    competency_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)

    person: Mapped[Person] = relationship()


class MentorRequest(db.Model):
    """Someone asking a mentor for help with a competency: requested, then accepted or declined by
    the mentor, or withdrawn by the person who asked."""

    __tablename__ = "mentor_requests"
    __table_args__ = (
        CheckConstraint("status IN ('requested', 'accepted', 'declined', 'withdrawn')", name="status_kind"),
        CheckConstraint("seeker_id <> mentor_id", name="not_oneself"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    competency_id: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="requested")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    seeker: Mapped[Person] = relationship(foreign_keys=[seeker_id])
    mentor: Mapped[Person] = relationship(foreign_keys=[mentor_id])
