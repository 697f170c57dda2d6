"""People planner plans for, and the accounts they sign in with."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.core.tna import add_months
from planner.db import db
from planner.models.organisations import team_managers
from planner.passwords import hash_password, password_matches

if TYPE_CHECKING:  # names used only in annotations; the classes resolve them by name at run time
    from planner.models.organisations import Team, Trust


ACCOUNT_ROLES = ("staff", "manager", "trust_admin", "region_lead", "admin")
"""What an account may do; an account holds one or more of these."""


class Person(db.Model):
    """Someone planner plans for: where they work, their role and what they are aiming at."""

    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint(
            "protected_hours > 0 AND protected_hours <= 200",
            name="protected_hours_range",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # The ESR assignment number, which staff list and completion imports match people by.
    assignment_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    trust_id: Mapped[int] = mapped_column(ForeignKey("trusts.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    role_id: Mapped[str] = mapped_column(String(64))
    band: Mapped[str] = mapped_column(String(4))
    started_in_role: Mapped[date] = mapped_column(Date)
    line_manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id"), index=True
    )
    protected_hours: Mapped[float] = mapped_column(Float, default=4.0)
    target_role_id: Mapped[str | None] = mapped_column(String(64))
    mentor_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    # Generalist HR colleagues who are willing to cover medical staffing tasks in their trust.
    shares_tasks: Mapped[bool] = mapped_column(Boolean, default=False)
    # Data rights (planner.rights): a restricted record is kept but nothing in it may change; an
    # erased one keeps only a pseudonym, so rows that point at it (such as audit events) stay whole.
    restricted_at: Mapped[datetime | None] = mapped_column(DateTime)
    restriction_reason: Mapped[str | None] = mapped_column(Text)
    erased_at: Mapped[datetime | None] = mapped_column(DateTime)
    erasure_reason: Mapped[str | None] = mapped_column(Text)

    trust: Mapped[Trust] = relationship()
    team: Mapped[Team] = relationship(foreign_keys=[team_id])
    line_manager: Mapped[Person | None] = relationship(remote_side=[id])
    managed_teams: Mapped[list[Team]] = relationship(
        secondary=team_managers, back_populates="managers", order_by="Team.name"
    )
    account: Mapped[Account | None] = relationship(back_populates="person")

    def months_in_role(self, today: date) -> int:
        """Whole months since starting in the current role (0 before the first full month), counted
        as the check-in schedule counts them: a month from 31 January ends on 28 (or 29) February."""
        start = self.started_in_role
        months = (today.year - start.year) * 12 + today.month - start.month
        if months > 0 and add_months(start, months) > today:
            months -= 1
        return max(months, 0)


class Account(db.Model):
    """A way to sign in: an email, a password hash and what the holder may do."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    roles_text: Mapped[str] = mapped_column("roles", String(80), default="staff")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), unique=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    person: Mapped[Person | None] = relationship(back_populates="account")

    @property
    def roles(self) -> frozenset[str]:
        """The account roles held, such as ``{"staff", "manager"}``."""
        return frozenset(self.roles_text.split())

    @roles.setter
    def roles(self, roles) -> None:
        unknown = set(roles) - set(ACCOUNT_ROLES)
        if unknown:
            raise ValueError(f"unknown account roles: {', '.join(sorted(unknown))}")
        self.roles_text = " ".join(r for r in ACCOUNT_ROLES if r in set(roles))

    def set_password(self, password: str) -> None:
        """Keep only a salted hash of the password (``planner.passwords``)."""
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        """Whether ``password`` is this account's password."""
        return password_matches(self.password_hash, password)

    # Flask-Login's interface. The id carries the session version, so raising the version
    # (at sign-out) ends every session signed in before.
    @property
    def is_active(self) -> bool:
        return self.active

    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"
