"""The outage page: a database or Redis that cannot be reached gives a 503 page that says to try
again in a few minutes, with ``Retry-After`` and no traceback, and planner carries on by itself
once the service is back."""

from __future__ import annotations

import shutil
import socket
import time

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy import select
from sqlalchemy.exc import DisconnectionError, OperationalError

from planner import create_app
from planner.db import db, engine_options
from planner.models import PrintJob
from planner.web.outage import RETRY_AFTER_SECONDS, is_outage
from tests.web.conftest import build_world, sign_in
from tests.web.pages import outline

SORRY = "Sorry, the service is unavailable"


def assert_outage_page(response) -> str:
    """The response is the outage page; its text."""
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.headers["Cache-Control"] == "no-store"
    assert outline(page)[0][:2] == ("h1", SORRY)
    assert "Try again in a few minutes." in page
    assert 'class="nhsuk-header' in page
    assert "Traceback" not in page and "OperationalError" not in page and "sqlite" not in page.lower()
    return page


@pytest.fixture
def sqlite_app(small_config, tmp_path):
    """An app on a SQLite file of its own (whatever database the other tests use), with the world."""
    app = create_app(
        {
            **small_config,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'outage.db'}",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        app.world = build_world(app.extensions["planner_framework"])
    yield app
    with app.app_context():
        db.engine.dispose()


class DeadDatabase:
    """Puts a folder where the SQLite file was, so no connection can open it, and puts it back."""

    def __init__(self, app, tmp_path):
        self.app, self.path, self.kept = app, tmp_path / "outage.db", tmp_path / "kept.db"

    def __enter__(self):
        with self.app.app_context():
            db.engine.dispose()  # no pooled connection outlives the file
        shutil.move(self.path, self.kept)
        self.path.mkdir()
        return self

    def __exit__(self, *exc):
        self.path.rmdir()
        shutil.move(self.kept, self.path)


def test_a_signed_in_page_on_a_dead_database_is_the_outage_page_and_recovers_without_a_restart(sqlite_app, tmp_path, caplog):
    client = sqlite_app.test_client()
    sign_in(client, sqlite_app.world, "staff")
    with DeadDatabase(sqlite_app, tmp_path):
        # Loading the signed-in account is the first thing that needs the database.
        page = assert_outage_page(client.get("/me"))
        assert "Sign out" not in page  # shown as to a visitor: the account could not be read
        assert "service unavailable: OperationalError" in caplog.text
    response = client.get("/me", follow_redirects=True)
    assert response.status_code == 200 and "Staff" in response.get_data(as_text=True)


def test_a_page_not_found_on_a_dead_database_is_the_outage_page_not_a_bare_error(sqlite_app, tmp_path):
    client = sqlite_app.test_client()
    sign_in(client, sqlite_app.world, "staff")
    with DeadDatabase(sqlite_app, tmp_path):
        assert_outage_page(client.get("/no-such-page"))


def test_the_assets_need_no_database(sqlite_app, tmp_path):
    client = sqlite_app.test_client()
    sign_in(client, sqlite_app.world, "staff")
    with DeadDatabase(sqlite_app, tmp_path):
        with client.get("/static/css/planner.css") as response:
            assert response.status_code == 200


def test_a_database_lost_in_the_middle_of_a_request_rolls_back_and_shows_the_outage_page(sqlite_app, monkeypatch):
    import planner.web.staff

    def lost(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"), connection_invalidated=True)

    client = sqlite_app.test_client()
    sign_in(client, sqlite_app.world, "staff")
    monkeypatch.setattr(planner.web.staff, "overview", lost)
    rolled_back = []
    monkeypatch.setattr(db.session, "rollback", lambda: rolled_back.append(True), raising=False)
    assert_outage_page(client.get("/me", follow_redirects=True))
    assert rolled_back


def test_a_database_lost_after_the_page_was_made_is_still_the_outage_page(sqlite_app, caplog):
    # Pages that show people commit their read events after the view, where only the 500
    # handler sees an error.
    lost = []

    @sqlite_app.after_request
    def commit_after_the_view(response):
        if lost:
            raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"), connection_invalidated=True)
        return response

    sqlite_app.config["PROPAGATE_EXCEPTIONS"] = False
    client = sqlite_app.test_client()
    sign_in(client, sqlite_app.world, "staff")
    lost.append(True)
    page = assert_outage_page(client.get("/me", follow_redirects=True))
    assert "Sign out" not in page


def test_any_other_error_after_the_page_was_made_is_still_the_500_page(sqlite_app):
    @sqlite_app.after_request
    def broken(response):
        raise ValueError("a fault in planner")

    sqlite_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = sqlite_app.test_client().get("/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "error, outage",
    [
        (OperationalError(None, None, Exception("connection refused")), True),
        (OperationalError("SELECT 1", {}, Exception("terminating connection"), connection_invalidated=True), True),
        (OperationalError("SELECT * FROM nowhere", {}, Exception("no such table: nowhere")), False),
        (DisconnectionError("the connection was closed"), True),
        (RedisConnectionError("Connection refused"), True),
        (RedisTimeoutError("Timeout reading from socket"), True),
        (ValueError("a fault in planner"), False),
        (None, False),
    ],
)
def test_only_failing_to_reach_a_service_counts_as_an_outage(error, outage):
    assert is_outage(error) is outage


def test_engine_options_check_connections_and_limit_postgresql_connects():
    assert engine_options("sqlite:///planner.db", 5) == {"pool_pre_ping": True}
    assert engine_options("postgresql+psycopg://planner@db/planner", 2.5, {"pool_size": 3}) == {
        "pool_size": 3,
        "pool_pre_ping": True,
        "connect_args": {"connect_timeout": 3},
    }
    # libpq waits at least 2 seconds; an explicit connect_args value wins.
    assert engine_options("postgresql://db/planner", 0.5)["connect_args"] == {"connect_timeout": 2}
    given = {"connect_args": {"connect_timeout": 9}}
    assert engine_options("postgresql://db/planner", 5, given)["connect_args"] == {"connect_timeout": 9}


def postgresql_app(small_config, url: str, timeout: float = 5):
    return create_app(
        {
            **small_config,
            "SQLALCHEMY_DATABASE_URI": url,
            "PLANNER_DB_CONNECT_TIMEOUT": timeout,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )


def sign_in_attempt(app):
    return app.test_client().post("/sign-in", data={"email": "someone@trust.nhs.example", "password": "a password"})


def test_postgresql_on_a_closed_port_gives_the_outage_page_at_once(small_config):
    app = postgresql_app(small_config, "postgresql+psycopg://planner@127.0.0.1:1/planner")
    started = time.monotonic()
    assert_outage_page(sign_in_attempt(app))
    assert time.monotonic() - started < 5
    with app.app_context():
        db.engine.dispose()


def test_postgresql_that_never_answers_gives_the_outage_page_after_the_connect_timeout(small_config):
    # A socket that listens but never accepts: the connection is made, and no server ever speaks.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        app = postgresql_app(small_config, f"postgresql+psycopg://planner@127.0.0.1:{port}/planner", timeout=2)
        started = time.monotonic()
        assert_outage_page(sign_in_attempt(app))
        waited = time.monotonic() - started
        with app.app_context():
            db.engine.dispose()
    assert 1.5 <= waited < 10


def test_signing_in_while_redis_is_down_is_the_outage_page(small_config, tmp_path):
    app = create_app(
        {
            **small_config,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'redis-down.db'}",
            "PLANNER_REDIS_URL": "redis://127.0.0.1:1/0",
            "WTF_CSRF_ENABLED": False,
        }
    )
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:1/0"
    with app.app_context():
        db.create_all()
        world = build_world(app.extensions["planner_framework"])
    response = app.test_client().post("/sign-in", data={"email": world.email("staff"), "password": "whatever it is"})
    assert_outage_page(response)
    with app.app_context():
        db.engine.dispose()


def test_printing_while_redis_is_down_is_the_outage_page_and_the_job_waits_for_a_worker(sqlite_app, tmp_path):
    sqlite_app.config.update(
        PLANNER_JOBS_MODE="rq", PLANNER_REDIS_URL="redis://127.0.0.1:1/0", PLANNER_PRINT_JOBS_DIR=str(tmp_path / "jobs")
    )
    client = sqlite_app.test_client()
    sign_in(client, sqlite_app.world, "manager")
    response = client.post("/print-plans", data={"scope": f"team-{sqlite_app.world.team['A1']}", "format": "pdf"})
    assert_outage_page(response)
    with sqlite_app.app_context():
        # The job was saved before queueing; a worker restarts it once it counts as stopped.
        assert db.session.scalars(select(PrintJob.status)).all() == ["queued"]
    sqlite_app.extensions["planner_print_queue"].connection.close()
