from __future__ import annotations

import pytest

from planner.core.errors import PlanningError
from planner.core.framework import Move, Role
from planner.core.pathways import cost_route, find_pathways, next_roles, readiness
from tests.core.mini import mini_framework, person


def describe(route):
    return [(s.source, s.target, s.kind) for s in route.steps]


def test_routes_are_ranked_by_months_plus_training_time():
    routes = find_pathways(mini_framework(), person(A=1, C=1), "r3")
    assert [describe(r) for r in routes] == [
        [("r1", "r2", "acting_up"), ("r2", "r3", "promotion")],
        [("r1", "r2", "promotion"), ("r2", "r3", "promotion")],
        [("r1", "r3", "cross_over")],
    ]
    totals = [r.total_months for r in routes]
    assert totals == sorted(totals)
    fastest = routes[0]
    assert fastest.months == 6 + 18
    assert fastest.total_months == fastest.months + fastest.training_hours / 4


def test_levels_gained_on_an_earlier_step_count_for_later_steps():
    route = find_pathways(mini_framework(), person(A=1, C=1), "r3")[0]
    first, second = route.steps
    assert [m.id for m in first.modules] == ["M2", "M3"]  # M2 takes B to 3 already
    assert "B" not in {n.competency for n in second.needs}
    assert [m.id for m in second.modules] == ["M5", "M4"]
    assert route.training_hours == 13 + 11


def test_steps_report_band_changes():
    step = find_pathways(mini_framework(), person(), "r2")[0].steps[0]
    assert (step.band_from, step.band_to, step.band_change) == ("3", "4", 1)


def test_months_already_in_role_shorten_the_first_step_only():
    route = find_pathways(mini_framework(), person(months=10, A=1, C=1), "r3")[0]
    assert [s.months for s in route.steps] == [0, 18]


def test_k_limits_the_number_of_routes():
    assert len(find_pathways(mini_framework(), person(), "r3", k=1)) == 1


def test_gates_raise_a_moves_requirements():
    framework = mini_framework(moves=(Move("r1", "r2", "promotion", 12, {"D": 2}),))
    route = find_pathways(framework, person(A=2, B=2, C=2), "r2")[0]
    assert [n.competency for n in route.steps[0].needs] == ["D"]


def test_unreachable_target_names_the_closest_reachable_role():
    with pytest.raises(PlanningError, match=r"closest role you can reach is Lead \(band 5\)"):
        find_pathways(mini_framework(), person(), "r4")


def test_a_role_with_no_moves_out_says_so():
    with pytest.raises(PlanningError, match="no move in the framework leads out of Island"):
        find_pathways(mini_framework(), person(role="r4"), "r1")


@pytest.mark.parametrize(
    "role, target, message",
    [
        ("r1", "r1", "already in the role Administrator"),
        ("r1", "zz", "unknown role 'zz'"),
        ("zz", "r1", "unknown role 'zz'"),
    ],
)
def test_impossible_requests_are_planning_errors(role, target, message):
    with pytest.raises(PlanningError, match=message):
        find_pathways(mini_framework(), person(role=role), target)


def test_no_protected_time_is_a_planning_error():
    with pytest.raises(PlanningError, match="more than 0"):
        find_pathways(mini_framework(), person(hours=0), "r2")


@pytest.mark.parametrize(
    "levels, requirements, expected",
    [
        pytest.param({}, {}, 100, id="nothing-required"),
        pytest.param({"A": 2, "C": 2}, {"A": 2, "C": 2}, 100, id="all-met"),
        pytest.param({}, {"A": 2, "C": 2}, 0, id="none-met"),
        # A is critical: it counts double. Held 2*1 + 2 = 4 of 2*2 + 2 = 6.
        pytest.param({"A": 1, "C": 2}, {"A": 2, "C": 2}, 67, id="critical-double"),
        pytest.param({"A": 2, "C": 0}, {"A": 2, "C": 2}, 67, id="critical-met"),
        pytest.param({"A": 4}, {"A": 2, "C": 2}, 67, id="surplus-does-not-count"),
    ],
)
def test_readiness(levels, requirements, expected):
    assert readiness(mini_framework(), levels, requirements) == expected


