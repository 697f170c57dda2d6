"""Dates and times as people in England read them: stored in UTC, shown and dated in UK time."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def uk_today() -> date:
    """Today's date in the UK (a server keeping UTC is still on yesterday until 1 a.m. in summer)."""
    return datetime.now(UK).date()


def long_date(day: date) -> str:
    """A date in en-GB words, such as ``3 March 2026``."""
    return f"{day.day} {day:%B %Y}"


def uk_time(moment: datetime) -> str:
    """A stored UTC time as UK clock time in en-GB words, such as ``3 March 2026 at 2:05pm``."""
    local = moment.replace(tzinfo=timezone.utc).astimezone(UK)
    clock = local.strftime("%-I:%M%p").lower()
    return f"{local.day} {local:%B %Y} at {clock}"


def utcnow() -> datetime:
    """Now, in UTC without a zone (every time in the database is UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
