"""My plan: saving drafts, versions, the staff and manager agreement, and who may do what."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

import planner.web.plans
from planner.db import db
from planner.models import AuditEvent, Person, Plan, Rating
from tests.web.conftest import row_counts, sign_in
from tests.web.pages import outline

TODAY = date(2026, 11, 15)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Every plan is made on 15 November 2026, so its months are known."""
    monkeypatch.setattr(planner.web.plans, "today", lambda: TODAY)


def client_of(web_app, world, name: str):
    """A client signed in as ``name``: one client per person, as each has their own browser."""
    client = web_app.test_client()
    sign_in(client, world, name)
    return client


def plans_url(world, name: str = "staff") -> str:
    return f"/people/{world.person[name]}/plans"


def make_plan(client, world, target: str = "lead", route: str = "0", name: str = "staff") -> int:
    """Post a plan as ``name`` (signed in already); the saved plan's id."""
    response = client.post(plans_url(world, name), data={"target": target, "route": route})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.fullmatch(r"/plans/(\d+)", response.headers["Location"])[1])


def plan_row(web_app, plan_id: int) -> dict:
    """The saved plan's columns, to compare before and after."""
    with web_app.app_context():
        row = db.session.get(Plan, plan_id)
        return {column.name: getattr(row, column.key) for column in Plan.__table__.columns}


def plan_rows(web_app, world, name: str = "staff") -> list[Plan]:
    with web_app.app_context():
        rows = db.session.scalars(select(Plan).where(Plan.person_id == world.person[name]).order_by(Plan.version))
        return [(row.version, row.status) for row in rows]


def seen(web_app, plan_id: int) -> dict:
    """What the agree buttons send: when the plan's content was made, as the agreer saw it."""
    with web_app.app_context():
        return {"made_at": planner.web.plans.made_at(db.session.get(Plan, plan_id))}


def events(web_app, action: str) -> list[AuditEvent]:
    with web_app.app_context():
        found = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))
        db.session.expunge_all()
        return found


def text_of(html: str) -> dict[str, str]:
    return {title: text for _, title, text in outline(html)}


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_plans_page_offers_a_first_plan(web_app, world):
    web_client = client_of(web_app, world, "staff")

    html = page_of(web_client.get(plans_url(world)))

    assert [title for tag, title, _ in outline(html) if tag in ("h1", "h2")] == ["My plans", "Make a plan from today's data"]
    assert "No plan has been saved yet." in html
    assert "A plan towards <strong>Rota Coordinator, your current role,</strong>" in html
    assert "from your current levels and 4 hours of protected learning time a month" in html
    assert '<input type="hidden" name="target" value="">' in html
    assert "Save a draft plan" in html


