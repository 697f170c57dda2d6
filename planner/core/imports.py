"""Checking the rows of an ESR-style staff list or training completions file before importing them.

A file is read elsewhere into a ``Table``: the columns recognised (each with the heading the
file gave it), the number of fields in the header and every row with its line number. The
functions here check each row against plain facts (the trust's teams, the framework's roles,
bands and modules, the people and records already kept, today's date) and return either every
row ready to apply or every problem found, each with its line, column, value and what to fix.
An import applies all the rows or none, so one problem anywhere means no rows are returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from planner.core.framework import Framework
from planner.core.training import HOURS_MAX

NAME_MAX = 120
EMAIL_MAX = 254
ASSIGNMENT_PATTERN = re.compile(r"[A-Za-z0-9-]{1,20}")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
HOURS_PATTERN = re.compile(r"[0-9]+(?:\.[0-9]+)?")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
DATE_FORMATS = (
    # (pattern, the order of its day, month and year groups)
    (re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})"), (0, 1, 2)),
    (re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"), (2, 1, 0)),
    (re.compile(r"([0-9]{1,2})[- ]([A-Za-z]{3})[- ]([0-9]{4})"), (0, 1, 2)),
)
UPDATED_FIELDS = ("assignment_number", "name", "email", "team_id", "role_id", "band", "started_in_role")
"""What a staff list may change about someone already kept, in the order changes are listed."""


@dataclass(frozen=True)
class Column:
    """A column of the file that was recognised: the heading as the file wrote it, and its position."""

    heading: str
    index: int


@dataclass(frozen=True)
class RawRow:
    """One row of the file as text: its line in the file (the header is line 1) and its fields."""

    line: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A file's rows, with the columns recognised by their key (``"email"``, ``"band"`` …)."""

    columns: dict[str, Column]
    width: int
    """How many fields the header line has; every row must have as many."""
    rows: tuple[RawRow, ...]


@dataclass(frozen=True)
class RowProblem:
    """Why one row cannot be imported: its line, the column (blank for the whole row), the value and what to fix."""

    line: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class KnownPerson:
    """Someone already kept who shares an assignment number or an email address with the file."""

    id: int
    in_trust: bool
    assignment_number: str | None
    email: str
    name: str
    team_id: int
    role_id: str
    band: str
    started_in_role: date


@dataclass(frozen=True)
class StaffFacts:
    """What a staff list is checked against: the importing trust's teams (name to id) and the people kept."""

    trust: str
    teams: dict[str, int]
    people: tuple[KnownPerson, ...] = ()


@dataclass(frozen=True)
class StaffRow:
    """A staff list row ready to apply: a new person (``person_id`` None) or changes to one already kept."""

    line: int
    assignment_number: str
    name: str
    email: str
    team_id: int
    role_id: str
    band: str
    started_in_role: date
    person_id: int | None = None
    changes: tuple[str, ...] = ()
    """For someone already kept, the fields (of ``UPDATED_FIELDS``) this row changes."""


@dataclass(frozen=True)
class CompletionFacts:
    """What a completions file is checked against: the trust's people by assignment number, and the
    training already recorded for them as (person id, module id, date completed)."""

    trust: str
    people: dict[str, int]
    recorded: frozenset[tuple[int, str, date]] = frozenset()


@dataclass(frozen=True)
class CompletionRow:
    """A completion ready to record as training."""

    line: int
    person_id: int
    module_id: str
    completed_on: date
    hours: float


@dataclass(frozen=True)
class Checked:
    """The result of checking a file: every row ready to apply, or every problem and no rows."""

    rows: tuple = ()
    problems: tuple[RowProblem, ...] = ()


def plain(text: str) -> str:
    """Text compared without regard to case or runs of spaces."""
    return " ".join(text.split()).casefold()


def by_title_or_id(items) -> dict[str, str]:
    """Roles or modules by their title and by their id, compared as ``plain`` text, to their id."""
    return {plain(item.title): item.id for item in items} | {plain(item.id): item.id for item in items}


def read_date(text: str) -> date | None:
    """A date written as ESR writes it (31/03/2026 or 31-MAR-2026) or as ISO (2026-03-31); None if unreadable."""
    for pattern, order in DATE_FORMATS:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        day, month, year = (found.group(i + 1) for i in order)
        if month.isdigit():
            month_number = int(month)
        else:
            month_number = MONTHS.index(month.lower()) + 1 if month.lower() in MONTHS else 0
        try:
            return date(int(year), month_number, int(day))
        except ValueError:
            return None
    return None


def read_band(text: str, framework: Framework) -> str | None:
    """The framework's band an ESR pay band names ("Band 8a", "8A", "Band 8 - Range A"), or None."""
    squeezed = re.sub(r"[\s\-]", "", text.casefold())
    for prefix in ("agendaforchange", "afc"):
        squeezed = squeezed.removeprefix(prefix)
    squeezed = squeezed.removeprefix("band").replace("range", "")
    return next((band.id for band in framework.bands if band.id.casefold() == squeezed), None)


def long_date(day: date) -> str:
    """A date in en-GB words, such as ``3 March 2026``."""
    return f"{day.day} {day:%B %Y}"


