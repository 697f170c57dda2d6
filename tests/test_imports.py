"""Importing ESR-style files: reading them, importing all rows or none, updating on a second import,
completions as training records, and the ``planner import-staff`` / ``import-completions`` commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

import planner.imports
from planner import create_app
from planner.cli import cli
from planner.core.imports import RawRow
from planner.db import db
from planner.imports import COMPLETIONS, STAFF, FileProblem, apply, check_file, read_table
from planner.models import AuditEvent, Person, Rating, TrainingRecord, Trust
from tests.web.conftest import SMALL, build_world

DATA = Path(__file__).resolve().parent / "data"
STAFF_FILE = DATA / "esr_staff.csv"
COMPLETIONS_FILE = DATA / "esr_completions.csv"
TODAY = date(2026, 11, 26)
HEADER = "Assignment Number,Full Name,Email Address,Organisation,Position Title,Pay Band,Start Date\n"


@pytest.fixture
def small(database_url):
    """An app on the small framework with the test world's trusts, teams and people."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": database_url, "PLANNER_FRAMEWORK": str(SMALL)})
    with app.app_context():
        db.create_all()
        world = build_world(app.extensions["planner_framework"])
    app.world = world
    yield app
    with app.app_context():
        db.engine.dispose()


def counts() -> dict[str, int]:
    """People, audit events, training records and ratings kept: what an import may change."""
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Person, AuditEvent, TrainingRecord, Rating)
    }


def import_file(app, data: bytes, kind=STAFF, trust="A", account=None, name="file.csv"):
    """Check and import ``data`` as the web page and the command do; the check and what importing did."""
    framework = app.extensions["planner_framework"]
    trust_row = db.session.get(Trust, app.world.trust[trust])
    checked = check_file(data, kind, trust_row, framework, TODAY)
    if checked.problems:
        db.session.rollback()
        return checked, None
    summary = apply(checked, kind, trust_row, framework, account, name)
    db.session.commit()
    return checked, summary


# Reading the file ------------------------------------------------------------------------------


def test_the_sample_staff_file_is_read_with_its_bom_crlf_and_esr_headings():
    table = read_table(STAFF_FILE.read_bytes(), STAFF)
    assert set(table.columns) == {"assignment_number", "first_name", "last_name", "email", "organisation", "position_title", "band", "start_date"}
    assert table.columns["assignment_number"].heading == "Assignment Number"  # not "\ufeffAssignment…"
    assert table.width == 10 and len(table.rows) == 30
    assert table.rows[0] == RawRow(2, ("20000", "31000100", "Aled", "Evans", "aled.evans@trust-a.nhs.example", "Team A1", "Rota Coordinator", "Band 4", "01/01/2020", "Permanent"))


@pytest.mark.parametrize("heading", ["Assignment Number", "ASSIGNMENT NO.", "assignment_number", "  assignment   number ", "Assignment"])
def test_headings_are_matched_without_regard_to_case_spaces_or_punctuation(heading):
    text = f"{heading},Name,E-mail Address,Team,Job Title,Band,Date started in role\n1,A,a@b.cd,T,R,4,01/01/2025\n"
    assert set(read_table(text.encode(), STAFF).columns) == {"assignment_number", "name", "email", "organisation", "position_title", "band", "start_date"}


def test_a_full_name_wins_over_first_and_last_names():
    text = HEADER.strip() + ",First Name,Last Name\n" + "1,A B,a@b.cd,T,R,4,01/01/2025,A,B\n"
    assert "first_name" not in read_table(text.encode(), STAFF).columns


