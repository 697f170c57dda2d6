"""The demo's professional qualifications: who holds what, so the pathways and achievements show some."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from planner.core.tna import add_months
from planner.db import db
from planner.demo_profiles import seed_profiles
from planner.models import Account, Person, ProfessionalQualification
from tests.test_demo import TODAY, framework, seeded, seeded_app  # noqa: F401  (fixtures: the demo, seeded once for this module)


def holdings() -> dict[tuple[str, str], list[str]]:
    """The qualifications held, as (name, role) -> qualification ids."""
    held: dict[tuple[str, str], list[str]] = {}
    for record in db.session.scalars(select(ProfessionalQualification).order_by(ProfessionalQualification.id)):
        held.setdefault((record.person.name, record.person.role_id), []).append(record.qualification_id)
    return held


def test_demo_people_hold_the_qualifications_their_stories_need(seeded):
    held = holdings()
    assert held[("Daniel Okafor", "medical_workforce_lead")] == ["cipd_l5"]
    assert held[("Amira Shah", "rota_coordinator")] == ["cipd_l3"]
    assert held[("Marcus Whitfield", "system_medical_workforce_lead")] == ["cipd_l7", "senior_people_professional_apprenticeship"]
    others = {role: ids for (name, role), ids in held.items()}
    assert others["medical_staffing_manager"] == ["cipd_l7"]
    assert others["medical_staffing_administrator"] == ["hr_support_apprenticeship"]
    assert len(held) == 5


def test_every_qualification_is_at_northgate_in_the_past_and_recorded_by_a_demo_sign_in(seeded, framework):
    manager = db.session.scalar(select(Person).where(Person.name == "Daniel Okafor"))
    for record in db.session.scalars(select(ProfessionalQualification)):
        assert record.qualification_id in framework.qualification
        assert record.person.trust_id == manager.trust_id
        assert record.awarded_on < TODAY
        assert record.recorded_by.person in (record.person, manager)


def test_the_administrator_with_the_apprenticeship_is_in_the_manager_demo_persons_team(seeded):
    manager = db.session.scalar(select(Person).where(Person.name == "Daniel Okafor"))
    record = db.session.scalar(
        select(ProfessionalQualification).where(ProfessionalQualification.qualification_id == "hr_support_apprenticeship")
    )
    assert record.person.team in manager.managed_teams
    assert record.awarded_on == add_months(TODAY, -5)


def test_a_framework_without_the_qualifications_seeds_none(seeded, framework):
    accounts = {account.email.partition("@")[0]: account for account in db.session.scalars(select(Account))}
    try:
        assert seed_profiles(replace(framework, qualifications=()), TODAY, accounts).qualifications == 0
        assert not db.session.new
    finally:
        db.session.rollback()
