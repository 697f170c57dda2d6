"""My plan: saved development plans, their versions, and the staff and manager agreement.

A plan is saved as a draft from the person's data today (``assemble_plan`` towards a target on
a chosen route). A draft is replaced in place when it is made again; once the person and a
manager have both agreed it, it is read-only and the next plan is a new version. The plan page
shows the saved result, so it shows exactly what was agreed even when the ratings change later.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import Length, ValidationError

from planner.core.errors import PlanningError
from planner.core.plan import Plan as CorePlan
from planner.core.plan import assemble_plan
from planner.db import db
from planner.models import (
    Person,
    Plan,
    audit,
    current_levels,
    person_to_core,
    rating_facts,
    utcnow,
)
from planner.plans import changes_since, load_plan, plan_inputs, plan_to_dict
from planner.printing import development_notes
from planner.web.access import is_self, manages, require, visible_person
from planner.web.context import framework, today

bp = Blueprint("plans", __name__)

ROUTES = 5
"""Routes are numbered 0 (fastest) to 4, as the pathways page shows up to five."""


class PlanForm(FlaskForm):
    """The plan to make: a target role (empty for the current role) and a route number 0 to 4."""

    target = StringField("Target role", validators=[Length(max=64)])
    route = StringField("Route", validators=[Length(max=2)])

    def validate_target(self, field) -> None:
        if field.data and field.data not in framework().role:
            raise ValidationError("Choose a target role from the framework")

    def validate_route(self, field) -> None:
        if field.data and not (re.fullmatch(r"[0-9]+", field.data) and int(field.data) < ROUTES):
            raise ValidationError(f"Choose one of the {ROUTES} routes shown, numbered 1 to {ROUTES}")

    @property
    def route_number(self) -> int:
        """The route chosen, once valid: 0 when none was given."""
        return int(self.route.data or 0)


@bp.get("/people/<id:person_id>/plans")
@login_required
def plans(person_id: int):
    """A person's plan versions, and for the person a button to make a plan from today's data."""
    return _plans_page(visible_person(person_id), PlanForm())


@bp.post("/people/<id:person_id>/plans")
@login_required
def create(person_id: int):
    """Make a plan from today's data and save it as a draft (replacing a draft), then show it."""
    person = visible_person(person_id)
    require(is_self(current_user, person))
    form = PlanForm()
    if not form.validate_on_submit():
        return _plans_page(person, form), 400
    levels, day = current_levels(rating_facts(person)), today()
    try:
        result = assemble_plan(
            framework(), person_to_core(person, day, levels), form.target.data or None, day, route=form.route_number
        )
    except PlanningError as problem:
        return _plans_page(person, form, str(problem))
    row, replaced, had_agreement = _save_draft(person, result, levels)
    audit(
        current_user, "plan_saved", row, person=person,
        version=row.version, target=row.target_role_id, route=row.route, replaced_draft=replaced,
    )
    db.session.commit()
    flash(_saved_message(row, replaced, had_agreement))
    return redirect(url_for("plans.plan", plan_id=row.id))


@bp.get("/plans/<id:plan_id>")
@login_required
def plan(plan_id: int):
    """One saved plan as it was saved, with its agreement and the buttons to agree it."""
    row = db.get_or_404(Plan, plan_id)
    person = visible_person(row.person_id)
    latest = _versions(person)[0]
    now = plan_inputs(
        framework().version, row.target_role_id, row.route, current_levels(rating_facts(person)),
        person.protected_hours, person.months_in_role(today()), today(),
    )
    return render_template(
        "plans/plan.html",
        row=row,
        person=person,
        plan=load_plan(row.result),
        changes=changes_since(row.inputs, now),
        is_latest=latest.id == row.id,
        is_self=is_self(current_user, person),
        is_manager=manages(current_user, person),
        made_at=made_at(row),
        notes=development_notes(person, framework()),
        form=FlaskForm(),
    )