class _Row:
    """One row being checked: its values by column key, and the problems found so far."""

    def __init__(self, table: Table, raw: RawRow, problems: list[RowProblem]):
        self.table, self.line, self.problems = table, raw.line, problems
        self.values = {key: raw.fields[column.index].strip() for key, column in table.columns.items()}

    def heading(self, key: str) -> str:
        return self.table.columns[key].heading

    def problem(self, key: str, reason: str, value: str | None = None) -> None:
        self.problems.append(RowProblem(self.line, self.heading(key), self.values[key] if value is None else value, reason))

    def required(self, key: str, what: str) -> str | None:
        """The value in column ``key``, or None after noting that it is blank."""
        value = self.values[key]
        if not value:
            self.problem(key, f"the {what} is blank; every row needs one")
            return None
        return value

    def date(self, key: str, what: str, today: date, future: str) -> date | None:
        """The date in column ``key`` (not after today), or None after noting what is wrong."""
        text = self.required(key, what)
        if text is None:
            return None
        day = read_date(text)
        if day is None:
            self.problem(key, f"'{text}' is not a date; write it as dd/mm/yyyy, like 31/03/2026, or as 2026-03-31")
        elif day > today:
            self.problem(key, f"the {what} is after today ({long_date(today)}); {future}")
            return None
        return day


def rows_of(table: Table, problems: list[RowProblem]):
    """The rows with as many fields as the header, each as a ``_Row``; the others are noted as problems."""
    for raw in table.rows:
        if len(raw.fields) != table.width:
            problems.append(
                RowProblem(
                    raw.line,
                    "",
                    f"{len(raw.fields)} fields",
                    f"the line has {len(raw.fields)} fields but the header has {table.width}; check for a "
                    "missing or extra comma (text holding a comma must be in double quotes)",
                )
            )
            continue
        yield _Row(table, raw, problems)


def _assignment_number(row: _Row, seen: dict[str, int]) -> str | None:
    """The row's assignment number when it is well formed and new to the file, else None (noted)."""
    number = row.required("assignment_number", "assignment number")
    if number is None:
        return None
    if not ASSIGNMENT_PATTERN.fullmatch(number):
        row.problem(
            "assignment_number",
            "an assignment number is up to 20 letters, digits and hyphens, as ESR writes it (for example 12345678-2)",
        )
        return None
    if number in seen:
        row.problem("assignment_number", f"assignment number {number} is also on line {seen[number]}; list each person once")
        return None
    seen[number] = row.line
    return number


def _name(row: _Row) -> str | None:
    """The full name, or the first and last names joined; None when blank or too long (noted)."""
    if "name" in row.values:
        name = row.required("name", "name")
        key = "name"
    else:
        name = " ".join(part for part in (row.values["first_name"], row.values["last_name"]) if part)
        key = "last_name"
        if not name:
            row.problem(key, "the first and last names are blank; every row needs a name")
            return None
    if name is not None and len(name) > NAME_MAX:
        row.problem(key, f"the name is longer than {NAME_MAX} characters; shorten it", name)
        return None
    return name


def _email(row: _Row, seen: dict[str, int]) -> str | None:
    """The email address when well formed and new to the file, else None (noted)."""
    email = row.required("email", "email address")
    if email is None:
        return None
    if len(email) > EMAIL_MAX or not EMAIL_PATTERN.fullmatch(email):
        row.problem("email", "this is not an email address; write it like jo.bloggs@nhs.net")
        return None
    if email.lower() in seen:
        row.problem("email", f"this email address is also on line {seen[email.lower()]}; each person needs their own")
        return None
    seen[email.lower()] = row.line
    return email


def _choice(row: _Row, key: str, what: str, known: dict, fix: str):
    """The id that the value in column ``key`` names (matched without regard to case), else None (noted)."""
    value = row.required(key, what)
    if value is None:
        return None
    found = known.get(plain(value))
    if found is None:
        row.problem(key, f"'{value}' is {fix}")
    return found


def _match(
    row: _Row, number: str | None, email: str | None, by_number: dict[str, KnownPerson], by_email: dict[str, KnownPerson]
) -> tuple[bool, KnownPerson | None]:
    """Whether the row may be imported as far as the people kept go, and who it updates (None: someone new).

    A row updates the person with its assignment number; a person of the trust with no assignment
    number yet is found by their email address (in lower case) instead. An assignment number of
    another trust's person, or an email address another person uses, stops the row.
    """
    match = by_number.get(number) if number else None
    fine = True
    if match is not None and not match.in_trust:
        row.problem("assignment_number", f"assignment number {number} belongs to someone in another trust; check the number")
        fine = False
    owner = by_email.get(email.lower()) if email else None
    if owner is not None and match is None and owner.in_trust and owner.assignment_number is None:
        match = owner
    elif owner is not None and owner is not match:
        row.problem("email", "this email address is already used by another person in planner; each person needs their own")
        fine = False
    return fine, match


