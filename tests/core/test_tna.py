from __future__ import annotations

from datetime import date

import pytest

from planner.core.errors import PlanningError
from planner.core.framework import Competency, Module, Role
from planner.core.tna import add_months, analyse_needs, choose_modules, find_needs, months_of_study, raised_levels
from tests.core.mini import crossed_framework, mini_framework, person

TODAY = date(2026, 11, 24)


def gaps_of(analysis):
    return [(n.competency, n.current, n.required, n.gap) for n in analysis.gaps]


@pytest.mark.parametrize(
    "levels, target, expected",
    [
        pytest.param({}, None, [("A", 0, 1, 1), ("C", 0, 1, 1)], id="newcomer-own-role"),
        pytest.param({"A": 1, "C": 1}, None, [], id="own-role-met"),
        pytest.param({"A": 4, "C": 4}, "r2", [("B", 0, 2, 2), ("C", 4, 2, 0)][:1], id="overqualified-no-negative-gap"),
        pytest.param({"A": 1, "C": 1}, "r2", [("A", 1, 2, 1), ("B", 0, 2, 2), ("C", 1, 2, 1)], id="promotion"),
    ],
)
def test_gaps_are_required_minus_current_never_negative(levels, target, expected):
    analysis = analyse_needs(mini_framework(), person(**levels), target, today=TODAY)
    assert gaps_of(analysis) == expected
    assert all(n.gap >= 0 for n in analysis.needs)


def test_needs_list_every_requirement_and_met_ones_have_priority_zero():
    analysis = analyse_needs(mini_framework(), person(A=4, B=1), "r2", today=TODAY)
    assert {n.competency for n in analysis.needs} == {"A", "B", "C"}
    met = [n for n in analysis.needs if not n.gap]
    assert [(n.competency, n.priority) for n in met] == [("A", 0)]
    assert [n.priority for n in analysis.gaps] == [1, 2]


def test_current_needs_describe_the_current_role_when_a_target_is_given():
    analysis = analyse_needs(mini_framework(), person(), "r3", today=TODAY)
    assert {n.competency for n in analysis.current_needs} == {"A", "C"}
    assert analysis.target == "r3" and analysis.role == "r1"


def test_a_prerequisite_below_level_two_becomes_a_need_before_its_dependant():
    # r3 needs E (prerequisite B, whose prerequisite is A); the person holds none of them.
    analysis = analyse_needs(mini_framework(), person(role="r3"), None, today=TODAY)
    by_id = {n.competency: n for n in analysis.needs}
    assert by_id["A"].required == 2 and by_id["A"].prerequisite_for == ("B",)
    assert by_id["B"].prerequisite_for == ("E",)
    order = [n.competency for n in analysis.gaps]
    assert order.index("A") < order.index("B") < order.index("E")


def test_a_prerequisite_already_at_level_two_brings_in_nothing():
    needs = find_needs(mini_framework(), {"B": 2}, {"E": 1})
    assert [n.competency for n in needs] == ["E"]


def test_critical_first_then_larger_gaps_then_framework_order():
    framework = mini_framework(roles=(Role("x", "X", "3", "F", "", {"C": 1, "D": 3, "A": 1}),))
    needs = find_needs(framework, {}, framework.role["x"].requires)
    assert [n.competency for n in needs] == ["A", "D", "C"]


def test_modules_close_every_gap_with_the_fewest_hours():
    analysis = analyse_needs(mini_framework(), person(A=1, C=1), "r2", today=TODAY)
    # M2 (10 h) closes A and B; M3 (3 h) closes C. BIG (100 h) would close all three.
    assert [m.id for m in analysis.modules] == ["M2", "M3"]
    assert analysis.total_hours == 13


def test_greedy_cover_drops_modules_made_redundant():
    framework = mini_framework(
        roles=(Role("x", "X", "3", "F", "", {"C": 1, "D": 1, "A": 1}),),
        modules=(
            Module("ONE", "a", "m", 1, "p", "E", {"A": 1}),
            Module("TWO", "c", "m", 1, "p", "E", {"C": 1}),
            Module("ALL", "acd", "m", 3.3, "p", "E", {"A": 1, "C": 1, "D": 1}),
        ),
    )
    steps = choose_modules(framework, find_needs(framework, {}, framework.role["x"].requires))
    assert [m.id for s in steps for m in s.modules] == ["ALL"]