def test_making_a_plan_saves_a_draft_with_its_inputs_and_shows_it(web_app, web_client, world):
    with web_app.app_context():
        db.session.add(Rating(person_id=world.person["staff"], competency_id="ROT-01", level=1, rater="self", rated_by_id=world.person["staff"]))
        db.session.add(Rating(person_id=world.person["staff"], competency_id="HRF-01", level=2, rater="manager", rated_by_id=world.person["manager"]))
        db.session.commit()
    web_client = client_of(web_app, world, "staff")

    plan_id = make_plan(web_client, world, "lead", "0")

    with web_app.app_context():
        row = db.session.get(Plan, plan_id)
        assert (row.version, row.status, row.target_role_id, row.route, row.plan_date) == (1, "draft", "lead", 0, TODAY)
        assert row.framework_version == "test-1" and row.created_by_id == world.person["staff"]
        assert row.inputs == {
            "framework_version": "test-1",
            "target": "lead",
            "route": 0,
            "levels": {"HRF-01": {"level": 2, "source": "manager"}, "ROT-01": {"level": 1, "source": "self"}},
            "protected_hours": 4.0,
            "months_in_role": 20,
            "plan_date": "2026-11-15",
        }
        assert row.result["target"] == {"id": "lead", "title": "Rota Lead", "band": "5"}
        assert row.result["completion"] == "2027-02-01"
        assert db.session.get(Person, world.person["staff"]).target_role_id == "lead"
    [event] = events(web_app, "plan_saved")
    assert (event.record_type, event.record_id, event.person_id, event.account_id) == ("plans", plan_id, world.person["staff"], world.account["staff"])
    assert event.detail == {"version": 1, "target": "lead", "route": 0, "replaced_draft": False}

    html = page_of(web_client.get(f"/plans/{plan_id}"))
    assert "Draft plan version 1 saved. It needs your agreement and your manager&#39;s." in html
    assert "<title>Plan version 1: Staff – planner</title>" in html
    sections = text_of(html)
    assert sections["Plan version 1 Draft"].startswith("This plan is a draft")
    assert "Towards Rota Lead (band 5)" in sections["Plan version 1 Draft"]
    assert "Made on 15 November 2026 by Staff" in sections["Plan version 1 Draft"]
    assert "Rota Coordinator to Rota Lead: promotion, band 4 to band 5" in sections["The route to Rota Lead"]
    assert "Rota rules (critical) Needed first for Rota design Rotas 1 3 Red: 2 levels short, critical" in sections["Gaps"]
    assert "Employment law HR foundations 2 2 Green: met" in sections["Gaps"]
    assert "3 Employment law update 3 Webinar CIPD February 2027" in sections["Training"]
    assert "The training is done by February 2027" in sections["Month by month"]
    assert sections["Reviews"] == "You and your manager review progress every three months, on: 15 February 2027 15 May 2027"
    assert sections["Agreement"].startswith("Staff Not yet agreed Manager Not yet agreed")
    assert "I agree this plan" in html and "Agree as manager" not in html
    assert "Make this draft again from today" in html
    assert "Since this plan was made" not in html


def test_making_a_plan_again_replaces_the_draft(web_app, web_client, world):
    web_client = client_of(web_app, world, "staff")
    first = make_plan(web_client, world, "lead")

    second = make_plan(web_client, world, "")

    assert second == first
    assert plan_rows(web_app, world) == [(1, "draft")]
    row = plan_row(web_app, first)
    assert row["target_role_id"] is None and row["result"]["target"] is None
    assert row["result"]["role"]["title"] == "Rota Coordinator"
    assert [event.detail["replaced_draft"] for event in events(web_app, "plan_saved")] == [False, True]
    html = page_of(web_client.get(plans_url(world)))
    assert "Draft plan version 1 updated." in html
    assert "Rota Coordinator (current role)" in html
    assert "It replaces the draft, version 1." in html and "Update the draft plan" in html


def test_a_route_without_a_target_is_kept_as_the_first(web_app, web_client, world):
    web_client = client_of(web_app, world, "staff")

    plan_id = make_plan(web_client, world, "rota", "3")

    row = plan_row(web_app, plan_id)
    assert (row["target_role_id"], row["route"], row["result"]["pathway"]) == (None, 0, None)


def test_a_target_and_route_missing_mean_the_current_role(web_app, web_client, world):
    web_client = client_of(web_app, world, "staff")

    response = web_client.post(plans_url(world), data={})

    assert response.status_code == 302
    assert plan_rows(web_app, world) == [(1, "draft")]


def test_a_changed_draft_loses_the_agreement_it_had(web_app, web_client, world):
    web_client = client_of(web_app, world, "staff")
    plan_id = make_plan(web_client, world)
    web_client.post(f"/plans/{plan_id}/agree", data=seen(web_app, plan_id))

    make_plan(web_client, world)

    row = plan_row(web_app, plan_id)
    assert row["staff_agreed_at"] is None and row["staff_agreed_by_id"] is None
    html = page_of(web_client.get(f"/plans/{plan_id}"))
    assert "The agreement given to the earlier draft no longer counts." in html
    assert "I agree this plan" in html


