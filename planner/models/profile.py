"""What a person adds to their profile beyond ratings: professional qualifications and saved quiz results."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import db
from planner.times import utcnow

if TYPE_CHECKING:  # names used only in annotations; the classes resolve them by name at run time
    from planner.models.people import Account, Person


class ProfessionalQualification(db.Model):
    """A professional qualification (one of the framework's, such as CIPD level 5) a person holds."""

    __tablename__ = "professional_qualifications"
    __table_args__ = (UniqueConstraint("person_id", "qualification_id", name="uq_professional_qualifications_once_a_person"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    qualification_id: Mapped[str] = mapped_column(String(64))
    awarded_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped[Person] = relationship()
    recorded_by: Mapped[Account] = relationship()


class QuizResult(db.Model):
    """A 'try before you buy' quiz result a signed-in person chose to keep: their answers and the ranking."""

    __tablename__ = "quiz_results"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # Question id to answer id, as given.
    answers: Mapped[dict] = mapped_column(JSON)
    # Role ids, best match first, as ranked when the quiz was taken.
    ranking: Mapped[list] = mapped_column(JSON)
    taken_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped[Person] = relationship()
