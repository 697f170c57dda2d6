"""Training records (Educate): the modules a person completed, the hours they took and the evidence.

A person, or a manager of their team, records a module completed: the date, the hours of
learning time it took and an optional evidence note. Completing a module proposes the levels it
raises as the person's self-ratings, awaiting their manager's validation (``planner.training``).
The page lists every record, entered here or imported from ESR, and the person's protected
learning time month by month: the hours planned against the hours used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from planner.core.framework import Framework
from planner.core.training import (
    HOURS_MAX,
    MonthOfLearning,
    hours_of,
    learning_time,
    recent_months,
    team_learning_time,
    total,
)
from planner.db import db
from planner.models import Person, TrainingRecord
from planner.training import EVIDENCE_MAX, record_completion
from planner.times import long_date
from planner.web.access import is_self, manages, require, visible_person
from planner.web.checkins import DateInputField
from planner.web.context import framework, today
from planner.web.needs import NUMBER

bp = Blueprint("training", __name__)

HOURS_MESSAGE = f"The hours of learning time must be more than 0 and at most {HOURS_MAX:,g}"
PERSON_MONTHS = 7
"""Months of protected learning time on a person's pages: this month and the six before."""
TEAM_MONTHS = 4
"""Months of protected learning time on the manager's team list: this month and the three before."""


# Protected learning time ---------------------------------------------------------------------


def learning_times(framework: Framework, people: list[Person], months: tuple[date, ...]) -> dict[int, tuple[MonthOfLearning, ...]]:
    """Each person's planned and used learning hours in each of ``months``, from one query."""
    used: dict[int, list[tuple[date, float]]] = {person.id: [] for person in people}
    if people and months:
        query = select(TrainingRecord.person_id, TrainingRecord.module_id, TrainingRecord.completed_on, TrainingRecord.hours).where(
            TrainingRecord.person_id.in_(list(used)), TrainingRecord.completed_on >= months[0]
        )
        for person_id, module_id, completed_on, hours in db.session.execute(query):
            used[person_id].append((completed_on, hours_of(framework, module_id, hours)))
    return {person.id: learning_time(person.protected_hours, used[person.id], months) for person in people}


def person_learning_time(framework: Framework, person: Person, day: date) -> tuple[MonthOfLearning, ...]:
    """A person's protected learning time this month and the six before, oldest first."""
    return learning_times(framework, [person], recent_months(day, PERSON_MONTHS))[person.id]


@dataclass(frozen=True)
class RecentLearning:
    """Protected learning time this month, and over the months before it added up."""

    this_month: MonthOfLearning
    before: MonthOfLearning


@dataclass(frozen=True)
class TeamsLearning:
    """The manager's team list: each person's recent learning time, and each team's (its members added up)."""

    months: tuple[date, ...]
    people: dict[int, RecentLearning]
    teams: dict[int, RecentLearning]


def recent(months: tuple[MonthOfLearning, ...]) -> RecentLearning:
    """The last of ``months`` on its own, and the ones before it added up."""
    return RecentLearning(months[-1], total(months[:-1]))


def teams_learning_time(framework: Framework, members: dict[int, list[Person]], day: date) -> TeamsLearning:
    """Protected learning time this month and the three before, for each member of each team and each team."""
    months = recent_months(day, TEAM_MONTHS)
    each = learning_times(framework, [person for group in members.values() for person in group], months)
    teams = {team_id: team_learning_time([each[p.id] for p in group], months) for team_id, group in members.items()}
    return TeamsLearning(
        months,
        {person_id: recent(entries) for person_id, entries in each.items()},
        {team_id: recent(entries) for team_id, entries in teams.items()},
    )


def strip(value):
    """What was typed, without spaces around it."""
    return value.strip() if isinstance(value, str) else value


class TrainingForm(FlaskForm):
    """A module completed: which, on a date not in the future, the hours it took and evidence.

    Hours left blank are the module's hours from the framework.
    """

    module = SelectField(
        "Module",
        validators=[InputRequired("Choose the module completed")],
        invalid_choice_message="Choose one of the framework's modules",
    )
    completed_on = DateInputField("Date completed", noun="the date the module was completed")
    hours = StringField("Hours of learning time", filters=[strip])
    evidence = TextAreaField(
        "Evidence",
        filters=[strip],
        validators=[Length(max=EVIDENCE_MAX, message=f"The evidence note must be {EVIDENCE_MAX:,} characters or fewer")],
    )

    def __init__(self, framework: Framework, day: date, **kwargs):
        super().__init__(**kwargs)
        self.framework, self.day = framework, day
        # The blank choice prompts; choosing it is refused by InputRequired.
        self.module.choices = [SelectChoice("", "Choose a module")]
        self.module.choices += [
            SelectChoice(module.id, f"{module.title} ({module.hours:g} hours)") for module in framework.modules
        ]

    def validate_completed_on(self, field) -> None:
        if field.data > self.day:
            field.refuse("The date the module was completed must be today or in the past")

    def validate_hours(self, field) -> None:
        if field.data and not NUMBER.fullmatch(field.data):
            raise ValidationError("Enter the hours of learning time as a number, like 3 or 1.5")
        if field.data and not 0 < Decimal(field.data) <= Decimal(str(HOURS_MAX)):
            raise ValidationError(HOURS_MESSAGE)

    @property
    def hours_taken(self) -> float:
        """The hours entered, or the module's hours when none were, once the form is valid."""
        if self.hours.data:
            return float(Decimal(self.hours.data))
        return self.framework.module[self.module.data].hours


def proposals(framework: Framework, proposed: dict[str, int]) -> str:
    """The levels proposed, for the message after saving: "Rota rules at level 3 and Rota design at level 3"."""
    names = [f"{framework.competency[c].name} at level {level}" for c, level in proposed.items()]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


@bp.route("/people/<id:person_id>/training", methods=["GET", "POST"])
@login_required
def training(person_id: int):
    """The training a person has completed and their learning time; they or their manager record more (POST)."""
    person = visible_person(person_id)
    may_record = is_self(current_user, person) or manages(current_user, person)
    fw, day = framework(), today()
    form = TrainingForm(fw, day)
    if form.is_submitted():
        require(may_record)
    if form.validate_on_submit():
        done = record_completion(
            fw, person, form.module.data, form.completed_on.data, form.hours_taken, form.evidence.data or "",
            source="recorded", recorded_by=current_user,
        )
        db.session.commit()
        record = done.record
        said = f"Recorded: {fw.module[record.module_id].title}, completed on {long_date(record.completed_on)}, {record.hours:g} hours."
        if done.proposed:
            said += f" Proposed for validation by a manager: {proposals(fw, done.proposed)}."
        flash(said)
        return redirect(url_for("training.training", person_id=person.id))
    query = select(TrainingRecord).where(TrainingRecord.person_id == person.id)
    records = list(db.session.scalars(query.order_by(TrainingRecord.completed_on.desc(), TrainingRecord.id.desc())))
    learning = person_learning_time(fw, person, day)
    return render_template(
        "training/training.html",
        person=person,
        framework=fw,
        records=records,
        learning=learning,
        learning_total=total(learning),
        form=form if may_record else None,
        is_self=is_self(current_user, person),
        evidence_max=EVIDENCE_MAX,
        hours_max=HOURS_MAX,
    ), 400 if form.errors else 200
