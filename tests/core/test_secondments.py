from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.errors import PlanningError
from planner.core.secondments import (
    Assignment,
    Interest,
    Opportunity,
    assign,
    development_value,
    explain,
    rank_candidates,
)
from tests.core.mini import mini_framework, person


def opportunity(ident: int, places: int = 1, title: str | None = None) -> Opportunity:
    return Opportunity(ident, title or f"Opportunity {ident}", "r2", places, 6, {"A": 2})


def interests_of(*rows: tuple) -> list[Interest]:
    """Interests from (person id, opportunity id, value, penalty) rows."""
    return [Interest(*row) for row in rows]


# --------------------------------------------------------------------------- development value


@pytest.mark.parametrize(
    "levels, target, develops, saved",
    [
        # r2 needs A2 B2 C2: M2 (10 h) closes A and B, M3 (3 h) closes C; 13 h in all.
        pytest.param({"A": 1, "C": 1}, "r2", {"D": 3}, 0, id="develops-nothing-needed"),
        pytest.param({"A": 1, "C": 1}, "r2", {}, 0, id="develops-nothing"),
        pytest.param({"A": 1, "C": 1}, "r2", {"A": 1}, 0, id="level-already-held"),
        pytest.param({"A": 1, "C": 1}, "r2", {"C": 2}, 3, id="saves-the-contracts-module"),
        pytest.param({"A": 1, "C": 1}, "r2", {"A": 2, "B": 2}, 10, id="saves-the-design-module"),
        pytest.param({"A": 1, "C": 1}, "r2", {"A": 4, "B": 4, "C": 4}, 13, id="saves-everything"),
        pytest.param({"A": 2, "B": 2, "C": 1}, "r2", {"A": 1, "C": 2}, 3, id="never-lowers-a-level"),
        # No target: the person's own role r1 (A1 C1): M1 (4 h) and M3 (3 h).
        pytest.param({}, None, {"C": 1}, 3, id="own-role-without-target"),
        # r3 needs E, whose prerequisite B needs A at level 2: raising A saves M1's hours only
        # if M1 was chosen; M2 closes A and B together, so A alone saves nothing here.
        pytest.param({}, "r3", {"A": 2}, 0, id="prerequisite-closed-by-a-shared-module"),
        pytest.param({}, "r3", {"E": 2}, 5, id="saves-the-pay-module"),
    ],
)
def test_development_value_is_the_training_hours_saved_towards_the_target(levels, target, develops, saved):
    assert development_value(mini_framework(), person(**levels), target, develops) == saved


def test_development_value_never_changes_the_person():
    someone = person(A=1, C=1)
    development_value(mini_framework(), someone, "r2", {"A": 4, "C": 4})
    assert someone.levels == {"A": 1, "C": 1}


@pytest.mark.parametrize(
    "target, develops, message",
    [
        ("r2", {"Z": 2, "Y": 1}, "develops Y, Z, which the framework does not define"),
        ("nope", {"A": 2}, "unknown role 'nope'"),
    ],
)
def test_development_value_refuses_unknown_competencies_and_roles(target, develops, message):
    with pytest.raises(PlanningError, match=message):
        development_value(mini_framework(), person(), target, develops)


@settings(max_examples=60, deadline=None)
@given(
    levels=st.dictionaries(st.sampled_from("ABCDE"), st.integers(0, 4)),
    develops=st.dictionaries(st.sampled_from("ABCDE"), st.integers(0, 4)),
    target=st.sampled_from([None, "r1", "r2", "r3", "r4"]),
)
def test_development_value_is_never_negative_nor_more_than_all_the_training(levels, develops, target):
    framework = mini_framework()
    everything = {c: 4 for c in "ABCDE"}
    most = development_value(framework, person(**levels), target, everything)
    assert 0 <= development_value(framework, person(**levels), target, develops) <= most


# --------------------------------------------------------------------------- ranking


def test_candidates_rank_by_value_then_smaller_penalty_then_id():
    interests = interests_of((5, 1, 10, 2), (3, 1, 10, 2), (4, 1, 10, 0), (9, 2, 99, 0), (1, 1, 20, 5), (2, 1, 0, 0))
    assert [i.person_id for i in rank_candidates(interests, 1)] == [1, 4, 3, 5, 2]
    assert rank_candidates(interests, 7) == ()


