"""The stored needs of each person: what the training-needs analysis finds for their current role,
kept so that teams, trusts and regions can be added up by the database.

These tables are a read model: derived from a person's role, their ratings and the framework, and
rewritten whole for a person whenever one of those changes (``planner.insight`` does it). Nothing
else writes them, and they hold nothing that cannot be worked out again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from planner.db import db
from planner.times import utcnow


class PersonNeedsSummary(db.Model):
    """One person's analysis in brief, and what it was worked out from (role and framework)."""

    __tablename__ = "needs_summaries"
    __table_args__ = (CheckConstraint("readiness >= 0 AND readiness <= 100", name="readiness_range"),)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    # A digest of the parts of the framework the analysis used; another value means out of date.
    fingerprint: Mapped[str] = mapped_column(String(64))
    role_id: Mapped[str] = mapped_column(String(64))
    readiness: Mapped[int] = mapped_column(Integer)
    hours: Mapped[float] = mapped_column(Float)
    gap_count: Mapped[int] = mapped_column(Integer)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PersonNeed(db.Model):
    """A competency in which a person falls short of their role (or of a prerequisite it brings in)."""

    __tablename__ = "person_needs"
    __table_args__ = (CheckConstraint("gap > 0", name="gap_positive"),)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    competency_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Kept beside the competency so the heatmap of domains can be grouped without the framework.
    domain_id: Mapped[str] = mapped_column(String(64))
    current: Mapped[int] = mapped_column(Integer)
    required: Mapped[int] = mapped_column(Integer)
    gap: Mapped[int] = mapped_column(Integer)
    critical: Mapped[bool] = mapped_column(Boolean)


class PersonModule(db.Model):
    """A module chosen for a person to close their gaps, with its hours when chosen."""

    __tablename__ = "person_modules"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    module_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    hours: Mapped[float] = mapped_column(Float)
