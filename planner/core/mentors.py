"""Mentors (THREAD's *Help*): who may offer to mentor, who a person with a gap is shown, and requests.

The rules:

1. **Offering.** Staff may offer to mentor a competency they hold at ``MENTOR_LEVEL`` (3) or
   above. An offer naming any competency below that is refused whole, and the message names each
   such competency with the person's level and the level needed.
2. **Finding.** A person looking for help with a competency sees the mentors offering it within
   their own region, never themself, and never a mentor whose level has since fallen below
   ``MENTOR_LEVEL`` (an offer lapses with the level that allowed it). Mentors come nearest first,
   in three tiers: the seeker's own trust, then the rest of their ICS, then the rest of their
   region — so everyone in the same ICS comes before anyone outside it. A seeker may leave out
   their own trust (to talk to someone outside their line of management). Within a tier, higher
   levels come first, then names alphabetically, then person ids, so the order never depends on
   the order mentors were given in.
3. **Requests.** A request starts ``requested``; only the mentor may accept or decline it, only
   the person who asked may withdraw it, and once answered or withdrawn it cannot change again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from planner.core.errors import PlanningError

MENTOR_LEVEL = 3
"""The level a person must hold a competency at to offer to mentor it."""

SAME_TRUST, SAME_ICS, SAME_REGION = "same trust", "same ICS", "same region"
TIERS = (SAME_TRUST, SAME_ICS, SAME_REGION)
"""How near a mentor is to the person looking, nearest first; the order they are listed in."""

REQUESTED, ACCEPTED, DECLINED, WITHDRAWN = "requested", "accepted", "declined", "withdrawn"
MENTOR, SEEKER = "mentor", "seeker"
REQUEST_ACTIONS = {"accept": (MENTOR, ACCEPTED), "decline": (MENTOR, DECLINED), "withdraw": (SEEKER, WITHDRAWN)}
"""What each action on a request does: who may take it and the state it leads to."""
ACTOR_NAMES = {MENTOR: "the mentor asked", SEEKER: "the person who asked"}


@dataclass(frozen=True)
class Mentor:
    """One person's offer to mentor one competency, with where they work and their current level."""

    person_id: int
    name: str
    role: str
    trust_id: int
    system_id: int
    region_id: int
    competency: str
    level: int


@dataclass(frozen=True)
class Seeker:
    """The person looking for a mentor, and where they work."""

    person_id: int
    trust_id: int
    system_id: int
    region_id: int


@dataclass(frozen=True)
class MentorMatch:
    """A mentor the seeker may ask, and how near they are (one of ``TIERS``)."""

    mentor: Mentor
    tier: str


def may_mentor(levels: Mapping[str, int], competency: str) -> bool:
    """Whether someone with these levels may offer to mentor ``competency`` (unrated counts as 0)."""
    return levels.get(competency, 0) >= MENTOR_LEVEL


def check_mentoring_offer(
    levels: Mapping[str, int], competencies: Iterable[str], *, names: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    """The competencies someone offers to mentor, once each in the order given, if they may mentor all.

    Parameters
    ----------
    levels
        The person's current level in each competency; unrated ones are 0.
    competencies
        The competency ids they ask to offer. Offering none is allowed: it withdraws every offer.
    names
        Competency ids to the names the message should use (ids are used where a name is missing).

    Raises
    ------
    PlanningError
        If any competency is held below ``MENTOR_LEVEL``, naming each with the person's level.
    """
    offered = tuple(dict.fromkeys(competencies))
    refused = [c for c in offered if not may_mentor(levels, c)]
    if refused:
        names = names or {}
        listed = ", ".join(f"{names.get(c, c)} (you hold level {levels.get(c, 0)})" for c in refused)
        raise PlanningError(f"to mentor a competency you need to hold it at level {MENTOR_LEVEL} or above: {listed}")
    return offered


def tier_of(seeker: Seeker, mentor: Mentor) -> str:
    """How near ``mentor`` works to ``seeker``: one of ``TIERS`` (both are taken to share a region)."""
    if mentor.trust_id == seeker.trust_id:
        return SAME_TRUST
    if mentor.system_id == seeker.system_id:
        return SAME_ICS
    return SAME_REGION


def find_mentors(
    seeker: Seeker, competency: str, mentors: Iterable[Mentor], *, exclude_same_trust: bool = False
) -> tuple[MentorMatch, ...]:
    """The mentors ``seeker`` may ask for help with ``competency``, nearest first (see the module rules).

    ``mentors`` may hold offers for any competency and from anywhere; those that do not apply are
    left out here, so the caller can pass every offer in the region at once.
    """
    matches = [
        MentorMatch(mentor, tier_of(seeker, mentor))
        for mentor in mentors
        if mentor.competency == competency
        and mentor.level >= MENTOR_LEVEL
        and mentor.person_id != seeker.person_id
        and mentor.region_id == seeker.region_id
    ]
    if exclude_same_trust:
        matches = [match for match in matches if match.tier != SAME_TRUST]
    return tuple(
        sorted(
            matches,
            key=lambda m: (TIERS.index(m.tier), -m.mentor.level, m.mentor.name.casefold(), m.mentor.name, m.mentor.person_id),
        )
    )


def next_request_state(state: str, action: str, by: str) -> str:
    """The state a mentoring request moves to when ``by`` (``"mentor"`` or ``"seeker"``) takes ``action``.

    ``action`` is ``"accept"``, ``"decline"`` or ``"withdraw"``.

    Raises
    ------
    PlanningError
        If the action is unknown, the request was already answered or withdrawn, or the action is
        not ``by``'s to take.
    """
    if action not in REQUEST_ACTIONS:
        raise PlanningError(f"a mentoring request can be accepted, declined or withdrawn, not {action!r}")
    actor, outcome = REQUEST_ACTIONS[action]
    if state != REQUESTED:
        raise PlanningError(f"this request was already {state}")
    if by != actor:
        raise PlanningError(f"only {ACTOR_NAMES[actor]} can {action} this request")
    return outcome
