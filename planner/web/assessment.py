"""Self-assessment: a person rates themselves in each competency, one framework domain at a time.

Every save appends new ratings and never changes old ones, so each competency keeps its history.
Which level counts is ``current_levels``'s policy: a level validated by a manager counts;
otherwise the person's own rating counts. Only the person may rate themselves; their manager and
their trust's admins see the same pages read-only.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from planner.core.framework import Competency, Framework, Level
from planner.db import db
from planner.models import EVIDENCE_MAX, Person, Rating, audit, current_levels, rating_facts, ratings_of
from planner.web.access import is_self, require, visible_person
from planner.times import uk_time
from planner.web.context import framework

bp = Blueprint("assessment", __name__)

# Characters a framework id may hold besides letters and digits, each spelled with a leading
# underscore, so field names stay letters, digits and underscores and two ids never share one.
ID_ESCAPES = {"_": "__", "-": "_h", ".": "_d"}


def field_key(competency_id: str) -> str:
    """A competency id made safe for an HTML id and a form field name: ``ROT-01`` → ``ROT_h01``."""
    return "".join(ID_ESCAPES.get(char, char) for char in competency_id)


def level_name(competency_id: str) -> str:
    """The name of the radio field holding the chosen level for a competency."""
    return f"level_{field_key(competency_id)}"


def note_name(competency_id: str) -> str:
    """The name of the text field holding a new evidence note for a competency."""
    return f"note_{field_key(competency_id)}"


def latest_self_ratings(ratings) -> dict[str, Rating]:
    """The person's own latest rating in each competency they have rated (``ratings`` oldest first)."""
    return {rating.competency_id: rating for rating in ratings if rating.rater == "self"}


def counting_ratings(ratings) -> dict[str, Rating]:
    """For each competency rated, the rating that counts now (``ratings`` oldest first): the latest
    manager rating when there is one, otherwise the latest self-rating, as ``current_levels`` has it."""
    latest = {(rating.competency_id, rating.rater): rating for rating in ratings}
    return {c: latest.get((c, "manager")) or rating for (c, _), rating in latest.items()}


@dataclass(frozen=True)
class DomainRow:
    """One line of the domains table: how much of a domain is asked for and rated."""

    domain_id: str
    name: str
    competencies: int
    for_role: int
    for_target: int
    rated: int


def domain_rows(fw: Framework, role_needs: dict[str, int], target_needs: dict[str, int], rated) -> list[DomainRow]:
    """Each domain in framework order with its counts of competencies needed and rated."""
    rows = []
    for domain in fw.domains:
        ids = [c.id for c in fw.competencies if c.domain == domain.id]
        rows.append(
            DomainRow(
                domain.id,
                domain.name,
                len(ids),
                sum(1 for c in ids if role_needs.get(c)),
                sum(1 for c in ids if target_needs.get(c)),
                sum(1 for c in ids if c in rated),
            )
        )
    return rows


class DomainForm(FlaskForm):
    """One radio field and one evidence note per competency of a domain (built by ``domain_form``)."""

    competencies: tuple[Competency, ...] = ()

    def level(self, competency_id: str):
        """The radio field for a competency's level."""
        return self[level_name(competency_id)]

    def note(self, competency_id: str):
        """The text field for a competency's new evidence note."""
        return self[note_name(competency_id)]

    def validate(self, extra_validators=None) -> bool:
        """Also refuse an evidence note for a competency left without a level: there is nothing to attach it to."""
        valid = super().validate(extra_validators)
        for competency in self.competencies:
            level = self.level(competency.id)
            if self.note(competency.id).data and level.data is None and not level.errors:
                level.errors.append(f"Choose a level for {competency.name} to save its evidence note")
                valid = False
        return valid


def evidence_length(form, field) -> None:
    """Refuse an evidence note longer than a rating keeps, saying how long it is."""
    if len(field.data) > EVIDENCE_MAX:
        raise ValidationError(
            f"{field.label.text} must be {EVIDENCE_MAX:,} characters or fewer; it is {len(field.data):,} characters"
        )


def strip(value):
    """Surrounding spaces removed, so a note of only spaces is no note."""
    return value.strip() if isinstance(value, str) else value


def domain_form(scale: tuple[Level, ...], competencies, own: dict[str, Rating]) -> DomainForm:
    """The form for one domain, each level pre-selected at the person's own latest rating."""
    choices = [SelectChoice(str(level.level), f"{level.level} – {level.label}") for level in scale]
    fields: dict[str, object] = {"competencies": tuple(competencies)}
    for competency in competencies:
        wrong = f"Choose one of the levels for {competency.name}"
        fields[level_name(competency.id)] = RadioField(
            f"Level in {competency.name}",
            validators=[Optional()],
            coerce=int,
            choices=choices,
            invalid_value_message=wrong,
            invalid_choice_message=wrong,
        )
        fields[note_name(competency.id)] = TextAreaField(
            f"Evidence for {competency.name}", validators=[evidence_length], filters=[strip], default=""
        )
    form_class = type("DomainForm", (DomainForm,), fields)
    return form_class(data={level_name(c): rating.level for c, rating in own.items()})


