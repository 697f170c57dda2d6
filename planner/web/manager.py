"""The manager's pages: the teams I manage at a glance, and validating a person's self-assessment.

For each member of each team the signed-in manager manages, the teams page shows how ready they
are for their role and their target, their largest gaps, how many self-ratings wait for
validation, whether a plan waits for the manager's agreement and whether someone new in role is
at risk of leaving (``planner.core.checkins.retention_flag``); each team shows how many check-ins
are overdue or due, and its protected learning time planned and used. Validating appends manager
ratings; a validated level counts in place of the self-rating (``planner.models.current_levels``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from planner.core.checkins import RetentionFlag, retention_flag
from planner.core.errors import PlanningError
from planner.core.framework import Competency, Framework
from planner.core.overview import Overview, overview
from planner.db import db
from planner.models import (
    EVIDENCE_MAX,
    CurrentLevel,
    Person,
    Plan,
    Rating,
    audit,
    current_levels,
    person_to_core,
    ratings_of,
)
from planner.web.access import manages, require, signed_in_person, visible_person
from planner.web.checkins import OPEN, last_training, schedules
from planner.web.context import framework, today
from planner.web.training import teams_learning_time

bp = Blueprint("manager", __name__)

LARGEST_GAPS = 3
"""How many of a member's most urgent gaps the teams page names."""
ACCEPT, OTHER = "accept", "other"


def awaiting_validation(framework: Framework, levels: dict[str, CurrentLevel]) -> list[str]:
    """The competencies whose latest self-rating waits for a manager, in framework order.

    A self-rating waits when no manager has rated the competency, or when it is newer than the
    manager's rating and gives another level (``CurrentLevel.pending``).
    """
    return [
        c.id
        for c in framework.competencies
        if c.id in levels and (levels[c.id].source == "self" or levels[c.id].pending is not None)
    ]


# The teams page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One row of a team's table: a person and what their manager needs to know about them."""

    person: Person
    months_in_role: int
    awaiting: int
    plan_awaiting: bool
    summary: Overview | None
    gaps: tuple[str, ...]
    problem: str | None = None
    retention: RetentionFlag | None = None


def summarise_member(
    framework: Framework,
    person: Person,
    ratings: list[Rating],
    plan_awaiting: bool,
    today: date,
    last_training: date | None = None,
) -> Member:
    """A member's row: readiness and largest gaps from the overview, what waits for the manager,
    and the retention flag from the latest training they completed."""
    levels = current_levels(ratings)
    awaiting = len(awaiting_validation(framework, levels))
    months = person.months_in_role(today)
    flag = retention_flag(person.started_in_role, last_training, today)
    try:
        core_person = person_to_core(person, today, levels)
        summary = overview(framework, core_person, person.target_role_id, frozenset(levels), today)
    except PlanningError as error:
        return Member(person, months, awaiting, plan_awaiting, None, (), str(error), flag)
    gaps = tuple(need.competency for need in summary.top_gaps[:LARGEST_GAPS])
    return Member(person, months, awaiting, plan_awaiting, summary, gaps, retention=flag)


def ratings_by_person(person_ids: list[int]) -> dict[int, list[Rating]]:
    """Every rating of these people, oldest first, from one query."""
    grouped: dict[int, list[Rating]] = {person_id: [] for person_id in person_ids}
    if person_ids:
        query = select(Rating).where(Rating.person_id.in_(person_ids)).order_by(Rating.created_at, Rating.id)
        for rating in db.session.scalars(query):
            grouped[rating.person_id].append(rating)
    return grouped


def plans_awaiting_manager(person_ids: list[int]) -> set[int]:
    """Which of these people have a draft plan they agreed to and no manager has yet."""
    if not person_ids:
        return set()
    query = select(Plan.person_id).where(
        Plan.person_id.in_(person_ids),
        Plan.status == "draft",
        Plan.staff_agreed_at.is_not(None),
        Plan.manager_agreed_at.is_(None),
    )
    return set(db.session.scalars(query))


