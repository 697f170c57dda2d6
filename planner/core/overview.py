"""A person at a glance: how ready they are for their role and their target, and what to do next.

The staff home page shows what ``overview`` returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planner.core.framework import Framework, Module, Person
from planner.core.pathways import readiness
from planner.core.tna import Need, analyse_needs, role_requirements

TOP_GAPS = 5
"""How many of the most urgent gaps the overview lists."""
NEXT_MODULES = 3
"""How many of the first modules to study the overview lists."""


@dataclass(frozen=True)
class Overview:
    """Where a person stands and their next steps, towards their target or else in their role."""

    role: str
    target: str | None
    role_readiness: int
    target_readiness: int | None
    top_gaps: tuple[Need, ...]
    gap_count: int
    next_modules: tuple[Module, ...]
    unrated: tuple[str, ...]
    total_hours: float
    months: int
    completion: date


def overview(framework: Framework, person: Person, target_role: str | None, rated: frozenset[str], today: date) -> Overview:
    """The overview for ``person``, whose ratings cover the competencies in ``rated``.

    Readiness is the share of a role's required levels met (``pathways.readiness``). The gaps,
    modules and completion are those of the needs analysis towards the target, or towards the
    person's own role when they have no target (or it is their role). ``unrated`` lists, in
    framework order, the competencies the role or target asks for that the person has not rated.
    """
    goal = target_role if target_role and target_role != person.role else None
    analysis = analyse_needs(framework, person, goal, today=today)
    own = role_requirements(framework, person.role)
    wanted = set(own) | set(role_requirements(framework, goal) if goal else ())
    return Overview(
        role=person.role,
        target=goal,
        role_readiness=readiness(framework, person.levels, own),
        target_readiness=readiness(framework, person.levels, role_requirements(framework, goal)) if goal else None,
        top_gaps=analysis.gaps[:TOP_GAPS],
        gap_count=len(analysis.gaps),
        next_modules=analysis.modules[:NEXT_MODULES],
        unrated=tuple(c.id for c in framework.competencies if c.id in wanted and c.id not in rated),
        total_hours=analysis.total_hours,
        months=analysis.months,
        completion=analysis.completion,
    )
