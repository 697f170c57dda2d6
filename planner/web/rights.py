"""A person's data rights, for trust admins of their trust and admins: download everything held
about them (JSON or PDF), restrict or erase their record with a reason, and set the trust's
retention period. Also writes the read events of the audit trail: pages that show one person's
data, a team or a scope note what they showed (``planner.web.access``) and ``record_reads`` writes
one event for each once the page has been answered successfully.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import insert
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from planner.db import db
from planner.models import AuditEvent, Person, Trust, audit
from planner.models.records import note_read
from planner.rights import RightsError, erase, export_json, lift_restriction, render_subject_access, restrict, set_retention, subject_access
from planner.times import utcnow
from planner.web.access import can_see

bp = Blueprint("rights", __name__)

REASON_MAX = 2000

LISTING_PAGES = {
    # Pages that list people without naming one in the address: one read event each time they are shown.
    "manager.teams": "teams managed",
    "checkins.team_checkins": "check-ins of the teams managed",
    "secondments.plan": "people released for secondments",
    "print_jobs.download": "printed plans",
    "mentors.find": "mentors offering help",
    "secondments.opportunity": "people interested in a secondment",
}


def init_app(app: Flask) -> None:
    """Write the read events noted during each request, after the page is made."""
    app.after_request(record_reads)


def record_reads(response: Response) -> Response:
    """One audit event (action "read") for each person, team or scope a successful GET showed:
    who, which record, which page and (filled by the model) from which address."""
    if request.method == "GET" and request.endpoint in LISTING_PAGES:
        note_read("page", None, scope=LISTING_PAGES[request.endpoint], **(request.view_args or {}))
    reads = g.pop("audit_reads", None)
    if not reads or response.status_code >= 400 or not current_user.is_authenticated:
        return response
    # One plain INSERT: a read changes nothing else, so the unit of work has nothing to do.
    events = [
        {
            "at": utcnow(),
            "account_id": current_user.id,
            "action": "read",
            "record_type": record_type,
            "record_id": record_id,
            "person_id": person_id,
            "detail": {"page": request.endpoint, **detail},
            "address": request.remote_addr,
        }
        for (record_type, record_id), (person_id, detail) in reads.items()
    ]
    db.session.execute(insert(AuditEvent.__table__), events)
    db.session.commit()
    return response


def data_subject(person_id: int) -> Person:
    """The person, when the signed-in account is a trust admin of their trust or an admin: 404 for
    an account that may not see them, 403 for one that sees them but may not act on their rights."""
    person = db.session.get(Person, person_id)
    if person is None:
        abort(404)
    if "admin" in current_user.roles or administers_trust(person.trust):
        return person
    abort(403 if can_see(current_user, person) else 404)


def administers_trust(trust: Trust) -> bool:
    """Whether the signed-in account is a trust admin of ``trust``."""
    mine = current_user.person
    return "trust_admin" in current_user.roles and mine is not None and mine.trust_id == trust.id


def stripped(value):
    return value.strip() if isinstance(value, str) else value


class RestrictForm(FlaskForm):
    """Restricting a person's record: why."""

    reason = TextAreaField(
        "Reason", filters=[stripped],
        validators=[DataRequired("Enter the reason for the restriction"), Length(max=REASON_MAX, message=f"The reason must be {REASON_MAX:,} characters or fewer")],
    )


class EraseForm(FlaskForm):
    """Erasing a person's record: why, and their name typed to confirm."""

    reason = TextAreaField(
        "Reason", filters=[stripped],
        validators=[DataRequired("Enter the reason for the erasure"), Length(max=REASON_MAX, message=f"The reason must be {REASON_MAX:,} characters or fewer")],
    )
    confirmation = StringField("Name", filters=[stripped], validators=[DataRequired("Type the person's name to confirm the erasure")])


class RetentionForm(FlaskForm):
    """The trust's retention period, in months."""

    months = IntegerField(
        "Months",
        validators=[
            InputRequired("Enter the retention period in months, as a whole number"),
            NumberRange(12, 240, "Enter a retention period from 12 to 240 months"),
        ],
    )


