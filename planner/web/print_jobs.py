"""Printing many plans at once from the web: a team's or a whole trust's, as a background job.

A manager prints the plans of a team they manage; a trust admin, of any team of their trust or of
the whole trust. The job page shows its progress (and updates itself with ``print-job.js``),
offers the file when done and a retry when it failed or stopped. A job may be seen, retried and
downloaded by the account that started it and by anyone who could start the same job now; to
everyone else it does not exist (404).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from planner import jobs
from planner.db import db
from planner.models import Account, PrintJob, Team, Trust, audit
from planner.web.access import may_print, printable_scopes, require

bp = Blueprint("print_jobs", __name__)

RECENT_JOBS = 10
"""How many of the account's own jobs the print page lists."""
FORMATS = [
    SelectChoice("pdf", "One PDF, with a contents page and a bookmark for each person"),
    SelectChoice("zip", "A zip file of PDFs, one for each person"),
]
MIMETYPES = {"pdf": "application/pdf", "zip": "application/zip"}


def scope_key(scope: Team | Trust) -> str:
    """A scope as a form value: ``team-3`` or ``trust-1``."""
    return f"{'team' if isinstance(scope, Team) else 'trust'}-{scope.id}"


class PrintForm(FlaskForm):
    """What to print (one of the account's teams, or its whole trust) and as what."""

    scope = RadioField(validators=[InputRequired("Choose a team, or the whole trust, to print")], validate_choice=False)
    format = RadioField(
        choices=FORMATS,
        validators=[InputRequired("Choose one PDF or a zip file of PDFs")],
        validate_choice=False,
    )

    def __init__(self, scopes: list[Team | Trust], **kwargs):
        super().__init__(**kwargs)
        self.scopes = {scope_key(scope): scope for scope in scopes}
        self.scope.choices = [
            SelectChoice(key, f"{scope.name} (the whole trust)" if isinstance(scope, Trust) else scope.name)
            for key, scope in self.scopes.items()
        ]

    def validate_scope(self, field) -> None:
        if field.data not in self.scopes:
            raise ValidationError("Choose one of the teams listed, or the whole trust")

    def validate_format(self, field) -> None:
        if field.data not in MIMETYPES:
            raise ValidationError("Choose one PDF or a zip file of PDFs")

    def new_job(self, account: Account) -> PrintJob:
        """A queued job for the choice made."""
        scope = self.scopes[self.scope.data]
        kind = "team_id" if isinstance(scope, Team) else "trust_id"
        return PrintJob(account_id=account.id, format=self.format.data, status="queued", **{kind: scope.id})


@bp.route("/print-plans", methods=["GET", "POST"])
@login_required
def print_plans():
    """Choose a team or the whole trust and a format, then print its plans in the background."""
    require(bool({"manager", "trust_admin"} & current_user.roles) and current_user.person is not None)
    form = PrintForm(printable_scopes(current_user), scope=request.args.get("scope"), format="pdf")
    if form.validate_on_submit():
        job = form.new_job(current_user)
        db.session.add(job)
        audit(current_user, "print_job_started", job, team=job.team_id, trust=job.trust_id, format=job.format)
        db.session.commit()
        jobs.start_print_job(current_app._get_current_object(), job.id)
        return redirect(url_for("print_jobs.job", job_id=job.id))
    recent = db.session.scalars(
        select(PrintJob).where(PrintJob.account_id == current_user.id).order_by(PrintJob.id.desc()).limit(RECENT_JOBS)
    )
    page = render_template("print_jobs/print_plans.html", form=form, recent=list(recent), jobs=jobs, progress_text=progress_text)
    return page, 400 if form.errors else 200


@bp.get("/print-jobs/<id:job_id>")
@login_required
def job(job_id: int):
    """A job's progress; the file to download when done; why it failed and a retry when not."""
    job = _visible_job(job_id)
    return render_template(
        "print_jobs/job.html", job=job, status=jobs.shown_status(job), problem=jobs.problem(job),
        progress_text=progress_text(job), form=FlaskForm(), keep_days=current_app.config["PLANNER_PRINT_JOBS_KEEP_DAYS"],
    )


@bp.get("/print-jobs/<id:job_id>/status.json")
@login_required
def status(job_id: int):
    """A job's progress for its page to show without reloading."""
    job = _visible_job(job_id)
    shown = jobs.shown_status(job)
    response = jsonify(
        status=shown,
        done=job.done,
        total=job.total,
        text=progress_text(job),
        download=url_for("print_jobs.download", job_id=job.id) if shown == "done" else None,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/print-jobs/<id:job_id>/retry")
@login_required
def retry(job_id: int):
    """Start a failed or stopped job again, reusing the plans it had already rendered."""
    job = _visible_job(job_id)
    done_before = job.done
    if not jobs.requeue(job):
        flash("Nothing to retry: the job has not failed or stopped. Its status is below.")
        return redirect(url_for("print_jobs.job", job_id=job.id))
    audit(current_user, "print_job_retried", job, done_before=done_before)
    db.session.commit()
    jobs.start_print_job(current_app._get_current_object(), job.id)
    return redirect(url_for("print_jobs.job", job_id=job.id))


@bp.get("/print-jobs/<id:job_id>/download")
@login_required
def download(job_id: int):
    """The finished job's file, as an attachment no cache keeps; 404 until it is done."""
    job = _visible_job(job_id)
    path = jobs.output_path(job)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=MIMETYPES[job.format], as_attachment=True, download_name=job.output_name)
    response.headers["Cache-Control"] = "no-store"
    return response


def progress_text(job: PrintJob) -> str:
    """How far a job has got, such as "12 of 20 people"."""
    if job.status == "queued" and not job.total:
        return "Waiting to start"
    return f"{job.done} of {job.total} {'person' if job.total == 1 else 'people'}"


def _visible_job(job_id: int) -> PrintJob:
    """The job with this id, when the signed-in account started it or could start it; 404 otherwise."""
    job = db.get_or_404(PrintJob, job_id)
    if job.account_id != current_user.id and not may_print(current_user, job):
        abort(404)
    return job
