"""Mentoring (Help): offering to mentor, finding a mentor for a gap, and the requests between people.

A person offers to mentor the competencies they hold at level 3 or above; someone with a gap in
one of them finds the mentors offering it in their region, nearest first, and asks one; the
mentor accepts or declines, or the person who asked withdraws. The rules are the core's
(``planner.core.mentors``); these pages gather the offers, levels and places of work it needs.

Who may do what: anyone who may see a person sees their mentoring page, but only the person
changes their offers, looks for mentors and asks; only the mentor asked answers a request, and
only the person who asked withdraws it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from planner.core.errors import PlanningError
from planner.core.mentors import (
    MENTOR,
    MENTOR_LEVEL,
    REQUESTED,
    SAME_ICS,
    SAME_REGION,
    SAME_TRUST,
    SEEKER,
    Mentor,
    MentorMatch,
    Seeker,
    check_mentoring_offer,
    find_mentors,
    next_request_state,
)
from planner.core.tna import Need, find_needs, role_requirements
from planner.db import db
from planner.models import (
    Account,
    IntegratedCareSystem,
    MentorOffer,
    MentorRequest,
    Person,
    Trust,
    audit,
    current_levels,
    rating_facts,
    utcnow,
)
from planner.web.access import can_see, is_self, refuse_changes_if_restricted, require, visible_person
from planner.web.context import framework
from planner.web.manager import ratings_by_person

bp = Blueprint("mentors", __name__)

MESSAGE_MAX = 500
"""The longest message a request for mentoring carries, in characters."""
TIER_TEXT = {SAME_TRUST: "In your trust", SAME_ICS: "In your ICS", SAME_REGION: "Elsewhere in your region"}
"""How each tier of ``find_mentors`` is said on the page."""


def levels_of(person: Person) -> dict[str, int]:
    """The person's current level in each competency they have been rated in."""
    return {c: current.level for c, current in current_levels(rating_facts(person)).items()}


def competency_name(competency_id: str) -> str:
    """The competency's name, or its id when the framework no longer has it."""
    competency = framework().competency.get(competency_id)
    return competency.name if competency else competency_id


# My mentoring: offers and the requests made and received -------------------------------------


class OfferForm(FlaskForm):
    """The competencies a person offers to mentor: any of the framework's; the core checks them against their levels."""

    competencies = SelectMultipleField(validate_choice=False)

    def validate_competencies(self, field) -> None:
        if any(c not in framework().competency for c in field.data):
            raise ValidationError("Choose only from the competencies listed")


def offers_of(person: Person) -> dict[str, MentorOffer]:
    """Every offer the person has ever made, by competency (withdrawn ones too)."""
    return {o.competency_id: o for o in db.session.scalars(select(MentorOffer).where(MentorOffer.person_id == person.id))}


def save_offers(person: Person, offers: dict[str, MentorOffer], offered: tuple[str, ...]) -> list[str]:
    """Make the person's open offers exactly ``offered``, auditing each change; what changed, in words."""
    changes = []
    for competency_id in offered:
        offer = offers.get(competency_id)
        if offer is None:
            offer = MentorOffer(person=person, competency_id=competency_id)
            db.session.add(offer)
        elif offer.withdrawn_at is None:
            continue
        offer.withdrawn_at = None
        audit(current_user, "mentor_offer", offer, person=person, competency=competency_id)
        changes.append(f"now offering {competency_name(competency_id)}")
    for competency_id, offer in offers.items():
        if offer.withdrawn_at is None and competency_id not in offered:
            offer.withdrawn_at = utcnow()
            audit(current_user, "mentor_offer_withdrawn", offer, person=person, competency=competency_id)
            changes.append(f"no longer offering {competency_name(competency_id)}")
    return changes


