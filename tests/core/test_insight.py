from __future__ import annotations

from dataclasses import replace

import pytest

from planner.core.errors import PlanningError
from planner.core.framework import Module, Role
from planner.core.insight import (
    READINESS_BANDS,
    SUPPRESS_BELOW,
    needs_fingerprint,
    readiness_band,
    summarise_needs,
    suppress,
    suppress_parts,
)
from tests.core.mini import mini_framework, person


def test_a_newcomer_has_every_requirement_as_a_gap_and_the_modules_that_close_them():
    summary = summarise_needs(mini_framework(), person("r1"))
    assert [(n.competency, n.current, n.required, n.gap) for n in summary.gaps] == [("A", 0, 1, 1), ("C", 0, 1, 1)]
    assert [m.id for m in summary.modules] == ["M1", "M3"]
    assert summary.hours == 7
    assert summary.readiness == 0


def test_prerequisites_a_gap_brings_in_are_gaps_too_and_modules_come_in_study_order():
    summary = summarise_needs(mini_framework(), person("r3", D=2))
    assert [(n.competency, n.gap, n.prerequisite_for) for n in summary.gaps] == [("A", 2, ("B",)), ("B", 3, ("E",)), ("E", 1, ())]
    assert [m.id for m in summary.modules] == ["M2", "M5"]
    assert summary.hours == 15
    assert summary.readiness == 29


def test_someone_who_meets_their_role_has_no_gaps_no_modules_and_full_readiness():
    summary = summarise_needs(mini_framework(), person("r2", A=3, B=2, C=2))
    assert summary.gaps == () and summary.modules == () and summary.hours == 0
    assert summary.readiness == 100


def test_an_unknown_role_is_a_planning_error():
    with pytest.raises(PlanningError, match="unknown role 'nope'"):
        summarise_needs(mini_framework(), person("nope"))


@pytest.mark.parametrize(
    "count, suppressing, shown",
    [
        (0, True, None),
        (1, True, None),
        (SUPPRESS_BELOW - 1, True, None),
        (SUPPRESS_BELOW, True, SUPPRESS_BELOW),
        (47, True, 47),
        (0, False, 0),
        (4, False, 4),
        (47, False, 47),
    ],
)
def test_counts_below_five_are_withheld_only_when_suppressing(count, suppressing, shown):
    assert suppress(count, suppressing) == shown


@pytest.mark.parametrize(
    "percent, band",
    [(0, "Under 50%"), (49, "Under 50%"), (50, "50% to 74%"), (74, "50% to 74%"), (75, "75% to 99%"), (99, "75% to 99%"), (100, "100%")],
)
def test_readiness_falls_in_one_band(percent, band):
    assert readiness_band(percent) == band
    assert band in [label for label, _ in READINESS_BANDS]


def test_the_fingerprint_changes_with_what_summaries_depend_on_and_nothing_else():
    framework = mini_framework()
    same = needs_fingerprint(mini_framework())
    assert needs_fingerprint(framework) == same
    renamed = mini_framework(roles=tuple(replace(r, title=r.title + "!") for r in framework.roles), version="2")
    assert needs_fingerprint(renamed) == same
    changed = [
        mini_framework(roles=(*framework.roles[:-1], Role("r4", "Island", "5", "Other", "", {"D": 2}))),
        mini_framework(modules=(*framework.modules[:-1], Module("BIG", "Everything", "course", 99, "x", "A", {"A": 4}))),
        mini_framework(competencies=tuple(replace(c, critical=not c.critical) for c in framework.competencies)),
        mini_framework(competencies=tuple(replace(c, requires=()) for c in framework.competencies)),
    ]
    assert len({needs_fingerprint(f) for f in changed} | {same}) == len(changed) + 1


@pytest.mark.parametrize(
    "parts, suppressing, shown",
    [
        # Nothing withheld at trust level or below.
        ((19, 3, 1, 0), False, (19, 3, 1, 0)),
        # All parts large enough: all shown.
        ((9, 6, 5), True, (9, 6, 5)),
        # One small part beside a shown total could be worked out, so the next smallest goes too.
        ((19, 6, 3, 0), True, (19, None, None, None)),
        # Small parts that already add up to five or more need no partner.
        ((12, 3, 2, 0), True, (12, None, None, None)),
        # Withheld parts that are all zero reveal nobody.
        ((12, 7, 0, 0), True, (12, 7, None, None)),
        # Partners are taken smallest first, ties by position, until five or more are withheld.
        ((8, 5, 5, 1), True, (8, None, 5, None)),
        # A total below five withholds every part.
        ((2, 1, 0), True, (None, None, None)),
        ((), True, ()),
    ],
)
def test_parts_of_a_shown_total_are_withheld_so_none_can_be_worked_out(parts, suppressing, shown):
    assert suppress_parts(parts, suppressing) == shown
