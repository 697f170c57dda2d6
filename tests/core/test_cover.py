from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.cover import (
    Member,
    cross_training,
    lost_cover,
    status_of,
    team_cover,
    team_needs,
)
from planner.core.errors import PlanningError
from planner.core.framework import Module, Role
from planner.core.tna import choose_modules, find_needs
from tests.core.mini import mini_framework

FRAMEWORK = mini_framework()
# r1 {A1 C1}, r2 {A2 B2 C2}, r3 {B3 D2 E1}: together they need A2 B3 C2 D2 E1.
ANN = Member(1, "Ann", "r1", {"A": 1, "C": 2})
BOB = Member(2, "Bob", "r2", {"A": 2, "B": 2, "C": 2})
CAT = Member(3, "Cat", "r3", {"A": 2, "B": 3, "D": 2})
TEAM = (ANN, BOB, CAT)


def covers(result):
    return [(c.competency, c.needed, c.holders, c.status) for c in result.competencies]


@pytest.mark.parametrize(
    "roles, expected",
    [
        pytest.param([], {}, id="no-team"),
        pytest.param(["r1"], {"A": 1, "C": 1}, id="one-role"),
        pytest.param(["r1", "r2"], {"A": 2, "B": 2, "C": 2}, id="highest-level-wins"),
        pytest.param(["r2", "r1"], {"A": 2, "B": 2, "C": 2}, id="whatever-the-order"),
        pytest.param(["r3", "r2"], {"A": 2, "B": 3, "C": 2, "D": 2, "E": 1}, id="framework-order"),
    ],
)
def test_the_team_needs_the_highest_level_any_role_requires(roles, expected):
    needs = team_needs(FRAMEWORK, [Member(n, f"P{n}", role) for n, role in enumerate(roles)])
    assert needs == expected
    assert list(needs) == list(expected)


def test_a_requirement_of_level_zero_asks_for_nothing():
    framework = mini_framework(roles=(Role("z", "Z", "3", "F", "", {"A": 0, "C": 1}),))
    assert team_needs(framework, [Member(1, "Ann", "z")]) == {"C": 1}


@pytest.mark.parametrize(
    "away, expected",
    [
        pytest.param(
            (),
            [("E", 1, (), "gap"), ("B", 3, (3,), "single"), ("D", 2, (3,), "single"),
             ("A", 2, (2, 3), "covered"), ("C", 2, (1, 2), "covered")],
            id="everyone-in",
        ),
        pytest.param(
            {2},
            [("E", 1, (), "gap"), ("A", 2, (3,), "single"), ("B", 3, (3,), "single"),
             ("C", 2, (1,), "single"), ("D", 2, (3,), "single")],
            id="one-away",
        ),
        pytest.param(
            [3],
            [("B", 3, (), "gap"), ("D", 2, (), "gap"), ("E", 1, (), "gap"),
             ("A", 2, (2,), "single"), ("C", 2, (1, 2), "covered")],
            id="the-only-holder-away",
        ),
        pytest.param(
            {1, 2, 3},
            [("A", 2, (), "gap"), ("B", 3, (), "gap"), ("C", 2, (), "gap"), ("D", 2, (), "gap"), ("E", 1, (), "gap")],
            id="everyone-away",
        ),
    ],
)
def test_cover_counts_members_present_at_the_needed_level_gaps_first(away, expected):
    result = team_cover(FRAMEWORK, TEAM, away)
    assert covers(result) == expected
    assert result.away == frozenset(away)
    assert [c.cover for c in result.competencies] == [len(holders) for _, _, holders, _ in expected]
    assert result.gaps == tuple(c for c in result.competencies if c.cover == 0)
    assert result.singles == tuple(c for c in result.competencies if c.cover == 1)


@pytest.mark.parametrize("cover, status", [(0, "gap"), (1, "single"), (2, "covered"), (7, "covered")])
def test_status_of_cover(cover, status):
    assert status_of(cover) == status


