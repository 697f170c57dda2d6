from __future__ import annotations

from datetime import date

import pytest

from planner.core.training import (
    MonthOfLearning,
    hours_of,
    learning_time,
    month_start,
    proposed_levels,
    recent_months,
    team_learning_time,
    total,
)
from tests.core.mini import mini_framework

D = date
FW = mini_framework()


# M2 raises B to 3 and A to 2; M4 raises D to 3 and C to 1.
@pytest.mark.parametrize(
    ("case", "module", "current", "awaiting", "expected"),
    [
        ("nothing rated: every level", "M2", {}, {}, {"B": 3, "A": 2}),
        ("below: proposed", "M2", {"B": 1, "A": 1}, {}, {"B": 3, "A": 2}),
        ("at the level: not proposed", "M2", {"B": 3, "A": 1}, {}, {"A": 2}),
        ("above: never lowered", "M2", {"B": 4, "A": 3}, {}, {}),
        ("awaiting at the level: not again", "M2", {"B": 1}, {"B": 3}, {"A": 2}),
        ("awaiting higher: not again", "M2", {"B": 1}, {"B": 4}, {"A": 2}),
        ("awaiting lower: proposed", "M2", {"B": 1}, {"B": 2}, {"B": 3, "A": 2}),
        ("self-rated, counted and awaiting, below", "M4", {"D": 1}, {"D": 1}, {"D": 3, "C": 1}),
        ("other competencies ignored", "M4", {"A": 4, "E": 4}, {"B": 4}, {"D": 3, "C": 1}),
        ("a level 0 counts as not rated", "M4", {"C": 0}, {}, {"D": 3, "C": 1}),
    ],
)
def test_proposed_levels(case, module, current, awaiting, expected):
    assert proposed_levels(FW, module, current, awaiting) == expected


def test_proposed_levels_keep_the_modules_order():
    assert list(proposed_levels(FW, "M2", {}, {})) == ["B", "A"]


def test_an_unknown_module_is_a_key_error():
    with pytest.raises(KeyError):
        proposed_levels(FW, "NOPE", {}, {})


@pytest.mark.parametrize(
    ("module", "hours", "expected"),
    [
        ("M1", 2.5, 2.5),  # the record's own hours
        ("M1", None, 4),  # an old record: the module's hours
        ("GONE", None, 0.0),  # an old record of a module no longer in the framework
        ("GONE", 3.0, 3.0),
    ],
)
def test_hours_of(module, hours, expected):
    assert hours_of(FW, module, hours) == expected


@pytest.mark.parametrize(
    ("today", "count", "expected"),
    [
        (D(2026, 11, 26), 1, (D(2026, 11, 1),)),
        (D(2026, 3, 31), 4, (D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1))),
        (D(2026, 1, 1), 2, (D(2025, 12, 1), D(2026, 1, 1))),
        (D(2026, 1, 1), 0, ()),
    ],
)
def test_recent_months(today, count, expected):
    assert recent_months(today, count) == expected


def test_month_start():
    assert month_start(D(2024, 2, 29)) == D(2024, 2, 1)


MONTHS = (D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1))


@pytest.mark.parametrize(
    ("case", "planned", "used", "expected"),
    [
        ("nothing used", 4, [], [(4, 0), (4, 0), (4, 0)]),
        (
            "added up by month, first and last days",
            4,
            [(D(2026, 9, 1), 1.5), (D(2026, 9, 30), 2), (D(2026, 11, 26), 6)],
            [(4, 3.5), (4, 0), (4, 6)],
        ),
        ("outside the months: ignored", 3, [(D(2026, 8, 31), 5), (D(2026, 12, 1), 5)], [(3, 0), (3, 0), (3, 0)]),
        ("no protected time", 0, [(D(2026, 10, 5), 2)], [(0, 0), (0, 2), (0, 0)]),
    ],
)
def test_learning_time(case, planned, used, expected):
    result = learning_time(planned, used, MONTHS)
    assert [(m.planned, m.used) for m in result] == expected
    assert [m.month for m in result] == list(MONTHS)


@pytest.mark.parametrize(
    ("planned", "used", "balance", "words"),
    [
        (4, 4, 0, "as planned"),
        (4, 1.5, -2.5, "2.5 hours under"),
        (4, 5, 1, "1 hour over"),
        (3, 0, -3, "3 hours under"),
        (2, 3, 1, "1 hour over"),
        (0, 7.5, 7.5, "7.5 hours over"),
    ],
)
def test_a_months_balance_in_figures_and_words(planned, used, balance, words):
    month = MonthOfLearning(D(2026, 11, 1), planned, used)
    assert (month.balance, month.words) == (balance, words)


def test_a_teams_months_add_up_its_members():
    amira = learning_time(4, [(D(2026, 9, 3), 6), (D(2026, 11, 2), 1)], MONTHS)
    sam = learning_time(3, [(D(2026, 10, 3), 2)], MONTHS)

    team = team_learning_time([amira, sam], MONTHS)

    assert team == (
        MonthOfLearning(D(2026, 9, 1), 7, 6),
        MonthOfLearning(D(2026, 10, 1), 7, 2),
        MonthOfLearning(D(2026, 11, 1), 7, 1),
    )
    assert total(team) == MonthOfLearning(D(2026, 9, 1), 21, 9)


def test_an_empty_team_has_nothing_planned_or_used():
    assert team_learning_time([], MONTHS) == tuple(MonthOfLearning(month, 0, 0) for month in MONTHS)
