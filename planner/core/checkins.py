"""Check-ins with people new in role, and the retention flag (THREAD's *Recruit and retain*).

The rules:

1. **Dates.** A person gets a check-in 1, 3, 6, 12, 18 and 24 months after starting in their
   role: the same day of the month, moved back to the month's last day where the month is shorter
   (``tna.add_months``), so a start on 31 January has its first check-in on 28 or 29 February.
2. **Records.** Each check-in recorded completes the earliest check-in still open, whenever it
   took place: a late first check-in completes the first one, and the next one stays open. Records
   dated before the start belong to an earlier role and are ignored; records beyond the sixth
   complete nothing.
3. **Status.** A check-in not done is *overdue* once its date has passed, *due* from
   ``due_within_days`` before its date up to and including its date, and *upcoming* before that.
4. **End.** The schedule closes the day after the 24-month check-in's date: the person is no
   longer new in role, so check-ins still open are dropped from the manager's list. Those done
   stay, as the record of what took place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from planner.core.tna import add_months

CHECKIN_MONTHS = (1, 3, 6, 12, 18, 24)
"""Months after the start in role at which a check-in is held."""
DUE_WITHIN_DAYS = 14
"""How many days ahead a check-in counts as due rather than upcoming."""
NEW_IN_ROLE_MONTHS = 24
"""Below this many months in role a person is new: they get check-ins and may be flagged."""
QUIET_MONTHS = 6
"""Months without training after which a person new in role is flagged."""

DONE, OVERDUE, DUE, UPCOMING = "done", "overdue", "due", "upcoming"


@dataclass(frozen=True)
class Checkin:
    """One scheduled check-in: ``month`` months after the start, on ``on``, and where it stands."""

    month: int
    on: date
    status: str
    done_on: date | None = None


@dataclass(frozen=True)
class RetentionFlag:
    """Why a person new in role is flagged: no training recorded since ``since``."""

    since: date
    reason: str


def schedule(start: date, done: tuple[date, ...], today: date, *, due_within_days: int = DUE_WITHIN_DAYS) -> tuple[Checkin, ...]:
    """The check-ins of a person who started in role on ``start``, in date order (see the module rules).

    Parameters
    ----------
    start
        The day the person started in their current role.
    done
        The dates of the check-ins recorded, in any order.
    today
        The day the statuses are worked out for.
    due_within_days
        How many days ahead a check-in is shown as due.

    Returns
    -------
    tuple of Checkin
        Every check-in done, and while the schedule is open every check-in not yet done.
    """
    dates = [add_months(start, month) for month in CHECKIN_MONTHS]
    records = sorted(day for day in done if day >= start)
    is_open = today <= dates[-1]
    due_by = today + timedelta(days=due_within_days)
    checkins = []
    for i, (month, on) in enumerate(zip(CHECKIN_MONTHS, dates)):
        if i < len(records):
            checkins.append(Checkin(month, on, DONE, records[i]))
        elif is_open:
            status = OVERDUE if on < today else DUE if on <= due_by else UPCOMING
            checkins.append(Checkin(month, on, status))
    return tuple(checkins)


def retention_flag(start: date, last_training: date | None, today: date) -> RetentionFlag | None:
    """Whether to flag someone new in role on their manager's team list, and why.

    The flag asks a manager to talk to someone at risk of leaving: under two years in role with
    no training recorded in the last six months. Read literally, everyone in their first six
    months would be flagged, having had no six months to train in; that would bury the people the
    flag is for. So the six months run from the later of the start in role and the last training:
    a person is flagged once six months have passed since then, while still under 24 months in
    role. Training before the start (in an earlier role) counts as none; training on
    the day of the start counts.

    Returns
    -------
    RetentionFlag or None
        The date since which nothing was recorded and a sentence saying so, or None when there is
        no reason to flag.
    """
    trained = last_training is not None and last_training >= start
    since = last_training if trained else start
    if today >= add_months(start, NEW_IN_ROLE_MONTHS) or today < add_months(since, QUIET_MONTHS):
        return None
    day = f"{since.day} {since:%B %Y}"
    if trained:
        return RetentionFlag(since, f"no training recorded since {day}")
    return RetentionFlag(since, f"no training recorded since starting in role on {day}")
