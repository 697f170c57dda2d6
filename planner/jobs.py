"""Long work: printing every plan of a team or trust in the background, as a ``PrintJob``.

A job runs in a daemon thread of the web process by default (``PLANNER_JOBS_MODE = "thread"``),
before the request that started it returns (``"inline"``, for tests), or, when ``PLANNER_REDIS_URL``
is set (``"rq"``), on an RQ queue in Redis that ``planner worker`` serves: then any app server may
start a job and any worker runs it, and the job's folder must be one they all share. It behaves as
``planner print-plans`` does, and keeps its state in the database, not in memory: its progress
after each person, then done with the file's name or failed with a message a user can act on.
Its files live in ``PLANNER_PRINT_JOBS_DIR`` (default ``<instance>/print-jobs``), in a folder per
job: the result, and while unfinished a ``work`` folder of the plans rendered so far, which a
retry reuses so no plan is rendered twice.

A finished job's files are deleted ``PLANNER_PRINT_JOBS_KEEP_DAYS`` after it ended (they hold
personal data), whenever another job finishes; its row stays, and its page says to print again.

A thread dies with its server, and a worker may be killed. Each step bumps the job's
``updated_at``; a queued or running job not heard of for ``PLANNER_JOBS_STALE_AFTER`` seconds
(default 120) is shown as stopped and may be retried. Workers retry such jobs by themselves when
they start and every ``PLANNER_JOBS_STALE_AFTER`` seconds after (``restart_stopped_jobs``); a
live run's ``heartbeat`` keeps it from being taken for a stopped one during a long step. A retry
reuses the plans already rendered, and every file is written whole or not at all (a temporary
file renamed into place), so a killed run leaves no plan printed twice and no partial file.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import Flask, current_app
from redis import Redis
from rq import Queue, Worker
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from planner.bulk import Batch, write_combined, write_zip
from planner.core.errors import PlanningError
from planner.db import db
from planner.models import PrintJob, utcnow
from planner.printing import slug
from planner.times import UK

STOPPED = (
    "The job stopped before it finished, perhaps because the server restarted. "
    "Retry to carry on from where it stopped."
)
UNEXPECTED = (
    "Something went wrong while printing the plans. Retry; if it fails again, "
    "tell your planner administrator the time it failed."
)
UNFINISHED = ("queued", "running")
QUEUE_NAME = "planner-print-jobs"
QUEUE_JOB_TIMEOUT = 6 * 60 * 60
"""Seconds RQ lets one run of a job take; a trust of 10,000 people prints in about 25 minutes."""
QUEUE_FAILURE_TTL = 7 * 24 * 60 * 60
"""Seconds RQ keeps a failed run's record; the job's own row says what went wrong."""
WORKER_TTL = 60
"""Seconds a worker waits for a job before looking again, so its maintenance (and the restart of
stopped jobs) is never far behind."""


def start_print_job(app: Flask, job_id: int) -> threading.Thread | None:
    """Run a committed, queued job: in a daemon thread (returned), now in ``"inline"`` mode, or on
    the Redis queue in ``"rq"`` mode (where Redis being down raises its ``ConnectionError``)."""
    if app.config["PLANNER_JOBS_MODE"] == "inline":
        _run_in_app_context(app, job_id)
        return None
    if app.config["PLANNER_JOBS_MODE"] == "rq":
        print_queue(app).enqueue(
            run_queued_print_job,
            job_id,
            description=f"print job {job_id}",
            job_timeout=QUEUE_JOB_TIMEOUT,
            result_ttl=0,
            failure_ttl=QUEUE_FAILURE_TTL,
        )
        return None
    thread = threading.Thread(target=_run_in_app_context, args=(app, job_id), name=f"print-job-{job_id}", daemon=True)
    thread.start()
    return thread


def _run_in_app_context(app: Flask, job_id: int) -> None:
    # An app context of its own gives the job its own database session, apart from the request's.
    with app.app_context():
        run_print_job(job_id)


def print_queue(app: Flask) -> Queue:
    """The app's RQ queue of print jobs on ``PLANNER_REDIS_URL``, made once per app."""
    queue = app.extensions.get("planner_print_queue")
    if queue is None:
        # A Redis that does not answer fails the request in seconds (the outage page), not minutes.
        connection = Redis.from_url(app.config["PLANNER_REDIS_URL"], socket_connect_timeout=5, socket_timeout=30)
        queue = app.extensions["planner_print_queue"] = Queue(QUEUE_NAME, connection=connection)
    return queue


