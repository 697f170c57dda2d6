"""Where people work: NHS England regions, integrated care systems, trusts and teams."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import db

if TYPE_CHECKING:  # names used only in annotations; the classes resolve them by name at run time
    from planner.models.people import Person


class Region(db.Model):
    """An NHS England region, such as the North West."""

    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    systems: Mapped[list[IntegratedCareSystem]] = relationship(
        back_populates="region", order_by="IntegratedCareSystem.name"
    )


class IntegratedCareSystem(db.Model):
    """An integrated care system (ICS): the trusts of one area working together."""

    __tablename__ = "integrated_care_systems"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    region: Mapped[Region] = relationship(back_populates="systems")
    trusts: Mapped[list[Trust]] = relationship(
        back_populates="system", order_by="Trust.name"
    )


class Trust(db.Model):
    """An NHS trust: the employer."""

    __tablename__ = "trusts"
    __table_args__ = (CheckConstraint("retention_months BETWEEN 12 AND 240", name="retention_months_range"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    system_id: Mapped[int] = mapped_column(
        ForeignKey("integrated_care_systems.id"), index=True
    )
    # How long personal data past its use is kept before ``planner purge`` removes it (planner.rights).
    retention_months: Mapped[int] = mapped_column(Integer, default=72, server_default="72")
    system: Mapped[IntegratedCareSystem] = relationship(back_populates="trusts")
    teams: Mapped[list[Team]] = relationship(
        back_populates="trust", order_by="Team.name"
    )


team_managers = db.Table(
    "team_managers",
    db.Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    db.Column(
        "person_id",
        ForeignKey("people.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)
"""Who manages each team: a team may have more than one manager, a manager more than one team."""


class Team(db.Model):
    """A medical staffing (or HR) team within a trust."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("trust_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    trust_id: Mapped[int] = mapped_column(ForeignKey("trusts.id"), index=True)
    trust: Mapped[Trust] = relationship(back_populates="teams")
    # Erased people keep their row (records others made still point at it) but are nobody's
    # colleague any more, so the team's list leaves them out.
    members: Mapped[list[Person]] = relationship(
        primaryjoin="and_(Team.id == Person.team_id, Person.erased_at.is_(None))",
        order_by="Person.name",
        foreign_keys="Person.team_id",
        viewonly=True,
    )
    managers: Mapped[list[Person]] = relationship(
        secondary=team_managers, back_populates="managed_teams", order_by="Person.name"
    )
