"""Printing the plans of a team or trust in the background: the job, its progress and its result."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import db
from planner.times import utcnow

if TYPE_CHECKING:  # names used only in annotations; the classes resolve them by name at run time
    from planner.models.organisations import Team, Trust
    from planner.models.people import Account


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
