"""The pathways pages on the small test framework: routes to a target, roles one move away, the
map of roles, saving a target role, and who may do what."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from planner import create_app
from planner.core.framework import Move
from planner.db import db
from planner.models import AuditEvent, Person, ProfessionalQualification, Rating
from planner.web.pathways import pay_change
from tests.web.conftest import PASSWORD, build_world, row_counts, sign_in
from tests.web.pages import outline

TODAY = date(2026, 3, 1)
"""Twelve months after everyone in the test world started in their role."""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("planner.web.pathways.today", lambda: TODAY)


def pathways_url(world, name="staff", **query) -> str:
    url = f"/people/{world.person[name]}/pathways"
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def target_url(world, name="staff") -> str:
    return f"/people/{world.person[name]}/target"


def text_of(html: str) -> str:
    """The page's main text, tags and the picture left out, spaces squeezed."""
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r"<svg.*?</svg>", " ", main, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", main).replace("&#39;", "'").replace("&amp;", "&").split())


def selected(html: str) -> list[str]:
    """The values of the options selected on the page."""
    return re.findall(r'<option value="([^"]*)" selected', html)


def sections(html: str) -> dict[str, str]:
    return {title: text for _, title, text in outline(html)}


def set_person(app, world, name, **values):
    with app.app_context():
        person = db.session.get(Person, world.person[name])
        for key, value in values.items():
            setattr(person, key, value)
        db.session.commit()


def saved_target(app, world, name="staff"):
    with app.app_context():
        return db.session.get(Person, world.person[name]).target_role_id


def audit_events(app, action="set_target"):
    with app.app_context():
        return [
            (e.account_id, e.record_type, e.record_id, e.person_id, e.detail)
            for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        ]


def ensure_plans_create(app):
    """The plans feature's endpoint, or a stand-in for it while that feature is absent."""
    if "plans.create" not in app.view_functions:
        app.add_url_rule(
            "/people/<id:person_id>/plans", endpoint="plans.create", view_func=lambda person_id: "", methods=["POST"]
        )


def test_routes_to_the_target_show_steps_moves_pay_and_training(web_app, world, web_client):
    ensure_plans_create(web_app)
    sign_in(web_client, world, "staff")

    response = web_client.get(pathways_url(world, target="lead"))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>My pathways – planner</title>" in html
    parts = sections(html)
    assert parts["My pathways"] == "You are a Rota Coordinator (band 4). You have no saved target role."
    assert parts["Routes to Rota Lead (band 5)"].startswith(
        "1 route, fastest first. The time counts the typical months in each role before its move, "
        "and the training at 4 hours of protected learning time a month. Save Rota Lead as my target role"
    )
    route = parts["Route 1: Rota Coordinator → Rota Lead"]
    assert route.startswith(
        "16 hours of training and 6 months in post before the move: about 10 months in all. "
        "The steps of route 1 Step Move Months in role first Band and pay Training "
        "1. Rota Coordinator to Rota Lead Promotion 6 "
        "Band 4 → band 5: +£3,564 at entry, +£7,634 at the top of the band "
        "16 hours: Rota rules essentials (T01, 6 hours) Rota design workshop (T02, 7 hours) "
        "Employment law update (T03, 3 hours) "
        "This route is highlighted on the map of roles. Make this my plan (route 1)"
    )
    assert 'name="target" value="lead"' in html
    assert 'name="route" value="0"' in html
    assert selected(html) == ["lead"]


def test_the_saved_target_is_shown_by_default(web_app, world, web_client):
    set_person(web_app, world, "staff", target_role_id="lead")
    sign_in(web_client, world, "staff")

    html = web_client.get(pathways_url(world)).get_data(as_text=True)

    parts = sections(html)
    assert parts["My pathways"].startswith(
        "You are a Rota Coordinator (band 4). Your saved target role is Rota Lead (band 5). Clear my target role"
    )
    assert "Route 1: Rota Coordinator → Rota Lead" in parts
    assert "Save Rota Lead as my target role" not in html
    assert selected(html) == ["lead"]