@bp.route("/people/<id:person_id>/mentoring", methods=["GET", "POST"])
@login_required
def mentoring(person_id: int):
    """A person's mentoring: the competencies they offer to mentor (their own form) and their requests."""
    person = visible_person(person_id)
    own = is_self(current_user, person)
    levels, offers = levels_of(person), offers_of(person)
    open_offers = [c for c, offer in offers.items() if offer.withdrawn_at is None]
    form = OfferForm(competencies=open_offers)
    form.competencies.choices = [
        SelectChoice(c.id, c.name) for c in framework().competencies if levels.get(c.id, 0) >= MENTOR_LEVEL
    ]
    if form.is_submitted():
        require(own)
    if form.validate_on_submit():
        names = {c.id: c.name for c in framework().competencies}
        try:
            offered = check_mentoring_offer(levels, form.competencies.data, names=names)
        except PlanningError as error:
            form.competencies.errors.append(sentence(str(error)))
        else:
            changes = save_offers(person, offers, offered)
            db.session.commit()
            flash(sentence("; ".join(changes)) if changes else "Nothing changed: your offers are as they were.")
            return redirect(url_for("mentors.mentoring", person_id=person.id))
    return render_template(
        "mentors/mentoring.html",
        person=person,
        framework=framework(),
        form=form if own else None,
        is_self=own,
        levels=levels,
        offered=[c for c in open_offers if levels.get(c, 0) >= MENTOR_LEVEL],
        lapsed=[c for c in open_offers if levels.get(c, 0) < MENTOR_LEVEL],
        received=requests_of(MentorRequest.mentor_id == person.id),
        sent=requests_of(MentorRequest.seeker_id == person.id),
    ), 400 if form.errors else 200


def sentence(text: str) -> str:
    """``text`` as a sentence: a capital first letter and a full stop."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def requests_of(condition) -> list[MentorRequest]:
    """The requests matching ``condition``, newest first."""
    query = select(MentorRequest).where(condition).order_by(MentorRequest.created_at.desc(), MentorRequest.id.desc())
    return list(db.session.scalars(query))


# Finding a mentor for a gap -------------------------------------------------------------------


class SearchForm(FlaskForm):
    """Which gap to find mentors for, and whether to leave out the person's own trust (sent by GET)."""

    class Meta:
        csrf = False  # a search changes nothing, and its address can be bookmarked

    competency = SelectField("Competency", validators=[InputRequired("Choose a competency to find mentors for")])
    exclude_own_trust = BooleanField("Leave out mentors in my own trust")


class RequestForm(FlaskForm):
    """Asking one mentor for help with one competency, with an optional message."""

    mentor_id = IntegerField(validators=[InputRequired("Choose a mentor to ask")])
    competency = HiddenField(validators=[InputRequired("Choose a competency to ask about")])
    exclude_own_trust = HiddenField()
    message = TextAreaField(
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Length(max=MESSAGE_MAX, message=f"Your message must be {MESSAGE_MAX} characters or fewer")],
    )


def gaps_of(person: Person, levels: dict[str, int]) -> list[Need]:
    """The person's gaps against their target role (their own role when they have no target the framework knows)."""
    fw = framework()
    role = person.target_role_id if person.target_role_id in fw.role else person.role_id
    return [need for need in find_needs(fw, levels, role_requirements(fw, role)) if need.gap]


def seeker_of(person: Person) -> Seeker:
    """The person as the core's seeker: who they are and where they work."""
    system = person.trust.system
    return Seeker(person.id, person.trust_id, system.id, system.region_id)


def offers_in_region(region_id: int, competency_id: str) -> tuple[list[Mentor], dict[int, Person]]:
    """The open offers to mentor the competency in the region, with each mentor's current level;
    and the mentors' records by id, to show where they work."""
    offers = db.session.scalars(
        select(MentorOffer)
        .join(MentorOffer.person)
        .join(Person.trust)
        .join(Trust.system)
        .where(
            IntegratedCareSystem.region_id == region_id,
            MentorOffer.competency_id == competency_id,
            MentorOffer.withdrawn_at.is_(None),
        )
    ).all()
    people = {offer.person_id: offer.person for offer in offers}
    ratings = ratings_by_person(list(people))
    mentors = []
    for offer in offers:
        person, level = offer.person, current_levels(ratings[offer.person_id]).get(competency_id)
        role = framework().role.get(person.role_id)
        mentors.append(
            Mentor(
                person_id=person.id,
                name=person.name,
                role=role.title if role else person.role_id,
                trust_id=person.trust_id,
                system_id=person.trust.system_id,
                region_id=region_id,
                competency=competency_id,
                level=level.level if level else 0,
            )
        )
    return mentors, people