def test_staff_then_manager_agree_and_the_plan_becomes_read_only(web_app, web_client, world):
    web_client = client_of(web_app, world, "staff")
    plan_id = make_plan(web_client, world)

    response = web_client.post(f"/plans/{plan_id}/agree", data=seen(web_app, plan_id))

    assert response.status_code == 302 and response.headers["Location"] == f"/plans/{plan_id}"
    row = plan_row(web_app, plan_id)
    assert row["status"] == "draft" and row["staff_agreed_by_id"] == world.person["staff"] and row["staff_agreed_at"]
    html = page_of(web_client.get(f"/plans/{plan_id}"))
    assert "Your agreement to plan version 1 is recorded. The plan now waits for your manager&#39;s agreement." in html
    assert re.search(r"Staff Agreed by Staff on \d+ \w+ 2\d{3} at \d{1,2}:\d\d[ap]m Manager Not yet agreed", text_of(html)["Agreement"])
    assert "I agree this plan" not in html

    web_client = client_of(web_app, world, "manager")
    html = page_of(web_client.get(f"/plans/{plan_id}"))
    assert "Agree as manager" in html and "I agree this plan" not in html
    assert web_client.post(f"/plans/{plan_id}/agree", data=seen(web_app, plan_id)).status_code == 302

    row = plan_row(web_app, plan_id)
    assert row["status"] == "agreed" and row["manager_agreed_by_id"] == world.person["manager"]
    assert [(e.detail["who"], e.detail["status"], e.account_id) for e in events(web_app, "plan_agreed")] == [
        ("staff", "draft", world.account["staff"]),
        ("manager", "agreed", world.account["manager"]),
    ]
    html = page_of(web_client.get(f"/plans/{plan_id}"))
    assert "Plan version 1 is now agreed by Staff and their manager. It can no longer be changed." in html
    assert "Plan version 1 Agreed" in text_of(html)
    assert "This plan is agreed by Staff and their manager, so it is read-only." in html
    assert "Manager Agreed by Manager on" in text_of(html)["Agreement"]
    for button in ("Agree as manager", "I agree this plan", "Start a new version"):
        assert button not in html

    web_client = client_of(web_app, world, "staff")
    html = page_of(web_client.get(f"/plans/{plan_id}"))
    assert "Start a new version" in html and "I agree this plan" not in html
    assert '<input type="hidden" name="target" value="lead">' in html


@pytest.mark.parametrize("name", ["staff", "manager"])
def test_an_agreed_plan_cannot_be_agreed_or_changed(web_app, web_client, world, name):
    web_client = client_of(web_app, world, "staff")
    plan_id = make_plan(web_client, world)
    web_client.post(f"/plans/{plan_id}/agree", data=seen(web_app, plan_id))
    web_client = client_of(web_app, world, "manager")
    web_client.post(f"/plans/{plan_id}/agree", data=seen(web_app, plan_id))
    web_client = client_of(web_app, world, name)
    before, counts = plan_row(web_app, plan_id), row_counts(web_app)

    response = web_client.post(f"/plans/{plan_id}/agree", follow_redirects=True)

    assert "Plan version 1 is already agreed and cannot be changed. Start a new version to change it." in page_of(response)
    assert plan_row(web_app, plan_id) == before
    assert row_counts(web_app) == counts


def test_a_new_version_after_an_agreed_plan_leaves_the_agreed_one_alone(web_app, web_client, world):
    web_client = client_of(web_app, world, "staff")
    first = make_plan(web_client, world)
    web_client.post(f"/plans/{first}/agree", data=seen(web_app, first))
    web_client = client_of(web_app, world, "manager")
    web_client.post(f"/plans/{first}/agree", data=seen(web_app, first))
    web_client = client_of(web_app, world, "staff")
    agreed = plan_row(web_app, first)
    with web_app.app_context():
        db.session.add(Rating(person_id=world.person["staff"], competency_id="ROT-01", level=3, rater="self", rated_by_id=world.person["staff"]))
        db.session.commit()

    second = make_plan(web_client, world, "lead", "0")

    assert second != first
    assert plan_rows(web_app, world) == [(1, "agreed"), (2, "draft")]
    assert plan_row(web_app, first) == agreed
    assert plan_row(web_app, second)["inputs"]["levels"] == {"ROT-01": {"level": 3, "source": "self"}}
    html = page_of(web_client.get(f"/plans/{first}"))
    assert "Since this plan was made, 1 level changed (ROT-01)." in html
    assert "Rota rules (critical) Needed first for Rota design Rotas 0 3" in text_of(html)["Gaps"]
    assert "Start a new version" not in html  # only the latest version is made again
    listing = page_of(web_client.get(plans_url(world)))
    table = text_of(listing)["My plans"]
    assert "Version 2 Draft Rota Lead 15 November 2026 Not yet agreed by Staff Not yet agreed by a manager" in table
    assert re.search(r"Version 1 Agreed Rota Lead 15 November 2026 Staff on \d+ \w+ \d{4} Manager Manager on", table)