def test_without_a_target_the_page_asks_for_one(web_app, world, web_client):
    sign_in(web_client, world, "staff")

    html = web_client.get(pathways_url(world)).get_data(as_text=True)

    parts = sections(html)
    assert parts["Choose a target role"] == (
        "Target role Every role in the framework, by band Choose a role Administrator (band 3) "
        "Rota Coordinator (band 4) Rota Lead (band 5) Show routes"
    )
    assert not any(title.startswith("Route") for title in parts)
    assert "Error" not in html[: html.index("</title>")]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("nope", "Choose a role from the list"),
        ("", "Choose a target role"),
        ("rota", "Rota Coordinator is your current role: choose another target role"),
        (
            "admin",
            "No route leads from Rota Coordinator to Administrator through the moves in the framework; "
            "the closest role you can reach is Rota Lead (band 5)",
        ),
    ],
)
def test_a_target_without_routes_is_an_error_on_the_page(web_app, world, web_client, target, message):
    sign_in(web_client, world, "staff")

    response = web_client.get(pathways_url(world, target=target))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>Error: My pathways – planner</title>" in html
    assert text_of(html).startswith(f"There is a problem {message} My pathways")
    assert re.search(rf'<a href="#target"\s*>\s*{re.escape(message)}\s*</a>', html)
    assert "Routes to" not in html


def test_a_manager_sees_the_current_role_note_in_their_words(web_app, world, web_client):
    sign_in(web_client, world, "manager")

    html = web_client.get(pathways_url(world, target="rota")).get_data(as_text=True)

    assert text_of(html).startswith(
        "There is a problem Rota Coordinator is Staff's current role: choose another target role Team A1, Trust A"
    )


def test_roles_one_move_away_show_move_months_and_readiness(web_app, world, web_client):
    with web_app.app_context():
        staff = world.person["staff"]
        db.session.add(Rating(person_id=staff, competency_id="ROT-01", level=3, rater="self", rated_by_id=staff))
        db.session.commit()
    sign_in(web_client, world, "staff")

    html = web_client.get(pathways_url(world)).get_data(as_text=True)

    assert sections(html)["Roles one move away"] == (
        "Readiness is the share of a role's required levels already held; critical competencies count double. "
        "Roles one move away from Rota Coordinator, most ready first Role Move Typical months in role first "
        "Readiness Routes Rota Lead (band 5) Promotion 18 50% See routes to Rota Lead"
    )
    assert f'href="/people/{staff}/pathways?target=lead"' in html


def test_a_role_with_no_move_onwards_says_so(web_app, world, web_client):
    sign_in(web_client, world, "manager")

    html = web_client.get(pathways_url(world, "manager")).get_data(as_text=True)

    assert sections(html)["Roles one move away"] == "No move in the framework leads on from Rota Lead."


def test_the_map_is_inline_svg_with_a_text_list_beside_it(web_app, world, web_client):
    sign_in(web_client, world, "staff")

    html = web_client.get(pathways_url(world, target="lead")).get_data(as_text=True)

    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" width=')
    svg = html[start : html.index("</svg>", start) + 6]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "Target: route step 1" in svg
    assert 'stroke-width="4"' in svg
    parts = sections(html)
    assert parts["Map of the roles around Rota Coordinator"].startswith(
        "The roles within 2 moves of Rota Coordinator, in columns by band with the lowest on the left. "
        'Rota Coordinator is marked "Current role", and the roles of route 1 are marked by their step, with a '
        "thick border. The same roles and moves are listed after the map."
    )
    assert parts["The map as a list"].startswith(
        "Administrator (band 3): moves to Rota Coordinator (promotion). "
        "Rota Coordinator (band 4), current role: moves to Rota Lead (promotion, route step 1). "
        "Rota Lead (band 5), target: route step 1: no move to another role on the map. planner helps"
    )
    assert '<div class="planner-role-map" role="region" aria-labelledby="role-map" tabindex="0">' in html
    assert "<script" not in svg and "style=" not in html[html.index("<main") : html.index("</main>")]


