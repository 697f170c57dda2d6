from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.errors import PlanningError
from planner.core.mentors import (
    MENTOR_LEVEL,
    SAME_ICS,
    SAME_REGION,
    SAME_TRUST,
    TIERS,
    Mentor,
    Seeker,
    check_mentoring_offer,
    find_mentors,
    may_mentor,
    next_request_state,
)

# Region 1 holds ICS 10 (trusts 100, 101) and ICS 11 (trust 110); region 2 holds ICS 20 (trust 200).
TRUSTS = {100: (10, 1), 101: (10, 1), 110: (11, 1), 200: (20, 2)}
SEEKER = Seeker(person_id=1, trust_id=100, system_id=10, region_id=1)


def mentor(person_id: int, name: str, trust_id: int, level: int = 3, competency: str = "rota") -> Mentor:
    system_id, region_id = TRUSTS[trust_id]
    return Mentor(person_id, name, "r1", trust_id, system_id, region_id, competency, level)


def found(matches):
    return [(m.mentor.name, m.tier) for m in matches]


@pytest.mark.parametrize(
    "levels, competency, expected",
    [
        pytest.param({"rota": MENTOR_LEVEL}, "rota", True, id="at-the-level"),
        pytest.param({"rota": 4}, "rota", True, id="above"),
        pytest.param({"rota": 2}, "rota", False, id="below"),
        pytest.param({}, "rota", False, id="unrated-is-zero"),
    ],
)
def test_may_mentor_only_at_level_three_or_above(levels, competency, expected):
    assert may_mentor(levels, competency) is expected


@pytest.mark.parametrize(
    "offered, expected",
    [
        pytest.param(["rota", "pay"], ("rota", "pay"), id="kept-in-order"),
        pytest.param(["pay", "rota", "pay"], ("pay", "rota"), id="once-each"),
        pytest.param([], (), id="none-withdraws-every-offer"),
    ],
)
def test_an_offer_within_the_persons_levels_is_returned(offered, expected):
    assert check_mentoring_offer({"rota": 3, "pay": 4, "leave": 1}, offered) == expected


@pytest.mark.parametrize(
    "names, message",
    [
        pytest.param(
            None,
            "to mentor a competency you need to hold it at level 3 or above: leave (you hold level 1), job (you hold level 0)",
            id="ids",
        ),
        pytest.param(
            {"leave": "Annual leave"},
            "to mentor a competency you need to hold it at level 3 or above: Annual leave (you hold level 1), job (you hold level 0)",
            id="names-where-given",
        ),
    ],
)
def test_an_offer_below_the_level_is_refused_whole_naming_each_with_its_level(names, message):
    with pytest.raises(PlanningError) as error:
        check_mentoring_offer({"rota": 3, "leave": 1}, ["rota", "leave", "job"], names=names)
    assert str(error.value) == message


MENTORS = (
    mentor(2, "Bea", 101, level=3),
    mentor(3, "Ann", 110, level=4),
    mentor(4, "Cal", 100, level=3),
    mentor(5, "abe", 101, level=3),
    mentor(6, "Dee", 200, level=4),
    mentor(7, "Eve", 110, level=3),
    mentor(8, "Fay", 100, level=4, competency="pay"),
    mentor(9, "Gus", 101, level=2),
    mentor(1, "Self", 100, level=4),
)


@pytest.mark.parametrize(
    "exclude, expected",
    [
        pytest.param(
            False,
            [("Cal", SAME_TRUST), ("abe", SAME_ICS), ("Bea", SAME_ICS), ("Ann", SAME_REGION), ("Eve", SAME_REGION)],
            id="nearest-first",
        ),
        pytest.param(
            True,
            [("abe", SAME_ICS), ("Bea", SAME_ICS), ("Ann", SAME_REGION), ("Eve", SAME_REGION)],
            id="own-trust-left-out",
        ),
    ],
)
def test_mentors_come_from_the_region_nearest_first_then_by_level_then_name(exclude, expected):
    # Dee is in another region, Fay offers another competency, Gus has fallen below level 3, and
    # the seeker's own offer is never shown to them.
    assert found(find_mentors(SEEKER, "rota", MENTORS, exclude_same_trust=exclude)) == expected


