"""Checking staff list and completions rows: every kind of bad row, with its line; clean rows as values."""

from __future__ import annotations

from datetime import date

import pytest

from planner.core.imports import (
    Checked,
    Column,
    CompletionFacts,
    CompletionRow,
    KnownPerson,
    RawRow,
    RowProblem,
    StaffFacts,
    StaffRow,
    Table,
    check_completions,
    check_staff,
    read_band,
    read_date,
)
from planner.core.training import HOURS_MAX
from tests.core.mini import mini_framework

TODAY = date(2026, 6, 15)
FRAMEWORK = mini_framework()
STAFF_HEADINGS = ("Assignment Number", "Full Name", "Email Address", "Organisation", "Position Title", "Pay Band", "Start Date")
STAFF_KEYS = ("assignment_number", "name", "email", "organisation", "position_title", "band", "start_date")
GOOD = ("1001", "Sam Jones", "sam.jones@nhs.net", "Medical Staffing", "Administrator", "Band 3", "01/04/2025")
COMPLETION_HEADINGS = ("Assignment Number", "Course Name", "Completion Date", "Hours")
COMPLETION_KEYS = ("assignment_number", "course", "completion_date", "hours")
DONE = ("1001", "M1", "01/05/2026", "4")


def table(keys, headings, *rows) -> Table:
    """A table of these rows, the first on line 2 and each on the next line."""
    columns = {key: Column(heading, index) for index, (key, heading) in enumerate(zip(keys, headings))}
    return Table(columns, len(headings), tuple(RawRow(line, tuple(fields)) for line, fields in enumerate(rows, 2)))


def staff(*rows) -> Table:
    return table(STAFF_KEYS, STAFF_HEADINGS, *rows)


def completions(*rows) -> Table:
    return table(COMPLETION_KEYS, COMPLETION_HEADINGS, *rows)


def known(person_id=7, *, in_trust=True, number="1001", email="sam.jones@nhs.net", **changes) -> KnownPerson:
    values = dict(name="Sam Jones", team_id=1, role_id="r1", band="3", started_in_role=date(2025, 4, 1))
    values.update(changes)
    return KnownPerson(person_id, in_trust, number, email, **values)


def staff_facts(*people) -> StaffFacts:
    return StaffFacts("Trust A", {"Medical Staffing": 1, "Rota Team": 2}, people)


def row(**changes) -> tuple[str, ...]:
    """The good staff row with some fields changed, by key."""
    return tuple(changes.get(key, value) for key, value in zip(STAFF_KEYS, GOOD))


def done(**changes) -> tuple[str, ...]:
    return tuple(changes.get(key, value) for key, value in zip(COMPLETION_KEYS, DONE))


def assert_only_problem_on_line_3(checked: Checked, column: str, reason: str) -> None:
    """The check found one problem, on line 3 in ``column``, whose reason says ``reason``, and no rows."""
    assert checked.rows == ()
    assert len(checked.problems) == 1, checked.problems
    problem = checked.problems[0]
    assert (problem.line, problem.column) == (3, column)
    assert reason in problem.reason


@pytest.mark.parametrize(
    ("fields", "people", "column", "reason"),
    [
        (GOOD[:6], (), "", "the line has 6 fields but the header has 7"),
        (row(assignment_number=""), (), "Assignment Number", "the assignment number is blank"),
        (row(assignment_number="12 34"), (), "Assignment Number", "up to 20 letters, digits and hyphens"),
        (row(name=""), (), "Full Name", "the name is blank"),
        (row(name="x" * 121), (), "Full Name", "longer than 120 characters"),
        (row(email=""), (), "Email Address", "the email address is blank"),
        (row(email="sam.jones"), (), "Email Address", "this is not an email address"),
        (row(email="a@b.c" + "c" * 250), (), "Email Address", "this is not an email address"),
        (row(email="SAM.JONES@nhs.net"), (known(8, number="2002"),), "Email Address", "already used by another person"),
        (row(email="sam.jones@nhs.net"), (known(8, number=None, in_trust=False),), "Email Address", "already used by another person"),
        (row(), (known(8, in_trust=False),), "Assignment Number", "belongs to someone in another trust"),
        (row(organisation="Payroll"), (), "Organisation", "not a team of Trust A; use one of: Medical Staffing, Rota Team"),
        (row(organisation=""), (), "Organisation", "the organisation is blank"),
        (row(position_title="Chief"), (), "Position Title", "not a role of the framework; use a role's title or id: Administrator"),
        (row(band="9z"), (), "Pay Band", "'9z' is not an Agenda for Change band; use one of 3, 4, 5"),
        (row(band=""), (), "Pay Band", "the band is blank"),
        (row(start_date="31/02/2025"), (), "Start Date", "'31/02/2025' is not a date; write it as dd/mm/yyyy"),
        (row(start_date="soon"), (), "Start Date", "'soon' is not a date"),
        (row(start_date="16/06/2026"), (), "Start Date", "the start date is after today (15 June 2026)"),
        (row(start_date=""), (), "Start Date", "the start date is blank"),
    ],
)
def test_every_kind_of_bad_staff_row_is_reported_with_its_line(fields, people, column, reason):
    checked = check_staff(staff(("0999", "Ann Lee", "ann@nhs.net") + GOOD[3:], fields), staff_facts(*people), FRAMEWORK, TODAY)
    assert_only_problem_on_line_3(checked, column, reason)