def rate_changes(form: DomainForm, person: Person, own: dict[str, Rating]) -> list[str]:
    """Append a self-rating for each competency whose level changed or that has a new note, each
    audited; what changed, one phrase per competency, such as ``Rota rules: 1 → 2``."""
    changes = []
    for competency in form.competencies:
        level, note = form.level(competency.id).data, form.note(competency.id).data
        before = own.get(competency.id)
        if level is None or (before is not None and before.level == level and not note):
            continue
        rating = Rating(
            person=person, competency_id=competency.id, level=level, rater="self", rated_by=person, evidence=note
        )
        db.session.add(rating)
        previous = before.level if before is not None else None
        audit(current_user, "self_rating", rating, person=person, competency=competency.id, level=level, previous=previous)
        if previous == level:
            changes.append(f"{competency.name}: {level}, evidence added")
        else:
            was = "not rated" if previous is None else previous
            changes.append(f"{competency.name}: {was} → {level}" + (" with evidence" if note else ""))
    return changes


@bp.get("/people/<id:person_id>/assessment")
@login_required
def domains(person_id: int):
    """The framework's domains, with how much of each the person's role and target ask for and they have rated."""
    person = visible_person(person_id)
    fw = framework()
    # A role or target the framework no longer has asks for nothing, rather than failing.
    role = fw.role.get(person.role_id)
    target = fw.role.get(person.target_role_id or "")
    levels = current_levels(rating_facts(person))
    rows = domain_rows(fw, role.requires if role else {}, target.requires if target else {}, levels)
    return render_template(
        "assessment/domains.html",
        person=person,
        framework=fw,
        role=role,
        target=target,
        rows=rows,
        rated=len(levels),
        is_self=is_self(current_user, person),
    )


@bp.route("/people/<id:person_id>/assessment/<string(maxlength=64):domain_id>", methods=["GET", "POST"])
@login_required
def domain(person_id: int, domain_id: str):
    """One domain's competencies: what is needed, what counts now, and (for the person) the form to rate them."""
    person = visible_person(person_id)
    fw = framework()
    if domain_id not in fw.domain:
        abort(404)
    editable = is_self(current_user, person)
    if request.method == "POST":
        require(editable)
    competencies = [c for c in fw.competencies if c.domain == domain_id]
    ratings = ratings_of(person)
    own = latest_self_ratings(ratings)
    form = domain_form(fw.scale, competencies, own) if editable else None
    if form is not None and form.validate_on_submit():
        changes = rate_changes(form, person, own)
        db.session.commit()
        flash(f"Saved: {'; '.join(changes)}." if changes else "Nothing changed.")
        return redirect(url_for(".domain", person_id=person.id, domain_id=domain_id))
    position = [d.id for d in fw.domains].index(domain_id)
    return render_template(
        "assessment/domain.html",
        person=person,
        framework=fw,
        domain=fw.domain[domain_id],
        competencies=competencies,
        role=fw.role.get(person.role_id),
        target=fw.role.get(person.target_role_id or ""),
        levels=current_levels(ratings),
        counted=counting_ratings(ratings),
        own=own,
        scale={level.level: level for level in fw.scale},
        hints={str(level.level): level.descriptor for level in fw.scale},
        evidence_max=EVIDENCE_MAX,
        form=form,
        previous=fw.domains[position - 1] if position > 0 else None,
        next=fw.domains[position + 1] if position + 1 < len(fw.domains) else None,
        uk_time=uk_time,
        is_self=editable,
    )


@bp.get("/people/<id:person_id>/history/<string(maxlength=64):competency_id>")
@login_required
def history(person_id: int, competency_id: str):
    """Every rating of one competency for the person, newest first, marking the one that counts."""
    person = visible_person(person_id)
    fw = framework()
    competency = fw.competency.get(competency_id)
    if competency is None:
        abort(404)
    ratings = [r for r in ratings_of(person) if r.competency_id == competency_id]
    current = current_levels(ratings).get(competency_id)
    pending = None
    if current is not None and current.pending is not None:
        pending = latest_self_ratings(ratings)[competency_id]
    return render_template(
        "assessment/history.html",
        person=person,
        framework=fw,
        competency=competency,
        domain=fw.domain[competency.domain],
        ratings=list(reversed(ratings)),
        counting=counting_ratings(ratings).get(competency_id),
        pending=pending,
        scale={level.level: level for level in fw.scale},
        uk_time=uk_time,
        is_self=is_self(current_user, person),
    )
