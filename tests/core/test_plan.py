from __future__ import annotations

from datetime import date

import pytest

from planner.core.errors import PlanningError
from planner.core.framework import Module
from planner.core.plan import MAX_REVIEWS, assemble_plan, schedule
from planner.core.tna import Step
from tests.core.mini import crossed_framework, mini_framework, person

TODAY = date(2026, 11, 24)


def test_plan_towards_a_target_follows_the_fastest_route():
    plan = assemble_plan(mini_framework(), person(A=1, C=1), "r3", TODAY)
    assert plan.pathway.roles == ("r1", "r2", "r3")
    assert [s.module.id for s in plan.modules] == ["M2", "M3", "M5", "M4"]
    assert plan.total_hours == 24
    assert {n.competency for n in plan.needs} >= {"B", "D", "E"}


def test_a_later_route_can_be_chosen_and_is_clamped():
    plan = assemble_plan(mini_framework(), person(A=1, C=1), "r3", TODAY, route=2)
    assert [s.kind for s in plan.pathway.steps] == ["cross_over"]
    assert plan.route == 2
    clamped = assemble_plan(mini_framework(), person(A=1, C=1), "r3", TODAY, route=99)
    assert clamped.pathway == plan.pathway and clamped.route == 2


@pytest.mark.parametrize("target", [None, "r1"])
def test_a_plan_for_the_current_role_has_no_route(target):
    plan = assemble_plan(mini_framework(), person(), target, TODAY)
    assert plan.pathway is None and plan.target is None
    assert [s.module.id for s in plan.modules] == ["M1", "M3"]


def test_months_hold_no_more_than_the_protected_hours():
    plan = assemble_plan(mini_framework(), person(A=1, C=1), "r3", TODAY)
    assert [round(m.total, 2) for m in plan.months] == [4, 4, 4, 4, 4, 4]
    assert plan.months[0].month == date(2026, 11, 1)
    assert plan.months[2].hours == (("M2", 2), ("M3", 2))
    assert plan.completion == date(2027, 4, 1)
    m2 = plan.modules[0]
    assert (m2.start, m2.end) == (date(2026, 11, 1), date(2027, 1, 1))


def test_reviews_every_three_months_through_the_route():
    plan = assemble_plan(mini_framework(), person(A=1, C=1), "r2", TODAY)
    # the acting-up route takes 6 months in role; training is 4 months: two reviews
    assert plan.reviews == (date(2027, 2, 24), date(2027, 5, 24))


def test_at_least_one_review_and_at_most_two_years_of_them():
    done = assemble_plan(mini_framework(), person(A=1, C=1), None, TODAY)
    assert done.reviews == (date(2027, 2, 24),) and done.modules == () and done.completion == date(2026, 11, 1)
    slow = assemble_plan(mini_framework(), person(hours=0.5), "r3", TODAY)
    assert len(slow.reviews) == MAX_REVIEWS


def test_a_step_of_modules_studied_together_shares_its_months():
    module_x = Module("X", "x", "m", 3, "p", "E", {"A": 1})
    module_y = Module("Y", "y", "m", 3, "p", "E", {"C": 1})
    scheduled, months = schedule((Step((module_x, module_y)),), 2, date(2027, 1, 1))
    assert [(s.module.id, s.step, s.start, s.end) for s in scheduled] == [
        ("X", 1, date(2027, 1, 1), date(2027, 3, 1)),
        ("Y", 1, date(2027, 1, 1), date(2027, 3, 1)),
    ]
    assert [m.hours for m in months] == [(("X", 2),), (("X", 1), ("Y", 1)), (("Y", 2),)]


def test_no_protected_time_is_a_planning_error():
    with pytest.raises(PlanningError):
        schedule((), 0, date(2027, 1, 1))


def test_unknown_role_is_a_planning_error():
    with pytest.raises(PlanningError):
        assemble_plan(mini_framework(), person(role="nope"), None, TODAY)


def test_cyclic_modules_keep_prerequisites_no_later_than_dependants():
    framework = crossed_framework(hours=5)
    plan = assemble_plan(framework, person(role="x"), None, TODAY)
    assert {(s.start, s.end) for s in plan.modules} == {(date(2026, 11, 1), date(2027, 1, 1))}