def test_a_duplicate_assignment_number_or_email_in_the_file_names_the_other_line():
    checked = check_staff(staff(GOOD, row(email="other@nhs.net"), row(assignment_number="1002", email="Sam.Jones@NHS.net")), staff_facts(), FRAMEWORK, TODAY)
    assert checked.problems == (
        RowProblem(3, "Assignment Number", "1001", "assignment number 1001 is also on line 2; list each person once"),
        RowProblem(4, "Email Address", "Sam.Jones@NHS.net", "this email address is also on line 2; each person needs their own"),
    )


def test_every_problem_of_every_row_is_listed_in_file_order():
    checked = check_staff(staff(row(assignment_number="1000", email="a@nhs.net", band="", start_date="x"), GOOD, row(assignment_number="7", email="bad", organisation="?")), staff_facts(), FRAMEWORK, TODAY)
    assert [(p.line, p.column) for p in checked.problems] == [
        (2, "Pay Band"), (2, "Start Date"), (4, "Email Address"), (4, "Organisation"),
    ]


def test_a_clean_staff_list_gives_new_people_and_the_changes_to_people_kept():
    rows = (
        GOOD,
        row(assignment_number="1002", name="Ann Lee", email="ann@nhs.net", organisation="rota  team", position_title="coordinator", band="Band 4", start_date="2024-01-31"),
        row(assignment_number="1003", name="Bo Ng", email="bo@nhs.net", position_title="r3", band="5", start_date="1-Mar-2026"),
        row(assignment_number="1004", name="Cy Li", email="cy@nhs.net"),
    )
    people = (
        known(7, name="Samuel Jones", role_id="r2", band="4"),
        known(8, number=None, email="Bo@nhs.net", name="Bo Ng", team_id=1, role_id="r3", band="5", started_in_role=date(2026, 3, 1)),
        known(9, number="1004", email="cy@nhs.net", name="Cy Li"),
    )
    checked = check_staff(staff(*rows), staff_facts(*people), FRAMEWORK, TODAY)
    assert checked == Checked(
        (
            StaffRow(2, "1001", "Sam Jones", "sam.jones@nhs.net", 1, "r1", "3", date(2025, 4, 1), 7, ("name", "role_id", "band")),
            StaffRow(3, "1002", "Ann Lee", "ann@nhs.net", 2, "r2", "4", date(2024, 1, 31)),
            StaffRow(4, "1003", "Bo Ng", "bo@nhs.net", 1, "r3", "5", date(2026, 3, 1), 8, ("assignment_number", "email")),
            StaffRow(5, "1004", "Cy Li", "cy@nhs.net", 1, "r1", "3", date(2025, 4, 1), 9, ()),
        )
    )


def test_first_and_last_names_make_the_name_when_there_is_no_full_name():
    keys = ("assignment_number", "first_name", "last_name", *STAFF_KEYS[2:])
    headings = ("Assignment Number", "First Name", "Last Name", *STAFF_HEADINGS[2:])
    good = ("1001", "Sam", "Jones", *GOOD[2:])
    checked = check_staff(table(keys, headings, good, ("1002", "", "", "x@nhs.net", *GOOD[3:]), ("1003", "", "Lee", "y@nhs.net", *GOOD[3:]), ("1004", "A", "x" * 120, "z@nhs.net", *GOOD[3:])), staff_facts(), FRAMEWORK, TODAY)
    assert [(p.line, p.column, p.reason) for p in checked.problems] == [
        (3, "Last Name", "the first and last names are blank; every row needs a name"),
        (5, "Last Name", "the name is longer than 120 characters; shorten it"),
    ]
    clean = check_staff(table(keys, headings, good, ("1003", "", "Lee", "y@nhs.net", *GOOD[3:])), staff_facts(), FRAMEWORK, TODAY)
    assert [r.name for r in clean.rows] == ["Sam Jones", "Lee"]


