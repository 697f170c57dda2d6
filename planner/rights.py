"""People's data rights: subject access (everything held about a person, as JSON and a PDF),
restriction, erasure, and removing what is past each trust's retention period.

What counts as held about a person is found from the tables themselves: every row of a table
whose foreign key to ``people`` names them as its subject (``SUBJECT_COLUMNS``), audit events about
them or made by their account, and their account without its secrets. Rows where they only acted
on someone else (a rating they gave, a check-in they recorded) are listed by table and id, without
the other person's data. ``SECTIONS`` gives every such table its heading; a test fails when a new
table points at people or accounts without one.

Nothing here commits: the CLI command or the view calling these functions does.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle
from sqlalchemy import Table as SqlTable
from sqlalchemy import and_, delete, false, func, or_, select

from planner.core.tna import add_months
from planner.db import db
from planner.models import Account, AuditEvent, audit, MentorOffer, MentorRequest, Person, PrintJob, QuizResult, SecondmentInterest, Team, Trust
from planner.models.records import rewriting_audit_trail
from planner.pdf import COLOURS, PARAGRAPHS, STYLES, simple_a4

SECTIONS = {
    # table: heading in the export. Every table with a foreign key to people or accounts is here.
    "people": "Personal details",
    "accounts": "Account",
    "team_managers": "Teams managed",
    "ratings": "Ratings",
    "plans": "Development plans",
    "checkins": "Check-ins",
    "training_records": "Training records",
    "professional_qualifications": "Professional qualifications",
    "quiz_results": "Saved quiz results",
    "mentor_offers": "Mentoring offered",
    "mentor_requests": "Mentoring requests",
    "secondment_opportunities": "Secondments posted",
    "secondment_interests": "Interest in secondments",
    "secondments": "Secondments confirmed",
    "print_jobs": "Print jobs started",
    "needs_summaries": "Training needs (summary)",
    "person_needs": "Training needs (gaps)",
    "person_modules": "Training needs (modules)",
    "audit_events": "Audit trail",
}

SUBJECT_COLUMNS = {"person_id", "seeker_id", "mentor_id"}
"""Foreign keys to people that name the person a row is about (others name who acted)."""

SECRET_COLUMNS = {("accounts", "password_hash"), ("accounts", "session_version")}
"""Columns never exported: they protect the account rather than describe the person."""

KEPT_ON_ERASURE = {"people", "accounts", "audit_events", "secondment_opportunities", "print_jobs"}
"""Tables whose rows about an erased person stay (pseudonymised or scrubbed); rows about them in
every other table are deleted."""

ERASED_TEXT = "[erased]"


class RightsError(ValueError):
    """A data-rights request that cannot be carried out as asked; the message says what to fix."""


def referencing_columns(table: SqlTable) -> list[tuple[str, str]]:
    """The columns of ``table`` that point at people or accounts, as (column, "people"/"accounts")."""
    return [
        (key.parent.name, key.column.table.name)
        for key in table.foreign_keys
        if key.column.table.name in ("people", "accounts")
    ]


def tables_holding_people() -> list[SqlTable]:
    """Every table that refers to people or accounts, plus those two tables."""
    return [t for t in db.metadata.sorted_tables if t.name in ("people", "accounts") or referencing_columns(t)]


def _plain(value):
    """A column value as JSON: dates and times in ISO form."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _row(table: SqlTable, row) -> dict:
    return {k: _plain(v) for k, v in row._mapping.items() if (table.name, k) not in SECRET_COLUMNS}


def _conditions(table: SqlTable, person: Person) -> tuple[list, list[tuple[str, object]]]:
    """Conditions selecting the rows about ``person``, and the columns naming them as an actor."""
    account_id = person.account.id if person.account is not None else None
    about, acting = [], []
    if table.name == "people":
        about.append(table.c.id == person.id)
    for column, target in referencing_columns(table):
        ident = person.id if target == "people" else account_id
        if ident is None:
            continue
        subject = column in SUBJECT_COLUMNS or (table.name == "audit_events" and column == "account_id")
        if subject or (table.name == "accounts" and column == "person_id"):
            about.append(table.c[column] == ident)
        else:
            acting.append((column, ident))
    return about, acting


def subject_access(person: Person, now: datetime) -> dict:
    """Everything planner holds about ``person``: a section per table with the rows about them,
    and the rows elsewhere that only record them acting (by table, id and column)."""
    sections, acted = {}, {}
    for table in tables_holding_people():
        about, acting = _conditions(table, person)
        if about:
            rows = db.session.execute(select(table).where(or_(*about))).all()
            sections[table.name] = [_row(table, row) for row in rows]
        for column, ident in acting:
            key = list(table.primary_key.columns)[0]
            # Rows about them are in their section already, whoever made them.
            query = select(key).where(table.c[column] == ident, *([~or_(*about)] if about else []))
            ids = db.session.scalars(query.order_by(key))
            found = [{"id": ident_, "as": column} for ident_ in ids]
            if found:
                acted.setdefault(table.name, []).extend(found)
    ordered = {name: sections[name] for name in SECTIONS if name in sections}
    ordered.update({name: rows for name, rows in sections.items() if name not in ordered})
    return {
        "exported_at": now.isoformat(),
        "person_id": person.id,
        "name": person.name,
        "sections": ordered,
        "recorded_by_them": acted,
    }


