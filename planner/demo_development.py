"""Demo data for team development: task sharing, secondments, mentoring, check-ins and training.

``seed_development`` runs after the demo organisation and its ratings exist. It adds what the
manager's pages need to tell their story at Northgate: colleagues in the other team who offer to
share tasks, two secondments the trust admin has posted with interest from the rota team, mentors
across the region (one agreed for the staff demo person, one request waiting for the manager), a new starter whose first check-in is overdue, Amira Shah's check-ins, and
training records with their hours and evidence (with some people under two years in role and no
recent training, whom the team list flags, and six months of training in the manager's team, so
protected learning time shows months under and over the hours planned). It draws from its own
seeded generators, so the rest of the demo stays as it was.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from planner.core.checkins import schedule
from planner.core.framework import Framework
from planner.core.tna import add_months, find_needs, role_requirements
from planner.db import db
from planner.models import (
    Account,
    Checkin,
    MentorOffer,
    MentorRequest,
    Person,
    Rating,
    SecondmentInterest,
    SecondmentOpportunity,
    Team,
    TrainingRecord,
    current_levels,
)

NEW_STARTER = "Ellie Marsden"
"""A rota coordinator who joined the manager demo person's team five weeks ago."""
CHECKIN_NOTES = (
    "Settling in well; wants more time with the rota lead on exception reports.",
    "Confident with e-rostering now. Agreed to shadow a changeover induction.",
    "Finding the pay queries hard; booked onto the pay at rotation masterclass.",
    "Going well. Asked about secondments to see advisor work.",
)
MENTOR_LEVEL = 3


@dataclass(frozen=True)
class DevelopmentSummary:
    """What ``seed_development`` added."""

    people: int
    ratings: int
    opportunities: int
    interests: int
    offers: int
    requests: int
    checkins: int
    training: int


def seed_development(
    framework: Framework,
    today: date,
    teams: list[Team],
    ratings: list[Rating],
    accounts: dict[str, Account],
    seed: int,
) -> DevelopmentSummary:
    """Add the team development rows to the session (the caller commits). ``ratings`` are every
    demo rating; ``accounts`` the demo sign-ins by their login ("manager", "trust.admin", ...),
    which record what a person did."""
    rng = random.Random(seed + 5)
    db.session.flush()
    manager, admin = accounts["manager"], accounts["trust.admin"]
    home_team = manager.person.managed_teams[0]
    host_team = next(team for team in teams if team.trust_id == home_team.trust_id and team is not home_team)
    newcomer, first_ratings = _new_starter(framework, today, home_team, manager.person)
    by_person: dict[Person, list[Rating]] = {}
    for rating in ratings:
        by_person.setdefault(rating.person, []).append(rating)

    for person in rng.sample([p for p in host_team.members if p not in host_team.managers], k=2):
        person.shares_tasks = True
    opportunities = _opportunities(framework, today, host_team, admin)
    interests = _interests(rng, opportunities, home_team, manager.person)
    offers, requests = _mentoring(rng, framework, today, by_person, accounts["staff"].person, manager.person)
    checkins = _checkins(rng, today, home_team, manager, newcomer)
    training = _training(rng, framework, today, home_team.trust_id, [*by_person, newcomer], manager)
    # The staff demo person finished the exception reporting module last week (her newest rating says so).
    training.append(_record(framework, accounts["staff"].person, "T03", today - timedelta(days=6), accounts["staff"]))
    training += _learning_time(random.Random(seed + 6), framework, today, home_team, accounts)
    db.session.add_all([*opportunities, *interests, *offers, *requests, *checkins, *training])
    return DevelopmentSummary(
        1, len(first_ratings), len(opportunities), len(interests), len(offers), len(requests), len(checkins), len(training)
    )


def _new_starter(framework: Framework, today: date, team: Team, manager: Person) -> tuple[Person, list[Rating]]:
    """A rota coordinator five weeks into the job, who rated herself last week, mostly below the role."""
    role = framework.role["rota_coordinator"]
    person = Person(
        name=NEW_STARTER, email="ellie.marsden@northgate.nhs.example", trust_id=team.trust_id, team=team,
        role_id=role.id, band=role.band, started_in_role=today - timedelta(days=38), protected_hours=4.0,
        target_role_id=None, line_manager=manager,
    )
    rated = datetime.combine(today - timedelta(days=7), time(10, 30))
    ratings = [
        Rating(person=person, competency_id=competency_id, level=max(0, required - 1 - step % 2), rater="self",
               rated_by=person, created_at=rated + timedelta(minutes=step))
        for step, (competency_id, required) in enumerate(sorted(role.requires.items()))
    ]
    db.session.add_all([person, *ratings])
    return person, ratings


