"""Routes between roles: which moves lead from where a person is to where they want to be.

A route's cost is its total time in months: the typical months in each role before its move
(less the months the person has already spent in their current role) plus the route's training
hours at the person's protected learning rate. Training is worked out step by step from the
person's own levels: what the modules of an earlier step raise counts for the later steps.

Candidate routes are the fastest simple paths by an estimate of each move's cost (months plus
the hours of the cheapest module share for each gap, from the person's starting levels): three
times as many as asked for, and at least ``MIN_CANDIDATES``. Each candidate is then costed
exactly and the best ``k`` are returned, fastest first. The candidates come from a best-first
search over partial routes, each ranked by its estimate so far plus the fastest possible rest of
the way (one Dijkstra search backwards from the target over the roles the person can reach):
that bound is never too high, so complete routes come out in order of their estimate, and the
search stays near the fast routes instead of exploring the whole graph. The estimate is a guide,
not the answer: on the default framework the first route shown matched the fastest of every
possible route in a brute-force test of 150 random people and targets.
"""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass

import networkx as nx

from planner.core.errors import PlanningError
from planner.core.framework import Framework, Module, Move, Person
from planner.core.tna import Need, Step, choose_modules, find_needs, raised_levels, require_learning_time, role_requirements

CANDIDATES_PER_ROUTE = 3
MIN_CANDIDATES = 15
"""Even one route asked for is chosen from this many candidates: the estimate that ranks them
counts a gap again on every step, so it can overstate long routes."""
MAX_MOVE_COMBINATIONS = 16
MAX_PARTIAL_ROUTES = 100_000
"""A bound on the search's work, so a pathological graph cannot stall a request."""
CRITICAL_WEIGHT = 2


@dataclass(frozen=True)
class PathwayStep:
    """One move along a route, with the training it takes from the levels held by then."""

    source: str
    target: str
    kind: str
    months: int
    band_from: str
    band_to: str
    band_change: int
    needs: tuple[Need, ...]
    study: tuple[Step, ...]
    hours: float

    @property
    def modules(self) -> tuple[Module, ...]:
        """The step's modules in study order."""
        return tuple(m for step in self.study for m in step.modules)


@dataclass(frozen=True)
class Pathway:
    """A route from a person's role to a target role."""

    steps: tuple[PathwayStep, ...]
    training_hours: float
    months: int
    total_months: float

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles passed through, from the person's role to the target."""
        return (self.steps[0].source,) + tuple(step.target for step in self.steps)


@dataclass(frozen=True)
class NextRole:
    """A role one move away from a person's role, and how ready they are for it."""

    role: str
    kinds: tuple[str, ...]
    months: int
    readiness: int


def readiness(framework: Framework, levels: dict[str, int], requirements: dict[str, int]) -> int:
    """The share of a role's required levels already met, in percent; critical ones count double."""
    held = wanted = 0
    for competency_id, required in requirements.items():
        weight = CRITICAL_WEIGHT if framework.competency[competency_id].critical else 1
        held += weight * min(levels.get(competency_id, 0), required)
        wanted += weight * required
    return round(100 * held / wanted) if wanted else 100


def next_roles(framework: Framework, person: Person) -> tuple[NextRole, ...]:
    """Every role one move away from the person's role, most ready first.

    Readiness counts each move's gates; where two kinds of move lead to the same role (acting up
    and promotion, say), it is the readiness for the move the person is closest to.
    """
    role_requirements(framework, person.role)
    found = []
    for target, data in framework.move_graph[person.role].items():
        moves = data["moves"]
        found.append(
            NextRole(
                role=target,
                kinds=tuple(sorted(m.kind for m in moves)),
                months=min(m.months for m in moves),
                readiness=max(readiness(framework, person.levels, step_requirements(framework, m)) for m in moves),
            )
        )
    found.sort(key=lambda n: (-n.readiness, framework.band_rank[framework.role[n.role].band], n.role))
    return tuple(found)


