"""The staff home page: my role and band, how ready I am, my top gaps, my protected learning time
and my next actions.

Also the site navigation for signed-in people, since the home page is where it starts.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from planner.core import framework as core
from planner.core.errors import PlanningError
from planner.core.framework import Framework
from planner.core.overview import Overview, overview
from planner.core.training import total
from planner.db import db
from planner.models import Plan, current_levels, person_to_core, rating_facts
from planner.recent import Recent, Same
from planner.web.access import administers, is_self, manages, signed_in_person, visible_person
from planner.web.checkins import checkin_invitation
from planner.web.context import framework, today
from planner.web.training import person_learning_time

bp = Blueprint("staff", __name__)

NAVIGATION = (
    # (endpoint, text, the account roles that see it or None for everyone signed in)
    ("staff.home", "My home", None),
    ("assessment.domains", "Self-assessment", None),
    ("needs.needs", "Training needs", None),
    ("pathways.pathways", "Pathways", None),
    ("plans.plans", "Plans", None),
    ("manager.teams", "My teams", {"manager"}),
    ("print_jobs.print_plans", "Print plans", {"manager", "trust_admin"}),
)
# Secondments, mentoring and check-ins are reached from My home and My teams: more items than
# these would fold the header's menu behind a "More" button on a laptop screen.
NOT_ABOUT_ONE_PERSON = {"manager.teams", "print_jobs.print_plans"}
"""The pages in the navigation whose address names no person."""


@bp.app_context_processor
def navigation():
    """The header's links for a signed-in person, and its sign-out link."""
    if not current_user.is_authenticated or current_user.person is None:
        return {"navigation_items": [], "account_items": []}
    items = []
    for endpoint, text, roles in NAVIGATION:
        if endpoint not in current_app.view_functions or (roles and roles.isdisjoint(current_user.roles)):
            continue
        if endpoint in NOT_ABOUT_ONE_PERSON:
            href = url_for(endpoint)
        else:
            href = url_for(endpoint, person_id=current_user.person_id)
        blueprint = endpoint.partition(".")[0]
        items.append({"href": href, "text": text, "current": request.blueprint == blueprint and _viewing_self()})
    account = [
        {"text": current_user.person.name, "icon": True},
        {"href": url_for("auth.sign_out"), "text": "Sign out"},
    ]
    return {"navigation_items": items, "account_items": account}


def _viewing_self() -> bool:
    person_id = (request.view_args or {}).get("person_id")
    return person_id is None or person_id == current_user.person_id


OVERVIEWS_KEPT = 2048
"""How many overviews each process keeps: one for each person seen lately, a few kilobytes each."""
overviews: Recent[Overview] = Recent(OVERVIEWS_KEPT)


def person_overview(fw: Framework, person: core.Person, target: str | None, rated: frozenset[str], day: date) -> Overview:
    """``overview`` for these inputs, worked out once for each distinct set of them.

    The home page is the page people open most, and the needs analysis behind it is most of its
    cost. ``overview`` is pure, so its result for the same framework, person, target, ratings and
    day is kept and given again; any change to them is a new key.
    """
    key = (Same(fw), person.name, person.role, tuple(sorted(person.levels.items())), person.protected_hours_per_month,
           person.months_in_role, target, rated, day)
    return overviews.get(key, lambda: overview(fw, person, target, rated, day))


@bp.get("/me")
@login_required
def home():
    """The signed-in person's own home page."""
    return redirect(url_for("staff.person_home", person_id=signed_in_person().id))


@bp.get("/people/<id:person_id>")
@login_required
def person_home(person_id: int):
    """A person's home: role, band, readiness, top gaps, protected learning time and next actions;
    on their own, the invitation to review their self-assessment after a check-in."""
    person = visible_person(person_id)
    own = is_self(current_user, person)
    ratings = rating_facts(person)
    levels = current_levels(ratings)
    # A target the framework no longer has is set aside (the page says so), not a failure.
    target = person.target_role_id if person.target_role_id in framework().role else None
    try:
        result = person_overview(framework(), person_to_core(person, today(), levels), target, frozenset(levels), today())
    except PlanningError as error:  # the person's own role is not in the framework
        return render_template("staff/problem.html", person=person, problem=str(error))
    plans = db.session.scalar(select(func.count()).select_from(Plan).where(Plan.person_id == person.id))
    learning = person_learning_time(framework(), person, today())
    return render_template(
        "staff/home.html",
        person=person,
        framework=framework(),
        overview=result,
        levels=levels,
        lost_target=person.target_role_id if person.target_role_id and not target else None,
        has_plan=bool(plans),
        is_self=own,
        is_manager=manages(current_user, person),
        handles_data=administers(current_user, person) or "admin" in current_user.roles,
        invitation=checkin_invitation(person, ratings) if own else None,
        learning=learning,
        learning_total=total(learning),
    )
