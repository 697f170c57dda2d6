"""Importing ESR-style CSV files: staff lists and training completions.

Each import reads the file (UTF-8, with or without a byte order mark; headings matched without
regard to case, spaces or punctuation, in the spellings ESR and spreadsheets use), gathers what
the rows are checked against, has ``planner.core.imports`` check every row, and — when every row
is fine — applies them all to the session. Nothing here commits: the caller checks, applies and
commits once, so a file is imported whole or not at all.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from planner.core import imports as core
from planner.core.errors import PlannerError
from planner.core.framework import Framework
from planner.db import db
from planner.models import Account, Person, TrainingRecord, Trust, audit
from planner.training import record_completion

MAX_BYTES = 1024 * 1024
"""The largest file one import reads (1 MB)."""
MAX_ROWS = 2000
"""The most rows one import takes; a bigger file is split. Each row is written with its audit
events one at a time, so this keeps an import within a web request's time."""
CHUNK = 500
"""How many values one query's ``IN (...)`` holds, well within every database's limit."""


@dataclass(frozen=True)
class Heading:
    """A column an import reads: its key, what it is called in messages, and the headings that name it."""

    key: str
    label: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Kind:
    """A kind of import: what it is called, the columns it reads and those it cannot do without."""

    id: str
    title: str
    headings: tuple[Heading, ...]
    required: tuple[str, ...]


ASSIGNMENT = Heading("assignment_number", "Assignment Number", ("assignment number", "assignment no", "assignment"))
STAFF = Kind(
    "staff",
    "staff list",
    (
        ASSIGNMENT,
        Heading("name", "Full Name", ("full name", "name", "employee name")),
        Heading("first_name", "First Name", ("first name", "forename", "first forename")),
        Heading("last_name", "Last Name", ("last name", "surname")),
        Heading("email", "Email Address", ("email address", "email", "e-mail address", "work email address")),
        Heading("organisation", "Organisation", ("organisation", "organization", "team")),
        Heading("position_title", "Position Title", ("position title", "position", "job title")),
        Heading("band", "Pay Band", ("pay band", "band", "afc band")),
        Heading("start_date", "Assignment Start Date", ("assignment start date", "start date", "date started in role")),
    ),
    ("assignment_number", "email", "organisation", "position_title", "band", "start_date"),
)
COMPLETIONS = Kind(
    "completions",
    "training completions",
    (
        ASSIGNMENT,
        Heading("course", "Course", ("course", "course name", "course title", "module")),
        Heading("completion_date", "Completion Date", ("completion date", "date completed", "completed on")),
        Heading("hours", "Hours", ("hours", "learning hours", "duration hours", "duration (hours)")),
    ),
    ("assignment_number", "course", "completion_date"),
)
KINDS = {kind.id: kind for kind in (STAFF, COMPLETIONS)}


class FileProblem(PlannerError):
    """The file as a whole cannot be imported (not UTF-8, empty, columns missing, too large)."""


def squeezed(heading: str) -> str:
    """A heading compared without case, spaces or punctuation: "Assignment No." is "assignmentno"."""
    return re.sub(r"[^0-9a-z]", "", heading.casefold())


def size(count: int) -> str:
    """A number of bytes in words, such as "1 MB", "1.5 MB" or "640 KB"."""
    return f"{round(count / 1024 / 1024, 1):g} MB" if count >= 1024 * 1024 else f"{max(count // 1024, 1)} KB"