def export_json(data: dict) -> str:
    """The subject access export as JSON text."""
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)


def render_subject_access(data: dict, *, invariant: bool = False) -> bytes:
    """The subject access export as a readable A4 PDF: a heading per section, a small table per row.
    ``invariant`` leaves out the creation time and random file id (for tests)."""
    return simple_a4(
        _story(data), title=f"Data held about {data['name']}", author="planner", subject="Subject access export", invariant=invariant
    )


def _story(data: dict) -> list:
    story = [
        Paragraph(escape(f"Data held about {data['name']}"), PARAGRAPHS["title"]),
        Paragraph(escape(f"Person {data['person_id']}, exported {data['exported_at']} (UTC)"), PARAGRAPHS["subtitle"]),
    ]
    for name, rows in data["sections"].items():
        story.append(Paragraph(escape(f"{SECTIONS.get(name, name)} ({len(rows)})"), PARAGRAPHS["h2"]))
        if not rows:
            story.append(Paragraph("Nothing held.", PARAGRAPHS["body"]))
        story += [_row_table(row) for row in rows]
    if data["recorded_by_them"]:
        story.append(Paragraph("Recorded by them about others", PARAGRAPHS["h2"]))
        story.append(Paragraph("Rows where they acted on someone else's record, by table and id.", PARAGRAPHS["body"]))
        for name, refs in data["recorded_by_them"].items():
            words = ", ".join(f"{ref['id']} ({ref['as']})" for ref in refs)
            story.append(Paragraph(escape(f"{SECTIONS.get(name, name)}: {words}"), PARAGRAPHS["body"]))
    return story


def _row_table(row: dict) -> Table:
    cells = [
        [Paragraph(escape(key), PARAGRAPHS["key"]), Paragraph(escape(_words(value)), PARAGRAPHS["value"])]
        for key, value in row.items()
    ]
    table = Table(cells, colWidths=[48 * mm, None], hAlign="LEFT", spaceAfter=6)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), STYLES["table"]["grid"], COLOURS["rule"]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), COLOURS["pale_grey"]),
    ]))
    return table


def _words(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# Restriction and erasure --------------------------------------------------------------------


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RightsError("Give the reason, as the request or decision recorded it.")
    return reason


def restrict(person: Person, reason: str, now: datetime) -> None:
    """Restrict processing of ``person``'s record: kept and readable, but nothing in it may change."""
    if person.erased_at is not None:
        raise RightsError("This person's record has been erased; there is nothing left to restrict.")
    person.restricted_at, person.restriction_reason = now, _reason(reason)


def lift_restriction(person: Person) -> None:
    """Let ``person``'s record be changed again."""
    person.restricted_at, person.restriction_reason = None, None


def identifiers(person: Person) -> list[str]:
    """What identifies ``person`` in text: name, emails and assignment number."""
    found = [person.name, person.email, person.assignment_number]
    if person.account is not None:
        found.append(person.account.email)
    return sorted({value for value in found if value}, key=len, reverse=True)


def scrub(value, words: list[str]):
    """``value`` (JSON) with each of ``words`` (in any case) replaced by "[erased]" in every string."""
    if isinstance(value, dict):
        return {scrub(k, words): scrub(v, words) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, words) for v in value]
    if isinstance(value, str):
        for word in words:
            value = re.sub(re.escape(word), ERASED_TEXT, value, flags=re.IGNORECASE)
    return value


@dataclass(frozen=True)
class Erasure:
    """What erasing a person did: their pseudonym and the rows deleted from each table."""

    pseudonym: str
    deleted: dict[str, int]
    audit_events_scrubbed: int


def erase(person: Person, reason: str, confirmation: str, now: datetime) -> Erasure:
    """Erase ``person``: delete every row about them (ratings, plans, check-ins, training,
    qualifications, quiz results, mentoring, secondment interest and places, stored needs, teams
    managed), replace their name and emails with a pseudonym, drop their assignment number, close
    their account, and scrub their identifiers from every audit event. Audit events stay, pointing
    at the pseudonymised record. ``confirmation`` must be their name, typed."""
    reason = _reason(reason)
    if person.erased_at is not None:
        raise RightsError("This person's record has already been erased.")
    if confirmation.strip() != person.name:
        raise RightsError(f"Type the person's name exactly as shown ({person.name}) to confirm the erasure.")
    words = identifiers(person)
    deleted = {}
    for table in reversed(tables_holding_people()):
        if table.name in KEPT_ON_ERASURE:
            continue
        about, _ = _conditions(table, person)
        count = db.session.execute(delete(table).where(or_(false(), *about))).rowcount
        if count:
            deleted[table.name] = count
    pseudonym = f"Erased person {secrets.token_hex(3)}"
    person.name, person.email, person.assignment_number = pseudonym, f"erased-{person.id}@erased.invalid", None
    person.target_role_id, person.mentor_opt_in, person.shares_tasks, person.line_manager_id = None, False, False, None
    person.erased_at, person.erasure_reason = now, scrub(reason, words)
    person.restricted_at, person.restriction_reason = None, None
    if person.account is not None:
        account = person.account
        account.email, account.active, account.roles = f"erased-{account.id}@erased.invalid", False, ("staff",)
        account.password_hash = "!erased"
        account.session_version += 1
    scrubbed = _scrub_audit_trail(words)
    db.session.flush()
    return Erasure(pseudonym, deleted, scrubbed)


