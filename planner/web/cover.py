"""Team cover (Task share): which competencies a team holds, how thinly, and who could cover a gap.

A team's cover page is for its managers and its trust's admins: each competency the team needs,
with how many members hold it at the level needed (gaps and single points of failure first and
named), what would be lost while chosen members are away, and who could be trained to cover the
thin spots: members, and colleagues elsewhere in the trust who offered to share tasks. A person
makes that offer, or withdraws it, on their own task-sharing page.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from planner.core.cover import Member, cross_training, lost_cover, team_cover
from planner.core.errors import PlanningError
from planner.db import db
from planner.models import Person, Rating, Team, audit, current_levels
from planner.web.access import is_self, require, visible_person, visible_team
from planner.web.context import framework
from planner.web.manager import ratings_by_person

bp = Blueprint("cover", __name__)

WILLING = "I'm willing to cover medical staffing tasks in my trust when a team is short"
NOT_A_MEMBER = "Choose who is away from the list of team members"


def task_sharers(team: Team) -> list[Person]:
    """The colleagues in the team's trust, outside the team, who offered to share tasks, by name."""
    query = (
        select(Person)
        .join(Team, Person.team_id == Team.id)
        .where(Person.shares_tasks.is_(True), Person.team_id != team.id, Person.erased_at.is_(None))
        # Both the person's trust and their team's: a record half moved to another trust stays out.
        .where(Person.trust_id == team.trust_id, Team.trust_id == team.trust_id)
        .order_by(Person.name, Person.id)
    )
    return list(db.session.scalars(query))


def as_members(people: list[Person], ratings: dict[int, list[Rating]]) -> list[Member]:
    """The people as cover sees them: id, name, role and the level that counts in each competency."""
    return [
        Member(p.id, p.name, p.role_id, {c: level.level for c, level in current_levels(ratings[p.id]).items()})
        for p in people
    ]


class AwayForm(FlaskForm):
    """Members to leave out of the cover, to see what the team would lose while they are away."""

    class Meta:
        csrf = False  # a question asked by GET: it changes nothing

    away = SelectMultipleField("Who is away", validate_choice=False)

    def validate_away(self, field) -> None:
        if not set(field.data) <= {choice.value for choice in field.choices}:
            raise ValidationError(NOT_A_MEMBER)

    @property
    def ids(self) -> frozenset[int]:
        """The ids of the members chosen, once valid."""
        return frozenset(int(value) for value in self.away.data)


def away_form(members: list[Person]) -> AwayForm:
    """The what-if form read from the query string, one choice per member."""
    form = AwayForm(formdata=request.args)
    form.away.choices = [SelectChoice(str(person.id), person.name) for person in members]
    return form


@bp.get("/teams/<id:team_id>/cover")
@login_required
def cover(team_id: int):
    """A team's cover: the gaps and single points of failure, the matrix, what-if and who could cover."""
    team = visible_team(team_id)
    fw, people, colleagues = framework(), list(team.members), task_sharers(team)
    form = away_form(people)
    away = form.ids if form.validate() else frozenset()
    ratings = ratings_by_person([p.id for p in people + colleagues])
    members, sharers = as_members(people, ratings), as_members(colleagues, ratings)
    try:
        result = team_cover(fw, members, away)
        lost = lost_cover(fw, members, away)
        suggestions = cross_training(fw, members, sharers, away=away)
    except PlanningError as error:  # a member's role the framework does not have
        return render_template("cover/problem.html", team=team, problem=str(error))
    return render_template(
        "cover/cover.html",
        team=team,
        framework=fw,
        form=form,
        cover=result,
        lost=lost,
        suggestions=suggestions,
        people={p.id: p for p in people + colleagues},
    ), 400 if form.errors else 200


class TaskSharingForm(FlaskForm):
    """A person's offer to cover medical staffing tasks in other teams of their trust."""

    shares_tasks = BooleanField(WILLING)

    def validate_shares_tasks(self, field) -> None:
        if field.raw_data not in ([], ["y"]):  # the box sends "y" when ticked and nothing when not
            raise ValidationError("Tick the box if you are willing to cover tasks, or leave it empty if not")


@bp.route("/people/<id:person_id>/task-sharing", methods=["GET", "POST"])
@login_required
def task_sharing(person_id: int):
    """Whether a person offers to share tasks; their own form to change it (POST saves it)."""
    person = visible_person(person_id)
    own = is_self(current_user, person)
    # An unticked box sends nothing, so a POST is read as posted even when nothing else is.
    posted = request.form if request.method == "POST" else None
    form = TaskSharingForm(formdata=posted, shares_tasks=person.shares_tasks)
    if form.is_submitted():
        require(own)
    if form.validate_on_submit():
        changed = form.shares_tasks.data != person.shares_tasks
        if changed:
            person.shares_tasks = form.shares_tasks.data
            audit(current_user, "task_sharing", person, person=person, shares_tasks=person.shares_tasks)
            db.session.commit()
        flash(sharing_message(person, changed))
        return redirect(url_for("cover.task_sharing", person_id=person.id))
    return render_template(
        "cover/task_sharing.html", person=person, form=form if own else None, is_self=own
    ), 400 if form.errors else 200


def sharing_message(person: Person, changed: bool) -> str:
    """What the flash says after the form is sent: the choice now saved, and who sees what."""
    said = "Saved" if changed else "Nothing changed"
    if person.shares_tasks:
        return (
            f"{said}: you are willing to cover medical staffing tasks in {person.trust.name} when a team is short. "
            "Its managers and trust admins see your name, team and levels when they look for cover."
        )
    return (
        f"{said}: you are not offering to cover tasks in other teams. "
        "Managers do not see you as a task-sharing colleague."
    )