def page(person: Person, status: int = 200, **forms):
    """The data rights page, with any form given in place of an empty one (to show its errors)."""
    note_read("people", person.id, person=person)
    forms = {
        "restrict_form": forms.get("restrict_form") or RestrictForm(formdata=None),
        "erase_form": forms.get("erase_form") or EraseForm(formdata=None),
        "retention_form": forms.get("retention_form") or RetentionForm(formdata=None, months=person.trust.retention_months),
    }
    return render_template("rights/person_data.html", person=person, trust=person.trust, **forms), status


@bp.get("/people/<id:person_id>/data")
@login_required
def person_data(person_id: int):
    """What planner holds about a person, its downloads, and the forms to restrict or erase it."""
    return page(data_subject(person_id))


@bp.get("/people/<id:person_id>/data.<any(json, pdf):kind>")
@login_required
def download(person_id: int, kind: str):
    """Everything held about the person, as JSON or a PDF; each download is audited."""
    person = data_subject(person_id)
    data = subject_access(person, utcnow())
    if kind == "json":
        body, mimetype = export_json(data).encode("utf-8"), "application/json"
    else:
        body, mimetype = render_subject_access(data), "application/pdf"
    audit(current_user, "subject_access_download", person, person=person, format=kind)
    db.session.commit()
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="person-{person.id}.{kind}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/people/<id:person_id>/data/restrict")
@login_required
def restrict_person(person_id: int):
    """Restrict the person's record, with the reason."""
    person = data_subject(person_id)

    def restricting(form: RestrictForm) -> tuple[dict, str]:
        restrict(person, form.reason.data, utcnow())
        done = f"{person.name}'s record is restricted: it is kept and can be read, but nothing in it can be changed."
        return {"reason": form.reason.data}, done

    return _carry_out(person, "restrict_form", RestrictForm(), "reason", restricting, "restricted")


@bp.post("/people/<id:person_id>/data/lift-restriction")
@login_required
def lift(person_id: int):
    """Lift the restriction on the person's record."""
    person = data_subject(person_id)
    if FlaskForm().validate_on_submit() and person.restricted_at is not None:
        lift_restriction(person)
        audit(current_user, "restriction_lifted", person, person=person)
        db.session.commit()
        flash(f"The restriction on {person.name}'s record is lifted.")
    return redirect(url_for("rights.person_data", person_id=person.id))


@bp.post("/people/<id:person_id>/data/erase")
@login_required
def erase_person(person_id: int):
    """Erase the person's record, with the reason and their name typed to confirm."""
    person = data_subject(person_id)

    def erasing(form: EraseForm) -> tuple[dict, str]:
        result = erase(person, form.reason.data, form.confirmation.data, utcnow())
        done = f"The record is erased: it is now {result.pseudonym}, and the audit trail refers to it by that name only."
        return {"reason": person.erasure_reason, "deleted": result.deleted}, done

    return _carry_out(person, "erase_form", EraseForm(), "confirmation", erasing, "erased")


def _carry_out(person: Person, key: str, form: FlaskForm, field: str, act, action: str):
    """Check ``form``; then ``act(form)``, which returns the audit detail and the message to show.
    A form or a refusal (``RightsError``, shown under ``field``) gives the page again with a 400."""
    if not form.validate_on_submit():
        return page(person, 400, **{key: form})
    try:
        detail, done = act(form)
    except RightsError as error:
        getattr(form, field).errors.append(str(error))
        return page(person, 400, **{key: form})
    audit(current_user, action, person, person=person, **detail)
    db.session.commit()
    flash(done)
    return redirect(url_for("rights.person_data", person_id=person.id))


@bp.post("/trusts/<id:trust_id>/retention")
@login_required
def retention(trust_id: int):
    """Set how long the trust keeps data past its use; from a person's data page (``person``)."""
    trust = db.session.get(Trust, trust_id)
    if trust is None or not ("admin" in current_user.roles or administers_trust(trust)):
        abort(404)
    person = db.session.get(Person, request.args.get("person", type=int) or 0)
    if person is None or person.trust_id != trust.id:
        abort(404)
    form = RetentionForm()
    if not form.validate_on_submit():
        return page(person, 400, retention_form=form)
    old = trust.retention_months
    set_retention(trust, form.months.data)
    audit(current_user, "retention_set", trust, old=old, new=trust.retention_months)
    db.session.commit()
    flash(f"{trust.name} now keeps data past its use for {trust.retention_months} months; 'planner purge' removes what is older.")
    return redirect(url_for("rights.person_data", person_id=person.id))