def check_staff(table: Table, facts: StaffFacts, framework: Framework, today: date) -> Checked:
    """Check a staff list: each row a person of the importing trust, new or already kept.

    Parameters
    ----------
    table : Table
        The file's rows. Its columns include ``assignment_number``, ``email``, ``organisation``,
        ``position_title``, ``band`` and ``start_date``, and ``name`` or both ``first_name`` and
        ``last_name``.
    facts : StaffFacts
        The trust's teams by name and the people already kept who share an assignment number or
        an email address with the file.
    framework : Framework
        The roles (matched by title or id) and bands rows may name.
    today : date
        No one may start after today.

    Returns
    -------
    Checked
        ``StaffRow``s in file order when every row is fine; otherwise every problem, in file order.
    """
    problems: list[RowProblem] = []
    rows: list[StaffRow] = []
    teams = {plain(name): team_id for name, team_id in facts.teams.items()}
    roles = by_title_or_id(framework.roles)
    team_names = ", ".join(sorted(facts.teams))
    role_titles = ", ".join(sorted(role.title for role in framework.roles))
    band_ids = ", ".join(band.id for band in framework.bands)
    by_number = {p.assignment_number: p for p in facts.people if p.assignment_number}
    by_email = {p.email.lower(): p for p in facts.people}
    numbers: dict[str, int] = {}
    emails: dict[str, int] = {}
    for row in rows_of(table, problems):
        number = _assignment_number(row, numbers)
        name = _name(row)
        email = _email(row, emails)
        team_id = _choice(row, "organisation", "organisation", teams, f"not a team of {facts.trust}; use one of: {team_names}")
        role_id = _choice(
            row, "position_title", "position title", roles, f"not a role of the framework; use a role's title or id: {role_titles}"
        )
        band_text = row.required("band", "band")
        band = read_band(band_text, framework) if band_text is not None else None
        if band_text is not None and band is None:
            row.problem("band", f"'{band_text}' is not an Agenda for Change band; use one of {band_ids}")
        started = row.date("start_date", "start date", today, "import people once they have started")
        fine, known = _match(row, number, email, by_number, by_email)
        values = (number, name, email, team_id, role_id, band, started)
        if not fine or any(value is None for value in values):
            continue
        person_id, changes = None, ()
        if known is not None:
            person_id = known.id
            changes = tuple(
                attribute for attribute, value in zip(UPDATED_FIELDS, values) if getattr(known, attribute) != value
            )
        rows.append(StaffRow(row.line, *values, person_id=person_id, changes=changes))
    return Checked((), tuple(problems)) if problems else Checked(tuple(rows))


def check_completions(table: Table, facts: CompletionFacts, framework: Framework, today: date) -> Checked:
    """Check a completions file: each row a module a person of the importing trust completed.

    Parameters
    ----------
    table : Table
        The file's rows, with the columns ``assignment_number``, ``course`` (a module's id or
        exact title), ``completion_date`` and, if it likes, ``hours`` (blank: the module's hours).
    facts : CompletionFacts
        The trust's people by assignment number and the training already recorded for them.
    framework : Framework
        The modules rows may name.
    today : date
        No training may be completed after today.

    Returns
    -------
    Checked
        ``CompletionRow``s in file order when every row is fine; otherwise every problem, in file order.
    """
    problems: list[RowProblem] = []
    rows: list[CompletionRow] = []
    modules = by_title_or_id(framework.modules)
    seen: dict[tuple[int, str, date], int] = {}
    for row in rows_of(table, problems):
        number = row.required("assignment_number", "assignment number")
        person_id = facts.people.get(number) if number is not None else None
        if number is not None and person_id is None:
            row.problem(
                "assignment_number",
                f"no one in {facts.trust} has assignment number {number}; check it, or import the staff list with them first",
            )
        module_id = _choice(row, "course", "course", modules, "not a module of the framework; use a module's id or exact title")
        completed = row.date("completion_date", "completion date", today, "only training already completed can be imported")
        hours = _hours(row, framework, module_id)
        values = (person_id, module_id, completed, hours)
        if any(value is None for value in values):
            continue
        key = (person_id, module_id, completed)
        if key in facts.recorded:
            row.problem("course", f"this completion ({module_id} on {long_date(completed)}) is already recorded; remove the row")
        elif key in seen:
            row.problem("course", f"the same completion is also on line {seen[key]}; remove one of them")
        else:
            seen[key] = row.line
            rows.append(CompletionRow(row.line, *values))
    return Checked((), tuple(problems)) if problems else Checked(tuple(rows))


def _hours(row: _Row, framework: Framework, module_id: str | None) -> float | None:
    """The hours of learning time, above 0 and at most ``HOURS_MAX``; the module's own hours when
    the file gives none; None when wrong (noted) or when the module is unknown."""
    text = row.values.get("hours", "")
    if not text:
        return framework.module[module_id].hours if module_id is not None else None
    hours = float(text) if HOURS_PATTERN.fullmatch(text) else 0.0
    if hours <= 0:
        row.problem("hours", "hours must be a number above 0, such as 7.5, or blank for the module's own hours")
        return None
    if hours > HOURS_MAX:
        row.problem("hours", f"{text} hours is more than the {HOURS_MAX:g} one training record may count; check the figure")
        return None
    return hours
