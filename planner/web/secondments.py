"""Secondments (Develop): opportunities, interest in them, and places planned and confirmed without leaving gaps.

- Anyone signed in sees the open opportunities hosted in their region (their own integrated care
  system first), and expresses or withdraws their own interest. Nobody sees anyone else's interest
  unless they release that person.
- Managers post opportunities for the teams they manage; trust admins, for any team of their trust.
- A person's *releasers* are the managers of their team and the trust admins of their trust (never
  the person themselves). A releaser sees the interested people they release, ranked by the
  training the secondment would save them and by the cover their home team would lose; plans
  every open opportunity at once (``planner.core.secondments.assign``); and confirms places.
- A confirmed place takes the next place number of its opportunity, which the database keeps
  unique: of two confirmations of the last place at the same moment, exactly one succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from planner.core.cover import LostCover, Member, lost_cover
from planner.core.errors import PlanningError
from planner.core.framework import Framework
from planner.core.secondments import Interest, Opportunity, assign, development_value, rank_candidates
from planner.core.tna import add_months
from planner.db import db
from planner.models import (
    Account,
    IntegratedCareSystem,
    Person,
    Secondment,
    SecondmentInterest,
    SecondmentOpportunity,
    Team,
    Trust,
    audit,
    current_levels,
    person_to_core,
    utcnow,
)
from planner.web.access import (
    plans_secondments,
    refuse_changes_if_restricted,
    region_id,
    released_people,
    releases,
    require,
    seen_opportunity,
    signed_in_person,
    teams_in_charge,
    visible_person,
)
from planner.web.context import framework, today
from planner.web.manager import ratings_by_person
from planner.web.secondment_forms import InterestForm, OpportunityForm, posted_id

bp = Blueprint("secondments", __name__)

COVER_PENALTY_HOURS = 20.0
"""What the planner counts against a secondment for each competency it leaves its home team
holding with cover 0 or 1, in hours of training saved: a thin spot at home outweighs a small
saving, but not a large one."""
FULL = "That place has just been taken: the secondment is full."


# Gathering ------------------------------------------------------------------------------------


def ends_on(opportunity: SecondmentOpportunity) -> date:
    """The day after the secondment's last day."""
    return add_months(opportunity.starts_on, opportunity.months)


def overlap(first: SecondmentOpportunity, second: SecondmentOpportunity) -> bool:
    """Whether two secondments run at the same time for at least a day."""
    return first.starts_on < ends_on(second) and second.starts_on < ends_on(first)


def confirmed_counts(opportunity_ids) -> dict[int, int]:
    """How many places are confirmed on each of these opportunities."""
    query = (
        select(Secondment.opportunity_id, func.count())
        .where(Secondment.opportunity_id.in_(list(opportunity_ids)))
        .group_by(Secondment.opportunity_id)
    )
    counts = {ident: count for ident, count in db.session.execute(query)}
    return {ident: counts.get(ident, 0) for ident in opportunity_ids}


def places_left(opportunities) -> dict[int, int]:
    """The places still free on each opportunity, by id."""
    counts = confirmed_counts([o.id for o in opportunities])
    return {o.id: max(o.places - counts[o.id], 0) for o in opportunities}


def open_in_region(person: Person) -> list[SecondmentOpportunity]:
    """The open opportunities hosted in the person's region: their own ICS first, then by start."""
    query = (
        select(SecondmentOpportunity)
        .join(Team, SecondmentOpportunity.host_team_id == Team.id)
        .join(Trust, Team.trust_id == Trust.id)
        .join(IntegratedCareSystem, Trust.system_id == IntegratedCareSystem.id)
        .where(SecondmentOpportunity.status == "open", IntegratedCareSystem.region_id == region_id(person.trust))
    )
    found = db.session.scalars(query).all()
    own = person.trust.system_id
    return sorted(found, key=lambda o: (o.host_team.trust.system_id != own, o.starts_on, o.id))


def interests_of(person: Person) -> dict[int, SecondmentInterest]:
    """The person's interests (withdrawn ones too), by opportunity id."""
    query = select(SecondmentInterest).where(SecondmentInterest.person_id == person.id)
    return {interest.opportunity_id: interest for interest in db.session.scalars(query)}