def test_an_agreement_to_a_draft_made_again_since_is_refused(web_app, world):
    web_client = client_of(web_app, world, "staff")
    plan_id = make_plan(web_client, world)
    stale = seen(web_app, plan_id)
    # Made again: the same row, with new content.
    assert web_client.post(plans_url(world), data={"target": "lead", "route": "0"}).status_code == 302
    before = row_counts(web_app)
    response = web_client.post(f"/plans/{plan_id}/agree", data=stale, follow_redirects=True)
    assert "This plan was made again after you opened it, so it was not agreed." in response.get_data(as_text=True)
    assert plan_row(web_app, plan_id)["staff_agreed_at"] is None
    assert row_counts(web_app) == before


def test_agreeing_twice_changes_nothing(web_app, web_client, world):
    web_client = client_of(web_app, world, "staff")
    plan_id = make_plan(web_client, world)
    web_client.post(f"/plans/{plan_id}/agree", data=seen(web_app, plan_id))
    before, counts = plan_row(web_app, plan_id), row_counts(web_app)

    response = web_client.post(f"/plans/{plan_id}/agree", follow_redirects=True)

    assert "You have already agreed plan version 1; nothing was changed." in page_of(response)
    assert plan_row(web_app, plan_id) == before and row_counts(web_app) == counts


def test_a_manager_may_agree_first(web_app, web_client, world):
    web_client = client_of(web_app, world, "staff")
    plan_id = make_plan(web_client, world)
    web_client = client_of(web_app, world, "manager")

    response = web_client.post(f"/plans/{plan_id}/agree", data=seen(web_app, plan_id), follow_redirects=True)

    assert "The plan now waits for Staff&#39;s agreement." in page_of(response)
    assert plan_row(web_app, plan_id)["status"] == "draft"


def test_a_plan_shows_what_changed_since_it_was_made(web_app, web_client, world):
    web_client = client_of(web_app, world, "staff")
    plan_id = make_plan(web_client, world)
    with web_app.app_context():
        db.session.get(Person, world.person["staff"]).protected_hours = 6.5
        db.session.commit()

    html = page_of(web_client.get(f"/plans/{plan_id}"))

    assert "Since this plan was made, protected learning time changed from 4 to 6.5 hours a month." in html
    assert "within 4 hours of protected learning time a month" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"target": "nope", "route": "0"}, "Choose a target role from the framework"),
        ({"target": "lead", "route": "5"}, "Choose one of the 5 routes shown, numbered 1 to 5"),
        ({"target": "lead", "route": "-1"}, "Choose one of the 5 routes shown, numbered 1 to 5"),
        ({"target": "lead", "route": "x"}, "Choose one of the 5 routes shown, numbered 1 to 5"),
    ],
)
def test_an_invalid_target_or_route_saves_nothing(web_app, web_client, world, data, message):
    web_client = client_of(web_app, world, "staff")
    before = row_counts(web_app)

    response = web_client.post(plans_url(world), data=data)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<title>Error: My plans – planner</title>" in html
    assert "The plan could not be made" in html and message in html
    assert row_counts(web_app) == before