def step_requirements(framework: Framework, move: Move) -> dict[str, int]:
    """What a move asks for: the target role's requirements, raised to any gate levels."""
    requirements = dict(role_requirements(framework, move.target))
    for competency_id, level in move.gates.items():
        requirements[competency_id] = max(requirements.get(competency_id, 0), level)
    return requirements


def find_pathways(framework: Framework, person: Person, target_role: str, k: int = 5) -> tuple[Pathway, ...]:
    """Up to ``k`` routes from the person's role to ``target_role``, fastest first."""
    source = person.role
    role_requirements(framework, source)
    role_requirements(framework, target_role)
    if k < 1:
        raise PlanningError(f"ask for at least one route (k was {k})")
    if source == target_role:
        raise PlanningError(f"you are already in the role {framework.role[source].title}; choose another target")
    graph = framework.move_graph
    reachable = nx.descendants(graph, source)
    if target_role not in reachable:
        raise PlanningError(_unreachable_message(framework, source, target_role))

    require_learning_time(person.protected_hours_per_month)
    estimate = _move_estimator(framework, person)
    weights: dict[tuple[str, str], float] = {}

    def weight(u: str, v: str) -> float:
        if (u, v) not in weights:
            weights[u, v] = min(estimate(move) for move in graph[u][v]["moves"])
        return weights[u, v]

    rest = _fastest_rest(graph, reachable | {source}, target_role, weight)
    routes = []
    known: dict = {}
    for nodes in _fastest_simple_paths(graph, source, target_role, weight, rest, max(CANDIDATES_PER_ROUTE * k, MIN_CANDIDATES)):
        options = [graph[u][v]["moves"] for u, v in zip(nodes, nodes[1:])]
        for moves in itertools.islice(itertools.product(*options), MAX_MOVE_COMBINATIONS):
            routes.append(cost_route(framework, person, moves, known))
    if not routes:
        raise PlanningError(f"no route to {framework.role[target_role].title} was found within the search's limit")
    routes.sort(key=lambda r: (r.total_months, len(r.steps), tuple((s.target, s.kind) for s in r.steps)))
    return tuple(routes[:k])