# --------------------------------------------------------------------------- assignment


def pairs(assignment: Assignment) -> list[tuple[int, int]]:
    return [(p.person_id, p.opportunity_id) for p in assignment.placements]


@pytest.mark.parametrize(
    "places, interests, weight, chosen, total",
    [
        pytest.param([1], [], 1.0, [], 0, id="no-interest"),
        pytest.param([1], [(1, 1, 10, 0), (2, 1, 12, 1)], 1.0, [(2, 1)], 11, id="more-value-wins-the-place"),
        pytest.param([1], [(1, 1, 10, 0), (2, 1, 12, 3)], 1.0, [(1, 1)], 10, id="penalty-decides"),
        pytest.param([1], [(1, 1, 10, 0), (2, 1, 12, 3)], 0.0, [(2, 1)], 12, id="penalty-ignored-at-weight-0"),
        pytest.param([2], [(1, 1, 10, 0), (2, 1, 12, 3)], 1.0, [(1, 1), (2, 1)], 19, id="two-places"),
        pytest.param([3], [(1, 1, 5, 5), (2, 1, 5, 6)], 1.0, [], 0, id="net-zero-or-less-never-proposed"),
        pytest.param([1], [(1, 1, 5, 2)], 2.5, [], 0, id="weighted-penalty-outweighs-value"),
        # Greedy would give person 1 the first opportunity (10) and leave person 2 out; the
        # best total sends person 1 to the second one instead.
        pytest.param([1, 1], [(1, 1, 10, 0), (1, 2, 9, 0), (2, 1, 8, 0)], 1.0, [(2, 1), (1, 2)], 17, id="better-than-greedy"),
        pytest.param([1, 1], [(1, 1, 10, 0), (1, 2, 9, 0)], 1.0, [(1, 1)], 10, id="one-secondment-each"),
    ],
)
def test_assignment_maximises_total_net_value(places, interests, weight, chosen, total):
    opportunities = [opportunity(n, p) for n, p in enumerate(places, 1)]
    result = assign(opportunities, interests_of(*interests), penalty_weight=weight)
    assert pairs(result) == chosen
    assert result.total == pytest.approx(total)


def test_empty_inputs_give_an_empty_assignment():
    assert assign([], []) == Assignment()
    assert assign((), ()).total == 0


def test_each_choice_and_each_person_left_out_is_explained():
    opportunities = [opportunity(1, title="Rota lead secondment"), opportunity(2, title="Pay review")]
    interests = interests_of((10, 1, 42, 0), (11, 1, 30, 0), (12, 2, 1, 0.5), (13, 2, 2, 4), (14, 2, 12.25, 3))
    result = assign(
        opportunities,
        interests,
        names={10: "Amira", 11: "Ben", 13: "Cal"},
        towards={10: "Medical Workforce Advisor"},
    )
    assert [p.explanation for p in result.placements] == [
        "Amira to Rota lead secondment: saves 42 hours of training towards Medical Workforce Advisor, "
        "and leaves the home team's cover unchanged.",
        "Person 14 to Pay review: saves 12.2 hours of training towards their target role, "
        "and costs the home team 3 in cover.",
    ]
    assert [(p.value, p.penalty, p.net) for p in result.placements] == [(42, 0, 42), (12.25, 3, 9.25)]
    assert [(u.person_id, u.outbid, u.opportunity_ids) for u in result.unplaced] == [(11, True, (1,)), (12, True, (2,)), (13, False, ())]
    assert [u.explanation for u in result.unplaced] == [
        "Ben is not proposed: the places on Rota lead secondment went to people whose secondments add more in total.",
        "Person 12 is not proposed: the places on Pay review went to people whose secondments add more in total.",
        "Cal is not proposed: no secondment they asked for saves more training than it costs in cover.",
    ]


def test_someone_outbid_on_several_opportunities_is_told_each():
    opportunities = [opportunity(1, title="A"), opportunity(2, title="B")]
    interests = interests_of((1, 1, 9, 0), (2, 2, 9, 0), (3, 1, 2, 0), (3, 2, 1, 0))
    (left_out,) = assign(opportunities, interests).unplaced
    assert left_out.opportunity_ids == (1, 2)
    assert "the places on A or B went to" in left_out.explanation


