"""The data rights page, its downloads and forms, and the read events of the audit trail."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from planner.db import db
from planner.models import Account, AuditEvent, Person, Trust
from tests.web.conftest import sign_in
from tests.web.pages import outline

ADDRESS = {"REMOTE_ADDR": "192.0.2.44"}


@pytest.fixture
def admin_client(web_app, world):
    client = web_app.test_client()
    sign_in(client, world, "trust_admin")
    return client


def events(app, **where) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).filter_by(**where).order_by(AuditEvent.id)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found


def test_the_page_shows_the_record_and_is_recorded_as_read(web_app, world, admin_client):
    staff = world.person["staff"]
    response = admin_client.get(f"/people/{staff}/data", environ_base=ADDRESS)
    assert response.status_code == 200
    sections = dict((title, text) for _, title, text in outline(response.get_data(as_text=True)))
    assert "Data held about Staff" in sections
    assert "In use" in sections["Data held about Staff"] and "72 months" in sections["Data held about Staff"]
    assert {"Download everything held", "Restriction", "Erasure", "Retention for Trust A"} <= set(sections)
    [read] = events(web_app, action="read")
    assert (read.account_id, read.person_id, read.record_type, read.record_id) == (world.account["trust_admin"], staff, "people", staff)
    assert (read.detail, read.address) == ({"page": "rights.person_data"}, "192.0.2.44")


@pytest.mark.parametrize(
    ("name", "target", "status"),
    [
        ("admin", "other_trust", 200),
        ("trust_admin", "staff", 200),
        ("trust_admin", "other_trust", 404),
        ("manager", "staff", 403),
        ("staff", "staff", 403),
        ("other_trust", "staff", 403),  # a staff account holds no role the page allows
    ],
)
def test_only_the_trust_admin_and_admins_reach_it(web_app, world, web_client, name, target, status):
    sign_in(web_client, world, name)
    assert web_client.get(f"/people/{world.person[target]}/data").status_code == status
    if status != 200:
        assert web_client.get(f"/people/{world.person[target]}/data.json").status_code == status
        assert web_client.post(f"/people/{world.person[target]}/data/restrict", data={"reason": "x"}).status_code == status
        with web_app.app_context():
            assert db.session.get(Person, world.person[target]).restricted_at is None


def test_an_unknown_person_is_not_found(world, admin_client):
    assert admin_client.get("/people/9999/data").status_code == 404


def test_downloads_hold_everything_and_are_audited(web_app, world, admin_client):
    staff = world.person["staff"]
    response = admin_client.get(f"/people/{staff}/data.json", environ_base=ADDRESS)
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="person-{staff}.json"'
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert data["sections"]["people"][0]["email"] == world.email("staff")
    pdf = admin_client.get(f"/people/{staff}/data.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    downloads = events(web_app, action="subject_access_download")
    assert [(e.person_id, e.detail["format"]) for e in downloads] == [(staff, "json"), (staff, "pdf")]
    assert downloads[0].address == "192.0.2.44"
    assert events(web_app, action="read") == []  # the download event is the record of it


def test_a_restricted_record_can_be_read_but_not_changed(web_app, world, admin_client):
    staff = world.person["staff"]
    refused = admin_client.post(f"/people/{staff}/data/restrict", data={"reason": "  "})
    assert refused.status_code == 400 and "Enter the reason for the restriction" in refused.get_data(as_text=True)
    response = admin_client.post(f"/people/{staff}/data/restrict", data={"reason": "Accuracy disputed"})
    assert response.status_code == 302
    page = admin_client.get(f"/people/{staff}/data").get_data(as_text=True)
    assert "Restricted since" in page and "Accuracy disputed" in page and "is restricted" in page
    owner = web_app.test_client()
    sign_in(owner, world, "staff")
    assert owner.get(f"/people/{staff}/needs").status_code == 200
    blocked = owner.post(f"/people/{staff}/needs", data={"protected_hours": "6"})
    assert blocked.status_code == 403 and "record is restricted: nothing in it can be changed" in blocked.get_data(as_text=True)
    with web_app.app_context():
        assert db.session.get(Person, staff).protected_hours == 4
    assert [e.detail["reason"] for e in events(web_app, action="restricted")] == ["Accuracy disputed"]
    # Restricting again is refused while restricted only by the form being gone; lifting works once.
    assert admin_client.post(f"/people/{staff}/data/lift-restriction").status_code == 302
    assert admin_client.post(f"/people/{staff}/data/lift-restriction").status_code == 302
    assert len(events(web_app, action="restriction_lifted")) == 1
    assert owner.post(f"/people/{staff}/needs", data={"protected_hours": "6"}).status_code != 403


def test_erasure_needs_the_name_typed_and_then_leaves_a_pseudonym(web_app, world, admin_client):
    staff = world.person["staff"]
    wrong = admin_client.post(f"/people/{staff}/data/erase", data={"reason": "Asked", "confirmation": "someone"})
    assert wrong.status_code == 400 and "Type the person&#39;s name exactly as shown (Staff)" in wrong.get_data(as_text=True)
    empty = admin_client.post(f"/people/{staff}/data/erase", data={"reason": "", "confirmation": ""})
    assert empty.status_code == 400 and "Enter the reason for the erasure" in empty.get_data(as_text=True)
    done = admin_client.post(f"/people/{staff}/data/erase", data={"reason": "Asked on 1 November", "confirmation": "Staff"}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and "Erased on" in page and "The record is erased: it is now Erased person" in page
    assert "Erase the record" not in page and "Restrict the record" not in page
    with web_app.app_context():
        person = db.session.get(Person, staff)
        assert person.name.startswith("Erased person ") and person.email == f"erased-{staff}@erased.invalid"
        assert not db.session.get(Account, world.account["staff"]).active
    [erased] = events(web_app, action="erased")
    assert erased.detail["reason"] == "Asked on 1 November" and erased.person_id == staff
    gone = web_app.test_client().post("/sign-in", data={"email": world.email("staff"), "password": "correct horse battery"})
    assert gone.status_code != 302
    assert admin_client.post(f"/people/{staff}/data/erase", data={"reason": "again", "confirmation": "x"}).status_code == 400
    # The pseudonymous row is not a person any page shows, even to their trust admin.
    assert admin_client.get(f"/people/{staff}").status_code == 404


def test_restricting_an_erased_record_is_refused_with_a_reason(web_app, world, admin_client):
    staff = world.person["staff"]
    admin_client.post(f"/people/{staff}/data/erase", data={"reason": "Asked", "confirmation": "Staff"})
    response = admin_client.post(f"/people/{staff}/data/restrict", data={"reason": "Later request"})
    assert response.status_code == 400 and "nothing left to restrict" in response.get_data(as_text=True)


def test_the_retention_period_is_set_within_its_range(web_app, world, admin_client):
    trust, staff = world.trust["A"], world.person["staff"]
    bad = admin_client.post(f"/trusts/{trust}/retention?person={staff}", data={"months": "6"})
    assert bad.status_code == 400 and "from 12 to 240 months" in bad.get_data(as_text=True)
    assert admin_client.post(f"/trusts/{trust}/retention?person={staff}", data={"months": "36"}).status_code == 302
    with web_app.app_context():
        assert db.session.get(Trust, trust).retention_months == 36
    assert [e.detail for e in events(web_app, action="retention_set")] == [{"old": 72, "new": 36}]
    # Another trust, or a person of another trust, is not there.
    assert admin_client.post(f"/trusts/{world.trust['B']}/retention?person={world.person['other_trust']}", data={"months": "36"}).status_code == 404
    assert admin_client.post(f"/trusts/{trust}/retention?person={world.person['other_trust']}", data={"months": "36"}).status_code == 404
    assert admin_client.post(f"/trusts/{trust}/retention", data={"months": "36"}).status_code == 404
    assert admin_client.post("/trusts/9999/retention", data={"months": "36"}).status_code == 404


# Reads of personal data across the app -------------------------------------------------------


def test_a_person_page_writes_one_read_event_and_a_refusal_writes_none(web_app, world, web_client):
    sign_in(web_client, world, "manager")
    staff = world.person["staff"]
    assert web_client.get(f"/people/{staff}", environ_base=ADDRESS).status_code == 200
    [read] = events(web_app, action="read")
    assert (read.person_id, read.account_id, read.detail, read.address) == (
        staff, world.account["manager"], {"page": "staff.person_home"}, "192.0.2.44"
    )
    assert web_client.get(f"/people/{world.person['other_trust']}").status_code == 404
    assert len(events(web_app, action="read")) == 1


def test_team_pages_write_one_event_naming_the_team_or_page(web_app, world, web_client):
    sign_in(web_client, world, "manager")
    assert web_client.get(f"/teams/{world.team['A1']}/cover").status_code == 200
    assert web_client.get("/teams").status_code == 200
    reads = events(web_app, action="read")
    assert [(e.record_type, e.record_id, e.person_id, e.detail) for e in reads] == [
        ("teams", world.team["A1"], None, {"page": "cover.cover"}),
        ("page", None, None, {"page": "manager.teams", "scope": "teams managed"}),
    ]


def test_the_list_of_mentors_is_recorded_as_a_page_of_people(web_app, world, web_client):
    sign_in(web_client, world, "staff")
    staff = world.person["staff"]
    assert web_client.get(f"/people/{staff}/mentors").status_code == 200
    reads = events(web_app, action="read")
    assert [(e.record_type, e.record_id, e.person_id, e.detail) for e in reads] == [
        ("people", staff, staff, {"page": "mentors.find"}),
        ("page", None, None, {"page": "mentors.find", "scope": "mentors offering help", "person_id": staff}),
    ]


def test_a_change_writes_its_own_event_and_no_read(web_app, world, web_client):
    sign_in(web_client, world, "staff")
    staff = world.person["staff"]
    assert web_client.post(f"/people/{staff}/needs", data={"protected_hours": "6"}).status_code == 302
    assert events(web_app, action="read") == []
    assert [e.person_id for e in events(web_app, action="protected_hours")] == [staff]


def test_anonymous_requests_write_no_read(web_app, world, web_client):
    assert web_client.get("/").status_code == 200
    assert events(web_app, action="read") == []