def test_a_planning_error_is_shown_and_nothing_is_saved(web_app, web_client, world):
    web_client = client_of(web_app, world, "manager")
    before = row_counts(web_app)

    response = web_client.post(plans_url(world, "manager"), data={"target": "admin", "route": "0"})

    html = page_of(response)
    assert "<title>Error: My plans – planner</title>" in html
    assert "No move in the framework leads out of Rota Lead, so no route reaches Administrator." in html
    assert "Traceback" not in html
    assert row_counts(web_app) == before
    with web_app.app_context():
        assert db.session.get(Person, world.person["manager"]).target_role_id is None


@pytest.mark.parametrize("name", ["manager", "trust_admin"])
def test_managers_and_trust_admins_see_the_plans_but_cannot_make_one(web_app, web_client, world, name):
    web_client = client_of(web_app, world, "staff")
    plan_id = make_plan(web_client, world)
    web_client = client_of(web_app, world, name)
    before = row_counts(web_app)

    listing = page_of(web_client.get(plans_url(world)))
    plan_page = page_of(web_client.get(f"/plans/{plan_id}"))
    refused = web_client.post(plans_url(world), data={"target": "lead", "route": "0"})

    assert [title for tag, title, _ in outline(listing) if tag == "h1"] == ["Plans: Staff"]
    assert "Version 1" in listing and "Save a draft plan" not in listing and "Update the draft plan" not in listing
    assert "Rota rules essentials" in plan_page and "All of Staff&#39;s plans" in plan_page
    assert "I agree this plan" not in plan_page and "Make this draft again" not in plan_page
    assert ("Agree as manager" in plan_page) == (name == "manager")
    assert refused.status_code == 403
    assert row_counts(web_app) == before


def test_trust_admins_cannot_agree(web_app, web_client, world):
    web_client = client_of(web_app, world, "staff")
    plan_id = make_plan(web_client, world)
    web_client = client_of(web_app, world, "trust_admin")
    before = plan_row(web_app, plan_id)

    assert web_client.post(f"/plans/{plan_id}/agree").status_code == 403
    assert plan_row(web_app, plan_id) == before


@pytest.mark.parametrize("name", ["peer", "other_manager", "region_lead", "admin", "other_trust", "far_manager"])
def test_people_who_may_not_see_the_person_get_404(web_app, web_client, world, name):
    web_client = client_of(web_app, world, "staff")
    plan_id = make_plan(web_client, world)
    web_client = client_of(web_app, world, name)
    before = row_counts(web_app)

    for response in (
        web_client.get(plans_url(world)),
        web_client.post(plans_url(world), data={"target": "lead", "route": "0"}),
        web_client.get(f"/plans/{plan_id}"),
        web_client.post(f"/plans/{plan_id}/agree"),
    ):
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert "Rota Lead" not in html and "Staff" not in html
    assert row_counts(web_app) == before


def test_an_unknown_plan_is_404(web_app, world):
    web_client = client_of(web_app, world, "staff")

    assert web_client.get("/plans/999").status_code == 404
    assert web_client.post("/plans/999/agree").status_code == 404
    assert web_client.get("/plans/99999999999").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(web_client, world):
    for response in (
        web_client.get(plans_url(world)),
        web_client.post(plans_url(world), data={"target": "lead"}),
        web_client.get("/plans/1"),
        web_client.post("/plans/1/agree"),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in?next=")


def test_names_are_shown_as_text_not_markup(web_app, world):
    with web_app.app_context():
        db.session.get(Person, world.person["staff"]).name = "<b>Sam</b>"
        db.session.commit()
    web_client = client_of(web_app, world, "staff")
    plan_id = make_plan(web_client, world)

    for page in (page_of(web_client.get(f"/plans/{plan_id}")), page_of(web_client.get(plans_url(world)))):
        html = page[page.index("<main"):page.index("</main>")]  # this feature's part of the page
        assert "<b>Sam</b>" not in html
        assert "&lt;b&gt;Sam&lt;/b&gt;" in html


def test_a_route_number_past_the_last_route_is_saved_as_the_route_followed(web_app, world):
    web_client = client_of(web_app, world, "staff")

    plan_id = make_plan(web_client, world, "lead", "4")  # rota to lead has fewer than five routes

    row = plan_row(web_app, plan_id)
    assert row["route"] < 4 and row["inputs"]["route"] == row["route"]