def open_requests(seeker: Person, competency_id: str) -> set[int]:
    """The mentors the person has an unanswered request with for this competency."""
    query = select(MentorRequest.mentor_id).where(
        MentorRequest.seeker_id == seeker.id,
        MentorRequest.competency_id == competency_id,
        MentorRequest.status == REQUESTED,
    )
    return set(db.session.scalars(query))


@dataclass(frozen=True)
class Search:
    """The mentors found for one gap, where they work, and whom the person has already asked."""

    competency_id: str
    exclude_own_trust: bool
    matches: tuple[MentorMatch, ...]
    people: dict[int, Person]
    asked: set[int]


def search(person: Person, competency_id: str, exclude_own_trust: bool) -> Search:
    """The mentors the person may ask about the competency, nearest first (``find_mentors``)."""
    seeker = seeker_of(person)
    mentors, people = offers_in_region(seeker.region_id, competency_id)
    matches = find_mentors(seeker, competency_id, mentors, exclude_same_trust=exclude_own_trust)
    return Search(competency_id, exclude_own_trust, matches, people, open_requests(person, competency_id))


def search_page(person: Person, gaps: list[Need], form: SearchForm, found: Search | None, request_form=None):
    """The mentor search page, with the results when there are any; 400 when a form has errors."""
    errors = [*search_errors(form), *request_errors(request_form, found)]
    return render_template(
        "mentors/find.html",
        person=person,
        framework=framework(),
        gaps=gaps,
        form=form,
        found=found,
        request_form=request_form,
        errors=errors,
        page_has_errors=bool(errors),
        tiers=TIER_TEXT,
        message_max=MESSAGE_MAX,
    ), 400 if errors else 200


def search_errors(form: SearchForm) -> list[dict]:
    """The search form's errors for the error summary, each linking to its field."""
    return [{"text": field.errors[0], "href": f"#{field.id}"} for field in form if field.errors]


def request_errors(form: RequestForm | None, found: Search | None) -> list[dict]:
    """A refused request's errors for the error summary: each links to the form of the mentor asked
    when it is on the page, otherwise to the choice of competency."""
    if form is None or not form.errors:
        return []
    shown = found is not None and any(m.mentor.person_id == form.mentor_id.data for m in found.matches)
    errors = []
    for field in (form.mentor_id, form.competency, form.message):
        if field.errors:
            href = f"#{'message' if field is form.message else 'mentor'}-{form.mentor_id.data}" if shown else "#competency"
            errors.append({"text": field.errors[0], "href": href})
    return errors


def search_form(gaps: list[Need], formdata) -> SearchForm:
    """The search form over the person's gaps, filled from ``formdata``."""
    form = SearchForm(formdata=formdata)
    form.competency.choices = [
        SelectChoice("", "Choose a competency"),
        *(SelectChoice(n.competency, f"{competency_name(n.competency)} (you hold {n.current}, need {n.required})") for n in gaps),
    ]
    return form


def known_gaps(person: Person) -> list[Need]:
    """The person's gaps; none when their role is not in the framework (so none can be known)."""
    try:
        return gaps_of(person, levels_of(person))
    except PlanningError:
        return []


@bp.get("/people/<id:person_id>/mentors")
@login_required
def find(person_id: int):
    """Find mentors for one of my gaps: nearest first, my own trust left out if I wish."""
    person = visible_person(person_id)
    require(is_self(current_user, person))
    try:
        gaps = gaps_of(person, levels_of(person))
    except PlanningError as error:  # their role is not in the framework
        return render_template("staff/problem.html", person=person, problem=str(error))
    asked = "competency" in request.args
    form = search_form(gaps, request.args if asked else None)
    found = search(person, form.competency.data, form.exclude_own_trust.data) if asked and form.validate() else None
    return search_page(person, gaps, form, found)


