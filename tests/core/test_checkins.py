from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.checkins import (
    CHECKIN_MONTHS,
    DONE,
    DUE,
    OVERDUE,
    UPCOMING,
    Checkin,
    RetentionFlag,
    retention_flag,
    schedule,
)
from planner.core.tna import add_months

D = date


# Each row: the case, the start in role, then the 1, 3, 6, 12, 18 and 24-month check-in dates.
SCHEDULES = """
31-jan            2025-01-31  2025-02-28 2025-04-30 2025-07-31 2026-01-31 2026-07-31 2027-01-31
31-jan-leap       2024-01-31  2024-02-29 2024-04-30 2024-07-31 2025-01-31 2025-07-31 2026-01-31
30-aug            2025-08-30  2025-09-30 2025-11-30 2026-02-28 2026-08-30 2027-02-28 2027-08-30
31-aug            2025-08-31  2025-09-30 2025-11-30 2026-02-28 2026-08-31 2027-02-28 2027-08-31
31-aug-into-leap  2023-08-31  2023-09-30 2023-11-30 2024-02-29 2024-08-31 2025-02-28 2025-08-31
29-feb            2024-02-29  2024-03-29 2024-05-29 2024-08-29 2025-02-28 2025-08-29 2026-02-28
31-dec            2023-12-31  2024-01-31 2024-03-31 2024-06-30 2024-12-31 2025-06-30 2025-12-31
mid-month         2026-01-15  2026-02-15 2026-04-15 2026-07-15 2027-01-15 2027-07-15 2028-01-15
"""


def schedule_row(line: str):
    case, start, *dates = line.split()
    return pytest.param(date.fromisoformat(start), [date.fromisoformat(d) for d in dates], id=case)


@pytest.mark.parametrize("start, expected", [schedule_row(line) for line in SCHEDULES.strip().splitlines()])
def test_checkins_fall_n_months_after_the_start_moved_back_to_month_ends(start, expected):
    checkins = schedule(start, (), today=start)
    assert [c.on for c in checkins] == expected
    assert [c.month for c in checkins] == list(CHECKIN_MONTHS)


@pytest.mark.parametrize(
    "day, months, expected",
    [
        pytest.param(D(2023, 12, 31), 2, D(2024, 2, 29), id="31-dec-plus-2-leap"),
        pytest.param(D(2024, 12, 31), 2, D(2025, 2, 28), id="31-dec-plus-2"),
        pytest.param(D(2024, 2, 29), 12, D(2025, 2, 28), id="29-feb-plus-12"),
        pytest.param(D(2024, 2, 29), 48, D(2028, 2, 29), id="29-feb-plus-48"),
    ],
)
def test_month_arithmetic_the_schedule_relies_on(day, months, expected):
    assert add_months(day, months) == expected


# Started 1 January 2026: the first check-in is on 1 February 2026, the second on 1 April 2026.
START = D(2026, 1, 1)


@pytest.mark.parametrize(
    "today, within, expected",
    [
        pytest.param(D(2026, 1, 17), 14, UPCOMING, id="15-days-before-upcoming"),
        pytest.param(D(2026, 1, 18), 14, DUE, id="14-days-before-due"),
        pytest.param(D(2026, 2, 1), 14, DUE, id="on-the-day-due"),
        pytest.param(D(2026, 2, 2), 14, OVERDUE, id="day-after-overdue"),
        pytest.param(D(2026, 1, 31), 0, UPCOMING, id="no-window-day-before-upcoming"),
        pytest.param(D(2026, 2, 1), 0, DUE, id="no-window-on-the-day-due"),
        pytest.param(D(2026, 1, 25), 7, DUE, id="window-of-7"),
        pytest.param(D(2025, 12, 1), 14, UPCOMING, id="before-the-start"),
    ],
)
def test_the_first_checkins_status_at_its_boundaries(today, within, expected):
    assert schedule(START, (), today, due_within_days=within)[0].status == expected


@pytest.mark.parametrize(
    "done, today, expected",
    [
        pytest.param((), D(2026, 4, 5), [OVERDUE, OVERDUE, UPCOMING], id="nothing-recorded"),
        pytest.param((D(2026, 2, 3),), D(2026, 4, 5), [DONE, OVERDUE, UPCOMING], id="first-done"),
        pytest.param((D(2026, 3, 20),), D(2026, 4, 5), [DONE, OVERDUE, UPCOMING], id="late-record-completes-the-earliest"),
        pytest.param((D(2025, 12, 20),), D(2026, 4, 5), [OVERDUE, OVERDUE, UPCOMING], id="record-before-start-ignored"),
        pytest.param((D(2026, 4, 2), D(2026, 1, 28)), D(2026, 4, 5), [DONE, DONE, UPCOMING], id="records-in-any-order"),
        pytest.param((D(2026, 1, 28),), D(2026, 1, 20), [DONE, UPCOMING, UPCOMING], id="early-record"),
        pytest.param((), D(2026, 6, 20), [OVERDUE, OVERDUE, DUE], id="third-due"),
    ],
)
def test_each_record_completes_the_earliest_open_checkin(done, today, expected):
    assert [c.status for c in schedule(START, done, today)[:3]] == expected


def test_a_done_checkin_keeps_the_date_it_was_recorded_on():
    assert schedule(START, (D(2026, 3, 20),), D(2026, 4, 5))[0] == Checkin(1, D(2026, 2, 1), DONE, D(2026, 3, 20))