@pytest.fixture
def two_routes(web_app):
    """The small framework with an acting-up move beside the promotion from rota to lead."""
    framework = web_app.extensions["planner_framework"]
    web_app.extensions["planner_framework"] = replace(
        framework, moves=framework.moves + (Move("rota", "lead", "acting_up", 6),)
    )


def test_each_route_can_be_highlighted_on_the_map(web_app, world, web_client, two_routes):
    sign_in(web_client, world, "staff")

    html = web_client.get(pathways_url(world, target="lead", route=1)).get_data(as_text=True)

    parts = sections(html)
    assert parts["Routes to Rota Lead (band 5)"].startswith("2 routes, fastest first.")
    first = [text for title, text in parts.items() if title.startswith("Route 1")][0]
    assert "Acting up 0" in first
    assert first.endswith("Highlight route 1 on the map of roles Make this my plan (route 1)")
    assert f'href="/people/{world.person["staff"]}/pathways?target=lead&amp;route=0#role-map"' in html
    second = [text for title, text in parts.items() if title.startswith("Route 2")][0]
    assert "This route is highlighted on the map of roles." in second
    assert "the roles of route 2 are marked" in parts["Map of the roles around Rota Coordinator"]
    assert "Rota Coordinator (band 4), current role: moves to Rota Lead (acting up or promotion, route step 1)." in (
        parts["The map as a list"]
    )


def test_an_unknown_route_number_highlights_the_first(web_app, world, web_client):
    sign_in(web_client, world, "staff")

    html = web_client.get(pathways_url(world, target="lead", route=7)).get_data(as_text=True)

    assert "This route is highlighted on the map of roles ." in text_of(html)
    assert "the roles of route 1 are marked" in text_of(html)


def test_the_plan_button_needs_the_plans_feature(web_app, world, web_client, monkeypatch):
    ensure_plans_create(web_app)
    monkeypatch.delitem(web_app.view_functions, "plans.create")
    sign_in(web_client, world, "staff")

    html = web_client.get(pathways_url(world, target="lead")).get_data(as_text=True)

    assert "Route 1: Rota Coordinator → Rota Lead" in html
    assert "Make this my plan" not in html


def test_a_role_missing_from_the_framework_is_explained(web_app, world, web_client):
    set_person(web_app, world, "staff", role_id="gone")
    sign_in(web_client, world, "staff")

    html = web_client.get(pathways_url(world, target="lead")).get_data(as_text=True)

    parts = sections(html)
    assert parts["My pathways"] == "You have no saved target role."
    assert parts["Roles one move away"] == ""
    assert parts["Important: These roles cannot be shown"].startswith(
        "Unknown role 'gone'; the roles are: admin, lead, rota planner helps"
    )
    assert parts["There is a problem"] == "Unknown role 'gone'; the roles are: admin, lead, rota"
    assert "role-map-title" not in html


@pytest.mark.parametrize(
    ("band_from", "band_to", "words"),
    [
        ("4", "5", "Band 4 → band 5: +£3,564 at entry, +£7,634 at the top of the band"),
        ("5", "3", "Band 5 → band 3: -£6,112 at entry, -£11,198 at the top of the band"),
        ("4", "4", "Band 4, no change in pay"),
    ],
)
def test_pay_change_in_words(web_app, band_from, band_to, words):
    assert pay_change(web_app.extensions["planner_framework"], band_from, band_to) == words


# Saving a target role ------------------------------------------------------------------------


def test_saving_a_target_role_saves_audits_and_redirects(web_app, world, web_client):
    sign_in(web_client, world, "staff")

    response = web_client.post(target_url(world), data={"target_role": "lead"})

    assert response.status_code == 302
    assert response.location == pathways_url(world, target="lead")
    assert saved_target(web_app, world) == "lead"
    staff = world.person["staff"]
    assert audit_events(web_app) == [
        (world.account["staff"], "people", staff, staff, {"previous": None, "target": "lead"})
    ]
    html = web_client.get(response.location).get_data(as_text=True)
    assert "Your target role is now Rota Lead." in html
    assert "Your saved target role is Rota Lead (band 5)." in html