def test_the_matrix_lists_every_member_in_the_column_order_with_levels_and_own_requirements():
    result = team_cover(FRAMEWORK, TEAM, away={3})
    assert result.columns == ("B", "D", "E", "A", "C")
    assert [(row.member.name, row.away) for row in result.rows] == [("Ann", False), ("Bob", False), ("Cat", True)]
    ann = result.rows[0].cells
    assert [c.competency for c in ann] == list(result.columns)
    assert [(c.level, c.required, c.role_requires, c.meets) for c in ann] == [
        (0, 0, False, False),
        (0, 0, False, False),
        (0, 0, False, False),
        (1, 1, True, False),  # r1 asks for A at 1, but the team needs 2
        (2, 1, True, True),
    ]
    cat = {c.competency: c for c in result.rows[2].cells}
    assert cat["B"].meets and cat["B"].required == 3  # away: still drawn, but counts for nothing
    assert result.competencies[0].holders == ()


def test_an_empty_team_has_nothing_to_cover():
    result = team_cover(FRAMEWORK, ())
    assert result.competencies == () and result.rows == () and result.columns == ()


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda team, away: team_cover(FRAMEWORK, team, away), id="team_cover"),
        pytest.param(lambda team, away: lost_cover(FRAMEWORK, team, away), id="lost_cover"),
        pytest.param(lambda team, away: cross_training(FRAMEWORK, team, away=away), id="cross_training"),
    ],
)
@pytest.mark.parametrize(
    "team, away, message",
    [
        pytest.param((ANN, Member(4, "Max", "nope")), (), "unknown role 'nope'; the roles are: r1, r2, r3, r4", id="unknown-role"),
        pytest.param((ANN, BOB, ANN, BOB, CAT), (), "listed more than once: 1, 2$", id="repeated-member"),
        pytest.param(TEAM, {9, 1, 7}, "only members of the team can be away; not in the team: 7, 9$", id="away-stranger"),
    ],
)
def test_mistakes_in_the_team_are_planning_errors(call, team, away, message):
    with pytest.raises(PlanningError, match=message):
        call(team, away)


@pytest.mark.parametrize(
    "away, expected",
    [
        pytest.param((), [], id="nobody-away"),
        pytest.param({1}, [("C", 2, 2, 1, "single")], id="one-falls"),
        pytest.param({3}, [("B", 3, 1, 0, "gap"), ("D", 2, 1, 0, "gap"), ("A", 2, 2, 1, "single")], id="new-gaps-first"),
        pytest.param({2, 3}, [("A", 2, 2, 0, "gap"), ("B", 3, 1, 0, "gap"), ("D", 2, 1, 0, "gap"), ("C", 2, 2, 1, "single")],
                     id="rota-rules-from-two-to-none"),
    ],
)
def test_lost_cover_lists_competencies_whose_cover_falls(away, expected):
    lost = lost_cover(FRAMEWORK, TEAM, away)
    assert [(c.now.competency, c.now.needed, c.before, c.now.cover, c.now.status) for c in lost] == expected


def candidates_of(suggestion):
    return [(k.member.name, k.colleague, k.level, k.gap, [m.id for m in k.modules], k.hours) for k in suggestion.candidates]


def test_cross_training_suggests_the_smallest_gaps_with_the_training_that_closes_them():
    suggestions = cross_training(FRAMEWORK, TEAM)
    assert [(s.competency, s.needed, s.cover, s.status, s.ready) for s in suggestions] == [
        ("E", 1, 0, "gap", ()),
        ("B", 3, 1, "single", ()),
        ("D", 2, 1, "single", ()),
    ]
    e, b, d = suggestions
    # Same gap: fewer hours first. Ann lacks E's prerequisites B and A too, so M2 comes first.
    assert candidates_of(e) == [
        ("Bob", False, 0, 1, ["M5"], 5),
        ("Cat", False, 0, 1, ["M5"], 5),
        ("Ann", False, 0, 1, ["M2", "M5"], 15),
    ]
    assert candidates_of(b) == [("Bob", False, 2, 1, ["M2"], 10), ("Ann", False, 0, 3, ["M2"], 10)]
    assert candidates_of(d) == [("Ann", False, 0, 2, ["M4"], 6), ("Bob", False, 0, 2, ["M4"], 6)]
    assert all(k.closable and k.problem == "" for s in suggestions for k in s.candidates)