@pytest.mark.parametrize(
    ("fields", "column", "reason"),
    [
        (DONE[:3], "", "the line has 3 fields but the header has 4"),
        (done(assignment_number=""), "Assignment Number", "the assignment number is blank"),
        (done(assignment_number="9999"), "Assignment Number", "no one in Trust A has assignment number 9999; check it, or import the staff list"),
        (done(course=""), "Course Name", "the course is blank"),
        (done(course="Knitting", hours=""), "Course Name", "'Knitting' is not a module of the framework; use a module's id or exact title"),
        (done(completion_date=""), "Completion Date", "the completion date is blank"),
        (done(completion_date="2026-13-01"), "Completion Date", "'2026-13-01' is not a date"),
        (done(completion_date="16/06/2026"), "Completion Date", "the completion date is after today (15 June 2026); only training already completed"),
        (done(hours="0"), "Hours", "hours must be a number above 0, such as 7.5"),
        (done(hours="-3"), "Hours", "hours must be a number above 0"),
        (done(hours="seven"), "Hours", "hours must be a number above 0"),
        (done(hours="nan"), "Hours", "hours must be a number above 0"),
        (done(hours=f"{HOURS_MAX + 0.5:g}"), "Hours", f"{HOURS_MAX + 0.5:g} hours is more than the {HOURS_MAX:g} one training record may count"),
        (done(course="m2", completion_date="2026-04-01"), "Course Name", "this completion (M2 on 1 April 2026) is already recorded; remove the row"),
        (done(), "Course Name", "the same completion is also on line 2; remove one of them"),
    ],
)
def test_every_kind_of_bad_completion_row_is_reported_with_its_line(fields, column, reason):
    facts = CompletionFacts("Trust A", {"1001": 7}, frozenset({(7, "M2", date(2026, 4, 1))}))
    checked = check_completions(completions(DONE, fields), facts, FRAMEWORK, TODAY)
    assert_only_problem_on_line_3(checked, column, reason)


def test_clean_completions_are_matched_to_people_and_modules_by_id_or_title():
    facts = CompletionFacts("Trust A", {"1001": 7, "1002": 8})
    checked = check_completions(
        completions(
            DONE, ("1002", "  design ", "14-NOV-2025", "10.5"), ("1001", "M1", "02/05/2026", f"{HOURS_MAX:g}"), ("1002", "M3", "01/06/2026", "")
        ),
        facts,
        FRAMEWORK,
        TODAY,
    )
    assert checked == Checked(
        (
            CompletionRow(2, 7, "M1", date(2026, 5, 1), 4.0),
            CompletionRow(3, 8, "M2", date(2025, 11, 14), 10.5),
            CompletionRow(4, 7, "M1", date(2026, 5, 2), HOURS_MAX),
            CompletionRow(5, 8, "M3", date(2026, 6, 1), 3),
        )
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/03/2026", date(2026, 3, 31)),
        ("1/4/2026", date(2026, 4, 1)),
        ("2026-03-31", date(2026, 3, 31)),
        ("31-MAR-2026", date(2026, 3, 31)),
        ("31 Mar 2026", date(2026, 3, 31)),
        ("31-Xyz-2026", None),
        ("30/02/2026", None),
        ("31/03/26", None),
        ("", None),
    ],
)
def test_dates_are_read_as_esr_and_iso_write_them(text, expected):
    assert read_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Band 4", "4"), ("4", "4"), ("band 5", "5"), ("AfC Band 3", "3"), ("Agenda for Change Band 4", "4"), ("Band 9", None), ("", None)],
)
def test_bands_are_read_as_esr_writes_them(text, expected):
    assert read_band(text, FRAMEWORK) == expected


def test_bands_with_a_range_letter():
    framework = mini_framework(bands=(*FRAMEWORK.bands, *[type(FRAMEWORK.bands[0])(b, "2025/26", 1, 2) for b in ("8a", "8b")]))
    assert [read_band(text, framework) for text in ("Band 8a", "8A", "Band 8 - Range B", "8c")] == ["8a", "8a", "8b", None]


def test_completions_without_an_hours_column_count_each_module_s_hours():
    keys, headings = COMPLETION_KEYS[:3], COMPLETION_HEADINGS[:3]
    checked = check_completions(table(keys, headings, DONE[:3]), CompletionFacts("Trust A", {"1001": 7}), FRAMEWORK, TODAY)
    assert checked.rows == (CompletionRow(2, 7, "M1", date(2026, 5, 1), 4),)