def read_table(data: bytes, kind: Kind) -> core.Table:
    """The rows of a CSV file, with its columns recognised; a ``FileProblem`` for a file that cannot be read.

    The header is line 1; every row keeps its own line in the file. Rows with every field blank
    (a spreadsheet's empty lines) are left out. Columns the import does not read are ignored.
    """
    if len(data) > MAX_BYTES:
        raise FileProblem(f"The file is larger than {size(MAX_BYTES)}, the most one import takes. Split it into smaller files.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read). Save it from the spreadsheet as "
            "'CSV UTF-8 (comma delimited)' and try again."
        ) from None
    if "\x00" in text:
        raise FileProblem("The file holds NUL characters, so it is not a CSV file. Save it as 'CSV UTF-8' and try again.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None or not any(field.strip() for field in header):
            raise FileProblem("The file is empty: line 1 should name the columns.")
        columns = _columns(header, kind)
        rows, previous = [], reader.line_num
        for fields in reader:
            line, previous = previous + 1, reader.line_num
            if not any(field.strip() for field in fields):
                continue
            if len(rows) == MAX_ROWS:
                raise FileProblem(f"The file has more than {MAX_ROWS:,} rows; split it into smaller files.")
            rows.append(core.RawRow(line, tuple(fields)))
    except csv.Error as error:
        raise FileProblem(f"Line {reader.line_num} cannot be read as CSV ({error}). Check its quotes.") from None
    if not rows:
        raise FileProblem("The file has a header line but no rows to import.")
    return core.Table(columns, len(header), tuple(rows))


def _columns(header: list[str], kind: Kind) -> dict[str, core.Column]:
    """The columns of ``kind`` the header names, by key; a ``FileProblem`` naming any missing or doubled."""
    names = {squeezed(name): heading for heading in kind.headings for name in heading.names}
    columns: dict[str, core.Column] = {}
    for index, text in enumerate(header):
        heading = names.get(squeezed(text))
        if heading is None:
            continue
        if heading.key in columns:
            raise FileProblem(
                f"The columns '{columns[heading.key].heading}' and '{text.strip()}' both give the {heading.label}; keep one of them."
            )
        columns[heading.key] = core.Column(text.strip(), index)
    missing = [heading.label for heading in kind.headings if heading.key in kind.required and heading.key not in columns]
    if kind is STAFF and "name" not in columns and not {"first_name", "last_name"} <= set(columns):
        missing.insert(1, "Full Name (or First Name and Last Name)")
    if "name" in columns:  # a full name wins over its parts
        columns.pop("first_name", None)
        columns.pop("last_name", None)
    if missing:
        found = ", ".join(f"'{text.strip()}'" for text in header if text.strip())
        raise FileProblem(
            f"The file has no column for: {', '.join(missing)}. Line 1 names the columns {found}; "
            "rename them as listed on this page (case and spaces do not matter)."
        )
    return columns


def _chunks(values):
    values = sorted(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _column_values(table: core.Table, key: str) -> set[str]:
    index = table.columns[key].index
    return {row.fields[index].strip() for row in table.rows if len(row.fields) > index and row.fields[index].strip()}


# Staff lists ----------------------------------------------------------------------------------


def staff_facts(table: core.Table, trust: Trust) -> core.StaffFacts:
    """The trust's teams, and the people kept who share an assignment number or an email with the file."""
    numbers = _column_values(table, "assignment_number")
    emails = {email.lower() for email in _column_values(table, "email")}
    found: dict[int, Person] = {}
    for chunk in _chunks(numbers):
        found.update((p.id, p) for p in db.session.scalars(select(Person).where(Person.assignment_number.in_(chunk))))
    for chunk in _chunks(emails):
        found.update((p.id, p) for p in db.session.scalars(select(Person).where(func.lower(Person.email).in_(chunk))))
    people = tuple(
        core.KnownPerson(
            p.id, p.trust_id == trust.id, p.assignment_number, p.email, p.name, p.team_id, p.role_id, p.band, p.started_in_role
        )
        for p in sorted(found.values(), key=lambda p: p.id)
    )
    return core.StaffFacts(trust.name, {team.name: team.id for team in trust.teams}, people)


@dataclass(frozen=True)
class StaffSummary:
    """What importing a staff list did."""

    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return (
            f"{self.created} {'person' if self.created == 1 else 'people'} added, {self.updated} updated "
            f"and {self.unchanged} already up to date."
        )


def apply_staff(rows: tuple[core.StaffRow, ...], trust: Trust, account: Account | None) -> StaffSummary:
    """Add or change the people of clean staff list rows, each with an audit event naming ``account``."""
    created = updated = 0
    for row in rows:
        values = {
            "assignment_number": row.assignment_number,
            "name": row.name,
            "email": row.email,
            "team_id": row.team_id,
            "role_id": row.role_id,
            "band": row.band,
            "started_in_role": row.started_in_role,
        }
        if row.person_id is None:
            person = Person(trust_id=trust.id, **values)
            db.session.add(person)
            audit(account, "person_imported", person, person=person, assignment_number=row.assignment_number, line=row.line)
            created += 1
        elif row.changes:
            person = db.session.get(Person, row.person_id)
            changes = {name: [_plain_value(getattr(person, name)), _plain_value(values[name])] for name in row.changes}
            for name in row.changes:
                setattr(person, name, values[name])
            audit(account, "person_updated_by_import", person, person=person, line=row.line, changes=changes)
            updated += 1
    return StaffSummary(created, updated, len(rows) - created - updated)


def _plain_value(value):
    """A value as the audit trail keeps it (JSON): dates as ISO text."""
    return value.isoformat() if isinstance(value, date) else value


# Training completions --------------------------------------------------------------------------


def completion_facts(table: core.Table, trust: Trust) -> core.CompletionFacts:
    """The trust's people named in the file, by assignment number, and the training recorded for them."""
    people: dict[str, int] = {}
    for chunk in _chunks(_column_values(table, "assignment_number")):
        query = select(Person.assignment_number, Person.id).where(
            Person.trust_id == trust.id, Person.assignment_number.in_(chunk)
        )
        people.update(db.session.execute(query).all())
    recorded: set[tuple[int, str, date]] = set()
    for chunk in _chunks(people.values()):
        query = select(TrainingRecord.person_id, TrainingRecord.module_id, TrainingRecord.completed_on)
        recorded.update(tuple(row) for row in db.session.execute(query.where(TrainingRecord.person_id.in_(chunk))))
    return core.CompletionFacts(trust.name, people, frozenset(recorded))


@dataclass(frozen=True)
class CompletionSummary:
    """What importing training completions did."""

    records: int
    people: int
    proposed: int

    def __str__(self) -> str:
        return (
            f"{self.records} training record{'s' if self.records != 1 else ''} added for {self.people} "
            f"{'person' if self.people == 1 else 'people'}, proposing {self.proposed} new self-rating"
            f"{'s' if self.proposed != 1 else ''} for their managers to validate."
        )


def apply_completions(
    rows: tuple[core.CompletionRow, ...], framework: Framework, account: Account, file_name: str
) -> CompletionSummary:
    """Record clean completions rows as imported training, each proposing the levels its module raises."""
    proposed = 0
    for row in rows:
        person = db.session.get(Person, row.person_id)
        evidence = f"Imported from {file_name}, line {row.line}."
        completion = record_completion(
            framework, person, row.module_id, row.completed_on, row.hours, evidence, source="imported", recorded_by=account
        )
        proposed += len(completion.proposed)
    return CompletionSummary(len(rows), len({row.person_id for row in rows}), proposed)


# Both -------------------------------------------------------------------------------------------


def check_file(data: bytes, kind: Kind, trust: Trust, framework: Framework, today: date) -> core.Checked:
    """Read and check a file of ``kind`` for ``trust``: every row ready to apply, or every problem.

    Raises ``FileProblem`` when the file as a whole cannot be read.
    """
    table = read_table(data, kind)
    if kind is STAFF:
        return core.check_staff(table, staff_facts(table, trust), framework, today)
    return core.check_completions(table, completion_facts(table, trust), framework, today)


def apply(
    checked: core.Checked, kind: Kind, trust: Trust, framework: Framework, account: Account | None, file_name: str
) -> StaffSummary | CompletionSummary:
    """Apply the rows of a clean file to the session (the caller commits)."""
    if kind is STAFF:
        return apply_staff(checked.rows, trust, account)
    return apply_completions(checked.rows, framework, account, file_name)