def test_the_training_is_what_the_needs_analysis_would_choose():
    for suggestion in cross_training(FRAMEWORK, TEAM):
        for candidate in suggestion.candidates:
            needs = find_needs(FRAMEWORK, candidate.member.levels, {suggestion.competency: suggestion.needed})
            steps = choose_modules(FRAMEWORK, needs)
            assert candidate.modules == tuple(m for s in steps for m in s.modules)
            assert candidate.hours == sum(s.hours for s in steps)


def test_colleagues_come_after_members_with_the_same_gap_and_colleagues_holding_it_are_ready():
    dee = Member(10, "Dee", "r4", {"D": 3, "E": 1})
    eve = Member(11, "Eve", "r1", {"A": 2, "B": 2})
    fay = Member(12, "Fay", "r1", {"B": 3})
    colleagues = (fay, dee, eve, Member(2, "Bob again", "r1"), Member(10, "Dee again", "r1"))
    e, b, d = cross_training(FRAMEWORK, TEAM, colleagues, limit=4)
    # Members first, even with more hours of training: the point is the team's own cover.
    assert candidates_of(e)[2:] == [("Ann", False, 0, 1, ["M2", "M5"], 15), ("Eve", True, 0, 1, ["M5"], 5)]
    assert e.ready == (10,)
    assert candidates_of(b) == [
        ("Bob", False, 2, 1, ["M2"], 10),
        ("Eve", True, 2, 1, ["M2"], 10),
        ("Ann", False, 0, 3, ["M2"], 10),
        ("Dee", True, 0, 3, ["M2"], 10),
    ]
    assert b.ready == (12,)
    assert d.ready == (10,)
    names = {k.member.name for s in (e, b, d) for k in s.candidates}
    assert "Bob again" not in names and "Dee again" not in names


@pytest.mark.parametrize(
    "at_most, limit, expected",
    [
        pytest.param(0, 3, [("E", 3)], id="gaps-only"),
        pytest.param(1, 1, [("E", 1), ("B", 1), ("D", 1)], id="limit-one"),
        pytest.param(2, 3, [("E", 3), ("B", 2), ("D", 2), ("A", 1), ("C", 1)], id="covered-too"),
        pytest.param(1, 0, [("E", 0), ("B", 0), ("D", 0)], id="limit-zero"),
    ],
)
def test_at_most_chooses_the_competencies_and_limit_the_candidates(at_most, limit, expected):
    suggestions = cross_training(FRAMEWORK, TEAM, at_most=at_most, limit=limit)
    assert [(s.competency, len(s.candidates)) for s in suggestions] == expected


def test_members_away_are_not_candidates_and_do_not_count():
    e, b, d, a = cross_training(FRAMEWORK, TEAM, away={3})
    assert [(s.competency, s.cover) for s in (e, b, d, a)] == [("B", 0), ("D", 0), ("E", 0), ("A", 1)]
    assert {k.member.name for s in (e, b, d, a) for k in s.candidates} == {"Ann", "Bob"}


def test_a_gap_no_module_closes_is_listed_with_its_reason_and_the_rest_still_suggested():
    # Nothing raises A, so Ann (A 1) cannot reach E's prerequisites; Bob and Cat hold them.
    framework = mini_framework(
        modules=(
            Module("MB", "b", "m", 8, "p", "E", {"B": 3}),
            Module("M4", "Leading", "course", 6, "x", "D", {"D": 3, "C": 1}),
            Module("M5", "Pay", "course", 5, "x", "E", {"E": 2}),
        )
    )
    e, b, d = cross_training(framework, TEAM)
    ann = e.candidates[-1]
    assert [k.member.name for k in e.candidates] == ["Bob", "Cat", "Ann"]
    assert (ann.modules, ann.hours, ann.closable) == ((), 0.0, False)
    assert ann.problem == "no module in the framework raises A to level 2"
    assert [(k.member.name, k.closable) for k in b.candidates] == [("Bob", True), ("Ann", False)]
    assert [(k.member.name, [m.id for m in k.modules]) for k in d.candidates] == [("Ann", ["M4"]), ("Bob", ["M4"])]


