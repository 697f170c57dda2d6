"""Check-ins (Recruit and retain): check-ins with people new in role and the retention flag.

People in their first two years in role have check-ins with their manager 1, 3, 6, 12, 18 and 24
months after they started (``planner.core.checkins``). A manager sees every check-in due or
overdue across the teams they manage, and records one on the person's check-ins page; recording
one asks the person to review their self-assessment, on their home page, until they next rate
themselves. The latest training a person completed (``planner.web.training``) feeds the retention
flag on the manager's team list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import Field, TextAreaField
from wtforms.utils import unset_value
from wtforms.validators import Length, StopValidation, ValidationError

from planner.core import checkins as core
from planner.db import db
from planner.models import Checkin, Person, TrainingRecord, audit
from planner.times import long_date
from planner.web.access import is_self, manages, require, signed_in_person, visible_person
from planner.web.context import framework, today

bp = Blueprint("checkins", __name__)

NOTES_MAX = 4000
"""The longest check-in note kept, in characters."""
PARTS = ("day", "month", "year")
PART_PATTERN = {"day": r"[0-9]{1,2}", "month": r"[0-9]{1,2}", "year": r"[0-9]{4}"}
OPEN = (core.OVERDUE, core.DUE)
"""The statuses a manager is asked to act on."""


# A date typed into three boxes ---------------------------------------------------------------


class DateInputField(Field):
    """A date typed into the NHS.UK date input: day, month and year posted as ``<name>-day`` and so on.

    ``parts`` keeps what was typed, to show it again; ``bad_parts`` names the boxes to mark when
    the date cannot be read; ``data`` is the date once it can. ``noun`` names the date in the
    error messages ("the date of the check-in").
    """

    def __init__(self, label=None, validators=None, *, noun: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.noun = noun
        self.parts = dict.fromkeys(PARTS, "")
        self.bad_parts: tuple[str, ...] = ()
        self.id = f"{self.name}-day"  # the error summary links to the first box

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            self.parts = {part: formdata.get(f"{self.name}-{part}", "").strip() for part in PARTS}
            self.data = None

    def pre_validate(self, form) -> None:
        """Read the date from its parts, or stop with what is wrong, marking the boxes to correct."""
        missing = tuple(part for part in PARTS if not self.parts[part])
        unreadable = tuple(part for part in PARTS if not re.fullmatch(PART_PATTERN[part], self.parts[part]))
        subject = self.noun[0].upper() + self.noun[1:]
        if len(missing) == len(PARTS):
            self.fail(PARTS, f"Enter {self.noun}")
        if missing:
            self.fail(missing, f"{subject} must include a {' and '.join(missing)}")
        if unreadable:
            self.fail(unreadable, f"{subject} must be a real date, like 3 3 2026")
        try:
            self.data = date(*(int(self.parts[part]) for part in reversed(PARTS)))
        except ValueError:
            self.fail(PARTS, f"{subject} must be a real date, like 3 3 2026")

    def fail(self, parts: tuple[str, ...], message: str):
        """Stop validating with ``message``, the error summary linking to the first box named."""
        self.bad_parts = parts
        self.id = f"{self.name}-{parts[0]}"
        raise StopValidation(message)

    def refuse(self, message: str):
        """Refuse a readable date (in the future, too early) with ``message``, marking every box."""
        self.bad_parts = PARTS
        raise ValidationError(message)


# Gathering what the pages show ---------------------------------------------------------------


def held_dates(person_ids: list[int]) -> dict[int, tuple[date, ...]]:
    """The dates of every check-in recorded with these people, from one query."""
    held: dict[int, list[date]] = {person_id: [] for person_id in person_ids}
    if person_ids:
        query = select(Checkin.person_id, Checkin.held_on).where(Checkin.person_id.in_(person_ids))
        for person_id, day in db.session.execute(query):
            held[person_id].append(day)
    return {person_id: tuple(days) for person_id, days in held.items()}


def schedules(people: list[Person], day: date) -> dict[int, tuple[core.Checkin, ...]]:
    """Each person's check-ins as the core schedules them, from their start in role and the check-ins held."""
    held = held_dates([person.id for person in people])
    return {person.id: core.schedule(person.started_in_role, held[person.id], day) for person in people}


def last_training(person_ids: list[int]) -> dict[int, date]:
    """The latest training completed by each of these people who has any recorded, from one query."""
    if not person_ids:
        return {}
    query = (
        select(TrainingRecord.person_id, func.max(TrainingRecord.completed_on))
        .where(TrainingRecord.person_id.in_(person_ids))
        .group_by(TrainingRecord.person_id)
    )
    return {person_id: day for person_id, day in db.session.execute(query)}


def team_members(manager: Person) -> list[Person]:
    """Everyone in the teams ``manager`` manages but the manager, team by team."""
    return [person for team in manager.managed_teams for person in team.members if person.id != manager.id]