@pytest.mark.parametrize(
    "hours, penalty, expected",
    [
        (1, 0, "X to Y: saves 1 hour of training towards Z, and leaves the home team's cover unchanged."),
        (1.04, 0.5, "X to Y: saves 1 hour of training towards Z, and costs the home team 0.5 in cover."),
        (1500, 2, "X to Y: saves 1,500 hours of training towards Z, and costs the home team 2 in cover."),
    ],
)
def test_explanations_word_the_numbers(hours, penalty, expected):
    assert explain("X", "Y", hours, penalty, "Z") == expected


@pytest.mark.parametrize(
    "opportunities, interests, weight, message",
    [
        ([opportunity(1, 0, "Rota lead")], [], 1.0, r"opportunity 1 \(Rota lead\) has 0 places; it needs at least 1"),
        ([opportunity(1), opportunity(1)], [], 1.0, r"opportunity 1 \(Opportunity 1\) is listed twice"),
        ([opportunity(1)], [Interest(7, 1, 1, 0), Interest(7, 1, 2, 0)], 1.0, "person 7's interest in opportunity 1 is listed twice"),
        ([opportunity(1)], [Interest(7, 99, 1, 0)], 1.0, "person 7 is interested in opportunity 99, which is not open"),
        ([opportunity(1)], [Interest(7, 1, float("nan"), 0)], 1.0, "needs a finite value and penalty"),
        ([opportunity(1)], [Interest(7, 1, 1, float("inf"))], 1.0, "needs a finite value and penalty"),
        ([opportunity(1)], [], -1.0, "penalty weight must be a number of 0 or more, not -1.0"),
        ([opportunity(1)], [], float("nan"), "penalty weight must be a number of 0 or more"),
    ],
)
def test_bad_input_is_a_planning_error_naming_it(opportunities, interests, weight, message):
    with pytest.raises(PlanningError, match=message):
        assign(opportunities, interests, penalty_weight=weight)


# --------------------------------------------------------------------------- properties


@st.composite
def instances(draw):
    """Up to 6 people and 3 opportunities; values and penalties in quarters, so nets are exact."""
    places = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    quarters = st.integers(0, 80).map(lambda q: q / 4)
    interests = [
        Interest(person_id, opportunity_id, draw(quarters), draw(quarters))
        for person_id in range(draw(st.integers(0, 6)))
        for opportunity_id in sorted(draw(st.sets(st.integers(1, len(places)))))
    ]
    weight = draw(st.sampled_from([0.0, 0.5, 1.0, 2.0]))
    return [opportunity(n, p) for n, p in enumerate(places, 1)], interests, weight


def brute_force_best(opportunities, interests, weight) -> float:
    """The best total over every feasible assignment: each person nowhere or at one interest."""
    options: dict[int, list] = {}
    for interest in interests:
        options.setdefault(interest.person_id, [None]).append(interest)
    places = {o.id: o.places for o in opportunities}
    best = 0.0
    for choice in itertools.product(*options.values()):
        taken = [i for i in choice if i is not None]
        if all(sum(i.opportunity_id == o for i in taken) <= n for o, n in places.items()):
            best = max(best, sum(i.value - weight * i.penalty for i in taken))
    return best


@settings(max_examples=150, deadline=None)
@given(instances())
def test_assignment_is_feasible_and_as_good_as_brute_force(instance):
    opportunities, interests, weight = instance
    result = assign(opportunities, interests, penalty_weight=weight)
    chosen = pairs(result)
    people = [person_id for person_id, _ in chosen]
    assert len(people) == len(set(people)), "nobody goes twice"
    assert set(chosen) <= {(i.person_id, i.opportunity_id) for i in interests}, "only people who asked"
    for o in opportunities:
        assert sum(1 for _, opportunity_id in chosen if opportunity_id == o.id) <= o.places
    assert all(p.net > 0 for p in result.placements)
    assert result.total == pytest.approx(brute_force_best(opportunities, interests, weight))
    interested = {i.person_id for i in interests}
    assert sorted(people + [u.person_id for u in result.unplaced]) == sorted(interested)