def test_clearing_the_target_role(web_app, world, web_client):
    set_person(web_app, world, "staff", target_role_id="lead")
    sign_in(web_client, world, "staff")

    response = web_client.post(target_url(world), data={"target_role": ""})

    assert response.status_code == 302
    assert response.location == pathways_url(world)
    assert saved_target(web_app, world) is None
    assert [event[4] for event in audit_events(web_app)] == [{"previous": "lead", "target": None}]
    html = web_client.get(response.location).get_data(as_text=True)
    assert "Your target role is cleared." in html
    assert "You have no saved target role." in html


def test_saving_the_same_target_changes_nothing(web_app, world, web_client):
    set_person(web_app, world, "staff", target_role_id="lead")
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)

    response = web_client.post(target_url(world), data={"target_role": "lead"}, follow_redirects=True)

    assert "Your target role is unchanged." in response.get_data(as_text=True)
    assert row_counts(web_app) == before
    assert audit_events(web_app) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"target_role": "nope"}, "Choose a role from the list"),
        ({}, "Choose a role from the list"),
        ({"target_role": "rota"}, "Rota Coordinator is your current role: choose another"),
    ],
)
def test_an_invalid_target_is_refused_and_nothing_changes(web_app, world, web_client, data, message):
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)

    response = web_client.post(target_url(world), data=data)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>Error: My pathways – planner</title>" in html
    assert text_of(html).startswith(f"There is a problem {message} My pathways")
    assert row_counts(web_app) == before
    assert saved_target(web_app, world) is None


# Who may do what -------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["manager", "trust_admin"])
def test_managers_and_trust_admins_see_the_routes_read_only(web_app, world, web_client, viewer):
    ensure_plans_create(web_app)
    set_person(web_app, world, "staff", target_role_id="lead")
    sign_in(web_client, world, viewer)

    response = web_client.get(pathways_url(world))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    parts = sections(html)
    assert parts["Pathways for Staff"] == (
        "Staff is a Rota Coordinator (band 4). Their saved target role is Rota Lead (band 5)."
    )
    assert "Route 1: Rota Coordinator → Rota Lead" in parts
    assert "Team A1, Trust A" in html
    assert 'method="post"' not in html.split("<main")[1]
    assert "Make this my plan" not in html
    assert "as my target role" not in html


@pytest.mark.parametrize("viewer", ["manager", "trust_admin"])
def test_managers_and_trust_admins_may_not_set_a_target(web_app, world, web_client, viewer):
    sign_in(web_client, world, viewer)
    before = row_counts(web_app)

    response = web_client.post(target_url(world), data={"target_role": "lead"})

    assert response.status_code == 403
    assert row_counts(web_app) == before
    assert saved_target(web_app, world) is None


@pytest.mark.parametrize("viewer", ["peer", "other_manager", "other_trust", "far_manager", "region_lead", "admin"])
def test_people_who_may_not_see_the_person_get_not_found(web_app, world, web_client, viewer):
    sign_in(web_client, world, viewer)
    before = row_counts(web_app)

    got = web_client.get(pathways_url(world, target="lead"))
    posted = web_client.post(target_url(world), data={"target_role": "lead"})

    assert (got.status_code, posted.status_code) == (404, 404)
    for response in (got, posted):
        assert "Rota Coordinator" not in response.get_data(as_text=True)
        assert "Staff" not in text_of(response.get_data(as_text=True))
    assert row_counts(web_app) == before


def test_an_unknown_person_is_not_found(web_app, world, web_client):
    sign_in(web_client, world, "staff")

    assert web_client.get("/people/999999/pathways").status_code == 404
    assert web_client.post("/people/999999/target", data={"target_role": "lead"}).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(web_app, world, web_client):
    before = row_counts(web_app)

    got = web_client.get(pathways_url(world))
    posted = web_client.post(target_url(world), data={"target_role": "lead"})

    for response in (got, posted):
        assert response.status_code == 302
        assert response.location.startswith("/sign-in?next=")
    assert row_counts(web_app) == before