def test_blank_rows_are_left_out_and_every_row_keeps_its_own_line():
    text = 'Assignment Number,Course,Completion Date,Hours\n\n1,"T01",01/01/2026,3\n,,,\n2,"Rota\ndesign",01/01/2026,3\n3,T02,01/01/2026,3\n'
    table = read_table(text.encode(), COMPLETIONS)
    assert [row.line for row in table.rows] == [3, 5, 7]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty: line 1 should name the columns."),
        (b" , \n1,2\n", "The file is empty: line 1 should name the columns."),
        (HEADER.encode(), "The file has a header line but no rows to import."),
        ("Name,Email\n".encode("utf-16"), "The file is not UTF-8 text (byte 1 cannot be read)."),
        (b"PK\x03\x04\x00\x00", "The file holds NUL characters, so it is not a CSV file."),
        (
            b"Full Name,Email,Organisation\nA,b@c.de,T\n",
            "The file has no column for: Assignment Number, Position Title, Pay Band, Assignment Start Date. "
            "Line 1 names the columns 'Full Name', 'Email', 'Organisation'",
        ),
        (b"Email,Email Address\n", "The columns 'Email' and 'Email Address' both give the Email Address; keep one of them."),
        (b"x" * (1024 * 1024 + 1), "The file is larger than 1 MB, the most one import takes. Split it into smaller files."),
        (HEADER.encode() + b'1,"' + b"x" * 200_000 + b'",a@b.cd,T,R,4,01/01/2025\n', "Line 2 cannot be read as CSV"),
    ],
)
def test_a_file_that_cannot_be_imported_is_reported_once(data, message):
    with pytest.raises(FileProblem) as raised:
        read_table(data, STAFF)
    assert message in str(raised.value)


def test_a_file_with_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr(planner.imports, "MAX_ROWS", 3)
    rows = "".join(f"{n},A,a{n}@b.cd,T,R,4,01/01/2025\n" for n in range(4))
    with pytest.raises(FileProblem, match="The file has more than 3 rows; split it into smaller files."):
        read_table((HEADER + rows).encode(), STAFF)
    assert len(read_table((HEADER + rows[: rows.index("3,")]).encode(), STAFF).rows) == 3


@pytest.mark.parametrize(("count", "text"), [(512, "1 KB"), (640 * 1024, "640 KB"), (1024 * 1024, "1 MB"), (3 * 1024 * 1024 // 2, "1.5 MB")])
def test_sizes_in_words(count, text):
    assert planner.imports.size(count) == text


# Staff lists -----------------------------------------------------------------------------------


def test_a_clean_staff_file_of_thirty_creates_them_all(small):
    with small.app_context():
        before = counts()
        checked, summary = import_file(small, STAFF_FILE.read_bytes())
        assert (summary.created, summary.updated, summary.unchanged) == (30, 0, 0)
        assert str(summary) == "30 people added, 0 updated and 0 already up to date."
        after = counts()
        assert after["Person"] - before["Person"] == 30
        assert after["AuditEvent"] - before["AuditEvent"] == 30
        aled = db.session.scalar(select(Person).where(Person.assignment_number == "31000100"))
        assert (aled.name, aled.email, aled.role_id, aled.band, aled.started_in_role) == (
            "Aled Evans", "aled.evans@trust-a.nhs.example", "rota", "4", date(2020, 1, 1)
        )
        assert aled.team.name == "Team A1" and aled.trust_id == small.world.trust["A"]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.person_id == aled.id))
        assert (event.action, event.account_id, event.detail) == ("person_imported", None, {"assignment_number": "31000100", "line": 2})


def test_one_bad_row_among_thirty_imports_none(small):
    lines = STAFF_FILE.read_bytes().decode("utf-8-sig").splitlines(keepends=True)
    lines[16] = lines[16].replace("Band 5", "Band 9z").replace("Band 3", "Band 9z").replace("Band 4", "Band 9z")
    with small.app_context():
        before = counts()
        checked, summary = import_file(small, "".join(lines).encode())
        assert summary is None and checked.rows == ()
        assert [(p.line, p.column, p.value) for p in checked.problems] == [(17, "Pay Band", "Band 9z")]
        assert counts() == before


def test_importing_again_updates_the_people_whose_details_changed(small):
    text = STAFF_FILE.read_bytes().decode("utf-8-sig")
    with small.app_context():
        import_file(small, text.encode())
        changed = text.replace("31000101,Bethan,Morgan,bethan.morgan@trust-a.nhs.example,Team A2,Administrator,Band 3,02/02/2021",
                               "31000101,Bethan,Morgan-Hale,bethan.morgan@trust-a.nhs.example,Team A1,Rota Coordinator,Band 4,01/10/2026")
        before = counts()
        _, summary = import_file(small, changed.encode(), account=None)
        assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 29)
        assert counts()["AuditEvent"] - before["AuditEvent"] == 1
        bethan = db.session.scalar(select(Person).where(Person.assignment_number == "31000101"))
        assert (bethan.name, bethan.team.name, bethan.role_id, bethan.band, bethan.started_in_role) == (
            "Bethan Morgan-Hale", "Team A1", "rota", "4", date(2026, 10, 1)
        )
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person_updated_by_import"))
        assert event.detail["changes"] == {
            "name": ["Bethan Morgan", "Bethan Morgan-Hale"],
            "team_id": [small.world.team["A2"], small.world.team["A1"]],
            "role_id": ["admin", "rota"],
            "band": ["3", "4"],
            "started_in_role": ["2021-02-02", "2026-10-01"],
        }


