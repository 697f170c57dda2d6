from __future__ import annotations

from datetime import date

from planner.core.overview import TOP_GAPS, overview
from tests.core.mini import mini_framework, person

TODAY = date(2026, 11, 24)


def test_towards_a_target_the_gaps_and_modules_are_the_targets():
    result = overview(mini_framework(), person(A=1, C=1), "r3", frozenset({"A", "C"}), TODAY)
    assert result.target == "r3"
    assert result.role_readiness == round(100 * (2 * 1 + 1) / (2 * 1 + 1))  # r1 asks A:1 (critical) and C:1
    assert result.target_readiness == 0
    assert [n.competency for n in result.top_gaps][:1] == ["A"]  # the prerequisite chain starts at A
    assert result.gap_count >= len(result.top_gaps)
    assert result.next_modules and result.total_hours > 0
    # r1 and r3 together ask for A, B, C, D and E; only A and C are rated.
    assert result.unrated == ("B", "D", "E")


def test_without_a_target_the_overview_is_of_the_persons_own_role():
    for target in (None, "r1"):
        result = overview(mini_framework(), person(), target, frozenset(), TODAY)
        assert result.target is None and result.target_readiness is None
        assert result.role_readiness == 0
        assert [n.competency for n in result.top_gaps] == ["A", "C"]
        assert result.unrated == ("A", "C")
        assert result.completion == date(2026, 12, 1)  # 7 hours at 4 a month: November and December


def test_someone_who_meets_their_role_has_nothing_to_do():
    result = overview(mini_framework(), person(A=2, C=2), None, frozenset({"A", "C"}), TODAY)
    assert result.role_readiness == 100
    assert result.top_gaps == () and result.gap_count == 0
    assert result.next_modules == () and result.total_hours == 0 and result.months == 0


def test_only_the_most_urgent_gaps_are_listed():
    result = overview(mini_framework(), person(role="r1"), "r3", frozenset(), TODAY)
    assert len(result.top_gaps) <= TOP_GAPS
    assert [n.priority for n in result.top_gaps] == list(range(1, len(result.top_gaps) + 1))