def run_queued_print_job(job_id: int) -> None:
    """What a worker runs for each job on the queue: the job, in an app context of its own (with
    its own database session) within the worker's app."""
    with current_app.app_context():
        run_print_job(job_id)


class PrintWorker(Worker):
    """An RQ worker for print jobs: each job runs in a fork of the worker (its "work horse"), and
    the worker's maintenance also restarts the jobs whose run stopped (``restart_stopped_jobs``)."""

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        try:
            restarted = restart_stopped_jobs(current_app._get_current_object())
        except SQLAlchemyError as error:
            # The database is down: keep serving the queue, and look again at the next maintenance.
            self.log.warning("could not look for stopped print jobs: %s", error)
            restarted = []
        finally:
            # The forks that run jobs must not share this process's database connections.
            db.session.remove()
            db.engine.dispose()
        if restarted:
            self.log.info("restarted stopped print jobs: %s", ", ".join(map(str, restarted)))

    def main_work_horse(self, job, queue) -> None:
        # A fork inherits the pool's connections, which belong to the worker: forget them unclosed.
        db.engine.dispose(close=False)
        super().main_work_horse(job, queue)


def run_worker(app: Flask, *, burst: bool = False) -> bool:
    """Serve the print-job queue until stopped (or, with ``burst``, until it is empty); whether any
    job ran. Needs an app context of ``app``; Redis being down raises its ``ConnectionError``."""
    queue = print_queue(app)
    queue.connection.ping()
    worker = PrintWorker(
        [queue],
        connection=queue.connection,
        maintenance_interval=int(app.config["PLANNER_JOBS_STALE_AFTER"]),
        worker_ttl=WORKER_TTL,
    )
    return worker.work(burst=burst, logging_level="INFO")


def restart_stopped_jobs(app: Flask) -> list[int]:
    """Queue again every job not heard of for ``PLANNER_JOBS_STALE_AFTER`` seconds (its worker or
    server died, or it never reached the queue), and start each; their ids. Needs an app context."""
    stopped = db.session.scalars(
        select(PrintJob).where(PrintJob.status.in_(UNFINISHED), PrintJob.updated_at < _stale_before()).order_by(PrintJob.id)
    ).all()
    # Two workers may look at once; requeue takes each job for only one of them.
    restarted = [job.id for job in stopped if requeue(job)]
    db.session.commit()
    for job_id in restarted:
        start_print_job(app, job_id)
    return restarted


def run_print_job(job_id: int) -> None:
    """Run one queued job to the end, committing its progress as it goes; needs an app context.

    A job that is not queued (already taken by another thread, or finished) is left alone.
    """
    if not _claim(job_id):
        return
    job = db.session.get(PrintJob, job_id)
    try:
        error = _print(job)
    except PlanningError as problem:
        error = f"A plan could not be made: {problem}. Put that right, then retry."
    except OSError as problem:
        error = f"The file could not be written: {problem.strerror or problem}. Retry later; if it fails again, tell your planner administrator."
    except Exception:
        current_app.logger.exception("print job %s failed", job_id)
        error = UNEXPECTED
    if error is not None:
        db.session.rollback()
        job = db.session.get(PrintJob, job_id)
        job.status, job.error = "failed", error
    job.finished_at = job.updated_at = utcnow()
    db.session.commit()
    remove_old_files()


def remove_old_files() -> None:
    """Delete the files of every job that ended more than ``PLANNER_PRINT_JOBS_KEEP_DAYS`` ago."""
    ended_before = utcnow() - timedelta(days=current_app.config["PLANNER_PRINT_JOBS_KEEP_DAYS"])
    old = db.session.scalars(
        select(PrintJob.id).where(PrintJob.status.in_(("done", "failed")), PrintJob.finished_at < ended_before)
    )
    for job_id in old:
        shutil.rmtree(job_folder(job_id), ignore_errors=True)


def _claim(job_id: int) -> bool:
    """Mark a queued job running, in one statement so two threads never both take it."""
    now = utcnow()
    claimed = db.session.execute(
        update(PrintJob)
        .where(PrintJob.id == job_id, PrintJob.status == "queued")
        .values(status="running", done=0, error=None, started_at=now, updated_at=now)
    )
    db.session.commit()
    return claimed.rowcount == 1