def test_someone_already_kept_without_an_assignment_number_is_found_by_email(small):
    world = small.world
    text = HEADER + f"9001,Staff,{world.email('staff')},Team A1,Rota Coordinator,4,01/03/2025\n"
    with small.app_context():
        _, summary = import_file(small, text.encode())
        assert (summary.created, summary.updated) == (0, 1)
        assert db.session.get(Person, world.person["staff"]).assignment_number == "9001"


def test_an_email_or_assignment_number_of_another_trust_is_refused(small):
    world = small.world
    with small.app_context():
        db.session.get(Person, world.person["other_trust"]).assignment_number = "8001"
        db.session.commit()
        text = HEADER + f"9001,X,{world.email('other_trust')},Team A1,Rota Coordinator,4,01/03/2025\n8001,Y,y@nhs.example,Team A1,Rota Coordinator,4,01/03/2025\n"
        checked, _ = import_file(small, text.encode())
        assert [(p.line, p.column) for p in checked.problems] == [(2, "Email Address"), (3, "Assignment Number")]


# Completions -----------------------------------------------------------------------------------


def test_completions_become_imported_training_records_proposing_self_ratings(small):
    world = small.world
    with small.app_context():
        import_file(small, STAFF_FILE.read_bytes())
        before = counts()
        account = db.session.get(Person, world.person["trust_admin"]).account
        _, summary = import_file(small, COMPLETIONS_FILE.read_bytes(), kind=COMPLETIONS, account=account, name="olm.csv")
        assert (summary.records, summary.people, summary.proposed) == (5, 4, 5)
        after = counts()
        assert after["TrainingRecord"] - before["TrainingRecord"] == 5
        assert after["Rating"] - before["Rating"] == 5
        aled = db.session.scalar(select(Person).where(Person.assignment_number == "31000100"))
        records = db.session.scalars(select(TrainingRecord).where(TrainingRecord.person_id == aled.id).order_by(TrainingRecord.completed_on)).all()
        assert [(r.module_id, r.completed_on, r.hours, r.source, r.recorded_by_id) for r in records] == [
            ("T01", date(2026, 1, 14), 6.0, "imported", account.id),
            ("T02", date(2026, 2, 3), 7.0, "imported", account.id),
        ]
        ratings = db.session.scalars(select(Rating).where(Rating.person_id == aled.id)).all()
        assert sorted((r.competency_id, r.level, r.rater, r.rated_by_id) for r in ratings) == [("ROT-01", 3, "self", aled.id), ("ROT-02", 3, "self", aled.id)]
        # The same file again: every row is already recorded, so nothing more is.
        again, summary = import_file(small, COMPLETIONS_FILE.read_bytes(), kind=COMPLETIONS, account=account)
        assert summary is None and len(again.problems) == 5
        assert {p.reason.split(")")[1] for p in again.problems} == {" is already recorded; remove the row"}
        assert counts() == after