def _opportunities(framework: Framework, today: date, host: Team, admin: Account) -> list[SecondmentOpportunity]:
    """Two secondments in the host team, each developing what its role asks beyond a rota coordinator's."""
    start = add_months(today.replace(day=1), 2)
    made = []
    for role_id, title, months, fte, places in (
        ("senior_rota_coordinator", "Rota lead for the August changeover", 6, 1.0, 2),
        ("medical_workforce_advisor", "Medical workforce advisor, casework and contracts", 9, 0.6, 1),
    ):
        develops = _develops(framework, role_id, "rota_coordinator")
        made.append(SecondmentOpportunity(
            host_team=host, role_id=role_id, title=title, starts_on=start, months=months, fte=fte, places=places,
            description=f"{months} months in the {host.name} team, working as a {framework.role[role_id].title.lower()}.",
            develops=develops, status="open", posted_by=admin,
            posted_at=datetime.combine(today - timedelta(days=12), time(9, 0)),
        ))
    return made


def _develops(framework: Framework, role_id: str, from_role: str) -> dict[str, int]:
    """The competencies a secondment into ``role_id`` develops: the six it needs most above ``from_role``."""
    need, have = framework.role[role_id].requires, framework.role[from_role].requires
    raised = sorted(need, key=lambda c: (-(need[c] - have.get(c, 0)), c))
    return {competency_id: need[competency_id] for competency_id in raised[:6]}


def _interests(rng, opportunities: list[SecondmentOpportunity], team: Team, manager: Person) -> list[SecondmentInterest]:
    """Interest from the rota team: two or three people for each secondment."""
    candidates = sorted((p for p in team.members if p is not manager and p.name != NEW_STARTER), key=lambda p: p.name)
    made = []
    for opportunity in opportunities:
        for person in rng.sample(candidates, k=min(len(candidates), rng.randint(2, 3))):
            made.append(SecondmentInterest(opportunity=opportunity, person=person,
                                           note="I would like the experience before applying for the next band."))
    return made


def _mentoring(rng, framework: Framework, today: date, ratings: dict[Person, list[Rating]], staff: Person, manager: Person):
    """Mentor offers and requests. Those open to mentoring offer up to three competencies they hold
    at level 3 or above. For the staff demo person's most urgent gap that people in her region
    hold, one holder in each of the nearest trusts offers it, and one of them has agreed to mentor
    her. Someone in the region waits for the manager demo person to answer their request."""
    levels = {person: {c: level.level for c, level in current_levels(rated).items()} for person, rated in ratings.items()}
    offered: dict[tuple[Person, str], MentorOffer] = {}

    def offer(person: Person, competency_id: str) -> None:
        offered.setdefault((person, competency_id), MentorOffer(person=person, competency_id=competency_id))

    for person in sorted(levels, key=lambda p: p.id):
        strong = sorted(c for c, level in levels[person].items() if level >= MENTOR_LEVEL)
        if person.mentor_opt_in:
            for competency_id in rng.sample(strong, k=min(3, len(strong))):
                offer(person, competency_id)
    region = staff.trust.system.region_id
    nearby = sorted(
        (p for p in levels if p is not staff and p.trust.system.region_id == region),
        key=lambda p: (p.trust_id != staff.trust_id, p.trust.system_id != staff.trust.system_id, p.id),
    )
    requests = []
    goal = staff.target_role_id or staff.role_id
    for need in find_needs(framework, levels[staff], role_requirements(framework, goal)):
        holders, trusts = [], set()
        for person in nearby:
            if levels[person].get(need.competency, 0) >= MENTOR_LEVEL and person.trust_id not in trusts:
                holders.append(person)
                trusts.add(person.trust_id)
        if need.gap and len(holders) >= 2:
            for person in holders[:4]:
                offer(person, need.competency)
            requests.append(_request(staff, holders[1], need.competency, "accepted", today, 20))
            break
    strongest = max(levels[manager], key=lambda c: (levels[manager][c], c))
    offer(manager, strongest)
    seeker = next(p for p in nearby if p is not manager and p.trust_id != manager.trust_id
                  and levels[p].get(strongest, 0) < levels[manager][strongest])
    requests.append(_request(seeker, manager, strongest, "requested", today, 3))
    return list(offered.values()), requests


