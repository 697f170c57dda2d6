"""Training completed (THREAD's *Educate*): the levels a module proposes, and protected learning time.

The rules:

1. **Proposed levels.** Completing a module proposes each level it raises as a new self-rating,
   awaiting a manager's validation, when that level is above the level that counts for the
   person now and no self-rating at that level or higher already awaits validation. A module
   never proposes a lower level than the person has.
2. **Hours used.** A training record's hours count in the month it was completed. Records kept
   before hours were recorded count as the module's hours from the framework (the learning time
   the module is planned to take); a record of a module no longer in the framework, without
   hours, counts as none, since nothing says how long it took.
3. **Learning time.** Each month's planned hours are the person's protected hours a month, the
   same for every month shown, the current month included in full; the balance is used minus
   planned, so a negative balance is time not used and a positive one is more than planned.
   A team's month is the sum of its members' months.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from planner.core.framework import Framework

HOURS_MAX = 2000.0
"""The most hours of learning time one training record may count, as the database allows: enough
for a CIPD level 7 qualification (about 1,200 hours); more is taken for a typing mistake."""


def proposed_levels(
    framework: Framework, module_id: str, current: dict[str, int], awaiting: dict[str, int]
) -> dict[str, int]:
    """The self-ratings completing a module proposes: competency id to level (rule 1).

    Parameters
    ----------
    framework : Framework
        The framework the module belongs to.
    module_id : str
        The module completed; it must be one of the framework's modules.
    current : dict[str, int]
        The level that counts now in each competency rated (validated, else self-rated).
    awaiting : dict[str, int]
        The level of each self-rating that awaits a manager's validation.

    Returns
    -------
    dict[str, int]
        The levels to propose, in the order the module lists them; empty when it raises nothing new.
    """
    raises = framework.module[module_id].raises
    return {
        competency_id: level
        for competency_id, level in raises.items()
        if level > current.get(competency_id, 0) and level > awaiting.get(competency_id, 0)
    }


def hours_of(framework: Framework, module_id: str, hours: float | None) -> float:
    """The hours a training record counts for: its own, else the module's, else none (rule 2)."""
    if hours is not None:
        return hours
    module = framework.module.get(module_id)
    return module.hours if module is not None else 0.0


def month_start(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def recent_months(today: date, count: int) -> tuple[date, ...]:
    """The first days of the ``count`` months up to and including ``today``'s, oldest first."""
    months, month = [], month_start(today)
    for _ in range(count):
        months.append(month)
        month = month_start(month - timedelta(days=1))
    return tuple(reversed(months))


@dataclass(frozen=True)
class MonthOfLearning:
    """Protected learning time in one month (or over several months, as a total): planned and used hours."""

    month: date
    planned: float
    used: float

    @property
    def balance(self) -> float:
        """Used minus planned: below zero is protected time not used, above zero more than planned."""
        return self.used - self.planned

    @property
    def words(self) -> str:
        """The balance in words, such as "2.5 hours under" or "as planned"."""
        if self.balance == 0:
            return "as planned"
        amount = abs(self.balance)
        return f"{amount:g} hour{'' if amount == 1 else 's'} {'over' if self.balance > 0 else 'under'}"


def learning_time(
    planned_per_month: float, used: Iterable[tuple[date, float]], months: tuple[date, ...]
) -> tuple[MonthOfLearning, ...]:
    """A person's protected learning time in each of ``months`` (rule 3).

    Parameters
    ----------
    planned_per_month : float
        The person's protected learning hours a month.
    used : iterable of (date, float)
        Each training record's completion date and the hours it counts for (``hours_of``).
        Records outside ``months`` are ignored.
    months : tuple of date
        The first days of the months to show, in the order to show them.

    Returns
    -------
    tuple[MonthOfLearning, ...]
        One entry for each of ``months``.
    """
    totals = dict.fromkeys(months, 0.0)
    for day, hours in used:
        month = month_start(day)
        if month in totals:
            totals[month] += hours
    return tuple(MonthOfLearning(month, planned_per_month, totals[month]) for month in months)


def team_learning_time(people: Iterable[tuple[MonthOfLearning, ...]], months: tuple[date, ...]) -> tuple[MonthOfLearning, ...]:
    """A team's protected learning time in each of ``months``: its members' planned and used hours added up."""
    planned, used = dict.fromkeys(months, 0.0), dict.fromkeys(months, 0.0)
    for person in people:
        for entry in person:
            planned[entry.month] += entry.planned
            used[entry.month] += entry.used
    return tuple(MonthOfLearning(month, planned[month], used[month]) for month in months)


def total(months: tuple[MonthOfLearning, ...]) -> MonthOfLearning:
    """The planned and used hours over several months, dated from the first of them.

    ``months`` must not be empty.
    """
    return MonthOfLearning(months[0].month, sum(m.planned for m in months), sum(m.used for m in months))

