"""The staff home page: role, band, readiness, top gaps and next actions."""

from __future__ import annotations

from datetime import datetime

from planner.db import db
from planner.models import Person, Rating
from tests.web.conftest import sign_in
from tests.web.pages import outline


def rate(app, world, name, rater="self", **levels):
    """Add ratings of ``name`` (by themselves, or by their manager)."""
    with app.app_context():
        by = world.person[name] if rater == "self" else world.person["manager"]
        for competency, level in levels.items():
            db.session.add(
                Rating(
                    person_id=world.person[name],
                    competency_id=competency.replace("_", "-"),
                    level=level,
                    rater=rater,
                    rated_by_id=by,
                    created_at=datetime(2026, 1, 1),
                )
            )
        db.session.commit()


def test_my_home_shows_my_role_band_readiness_and_gaps(web_app, web_client, world):
    rate(web_app, world, "staff", ROT_01=1)
    sign_in(web_client, world, "staff")
    page = web_client.get("/me", follow_redirects=True).get_data(as_text=True)
    sections = dict((title, text) for _, title, text in outline(page))
    assert "Rota Coordinator" in sections["My home"] and "Band 4" in sections["My home"]
    assert "For Rota Coordinator (current role)" in sections["How ready I am"]
    # ROT-01 (critical, 1 of 2 held, counted twice) and ROT-02 (0 of 2): 2 of 6 weighted levels.
    assert "33%" in sections["How ready I am"]
    gaps = sections["My top gaps"]
    assert "Rota rules (critical)" in gaps and "Red: 1 level short, critical" in gaps
    assert "Rota design" in gaps and "Red: 2 levels short" in gaps
    actions = sections["Next actions"]
    assert "Rate 1 competency not yet assessed" in actions  # ROT-02 is unrated
    assert "Choose a target role" in actions
    assert "Next training: Rota rules essentials (6 hours)" in actions
    assert "Make a development plan" in actions
    assert "Validate" not in actions


def test_with_a_target_the_home_shows_readiness_for_it(web_app, web_client, world):
    with web_app.app_context():
        db.session.get(Person, world.person["staff"]).target_role_id = "lead"
        db.session.commit()
    rate(web_app, world, "staff", ROT_01=3, ROT_02=3, HRF_01=2)
    sign_in(web_client, world, "staff")
    page = web_client.get(f"/people/{world.person['staff']}").get_data(as_text=True)
    sections = dict((title, text) for _, title, text in outline(page))
    assert "100%" in sections["How ready I am"] and "For Rota Lead (target)" in sections["How ready I am"]
    assert "No gaps" in sections["My top gaps for Rota Lead"]
    assert "Choose a target role" not in sections["Next actions"]


def test_a_manager_sees_their_team_members_home_with_a_link_to_validate(web_client, world):
    sign_in(web_client, world, "manager")
    page = web_client.get(f"/people/{world.person['staff']}").get_data(as_text=True)
    sections = dict((title, text) for _, title, text in outline(page))
    assert "Staff" in sections and "Their top gaps" in sections
    assert "Validate Staff's self-assessment" in sections["Next actions"]
    assert "Data held about Staff" not in page


def test_the_trust_admin_finds_the_data_held_about_a_person_from_their_home(web_client, world):
    sign_in(web_client, world, "trust_admin")
    page = web_client.get(f"/people/{world.person['staff']}").get_data(as_text=True)
    assert f'href="/people/{world.person["staff"]}/data">Data held about Staff</a>' in page
    own = web_client.get(f"/people/{world.person['trust_admin']}").get_data(as_text=True)
    assert "Data held about" not in own


def test_the_navigation_marks_the_current_page(web_client, world):
    sign_in(web_client, world, "staff")
    page = web_client.get("/me", follow_redirects=True).get_data(as_text=True)
    assert 'aria-current="page"' in page and "Sign out" in page
    assert "My teams" not in page


def test_a_person_outside_my_reach_is_not_found(web_client, world):
    sign_in(web_client, world, "peer")
    response = web_client.get(f"/people/{world.person['staff']}")
    assert response.status_code == 404
    assert "Staff" not in response.get_data(as_text=True).replace("staff", "")