def checkin_invitation(person: Person, ratings: list) -> Checkin | None:
    """The latest check-in with ``person`` while they have not rated themselves since it was recorded.

    Recording a check-in asks the person to review their self-assessment; any self-rating made
    after it was recorded answers that. ``ratings`` are all of the person's ratings (or their
    ``rating_facts``).
    """
    query = select(Checkin).where(Checkin.person_id == person.id)
    latest = db.session.scalars(query.order_by(Checkin.held_on.desc(), Checkin.recorded_at.desc()).limit(1)).first()
    if latest is None:
        return None
    answered = any(rating.rater == "self" and rating.created_at > latest.recorded_at for rating in ratings)
    return None if answered else latest


def when(on: date, day: date) -> str:
    """How far ``on`` is from ``day`` in words: "today", "in 3 days", "12 days ago"."""
    days = (on - day).days
    if days == 0:
        return "today"
    count = f"{abs(days)} day{'s' if abs(days) != 1 else ''}"
    return f"in {count}" if days > 0 else f"{count} ago"


@dataclass(frozen=True)
class Row:
    """One check-in in the manager's list: whose, which, and how far away."""

    person: Person
    checkin: core.Checkin
    when: str


# The manager's list --------------------------------------------------------------------------


@bp.get("/teams/checkins")
@login_required
def team_checkins():
    """The check-ins overdue and due across the signed-in manager's teams, then each person's next one."""
    require("manager" in current_user.roles)
    me, day = signed_in_person(), today()
    people = team_members(me)
    planned = schedules(people, day)
    rows = [Row(p, c, when(c.on, day)) for p in people for c in planned[p.id] if c.status != core.DONE]
    rows.sort(key=lambda row: (row.checkin.on, row.person.name))
    upcoming, seen = [], set()
    for row in rows:  # in date order, so each person's first is their next
        if row.checkin.status == core.UPCOMING and row.person.id not in seen:
            upcoming.append(row)
            seen.add(row.person.id)
    return render_template(
        "checkins/team_checkins.html",
        teams=me.managed_teams,
        overdue=[row for row in rows if row.checkin.status == core.OVERDUE],
        due=[row for row in rows if row.checkin.status == core.DUE],
        upcoming=upcoming,
        months=core.CHECKIN_MONTHS,
        due_within=core.DUE_WITHIN_DAYS,
    )


# A person's check-ins ------------------------------------------------------------------------


class CheckinForm(FlaskForm):
    """A check-in held: the date, not in the future nor before the person started in role, and notes."""

    held_on = DateInputField("Date of the check-in", noun="the date of the check-in")
    notes = TextAreaField(
        "Notes",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Length(max=NOTES_MAX, message=f"Notes must be {NOTES_MAX:,} characters or fewer")],
    )

    def __init__(self, person: Person, day: date, **kwargs):
        super().__init__(**kwargs)
        self.person, self.day = person, day

    def validate_held_on(self, field) -> None:
        if field.data > self.day:
            field.refuse("The date of the check-in must be today or in the past")
        if field.data < self.person.started_in_role:
            field.refuse(
                f"The date of the check-in must be on or after {long_date(self.person.started_in_role)}, "
                f"when {self.person.name} started in role"
            )


def completed_by(checkins: tuple[core.Checkin, ...], held_on: date) -> str:
    """What recording a check-in on ``held_on`` completed, for the message after saving."""
    months = [c.month for c in checkins if c.done_on == held_on]
    return f"the {months[0]}-month check-in" if months else "no check-in left in the schedule"


@bp.route("/people/<id:person_id>/checkins", methods=["GET", "POST"])
@login_required
def person_checkins(person_id: int):
    """A person's check-in schedule and the check-ins held; their manager records one (POST)."""
    person = visible_person(person_id)
    may_record = manages(current_user, person)
    day = today()
    form = CheckinForm(person, day)
    if form.is_submitted():
        require(may_record)
    if form.validate_on_submit():
        checkin = Checkin(
            person=person, held_on=form.held_on.data, notes=form.notes.data or "", recorded_by_id=current_user.id
        )
        db.session.add(checkin)
        audit(current_user, "checkin", checkin, person=person, held_on=checkin.held_on.isoformat())
        done = completed_by(schedules([person], day)[person.id], checkin.held_on)
        db.session.commit()
        flash(
            f"Check-in on {long_date(checkin.held_on)} recorded: it completes {done}. "
            f"{person.name} is asked to review their self-assessment."
        )
        return redirect(url_for("checkins.person_checkins", person_id=person.id))
    query = select(Checkin).where(Checkin.person_id == person.id)
    held = db.session.scalars(query.order_by(Checkin.held_on.desc(), Checkin.id.desc()))
    return render_template(
        "checkins/person_checkins.html",
        person=person,
        framework=framework(),
        checkins=schedules([person], day)[person.id],
        held=list(held),
        form=form if may_record else None,
        is_self=is_self(current_user, person),
        today=day,
        when=when,
        notes_max=NOTES_MAX,
    ), 400 if form.errors else 200
