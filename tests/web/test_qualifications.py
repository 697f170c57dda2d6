"""Professional qualifications on a person's profile: the list, recording one, refusing a duplicate
or a date in the future, removing one, and who may do what."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

import planner.web.qualifications
from planner.core.framework import Framework, Qualification
from planner.db import db
from planner.models import AuditEvent, Person, ProfessionalQualification
from planner.qualifications import route_qualification_notes
from tests.web.conftest import row_counts, sign_in
from tests.web.pages import outline
from tests.web.test_checkins import cells, date_data
from tests.web.test_printing import make_plan, pdf_of, text_of

TODAY = date(2026, 3, 1)

QUALIFICATIONS = (
    Qualification("cipd_l3", "CIPD Level 3 Foundation Certificate", "cipd", 3, "CIPD", "The entry qualification."),
    Qualification("cipd_l5", "CIPD Level 5 Associate Diploma", "cipd", 5, "CIPD", "For advisors."),
    Qualification("hr_support", "HR Support apprenticeship", "apprenticeship", 3, "IfATE (ST0239)", "An employed route."),
)


def with_qualifications(framework: Framework) -> Framework:
    """The small framework with three qualifications: the rota lead role lists CIPD level 5 as
    desirable, and the promotion from rota coordinator to rota lead CIPD level 3 and HR Support."""
    lead = replace(framework.role["lead"], desirable=("cipd_l5",))
    moves = tuple(
        replace(move, desirable=("cipd_l3", "hr_support")) if (move.source, move.target) == ("rota", "lead") else move
        for move in framework.moves
    )
    roles = tuple(lead if role.id == "lead" else role for role in framework.roles)
    return replace(framework, roles=roles, moves=moves, qualifications=QUALIFICATIONS)


@pytest.fixture(autouse=True)
def qualified(web_app, monkeypatch):
    web_app.extensions["planner_framework"] = with_qualifications(web_app.extensions["planner_framework"])
    monkeypatch.setattr(planner.web.qualifications, "today", lambda: TODAY)


def url(world, name="staff", path="") -> str:
    return f"/people/{world.person[name]}/qualifications{path}"


def add_held(app, world, name: str, qualification_id: str, awarded: date) -> None:
    with app.app_context():
        db.session.add(ProfessionalQualification(
            person_id=world.person[name], qualification_id=qualification_id, awarded_on=awarded,
            recorded_by_id=world.account["manager"],
        ))
        db.session.commit()


def held(app, world, name="staff") -> list[tuple[str, date]]:
    with app.app_context():
        query = select(ProfessionalQualification).where(ProfessionalQualification.person_id == world.person[name])
        return sorted((q.qualification_id, q.awarded_on) for q in db.session.scalars(query))


def events(app, action: str) -> list[tuple]:
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return [(e.account_id, e.record_type, e.person_id, e.detail) for e in db.session.scalars(query)]


def test_a_person_sees_their_qualifications_and_the_form(web_app, web_client, world):
    add_held(web_app, world, "staff", "cipd_l3", date(2024, 7, 15))
    sign_in(web_client, world, "staff")

    response = web_client.get(url(world))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>My professional qualifications – planner</title>" in html
    assert [title for tag, title, _ in outline(html) if tag in ("h1", "h2")] == [
        "My professional qualifications", "Qualifications held (1)", "Record a qualification"
    ]
    assert cells(html)[1] == ["CIPD Level 3 Foundation Certificate", "3", "CIPD", "15 July 2024", "Remove CIPD Level 3 Foundation Certificate"]
    # Only the qualifications not yet held are offered.
    assert '<option value="cipd_l3"' not in html
    assert '<option value="cipd_l5"' in html and '<option value="hr_support"' in html


def test_a_person_records_a_qualification(web_app, web_client, world):
    sign_in(web_client, world, "staff")

    response = web_client.post(url(world), data={"qualification": "cipd_l5", **date_data("awarded_on", date(2025, 12, 2))})

    assert response.status_code == 302 and response.headers["Location"] == url(world)
    assert held(web_app, world) == [("cipd_l5", date(2025, 12, 2))]
    assert events(web_app, "qualification") == [
        (world.account["staff"], "professional_qualifications", world.person["staff"],
         {"qualification": "cipd_l5", "awarded_on": "2025-12-02"}),
    ]
    html = web_client.get(url(world)).get_data(as_text=True)
    assert "Recorded: CIPD Level 5 Associate Diploma, awarded on 2 December 2025." in html
    assert ["CIPD Level 5 Associate Diploma", "5", "CIPD", "2 December 2025", "Remove CIPD Level 5 Associate Diploma"] in cells(html)


def test_the_manager_records_one_awarded_today(web_app, web_client, world):
    sign_in(web_client, world, "manager")

    response = web_client.post(url(world), data={"qualification": "hr_support", **date_data("awarded_on", TODAY)}, follow_redirects=True)

    assert "<h1>Professional qualifications: Staff</h1>" in response.get_data(as_text=True)
    assert held(web_app, world) == [("hr_support", TODAY)]
    assert events(web_app, "qualification")[0][0] == world.account["manager"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"qualification": "", **date_data("awarded_on", TODAY)}, "qualification", "Choose the qualification awarded"),
        ({**date_data("awarded_on", TODAY)}, "qualification", "Choose the qualification awarded"),
        ({"qualification": "mba", **date_data("awarded_on", TODAY)}, "qualification", "Choose one of the qualifications listed"),
        (
            {"qualification": "cipd_l3", **date_data("awarded_on", TODAY)}, "qualification",
            "CIPD Level 3 Foundation Certificate is already recorded, awarded on 15 July 2024: "
            "to change the date, remove it and record it again",
        ),
        ({"qualification": "cipd_l5"}, "awarded_on-day", "Enter the date it was awarded"),
        ({"qualification": "cipd_l5", **date_data("awarded_on", day="31", month="2", year="2026")}, "awarded_on-day",
         "The date it was awarded must be a real date, like 3 3 2026"),
        ({"qualification": "cipd_l5", **date_data("awarded_on", date(2026, 3, 2))}, "awarded_on-day",
         "The date it was awarded must be today or in the past"),
    ],
)
def test_a_wrong_qualification_is_explained_and_nothing_is_saved(web_app, web_client, world, data, field, message):
    add_held(web_app, world, "staff", "cipd_l3", date(2024, 7, 15))
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)

    response = web_client.post(url(world), data=data)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert html.count(message) == 2
    assert f'href="#{field}"' in html
    assert "<title>Error: My professional qualifications – planner</title>" in html
    assert row_counts(web_app) == before


def test_the_same_qualification_recorded_from_two_pages_at_once_is_kept_once(web_app, web_client, world, monkeypatch):
    """The later of two pages posted together: its form saw nothing held, and the database refuses it."""
    add_held(web_app, world, "staff", "cipd_l5", TODAY)
    sign_in(web_client, world, "staff")
    recorded, calls = planner.web.qualifications.held_qualifications, []

    def not_yet_saved(person):
        calls.append(person)
        return {} if len(calls) == 1 else recorded(person)

    monkeypatch.setattr(planner.web.qualifications, "held_qualifications", not_yet_saved)
    response = web_client.post(url(world), data={"qualification": "cipd_l5", **date_data("awarded_on", date(2026, 1, 5))})

    assert response.status_code == 409
    assert "CIPD Level 5 Associate Diploma is already recorded, awarded on 1 March 2026" in response.get_data(as_text=True)
    assert held(web_app, world) == [("cipd_l5", TODAY)]


def test_removing_a_qualification_deletes_it_and_audits(web_app, web_client, world):
    add_held(web_app, world, "staff", "cipd_l3", date(2024, 7, 15))
    add_held(web_app, world, "staff", "hr_support", date(2023, 5, 1))
    sign_in(web_client, world, "manager")

    response = web_client.post(url(world, path="/remove"), data={"qualification": "cipd_l3"})

    assert response.status_code == 302 and response.headers["Location"] == url(world)
    assert held(web_app, world) == [("hr_support", date(2023, 5, 1))]
    assert events(web_app, "qualification_removed") == [
        (world.account["manager"], "professional_qualifications", world.person["staff"],
         {"qualification": "cipd_l3", "awarded_on": "2024-07-15"}),
    ]
    html = web_client.get(url(world)).get_data(as_text=True)
    assert "Removed: CIPD Level 3 Foundation Certificate." in html
    assert '<option value="cipd_l3"' in html


@pytest.mark.parametrize("data", [{"qualification": "cipd_l5"}, {"qualification": ""}, {}])
def test_removing_what_is_not_held_removes_nothing(web_app, web_client, world, data):
    add_held(web_app, world, "staff", "cipd_l3", date(2024, 7, 15))
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)

    response = web_client.post(url(world, path="/remove"), data=data, follow_redirects=True)

    assert response.status_code == 200
    assert "That qualification is not on the record, so nothing was removed." in response.get_data(as_text=True)
    assert row_counts(web_app) == before


def test_a_qualification_gone_from_the_framework_is_named_and_can_be_removed(web_app, web_client, world):
    add_held(web_app, world, "staff", "old_diploma", date(2020, 6, 30))
    sign_in(web_client, world, "staff")

    html = web_client.get(url(world)).get_data(as_text=True)
    removed = web_client.post(url(world, path="/remove"), data={"qualification": "old_diploma"}, follow_redirects=True)

    assert ["old_diploma (no longer in the framework)", "Not known", "Not known", "30 June 2020",
            "Remove old_diploma (no longer in the framework)"] in cells(html)
    assert "Removed: old_diploma." in removed.get_data(as_text=True)
    assert held(web_app, world) == []


def test_a_trust_admin_sees_but_cannot_change(web_app, web_client, world):
    add_held(web_app, world, "other_team", "cipd_l3", date(2024, 7, 15))
    sign_in(web_client, world, "trust_admin")
    before = row_counts(web_app)

    page = web_client.get(url(world, "other_team"))
    added = web_client.post(url(world, "other_team"), data={"qualification": "cipd_l5", **date_data("awarded_on", TODAY)})
    removed = web_client.post(url(world, "other_team", "/remove"), data={"qualification": "cipd_l3"})

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert ["CIPD Level 3 Foundation Certificate", "3", "CIPD", "15 July 2024"] in cells(html)
    assert "Only Other Team and their manager can record qualifications." in html
    assert "Remove" not in html and "<select" not in html
    assert (added.status_code, removed.status_code) == (403, 403)
    assert row_counts(web_app) == before


@pytest.mark.parametrize("name", ["other_manager", "peer", "other_trust"])
def test_qualifications_of_someone_out_of_reach_do_not_exist(web_app, web_client, world, name):
    sign_in(web_client, world, name)
    before = row_counts(web_app)

    assert web_client.get(url(world)).status_code == 404
    assert web_client.post(url(world), data={"qualification": "cipd_l5", **date_data("awarded_on", TODAY)}).status_code == 404
    assert web_client.post(url(world, path="/remove"), data={"qualification": "cipd_l5"}).status_code == 404
    assert row_counts(web_app) == before


def test_when_every_qualification_is_held_there_is_nothing_to_choose(web_app, web_client, world):
    for qualification in QUALIFICATIONS:
        add_held(web_app, world, "staff", qualification.id, date(2024, 1, 1))
    sign_in(web_client, world, "staff")

    html = web_client.get(url(world)).get_data(as_text=True)

    assert "Every qualification in the framework is recorded." in html
    assert "<select" not in html


def test_the_home_page_links_to_the_qualifications(web_app, web_client, world):
    sign_in(web_client, world, "manager")

    own = web_client.get(f"/people/{world.person['manager']}").get_data(as_text=True)
    theirs = web_client.get(f"/people/{world.person['staff']}").get_data(as_text=True)

    assert f'href="{url(world, "manager")}"' in own
    assert f'href="{url(world)}"' in theirs


def test_the_achievements_page_lists_the_qualifications_held(web_app, web_client, world):
    add_held(web_app, world, "staff", "hr_support", date(2023, 5, 1))
    add_held(web_app, world, "staff", "cipd_l3", date(2024, 7, 15))
    sign_in(web_client, world, "trust_admin")

    html = web_client.get(f"/people/{world.person['staff']}/achievements").get_data(as_text=True)

    headings = [title for tag, title, _ in outline(html) if tag in ("h1", "h2")]
    assert headings == ["Specialist achievements: Staff", "Professional qualifications"]
    assert cells(html)[-2:] == [
        ["CIPD Level 3 Foundation Certificate", "3", "CIPD", "15 July 2024"],
        ["HR Support apprenticeship", "3", "IfATE (ST0239)", "1 May 2023"],
    ]
    assert f'<a href="{url(world)}">See Staff&#39;s professional qualifications</a>' in html


def test_the_achievements_page_says_when_no_qualification_is_recorded(web_app, web_client, world):
    sign_in(web_client, world, "staff")

    html = web_client.get(f"/people/{world.person['staff']}/achievements").get_data(as_text=True)

    assert "No professional qualification has been recorded yet." in html
    assert f'<a href="{url(world)}">Record or remove your professional qualifications</a>' in html


# The printed plan ----------------------------------------------------------------------------


HELPS_ON_THE_ROUTE = (
    "CIPD Level 3 Foundation Certificate helps on the move from Rota Coordinator to Rota Lead: held, awarded on 15 July 2024.",
    "HR Support apprenticeship helps on the move from Rota Coordinator to Rota Lead: not held.",
    "CIPD Level 5 Associate Diploma helps as Rota Lead: not held.",
)


def test_the_printed_plan_lists_the_qualifications_that_help_on_its_route(web_app, web_client, world):
    add_held(web_app, world, "staff", "cipd_l3", date(2024, 7, 15))
    plan_id = make_plan(web_app, world)
    sign_in(web_client, world, "manager")

    html = web_client.get(f"/plans/{plan_id}/print").get_data(as_text=True)
    pdf = text_of(pdf_of(web_client.get(f"/plans/{plan_id}/plan.pdf")))

    assert "<h3>Qualifications that help</h3>" in html
    assert "Qualifications that help None is required." in pdf
    for note in HELPS_ON_THE_ROUTE:
        assert f"<li>{note}</li>" in html.replace("&#39;", "'")
        assert note in pdf


def test_a_plan_without_qualifications_that_help_prints_no_such_list(web_app, web_client, world):
    web_app.extensions["planner_framework"] = replace(web_app.extensions["planner_framework"], qualifications=())
    plan_id = make_plan(web_app, world)
    sign_in(web_client, world, "staff")

    html = web_client.get(f"/plans/{plan_id}/print").get_data(as_text=True)

    assert "Qualifications that help" not in html


def route_plan(source: str, target: str, kind: str = "promotion") -> dict:
    """A plan as loaded, with a one-step route: only what the notes read."""
    step = {"source": {"id": source, "title": source.title()}, "target": {"id": target, "title": target.title()}, "kind": kind}
    return {"target": {"id": target, "title": target.title()}, "pathway": {"steps": [step]}}


@pytest.mark.parametrize(
    ("plan", "notes"),
    [
        ({"target": None, "pathway": None}, ()),
        (route_plan("rota", "lead", "acting_up"), ("CIPD Level 5 Associate Diploma helps as Rota Lead: not held.",)),
        (route_plan("rota", "gone"), ()),
        (route_plan("admin", "rota"), ()),
    ],
    ids=["no-route", "a-move-gone-from-the-framework", "a-role-gone-from-the-framework", "nothing-helps"],
)
def test_notes_leave_out_what_the_framework_no_longer_has(web_app, world, plan, notes):
    with web_app.app_context():
        person = db.session.get(Person, world.person["staff"])
        assert route_qualification_notes(person, web_app.extensions["planner_framework"], plan) == notes


def test_notes_leave_out_a_qualification_gone_from_the_framework(web_app, world):
    framework = web_app.extensions["planner_framework"]
    fewer = replace(framework, qualifications=QUALIFICATIONS[1:])
    with web_app.app_context():
        person = db.session.get(Person, world.person["staff"])
        assert route_qualification_notes(person, fewer, route_plan("rota", "lead")) == (
            "HR Support apprenticeship helps on the move from Rota to Lead: not held.",
            "CIPD Level 5 Associate Diploma helps as Rota Lead: not held.",
        )
