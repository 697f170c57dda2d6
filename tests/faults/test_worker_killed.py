"""A print worker is killed (``kill -9``) part-way through printing a trust of 1,000 people: a new
worker carries the job on by itself and the result is 1,000 valid PDFs, none twice, no partial file.

The trust is made with the insight benchmark's bulk inserts (1,000 people in teams of 25, with
self and manager ratings). A zip job (one PDF a person) is put on the Redis queue (db 13 of
127.0.0.1:6379, emptied before and after) and ``planner worker`` runs it. Once 150 to 400 plans
are done, the worker and its work horse (RQ forks each job into a process group of its own) are
killed with SIGKILL. A second worker, with ``PLANNER_JOBS_STALE_AFTER`` at 5 seconds, finds the
stopped job and retries it. While it runs, the ``work`` folder is watched: a plan rendered before
the kill whose file is replaced (a new inode or time) was rendered twice.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from redis import Redis
from redis.exceptions import RedisError

from serving import ROOT, planner_command, planner_environment, run

PEOPLE = 1_000
KILL_AFTER = 200
"""Plans done before the worker is killed; the kill lands between 200 and the next few."""
KILL_BEFORE = 400
REDIS_URL = "redis://127.0.0.1:6379/13"
STALE_AFTER = 5
FIRST_RUN_TIMEOUT = 300
FINISH_TIMEOUT = 600


def redis_or_skip() -> Redis:
    """Redis db 13, emptied; the test is skipped when Redis does not answer."""
    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        redis.flushdb()
    except RedisError as error:
        pytest.skip(f"the worker fault test needs Redis on 127.0.0.1:6379 ({error})")
    return redis


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` now, children first."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rpartition(")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # the process ended while the folder was read
        parents.setdefault(parent, []).append(int(stat.parent.name))
    found, waiting = [], [pid]
    while waiting:
        for child in parents.get(waiting.pop(), []):
            found.append(child)
            waiting.append(child)
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` is a process that has not ended (a zombie has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    """``planner worker`` in a session of its own, its output appended to ``log``."""
    with open(log, "ab") as output:
        return subprocess.Popen([*planner_command(), "worker"], env=env, cwd=ROOT, stdout=output, stderr=output, start_new_session=True)


def stop_worker(worker: subprocess.Popen) -> None:
    """Stop a worker cleanly (TERM), or kill it and its work horse after 15 seconds."""
    if worker.poll() is None:
        horses = children(worker.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            for pid in [worker.pid, *horses]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            worker.wait(timeout=15)


def job_state(app, job_id: int) -> tuple[str, int, str | None]:
    """The job's status, plans done and error, read afresh."""
    from planner.db import db
    from planner.models import PrintJob

    with app.app_context():
        job = db.session.get(PrintJob, job_id)
        return job.status, job.done, job.error


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """The finished plans in a work folder: name to (inode, modification time)."""
    found = {}
    for path in folder.glob("*.pdf"):
        with contextlib.suppress(FileNotFoundError):
            stat = path.stat()
            found[path.name] = (stat.st_ino, stat.st_mtime_ns)
    return found