def test_completions_for_people_of_another_trust_are_unknown(small):
    world = small.world
    with small.app_context():
        db.session.get(Person, world.person["other_trust"]).assignment_number = "8001"
        db.session.commit()
        text = "Assignment Number,Course,Completion Date,Hours\n8001,T01,01/03/2026,6\n"
        checked, _ = import_file(small, text.encode(), kind=COMPLETIONS)
        assert checked.problems[0].reason.startswith("no one in Trust A has assignment number 8001")


# The commands ----------------------------------------------------------------------------------


def run(app, *args):
    result = app.test_cli_runner().invoke(cli, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result


def test_the_staff_command_checks_then_imports(small):
    trust = str(small.world.trust["A"])
    dry = run(small, "import-staff", str(STAFF_FILE), "--trust", trust, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output == "30 rows are ready to import into Trust A; nothing was imported (dry run).\n"
    with small.app_context():
        assert db.session.scalar(select(func.count()).select_from(Person).where(Person.assignment_number.is_not(None))) == 0
    done = run(small, "import-staff", str(STAFF_FILE), "--trust", trust)
    assert done.exit_code == 0
    assert done.output == f"Imported {STAFF_FILE} into Trust A: 30 people added, 0 updated and 0 already up to date.\n"


def test_the_staff_command_lists_every_bad_row_and_imports_nothing(small, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "1,A,not-an-email,Team A1,Rota Coordinator,4,01/03/2025\n2,B,b@nhs.example,Team A1,Chief,4\n")
    with small.app_context():
        before = counts()
    result = run(small, "import-staff", str(bad), "--trust", str(small.world.trust["A"]))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{bad}:2: Email Address: this is not an email address; write it like jo.bloggs@nhs.net",
        f"{bad}:3: the whole row: the line has 6 fields but the header has 7; check for a missing or extra comma (text holding a comma must be in double quotes)",
        "2 problem(s) found; nothing was imported.",
    ]
    with small.app_context():
        assert counts() == before


def test_the_commands_refuse_a_file_they_cannot_read_an_unknown_trust_or_account(small, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = run(small, "import-staff", str(empty), "--trust", str(small.world.trust["A"]))
    assert (result.exit_code, result.stderr) == (2, f"{empty}: The file is empty: line 1 should name the columns.\nNothing was imported.\n")
    result = run(small, "import-staff", str(STAFF_FILE), "--trust", "999")
    assert (result.exit_code, result.stderr) == (2, "Error: there is no trust with id 999.\n")
    result = run(small, "import-completions", str(COMPLETIONS_FILE), "--trust", "1", "--recorded-by", "nobody@nhs.example")
    assert result.exit_code == 2 and "no account has the email address nobody@nhs.example" in result.stderr


def test_the_completions_command_records_as_the_account_named(small):
    trust = str(small.world.trust["A"])
    assert run(small, "import-staff", str(STAFF_FILE), "--trust", trust).exit_code == 0
    result = run(small, "import-completions", str(COMPLETIONS_FILE), "--trust", trust, "--recorded-by", small.world.email("trust_admin").upper())
    assert result.exit_code == 0, result.stderr
    assert result.output == (
        f"Imported {COMPLETIONS_FILE} into Trust A: 5 training records added for 4 people, "
        "proposing 5 new self-ratings for their managers to validate.\n"
    )
    with small.app_context():
        evidence = db.session.scalars(select(TrainingRecord.evidence).order_by(TrainingRecord.id)).first()
        assert evidence == "Imported from esr_completions.csv, line 2."
        accounts = set(db.session.scalars(select(AuditEvent.account_id).where(AuditEvent.action == "training_record")))
        assert accounts == {small.world.account["trust_admin"]}


def test_the_commands_say_when_the_database_has_no_tables(database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": database_url, "PLANNER_FRAMEWORK": str(SMALL)})
    result = run(app, "import-staff", str(STAFF_FILE), "--trust", "1")
    assert result.exit_code == 1 and "run 'planner db upgrade' first" in result.stderr
    with app.app_context():
        db.engine.dispose()