def test_an_account_without_a_person_record_cannot_have_a_home(web_app, web_client, world):
    from planner.models import Account

    with web_app.app_context():
        account = db.session.get(Account, world.account["admin"])
        account.person_id = None
        db.session.commit()
    sign_in(web_client, world, "admin")
    assert web_client.get("/me").status_code == 403


def test_names_are_shown_as_text_everywhere_even_inside_the_nhs_components(web_app, web_client, world):
    with web_app.app_context():
        db.session.get(Person, world.person["staff"]).name = "<b>Sam</b>"
        db.session.commit()
    sign_in(web_client, world, "staff")
    page = web_client.get("/me", follow_redirects=True).get_data(as_text=True)
    assert "<b>Sam</b>" not in page
    assert page.count("&lt;b&gt;Sam&lt;/b&gt;") >= 2  # in the header's account item and on the page


def test_a_target_the_framework_no_longer_has_is_set_aside_with_a_warning(web_app, web_client, world):
    with web_app.app_context():
        db.session.get(Person, world.person["staff"]).target_role_id = "retired_role"
        db.session.commit()
    sign_in(web_client, world, "staff")
    page = web_client.get(f"/people/{world.person['staff']}").get_data(as_text=True)
    assert "Target role no longer in the framework" in page and "retired_role" in page
    assert "Choose a target role" in page


def test_a_role_the_framework_no_longer_has_says_so_instead_of_failing(web_app, web_client, world):
    with web_app.app_context():
        db.session.get(Person, world.person["staff"]).role_id = "retired_role"
        db.session.commit()
    sign_in(web_client, world, "staff")
    response = web_client.get(f"/people/{world.person['staff']}")
    assert response.status_code == 200
    assert "no plan can be made" in response.get_data(as_text=True)
    assert "unknown role &#39;retired_role&#39;" in response.get_data(as_text=True)
    assert web_client.get(f"/people/{world.person['staff']}/assessment").status_code == 200
    assert web_client.get(f"/people/{world.person['staff']}/assessment/ROT").status_code == 200


def test_the_home_page_shows_a_new_rating_at_once_though_the_overview_is_kept(web_app, web_client, world):
    rate(web_app, world, "staff", ROT_01=1)
    sign_in(web_client, world, "staff")
    home = f"/people/{world.person['staff']}"
    readiness = lambda: dict((t, text) for _, t, text in outline(web_client.get(home).get_data(as_text=True)))["How ready I am"]
    assert "33%" in readiness() and "33%" in readiness()
    rate(web_app, world, "staff", ROT_02=2)
    # ROT-01 at 1 of 2 (critical, counted twice) and ROT-02 at 2 of 2: 4 of 6 weighted levels.
    assert "67%" in readiness()


def test_an_overview_is_worked_out_once_for_each_distinct_set_of_inputs(monkeypatch, framework):
    from datetime import date

    from planner.core.framework import Person as CorePerson
    from planner.recent import Recent
    from planner.web import staff

    calls = []
    monkeypatch.setattr(staff, "overview", lambda *args: calls.append(args) or object())
    monkeypatch.setattr(staff, "overviews", Recent(2))
    person = CorePerson("Sam", "rota_coordinator", {"ROT-01": 1})
    day = date(2026, 11, 26)
    first = staff.person_overview(framework, person, None, frozenset({"ROT-01"}), day)
    assert staff.person_overview(framework, person, None, frozenset({"ROT-01"}), day) is first
    assert len(calls) == 1
    raised = CorePerson("Sam", "rota_coordinator", {"ROT-01": 2})
    assert staff.person_overview(framework, raised, None, frozenset({"ROT-01"}), day) is not first
    staff.person_overview(framework, person, None, frozenset({"ROT-01"}), date(2026, 11, 27))
    assert len(calls) == 3 and len(staff.overviews) == 2  # the oldest was let go
    staff.person_overview(framework, person, None, frozenset({"ROT-01"}), day)
    assert len(calls) == 4
