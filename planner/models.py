"""What planner keeps in its database: organisations, people, accounts, ratings, plans and the audit trail.

Ratings and audit events are append-only: nothing updates or deletes them. A person's current
level in a competency is derived from their ratings by ``current_levels`` (the policy is stated
there and shown on the pages). ``person_to_core`` turns a person and their ratings into the plain
``Person`` the planning core takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from planner.core import framework as core
from planner.db import db

ACCOUNT_ROLES = ("staff", "manager", "trust_admin", "region_lead", "admin")
"""What an account may do; an account holds one or more of these."""
RATERS = ("self", "manager")
PLAN_STATUSES = ("draft", "agreed")
EVIDENCE_MAX = 2000
"""The longest evidence note a rating keeps, in characters."""
PASSWORD_METHOD = "scrypt"


def utcnow() -> datetime:
    """Now, in UTC without a zone (every time in the database is UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


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
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    system_id: Mapped[int] = mapped_column(
        ForeignKey("integrated_care_systems.id"), index=True
    )
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
    members: Mapped[list[Person]] = relationship(
        back_populates="team", order_by="Person.name", foreign_keys="Person.team_id"
    )
    managers: Mapped[list[Person]] = relationship(
        secondary=team_managers, back_populates="managed_teams", order_by="Person.name"
    )


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

    trust: Mapped[Trust] = relationship()
    team: Mapped[Team] = relationship(back_populates="members", foreign_keys=[team_id])
    line_manager: Mapped[Person | None] = relationship(remote_side=[id])
    managed_teams: Mapped[list[Team]] = relationship(
        secondary=team_managers, back_populates="managers", order_by="Team.name"
    )
    account: Mapped[Account | None] = relationship(back_populates="person")

    def months_in_role(self, today: date) -> int:
        """Whole months since starting in the current role (0 before the first full month)."""
        months = (
            (today.year - self.started_in_role.year) * 12
            + today.month
            - self.started_in_role.month
        )
        if today.day < self.started_in_role.day:
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
        """Keep only a salted scrypt hash of the password."""
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)

    def check_password(self, password: str) -> bool:
        """Whether ``password`` is this account's password."""
        return check_password_hash(self.password_hash, password)

    # Flask-Login's interface. The id carries the session version, so raising the version
    # (at sign-out) ends every session signed in before.
    @property
    def is_active(self) -> bool:
        return self.active

    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


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


class PrintJob(db.Model):
    """Printing every plan of a team or a trust, run in the background: what was asked, by whom,
    and how far it has got, so its page shows progress after a reload and a failed job can be retried.

    ``format`` is "pdf" (one PDF with contents and bookmarks) or "zip" (one PDF a person); ``status``
    is queued, running, done or failed. ``updated_at`` is bumped at every step: a running job not
    heard of for a while has lost its thread.
    """

    __tablename__ = "print_jobs"
    __table_args__ = (
        CheckConstraint(
            "(team_id IS NULL AND trust_id IS NOT NULL) OR (team_id IS NOT NULL AND trust_id IS NULL)",
            name="one_scope",
        ),
        CheckConstraint("format IN ('pdf', 'zip')", name="format_kind"),
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    trust_id: Mapped[int | None] = mapped_column(ForeignKey("trusts.id"), index=True)
    format: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(8), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    output_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    account: Mapped[Account] = relationship()
    team: Mapped[Team | None] = relationship()
    trust: Mapped[Trust | None] = relationship()

    @property
    def scope_name(self) -> str:
        """What is printed, in words: "Medical staffing, Northgate Trust" or "Northgate Trust"."""
        return f"{self.team.name}, {self.team.trust.name}" if self.team else self.trust.name

    @property
    def scope_trust_id(self) -> int:
        """The trust the printed people work in."""
        return self.team.trust_id if self.team else self.trust_id