def test_records_beyond_the_sixth_complete_nothing():
    done = tuple(D(2026, month, 1) for month in range(2, 10))
    assert [c.status for c in schedule(START, done, D(2026, 10, 1))] == [DONE] * 6


# Started 1 January 2024: the 24-month check-in is on 1 January 2026.
@pytest.mark.parametrize(
    "done, today, expected",
    [
        pytest.param((), D(2025, 12, 31), [OVERDUE] * 5 + [DUE], id="day-before-24-months"),
        pytest.param((), D(2026, 1, 1), [OVERDUE] * 5 + [DUE], id="on-the-24-month-day"),
        pytest.param((), D(2026, 1, 2), [], id="closed-nothing-open"),
        pytest.param((D(2024, 2, 1), D(2024, 4, 1)), D(2026, 1, 2), [DONE, DONE], id="closed-done-ones-kept"),
        pytest.param((), D(2031, 5, 5), [], id="long-in-role"),
    ],
)
def test_the_schedule_closes_after_the_24_month_checkin(done, today, expected):
    assert [c.status for c in schedule(D(2024, 1, 1), done, today)] == expected


NEVER_SINCE_START = "no training recorded since starting in role on 1 January 2026"


@pytest.mark.parametrize(
    "start, last_training, today, expected",
    [
        pytest.param(START, None, D(2026, 6, 30), None, id="under-six-months-not-flagged"),
        pytest.param(START, None, D(2026, 7, 1), (START, NEVER_SINCE_START), id="six-months-none"),
        pytest.param(START, D(2025, 12, 1), D(2026, 7, 1), (START, NEVER_SINCE_START), id="earlier-role-counts-as-none"),
        pytest.param(START, START, D(2026, 7, 1), (START, "no training recorded since 1 January 2026"), id="trained-on-the-first-day"),
        pytest.param(START, D(2026, 3, 15), D(2026, 9, 14), None, id="trained-under-six-months-ago"),
        pytest.param(
            START, D(2026, 3, 15), D(2026, 9, 15), (D(2026, 3, 15), "no training recorded since 15 March 2026"), id="trained-six-months-ago"
        ),
        pytest.param(START, None, D(2027, 12, 31), (START, NEVER_SINCE_START), id="last-day-under-two-years"),
        pytest.param(START, None, D(2028, 1, 1), None, id="two-years-in-role"),
        pytest.param(START, D(2026, 12, 1), D(2026, 11, 1), None, id="training-booked-ahead"),
        pytest.param(D(2025, 8, 31), None, D(2026, 2, 27), None, id="month-end-day-before"),
        pytest.param(
            D(2025, 8, 31), None, D(2026, 2, 28), (D(2025, 8, 31), "no training recorded since starting in role on 31 August 2025"),
            id="month-end-six-months",
        ),
    ],
)
def test_retention_flag(start, last_training, today, expected):
    flag = retention_flag(start, last_training, today)
    assert flag == (RetentionFlag(*expected) if expected else None)


DAYS = st.dates(D(2000, 1, 1), D(2090, 12, 31))


@settings(max_examples=300, deadline=None)
@given(DAYS)
def test_checkin_dates_strictly_increase_each_in_the_month_n_after_the_start(start):
    checkins = schedule(start, (), today=start)
    dates = [c.on for c in checkins]
    assert dates == sorted(set(dates)) and len(dates) == len(CHECKIN_MONTHS)
    for checkin in checkins:
        year, month = divmod(start.year * 12 + start.month - 1 + checkin.month, 12)
        assert (checkin.on.year, checkin.on.month) == (year, month + 1)
        assert checkin.on.day == min(start.day, calendar.monthrange(year, month + 1)[1])


@settings(max_examples=300, deadline=None)
@given(DAYS, st.lists(DAYS, max_size=8), DAYS, st.integers(0, 30))
def test_statuses_agree_with_the_dates_and_done_ones_come_first(start, done, today, within):
    checkins = schedule(start, tuple(done), today, due_within_days=within)
    kept = sorted(day for day in done if day >= start)
    statuses = [c.status for c in checkins]
    finished = min(len(kept), len(CHECKIN_MONTHS))
    assert statuses[:finished] == [DONE] * finished and DONE not in statuses[finished:]
    assert [c.done_on for c in checkins[:finished]] == kept[:finished]
    for checkin in checkins[finished:]:
        expected = OVERDUE if checkin.on < today else DUE if checkin.on <= today + timedelta(days=within) else UPCOMING
        assert checkin.status == expected and checkin.done_on is None
    if today > add_months(start, CHECKIN_MONTHS[-1]):
        assert statuses == [DONE] * finished
    else:
        assert len(checkins) == len(CHECKIN_MONTHS)


@settings(max_examples=300, deadline=None)
@given(DAYS, st.none() | DAYS, DAYS)
def test_only_people_new_in_role_are_flagged_and_recent_training_clears_the_flag(start, last_training, today):
    flag = retention_flag(start, last_training, today)
    if flag:
        assert add_months(start, 6) <= today < add_months(start, 24)
        assert flag.since in (start, last_training) and add_months(flag.since, 6) <= today
    if last_training is not None and start <= last_training and today < add_months(last_training, 6):
        assert flag is None
    if last_training is None and add_months(start, 6) <= today < add_months(start, 24):
        assert flag
