from __future__ import annotations

from planner.core.graph import build_move_graph, build_prerequisite_graph, build_role_graph, prerequisite_ancestors
from tests.core.mini import mini_framework


def test_role_graph_keeps_parallel_moves_and_bands():
    graph = build_role_graph(mini_framework())
    assert graph.nodes["r2"]["band"] == "4"
    assert sorted(graph["r1"]["r2"]) == ["acting_up", "promotion"]
    assert graph["r2"]["r3"]["promotion"]["months"] == 18
    assert graph.number_of_edges() == 4


def test_move_graph_puts_parallel_moves_on_one_edge():
    graph = build_move_graph(mini_framework())
    assert sorted(m.kind for m in graph["r1"]["r2"]["moves"]) == ["acting_up", "promotion"]
    assert graph.number_of_edges() == 3
    assert "r4" in graph and graph.degree("r4") == 0


def test_prerequisite_graph_points_from_prerequisite_to_dependant():
    graph = build_prerequisite_graph(mini_framework())
    assert sorted(graph.edges) == [("A", "B"), ("B", "E")]


def test_ancestors_are_direct_and_indirect():
    ancestors = prerequisite_ancestors(mini_framework())
    assert ancestors["E"] == {"A", "B"}
    assert ancestors["A"] == frozenset()


def test_framework_caches_lookups():
    framework = mini_framework()
    assert framework.move_graph is framework.move_graph
    assert framework.role_graph.has_edge("r2", "r3")
    assert framework.best_module_level["A"] == 4
    assert framework.max_level == 4
    assert framework.domain["D"].kind == "mixed"
    assert framework.module["M1"].hours == 4
    assert framework.band["4"].pay_entry == 27485
    assert framework.band_rank == {"3": 0, "4": 1, "5": 2}
