"""Secondments: opportunities a host team posts, the staff interested in them, and the places
confirmed.

A confirmed place has a number from 1 to the opportunity's places, unique per opportunity, so two
managers confirming the last place at once cannot both succeed: the database refuses the second.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import db
from planner.times import utcnow

if TYPE_CHECKING:  # names used only in annotations; the classes resolve them by name at run time
    from planner.models.organisations import Team
    from planner.models.people import Account, Person

OPPORTUNITY_STATUSES = ("open", "closed")


class SecondmentOpportunity(db.Model):
    """A secondment a host team offers: the role, when, for how long, at what FTE, how many places,
    and the competencies it develops with the level it takes a person to (``develops``)."""

    __tablename__ = "secondment_opportunities"
    __table_args__ = (
        CheckConstraint("months BETWEEN 1 AND 36", name="months_range"),
        CheckConstraint("fte > 0 AND fte <= 1", name="fte_range"),
        CheckConstraint("places BETWEEN 1 AND 50", name="places_range"),
        CheckConstraint("status IN ('open', 'closed')", name="status_kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    host_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    role_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    months: Mapped[int] = mapped_column(Integer)
    fte: Mapped[float] = mapped_column(Float, default=1.0)
    places: Mapped[int] = mapped_column(Integer, default=1)
    develops: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(8), default="open")
    posted_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    posted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    host_team: Mapped[Team] = relationship()
    posted_by: Mapped[Account] = relationship()
    interests: Mapped[list[SecondmentInterest]] = relationship(back_populates="opportunity", order_by="SecondmentInterest.id")
    placements: Mapped[list[Secondment]] = relationship(back_populates="opportunity", order_by="Secondment.place")


class SecondmentInterest(db.Model):
    """A person saying they would like a secondment; ``withdrawn_at`` once they no longer do."""

    __tablename__ = "secondment_interests"
    __table_args__ = (UniqueConstraint("opportunity_id", "person_id", name="uq_secondment_interests_once_a_person"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("secondment_opportunities.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)

    opportunity: Mapped[SecondmentOpportunity] = relationship(back_populates="interests")
    person: Mapped[Person] = relationship()


class Secondment(db.Model):
    """A confirmed place on a secondment: who goes, which place they hold, who confirmed it."""

    __tablename__ = "secondments"
    __table_args__ = (
        UniqueConstraint("opportunity_id", "place", name="uq_secondments_one_person_a_place"),
        UniqueConstraint("opportunity_id", "person_id", name="uq_secondments_one_place_a_person"),
        CheckConstraint("place >= 1", name="place_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("secondment_opportunities.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    place: Mapped[int] = mapped_column(Integer)
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    confirmed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    opportunity: Mapped[SecondmentOpportunity] = relationship(back_populates="placements")
    person: Mapped[Person] = relationship()
    confirmed_by: Mapped[Account] = relationship()
