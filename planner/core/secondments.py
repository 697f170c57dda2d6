"""Secondments (THREAD's Develop): what a secondment is worth to each person, and who goes where.

The rules:

1. **Development value.** A secondment takes a person to the levels it ``develops``. Its value
   to them is the training it saves towards their own target role (their current role when they
   have none): the hours of the modules the needs analysis would choose for them now, minus the
   hours it would choose once their levels are raised (a level is never lowered). Never negative.
2. **Net value.** Each interest carries a development value and a cover penalty (what the home
   team loses while the person is away, worked out by the caller). Its net value is
   ``value - penalty_weight * penalty``, compared to the nearest 0.001.
3. **Assignment.** All open opportunities are filled at once to make the total net value as
   large as possible: each person at most one secondment, each opportunity at most ``places``
   people, only people who expressed interest, and never a pair whose net value is 0 or less (a
   secondment that costs more cover than it gives is not proposed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx

from planner.core.errors import PlanningError
from planner.core.framework import Framework, Person
from planner.core.tna import choose_modules, find_needs, role_requirements

SCALE = 1000
"""Net values are scaled to whole thousandths so the flow solver works on exact integers."""
SINK = -1


@dataclass(frozen=True)
class Opportunity:
    """An open secondment: the host role, its places and months, and the levels it takes people to."""

    id: int
    title: str
    role: str
    places: int
    months: int
    develops: dict[str, int]


@dataclass(frozen=True)
class Interest:
    """One person's interest in one opportunity, with its development value and cover penalty."""

    person_id: int
    opportunity_id: int
    value: float
    penalty: float


@dataclass(frozen=True)
class Placement:
    """A proposed secondment: who goes where, what it is worth, and why, in one sentence."""

    person_id: int
    opportunity_id: int
    value: float
    penalty: float
    net: float
    explanation: str


@dataclass(frozen=True)
class Unplaced:
    """Someone who expressed interest but is not proposed for any secondment, and why.

    ``outbid`` is true when a secondment they asked for was worth it but its places went to
    others (``opportunity_ids`` names those); false when none they asked for was worth it.
    """

    person_id: int
    outbid: bool
    opportunity_ids: tuple[int, ...]
    explanation: str


@dataclass(frozen=True)
class Assignment:
    """The proposed secondments, the people left out, and the total net value."""

    placements: tuple[Placement, ...] = ()
    unplaced: tuple[Unplaced, ...] = ()
    total: float = 0.0


def development_value(framework: Framework, person: Person, target_role: str | None, develops: dict[str, int]) -> float:
    """The training hours towards ``target_role`` (else the person's role) a secondment would save."""
    unknown = sorted(set(develops) - set(framework.competency))
    if unknown:
        raise PlanningError(f"the secondment develops {', '.join(unknown)}, which the framework does not define")
    requirements = role_requirements(framework, target_role or person.role)
    raised = dict(person.levels)
    for competency_id, level in develops.items():
        raised[competency_id] = max(level, raised.get(competency_id, 0))
    saved = _training_hours(framework, person.levels, requirements) - _training_hours(framework, raised, requirements)
    # Greedy module choice is not monotone, so raising levels could in principle cost more.
    return max(saved, 0.0)


def _training_hours(framework: Framework, levels: dict[str, int], requirements: dict[str, int]) -> float:
    return sum(step.hours for step in choose_modules(framework, find_needs(framework, levels, requirements)))


def rank_candidates(interests: tuple[Interest, ...] | list[Interest], opportunity_id: int) -> tuple[Interest, ...]:
    """The people interested in one opportunity, for the releasing manager: most development
    value first, then the smallest cover penalty, then by id."""
    return tuple(
        sorted(
            (i for i in interests if i.opportunity_id == opportunity_id),
            key=lambda i: (-i.value, i.penalty, i.person_id),
        )
    )


def assign(
    opportunities: tuple[Opportunity, ...] | list[Opportunity],
    interests: tuple[Interest, ...] | list[Interest],
    *,
    penalty_weight: float = 1.0,
    names: dict[int, str] | None = None,
    towards: dict[int, str] | None = None,
) -> Assignment:
    """The assignment of people to opportunities with the largest total net value.

    ``names`` (person id -> name) and ``towards`` (person id -> title of the role their value is
    counted towards) only word the explanations; people missing from them are still placed.
    """
    by_id = _check(opportunities, interests, penalty_weight)
    names = names or {}
    towards = towards or {}
    weights = {(i.person_id, i.opportunity_id): round((i.value - penalty_weight * i.penalty) * SCALE) for i in interests}
    chosen = _best_pairs(by_id, weights)
    placements = []
    for interest in sorted(interests, key=lambda i: (i.opportunity_id, i.person_id)):
        if chosen.get(interest.person_id) == interest.opportunity_id:
            role = towards.get(interest.person_id, "their target role")
            wording = explain(_name(names, interest.person_id), by_id[interest.opportunity_id].title, interest.value, interest.penalty, role)
            net = interest.value - penalty_weight * interest.penalty
            placements.append(Placement(interest.person_id, interest.opportunity_id, interest.value, interest.penalty, net, wording))
    worth: dict[int, list[int]] = {}
    for (person_id, opportunity_id), weight in sorted(weights.items()):
        worth.setdefault(person_id, []).extend([opportunity_id] if weight > 0 else [])
    unplaced = tuple(
        _unplaced(person_id, _name(names, person_id), tuple(wanted), by_id)
        for person_id, wanted in worth.items()
        if person_id not in chosen
    )
    return Assignment(tuple(placements), unplaced, sum(p.net for p in placements))