def _scrub_audit_trail(words: list[str]) -> int:
    """Replace ``words`` in every audit event's detail (keys and values); how many events held one."""
    matches = [func.lower(func.cast(AuditEvent.detail, db.String)).contains(json.dumps(w.lower())[1:-1], autoescape=True) for w in words]
    with rewriting_audit_trail():
        found = list(db.session.scalars(select(AuditEvent).where(or_(*matches))))
        for event in found:
            event.detail = scrub(event.detail, words)
    return len(found)


# Retention ----------------------------------------------------------------------------------


def _trust_of_person(person_id_column):
    return select(Person.trust_id).where(Person.id == person_id_column).scalar_subquery()


def past_retention(trust: Trust, now: datetime) -> dict[str, list[int]]:
    """The ids of the rows of ``trust`` past its retention period, by table. Past retention means
    older than ``trust.retention_months`` by: an audit event's time (events about a person of the
    trust, or else made by an account of one); a saved quiz result's time; a print job's end (done
    or failed); a mentoring request's decision (declined or withdrawn); the withdrawal of a mentoring
    offer or of interest in a secondment. Everything else stays as long as the person's record."""
    cutoff = datetime.combine(add_months(now.date(), -trust.retention_months), now.time())
    account_trust = select(Person.trust_id).join(Account, Account.person_id == Person.id).where(Account.id == AuditEvent.account_id).scalar_subquery()
    queries = {
        "audit_events": select(AuditEvent.id).where(
            AuditEvent.at < cutoff,
            or_(
                _trust_of_person(AuditEvent.person_id) == trust.id,
                and_(AuditEvent.person_id.is_(None), account_trust == trust.id),
            ),
        ),
        "quiz_results": select(QuizResult.id).where(QuizResult.taken_at < cutoff, _trust_of_person(QuizResult.person_id) == trust.id),
        "print_jobs": select(PrintJob.id).where(
            PrintJob.status.in_(("done", "failed")),
            PrintJob.finished_at < cutoff,
            or_(PrintJob.trust_id == trust.id, PrintJob.team_id.in_(select(Team.id).where(Team.trust_id == trust.id))),
        ),
        "mentor_requests": select(MentorRequest.id).where(
            MentorRequest.status.in_(("declined", "withdrawn")),
            MentorRequest.decided_at < cutoff,
            _trust_of_person(MentorRequest.seeker_id) == trust.id,
        ),
        "mentor_offers": select(MentorOffer.id).where(MentorOffer.withdrawn_at < cutoff, _trust_of_person(MentorOffer.person_id) == trust.id),
        "secondment_interests": select(SecondmentInterest.id).where(
            SecondmentInterest.withdrawn_at < cutoff, _trust_of_person(SecondmentInterest.person_id) == trust.id
        ),
    }
    return {name: list(db.session.scalars(query.order_by(query.selected_columns[0]))) for name, query in queries.items()}


PURGED = {
    "audit_events": AuditEvent,
    "quiz_results": QuizResult,
    "print_jobs": PrintJob,
    "mentor_requests": MentorRequest,
    "mentor_offers": MentorOffer,
    "secondment_interests": SecondmentInterest,
}


def purge(now: datetime, *, dry_run: bool = False) -> dict[str, dict[str, int]]:
    """Remove what is past retention in every trust (nothing when ``dry_run``), with an audit event
    for each trust that lost rows; the counts by trust name and table, tables with nothing to
    remove left out."""
    report = {}
    for trust in db.session.scalars(select(Trust).order_by(Trust.name)):
        found = {name: ids for name, ids in past_retention(trust, now).items() if ids}
        report[trust.name] = {name: len(ids) for name, ids in found.items()}
        if dry_run or not found:
            continue
        with rewriting_audit_trail():
            for name, ids in found.items():
                model = PURGED[name]
                db.session.execute(delete(model).where(model.id.in_(ids)))
        audit(None, "retention_purge", trust, retention_months=trust.retention_months, removed=report[trust.name])
    return report


def set_retention(trust: Trust, months: int) -> None:
    """Keep ``trust``'s data past its use for ``months`` (12 to 240)."""
    if not 12 <= months <= 240:
        raise RightsError("Enter a retention period from 12 to 240 months.")
    trust.retention_months = months


__all__ = [
    "SECTIONS", "Erasure", "RightsError", "erase", "export_json", "lift_restriction", "past_retention",
    "purge", "render_subject_access", "restrict", "set_retention", "subject_access",
]
