"""Signing in and out: one message for every wrong detail, sessions that really end, a rate limit."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import select

from planner import create_app
from planner.db import db
from planner.models import Account, AuditEvent
from planner.web.auth import WRONG_DETAILS
from tests.web.conftest import PASSWORD, build_world, sign_in


@contextmanager
def app_and_world(small_config: dict, **settings):
    """An app with these settings (CSRF off) and the test world in its database: ``(app, world)``."""
    app = create_app({**small_config, "WTF_CSRF_ENABLED": False, **settings})
    with app.app_context():
        db.create_all()
        world = build_world(app.extensions["planner_framework"])
    try:
        yield app, world
    finally:
        with app.app_context():
            db.engine.dispose()


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


# --- how long a session lasts ------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """The clock session lifetimes are measured by, moved by hand: ``clock.now`` in seconds."""
    from planner import sessions

    class Clock:
        now = 1_000_000.0

        def advance(self, *, minutes: float = 0, hours: float = 0) -> None:
            self.now += minutes * 60 + hours * 3600

    moved = Clock()
    monkeypatch.setattr(sessions, "now", lambda: moved.now)
    return moved


def test_a_session_ends_after_30_minutes_without_activity(web_client, world, clock):
    sign_in(web_client, world, "staff")
    clock.advance(minutes=29)
    assert web_client.get("/me").headers["Location"] == f"/people/{world.person['staff']}"
    clock.advance(minutes=29)  # 29 minutes after the last request: still on
    assert web_client.get(f"/people/{world.person['staff']}").status_code == 200
    clock.advance(minutes=31)
    response = web_client.get(f"/people/{world.person['staff']}?tab=1")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sign-in?next=/people/{world.person['staff']}?tab%3D1"
    page = web_client.get("/sign-in").get_data(as_text=True)
    assert "Your session ended after 30 minutes without activity; sign in again." in page
    assert web_client.get("/me").status_code == 302  # signed out, not just redirected once


def test_a_busy_session_still_ends_12_hours_after_signing_in(web_client, world, clock):
    sign_in(web_client, world, "staff")
    for _ in range(12 * 4):
        clock.advance(minutes=15)
        assert web_client.get("/me").headers["Location"] == f"/people/{world.person['staff']}"
    clock.advance(minutes=1)
    assert web_client.get("/me").headers["Location"] == "/sign-in?next=/me"
    assert "Your session ended 12 hours after you signed in; sign in again." in web_client.get("/sign-in").get_data(as_text=True)


def test_the_lifetimes_are_settings(small_config, clock):
    with app_and_world(small_config, RATELIMIT_ENABLED=False, PLANNER_SESSION_IDLE_MINUTES="5") as (app, world):
        client = app.test_client()
        sign_in(client, world, "staff")
        clock.advance(minutes=6)
        assert client.get("/me").headers["Location"] == "/sign-in?next=/me"
        assert "after 5 minutes without activity" in client.get("/sign-in").get_data(as_text=True)


def test_a_form_sent_after_the_session_ended_goes_to_sign_in_without_coming_back(web_client, world, clock):
    sign_in(web_client, world, "staff")
    clock.advance(hours=1)
    assert web_client.post("/sign-out").headers["Location"] == "/sign-in"
    clock.advance(hours=1)
    assert web_client.get("/sign-in").status_code == 200  # nothing to end any more


def test_an_ended_session_visiting_sign_in_is_asked_to_sign_in(web_client, world, clock):
    sign_in(web_client, world, "staff")
    clock.advance(hours=1)
    assert web_client.get("/sign-in").headers["Location"] == "/sign-in"


def test_files_neither_end_a_session_nor_rewrite_its_cookie(web_client, world, clock):
    sign_in(web_client, world, "staff")
    clock.advance(minutes=20)
    with web_client.get("/static/css/planner.css") as response:
        assert response.status_code == 200 and "Set-Cookie" not in response.headers
    with web_client.get("/assets/images/no-such-image.svg") as response:  # an asset, found or not
        assert "Set-Cookie" not in response.headers
    clock.advance(minutes=20)  # 40 minutes after the last page: the files did not count
    assert web_client.get("/me").headers["Location"] == "/sign-in?next=/me"


def test_activity_is_noted_at_most_once_a_minute(web_client, world, clock):
    sign_in(web_client, world, "staff")
    clock.advance(minutes=0.5)
    assert "Set-Cookie" not in web_client.get("/me").headers
    clock.advance(minutes=1)
    assert "Set-Cookie" in web_client.get("/me").headers


def test_a_session_from_before_the_times_were_kept_has_ended(web_client, world):
    sign_in(web_client, world, "staff")
    with web_client.session_transaction() as session:
        del session["planner_signed_in_at"]
    assert web_client.get("/me").headers["Location"] == "/sign-in?next=/me"


# --- the session cookie ------------------------------------------------------------------------


def session_cookie(response) -> str:
    return next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))


def test_the_session_cookie_is_secure_over_https_and_always_httponly_and_lax(web_app, world):
    over_http = sign_in(web_app.test_client(), world, "staff")
    https = web_app.test_client()
    over_https = https.post(
        "/sign-in", base_url="https://localhost", data={"email": world.email("staff"), "password": PASSWORD}
    )
    assert over_https.status_code == 302
    for cookie in (session_cookie(over_http), session_cookie(over_https)):
        assert "; HttpOnly" in cookie and "; SameSite=Lax" in cookie
        assert "Expires" not in cookie  # gone when the browser closes
    assert "; Secure" not in session_cookie(over_http)
    assert "; Secure" in session_cookie(over_https)


def test_the_session_cookie_is_secure_everywhere_when_configured(web_app, world):
    web_app.config["SESSION_COOKIE_SECURE"] = True
    assert "; Secure" in session_cookie(sign_in(web_app.test_client(), world, "staff"))


def test_no_remember_me_cookie_is_ever_set(web_app, world):
    response = sign_in(web_app.test_client(), world, "staff")
    assert [value.partition("=")[0] for value in response.headers.getlist("Set-Cookie")] == ["session"]
    assert web_app.config["REMEMBER_COOKIE_HTTPONLY"] is True and web_app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


# --- nothing tells which accounts exist --------------------------------------------------------


def test_an_unknown_email_and_a_wrong_password_get_the_same_answer(web_client, world):
    known, unknown = world.email("staff"), "nobody.at.all@trust.nhs.example"
    wrong_password = web_client.post("/sign-in", data={"email": known, "password": "not the password"})
    no_account = web_client.post("/sign-in", data={"email": unknown, "password": "not the password"})
    assert wrong_password.status_code == no_account.status_code == 200
    # The pages differ only in the email typed, which the form shows back.
    assert wrong_password.get_data().replace(known.encode(), b"EMAIL") == no_account.get_data().replace(
        unknown.encode(), b"EMAIL"
    )


def test_the_sign_in_limit_answers_known_and_unknown_emails_alike(small_config):
    with app_and_world(small_config, PLANNER_SIGN_IN_LIMIT="2 per minute") as (app, world):
        client = app.test_client()
        for _ in range(2):
            client.post("/sign-in", data={"email": world.email("staff"), "password": "wrong"})
        known = client.post("/sign-in", data={"email": world.email("staff"), "password": "wrong"})
        unknown = client.post("/sign-in", data={"email": "nobody@trust.nhs.example", "password": "wrong"})
    assert known.status_code == unknown.status_code == 429
    assert known.get_data() == unknown.get_data()
    page = known.get_data(as_text=True)
    assert 'class="nhsuk-header' in page and "Traceback" not in page and world.email("staff") not in page


# --- debug stays off ---------------------------------------------------------------------------


def test_the_app_never_starts_in_debug_mode_by_itself(small_config, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app(small_config)
    assert app.debug is False
    assert app.config["PROPAGATE_EXCEPTIONS"] is None and app.config["TESTING"] is True


def test_a_failure_shows_no_traceback_with_the_default_settings(small_config, monkeypatch):
    from planner.web.permissions import ANYONE, PERMISSIONS

    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setitem(PERMISSIONS, "broken", {"GET": ANYONE})
    app = create_app({key: value for key, value in small_config.items() if key != "TESTING"})

    @app.get("/broken")
    def broken():
        raise RuntimeError("internal detail")

    response = app.test_client().get("/broken")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in page and "internal detail" not in page and "RuntimeError" not in page


def test_an_ended_session_goes_to_sign_in_even_where_its_account_was_refused(web_client, world, clock):
    sign_in(web_client, world, "staff")
    clock.advance(hours=1)
    assert web_client.get("/teams").headers["Location"] == "/sign-in?next=/teams"  # not "You cannot do that"


def test_signing_in_replaces_a_hash_from_before_argon2id_and_keeps_the_other_sessions(web_app, world):
    from werkzeug.security import generate_password_hash

    with web_app.app_context():
        account = db.session.get(Account, world.account["staff"])
        account.password_hash = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
        db.session.commit()
    first, second = web_app.test_client(), web_app.test_client()
    sign_in(first, world, "staff")
    with web_app.app_context():
        account = db.session.get(Account, world.account["staff"])
        assert account.password_hash.startswith("$argon2id$") and account.check_password(PASSWORD)
        version = account.session_version
    sign_in(second, world, "staff")  # with the new hash
    assert first.get("/me").status_code == 302 and first.get("/me").headers["Location"] == f"/people/{world.person['staff']}"
    with web_app.app_context():
        assert db.session.get(Account, world.account["staff"]).session_version == version
