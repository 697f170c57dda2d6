"""Importing from ESR: a trust's staff list and its training completions, from CSV files.

Trust admins import into their own trust, admins into any trust they choose. "Check the file"
lists every row that cannot be imported and imports nothing; "Import" checks again and, when
every row is fine, imports them all at once, or nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from planner.core.imports import Checked
from planner.core.training import HOURS_MAX
from planner.db import db
from planner.imports import COMPLETIONS, KINDS, MAX_BYTES, STAFF, FileProblem, Kind, apply, check_file, size
from planner.models import Trust
from planner.web.access import import_trusts, require
from planner.web.context import framework, today

bp = Blueprint("imports", __name__, url_prefix="/imports")

FILE_NAME_MAX = 100
"""The most characters of an uploaded file's name kept, to show it and to note it as evidence."""
CHECK, IMPORT = "check", "import"


class ImportForm(FlaskForm):
    """A CSV file to check or import: which trust (for admins), what it holds, and the file."""

    trust = SelectField(
        "Trust",
        validators=[InputRequired("Choose the trust to import into")],
        invalid_choice_message="Choose one of the trusts listed",
    )
    kind = RadioField(
        "What does the file hold?",
        choices=[SelectChoice(STAFF.id, "A staff list"), SelectChoice(COMPLETIONS.id, "Training completions")],
        validators=[InputRequired("Choose what the file holds: a staff list or training completions")],
        invalid_choice_message="Choose what the file holds: a staff list or training completions",
    )
    file = FileField("CSV file", validators=[FileRequired("Choose the CSV file to check or import")])

    def __init__(self, trusts: list[Trust], **kwargs):
        super().__init__(**kwargs)
        self.trusts = trusts
        if len(trusts) == 1:  # a trust admin imports into their own trust: nothing to choose
            del self.trust
        else:
            self.trust.choices = [SelectChoice("", "Choose a trust")] + [SelectChoice(str(t.id), t.name) for t in trusts]

    def chosen_trust(self) -> Trust:
        """The trust the file is for."""
        if "trust" not in self:
            return self.trusts[0]
        return next(trust for trust in self.trusts if str(trust.id) == self.trust.data)


@dataclass(frozen=True)
class Result:
    """A file checked: for which trust, of which kind, its name, the rows or problems, and whether
    it was meant to be imported."""

    trust: Trust
    kind: Kind
    file_name: str
    checked: Checked
    importing: bool

    @property
    def new_people(self) -> int:
        """Of a staff list's rows, how many add someone."""
        return sum(1 for row in self.checked.rows if row.person_id is None)

    @property
    def changed_people(self) -> int:
        """Of a staff list's rows, how many change someone already kept."""
        return sum(1 for row in self.checked.rows if row.changes)


def file_name(upload) -> str:
    """The uploaded file's own name, without any folders, shortened to ``FILE_NAME_MAX``."""
    return PurePath((upload.filename or "").replace("\\", "/")).name[:FILE_NAME_MAX] or "the file"


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    """Choose a file and check it (a dry run) or import it, all rows or none."""
    trusts = import_trusts(current_user)
    require(bool(trusts))
    form = ImportForm(trusts)
    result = check_upload(form) if form.validate_on_submit() else None
    if result is not None and result.importing and not result.checked.problems:
        summary = import_all(result, form)
        if summary is not None:
            flash(f"Imported {result.file_name} into {result.trust.name}: {summary}")
            return redirect(url_for("imports.index"))
        result = None
    failed = bool(form.errors) or (result is not None and result.importing and bool(result.checked.problems))
    return render_page(form, result), 400 if failed else 200


def check_upload(form: ImportForm) -> Result | None:
    """The uploaded file checked; None when it cannot be read at all (said on the form)."""
    trust, kind, name = form.chosen_trust(), KINDS[form.kind.data], file_name(form.file.data)
    try:
        checked = check_file(form.file.data.read(MAX_BYTES + 1), kind, trust, framework(), today())
    except FileProblem as problem:
        form.file.errors.append(str(problem))
        return None
    return Result(trust, kind, name, checked, request.form.get("action") == IMPORT)


def import_all(result: Result, form: ImportForm):
    """Apply every row of a clean file and commit once: what was done, or None when the database
    refused it (said on the form, nothing kept)."""
    try:
        summary = apply(result.checked, result.kind, result.trust, framework(), current_user, result.file_name)
        db.session.commit()
    except IntegrityError:  # someone else changed the same people between the check and the import
        db.session.rollback()
        form.file.errors.append("The people changed while the file was imported, so nothing was imported. Check the file again.")
        return None
    return summary


def render_page(form: ImportForm, result: Result | None) -> str:
    """The import page: the form, and the result of the last check when there is one."""
    return render_template(
        "imports/index.html",
        form=form,
        result=result,
        page_has_errors=result is not None and bool(result.checked.problems),
        staff=STAFF,
        completions=COMPLETIONS,
        hours_max=HOURS_MAX,
        max_size=size(min(MAX_BYTES, current_app.config.get("MAX_CONTENT_LENGTH") or MAX_BYTES)),
    )


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """An upload larger than the app takes: the page again, saying so, for those who may import."""
    trusts = import_trusts(current_user) if current_user.is_authenticated else []
    if not trusts:
        return render_template("errors/other.html", error=error), 413
    form = ImportForm(trusts, formdata=None)
    limit = size(current_app.config["MAX_CONTENT_LENGTH"])
    form.file.errors = [f"The file is larger than {limit}, the most that can be uploaded. Split it into smaller files."]
    return render_page(form, None), 413