def test_modules_are_ordered_prerequisite_first():
    framework = mini_framework(
        roles=(Role("x", "X", "3", "F", "", {"B": 2, "D": 4}),),
        modules=(
            Module("MB", "b", "m", 1, "p", "E", {"B": 2}),
            Module("MD", "d", "m", 9, "p", "E", {"D": 4}),
            Module("MA", "a", "m", 5, "p", "E", {"A": 2}),
        ),
    )
    analysis = analyse_needs(framework, person(role="x"), None, today=TODAY)
    # A (critical, prerequisite of B) first; then D's gap of 4 before B's gap of 2.
    assert [m.id for m in analysis.modules] == ["MA", "MD", "MB"]


def test_modules_that_close_each_others_prerequisites_form_one_step():
    framework = crossed_framework(hours=2)
    analysis = analyse_needs(framework, person(role="x"), None, today=TODAY)
    assert [sorted(m.id for m in step.modules) for step in analysis.steps] == [["X", "Y"]]
    assert analysis.steps[0].hours == 4


def test_a_gap_no_module_closes_is_a_planning_error():
    framework = mini_framework(modules=(Module("M1", "a", "m", 1, "p", "E", {"A": 1}),))
    with pytest.raises(PlanningError, match="no module in the framework raises C to level 1"):
        analyse_needs(framework, person(), None, today=TODAY)


def test_unknown_role_is_a_planning_error_listing_roles():
    with pytest.raises(PlanningError, match="unknown role 'nope'; the roles are: r1, r2, r3, r4"):
        analyse_needs(mini_framework(), person(), "nope", today=TODAY)


@pytest.mark.parametrize(
    "hours_per_month, levels, completion, months",
    [
        pytest.param(4, {"A": 1, "C": 1}, date(2027, 2, 1), 4, id="13h-at-4h"),
        pytest.param(13, {"A": 1, "C": 1}, date(2026, 11, 1), 1, id="all-this-month"),
        pytest.param(1, {"A": 1, "C": 1}, date(2027, 11, 1), 13, id="a-year"),
        pytest.param(4, {"A": 2, "B": 2, "C": 2}, date(2026, 11, 1), 0, id="nothing-to-do"),
    ],
)
def test_completion_month_follows_protected_hours(hours_per_month, levels, completion, months):
    analysis = analyse_needs(mini_framework(), person(hours=hours_per_month, **levels), "r2", today=TODAY)
    assert (analysis.completion, analysis.months) == (completion, months)


def test_no_protected_time_is_a_planning_error():
    with pytest.raises(PlanningError, match="more than 0"):
        analyse_needs(mini_framework(), person(hours=0), "r2", today=TODAY)


@pytest.mark.parametrize(
    "hours, rate, months",
    [(0, 4, 0), (4, 4, 1), (4.5, 4, 2), (240, 4, 60), (0.1 + 0.2, 0.3, 1)],
)
def test_months_of_study(hours, rate, months):
    assert months_of_study(hours, rate) == months


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 24), 3, date(2027, 2, 24)),
        (date(2026, 12, 1), 12, date(2027, 12, 1)),
        (date(2026, 8, 31), -2, date(2026, 6, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_raised_levels_keep_the_highest():
    modules = mini_framework().modules
    assert raised_levels({"A": 3}, (modules[0], modules[1])) == {"A": 3, "B": 3}


def test_prerequisites_in_a_loop_are_a_planning_error_not_a_silent_omission():
    # The framework check refuses such a file; a framework built by hand is checked here too.
    framework = mini_framework(
        competencies=(
            Competency("A", "a", "", "D", True, requires=("B",)),
            Competency("B", "b", "", "D", True, requires=("A",)),
        ),
        roles=(Role("x", "X", "3", "F", "", {"A": 2, "B": 2}),),
        moves=(),
        modules=(Module("M", "m", "m", 1, "p", "E", {"A": 2, "B": 2}),),
    )
    with pytest.raises(PlanningError, match="the prerequisites of A, B go round in a loop"):
        find_needs(framework, {}, framework.role["x"].requires)


def test_a_plan_past_the_year_9999_is_a_planning_error():
    with pytest.raises(PlanningError, match="would run past the year 9999"):
        add_months(date(9999, 6, 1), 12)
    with pytest.raises(PlanningError, match="past the year 9999"):
        analyse_needs(mini_framework(), person(hours=0.5), "r3", today=date(9999, 12, 1))