def explain(name: str, title: str, hours: float, penalty: float, towards: str) -> str:
    """One sentence saying why a person is proposed for a secondment, built from its numbers."""
    cover = "leaves the home team's cover unchanged" if penalty == 0 else f"costs the home team {_number(penalty)} in cover"
    return f"{name} to {title}: saves {_number(hours)} {_plural(hours, 'hour')} of training towards {towards}, and {cover}."


def _unplaced(person_id: int, name: str, wanted: tuple[int, ...], by_id: dict[int, Opportunity]) -> Unplaced:
    if not wanted:
        wording = f"{name} is not proposed: no secondment they asked for saves more training than it costs in cover."
        return Unplaced(person_id, False, (), wording)
    titles = " or ".join(by_id[o].title for o in wanted)
    wording = f"{name} is not proposed: the places on {titles} went to people whose secondments add more in total."
    return Unplaced(person_id, True, wanted, wording)


def _best_pairs(by_id: dict[int, Opportunity], weights: dict[tuple[int, int], int]) -> dict[int, int]:
    """Person id -> opportunity id for the pairs of a maximum-weight assignment.

    A min-cost flow, solved by networkx's network simplex: each person supplies one unit, which
    flows either straight to the sink (not placed, cost 0) or through one opportunity (cost minus
    the pair's weight), and each opportunity passes at most ``places`` units on to the sink. The
    flow of least cost is the assignment of greatest total weight. This is exact on integer
    weights, handles places > 1 without copying opportunity nodes, and on 500 people x 100
    opportunities runs about ten times faster than ``max_weight_matching`` does on the bare
    graph (a blossom algorithm, cubic in the nodes, which would need one node per place).
    """
    people = sorted({person_id for (person_id, _), weight in weights.items() if weight > 0})
    if not people:
        return {}
    # People are nodes 0..n-1, opportunities n.., the sink -1: small ints keep the solver fast.
    node = {person_id: n for n, person_id in enumerate(people)}
    first = len(people)
    opening = {opportunity_id: first + n for n, opportunity_id in enumerate(sorted(by_id))}
    graph = nx.DiGraph()
    graph.add_nodes_from(range(first), demand=-1)
    graph.add_node(SINK, demand=first)
    graph.add_edges_from((n, SINK, {"capacity": 1, "weight": 0}) for n in range(first))
    graph.add_edges_from((opening[o], SINK, {"capacity": by_id[o].places, "weight": 0}) for o in sorted(by_id))
    graph.add_edges_from(
        (node[p], opening[o], {"capacity": 1, "weight": -weight}) for (p, o), weight in sorted(weights.items()) if weight > 0
    )
    _, flow = nx.network_simplex(graph)
    return {
        person_id: opportunity_id
        for (person_id, opportunity_id), weight in weights.items()
        if weight > 0 and flow[node[person_id]][opening[opportunity_id]]
    }


def _check(opportunities, interests, penalty_weight: float) -> dict[int, Opportunity]:
    """Opportunities by id, after refusing input no assignment can be made from."""
    if not (math.isfinite(penalty_weight) and penalty_weight >= 0):
        raise PlanningError(f"the cover penalty weight must be a number of 0 or more, not {penalty_weight}")
    by_id: dict[int, Opportunity] = {}
    for opportunity in opportunities:
        if opportunity.id in by_id:
            raise PlanningError(f"opportunity {opportunity.id} ({opportunity.title}) is listed twice")
        if opportunity.places < 1:
            raise PlanningError(
                f"opportunity {opportunity.id} ({opportunity.title}) has {opportunity.places} places; it needs at least 1"
            )
        by_id[opportunity.id] = opportunity
    seen = set()
    for interest in interests:
        pair = (interest.person_id, interest.opportunity_id)
        if interest.opportunity_id not in by_id:
            raise PlanningError(f"person {pair[0]} is interested in opportunity {pair[1]}, which is not open")
        if pair in seen:
            raise PlanningError(f"person {pair[0]}'s interest in opportunity {pair[1]} is listed twice")
        if not (math.isfinite(interest.value) and math.isfinite(interest.penalty)):
            raise PlanningError(f"person {pair[0]}'s interest in opportunity {pair[1]} needs a finite value and penalty")
        seen.add(pair)
    return by_id


def _name(names: dict[int, str], person_id: int) -> str:
    return names.get(person_id, f"Person {person_id}")


def _number(amount: float) -> str:
    """An amount to one decimal place, without a trailing ``.0``."""
    return f"{amount:,.1f}".removesuffix(".0")


def _plural(amount: float, word: str) -> str:
    return word if _number(amount) == "1" else f"{word}s"
