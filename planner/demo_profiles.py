"""Demo data for people's profiles: the professional qualifications some demo people hold.

``seed_profiles`` runs after the demo organisation exists. At Northgate it gives Daniel Okafor
(band 7) the CIPD level 5 diploma, the trust's Medical Staffing Manager (band 7) the CIPD level 7
diploma, the band 3 administrator in Daniel's team the HR Support apprenticeship, Amira Shah the
CIPD level 3 certificate, and the system lead the CIPD level 7 diploma and the senior people
professional apprenticeship. So the pathways show qualifications held and not held, and the
achievements pages list some.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from planner.core.framework import Framework
from planner.core.tna import add_months
from planner.db import db
from planner.models import Account, Person, ProfessionalQualification

# (who holds it, qualification id, months before today it was awarded). Who: a demo sign-in by
# its login, or a role of the manager demo person's trust ("role:<id>"; the first such person,
# preferring the manager's own team). Each holder's qualifications are recorded by their own
# account, or, for people without one, by the manager demo person's account.
HOLDINGS = (
    ("manager", "cipd_l5", 40),
    ("role:medical_staffing_manager", "cipd_l7", 30),
    ("role:medical_staffing_administrator", "hr_support_apprenticeship", 5),
    ("staff", "cipd_l3", 14),
    ("region.lead", "cipd_l7", 70),
    ("region.lead", "senior_people_professional_apprenticeship", 20),
)


@dataclass(frozen=True)
class ProfilesSummary:
    """What ``seed_profiles`` added."""

    qualifications: int


def seed_profiles(framework: Framework, today: date, accounts: dict[str, Account]) -> ProfilesSummary:
    """Add the demo qualifications to the session (the caller commits). ``accounts`` are the demo
    sign-ins by their login ("staff", "manager", ...). A qualification the framework does not
    list is left out, so a changed framework still seeds."""
    db.session.flush()
    manager = accounts["manager"]
    added = []
    for who, qualification_id, months in HOLDINGS:
        if qualification_id not in framework.qualification:
            continue
        if who.startswith("role:"):
            holder, recorder = _first_in_role(manager.person, who.removeprefix("role:")), manager
        else:
            holder, recorder = accounts[who].person, accounts[who]
        added.append(ProfessionalQualification(
            person=holder, qualification_id=qualification_id, awarded_on=add_months(today, -months),
            recorded_by_id=recorder.id,
        ))
    db.session.add_all(added)
    return ProfilesSummary(len(added))


def _first_in_role(manager: Person, role_id: str) -> Person:
    """The first person (by id) in ``role_id`` at the manager's trust, from their own team if any."""
    query = select(Person).where(Person.trust_id == manager.trust_id, Person.role_id == role_id).order_by(Person.id)
    people = db.session.scalars(query).all()
    own = [person for person in people if person.team_id in {team.id for team in manager.managed_teams}]
    return (own or people)[0]
