"""My training needs: the gap table, the training, the schedule, and changing protected hours."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

import planner.web.needs
from planner.db import db
from planner.models import AuditEvent, Person, Rating
from tests.web.conftest import row_counts, sign_in
from tests.web.pages import outline

TODAY = date(2026, 11, 15)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Every page is worked out on 15 November 2026, so the months in it are known."""
    monkeypatch.setattr(planner.web.needs, "today", lambda: TODAY)


def url(world, name: str) -> str:
    return f"/people/{world.person[name]}/needs"


def change(web_app, world, name: str, **values) -> None:
    with web_app.app_context():
        person = db.session.get(Person, world.person[name])
        for key, value in values.items():
            setattr(person, key, value)
        db.session.commit()


def rate(web_app, world, name: str, levels: dict[str, int], rater: str = "self", by: str | None = None) -> None:
    with web_app.app_context():
        for competency, level in levels.items():
            db.session.add(
                Rating(person_id=world.person[name], competency_id=competency, level=level, rater=rater,
                       rated_by_id=world.person[by or name])
            )
        db.session.commit()


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_my_needs_for_my_role_show_the_gaps_training_and_schedule(web_client, world):
    sign_in(web_client, world, "staff")

    html = page_of(web_client.get(url(world, "staff")))

    sections = outline(html)
    assert [title for tag, title, _ in sections if tag == "h1"] == ["My training needs"]
    assert [title for tag, title, _ in sections if tag == "h2"] == [
        "Protected learning time", "Gaps", "Recommended training", "Month by month"
    ]
    assert "<title>My training needs – planner</title>" in html
    assert "your needs for <strong>Rota Coordinator</strong>, your current role" in html
    assert f'href="/people/{world.person["staff"]}/pathways">Choose a target role</a>' in html
    text = {title: body for _, title, body in sections}
    assert text["Protected learning time"].startswith(
        "The training below takes 13 hours. At 4 hours a month it is done by February 2027 (4 months with training)."
    )
    gaps = text["Gaps"]
    assert gaps.startswith("2 gaps for Rota Coordinator, most urgent first Competency Domain Now Needed Gap")
    assert "Rota rules (critical) Needed first for Rota design Rotas 0 2 Red: 2 levels short, critical" in gaps
    assert "Rota design Rotas 0 2 Red: 2 levels short" in gaps
    assert "Needs already met" not in html
    training = text["Recommended training"]
    assert "2 modules in study order, 13 hours in all" in training
    assert "1 Rota rules essentials 6 E-learning NHS Employers November 2026 to December 2026" in training
    assert "2 Rota design workshop 7 Course Regional network December 2026 to February 2027" in training
    schedule = text["Month by month"]
    assert "within 4 hours of protected learning time a month" in schedule
    assert "November 2026 Rota rules essentials: 4 hours 4 of 4" in schedule
    assert "December 2026 Rota rules essentials: 2 hours Rota design workshop: 2 hours 4 of 4" in schedule
    assert "February 2027 Rota design workshop: 1 hour 1 of 4" in schedule
    assert "The training is done by February 2027: 4 months of protected learning time." in schedule
    assert 'name="protected_hours"' in html and 'value="4"' in html
    assert "Save protected hours" in html


def test_needs_follow_the_target_with_met_needs_after_the_gaps(web_app, web_client, world):
    change(web_app, world, "staff", target_role_id="lead")
    rate(web_app, world, "staff", {"ROT-01": 3}, rater="manager", by="manager")
    rate(web_app, world, "staff", {"HRF-01": 1})
    sign_in(web_client, world, "staff")

    html = page_of(web_client.get(url(world, "staff")))

    assert "your needs for <strong>Rota Lead</strong> (band 5), your target role" in html
    assert f'href="/people/{world.person["staff"]}/pathways">Change the target role</a>' in html
    sections = {title: text for _, title, text in outline(html)}
    assert sections["Gaps"].startswith("2 gaps for Rota Lead, most urgent first")
    assert "Rota design Rotas 0 3 Red: 3 levels short" in sections["Gaps"]
    assert "Employment law HR foundations 1 2 Amber: 1 level short" in sections["Gaps"]
    assert "Needs already met (1) Levels already held for Rota Lead" in sections["Gaps"]
    assert "Rota rules (critical) Rotas 3 3 Green: met" in sections["Gaps"]
    assert '<details class="nhsuk-details"' in html
    assert "Rota Coordinator to Rota Lead: promotion, band 4 to band 5, no more time in role needed" in sections["The route"]
    assert "10 hours of training (Rota design workshop, Employment law update)" in sections["The route"]
    assert "2 modules in study order, 10 hours in all" in sections["Recommended training"]


def test_a_person_without_gaps_is_told_so(web_app, web_client, world):
    rate(web_app, world, "staff", {"ROT-01": 2, "ROT-02": 2})
    sign_in(web_client, world, "staff")

    sections = {title: text for _, title, text in outline(page_of(web_client.get(url(world, "staff"))))}

    assert sections["Gaps"].startswith("No gaps: every level Rota Coordinator asks for is already held.")
    assert "Needs already met (2)" in sections["Gaps"]
    assert sections["Recommended training"] == "No training is needed."
    assert sections["Month by month"].startswith("Nothing to schedule: no training is needed. planner helps")


def test_a_target_out_of_reach_shows_why_instead_of_a_plan(web_app, web_client, world):
    change(web_app, world, "manager", target_role_id="admin")
    sign_in(web_client, world, "manager")

    html = page_of(web_client.get(url(world, "manager")))

    assert "No plan can be made for this target" in html
    assert "No move in the framework leads out of Rota Lead, so no route reaches Administrator." in html
    assert "Recommended training" not in html
    assert 'name="protected_hours"' in html