def _print(job: PrintJob) -> str | None:
    """Write the job's file and mark it done; or say why there is nothing to print."""
    today = job.created_at.replace(tzinfo=timezone.utc).astimezone(UK).date()
    # Plans made from current data are dated the day the job was asked for, so a retry on a
    # later day still finds them rendered.
    batch = Batch(current_app.extensions["planner_framework"], today, team=job.team, trust=job.trust)
    job.total = len(batch)
    if not job.total:
        return f"No one is in {job.scope_name}, so there is nothing to print. Choose another team."
    db.session.commit()

    def progress(done: int, total: int) -> None:
        job.done, job.total, job.updated_at = done, total, utcnow()
        db.session.commit()

    name = output_name(job, today)
    folder = job_folder(job.id)
    folder.mkdir(parents=True, exist_ok=True)
    remove_partial_files(folder)
    write = write_zip if job.format == "zip" else write_combined
    with heartbeat(job.id, current_app.config["PLANNER_JOBS_STALE_AFTER"] / 4):
        write(batch, folder / name, progress, folder / "work")
    shutil.rmtree(folder / "work", ignore_errors=True)  # the result is complete; its parts are not needed
    job.status, job.output_name = "done", name
    return None


@contextmanager
def heartbeat(job_id: int, every: float) -> Iterator[None]:
    """While the block runs, bump the running job's ``updated_at`` every ``every`` seconds from a
    thread of its own, so a long step without progress (putting thousands of plans into one PDF)
    is not taken for a stopped run and started a second time. Needs an app context."""
    engine, log, stop = db.engine, current_app.logger, threading.Event()

    def beat() -> None:
        while not stop.wait(every):
            try:
                with engine.begin() as connection:
                    connection.execute(
                        update(PrintJob).where(PrintJob.id == job_id, PrintJob.status == "running").values(updated_at=utcnow())
                    )
            except SQLAlchemyError as error:  # the database is down: the next beat tries again
                log.warning("print job %s: could not note that it is still running: %s", job_id, error)

    thread = threading.Thread(target=beat, name=f"print-job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def remove_partial_files(folder: Path) -> None:
    """Delete the temporary files a run killed part-way left in the job's folder and its ``work``
    folder; only the run that claimed the job writes there, so none of them is in use."""
    for partial in (*folder.glob(".*.part"), *folder.glob("work/.*.part")):
        partial.unlink(missing_ok=True)


def output_name(job: PrintJob, today) -> str:
    """The result's file name, such as ``development-plans-northgate-trust-2026-11-26.pdf``."""
    return f"development-plans-{slug(job.scope_name)}-{today:%Y-%m-%d}.{job.format}"


def job_folder(job_id: int) -> Path:
    """The folder holding a job's files."""
    return Path(current_app.config["PLANNER_PRINT_JOBS_DIR"]) / str(job_id)


def output_path(job: PrintJob) -> Path | None:
    """The finished job's file, or None while there is none to download."""
    if job.status != "done" or not job.output_name:
        return None
    path = job_folder(job.id) / job.output_name
    return path if path.is_file() else None


def _stale_before() -> datetime:
    return utcnow() - timedelta(seconds=current_app.config["PLANNER_JOBS_STALE_AFTER"])


def is_stopped(job: PrintJob) -> bool:
    """Whether an unfinished job has not been heard of for too long: its thread is gone."""
    return job.status in UNFINISHED and job.updated_at < _stale_before()


def shown_status(job: PrintJob) -> str:
    """The status to show: queued, running, done, failed; stopped for a job whose thread is gone,
    and deleted for a done job whose file is no longer kept."""
    if is_stopped(job):
        return "stopped"
    if job.status == "done" and output_path(job) is None:
        return "deleted"
    return job.status


def problem(job: PrintJob) -> str | None:
    """Why the job did not finish, in words a user can act on; None when nothing is wrong."""
    if is_stopped(job):
        return STOPPED
    return job.error if job.status == "failed" else None


def requeue(job: PrintJob) -> bool:
    """Queue a failed or stopped job again (the caller commits and starts it); False when it is
    neither, for instance because another retry has just taken it."""
    retrying = or_(PrintJob.status == "failed", and_(PrintJob.status.in_(UNFINISHED), PrintJob.updated_at < _stale_before()))
    queued = db.session.execute(
        update(PrintJob)
        .where(PrintJob.id == job.id, retrying)
        .values(status="queued", done=0, error=None, finished_at=None, updated_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return queued.rowcount == 1
