"""The secondment pages' forms: interest in an opportunity, and posting one."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import abort, request
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from planner.core.framework import Framework
from planner.models import SecondmentOpportunity, Team
from planner.web import MAX_ID

NOTE_MAX = 500
"""The longest note a person may add to their interest, in characters."""
DESCRIPTION_MAX = 2000
DEVELOPS_ROWS = 5
"""How many competency and level pairs the posting form offers."""
WHOLE = re.compile(r"[0-9]{1,4}")


class InterestForm(FlaskForm):
    """Interest in an opportunity, with an optional note for the releasing manager and the host."""

    note = TextAreaField(validators=[Length(max=NOTE_MAX, message=f"Your note must be {NOTE_MAX} characters or fewer")])


def _whole(text: str, low: int, high: int, message: str) -> int:
    """A whole number from ``low`` to ``high`` typed as ``text``; a ``ValidationError`` saying ``message`` otherwise."""
    text = (text or "").strip()
    if not WHOLE.fullmatch(text) or not low <= int(text) <= high:
        raise ValidationError(message)
    return int(text)


class OpportunityForm(FlaskForm):
    """A new opportunity: host team, title, role, start date, months, FTE, places, description and
    up to ``DEVELOPS_ROWS`` competencies it develops, each with the level it takes people to.

    The competency and level pairs are ``competency_<n>`` and ``level_<n>``, added below the class.
    """

    host_team = SelectField(default="", validators=[DataRequired("Choose the host team")], invalid_choice_message="Choose a host team from the list")
    title = StringField(validators=[DataRequired("Enter a title"), Length(max=200, message="The title must be 200 characters or fewer")])
    role = SelectField(default="", validators=[DataRequired("Choose the role")], invalid_choice_message="Choose a role from the list")
    start_day = StringField()
    start_month = StringField()
    start_year = StringField()
    months = StringField()
    fte = StringField()
    places = StringField()
    description = TextAreaField(validators=[Length(max=DESCRIPTION_MAX, message=f"The description must be {DESCRIPTION_MAX:,} characters or fewer")])

    def __init__(self, teams: list[Team], fw: Framework, day: date, **kwargs):
        super().__init__(**kwargs)
        self.day = day
        self.host_team.choices = [SelectChoice("", "Choose a team"), *(SelectChoice(str(t.id), f"{t.name}, {t.trust.name}") for t in teams)]
        self.role.choices = [SelectChoice("", "Choose a role"), *(SelectChoice(r.id, f"{r.title} (band {r.band})") for r in fw.roles)]
        competencies = [SelectChoice("", "None"), *(SelectChoice(c.id, c.name) for c in fw.competencies)]
        levels = [SelectChoice("", "None"), *(SelectChoice(str(s.level), f"{s.level} – {s.label}") for s in fw.scale if s.level)]
        for n in range(1, DEVELOPS_ROWS + 1):
            self[f"competency_{n}"].choices = competencies
            self[f"level_{n}"].choices = levels
        self.names = {c.id: c.name for c in fw.competencies}

    @property
    def rows(self) -> list[tuple]:
        """The competency and level fields of each row."""
        return [(self[f"competency_{n}"], self[f"level_{n}"]) for n in range(1, DEVELOPS_ROWS + 1)]

    def validate_start_day(self, field) -> None:
        parts = {"day": field.data, "month": self.start_month.data, "year": self.start_year.data}
        missing = [name for name, value in parts.items() if not (value or "").strip()]
        if len(missing) == 3:
            raise ValidationError("Enter the start date")
        if missing:
            raise ValidationError(f"The start date must include a {' and a '.join(missing)}")
        try:
            day = date(*(_whole(parts[p], 1, 9999, "") for p in ("year", "month", "day")))
        except (ValidationError, ValueError):
            raise ValidationError("The start date must be a real date, like 1 9 2026") from None
        if day < self.day:
            raise ValidationError(f"The start date must be today or later (today is {self.day:%-d %B %Y})")

    def validate_months(self, field) -> None:
        _whole(field.data, 1, 36, "Enter how many months it lasts, as a whole number from 1 to 36")

    def validate_places(self, field) -> None:
        _whole(field.data, 1, 50, "Enter how many places there are, as a whole number from 1 to 50")

    def validate_fte(self, field) -> None:
        message = "Enter the FTE as a number from 0.1 to 1, like 0.6"
        try:
            fte = Decimal((field.data or "").strip())
        except InvalidOperation:
            raise ValidationError(message) from None
        if not (fte.is_finite() and Decimal("0.1") <= fte <= 1):
            raise ValidationError(message)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self._check_rows() and valid

    def _check_rows(self) -> bool:
        """Each row has both a competency and a level or neither; no competency twice; at least one."""
        seen, ok = set(), True
        for competency, level in self.rows:
            name = self.names.get(competency.data, "")
            if not (competency.data or level.data):
                continue
            if competency.errors or level.errors:  # not a choice from the list: already said
                ok = False
                continue
            if competency.data and not level.data:
                level.errors.append(f"Choose the level {name} takes people to")
            elif level.data and not competency.data:
                competency.errors.append(f"Choose the competency for level {level.data}, or set the level to None")
            elif competency.data in seen:
                competency.errors.append(f"{name} is chosen twice: choose it once")
            else:
                seen.add(competency.data)
                continue
            ok = False
        if ok and not seen:
            self.competency_1.errors.append("Choose at least one competency the secondment develops")
            ok = False
        return ok

    def opportunity(self, account: Account) -> SecondmentOpportunity:
        """The opportunity the valid form describes, posted by ``account``."""
        return SecondmentOpportunity(
            host_team_id=int(self.host_team.data),
            title=self.title.data.strip(),
            role_id=self.role.data,
            description=(self.description.data or "").strip(),
            starts_on=date(int(self.start_year.data), int(self.start_month.data), int(self.start_day.data)),
            months=int(self.months.data),
            fte=float(Decimal(self.fte.data.strip())),
            places=int(self.places.data),
            develops={c.data: int(lv.data) for c, lv in self.rows if c.data},
            status="open",
            posted_by=account,
        )


for _n in range(1, DEVELOPS_ROWS + 1):
    setattr(OpportunityForm, f"competency_{_n}", SelectField(default="", invalid_choice_message="Choose a competency from the list"))
    setattr(OpportunityForm, f"level_{_n}", SelectField(default="", invalid_choice_message="Choose a level from the list"))


def posted_id(name: str) -> int:
    """A record id posted in the form, or 404 when there is none that could exist."""
    value = request.form.get(name, "")
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID):
        abort(404)
    return int(value)