def test_changing_protected_hours_moves_the_completion_date(web_app, web_client, world):
    sign_in(web_client, world, "staff")

    response = web_client.post(url(world, "staff"), data={"protected_hours": " 6.5 "})

    assert response.status_code == 302
    assert response.headers["Location"] == url(world, "staff")
    with web_app.app_context():
        assert db.session.get(Person, world.person["staff"]).protected_hours == 6.5
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "protected_hours"))
        assert (event.record_type, event.record_id, event.person_id) == ("people", world.person["staff"], world.person["staff"])
        assert event.account_id == world.account["staff"]
        assert event.detail == {"old": 4.0, "new": 6.5}
    html = page_of(web_client.get(url(world, "staff")))
    assert (
        "Your protected learning time is now 6.5 hours a month (it was 4). "
        "Your completion date moved from February 2027 to December 2026."
    ) in html
    assert "December 2026 Rota design workshop: 6.5 hours 6.5 of 6.5" in {t: b for _, t, b in outline(html)}["Month by month"]
    assert 'value="6.5"' in html


def test_a_small_change_of_hours_says_the_completion_stays(web_client, world):
    sign_in(web_client, world, "staff")

    web_client.post(url(world, "staff"), data={"protected_hours": "4.2"})

    html = page_of(web_client.get(url(world, "staff")))
    assert "now 4.2 hours a month (it was 4). Your training still finishes in February 2027." in html


def test_without_a_plan_the_change_of_hours_says_only_the_hours(web_app, web_client, world):
    change(web_app, world, "manager", target_role_id="admin")
    sign_in(web_client, world, "manager")

    response = web_client.post(url(world, "manager"), data={"protected_hours": "8"}, follow_redirects=True)

    html = page_of(response)
    assert "Your protected learning time is now 8 hours a month (it was 4).</p>" in html
    with web_app.app_context():
        assert db.session.get(Person, world.person["manager"]).protected_hours == 8


@pytest.mark.parametrize(
    ("entered", "message"),
    [
        ("", "Enter your protected learning hours a month"),
        ("   ", "Enter your protected learning hours a month"),
        ("four", "Enter protected learning hours as a number, like 4 or 6.5"),
        ("6,5", "Enter protected learning hours as a number, like 4 or 6.5"),
        ("nan", "Enter protected learning hours as a number, like 4 or 6.5"),
        ("1e2", "Enter protected learning hours as a number, like 4 or 6.5"),
        ("0.4", "Protected learning hours must be between 0.5 and 200 a month"),
        ("0", "Protected learning hours must be between 0.5 and 200 a month"),
        ("-3", "Protected learning hours must be between 0.5 and 200 a month"),
        ("200.5", "Protected learning hours must be between 0.5 and 200 a month"),
    ],
)
def test_invalid_hours_show_the_error_and_change_nothing(web_app, web_client, world, entered, message):
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)

    response = web_client.post(url(world, "staff"), data={"protected_hours": entered})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<title>Error: My training needs – planner</title>" in html
    assert re.search(r'<a href="#protected_hours"\s*>\s*' + re.escape(message), html)
    assert f'<span class="nhsuk-u-visually-hidden">Error: </span>{message}' in html  # by the field
    assert "Gaps" in html and "Rota rules essentials" in html
    assert row_counts(web_app) == before
    with web_app.app_context():
        assert db.session.get(Person, world.person["staff"]).protected_hours == 4


def test_the_edges_of_the_range_are_allowed(web_app, web_client, world):
    sign_in(web_client, world, "staff")

    assert web_client.post(url(world, "staff"), data={"protected_hours": "0.5"}).status_code == 302
    assert web_client.post(url(world, "staff"), data={"protected_hours": "200"}).status_code == 302

    with web_app.app_context():
        assert db.session.get(Person, world.person["staff"]).protected_hours == 200


@pytest.mark.parametrize("name", ["manager", "trust_admin"])
def test_managers_and_trust_admins_see_the_needs_read_only(web_client, world, name):
    sign_in(web_client, world, name)

    html = page_of(web_client.get(url(world, "staff")))

    assert [title for tag, title, _ in outline(html) if tag == "h1"] == ["Training needs: Staff"]
    assert "their needs for <strong>Rota Coordinator</strong>, their current role" in html
    assert "Rota rules essentials" in html
    assert 'name="protected_hours"' not in html
    assert "Staff has 4 hours of protected learning time a month. Only Staff can change it." in html


@pytest.mark.parametrize("name", ["manager", "trust_admin"])
def test_managers_and_trust_admins_cannot_change_the_hours(web_app, web_client, world, name):
    sign_in(web_client, world, name)
    before = row_counts(web_app)

    response = web_client.post(url(world, "staff"), data={"protected_hours": "8"})

    assert response.status_code == 403
    assert row_counts(web_app) == before


@pytest.mark.parametrize("name", ["peer", "other_manager", "region_lead", "admin", "other_trust", "far_manager"])
def test_people_who_may_not_see_the_person_get_404(web_app, web_client, world, name):
    sign_in(web_client, world, name)
    before = row_counts(web_app)

    for response in (
        web_client.get(url(world, "staff")),
        web_client.post(url(world, "staff"), data={"protected_hours": "8"}),
    ):
        assert response.status_code == 404
        assert "Rota rules" not in response.get_data(as_text=True)
    assert row_counts(web_app) == before


def test_signed_out_visitors_are_sent_to_sign_in(web_client, world):
    for response in (
        web_client.get(url(world, "staff")),
        web_client.post(url(world, "staff"), data={"protected_hours": "8"}),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in?next=")