def test_a_killed_worker_leaves_no_partial_or_duplicate_plan_and_the_job_finishes(private_postgres, tmp_path):
    from bench.insight import generate
    from planner import create_app, jobs
    from planner.db import db
    from planner.models import Account, PrintJob, Trust

    redis = redis_or_skip()
    jobs_dir = tmp_path / "print-jobs"
    env = planner_environment(
        private_postgres.url, PLANNER_REDIS_URL=REDIS_URL, PLANNER_PRINT_JOBS_DIR=str(jobs_dir), PLANNER_JOBS_STALE_AFTER=str(STALE_AFTER),
    )
    env.pop("PLANNER_JOBS_MODE", None)
    run([*planner_command(), "db", "upgrade"], env, "planner db upgrade")
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": private_postgres.url, "SECRET_KEY": env["PLANNER_SECRET_KEY"], "PLANNER_REDIS_URL": REDIS_URL,
        "PLANNER_JOBS_MODE": "rq", "PLANNER_PRINT_JOBS_DIR": str(jobs_dir), "PLANNER_JOBS_STALE_AFTER": STALE_AFTER,
    })
    with app.app_context():
        generate(app.extensions["planner_framework"], PEOPLE, seed=20261126)
        trust = db.session.scalar(db.select(Trust))
        account = Account(email="printer@faults.example", password_hash="not-used", roles_text="trust_admin")
        db.session.add(account)
        db.session.flush()
        job = PrintJob(account_id=account.id, trust_id=trust.id, format="zip", status="queued")
        db.session.add(job)
        db.session.commit()
        job_id = job.id
        jobs.start_print_job(app, job_id)
    folder, log = jobs_dir / str(job_id), tmp_path / "worker.log"
    work = folder / "work"

    first = start_worker(env, log)
    second = None
    try:
        started = time.monotonic()
        while time.monotonic() - started < FIRST_RUN_TIMEOUT:
            status, done, error = job_state(app, job_id)
            if done >= KILL_AFTER or status in ("done", "failed") or first.poll() is not None:
                break
            time.sleep(0.1)
        assert status == "running" and KILL_AFTER <= done < KILL_BEFORE, (
            f"the job was {status} with {done} done ({error}) when the worker was to be killed; see {log}"
        )
        first_rate = done / (time.monotonic() - started)
        killed = [first.pid, *children(first.pid)]
        assert len(killed) >= 2, "the worker's work horse was not found"
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        first.wait(timeout=15)
        deadline = time.monotonic() + 15
        while any(alive(pid) for pid in killed[1:]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(pid) for pid in killed), "a killed process was still running"
        _, done_at_kill, _ = job_state(app, job_id)
        before = snapshot(work)
        partial_at_kill = len(list(folder.glob(".*.part")) + list(work.glob(".*.part")))

        killed_at = time.monotonic()
        second = start_worker(env, log)
        seen: dict[str, tuple[int, int]] = dict(before)
        replaced: set[str] = set()
        status = "running"
        while time.monotonic() - killed_at < FINISH_TIMEOUT:
            for name, identity in snapshot(work).items():
                if seen.setdefault(name, identity) != identity:
                    replaced.add(name)
            status, done, error = job_state(app, job_id)
            if status in ("done", "failed") or second.poll() is not None:
                break
            time.sleep(0.3)
        finished_after = time.monotonic() - killed_at
    finally:
        for worker in (first, second):
            if worker is not None:
                stop_worker(worker)
        redis.flushdb()
        with app.app_context():
            db.engine.dispose()

    assert status == "done", f"the job was {status} ({error}) {finished_after:.0f} s after the kill; see {log}"
    assert not replaced, f"{len(replaced)} plans rendered before the kill were rendered again, such as {sorted(replaced)[:3]}"
    files = sorted(path.name for path in folder.iterdir())
    assert len(files) == 1 and files[0].endswith(".zip"), f"the job's folder holds {files}, not the zip alone (partial or work files left)"
    with zipfile.ZipFile(folder / files[0]) as archive:
        names = archive.namelist()
        assert len(names) == PEOPLE and len(set(names)) == PEOPLE, f"the zip holds {len(names)} files, {len(set(names))} distinct"
        people = {name.split("-", 1)[1] for name in names}
        assert len(people) == PEOPLE, "two PDFs in the zip are of the same person"
        for name in names:
            data = archive.read(name)
            assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:], f"{name} is not a whole PDF"
            assert len(PdfReader(BytesIO(data)).pages) >= 1, f"{name} has no pages"
    print(
        f"killed at {done_at_kill} of {PEOPLE} plans ({len(before)} rendered files, {partial_at_kill} partial) "
        f"after {KILL_AFTER / first_rate:.0f} s ({first_rate:.1f} plans/s); the restarted worker finished "
        f"{finished_after:.0f} s after the kill; {len(seen) - len(before)} plans rendered after the kill "
        f"(seen while watching), 0 rendered twice; {PEOPLE} valid PDFs"
    )
