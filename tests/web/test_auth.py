"""Signing in and out: one message for every wrong detail, sessions that really end, a rate limit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from planner import create_app
from planner.db import db
from planner.models import Account, AuditEvent
from planner.web.auth import WRONG_DETAILS
from tests.web.conftest import PASSWORD, build_world, sign_in


def test_the_sign_in_page_asks_for_email_and_password(web_client):
    page = web_client.get("/sign-in").get_data(as_text=True)
    assert "<h1>Sign in</h1>" in page
    assert 'name="email"' in page and 'name="password"' in page and 'autocomplete="current-password"' in page
    assert "Demo sign-ins" not in page


def test_signing_in_goes_to_my_home_and_is_audited(web_app, web_client, world):
    response = sign_in(web_client, world, "staff")
    assert response.headers["Location"] == "/me"
    assert web_client.get("/me").headers["Location"] == f"/people/{world.person['staff']}"
    with web_app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in"))
        assert event.account_id == world.account["staff"] and event.person_id == world.person["staff"]


@pytest.mark.parametrize(
    "email, password",
    [
        ("staff@trust.nhs.example", "wrong password"),
        ("nobody@trust.nhs.example", PASSWORD),
        ("inactive@trust.nhs.example", PASSWORD),
    ],
)
def test_every_wrong_detail_gets_the_same_message(web_app, web_client, world, email, password):
    with web_app.app_context():
        account = Account(email="inactive@trust.nhs.example", active=False)
        account.set_password(PASSWORD)
        db.session.add(account)
        db.session.commit()
    response = web_client.post("/sign-in", data={"email": email, "password": password})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert WRONG_DETAILS.replace("'", "&#39;") in page
    assert "<title>Error: Sign in" in page
    assert web_client.get("/me").status_code == 302  # still signed out


def test_empty_fields_are_named_in_the_error_summary(web_client, world):
    page = web_client.post("/sign-in", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "There is a problem" in page
    assert 'href="#email"' in page and "Enter your email address" in page
    assert 'href="#password"' in page and "Enter your password" in page


def test_email_is_matched_without_regard_to_case(web_client, world):
    response = web_client.post("/sign-in", data={"email": "STAFF@Trust.NHS.example", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "target, expected",
    [("/people/1", "/people/1"), ("https://elsewhere.example/", "/me"), ("//elsewhere.example/x", "/me")],
)
def test_after_sign_in_only_pages_on_this_site_are_followed(web_client, world, target, expected):
    response = web_client.post(
        "/sign-in", query_string={"next": target}, data={"email": world.email("staff"), "password": PASSWORD}
    )
    assert response.headers["Location"] == expected


def test_a_page_that_needs_sign_in_sends_you_to_sign_in_and_back(web_client, world):
    response = web_client.get(f"/people/{world.person['staff']}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_signed_in_people_visiting_sign_in_go_home(web_client, world):
    sign_in(web_client, world, "staff")
    assert web_client.get("/sign-in").headers["Location"] == "/me"


def test_signing_out_ends_every_session_of_the_account(web_app, world):
    laptop, phone = web_app.test_client(), web_app.test_client()
    sign_in(laptop, world, "staff")
    sign_in(phone, world, "staff")
    assert "Signing out ends your session" in laptop.get("/sign-out").get_data(as_text=True)
    response = laptop.post("/sign-out")
    assert response.headers["Location"] == "/sign-in"
    assert "You have signed out." in laptop.get("/sign-in").get_data(as_text=True)
    assert laptop.get("/me").status_code == 302
    assert phone.get("/me").status_code == 302  # the other device's session ended too


def test_a_deactivated_account_is_signed_out_at_its_next_request(web_app, web_client, world):
    sign_in(web_client, world, "staff")
    with web_app.app_context():
        db.session.get(Account, world.account["staff"]).active = False
        db.session.commit()
    assert web_client.get("/me").status_code == 302


@pytest.mark.parametrize("cookie", ["garbage", "1:x", "999:1"])
def test_a_forged_session_id_is_no_session(web_app, world, cookie):
    from planner.web.auth import load_account

    with web_app.app_context():
        assert load_account(cookie) is None


def test_demo_accounts_sign_in_only_in_demo_mode(web_app, web_client, world):
    with web_app.app_context():
        account = Account(email="staff@demo.example")
        account.set_password(PASSWORD)
        db.session.add(account)
        db.session.commit()
    data = {"email": "staff@demo.example", "password": PASSWORD}
    assert web_client.post("/sign-in", data=data).status_code == 200
    web_app.config["PLANNER_DEMO"] = True
    assert "staff@demo.example" in web_client.get("/sign-in").get_data(as_text=True)
    assert web_client.post("/sign-in", data=data).status_code == 302


def test_sign_in_attempts_are_limited(small_config):
    app = create_app({**small_config, "WTF_CSRF_ENABLED": False, "PLANNER_SIGN_IN_LIMIT": "3 per minute"})
    with app.app_context():
        db.create_all()
        world = build_world(app.extensions["planner_framework"])
    client = app.test_client()
    data = {"email": world.email("staff"), "password": "wrong"}
    assert [client.post("/sign-in", data=data).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.post("/sign-in", data={"email": world.email("staff"), "password": PASSWORD})
    assert refused.status_code == 429
    assert "Too Many Requests" in refused.get_data(as_text=True)
    assert client.get("/me").status_code == 302
    with app.app_context():
        db.engine.dispose()


def test_a_sign_in_without_the_form_token_is_refused(small_config):
    app = create_app({**small_config, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        world = build_world(app.extensions["planner_framework"])
    client = app.test_client()
    response = client.post("/sign-in", data={"email": world.email("staff"), "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/me").status_code == 302
    with app.app_context():
        db.engine.dispose()
