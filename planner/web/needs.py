"""My training needs: the gaps, the training that closes them, and the months it takes.

The page shows the plan ``assemble_plan`` makes towards the person's target role (or their own
role when they have none), on its fastest route, within their protected learning time. The
person may change their protected learning hours here and see the completion month move.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, ValidationError

from planner.core.errors import PlanningError
from planner.core.plan import Plan, assemble_plan
from planner.db import db
from planner.models import Person, audit, person_to_core
from planner.plans import load_plan, plan_to_dict
from planner.web.access import is_self, require, visible_person
from planner.web.context import framework, today

bp = Blueprint("needs", __name__)

MIN_HOURS = Decimal("0.5")
MAX_HOURS = Decimal(200)
NUMBER = re.compile(r"[+-]?([0-9]{1,6}(\.[0-9]{0,6})?|\.[0-9]{1,6})")
RANGE_MESSAGE = f"Protected learning hours must be between {MIN_HOURS} and {MAX_HOURS} a month"


class ProtectedHoursForm(FlaskForm):
    """Protected learning hours a month: a number from 0.5 to 200, such as 4 or 6.5."""

    protected_hours = StringField(
        "Protected learning hours a month",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired("Enter your protected learning hours a month")],
    )

    def validate_protected_hours(self, field) -> None:
        if not NUMBER.fullmatch(field.data):
            raise ValidationError("Enter protected learning hours as a number, like 4 or 6.5")
        if not MIN_HOURS <= Decimal(field.data) <= MAX_HOURS:
            raise ValidationError(RANGE_MESSAGE)

    @property
    def hours(self) -> float:
        """The hours entered, once valid."""
        return float(Decimal(self.protected_hours.data))


@bp.route("/people/<id:person_id>/needs", methods=["GET", "POST"])
@login_required
def needs(person_id: int):
    """A person's gaps, recommended training and schedule; their own protected hours form (POST saves it)."""
    person = visible_person(person_id)
    own = is_self(current_user, person)
    form = ProtectedHoursForm(protected_hours=f"{person.protected_hours:g}")
    if form.is_submitted():
        require(own)
    if form.validate_on_submit():
        old_hours, old_finish = person.protected_hours, _finish(person)
        person.protected_hours = form.hours
        new_finish = _finish(person)
        audit(current_user, "protected_hours", person, person=person, old=old_hours, new=person.protected_hours)
        db.session.commit()
        flash(_moved_message(old_hours, person.protected_hours, old_finish, new_finish))
        return redirect(url_for("needs.needs", person_id=person.id))
    try:
        plan, error = load_plan(plan_to_dict(_plan(person), framework())), None
    except PlanningError as problem:
        plan, error = None, str(problem)
    status = 400 if form.errors else 200
    return render_template(
        "needs/needs.html",
        person=person,
        framework=framework(),
        plan=plan,
        error=error,
        form=form if own else None,
        is_self=own,
    ), status


def _plan(person: Person) -> Plan:
    """The plan towards the person's target (or for their own role) on its fastest route."""
    return assemble_plan(framework(), person_to_core(person, today()), person.target_role_id, today())


def _finish(person: Person) -> date | None:
    """The month the person's training ends, or None when there is none to do (or no plan can be made)."""
    try:
        plan = _plan(person)
    except PlanningError:
        return None
    return plan.completion if plan.modules else None


def _moved_message(old_hours: float, new_hours: float, old_finish: date | None, new_finish: date | None) -> str:
    """What the flash says: the new hours and how the completion month moved."""
    said = f"Your protected learning time is now {new_hours:g} hours a month (it was {old_hours:g})."
    if old_finish is None or new_finish is None:
        return said
    if old_finish == new_finish:
        return f"{said} Your training still finishes in {new_finish:%B %Y}."
    return f"{said} Your completion date moved from {old_finish:%B %Y} to {new_finish:%B %Y}."
