"""The import page: checking a file imports nothing; importing takes every row or none; who may import where."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import planner.web.imports
from planner.db import db
from planner.models import AuditEvent, Person, Rating, TrainingRecord
from tests.web.conftest import row_counts, sign_in

HEADER = "Assignment Number,Full Name,Email Address,Organisation,Position Title,Pay Band,Assignment Start Date\n"
CLEAN = HEADER + (
    "5001,Nia Hughes,nia.hughes@nhs.example,Team A1,Rota Coordinator,Band 4,01/02/2025\n"
    "5002,Owen Price,owen.price@nhs.example,team a2,admin,3,2024-09-30\n"
)
DIRTY = CLEAN + "5003,Pat Rowe,not-an-email,Team Z,Rota Coordinator,Band 9z,31/02/2025\n"


def upload(client, text: str, *, kind: str = "staff", action: str = "check", name: str = "staff.csv", **fields):
    """Post ``text`` as a CSV file to the import page."""
    data = {"kind": kind, "action": action, "file": (io.BytesIO(text.encode()), name), **fields}
    return client.post("/imports", data=data, content_type="multipart/form-data")


@pytest.fixture
def trust_admin(web_client, world):
    sign_in(web_client, world, "trust_admin")
    return web_client


def test_the_page_explains_the_columns_and_asks_for_a_file(trust_admin):
    body = trust_admin.get("/imports").get_data(as_text=True)
    assert "<h1>Import from ESR</h1>" in body
    assert "get no sign-in account" in body
    assert "Assignment Start Date" in body and "Completion Date" in body
    assert 'type="file"' in body and 'enctype="multipart/form-data"' in body
    assert "Check the file" in body and ">\n  Import\n</button>" in body or "Import</button>" in body
    assert "Which trust is the file for?" not in body  # a trust admin imports into their own trust


def test_the_trust_admin_home_links_to_the_import_page(trust_admin, world):
    body = trust_admin.get(f"/people/{world.person['trust_admin']}").get_data(as_text=True)
    assert 'href="/imports"' in body


def test_a_dry_run_of_a_clean_file_says_how_many_rows_are_ready_and_imports_nothing(web_app, trust_admin):
    before = row_counts(web_app)
    response = upload(trust_admin, CLEAN)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 rows are ready to import into Trust A; nothing has been imported yet." in body
    assert "That is 2 people to add, 0 to update and 0 already up to date." in body
    assert row_counts(web_app) == before


def test_a_dry_run_lists_every_bad_row_with_its_line_column_and_reason(web_app, trust_admin):
    before = row_counts(web_app)
    response = upload(trust_admin, DIRTY)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: Import from ESR" in body
    assert "4 problems in staff.csv: nothing has been imported" in body
    for column, reason in (
        ("Email Address", "This is not an email address"),
        ("Organisation", "&#39;Team Z&#39; is not a team of Trust A; use one of: Team A1, Team A2"),
        ("Pay Band", "&#39;Band 9z&#39; is not an Agenda for Change band; use one of 3, 4, 5"),
        ("Assignment Start Date", "&#39;31/02/2025&#39; is not a date"),
    ):
        assert column in body and reason in body
    assert body.count("</span>4</td>") == 4  # each on line 4
    assert row_counts(web_app) == before


def test_import_of_a_clean_file_adds_everyone_at_once(web_app, trust_admin, world):
    response = upload(trust_admin, CLEAN, action="import")
    assert response.status_code == 302
    body = trust_admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported staff.csv into Trust A: 2 people added, 0 updated and 0 already up to date." in body
    with web_app.app_context():
        nia = db.session.scalar(select(Person).where(Person.assignment_number == "5001"))
        assert (nia.name, nia.team_id, nia.role_id, nia.band, nia.trust_id) == ("Nia Hughes", world.team["A1"], "rota", "4", world.trust["A"])
        assert nia.account is None and nia.protected_hours == 4
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person_imported")).all()
        assert {e.account_id for e in events} == {world.account["trust_admin"]} and len(events) == 2


def test_import_of_a_file_with_a_bad_row_imports_nothing(web_app, trust_admin):
    before = row_counts(web_app)
    response = upload(trust_admin, DIRTY, action="import")
    assert response.status_code == 400
    assert "Nothing has been imported into Trust A." in response.get_data(as_text=True)
    assert row_counts(web_app) == before


def test_a_file_that_cannot_be_read_is_reported_once_on_the_file_field(web_app, trust_admin):
    before = row_counts(web_app)
    response = upload(trust_admin, "Employee,Email\nA,b@c.d\n")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The file has no column for: Assignment Number, Full Name (or First Name and Last Name)" in body
    assert 'href="#file"' in body and "nhsuk-error-message" in body
    assert row_counts(web_app) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "staff", "action": "check"}, "Choose the CSV file to check or import"),
        ({"action": "check", "file": (io.BytesIO(CLEAN.encode()), "x.csv")}, "Choose what the file holds"),
        ({"kind": "nonsense", "action": "check", "file": (io.BytesIO(CLEAN.encode()), "x.csv")}, "Choose what the file holds"),
    ],
)
def test_the_form_says_what_is_missing(trust_admin, data, message):
    response = trust_admin.post("/imports", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_an_upload_larger_than_the_app_takes_is_refused_with_a_clear_message(web_app, trust_admin):
    web_app.config["MAX_CONTENT_LENGTH"] = 2048
    response = upload(trust_admin, CLEAN + "x" * 4096)
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "The file is larger than 2 KB, the most that can be uploaded." in body and "<h1>Import from ESR</h1>" in body


def test_an_upload_too_large_from_someone_who_may_not_import_shows_only_the_general_refusal(web_app, web_client, world):
    web_app.config["MAX_CONTENT_LENGTH"] = 2048
    sign_in(web_client, world, "staff")
    response = upload(web_client, CLEAN + "x" * 4096)
    # Refused for the account's roles before the upload is read (planner.web.permissions).
    assert response.status_code == 403
    assert "Import from ESR" not in response.get_data(as_text=True)


def test_an_admin_chooses_the_trust(web_app, web_client, world):
    sign_in(web_client, world, "admin")
    body = web_client.get("/imports").get_data(as_text=True)
    assert "Which trust is the file for?" in body and "Trust A" in body and "Trust B" in body
    text = HEADER + "6001,Quinn Hale,quinn@nhs.example,Team B1,Rota Lead,5,01/01/2025\n"
    assert upload(web_client, text, trust="").status_code == 400
    response = upload(web_client, text, action="import", trust=str(world.trust["B"]))
    assert response.status_code == 302
    with web_app.app_context():
        quinn = db.session.scalar(select(Person).where(Person.assignment_number == "6001"))
        assert (quinn.trust_id, quinn.team_id) == (world.trust["B"], world.team["B1"])


def test_a_trust_admin_cannot_import_into_another_trust(web_app, trust_admin, world):
    before = row_counts(web_app)
    text = HEADER + "6001,Quinn Hale,quinn@nhs.example,Team B1,Rota Lead,5,01/01/2025\n"
    response = upload(trust_admin, text, action="import", trust=str(world.trust["B"]))
    assert response.status_code == 400
    assert "not a team of Trust A" in response.get_data(as_text=True)
    assert row_counts(web_app) == before


def test_completions_are_recorded_as_imported_training_proposing_self_ratings(web_app, trust_admin, world):
    with web_app.app_context():
        db.session.get(Person, world.person["staff"]).assignment_number = "7001"
        db.session.commit()
    text = "Assignment Number,Course,Completion Date,Hours\n7001,T01,01/03/2026,6\n7001,Rota design workshop,02/03/2026,7.5\n"
    response = upload(trust_admin, text, kind="completions", action="import", name="olm.csv")
    assert response.status_code == 302
    body = trust_admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported olm.csv into Trust A: 2 training records added for 1 person, proposing 2 new self-ratings" in body
    with web_app.app_context():
        records = db.session.scalars(select(TrainingRecord).order_by(TrainingRecord.completed_on)).all()
        assert [(r.module_id, r.hours, r.source, r.evidence) for r in records] == [
            ("T01", 6.0, "imported", "Imported from olm.csv, line 2."),
            ("T02", 7.5, "imported", "Imported from olm.csv, line 3."),
        ]
        ratings = db.session.scalars(select(Rating).where(Rating.person_id == world.person["staff"])).all()
        assert sorted((r.competency_id, r.level, r.rater) for r in ratings) == [("ROT-01", 3, "self"), ("ROT-02", 3, "self")]


def test_people_changed_while_importing_leave_nothing_imported(web_app, trust_admin, monkeypatch):
    def clash(*args):
        db.session.add(Person())  # half-applied work, undone by the rollback
        raise IntegrityError("INSERT", {}, Exception("unique"))

    monkeypatch.setattr(planner.web.imports, "apply", clash)
    before = row_counts(web_app)
    response = upload(trust_admin, CLEAN, action="import")
    assert response.status_code == 400
    assert "The people changed while the file was imported, so nothing was imported." in response.get_data(as_text=True)
    assert row_counts(web_app) == before
