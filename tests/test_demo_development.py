"""The demo's team development data: what the manager's pages need to tell their story at Northgate."""

from __future__ import annotations

from sqlalchemy import select

from planner.core.checkins import schedule
from planner.db import db
from planner.demo_development import NEW_STARTER
from planner.models import (
    Checkin,
    MentorOffer,
    MentorRequest,
    Person,
    SecondmentOpportunity,
    TrainingRecord,
    current_levels,
    ratings_of,
)
from tests.test_demo import TODAY, seeded, seeded_app  # noqa: F401  (fixtures: the demo, seeded once for this module)


def the(model, **where):
    return db.session.scalars(select(model).filter_by(**where)).all()


def test_the_manager_demo_team_has_a_new_starter_whose_first_check_in_is_overdue(seeded):
    newcomer = db.session.scalar(select(Person).where(Person.name == NEW_STARTER))
    manager = db.session.scalar(select(Person).where(Person.name == "Daniel Okafor"))
    assert newcomer.team in manager.managed_teams and newcomer.line_manager is manager
    assert 30 <= (TODAY - newcomer.started_in_role).days <= 45
    first = schedule(newcomer.started_in_role, (), TODAY)[0]
    assert (first.month, first.status) == (1, "overdue") and not the(Checkin, person_id=newcomer.id)
    assert ratings_of(newcomer), "a new starter still has her first self-assessment"


def test_secondments_are_open_at_the_trust_with_interest_from_the_rota_team(seeded):
    manager = db.session.scalar(select(Person).where(Person.name == "Daniel Okafor"))
    opportunities = the(SecondmentOpportunity, status="open")
    assert len(opportunities) == 2 and sum(o.places for o in opportunities) == 3
    for opportunity in opportunities:
        assert opportunity.host_team.trust_id == manager.trust_id and opportunity.host_team not in manager.managed_teams
        assert opportunity.starts_on > TODAY and opportunity.develops
        assert "trust_admin" in opportunity.posted_by.roles
        interested = [interest.person for interest in opportunity.interests]
        assert len(interested) >= 2 and all(p.team in manager.managed_teams for p in interested)


def test_colleagues_in_the_other_team_share_tasks_and_mentors_offer_what_they_hold(seeded):
    manager = db.session.scalar(select(Person).where(Person.name == "Daniel Okafor"))
    sharing = the(Person, shares_tasks=True)
    assert len(sharing) == 2 and all(p.trust_id == manager.trust_id and p.team not in manager.managed_teams for p in sharing)
    offers = the(MentorOffer)
    assert len({offer.person.trust_id for offer in offers}) >= 3
    for offer in offers:
        assert current_levels(ratings_of(offer.person))[offer.competency_id].level >= 3


def test_check_ins_and_training_records_fit_each_persons_time_in_role(seeded):
    checkins, training = the(Checkin), the(TrainingRecord)
    assert checkins and training
    assert all(c.person.started_in_role <= c.held_on <= TODAY for c in checkins)
    assert all(t.person.started_in_role <= t.completed_on <= TODAY for t in training)
    amira = db.session.scalar(select(Person).where(Person.name == "Amira Shah"))
    assert any(t.module_id == "T03" for t in the(TrainingRecord, person_id=amira.id))


def test_the_staff_demo_person_has_a_mentor_and_the_manager_a_request_to_answer(seeded):
    amira = db.session.scalar(select(Person).where(Person.name == "Amira Shah"))
    daniel = db.session.scalar(select(Person).where(Person.name == "Daniel Okafor"))
    agreed = the(MentorRequest, seeker_id=amira.id, status="accepted")
    assert len(agreed) == 1 and agreed[0].mentor.trust.system.region_id == amira.trust.system.region_id
    assert the(MentorOffer, person_id=agreed[0].mentor_id, competency_id=agreed[0].competency_id)
    waiting = the(MentorRequest, mentor_id=daniel.id, status="requested")
    assert len(waiting) == 1 and the(MentorOffer, person_id=daniel.id, competency_id=waiting[0].competency_id)
