"""Team cover (THREAD's Task share): who in a team can do each thing the team needs doing.

The rules:

1. **Needs.** A team needs each competency at the highest level any member's role requires
   (a requirement of level 0 asks for nothing).
2. **Cover.** A competency's cover is the number of members, not away, whose level is at or
   above the team's need. Cover 0 is a *gap*, 1 a *single* point of failure, 2 or more *covered*.
   Competencies are listed gaps first, then single points of failure, then the rest, each group
   in the framework's order. Members away stay in the matrix but count for nothing.
3. **Cross-training.** For each competency whose cover is at most ``at_most``, the people who
   could cover it with the least training: members present who do not hold it, and colleagues
   from elsewhere in the trust who opted in to task sharing, smallest gap first. Their training
   is worked out as the needs analysis does (``tna.find_needs`` and ``tna.choose_modules`` on the
   one requirement, prerequisites included), so it matches the person's own plan.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from planner.core.errors import PlanningError
from planner.core.framework import Framework, Module
from planner.core.tna import choose_modules, find_needs, role_requirements

GAP = "gap"
SINGLE = "single"
COVERED = "covered"
STATUSES = (GAP, SINGLE, COVERED)
"""The statuses of cover, most urgent first: the order competencies are listed in."""


def status_of(cover: int) -> str:
    """The status of a competency held by ``cover`` members: gap, single or covered."""
    return STATUSES[min(cover, 2)]


@dataclass(frozen=True)
class Member:
    """A team member (or a colleague offering to share tasks) as cover sees them.

    ``levels`` holds the level that counts for each competency; a competency missing is level 0.
    """

    id: int
    name: str
    role: str
    levels: dict[str, int] = field(default_factory=dict)

    def level(self, competency_id: str) -> int:
        """The member's level in a competency (0 when unrated)."""
        return self.levels.get(competency_id, 0)


@dataclass(frozen=True)
class CompetencyCover:
    """One competency the team needs: the level it needs and the members present who hold it."""

    competency: str
    needed: int
    holders: tuple[int, ...]

    @property
    def cover(self) -> int:
        """How many members present hold the competency at the needed level."""
        return len(self.holders)

    @property
    def status(self) -> str:
        """``"gap"``, ``"single"`` or ``"covered"``."""
        return status_of(self.cover)


@dataclass(frozen=True)
class Cell:
    """One member's level in one competency the team needs."""

    competency: str
    level: int
    required: int
    """The level the member's own role requires; 0 when their role does not ask for it."""
    meets: bool
    """Whether the level reaches the team's need (it counts for cover only when present)."""

    @property
    def role_requires(self) -> bool:
        """Whether the member's own role asks for this competency."""
        return self.required > 0


@dataclass(frozen=True)
class MatrixRow:
    """A member's row of the cover matrix, one cell per column of ``TeamCover.columns``."""

    member: Member
    away: bool
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class TeamCover:
    """A team's cover: each competency it needs, and the members × competencies matrix."""

    competencies: tuple[CompetencyCover, ...]
    rows: tuple[MatrixRow, ...]
    away: frozenset[int]

    @property
    def columns(self) -> tuple[str, ...]:
        """The matrix's competency ids, in the order of ``competencies`` (gaps first)."""
        return tuple(c.competency for c in self.competencies)

    @property
    def gaps(self) -> tuple[CompetencyCover, ...]:
        """The competencies nobody present holds."""
        return tuple(c for c in self.competencies if c.status == GAP)

    @property
    def singles(self) -> tuple[CompetencyCover, ...]:
        """The competencies exactly one member present holds: single points of failure."""
        return tuple(c for c in self.competencies if c.status == SINGLE)


@dataclass(frozen=True)
class LostCover:
    """A competency whose cover falls while some members are away: from ``before`` to ``now.cover``.

    ``now`` is the competency's cover while they are away (its holders and status then).
    """

    now: CompetencyCover
    before: int


@dataclass(frozen=True)
class Candidate:
    """Someone who could cover a competency after training, and the training it takes."""

    member: Member
    colleague: bool
    """True for a colleague from outside the team who opted in to task sharing."""
    level: int
    gap: int
    modules: tuple[Module, ...]
    hours: float
    problem: str = ""
    """Why no training is listed (no module in the framework closes the gap); empty when it is."""

    @property
    def closable(self) -> bool:
        """Whether the framework has training that closes the gap."""
        return not self.problem


@dataclass(frozen=True)
class Suggestion:
    """For one thinly covered competency, who could be trained to cover it, best first."""

    competency: str
    needed: int
    cover: int
    candidates: tuple[Candidate, ...]
    ready: tuple[int, ...]
    """Colleagues who already hold the competency at the needed level and could share it now."""

    @property
    def status(self) -> str:
        """``"gap"`` or ``"single"`` (or ``"covered"`` when ``at_most`` was 2 or more)."""
        return status_of(self.cover)