def confirmed_secondments(person_id: int) -> list[Secondment]:
    """The person's confirmed secondments, soonest first: for their plan and pathway pages."""
    query = (
        select(Secondment)
        .join(SecondmentOpportunity, Secondment.opportunity_id == SecondmentOpportunity.id)
        .where(Secondment.person_id == person_id)
        .order_by(SecondmentOpportunity.starts_on, Secondment.id)
    )
    return list(db.session.scalars(query))


def released_interests(account: Account, opportunity_id: int | None = None) -> list[SecondmentInterest]:
    """The standing interests, in open opportunities (or in the one given), of the people the
    account releases, oldest first."""
    query = (
        select(SecondmentInterest)
        .join(Person, SecondmentInterest.person_id == Person.id)
        .join(SecondmentOpportunity, SecondmentInterest.opportunity_id == SecondmentOpportunity.id)
        .where(SecondmentInterest.withdrawn_at.is_(None), released_people(account))
        .order_by(SecondmentInterest.id)
    )
    if opportunity_id is None:
        query = query.where(SecondmentOpportunity.status == "open")
    else:
        query = query.where(SecondmentOpportunity.id == opportunity_id)
    return list(db.session.scalars(query))


def released_secondments(account: Account) -> list[Secondment]:
    """The confirmed secondments of the people the account releases, soonest first."""
    query = (
        select(Secondment)
        .join(Person, Secondment.person_id == Person.id)
        .join(SecondmentOpportunity, Secondment.opportunity_id == SecondmentOpportunity.id)
        .where(released_people(account))
        .order_by(SecondmentOpportunity.starts_on, Secondment.id)
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Candidate:
    """An interested person as their releaser weighs them for one opportunity.

    ``value`` is the training hours it saves towards ``towards``; ``losses`` the competencies their
    home team would hold with cover 0 or 1 while they are away (counting colleagues already
    confirmed away at the same time); ``problem`` says why neither could be worked out.
    """

    interest: SecondmentInterest
    value: float
    towards: str
    losses: tuple[LostCover, ...]
    problem: str = ""

    @property
    def person(self) -> Person:
        return self.interest.person

    @property
    def core(self) -> Interest:
        """The interest as the planning core takes it: the penalty is the count of thin competencies."""
        return Interest(self.person.id, self.interest.opportunity_id, self.value, len(self.losses))


def thinned_cover(fw: Framework, members: list[Member], already: set[int], person_id: int) -> tuple[LostCover, ...]:
    """The competencies that fall to cover 0 or 1 in the home team when the person goes as well as
    ``already`` (the colleagues confirmed away at the same time), each with its cover before the
    person goes (``before``: with those colleagues away) and after (``now``)."""
    with_them = lost_cover(fw, members, already | {person_id})
    # Cover without the person: what it already falls to with the others away, else the full team's.
    without = {loss.now.competency: loss.now.cover for loss in lost_cover(fw, members, already)} if already else {}
    thinned = []
    for loss in with_them:
        before = without.get(loss.now.competency, loss.before)
        if loss.now.cover <= 1 and loss.now.cover < before:
            thinned.append(LostCover(loss.now, before))
    return tuple(thinned)


def weigh(interests: list[SecondmentInterest]) -> list[Candidate]:
    """Each interest with its development value and the cover its person's home team would lose."""
    fw, day = framework(), today()
    teams = {interest.person.team for interest in interests}
    people = [member for team in teams for member in team.members]
    levels = {person_id: current_levels(ratings) for person_id, ratings in ratings_by_person([p.id for p in people]).items()}
    members = {
        team.id: [Member(p.id, p.name, p.role_id, {c: lv.level for c, lv in levels[p.id].items()}) for p in team.members]
        for team in teams
    }
    away = db.session.scalars(select(Secondment).where(Secondment.person_id.in_([p.id for p in people]))).all()
    return [_weigh(fw, day, interest, members[interest.person.team_id], levels, away) for interest in interests]


def _weigh(fw: Framework, day: date, interest: SecondmentInterest, members, levels, away) -> Candidate:
    person, opportunity = interest.person, interest.opportunity
    target = person.target_role_id if person.target_role_id in fw.role else None
    role = fw.role.get(target or person.role_id)
    towards = role.title if role else person.role_id
    team_ids = {member.id for member in members}
    already = {s.person_id for s in away if s.person_id != person.id and s.person_id in team_ids and overlap(s.opportunity, opportunity)}
    try:
        value = development_value(fw, person_to_core(person, day, levels[person.id]), target, opportunity.develops)
        losses = thinned_cover(fw, members, already, person.id)
    except PlanningError as error:
        return Candidate(interest, 0.0, towards, (), str(error))
    return Candidate(interest, value, towards, losses)


def ranked(candidates: list[Candidate], opportunity_id: int) -> list[Candidate]:
    """The candidates for one opportunity in the core's order: most value, least cover lost."""
    by_person = {c.person.id: c for c in candidates if not c.problem}
    order = rank_candidates([c.core for c in by_person.values()], opportunity_id)
    return [by_person[i.person_id] for i in order] + [c for c in candidates if c.problem]


def planning_inputs(account: Account, day: date) -> tuple[list[Opportunity], list[Candidate]]:
    """The open opportunities with places left, and the candidates the account releases for them
    who hold no confirmed place that has not ended yet."""
    interests = released_interests(account)
    left = places_left({interest.opportunity for interest in interests})
    busy = {s.person_id for s in released_secondments(account) if ends_on(s.opportunity) > day}
    interests = [i for i in interests if left[i.opportunity_id] and i.person_id not in busy]
    candidates = [c for c in weigh(interests) if not c.problem]
    chosen = {c.interest.opportunity for c in candidates}
    opportunities = [
        Opportunity(o.id, o.title, o.role_id, left[o.id], o.months, dict(o.develops)) for o in sorted(chosen, key=lambda o: o.id)
    ]
    return opportunities, candidates


# Views ----------------------------------------------------------------------------------------


@bp.get("/secondments")
@login_required
def index():
    """The open opportunities in the signed-in person's region, their own ICS first, with their interest."""
    me = signed_in_person()
    opportunities = open_in_region(me)
    return render_template(
        "secondments/index.html",
        me=me,
        framework=framework(),
        opportunities=opportunities,
        left=places_left(opportunities),
        interests=interests_of(me),
        confirmed={s.opportunity_id for s in confirmed_secondments(me.id)},
        may_post=bool(teams_in_charge(current_user)),
        may_plan=plans_secondments(current_user),
    )


@bp.route("/secondments/new", methods=["GET", "POST"])
@login_required
def new():
    """Post an opportunity for a team the account manages (or, for a trust admin, of its trust)."""
    teams = teams_in_charge(current_user)
    require(bool(teams))
    form = OpportunityForm(teams, framework(), today())
    if not form.validate_on_submit():
        return render_template("secondments/new.html", form=form), 400 if form.is_submitted() else 200
    opportunity = form.opportunity(current_user)
    db.session.add(opportunity)
    audit(current_user, "secondment_posted", opportunity, host_team=opportunity.host_team_id, title=opportunity.title, places=opportunity.places)
    db.session.commit()
    flash(f"Posted: {opportunity.title}. People in {opportunity.host_team.trust.system.region.name} can now express interest.")
    return redirect(url_for("secondments.opportunity", opportunity_id=opportunity.id))


@bp.get("/secondments/<id:opportunity_id>")
@login_required
def opportunity(opportunity_id: int):
    """One opportunity; the signed-in person's interest; for a releaser, their candidates ranked."""
    return _opportunity_page(seen_opportunity(opportunity_id), InterestForm())


def _opportunity_page(opportunity: SecondmentOpportunity, form: InterestForm):
    me = signed_in_person()
    candidates = ranked(weigh(released_interests(current_user, opportunity.id)), opportunity.id)
    return render_template(
        "secondments/opportunity.html",
        opportunity=opportunity,
        framework=framework(),
        left=places_left([opportunity])[opportunity.id],
        interest=interests_of(me).get(opportunity.id),
        place=next((s for s in opportunity.placements if s.person_id == me.id), None),
        candidates=candidates,
        releaser=plans_secondments(current_user),
        form=form,
    )


@bp.post("/secondments/<id:opportunity_id>/interest")
@login_required
def interest(opportunity_id: int):
    """Express the signed-in person's interest in an open opportunity of their region, with a note."""
    opportunity, me = seen_opportunity(opportunity_id), signed_in_person()
    refuse_changes_if_restricted(me)
    if opportunity.status != "open":
        abort(404)
    form = InterestForm()
    if not form.validate_on_submit():
        return _opportunity_page(opportunity, form), 400
    row = interests_of(me).get(opportunity.id) or SecondmentInterest(opportunity=opportunity, person=me)
    row.note, row.withdrawn_at = (form.note.data or "").strip(), None
    db.session.add(row)
    audit(current_user, "secondment_interest", row, person=me, opportunity=opportunity.id)
    db.session.commit()
    flash(f"Your interest in {opportunity.title} is recorded. Your manager can now see it.")
    return redirect(url_for("secondments.opportunity", opportunity_id=opportunity.id))


@bp.post("/secondments/<id:opportunity_id>/withdraw")
@login_required
def withdraw(opportunity_id: int):
    """Withdraw the signed-in person's interest, unless their place is already confirmed."""
    opportunity, me = seen_opportunity(opportunity_id), signed_in_person()
    refuse_changes_if_restricted(me)
    row = interests_of(me).get(opportunity.id)
    if any(s.person_id == me.id for s in opportunity.placements):
        flash(f"Your place on {opportunity.title} is confirmed, so your interest stays. Ask your manager about changing it.")
    elif row is None or row.withdrawn_at is not None:
        flash(f"You had not expressed interest in {opportunity.title}; nothing was changed.")
    else:
        row.withdrawn_at = utcnow()
        audit(current_user, "secondment_interest_withdrawn", row, person=me, opportunity=opportunity.id)
        db.session.commit()
        flash(f"Your interest in {opportunity.title} is withdrawn.")
    return redirect(url_for("secondments.opportunity", opportunity_id=opportunity.id))


@bp.get("/secondments/plan")
@login_required
def plan():
    """The best assignment of the open opportunities to the people the account releases, each
    proposal explained and confirmable, with the places already confirmed."""
    require(plans_secondments(current_user))
    opportunities, candidates = planning_inputs(current_user, today())
    names = {c.person.id: c.person.name for c in candidates}
    towards = {c.person.id: c.towards for c in candidates}
    result = assign(opportunities, [c.core for c in candidates], penalty_weight=COVER_PENALTY_HOURS, names=names, towards=towards)
    return render_template(
        "secondments/plan.html",
        framework=framework(),
        result=result,
        candidates={(c.person.id, c.interest.opportunity_id): c for c in candidates},
        opportunities={o.id: db.session.get(SecondmentOpportunity, o.id) for o in opportunities},
        people={c.person.id: c.person for c in candidates},
        confirmed=released_secondments(current_user),
        cover_penalty=COVER_PENALTY_HOURS,
    )


@bp.post("/secondments/<id:opportunity_id>/confirm")
@login_required
def confirm(opportunity_id: int):
    """Confirm a place for a person the account releases, who expressed interest, while places remain."""
    opportunity = db.get_or_404(SecondmentOpportunity, opportunity_id)
    person = visible_person(posted_id("person_id"))
    require(releases(current_user, person))
    # The count is read once: the place number and the check that it exists must agree, or a
    # confirmation committed between two reads would let this one take a place beyond the last.
    place = confirmed_counts([opportunity.id])[opportunity.id] + 1
    said = _refusal(opportunity, person) or (FULL if place > opportunity.places else None)
    if said is None:
        title, name, places = opportunity.title, person.name, opportunity.places
        try:
            row = Secondment(opportunity=opportunity, person=person, place=place, confirmed_by=current_user)
            db.session.add(row)
            audit(current_user, "secondment_confirmed", row, person=person, opportunity=opportunity.id, place=place)
            db.session.commit()
        except IntegrityError:  # another confirmation took this place number first
            db.session.rollback()
            said = FULL if place >= places else f"That place has just been taken by another confirmation. Places remain: confirm {name} again."
        else:
            said = f"Confirmed: {name} has place {place} of {places} on {title}."
    flash(said)
    return redirect(url_for("secondments.plan"))


def _refusal(opportunity: SecondmentOpportunity, person: Person) -> str | None:
    """Why the person cannot be given a place on the opportunity (whatever places are left), or None."""
    interest = next((i for i in opportunity.interests if i.person_id == person.id and i.withdrawn_at is None), None)
    if opportunity.status != "open":
        return f"{opportunity.title} is closed: no places can be confirmed."
    if any(s.person_id == person.id for s in opportunity.placements):
        return f"{person.name} already has a place on {opportunity.title}."
    if interest is None:
        return f"{person.name} has not expressed interest in {opportunity.title}, so no place was confirmed."
    return None