def test_next_roles_lists_each_role_one_move_away_most_ready_first():
    found = next_roles(mini_framework(), person(A=2, B=2, C=1))
    assert [(n.role, n.kinds, n.months) for n in found] == [
        ("r2", ("acting_up", "promotion"), 6),
        ("r3", ("cross_over",), 40),
    ]
    assert found[0].readiness == 88  # A 2*2 + B 2 + C 1 = 7 of 8


def test_next_roles_use_a_single_moves_gates():
    framework = mini_framework(
        roles=mini_framework().roles + (Role("r5", "Gated", "4", "Ops", "", {"A": 1}),),
        moves=(Move("r1", "r5", "lateral", 0, {"C": 2}),),
    )
    (found,) = next_roles(framework, person(A=1))
    assert found.readiness == 50  # A 2*1 held of 2*1, C 0 of 2


def test_next_roles_of_unknown_role_is_a_planning_error():
    with pytest.raises(PlanningError):
        next_roles(mini_framework(), person(role="nope"))


def test_parallel_moves_beyond_the_combination_cap_are_not_costed(monkeypatch):
    import planner.core.pathways as pathways

    monkeypatch.setattr(pathways, "MAX_MOVE_COMBINATIONS", 1)
    routes = find_pathways(mini_framework(), person(), "r3")
    assert len(routes) == 2


def test_the_route_search_is_bounded(monkeypatch):
    import planner.core.pathways as pathways

    # Three partial routes taken: r1, r1->r2, then r1->r2->r3 (the fastest); the search stops
    # there, so the slower cross-over straight to r3 is never reached.
    assert len(find_pathways(mini_framework(), person(), "r3")) == 3
    monkeypatch.setattr(pathways, "MAX_PARTIAL_ROUTES", 3)
    routes = find_pathways(mini_framework(), person(), "r3")
    assert {tuple(s.target for s in r.steps) for r in routes} == {("r2", "r3")}


def test_costing_routes_that_share_moves_reuses_the_shared_steps():
    framework = mini_framework()
    promotion, acting_up = (m for m in framework.moves if m.source == "r1" and m.target == "r2")
    onward = next(m for m in framework.moves if m.source == "r2")
    known: dict = {}
    first = cost_route(framework, person(), (promotion, onward), known)
    second = cost_route(framework, person(), (promotion,), known)
    third = cost_route(framework, person(), (acting_up, onward), known)
    assert second.steps[0] is first.steps[0]
    assert third.steps[1] == first.steps[1] and len(known) == 4
    assert cost_route(framework, person(), (promotion, onward)) == first


def test_asking_for_no_routes_is_a_planning_error():
    with pytest.raises(PlanningError, match="at least one route"):
        find_pathways(mini_framework(), person(), "r3", k=0)


def test_a_search_that_finds_nothing_within_its_limit_says_so(monkeypatch):
    import planner.core.pathways as pathways

    monkeypatch.setattr(pathways, "MAX_PARTIAL_ROUTES", 1)  # only the starting role is taken
    with pytest.raises(PlanningError, match="no route to Lead was found within the search's limit"):
        find_pathways(mini_framework(), person(), "r3")


def test_next_roles_count_gates_and_take_the_move_the_person_is_closest_to():
    framework = mini_framework(
        moves=(Move("r1", "r2", "promotion", 12, {"D": 4}), Move("r1", "r2", "acting_up", 6, {"D": 2})),
    )
    (found,) = next_roles(framework, person(A=2, B=2, C=2))
    # r2 needs A 2 (critical, counts double), B 2 and C 2: 8 held. Acting up adds D 2: 8 of 10.
    assert found.readiness == 80 and found.kinds == ("acting_up", "promotion")
