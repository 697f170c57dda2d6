"""Professional qualifications (Appreciate): the CIPD levels and HR apprenticeships a person holds.

A person records the qualifications they have been awarded, with the date, on their profile;
their manager may record or remove them too, and their trust's admins see them. Roles and moves
in the framework list the qualifications that help (never required), and the pathways page marks
each of those held or not held from what is recorded here.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from planner.core.framework import Framework
from planner.db import db
from planner.models import Person, ProfessionalQualification, audit
from planner.qualifications import held_qualifications
from planner.times import long_date
from planner.web.access import is_self, manages, require, visible_person
from planner.web.checkins import DateInputField
from planner.web.context import framework, today

bp = Blueprint("qualifications", __name__)

NOT_LISTED = "Choose one of the qualifications listed"


def may_change(person: Person) -> bool:
    """Whether the signed-in account records and removes ``person``'s qualifications."""
    return is_self(current_user, person) or manages(current_user, person)


class QualificationForm(FlaskForm):
    """A qualification awarded: one of the framework's not yet recorded, on a date not in the future."""

    qualification = SelectField(
        "Qualification",
        validators=[InputRequired("Choose the qualification awarded")],
        validate_choice=False,  # checked in validate_qualification, to say why a choice is refused
    )
    awarded_on = DateInputField("Date awarded", noun="the date it was awarded")

    def __init__(self, framework: Framework, held: dict[str, ProfessionalQualification], day: date, **kwargs):
        super().__init__(**kwargs)
        self.framework, self.held, self.day = framework, held, day
        # The blank choice prompts; choosing it is refused by InputRequired.
        self.qualification.choices = [SelectChoice("", "Choose a qualification")] + [
            SelectChoice(q.id, q.title) for q in framework.qualifications if q.id not in held
        ]

    def validate_qualification(self, field) -> None:
        if field.data not in self.framework.qualification:
            raise ValidationError(NOT_LISTED)
        if field.data in self.held:
            awarded = long_date(self.held[field.data].awarded_on)
            raise ValidationError(
                f"{self.framework.qualification[field.data].title} is already recorded, awarded on {awarded}: "
                "to change the date, remove it and record it again"
            )

    def validate_awarded_on(self, field) -> None:
        if field.data > self.day:
            field.refuse("The date it was awarded must be today or in the past")


class RemoveForm(FlaskForm):
    """Which recorded qualification to remove."""

    qualification = StringField("Qualification", validators=[InputRequired()])


@bp.route("/people/<id:person_id>/qualifications", methods=["GET", "POST"])
@login_required
def qualifications(person_id: int):
    """A person's professional qualifications; they or their manager record one (POST)."""
    person = visible_person(person_id)
    fw, held = framework(), held_qualifications(person)
    form = QualificationForm(fw, held, today())
    if form.is_submitted():
        require(may_change(person))
    status = 400
    if form.validate_on_submit():
        record = ProfessionalQualification(
            person=person,
            qualification_id=form.qualification.data,
            awarded_on=form.awarded_on.data,
            recorded_by_id=current_user.id,
        )
        db.session.add(record)
        try:
            audit(current_user, "qualification", record, person=person, qualification=record.qualification_id,
                  awarded_on=record.awarded_on.isoformat())
            db.session.commit()
        except IntegrityError:  # the same qualification was recorded a moment ago, from another page
            db.session.rollback()
            held = held_qualifications(person)
            form = QualificationForm(fw, held, today())
            form.validate()
            status = 409
        else:
            title = fw.qualification[record.qualification_id].title
            flash(f"Recorded: {title}, awarded on {long_date(record.awarded_on)}.")
            return redirect(url_for("qualifications.qualifications", person_id=person.id))
    return render_template(
        "qualifications/qualifications.html",
        person=person,
        framework=fw,
        held=list(held.values()),
        form=form if may_change(person) else None,
        is_self=is_self(current_user, person),
    ), status if form.errors else 200


@bp.post("/people/<id:person_id>/qualifications/remove")
@login_required
def remove(person_id: int):
    """Remove one of a person's recorded qualifications; they or their manager may."""
    person = visible_person(person_id)
    require(may_change(person))
    form = RemoveForm()
    held = held_qualifications(person).get(form.qualification.data) if form.validate_on_submit() else None
    fw = framework()
    if held is None:
        flash("That qualification is not on the record, so nothing was removed.")
    else:
        title = fw.qualification[held.qualification_id].title if held.qualification_id in fw.qualification else held.qualification_id
        audit(current_user, "qualification_removed", held, person=person, qualification=held.qualification_id,
              awarded_on=held.awarded_on.isoformat())
        db.session.delete(held)
        db.session.commit()
        flash(f"Removed: {title}.")
    return redirect(url_for("qualifications.qualifications", person_id=person.id))
