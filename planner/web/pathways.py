"""My pathways: the routes to a chosen target role, the roles one move away, and a map of the
roles around me. The person themself may also save the target role they are aiming at."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from planner.core.errors import PlanningError
from planner.core.framework import Framework
from planner.core.pathways import find_pathways, next_roles
from planner.db import db
from planner.graphics import MOVE_WORDS, draw_role_map, role_map
from planner.models import Person, audit, person_to_core
from planner.printing import secondment_notes
from planner.qualifications import held_qualifications, moves_by_step
from planner.web.access import is_self, require, visible_person
from planner.web.context import framework, today
from planner.web.qualifications import may_change

bp = Blueprint("pathways", __name__)

ROUTES_SHOWN = 5
MAP_RADIUS = 2
"""The map shows the roles at most this many moves from the person's role."""
NOT_A_ROLE = "Choose a role from the list"


def role_choices(framework: Framework) -> list[SelectChoice]:
    """Every role in the framework, by band then title, each showing its band."""
    roles = sorted(framework.roles, key=lambda r: (framework.band_rank[r.band], r.title, r.id))
    return [SelectChoice(role.id, f"{role.title} (band {role.band})") for role in roles]


class ChooseTargetForm(FlaskForm):
    """Which role to see the routes to (a GET form: it changes nothing, so it needs no CSRF token)."""

    class Meta:
        csrf = False

    target = SelectField(
        "Target role",
        validators=[InputRequired("Choose a target role")],
        invalid_choice_message=NOT_A_ROLE,
    )


class SetTargetForm(FlaskForm):
    """The role to save as the person's target; the empty choice clears it."""

    target_role = SelectField("Target role", invalid_choice_message=NOT_A_ROLE)


def choose_target_form(framework: Framework, formdata, default: str | None) -> ChooseTargetForm:
    form = ChooseTargetForm(formdata=formdata, target=default or "")
    form.target.choices = [SelectChoice("", "Choose a role"), *role_choices(framework)]
    return form


def saved_target(framework: Framework, person: Person) -> str | None:
    """The person's saved target role, while the framework still has it."""
    return person.target_role_id if person.target_role_id in framework.role else None


def pay_change(framework: Framework, band_from: str, band_to: str) -> str:
    """A move's change of band and pay, such as "Band 4 → band 5: +£3,564 at entry, +£7,634 at the top…"."""
    if band_from == band_to:
        return f"Band {band_from}, no change in pay"
    before, after = framework.band[band_from], framework.band[band_to]
    entry, top = after.pay_entry - before.pay_entry, after.pay_top - before.pay_top
    return f"Band {band_from} → band {band_to}: {_pounds(entry)} at entry, {_pounds(top)} at the top of the band"


def _pounds(amount: int) -> str:
    return f"{'+' if amount >= 0 else '-'}£{abs(amount):,}"


def move_words(kinds) -> str:
    """Kinds of move in words: "promotion or acting up"."""
    return " or ".join(MOVE_WORDS[kind] for kind in kinds)


@bp.get("/people/<id:person_id>/pathways")
@login_required
def pathways(person_id: int):
    """Routes to the target role chosen (by default the saved one) and the roles around the person."""
    person = visible_person(person_id)
    chosen = "target" in request.args
    form = choose_target_form(framework(), request.args if chosen else None, saved_target(framework(), person))
    valid = not chosen or form.validate()
    return render_pathways(person, form, (form.target.data or None) if valid else None, SetTargetForm())


@bp.post("/people/<id:person_id>/target")
@login_required
def set_target(person_id: int):
    """Save (or, with the empty choice, clear) the person's own target role."""
    person = visible_person(person_id)
    require(is_self(current_user, person))
    form = SetTargetForm()
    form.target_role.choices = [SelectChoice("", "No target role"), *role_choices(framework())]
    valid = form.validate_on_submit()
    if valid and form.target_role.data == person.role_id:
        form.target_role.errors.append(f"{framework().role[person.role_id].title} is your current role: choose another")
        valid = False
    if not valid:
        target = saved_target(framework(), person)
        return render_pathways(person, choose_target_form(framework(), None, target), target, form)
    previous, target = person.target_role_id, form.target_role.data or None
    if target == previous:
        flash("Your target role is unchanged.")
        return redirect(url_for("pathways.pathways", person_id=person.id, target=target))
    person.target_role_id = target
    audit(current_user, "set_target", person, person=person, previous=previous, target=target)
    db.session.commit()
    if target is None:
        flash("Your target role is cleared.")
    else:
        flash(f"Your target role is now {framework().role[target].title}.")
    return redirect(url_for("pathways.pathways", person_id=person.id, target=target))


def render_pathways(person: Person, form: ChooseTargetForm, target: str | None, target_form: SetTargetForm):
    """The pathways page for a person and a target role (or none), with any form errors shown."""
    fw = framework()
    plain = person_to_core(person, today())
    routes = ()
    if target == person.role_id:
        owner = "your" if is_self(current_user, person) else f"{person.name}'s"
        form.target.errors = [f"{fw.role[target].title} is {owner} current role: choose another target role"]
    elif target:
        try:
            routes = find_pathways(fw, plain, target, k=ROUTES_SHOWN)
        except PlanningError as error:
            form.target.errors = [_sentence(str(error))]
    highlighted = request.args.get("route", 0, type=int)
    highlighted = highlighted if 0 <= highlighted < len(routes) else 0
    try:
        nearby = next_roles(fw, plain)
    except PlanningError as error:
        nearby, role_error = (), _sentence(str(error))
    else:
        role_error = None
    drawn = svg = None
    if role_error is None:
        drawn = role_map(fw, person.role_id, routes[highlighted].roles if routes else None, MAP_RADIUS)
        svg = Markup(draw_role_map(fw, drawn))  # every text in it is XML-escaped by graphics
    return render_template(
        "pathways/pathways.html",
        person=person,
        framework=fw,
        form=form,
        target_form=target_form,
        page_has_errors=bool(target_form.errors),
        target=target,
        routes=routes,
        secondments=secondment_notes(person, fw),
        highlighted=highlighted,
        nearby=nearby,
        role_error=role_error,
        role_map=drawn,
        role_map_svg=svg,
        is_self=is_self(current_user, person),
        can_plan=is_self(current_user, person) and "plans.create" in current_app.view_functions,
        protected_hours=plain.protected_hours_per_month,
        pay_change=pay_change,
        move_words=move_words,
        moves=moves_by_step(fw),
        held=held_qualifications(person),
        may_record_qualifications=may_change(person),
    )


def _sentence(message: str) -> str:
    """A core message as a sentence on a page: a capital first letter."""
    return message[:1].upper() + message[1:]