@bp.post("/plans/<id:plan_id>/agree")
@login_required
def agree(plan_id: int):
    """Record the signed-in person's agreement: as the staff member, or as their manager."""
    # Locked until the commit, so a staff member and a manager agreeing at the same moment
    # both see each other's agreement and the plan ends agreed.
    row = db.session.scalar(select(Plan).where(Plan.id == plan_id).with_for_update()) or abort(404)
    person = visible_person(row.person_id)
    as_staff, as_manager = is_self(current_user, person), manages(current_user, person)
    require(as_staff or as_manager)
    already = row.staff_agreed_at if as_staff else row.manager_agreed_at
    if row.read_only or already is not None:
        flash(_refusal(row))
        return redirect(url_for("plans.plan", plan_id=row.id))
    if request.form.get("made_at") != made_at(row):
        flash("This plan was made again after you opened it, so it was not agreed. Read it as it is now, then agree it.")
        return redirect(url_for("plans.plan", plan_id=row.id))
    if as_staff:
        row.staff_agreed_at, row.staff_agreed_by = utcnow(), current_user.person
    else:
        row.manager_agreed_at, row.manager_agreed_by = utcnow(), current_user.person
    if row.staff_agreed_at and row.manager_agreed_at:
        row.status = "agreed"
    who = "staff" if as_staff else "manager"
    audit(current_user, "plan_agreed", row, person=person, who=who, version=row.version, status=row.status)
    db.session.commit()
    flash(_agreed_message(row, as_staff))
    return redirect(url_for("plans.plan", plan_id=row.id))


def made_at(row: Plan) -> str:
    """When the plan's content was made: the agree buttons carry it, so an agreement is always
    to the content the agreer saw (a draft made again keeps its id but not this)."""
    return row.created_at.isoformat()


def _versions(person: Person) -> list[Plan]:
    """The person's plans, newest version first."""
    return list(db.session.scalars(select(Plan).where(Plan.person_id == person.id).order_by(Plan.version.desc())))


def _save_draft(person: Person, result: CorePlan, levels: dict) -> tuple[Plan, bool, bool]:
    """Keep ``result`` as the person's draft: the latest version when it is a draft, else a new version.

    Returns the row, whether it replaced a draft, and whether that draft had an agreement (now void).
    Also makes the plan's target the person's target role.
    """
    # Locking the person makes two saves at the same moment take turns, so they never both
    # claim the same new version number.
    db.session.execute(select(Person.id).where(Person.id == person.id).with_for_update())
    versions = _versions(person)
    latest = versions[0] if versions else None
    replaced = latest is not None and not latest.read_only
    row = latest if replaced else Plan(person=person, version=latest.version + 1 if latest else 1)
    had_agreement = bool(row.staff_agreed_at or row.manager_agreed_at)
    route = result.route  # the route followed, which is the last when fewer exist than asked
    day, version = result.today, framework().version
    row.status, row.framework_version, row.plan_date, row.target_role_id, row.route = "draft", version, day, result.target, route
    row.inputs = plan_inputs(version, result.target, route, levels, person.protected_hours, person.months_in_role(day), day)
    row.result = plan_to_dict(result, framework())
    row.created_at, row.created_by = utcnow(), current_user.person
    row.staff_agreed_at = row.staff_agreed_by = row.manager_agreed_at = row.manager_agreed_by = None
    if person.target_role_id != result.target:
        audit(current_user, "set_target", person, person=person, old=person.target_role_id, new=result.target)
        person.target_role_id = result.target
    db.session.add(row)
    return row, replaced, had_agreement


def _plans_page(person: Person, form: PlanForm, error: str | None = None):
    """The list of plan versions, with the make-a-plan form and any error from making one."""
    versions = _versions(person)
    return render_template(
        "plans/plans.html",
        person=person,
        framework=framework(),
        versions=versions,
        draft=versions[0] if versions and not versions[0].read_only else None,
        is_self=is_self(current_user, person),
        form=form,
        error=error,
        page_has_errors=bool(error),
    )


def _saved_message(row: Plan, replaced: bool, had_agreement: bool) -> str:
    """What the flash says after saving a draft."""
    said = f"Draft plan version {row.version} {'updated' if replaced else 'saved'}."
    if had_agreement:
        said += " The agreement given to the earlier draft no longer counts."
    return f"{said} It needs your agreement and your manager's."


def _refusal(row: Plan) -> str:
    """Why an agreement was not recorded: the plan is agreed already, or this person has agreed it."""
    if row.read_only:
        return f"Plan version {row.version} is already agreed and cannot be changed. Start a new version to change it."
    return f"You have already agreed plan version {row.version}; nothing was changed."


def _agreed_message(row: Plan, as_staff: bool) -> str:
    """What the flash says after an agreement."""
    if row.status == "agreed":
        return f"Plan version {row.version} is now agreed by {row.person.name} and their manager. It can no longer be changed."
    waiting = "your manager's agreement" if as_staff else f"{row.person.name}'s agreement"
    return f"Your agreement to plan version {row.version} is recorded. The plan now waits for {waiting}."
