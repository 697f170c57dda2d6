"""On the default framework, the fastest route shown is the fastest of every route there is.

Route search costs only the most promising candidates exactly; this compares it with costing
every simple path between the two roles, for random people and pairs of roles.
"""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest

from planner.config import DEFAULT_FRAMEWORK
from planner.core.framework import Person
from planner.core.pathways import cost_route, find_pathways
from planner.frameworks import load_framework


@pytest.fixture(scope="module")
def default():
    return load_framework(DEFAULT_FRAMEWORK)


def fastest_of_all(framework, person, target) -> float:
    graph = framework.move_graph
    return min(
        cost_route(framework, person, moves).total_months
        for path in nx.all_simple_paths(graph, person.role, target)
        for moves in itertools.product(*(graph[u][v]["moves"] for u, v in zip(path, path[1:])))
    )


@pytest.mark.parametrize("k", [1, 5])
def test_the_first_route_is_the_fastest_of_every_route(default, k):
    rng = random.Random(3)
    for _ in range(150):
        source = rng.choice(default.roles).id
        reachable = nx.descendants(default.move_graph, source)
        if not reachable:
            continue
        target = rng.choice(sorted(reachable))
        levels = {c: rng.randint(0, 4) for c in rng.sample(sorted(default.competency), 20)}
        person = Person("x", source, levels, rng.choice([2, 4, 8]), rng.randint(0, 24))
        shown = find_pathways(default, person, target, k=k)[0].total_months
        assert shown == pytest.approx(fastest_of_all(default, person, target)), (source, target, k)
