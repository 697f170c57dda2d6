"""A person's development plan: where they are, where they are going, and the training month by month.

``assemble_plan`` is the one entry point for a person's plan: the plan pages and printed plans
show what it returns. (``planner analyse`` shows a needs analysis and routes, not a plan.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from planner.core.framework import Framework, Module, Person
from planner.core.pathways import Pathway, find_pathways
from planner.core.tna import (
    Need,
    Step,
    add_months,
    choose_modules,
    find_needs,
    require_learning_time,
    role_requirements,
)

REVIEW_EVERY_MONTHS = 3
MAX_REVIEWS = 8
"""Reviews are listed for two years at most; by then the plan is due to be made again."""
EPSILON = 1e-9


@dataclass(frozen=True)
class ScheduledModule:
    """A module placed in the plan: which step it belongs to and the months it spans."""

    module: Module
    step: int
    start: date
    end: date


@dataclass(frozen=True)
class MonthPlan:
    """One month of protected learning time: the hours given to each module."""

    month: date
    hours: tuple[tuple[str, float], ...]

    @property
    def total(self) -> float:
        """The protected learning hours used this month."""
        return sum(h for _, h in self.hours)


@dataclass(frozen=True)
class Plan:
    """Everything a development plan shows, worked out for one person on one day."""

    person: Person
    role: str
    target: str | None
    today: date
    pathway: Pathway | None
    needs: tuple[Need, ...]
    modules: tuple[ScheduledModule, ...]
    months: tuple[MonthPlan, ...]
    total_hours: float
    completion: date
    reviews: tuple[date, ...]
    route: int = 0
    """The number of the route followed (0 = fastest); the last one when fewer routes exist than asked."""


def assemble_plan(
    framework: Framework, person: Person, target_role: str | None, today: date, *, route: int = 0
) -> Plan:
    """Build a person's plan towards ``target_role`` (or their own role when None or the same).

    The plan follows route number ``route`` (0 = fastest) of ``find_pathways``; its training is
    the training along that route, scheduled within the person's protected learning hours.
    """
    role_requirements(framework, person.role)
    goal = target_role if target_role and target_role != person.role else None
    pathway, followed = None, 0
    if goal:
        routes = find_pathways(framework, person, goal)
        followed = min(max(route, 0), len(routes) - 1)
        pathway = routes[followed]
        study = tuple(step for move in pathway.steps for step in move.study)
        needs = find_needs(framework, person.levels, role_requirements(framework, goal))
    else:
        needs = find_needs(framework, person.levels, role_requirements(framework, person.role))
        study = choose_modules(framework, needs)
    first_month = today.replace(day=1)
    scheduled, months = schedule(study, person.protected_hours_per_month, first_month)
    completion = months[-1].month if months else first_month
    span = (completion.year - first_month.year) * 12 + completion.month - first_month.month + 1
    if pathway:
        span = max(span, pathway.months)
    reviews = tuple(
        add_months(today, REVIEW_EVERY_MONTHS * i)
        for i in range(1, min(max(math.ceil(span / REVIEW_EVERY_MONTHS), 1), MAX_REVIEWS) + 1)
    )
    return Plan(
        person=person,
        role=person.role,
        target=goal,
        today=today,
        pathway=pathway,
        needs=needs,
        modules=scheduled,
        months=months,
        total_hours=sum(s.hours for s in study),
        completion=completion,
        reviews=reviews,
        route=followed,
    )


def schedule(
    study: tuple[Step, ...], hours_per_month: float, first_month: date
) -> tuple[tuple[ScheduledModule, ...], tuple[MonthPlan, ...]]:
    """Place modules one after another in the monthly protected hours, from ``first_month``.

    Modules of one step (studied together) share the step's first and last month.
    """
    require_learning_time(hours_per_month)
    month_index, room = 0, hours_per_month
    by_month: dict[int, list[tuple[str, float]]] = {}
    scheduled: list[ScheduledModule] = []
    for number, step in enumerate(study, 1):
        spans = []
        for module in step.modules:
            remaining = module.hours
            start = None
            while remaining > EPSILON:
                if room <= EPSILON:
                    month_index, room = month_index + 1, hours_per_month
                taken = min(remaining, room)
                by_month.setdefault(month_index, []).append((module.id, round(taken, 2)))
                start = month_index if start is None else start
                remaining -= taken
                room -= taken
            spans.append((module, start, month_index))
        first = min(s for _, s, _ in spans)
        last = max(e for _, _, e in spans)
        for module, start, end in spans:
            if len(spans) > 1:
                start, end = first, last
            scheduled.append(
                ScheduledModule(module, number, add_months(first_month, start), add_months(first_month, end))
            )
    months = tuple(MonthPlan(add_months(first_month, i), tuple(by_month[i])) for i in sorted(by_month))
    return tuple(scheduled), months