def _request(seeker: Person, mentor: Person, competency_id: str, status: str, today: date, days_ago: int) -> MentorRequest:
    asked = datetime.combine(today - timedelta(days=days_ago), time(14, 0))
    return MentorRequest(
        seeker=seeker, mentor=mentor, competency_id=competency_id, status=status, created_at=asked,
        message="I am working towards this and would value an hour a month with someone who does it well.",
        decided_at=asked + timedelta(days=2) if status != "requested" else None,
    )


def _checkins(rng, today: date, team: Team, manager: Account, newcomer: Person) -> list[Checkin]:
    """Check-ins held with the team's people in their first two years: most on time, some missed;
    none yet with the new starter, whose first is overdue."""
    made = []
    for person in sorted(team.members, key=lambda p: p.name):
        if person is newcomer or person is manager.person:
            continue
        for checkin in schedule(person.started_in_role, (), today):
            if checkin.on > today - timedelta(days=10) or rng.random() < 0.25:
                continue
            made.append(Checkin(person=person, held_on=min(today, checkin.on + timedelta(days=rng.randint(0, 6))),
                                notes=rng.choice(CHECKIN_NOTES), recorded_by=manager))
    return made


def _training(rng, framework: Framework, today: date, trust_id: int, people: list[Person], manager: Account) -> list[TrainingRecord]:
    """Modules completed in the last two years by about two in three people at the trust."""
    modules = [module.id for module in framework.modules]
    made = []
    for person in people:
        if person.trust_id != trust_id or person.name == NEW_STARTER or rng.random() < 0.35:
            continue
        earliest = max(person.started_in_role, today - timedelta(days=730))
        span = (today - earliest).days
        for _ in range(rng.randint(1, 3)):
            if span > 0:
                made.append(_record(framework, person, rng.choice(modules),
                                    earliest + timedelta(days=rng.randint(0, span)), manager))
    return made


def _record(framework: Framework, person: Person, module_id: str, day: date, recorded_by: Account) -> TrainingRecord:
    """A module completed on ``day``, taking the module's hours, with the evidence its kind of training leaves."""
    module = framework.module[module_id]
    if "e-learning" in module.mode:
        evidence = f"Completion certificate from {module.provider} e-learning, {day.day} {day:%b}"
    else:
        evidence = f"Attendance confirmed by {module.provider}, {day.day} {day:%b}"
    return TrainingRecord(person=person, module_id=module.id, completed_on=day, hours=module.hours,
                          evidence=evidence, recorded_by=recorded_by)


STAFF_LEARNING = ((5, ("T04",)), (4, ("T08",)), (2, ("T01",)), (1, ("T08", "T14")))
"""The staff demo person's training in recent months (months ago, modules), so that at her 3
protected hours a month some months are under (2 hours four months ago, none three months ago)
and some over (6 hours two months ago, 4 last month)."""
SHORT_MODULE_HOURS = 8
"""The longest module counted as a month's ordinary learning in the demo (not a qualification)."""


def _learning_time(rng, framework: Framework, today: date, team: Team, accounts: dict[str, Account]) -> list[TrainingRecord]:
    """Training this month and in each of the six before for the manager demo person's team, so the
    protected learning time on the staff home and the team list shows months under and over the
    hours planned.

    Only people two years or more in role get extra records, besides the staff demo person, so the
    team list flags the same people new in role as before.
    """
    staff, manager = accounts["staff"].person, accounts["manager"]
    made = [
        _record(framework, staff, module_id, add_months(today.replace(day=10), -months), accounts["staff"])
        for months, modules in STAFF_LEARNING
        for module_id in modules
    ]
    short = [module.id for module in framework.modules if module.hours <= SHORT_MODULE_HOURS]
    for person in sorted(team.members, key=lambda p: p.name):
        if person is staff or person is manager.person or person.months_in_role(today) < 24:
            continue
        for months in range(7):  # this month (up to today) and the six before
            latest = today.day - 1 if months == 0 else 27
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                day = add_months(today.replace(day=1), -months) + timedelta(days=rng.randint(0, latest))
                made.append(_record(framework, person, rng.choice(short), day, manager))
    return made
