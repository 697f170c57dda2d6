"""The permission table's own rules: fail closed, refuse by role before the view, and audit each
refusal once; what each row answers every kind of account is in tests/web/test_access.py."""

from __future__ import annotations

import importlib
import logging

import pytest
from flask import abort
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from planner.db import db
from planner.models import AuditEvent, Region
from planner.web import permissions
from planner.web.permissions import ANYONE, PERMISSIONS, PUBLIC, SCOPES, allow, is_public, rule_for
from tests.web.conftest import sign_in


def refusals(app) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "refused").order_by(AuditEvent.id)))


def test_every_scope_names_rules_that_exist_and_says_what_it_means():
    for name, scope in SCOPES.items():
        assert scope.means, name
        for rule in scope.rules:
            module, _, function = rule.partition(".")
            assert callable(getattr(importlib.import_module(f"planner.web.{module}"), function, None)), (name, rule)
    # Only the public and the "any account" scopes leave everything to the roles.
    assert {name for name, scope in SCOPES.items() if not scope.rules} == {PUBLIC, permissions.SIGNED_IN}


def test_a_cell_is_found_by_endpoint_and_method_and_head_and_options_follow_get():
    assert rule_for("staff.person_home", "GET") is PERMISSIONS["staff.person_home"]["GET"]
    assert rule_for("staff.person_home", "HEAD") is rule_for("staff.person_home", "OPTIONS") is rule_for("staff.person_home", "GET")
    assert rule_for("staff.person_home", "POST") is None
    assert rule_for("no.such_endpoint", "GET") is None
    assert rule_for(None, "GET") is None


def test_only_rows_open_to_anyone_for_every_method_are_public():
    assert is_public("home.index") and is_public("auth.sign_in")
    assert not is_public("staff.person_home") and not is_public("no.such_endpoint") and not is_public(None)


def test_allow_without_roles_means_every_role():
    assert allow(permissions.OWN).roles == permissions.EVERY_ROLE
    assert allow(permissions.TEAM, "manager").roles == {"manager"}


@pytest.fixture
def unlisted(web_app):
    """The app with one route the table has no row for."""

    @web_app.get("/unlisted")
    def unlisted_page():
        return "nobody should see this"

    return web_app


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_a_route_missing_from_the_table_is_refused_for_everyone_and_logged(unlisted, world, caplog, who):
    client = unlisted.test_client()
    if who != "anonymous":
        sign_in(client, world, who)
    with caplog.at_level(logging.ERROR, logger=unlisted.logger.name):
        response = client.get("/unlisted")
    assert response.status_code == 404
    assert "nobody should see this" not in response.get_data(as_text=True)
    assert "'unlisted_page' has no row for GET in planner.web.permissions.PERMISSIONS" in caplog.text
    [event] = refusals(unlisted)
    assert event.account_id == world.account.get(who)
    assert (event.record_type, event.record_id, event.person_id) == ("route", None, None)
    assert event.detail == {"endpoint": "unlisted_page", "method": "GET", "status": 404, "path": "/unlisted"}


def test_a_method_missing_from_a_row_is_refused(web_app, world, monkeypatch):
    monkeypatch.setitem(PERMISSIONS, "needs.needs", {"GET": PERMISSIONS["needs.needs"]["GET"]})
    client = web_app.test_client()
    sign_in(client, world, "staff")
    assert client.get(f"/people/{world.person['staff']}/needs").status_code == 200
    assert client.post(f"/people/{world.person['staff']}/needs", data={"protected_hours": "6"}).status_code == 404
    assert [event.detail["method"] for event in refusals(web_app)] == ["POST"]


def test_an_account_without_the_roles_a_row_names_is_refused_before_the_view_runs(web_app, world, monkeypatch):
    ran = []
    monkeypatch.setitem(web_app.view_functions, "manager.teams", lambda: ran.append(True) or "ran")
    client = web_app.test_client()
    sign_in(client, world, "staff")
    assert client.get("/teams").status_code == 403
    assert not ran
    [event] = refusals(web_app)
    assert event.account_id == world.account["staff"] and event.detail["status"] == 403


def test_an_anonymous_request_for_a_page_that_needs_an_account_is_sent_to_sign_in_and_audited(web_client, web_app, world):
    for method in ("GET", "HEAD"):
        response = web_client.open("/me", method=method)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")
    assert [(event.account_id, event.detail) for event in refusals(web_app)] == [
        (None, {"endpoint": "staff.home", "method": "GET", "status": 302, "path": "/me"}),
        (None, {"endpoint": "staff.home", "method": "HEAD", "status": 302, "path": "/me"}),
    ]


def test_not_found_on_public_pages_and_unknown_addresses_is_not_audited(web_app, world):
    client = web_app.test_client()
    sign_in(client, world, "staff")
    for url in ("/explore/no-such-role", "/no/such/page", "/assets/no-such-file.css", "/people/not-a-number"):
        assert client.get(url).status_code == 404, url
    assert web_app.test_client().get("/no/such/page").status_code == 404
    assert refusals(web_app) == []


@pytest.fixture
def changes_then_refuses(web_app, monkeypatch):
    """The app with a signed-in route that adds a region and then refuses the request."""

    @web_app.get("/changes-then-refuses")
    def changes_then_refuses_page():
        db.session.add(Region(name="Half made"))
        db.session.flush()
        abort(403)

    monkeypatch.setitem(PERMISSIONS, "changes_then_refuses_page", {"GET": allow(permissions.SIGNED_IN)})
    return web_app


def test_a_refusal_keeps_nothing_the_request_had_changed(changes_then_refuses, world):
    client = changes_then_refuses.test_client()
    sign_in(client, world, "staff")
    assert client.get("/changes-then-refuses").status_code == 403
    with changes_then_refuses.app_context():
        assert db.session.scalar(select(func.count()).select_from(Region).where(Region.name == "Half made")) == 0
    assert len(refusals(changes_then_refuses)) == 1


def test_a_refusal_the_audit_cannot_record_is_logged_and_still_answered(changes_then_refuses, world, monkeypatch, caplog):
    client = changes_then_refuses.test_client()
    sign_in(client, world, "staff")
    real_commit = db.session.commit

    def failing_commit():
        raise OperationalError("INSERT INTO audit_events", {}, Exception("disk full"))

    monkeypatch.setattr(db.session, "commit", failing_commit)
    response = client.get("/changes-then-refuses")
    monkeypatch.setattr(db.session, "commit", real_commit)
    assert response.status_code == 403
    assert "You cannot do that" in response.get_data(as_text=True)
    assert "Could not record the refusal of GET /changes-then-refuses" in caplog.text
    assert refusals(changes_then_refuses) == []


def test_a_public_route_added_for_the_app_answers_anyone(web_app, monkeypatch):
    @web_app.get("/open-page")
    def open_page():
        return "open to all"

    monkeypatch.setitem(PERMISSIONS, "open_page", {"GET": ANYONE})
    assert web_app.test_client().get("/open-page").get_data(as_text=True) == "open to all"