# Properties on random teams drawn from the mini framework.

COMPETENCIES = [c.id for c in FRAMEWORK.competencies]
ROLES = [r.id for r in FRAMEWORK.roles]


@st.composite
def teams(draw, ids=st.integers(1, 40)):
    people = draw(
        st.lists(
            st.builds(
                Member,
                ids,
                st.just("P"),
                st.sampled_from(ROLES),
                st.dictionaries(st.sampled_from(COMPETENCIES), st.integers(0, 4)),
            ),
            max_size=7,
            unique_by=lambda m: m.id,
        )
    )
    away = draw(st.sets(st.sampled_from([m.id for m in people]))) if people else set()
    return tuple(people), frozenset(away)


def brute_force_cover(members, away):
    counts = {}
    for c in COMPETENCIES:
        needed = max((FRAMEWORK.role[m.role].requires.get(c, 0) for m in members), default=0)
        if needed:
            counts[c] = sum(1 for m in members if m.id not in away and m.levels.get(c, 0) >= needed)
    return counts


@settings(max_examples=150, deadline=None)
@given(teams())
def test_cover_equals_a_brute_force_count(team_and_away):
    members, away = team_and_away
    result = team_cover(FRAMEWORK, members, away)
    assert {c.competency: c.cover for c in result.competencies} == brute_force_cover(members, away)
    ranks = [("gap", "single", "covered").index(c.status) for c in result.competencies]
    assert ranks == sorted(ranks)
    assert [r.member for r in result.rows] == list(members)
    assert all(len(r.cells) == len(result.columns) for r in result.rows)


@settings(max_examples=150, deadline=None)
@given(teams())
def test_away_never_increases_cover_and_everyone_away_leaves_only_gaps(team_and_away):
    members, away = team_and_away
    before = {c.competency: c.cover for c in team_cover(FRAMEWORK, members).competencies}
    after = {c.competency: c.cover for c in team_cover(FRAMEWORK, members, away).competencies}
    assert after.keys() == before.keys()
    assert all(after[c] <= before[c] for c in before)
    lost = lost_cover(FRAMEWORK, members, away)
    assert {c.now.competency: (c.before, c.now.cover) for c in lost} == {c: (before[c], after[c]) for c in before if after[c] < before[c]}
    everyone = team_cover(FRAMEWORK, members, {m.id for m in members})
    assert all(c.status == "gap" for c in everyone.competencies)


@settings(max_examples=100, deadline=None)
@given(teams(), teams(ids=st.integers(30, 60)), st.integers(0, 2), st.integers(0, 4))
def test_cross_training_candidates_lack_the_level_and_come_smallest_gap_first(team_and_away, outside, at_most, limit):
    members, away = team_and_away
    colleagues = outside[0]
    suggestions = cross_training(FRAMEWORK, members, colleagues, at_most, limit, away=away)
    cover = team_cover(FRAMEWORK, members, away)
    assert [s.competency for s in suggestions] == [c.competency for c in cover.competencies if c.cover <= at_most]
    team_ids = {m.id for m in members}
    for suggestion in suggestions:
        candidates = suggestion.candidates
        assert len(candidates) <= limit
        assert all(k.level < suggestion.needed and k.gap == suggestion.needed - k.level for k in candidates)
        assert [k.gap for k in candidates] == sorted(k.gap for k in candidates)
        assert all(k.member.id not in away for k in candidates)
        assert all(k.colleague == (k.member.id not in team_ids) for k in candidates)
        assert len({k.member.id for k in candidates}) == len(candidates)