@pytest.mark.parametrize(
    "mentors, expected",
    [
        pytest.param((mentor(2, "Bea", 101, 3), mentor(3, "Ann", 101, 4)), [3, 2], id="higher-level-first"),
        pytest.param((mentor(2, "bea", 101), mentor(3, "Ann", 101)), [3, 2], id="name-ignores-case"),
        pytest.param((mentor(5, "Ann", 101), mentor(3, "Ann", 101), mentor(4, "ann", 101)), [3, 5, 4], id="same-name-by-id"),
        pytest.param((mentor(2, "Zed", 101, 3), mentor(3, "Ann", 110, 4)), [2, 3], id="ics-before-level"),
        pytest.param((), [], id="nobody"),
    ],
)
def test_order_within_a_tier(mentors, expected):
    assert [m.mentor.person_id for m in find_mentors(SEEKER, "rota", mentors)] == expected


@pytest.mark.parametrize(
    "state, action, by, expected",
    [
        pytest.param("requested", "accept", "mentor", "accepted", id="mentor-accepts"),
        pytest.param("requested", "decline", "mentor", "declined", id="mentor-declines"),
        pytest.param("requested", "withdraw", "seeker", "withdrawn", id="seeker-withdraws"),
    ],
)
def test_a_request_moves_on_once(state, action, by, expected):
    assert next_request_state(state, action, by) == expected


@pytest.mark.parametrize(
    "state, action, by, message",
    [
        pytest.param("declined", "accept", "mentor", "this request was already declined", id="already-declined"),
        pytest.param("accepted", "withdraw", "seeker", "this request was already accepted", id="already-accepted"),
        pytest.param("withdrawn", "decline", "mentor", "this request was already withdrawn", id="already-withdrawn"),
        pytest.param("requested", "accept", "seeker", "only the mentor asked can accept this request", id="seeker-accepts"),
        pytest.param("requested", "withdraw", "mentor", "only the person who asked can withdraw this request", id="mentor-withdraws"),
        pytest.param(
            "requested", "ignore", "mentor", "a mentoring request can be accepted, declined or withdrawn, not 'ignore'", id="unknown"
        ),
    ],
)
def test_a_request_refuses_what_cannot_happen_and_says_why(state, action, by, message):
    with pytest.raises(PlanningError) as error:
        next_request_state(state, action, by)
    assert str(error.value) == message


@st.composite
def searches(draw):
    """A seeker, and mentors from random trusts across two regions, some the seeker themself."""
    trusts = {t: (t // 10, t // 100) for t in draw(st.sets(st.integers(100, 299), min_size=1, max_size=8))}
    trust_ids = sorted(trusts)
    home = draw(st.sampled_from(trust_ids))
    seeker = Seeker(draw(st.integers(1, 6)), home, *trusts[home])
    offers = draw(
        st.lists(
            st.builds(
                lambda person_id, name, trust_id, competency, level: Mentor(
                    person_id, name, "r", trust_id, *trusts[trust_id], competency, level
                ),
                st.integers(1, 30),
                st.sampled_from(["Ann", "ann", "Bo", "Cy"]),
                st.sampled_from(trust_ids),
                st.sampled_from(["rota", "pay"]),
                st.integers(0, 4),
            ),
            max_size=20,
        )
    )
    return seeker, offers, draw(st.booleans())


@settings(max_examples=200, deadline=None)
@given(searches())
def test_mentors_found_are_exactly_those_eligible_and_same_ics_comes_first(search):
    seeker, offers, exclude = search
    matches = find_mentors(seeker, "rota", offers, exclude_same_trust=exclude)
    eligible = [
        m
        for m in offers
        if m.competency == "rota"
        and m.level >= MENTOR_LEVEL
        and m.person_id != seeker.person_id
        and m.region_id == seeker.region_id
        and not (exclude and m.trust_id == seeker.trust_id)
    ]
    assert sorted(map(repr, (m.mentor for m in matches))) == sorted(map(repr, eligible))
    for match in matches:
        near = (match.mentor.trust_id == seeker.trust_id, match.mentor.system_id == seeker.system_id)
        assert match.tier == {(True, True): SAME_TRUST, (False, True): SAME_ICS, (False, False): SAME_REGION}[near]
    same_ics = [m.mentor.system_id == seeker.system_id for m in matches]
    assert same_ics == sorted(same_ics, reverse=True)
    ranks = [(TIERS.index(m.tier), -m.mentor.level) for m in matches]
    assert ranks == sorted(ranks)
