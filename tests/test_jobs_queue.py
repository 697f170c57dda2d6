"""Print jobs on the Redis queue (``PLANNER_JOBS_MODE = "rq"``): choosing the mode, a job started on
one app server and run by a worker, downloaded from another server; a worker restarting a job
whose run stopped; and sign-in counts shared by every app server.

The tests that need Redis run when ``PLANNER_TEST_REDIS_URL`` names a database they may empty
(CI sets ``redis://127.0.0.1:6379/15``); elsewhere they are skipped, saying so.
"""

from __future__ import annotations

import io
import os
import signal
import time
from datetime import timedelta

import pytest
from pypdf import PdfReader
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import select

from planner import create_app, jobs
from planner.config import SettingsError, check_settings, default_config
from planner.db import db
from planner.models import PrintJob, utcnow
from tests.web.conftest import SMALL, build_world, sign_in
from tests.web.conftest import small_config  # noqa: F401  (a fixture these tests use too)

REDIS_URL = os.environ.get("PLANNER_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="needs Redis: set PLANNER_TEST_REDIS_URL=redis://127.0.0.1:6379/15 (a database the tests may empty)"
)


def settings(tmp_path, **given) -> dict:
    checked = default_config(str(tmp_path)) | given
    check_settings(checked)
    return checked


def test_without_redis_jobs_run_in_a_thread_and_sign_in_counts_stay_in_memory(tmp_path):
    checked = settings(tmp_path)
    assert checked["PLANNER_JOBS_MODE"] == "thread" and checked["RATELIMIT_STORAGE_URI"] == "memory://"


def test_a_redis_url_puts_jobs_on_the_queue_and_sign_in_counts_in_redis(tmp_path):
    checked = settings(tmp_path, PLANNER_REDIS_URL="redis://cache.trust.example:6379/2")
    assert checked["PLANNER_JOBS_MODE"] == "rq"
    assert checked["RATELIMIT_STORAGE_URI"] == "redis://cache.trust.example:6379/2"


def test_a_mode_given_with_redis_is_kept_and_so_is_a_limiter_storage_given(tmp_path):
    checked = settings(
        tmp_path, PLANNER_REDIS_URL="redis://127.0.0.1:6379/0", PLANNER_JOBS_MODE="inline", RATELIMIT_STORAGE_URI="redis://other:6379/1"
    )
    assert checked["PLANNER_JOBS_MODE"] == "inline" and checked["RATELIMIT_STORAGE_URI"] == "redis://other:6379/1"


@pytest.mark.parametrize(
    "given, says",
    [
        ({"PLANNER_JOBS_MODE": "rq"}, "PLANNER_JOBS_MODE is 'rq' but PLANNER_REDIS_URL is not set; set it to your Redis server"),
        ({"PLANNER_REDIS_URL": "127.0.0.1:6379"}, "PLANNER_REDIS_URL is '127.0.0.1:6379'; it must be a Redis URL starting with redis://"),
        ({"PLANNER_TRUSTED_PROXIES": "one"}, "PLANNER_TRUSTED_PROXIES is 'one'; it must be a whole number of proxies from 0"),
        ({"PLANNER_TRUSTED_PROXIES": -1}, "PLANNER_TRUSTED_PROXIES is -1"),
        ({"PLANNER_DB_CONNECT_TIMEOUT": "soon"}, "PLANNER_DB_CONNECT_TIMEOUT is 'soon'; it must be a number of seconds above 0, such as 5."),
    ],
)
def test_settings_that_cannot_work_are_refused_saying_what_to_set(tmp_path, given, says):
    with pytest.raises(SettingsError) as raised:
        settings(tmp_path, **given)
    assert str(raised.value).startswith(says)


def test_settings_from_the_environment_become_numbers(monkeypatch, tmp_path):
    monkeypatch.setenv("PLANNER_TRUSTED_PROXIES", "2")
    monkeypatch.setenv("PLANNER_DB_CONNECT_TIMEOUT", "3")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    assert app.config["PLANNER_TRUSTED_PROXIES"] == 2 and app.config["PLANNER_DB_CONNECT_TIMEOUT"] == 3.0


def test_remove_partial_files_leaves_finished_ones(tmp_path):
    (tmp_path / "work").mkdir()
    kept = [tmp_path / "plans.pdf", tmp_path / "work" / "1-20261126-abc.pdf"]
    partial = [tmp_path / ".plans.pdf.x1.part", tmp_path / "work" / ".1-20261126-abc.pdf.x2.part"]
    for path in kept + partial:
        path.write_bytes(b"%PDF")
    jobs.remove_partial_files(tmp_path)
    assert [path.exists() for path in kept + partial] == [True, True, False, False]