# With CSRF protection on, as in production ------------------------------------------------------


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html).group(1)


@pytest.fixture
def protected(small_config):
    """An app with CSRF protection on, its tables and the test world."""
    app = create_app({**small_config, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        world = build_world(app.extensions["planner_framework"])
    yield app, world
    with app.app_context():
        db.engine.dispose()


def test_the_target_form_carries_its_csrf_token(protected):
    app, world = protected
    client = app.test_client()
    sign_in_page = client.get("/sign-in").get_data(as_text=True)
    client.post(
        "/sign-in",
        data={"email": world.email("staff"), "password": PASSWORD, "csrf_token": csrf_from(sign_in_page)},
    )
    page = client.get(pathways_url(world, target="lead")).get_data(as_text=True)
    before = row_counts(app)

    refused = client.post(target_url(world), data={"target_role": "lead"})
    unchanged = row_counts(app)
    saved = client.post(target_url(world), data={"target_role": "lead", "csrf_token": csrf_from(page)})

    assert refused.status_code == 400
    assert unchanged == before
    assert saved.status_code == 302
    assert saved_target(app, world) == "lead"
    assert row_counts(app)["audit_events"] == before["audit_events"] + 1


# Professional qualifications that help -------------------------------------------------------


@pytest.fixture
def qualified(web_app):
    """The small framework with qualifications: CIPD level 5 helps as rota lead; CIPD level 3 and
    HR Support help on the promotion from rota coordinator to rota lead."""
    from tests.web.test_qualifications import with_qualifications

    web_app.extensions["planner_framework"] = with_qualifications(web_app.extensions["planner_framework"])


def hold(app, world, name, qualification_id, awarded):
    with app.app_context():
        db.session.add(ProfessionalQualification(
            person_id=world.person[name], qualification_id=qualification_id, awarded_on=awarded,
            recorded_by_id=world.account[name],
        ))
        db.session.commit()


def test_a_route_marks_the_qualifications_that_help_held_or_not(web_app, world, web_client, qualified):
    hold(web_app, world, "staff", "cipd_l3", date(2024, 7, 15))
    sign_in(web_client, world, "staff")

    html = web_client.get(pathways_url(world, target="lead")).get_data(as_text=True)

    parts = sections(html)
    assert (
        "Professional qualifications that help as Rota Lead (none is required): "
        "Not held CIPD Level 5 Associate Diploma"
    ) in parts["Routes to Rota Lead (band 5)"]
    route = parts["Route 1: Rota Coordinator → Rota Lead"]
    assert "Training Qualifications that help 1. Rota Coordinator to Rota Lead" in route
    assert (
        "(T03, 3 hours) Held CIPD Level 3 Foundation Certificate, awarded on 15 July 2024 "
        "Not held HR Support apprenticeship"
    ) in route
    assert route.endswith(
        "A qualification is marked held when it is on your professional qualifications, where you can record one."
    )
    assert f'href="/people/{world.person["staff"]}/qualifications"' in html


def test_a_step_without_qualifications_that_help_says_none_are_listed(web_app, world, web_client, qualified):
    set_person(web_app, world, "other_team", role_id="admin")
    sign_in(web_client, world, "trust_admin")

    html = web_client.get(pathways_url(world, "other_team", target="lead")).get_data(as_text=True)

    route = sections(html)["Route 1: Administrator → Rota Coordinator → Rota Lead"]
    assert "(T02, 7 hours) None listed 2. Rota Coordinator to Rota Lead" in route
    assert "(T03, 3 hours) Not held CIPD Level 3 Foundation Certificate Not held HR Support apprenticeship" in route
    assert route.endswith("A qualification is marked held when it is on Other Team's professional qualifications.")


def test_routes_without_qualifications_that_help_show_no_such_column(web_app, world, web_client):
    sign_in(web_client, world, "staff")

    html = web_client.get(pathways_url(world, target="lead")).get_data(as_text=True)

    assert "Qualifications that help" not in html and "marked held" not in html