def check_request(found: Search | None, mentor_id: int) -> MentorMatch:
    """The match for the mentor asked; a ``PlanningError`` unless they are offering the competency
    to this person and have no unanswered request from them for it already."""
    if found is None:
        raise PlanningError("choose one of your gaps to ask about")
    match = next((m for m in found.matches if m.mentor.person_id == mentor_id), None)
    name = competency_name(found.competency_id)
    if match is None:
        raise PlanningError(f"that person is not offering to mentor {name} in your region: choose a mentor from the list")
    if mentor_id in found.asked:
        raise PlanningError(
            f"you have already asked {match.mentor.name} about {name}: "
            "wait for their answer, or withdraw the request on your mentoring page"
        )
    return match


def as_shown(found: Search | None, exclude_own_trust: bool) -> Search | None:
    """The search as the page showed it: without the person's own trust when they left it out."""
    if found is None or not exclude_own_trust:
        return found
    return replace(found, exclude_own_trust=True, matches=tuple(m for m in found.matches if m.tier != SAME_TRUST))


@bp.post("/people/<id:person_id>/mentors/request")
@login_required
def request_mentor(person_id: int):
    """Ask a mentor found by the search for help with one of my gaps."""
    person = visible_person(person_id)
    require(is_self(current_user, person))
    gaps = known_gaps(person)
    form = RequestForm()
    competency_id = form.competency.data if form.competency.data in {n.competency for n in gaps} else None
    found = search(person, competency_id, False) if competency_id else None  # the whole region: leaving out is a view
    if form.validate_on_submit():
        try:
            match = check_request(found, form.mentor_id.data)
        except PlanningError as error:
            form.mentor_id.errors.append(sentence(str(error)))
        else:
            mentor_id = match.mentor.person_id
            refuse_changes_if_restricted(db.session.get(Person, mentor_id))
            asked = MentorRequest(seeker=person, mentor_id=mentor_id, competency_id=competency_id, message=form.message.data)
            db.session.add(asked)
            audit(current_user, "mentor_request", asked, person=person, mentor=mentor_id, competency=competency_id)
            db.session.commit()
            flash(f"You asked {match.mentor.name} for mentoring in {competency_name(competency_id)}. Their answer will show here.")
            return redirect(url_for("mentors.mentoring", person_id=person.id))
    exclude = form.exclude_own_trust.data == "y"
    shown = search_form(gaps, None)
    shown.competency.data, shown.exclude_own_trust.data = competency_id, exclude
    return search_page(person, gaps, shown, as_shown(found, exclude), form)


# Answering and withdrawing requests ------------------------------------------------------------


ANSWERED = {"accept": "accepted", "decline": "declined", "withdraw": "withdrew"}


def actor(account: Account, asked: MentorRequest) -> str | None:
    """Which side of the request the account holder is on: ``"mentor"``, ``"seeker"``, or None."""
    if account.person_id == asked.mentor_id:
        return MENTOR
    if account.person_id == asked.seeker_id:
        return SEEKER
    return None


@bp.post("/mentor-requests/<id:request_id>/<any(accept, decline, withdraw):action>")
@login_required
def answer(request_id: int, action: str):
    """The mentor accepts or declines a request; the person who asked withdraws it."""
    # Locked until the commit, so a mentor answering while the person who asked withdraws (or two
    # tabs answering at once) see each other's answer instead of the last write winning.
    asked = db.session.scalar(select(MentorRequest).where(MentorRequest.id == request_id).with_for_update())
    if asked is None or not (can_see(current_user, asked.seeker) or can_see(current_user, asked.mentor)):
        abort(404)
    by = actor(current_user, asked)
    require(by is not None)
    refuse_changes_if_restricted(asked.seeker)  # the request is about both of them
    refuse_changes_if_restricted(asked.mentor)
    try:
        asked.status = next_request_state(asked.status, action, by)
    except PlanningError as error:
        flash(f"Nothing changed: {error}.")
    else:
        asked.decided_at = utcnow()
        audit(
            current_user,
            f"mentor_request_{asked.status}",
            asked,
            person=asked.seeker,
            mentor=asked.mentor_id,
            competency=asked.competency_id,
        )
        db.session.commit()
        other = asked.seeker if by == MENTOR else asked.mentor
        flash(f"You {ANSWERED[action]} the request between you and {other.name} for mentoring in {competency_name(asked.competency_id)}.")
    return redirect(url_for("mentors.mentoring", person_id=current_user.person_id))
