"""Long work: printing every plan of a team or trust in the background, as a ``PrintJob``.

A job runs in a daemon thread of the web process by default (``PLANNER_JOBS_MODE = "thread"``),
or before the request that started it returns (``"inline"``, for tests). It behaves as
``planner print-plans`` does, and keeps its state in the database, not in memory: its progress
after each person, then done with the file's name or failed with a message a user can act on.
Its files live in ``PLANNER_PRINT_JOBS_DIR`` (default ``<instance>/print-jobs``), in a folder per
job: the result, and while unfinished a ``work`` folder of the plans rendered so far, which a
retry reuses so no plan is rendered twice.

A finished job's files are deleted ``PLANNER_PRINT_JOBS_KEEP_DAYS`` after it ended (they hold
personal data), whenever another job finishes; its row stays, and its page says to print again.

A thread dies with its server. Each step bumps the job's ``updated_at``; a queued or running job
not heard of for ``PLANNER_JOBS_STALE_AFTER`` seconds (default 120) is shown as stopped and may
be retried.
"""

from __future__ import annotations

import shutil
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import and_, or_, select, update

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


def start_print_job(app: Flask, job_id: int) -> threading.Thread | None:
    """Run a committed, queued job: in a daemon thread (returned), or now in ``"inline"`` mode."""
    if app.config["PLANNER_JOBS_MODE"] == "inline":
        _run_in_app_context(app, job_id)
        return None
    thread = threading.Thread(target=_run_in_app_context, args=(app, job_id), name=f"print-job-{job_id}", daemon=True)
    thread.start()
    return thread


def _run_in_app_context(app: Flask, job_id: int) -> None:
    # An app context of its own gives the job its own database session, apart from the request's.
    with app.app_context():
        run_print_job(job_id)


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
    write = write_zip if job.format == "zip" else write_combined
    write(batch, folder / name, progress, folder / "work")
    shutil.rmtree(folder / "work", ignore_errors=True)  # the result is complete; its parts are not needed
    job.status, job.output_name = "done", name
    return None


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
