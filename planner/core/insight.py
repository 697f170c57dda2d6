"""Training needs over many people: one person's needs in the form the aggregates add up, the
readiness bands, the suppression of small counts, and the framework's fingerprint.

The aggregate view of a team, trust, ICS or region is the sum of what ``summarise_needs`` finds
for each person in their current role. Above trust level counts below ``SUPPRESS_BELOW`` are
withheld, so that nobody can be picked out of a small group.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from planner.core.framework import Framework, Module, Person
from planner.core.pathways import readiness
from planner.core.tna import Need, choose_modules, find_needs, role_requirements

SUPPRESS_BELOW = 5
"""Above trust level, a count smaller than this is shown as "fewer than 5"."""

READINESS_BANDS = (
    ("Under 50%", 0),
    ("50% to 74%", 50),
    ("75% to 99%", 75),
    ("100%", 100),
)
"""Readiness bands for a role, each with the lowest percentage it holds, lowest band first."""


@dataclass(frozen=True)
class NeedsSummary:
    """What one person lacks for their current role, and the training that would close it."""

    gaps: tuple[Need, ...]
    """The role's needs with a gap (prerequisites a gap brings in included), in priority order."""
    modules: tuple[Module, ...]
    """The modules chosen to close every gap, in study order."""
    hours: float
    readiness: int
    """The share of the role's required levels already met, in percent."""


def summarise_needs(framework: Framework, person: Person) -> NeedsSummary:
    """The person's gaps for their current role, the modules that close them and their readiness.

    Raises ``PlanningError`` when the role is not in the framework.
    """
    requirements = role_requirements(framework, person.role)
    needs = find_needs(framework, person.levels, requirements)
    modules = tuple(m for step in choose_modules(framework, needs) for m in step.modules)
    return NeedsSummary(
        gaps=tuple(n for n in needs if n.gap),
        modules=modules,
        hours=sum(m.hours for m in modules),
        readiness=readiness(framework, person.levels, requirements),
    )


def suppress(count: int, suppressing: bool) -> int | None:
    """``count``, or ``None`` ("fewer than 5") when suppressing and it is below ``SUPPRESS_BELOW``.

    Zero is suppressed too: showing "0" beside "fewer than 5" would narrow the others down.
    """
    if suppressing and count < SUPPRESS_BELOW:
        return None
    return count


def suppress_parts(parts: tuple[int, ...], suppressing: bool) -> tuple[int | None, ...]:
    """The parts of a total shown beside them, with small ones withheld so none can be worked out.

    Each part below ``SUPPRESS_BELOW`` is withheld. Then, since the withheld parts add up to the
    total less the parts shown, while they add up to between 1 and 4 people the smallest part
    still shown is withheld as well (secondary suppression): what can be worked out is then
    either nobody or at least ``SUPPRESS_BELOW`` people.
    """
    shown = [suppress(part, suppressing) for part in parts]
    while 0 < sum(part for part, kept in zip(parts, shown) if kept is None) < SUPPRESS_BELOW:
        still_shown = [n for n, kept in enumerate(shown) if kept is not None]
        if not still_shown:
            break
        shown[min(still_shown, key=lambda n: (parts[n], n))] = None
    return tuple(shown)


def readiness_band(percent: int) -> str:
    """The label of the readiness band ``percent`` falls in."""
    label = READINESS_BANDS[0][0]
    for band, lowest in READINESS_BANDS:
        if percent >= lowest:
            label = band
    return label


def needs_fingerprint(framework: Framework) -> str:
    """A digest of everything in the framework that a stored needs summary depends on.

    Roles' requirements, competencies' domains, prerequisites and critical flags, and modules'
    hours and the levels they raise: when any of these changes, every stored summary is out of
    date. Titles and descriptions do not count, as the summaries do not keep them.
    """
    parts = [
        ("roles", sorted((r.id, sorted(r.requires.items())) for r in framework.roles)),
        ("competencies", sorted((c.id, c.domain, sorted(c.requires), c.critical) for c in framework.competencies)),
        ("modules", sorted((m.id, m.hours, sorted(m.raises.items())) for m in framework.modules)),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()