@pytest.fixture
def redis_connection():
    """The test Redis database, emptied before and after."""
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


def redis_config(database_url: str, **given) -> dict:
    """Settings for an app server on the test database and the test Redis, on the small framework."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PLANNER_FRAMEWORK": str(SMALL),
        "PLANNER_REDIS_URL": REDIS_URL,
        "WTF_CSRF_ENABLED": False,
        **given,
    }


@pytest.fixture
def queue_apps(database_url, tmp_path, redis_connection):
    """Two app servers on one database, one Redis and one print-jobs folder, with the world."""
    config = redis_config(database_url, PLANNER_PRINT_JOBS_DIR=str(tmp_path / "print-jobs"), RATELIMIT_ENABLED=False)
    first, second = create_app(config), create_app(config)
    with first.app_context():
        db.create_all()
        first.world = second.world = build_world(first.extensions["planner_framework"])
    yield first, second
    for app in (first, second):
        if "planner_print_queue" in app.extensions:
            app.extensions["planner_print_queue"].connection.close()
        with app.app_context():
            db.engine.dispose()


def work_in_process(app) -> bool:
    """Run every queued job in this process (RQ's SimpleWorker), as ``planner worker`` would."""
    queue = jobs.print_queue(app)
    with app.app_context():
        return SimpleWorker([queue], connection=queue.connection).work(burst=True)


def start_printing(app, team: str = "A1"):
    client = app.test_client()
    sign_in(client, app.world, "manager")
    response = client.post("/print-plans", data={"scope": f"team-{app.world.team[team]}", "format": "pdf"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client, int(response.headers["Location"].rsplit("/", 1)[1])


@needs_redis
def test_a_job_started_on_one_server_is_run_by_a_worker_and_downloaded_from_another(queue_apps, renders, redis_connection):
    first, second = queue_apps
    client, job_id = start_printing(first)
    assert Queue(jobs.QUEUE_NAME, connection=redis_connection).count == 1
    status = client.get(f"/print-jobs/{job_id}/status.json").get_json()
    assert status["status"] == "queued" and status["download"] is None  # nothing runs in the web process

    assert work_in_process(first)

    other = second.test_client()
    sign_in(other, second.world, "manager")
    assert other.get(f"/print-jobs/{job_id}/status.json").get_json()["status"] == "done"
    with other.get(f"/print-jobs/{job_id}/download") as download:
        assert download.status_code == 200 and download.mimetype == "application/pdf"
        reader = PdfReader(io.BytesIO(download.data))
    assert len(renders.calls) == 3  # staff, peer and manager of team A1, each once
    assert len(reader.outline) == 3


@needs_redis
def test_a_retry_goes_on_the_queue_too(queue_apps, renders, redis_connection, monkeypatch):
    first, _ = queue_apps
    client, job_id = start_printing(first)
    renders.fail_at = 2
    work_in_process(first)
    assert client.get(f"/print-jobs/{job_id}/status.json").get_json()["status"] == "failed"
    renders.fail_at = None
    assert client.post(f"/print-jobs/{job_id}/retry").status_code == 302
    work_in_process(first)
    assert client.get(f"/print-jobs/{job_id}/status.json").get_json()["status"] == "done"
    assert len(renders.calls) == 4  # the first plan was rendered once, before the failure


@needs_redis
def test_a_worker_restarts_a_job_whose_run_was_killed_without_rendering_a_plan_twice(queue_apps, renders, redis_connection):
    first, _ = queue_apps
    _, job_id = start_printing(first)
    renders.fail_at = 2
    work_in_process(first)  # renders the first plan into the work folder
    renders.fail_at = None
    with first.app_context():
        job = db.session.get(PrintJob, job_id)
        # Make it a run killed while writing the second plan: claimed, one plan done, temporary
        # files left behind, and silent for ten minutes.
        job.status, job.done, job.error, job.updated_at = "running", 1, None, utcnow() - timedelta(minutes=10)
        db.session.commit()
        folder = jobs.job_folder(job_id)
    (folder / "work" / ".second-plan.pdf.abc.part").write_bytes(b"%PDF-1.4 half")
    (folder / ".development-plans.pdf.def.part").write_bytes(b"half")

    with first.app_context():
        assert jobs.restart_stopped_jobs(first) == [job_id]
        assert jobs.restart_stopped_jobs(first) == []  # another worker looking at once finds nothing to do
    assert work_in_process(first)
    with first.app_context():
        job = db.session.get(PrintJob, job_id)
        assert job.status == "done" and job.done == 3
        assert sorted(path.name for path in folder.iterdir()) == [job.output_name]
    # Two renders before the kill (the second failed), then only the two plans not yet rendered.
    assert len(renders.calls) == 4 and renders.calls[0] not in renders.calls[2:]


@needs_redis
def test_planner_worker_runs_each_job_in_a_fork_and_restarts_stopped_ones_first(queue_apps, renders, redis_connection):
    first, _ = queue_apps
    _, done_job = start_printing(first)
    with first.app_context():
        stopped = PrintJob(account_id=first.world.account["manager"], team_id=first.world.team["A2"], format="zip", status="running")
        stopped.updated_at = utcnow() - timedelta(minutes=10)
        db.session.add(stopped)
        db.session.commit()
        stopped_job = stopped.id
        handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
        try:
            assert jobs.run_worker(first, burst=True)
        finally:  # the worker takes over these signals to stop cleanly; give them back to pytest
            for number, handler in handlers.items():
                signal.signal(number, handler)
        statuses = dict(db.session.execute(select(PrintJob.id, PrintJob.status)).all())
    assert statuses == {done_job: "done", stopped_job: "done"}
    assert Queue(jobs.QUEUE_NAME, connection=redis_connection).count == 0


@needs_redis
def test_sign_in_counts_are_kept_in_redis_for_every_app_server(database_url, tmp_path, redis_connection):
    config = redis_config(database_url, PLANNER_SIGN_IN_LIMIT="2 per minute")
    wrong = {"email": "nobody@trust.nhs.example", "password": "not the password"}
    first = create_app(config)
    with first.app_context():
        db.create_all()
    for _ in range(2):
        assert first.test_client().post("/sign-in", data=wrong).status_code == 200
    assert redis_connection.keys("LIMITS:LIMITER/*/auth.sign_in/*")
    # A second server starts later, as after a restart or behind a load balancer: it sees the
    # counts the first one kept, where counts in memory would have started again from nothing.
    second = create_app(config)
    assert second.test_client().post("/sign-in", data=wrong).status_code == 429
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()


@needs_redis
def test_a_worker_keeps_serving_the_queue_while_the_database_is_down(queue_apps, redis_connection, monkeypatch, caplog):
    from sqlalchemy.exc import OperationalError

    first, _ = queue_apps

    def database_down(app):
        raise OperationalError(None, None, Exception("connection refused"))

    monkeypatch.setattr(jobs, "restart_stopped_jobs", database_down)
    queue = jobs.print_queue(first)
    with first.app_context():
        jobs.PrintWorker([queue], connection=queue.connection).run_maintenance_tasks()
    assert "could not look for stopped print jobs" in caplog.text


@pytest.fixture
def job_app(small_config, tmp_path):
    """An app on a SQLite file of its own with the world, whose jobs count as stopped after 0.2 s."""
    app = create_app(
        {
            **small_config,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'jobs.db'}",
            "PLANNER_PRINT_JOBS_DIR": str(tmp_path / "print-jobs"),
            "PLANNER_JOBS_STALE_AFTER": 0.2,
        }
    )
    with app.app_context():
        db.create_all()
        app.world = build_world(app.extensions["planner_framework"])
        job = PrintJob(account_id=app.world.account["manager"], team_id=app.world.team["A1"], format="pdf", status="queued")
        db.session.add(job)
        db.session.commit()
        app.job_id = job.id
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_long_step_without_progress_is_not_taken_for_a_stopped_run(job_app, monkeypatch):
    seen = []

    def slow_write(batch, path, progress, work_dir):
        # Putting thousands of plans into one PDF reports no progress for a while.
        for _ in range(3):
            time.sleep(0.3)
            with db.engine.connect() as connection:
                updated = connection.scalar(select(PrintJob.updated_at).where(PrintJob.id == job_app.job_id))
            seen.append(utcnow() - updated < timedelta(seconds=0.2))
        path.write_bytes(b"%PDF-1.4")

    monkeypatch.setattr(jobs, "write_combined", slow_write)
    with job_app.app_context():
        assert jobs.restart_stopped_jobs(job_app) == []
        jobs.run_print_job(job_app.job_id)
        assert db.session.get(PrintJob, job_app.job_id).status == "done"
    assert seen == [True, True, True]


def test_a_heartbeat_that_cannot_reach_the_database_tries_again(job_app, monkeypatch, caplog):
    from sqlalchemy.exc import OperationalError

    with job_app.app_context():
        engine = db.engine
        beats = []

        def down(*args, **kwargs):
            beats.append(True)
            raise OperationalError(None, None, Exception("connection refused"))

        monkeypatch.setattr(engine, "begin", down)
        with jobs.heartbeat(job_app.job_id, 0.01):
            while len(beats) < 2:
                time.sleep(0.01)
    assert f"print job {job_app.job_id}: could not note that it is still running" in caplog.text