def team_needs(framework: Framework, members: Iterable[Member]) -> dict[str, int]:
    """The level the team needs in each competency, in framework order.

    It is the highest level any member's role requires; an unknown role is a ``PlanningError``.
    """
    needs: dict[str, int] = {}
    for member in members:
        for competency_id, level in role_requirements(framework, member.role).items():
            if level > needs.get(competency_id, 0):
                needs[competency_id] = level
    return {c: needs[c] for c in sorted(needs, key=framework.position.__getitem__)}


def team_cover(framework: Framework, members: Iterable[Member], away: Iterable[int] = frozenset()) -> TeamCover:
    """The cover of each competency the team needs, with the matrix the team page draws.

    ``away`` holds the ids of members who count for nothing (on leave, on secondment); they keep
    their row in the matrix, marked away. Competencies come gaps first, then single points of
    failure, then the rest, each group in framework order; rows come in the order given.
    """
    team = tuple(members)
    absent = _check_away(team, away)
    needs = team_needs(framework, team)
    present = [m for m in team if m.id not in absent]
    competencies = sorted(
        (CompetencyCover(c, level, tuple(m.id for m in present if m.level(c) >= level)) for c, level in needs.items()),
        key=lambda c: (STATUSES.index(c.status), framework.position[c.competency]),
    )
    rows = []
    for member in team:
        own = role_requirements(framework, member.role)
        cells = tuple(
            Cell(c.competency, member.level(c.competency), own.get(c.competency, 0), member.level(c.competency) >= c.needed)
            for c in competencies
        )
        rows.append(MatrixRow(member, member.id in absent, cells))
    return TeamCover(tuple(competencies), tuple(rows), absent)


def lost_cover(framework: Framework, members: Iterable[Member], away: Iterable[int]) -> tuple[LostCover, ...]:
    """The competencies whose cover falls while the members in ``away`` are away.

    Each comes with its cover before (``before``) and while they are away (``now``), in the order
    of ``team_cover`` with them away, so the new gaps come first.
    """
    team = tuple(members)
    before = {c.competency: c.cover for c in team_cover(framework, team).competencies}
    return tuple(
        LostCover(c, before[c.competency])
        for c in team_cover(framework, team, away).competencies
        if c.cover < before[c.competency]
    )


def cross_training(
    framework: Framework,
    members: Iterable[Member],
    colleagues: Iterable[Member] = (),
    at_most: int = 1,
    limit: int = 3,
    *,
    away: Iterable[int] = frozenset(),
) -> tuple[Suggestion, ...]:
    """Who could be trained to cover each competency whose cover is at most ``at_most``.

    Candidates are members present who do not hold the competency at the needed level and
    ``colleagues`` who do not (a colleague who is also a member counts as a member). Up to
    ``limit`` are listed per competency: the smallest gap first, then members before colleagues,
    then the fewest hours of training, then id. A candidate whose gap no module closes is still
    listed, with no modules and ``problem`` saying why, after the others of its gap and group. Colleagues who already hold the competency are listed apart, in ``ready``.
    """
    team = tuple(members)
    cover = team_cover(framework, team, away)
    seen = {m.id for m in team}
    outside = []
    for colleague in colleagues:
        if colleague.id not in seen:
            seen.add(colleague.id)
            outside.append(colleague)
    people = [(m, False) for m in team if m.id not in cover.away] + [(c, True) for c in outside]
    suggestions = []
    for competency in cover.competencies:
        if competency.cover > at_most:
            continue
        c, needed = competency.competency, competency.needed
        candidates = sorted(
            (_candidate(framework, person, colleague, c, needed) for person, colleague in people if person.level(c) < needed),
            key=lambda k: (k.gap, k.colleague, k.hours if k.closable else math.inf, k.member.id),
        )
        ready = tuple(m.id for m in outside if m.level(c) >= needed)
        suggestions.append(Suggestion(c, needed, competency.cover, tuple(candidates[:limit]), ready))
    return tuple(suggestions)


def _candidate(framework: Framework, person: Member, colleague: bool, competency_id: str, needed: int) -> Candidate:
    level = person.level(competency_id)
    try:
        steps = choose_modules(framework, find_needs(framework, person.levels, {competency_id: needed}))
    except PlanningError as error:  # one gap no module closes must not hide every other suggestion
        return Candidate(person, colleague, level, needed - level, (), 0.0, str(error))
    modules = tuple(m for step in steps for m in step.modules)
    return Candidate(person, colleague, level, needed - level, modules, sum(step.hours for step in steps))


def _check_away(team: tuple[Member, ...], away: Iterable[int]) -> frozenset[int]:
    """The ids away, after checking each names one member of the team (and ids are not repeated)."""
    counts = Counter(m.id for m in team)
    repeated = sorted(i for i, n in counts.items() if n > 1)
    if repeated:
        raise PlanningError(f"a member can be in a team only once; listed more than once: {_ids(repeated)}")
    absent = frozenset(away)
    strangers = sorted(absent - counts.keys())
    if strangers:
        raise PlanningError(f"only members of the team can be away; not in the team: {_ids(strangers)}")
    return absent


def _ids(ids: list[int]) -> str:
    return ", ".join(map(str, ids))
