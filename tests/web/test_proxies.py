"""Behind a reverse proxy (``PLANNER_TRUSTED_PROXIES``): the client's address and scheme come from
the proxy's X-Forwarded-For and X-Forwarded-Proto headers, and from nowhere else without it."""

from __future__ import annotations

import pytest

from planner import create_app
from planner.db import db

WRONG = {"email": "nobody@trust.nhs.example", "password": "not the password"}


@pytest.fixture
def proxied_app(small_config):
    """An app with a sign-in limit of one attempt a minute; ``PLANNER_TRUSTED_PROXIES`` set per test."""

    def make(proxies: int):
        app = create_app({**small_config, "WTF_CSRF_ENABLED": False, "PLANNER_SIGN_IN_LIMIT": "1 per minute", "PLANNER_TRUSTED_PROXIES": proxies})
        with app.app_context():
            db.create_all()
        made.append(app)
        return app

    made = []
    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


def attempt(client, address: str):
    return client.post("/sign-in", data=WRONG, headers={"X-Forwarded-For": address, "X-Forwarded-Proto": "https"})


def test_behind_one_proxy_each_client_address_has_its_own_sign_in_count_and_https_is_seen(proxied_app):
    client = proxied_app(1).test_client()
    first = attempt(client, "198.51.100.7")
    assert first.status_code == 200
    assert "Strict-Transport-Security" in first.headers  # the proxy said the request came over HTTPS
    assert attempt(client, "198.51.100.8").status_code == 200  # another person behind the same proxy
    assert attempt(client, "198.51.100.7").status_code == 429


def test_without_a_trusted_proxy_the_forwarded_headers_are_ignored(proxied_app):
    client = proxied_app(0).test_client()
    first = attempt(client, "198.51.100.7")
    assert first.status_code == 200 and "Strict-Transport-Security" not in first.headers
    # A client cannot pretend to be someone else to get more attempts.
    assert attempt(client, "198.51.100.8").status_code == 429
