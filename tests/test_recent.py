"""Results kept for their most recent inputs (``planner.recent``)."""

from __future__ import annotations

from planner.recent import Recent, Same


def test_a_result_is_made_once_for_a_key_and_the_least_recently_used_is_let_go():
    made = []
    kept = Recent(2)

    def make(key):
        return lambda: made.append(key) or f"result of {key}"

    assert kept.get("a", make("a")) == "result of a"
    assert kept.get("a", make("a")) == "result of a"
    kept.get("b", make("b"))
    kept.get("a", make("a"))  # "a" is now the most recent
    kept.get("c", make("c"))  # so "b" goes
    assert list(kept) == ["a", "c"] and len(kept) == 2
    kept.get("b", make("b"))
    assert made == ["a", "b", "c", "b"]


def test_same_is_equal_only_for_the_very_same_object():
    first, twin = {"version": 1}, {"version": 1}
    assert Same(first) == Same(first) and hash(Same(first)) == hash(Same(first))
    assert Same(first) != Same(twin) and Same(first) != first
    kept = Recent(4)
    assert kept.get((Same(first), 1), lambda: "first") == "first"
    assert kept.get((Same(twin), 1), lambda: "twin") == "twin"
    assert kept.get((Same(first), 1), lambda: "made again") == "first"