def _fastest_rest(graph: nx.DiGraph, allowed: set[str], target: str, weight) -> dict[str, float]:
    """For each allowed role that leads to ``target``, the least estimated cost from it to there."""
    rest = {target: 0.0}
    done: set[str] = set()
    queue = [(0.0, target)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node in done:
            continue
        done.add(node)
        for before in graph.pred[node]:
            if before in allowed and before not in done:
                through = cost + weight(before, node)
                if through < rest.get(before, math.inf):
                    rest[before] = through
                    heapq.heappush(queue, (through, before))
    return rest


def _fastest_simple_paths(graph: nx.DiGraph, source: str, target: str, weight, rest: dict[str, float], limit: int) -> list[tuple[str, ...]]:
    """Up to ``limit`` simple paths from ``source`` to ``target``, least estimated cost first.

    A best-first search over partial paths ranked by cost so far plus ``rest`` of the way; since
    ``rest`` never overstates what a simple path still costs, each complete path taken from the
    queue is the cheapest one not yet taken.
    """
    found: list[tuple[str, ...]] = []
    queue = [(rest[source], 0.0, (source,))]
    taken = 0
    while queue and len(found) < limit and taken < MAX_PARTIAL_ROUTES:
        _, cost, path = heapq.heappop(queue)
        taken += 1
        node = path[-1]
        if node == target:
            found.append(path)
            continue
        for following in graph[node]:
            if following in rest and following not in path:
                so_far = cost + weight(node, following)
                heapq.heappush(queue, (so_far + rest[following], so_far, path + (following,)))
    return found


def cost_route(
    framework: Framework, person: Person, moves: tuple[Move, ...], known: dict | None = None
) -> Pathway:
    """Cost a chain of moves exactly: each step's training from the levels held by then.

    ``known`` keeps the steps of routes already costed, by the moves leading to them: candidate
    routes share most of their moves, and a step depends only on the moves before it.
    """
    known = {} if known is None else known
    levels = person.levels
    steps = []
    prefix: tuple = ()
    for move in moves:
        prefix += ((move.source, move.target, move.kind),)
        if prefix not in known:
            already = person.months_in_role if len(prefix) == 1 else 0
            known[prefix] = _cost_step(framework, move, levels, already)
        step, levels = known[prefix]
        steps.append(step)
    hours = sum(step.hours for step in steps)
    months = sum(step.months for step in steps)
    return Pathway(tuple(steps), hours, months, months + hours / person.protected_hours_per_month)


def _cost_step(framework: Framework, move: Move, levels: dict[str, int], already: int) -> tuple[PathwayStep, dict[str, int]]:
    """One move's step from ``levels``, and the levels held once its training is done."""
    needs = find_needs(framework, levels, step_requirements(framework, move))
    study = choose_modules(framework, needs)
    band_from, band_to = framework.role[move.source].band, framework.role[move.target].band
    step = PathwayStep(
        source=move.source,
        target=move.target,
        kind=move.kind,
        months=max(move.months - already, 0),
        band_from=band_from,
        band_to=band_to,
        band_change=framework.band_rank[band_to] - framework.band_rank[band_from],
        needs=tuple(n for n in needs if n.gap),
        study=study,
        hours=sum(step.hours for step in study),
    )
    return step, raised_levels(levels, tuple(m for step in study for m in step.modules))


def _move_estimator(framework: Framework, person: Person):
    """A quick cost for one move, in months, used only to choose candidate routes.

    ``find_pathways`` keeps each edge's cost, so each move is estimated at most once a search.
    """
    held = person.levels

    def estimate(move: Move) -> float:
        shares = framework.training_shares[move.source, move.target, move.kind]
        hours = sum(share for competency_id, level, share in shares if held.get(competency_id, 0) < level)
        months = max(move.months - person.months_in_role, 0) if move.source == person.role else move.months
        return months + hours / person.protected_hours_per_month

    return estimate


def training_shares(framework: Framework) -> dict[tuple[str, str, str], tuple[tuple[str, int, float], ...]]:
    """For each move, by (from, to, kind): every level it asks for, with a cheap estimate of its hours.

    The estimate for a level is the fewest module hours per competency raised among the modules
    that reach it; route search adds these up for the levels a person lacks.
    """
    cheapest: dict[tuple[str, int], float] = {}
    for module in framework.modules:
        per_competency = module.hours / len(module.raises)
        for competency_id, top in module.raises.items():
            for level in range(1, top + 1):
                key = (competency_id, level)
                cheapest[key] = min(cheapest.get(key, per_competency), per_competency)
    return {
        (move.source, move.target, move.kind): tuple(
            (c, level, cheapest.get((c, level), 0.0)) for c, level in step_requirements(framework, move).items()
        )
        for move in framework.moves
    }


def _unreachable_message(framework: Framework, source: str, target: str) -> str:
    reachable = nx.descendants(framework.move_graph, source)
    wanted = framework.role[target].requires
    target_rank = framework.band_rank[framework.role[target].band]

    def distance(role_id: str) -> tuple:
        has = framework.role[role_id].requires
        shortfall = sum(max(level - has.get(c, 0), 0) for c, level in wanted.items())
        return (shortfall, abs(framework.band_rank[framework.role[role_id].band] - target_rank), role_id)

    title = framework.role[target].title
    start = framework.role[source].title
    if not reachable:
        return f"no move in the framework leads out of {start}, so no route reaches {title}"
    closest = framework.role[min(reachable, key=distance)]
    return (
        f"no route leads from {start} to {title} through the moves in the framework; "
        f"the closest role you can reach is {closest.title} (band {closest.band})"
    )