@bp.get("/teams")
@login_required
def teams():
    """Every team the signed-in manager manages, each member with readiness, gaps and what awaits,
    and each team's check-ins overdue and due."""
    require("manager" in current_user.roles)
    me = signed_in_person()
    fw, day = framework(), today()
    members = {team.id: [p for p in team.members if p.id != me.id] for team in me.managed_teams}
    people = [person for group in members.values() for person in group]
    ids = [p.id for p in people]
    ratings, plans, trained = ratings_by_person(ids), plans_awaiting_manager(ids), last_training(ids)
    planned = schedules(people, day)
    rows = {
        team_id: [summarise_member(fw, p, ratings[p.id], p.id in plans, day, trained.get(p.id)) for p in group]
        for team_id, group in members.items()
    }
    checkins = {
        team_id: Counter(c.status for p in group for c in planned[p.id] if c.status in OPEN)
        for team_id, group in members.items()
    }
    return render_template(
        "manager/teams.html",
        teams=me.managed_teams,
        rows=rows,
        checkins=checkins,
        learning=teams_learning_time(fw, members, day),
        framework=fw,
        plans_page="plans.plans" in current_app.view_functions,
    )


# Validating a person's self-assessment -------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """A competency a person has rated themselves in, as their manager sees it to validate."""

    competency: Competency
    key: str
    self_rating: Rating
    validated: Rating | None
    required: int | None
    awaiting: bool


def field_keys(competency_ids: list[str]) -> dict[str, str]:
    """A form-field prefix for each competency id: letters, digits and underscores, never repeated."""
    keys: dict[str, str] = {}
    for competency_id in competency_ids:
        base = key = "c_" + re.sub(r"[^a-z0-9]+", "_", competency_id.lower()).strip("_")
        number = 1
        while key in keys.values():  # two ids that differ only in punctuation or case
            key, number = f"{base}_{number}", number + 1
        keys[competency_id] = key
    return keys


def claims_of(framework: Framework, person: Person, ratings: list[Rating]) -> list[Claim]:
    """Each competency of the framework the person has self-rated, in framework order."""
    latest: dict[tuple[str, str], Rating] = {}
    for rating in ratings:  # oldest first, so the latest of each kind wins
        latest[rating.competency_id, rating.rater] = rating
    rated = [c for c in framework.competencies if (c.id, "self") in latest]
    waiting = set(awaiting_validation(framework, current_levels(ratings)))
    keys = field_keys([c.id for c in rated])
    requires = framework.role[person.role_id].requires if person.role_id in framework.role else {}
    return [
        Claim(c, keys[c.id], latest[c.id, "self"], latest.get((c.id, "manager")), requires.get(c.id), c.id in waiting)
        for c in rated
    ]


def _level(value) -> int | None:
    """A posted level as a number, or None when it is not one (the form then says what to choose)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ValidationForm(FlaskForm):
    """A manager's decision on each self-rating: accept it, set another level with a note, or leave it.

    The fields are made per person by ``validation_form``: for each claim, ``<key>_decision``,
    ``<key>_level``, ``<key>_note`` and ``<key>_seen``: the id of the self-rating the manager saw,
    so a self-rating made while the page was open is never accepted unseen.
    """

    def __init__(self, claims: list[Claim], scale: tuple[int, ...], **kwargs):
        super().__init__(**kwargs)
        self.claims = claims
        self.scale = scale

    def group(self, claim: Claim):
        """The decision, level and note fields of one claim."""
        return self[f"{claim.key}_decision"], self[f"{claim.key}_level"], self[f"{claim.key}_note"]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        checked = [self._check(claim) for claim in self.claims]  # every claim, to show every error
        return valid and all(checked)

    def _check(self, claim: Claim) -> bool:
        """Whether the claim's decision makes sense; when not, say why on the field to change."""
        decision, level, note = self.group(claim)
        own, name = claim.self_rating.level, claim.competency.name
        seen = self[f"{claim.key}_seen"].data
        if decision.data in (None, ""):
            return True
        if decision.data not in (ACCEPT, OTHER):
            decision.errors.append(f"Choose Accept {own} or Set another level for {name}")
        elif seen and seen != str(claim.self_rating.id):
            decision.errors.append(f"{name} was self-rated again ({own}) since this page opened: check it and choose again")
        elif decision.data == OTHER and level.data not in self.scale:
            level.errors.append(f"Choose a level from {self.scale[0]} to {self.scale[-1]} for {name}")
        elif decision.data == OTHER and level.data != own and not (note.data or "").strip():
            note.errors.append(
                f"Enter a note saying why {name} is level {level.data}: "
                f"a level different from the self-rating ({own}) needs a note"
            )
        else:
            return True
        return False

    def decisions(self) -> list[tuple[Claim, int, str]]:
        """The claims decided, each with the level it is validated at and the manager's note."""
        decided = []
        for claim in self.claims:
            decision, level, note = self.group(claim)
            if decision.data in (ACCEPT, OTHER):
                chosen = claim.self_rating.level if decision.data == ACCEPT else level.data
                decided.append((claim, chosen, (note.data or "").strip()))
        return decided


def validation_form(framework: Framework, claims: list[Claim]) -> ValidationForm:
    """A form with one group of fields for each claim."""

    class Form(ValidationForm):
        """This request's fields, added below: a class of its own, so requests never share fields."""

    levels = [SelectChoice(level.level, f"{level.level} – {level.label}") for level in framework.scale]
    for claim in claims:
        own = claim.self_rating.level
        choices = [SelectChoice(ACCEPT, f"Accept {own}"), SelectChoice(OTHER, "Set another level")]
        default = claim.validated.level if claim.validated is not None else own
        setattr(Form, f"{claim.key}_seen", HiddenField())
        setattr(Form, f"{claim.key}_decision", RadioField(choices=choices, validate_choice=False))
        setattr(Form, f"{claim.key}_level", SelectField(choices=levels, coerce=_level, default=default, validate_choice=False))
        note_too_long = f"The note on {claim.competency.name} must be {EVIDENCE_MAX:,} characters or fewer"
        setattr(Form, f"{claim.key}_note", TextAreaField(validators=[Length(max=EVIDENCE_MAX, message=note_too_long)]))
    return Form(claims, tuple(level.level for level in framework.scale))


def decision_summary(claim: Claim, level: int) -> str:
    """What a decision did, such as "Rota design: set to 1 (self-rated 3)"."""
    own = claim.self_rating.level
    if level == own:
        return f"{claim.competency.name}: accepted {level}"
    return f"{claim.competency.name}: set to {level} (self-rated {own})"


@bp.route("/people/<id:person_id>/validate", methods=["GET", "POST"])
@login_required
def validate(person_id: int):
    """A person's self-ratings for their manager to accept or correct, those awaiting first."""
    person = visible_person(person_id)
    require(manages(current_user, person))
    fw = framework()
    claims = claims_of(fw, person, ratings_of(person))
    form = validation_form(fw, claims)
    if form.validate_on_submit():
        decided = form.decisions()
        if not decided:
            flash("Nothing saved: choose Accept or Set another level for at least one competency.")
            return redirect(url_for("manager.validate", person_id=person.id))
        manager = signed_in_person()
        for claim, level, note in decided:
            rating = Rating(
                person=person,
                competency_id=claim.competency.id,
                level=level,
                rater="manager",
                rated_by=manager,
                evidence=note,
            )
            db.session.add(rating)
            audit(
                current_user,
                "manager_rating",
                rating,
                person=person,
                competency=claim.competency.id,
                level=level,
                self_level=claim.self_rating.level,
            )
        db.session.commit()
        flash(f"Validated for {person.name}: " + "; ".join(decision_summary(c, level) for c, level, _ in decided))
        return redirect(url_for("manager.validate", person_id=person.id))
    return render_template(
        "manager/validate.html",
        person=person,
        framework=fw,
        form=form,
        awaiting=[c for c in claims if c.awaiting],
        validated=[c for c in claims if not c.awaiting],
    )
