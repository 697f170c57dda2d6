"""Demo data: an invented but realistic set of trusts, medical staffing teams and people.

``seed_demo`` gives a new installation something to show: two regions, three integrated care
systems, six trusts with two teams each, about eighty people in the role mix of real medical
staffing teams, their self-ratings and some manager validations, and five demo sign-ins (one per
account role). Every name is invented. The data is drawn from a seeded random generator and
``today``, so the same seed and date give the same organisation.

The shapes follow the domain notes (DOMAIN.md, B8): most staff are band 3-4 rota and
administration roles; new starters sit well below their role's requirements and experienced
staff near them; rota coordinators are strong on e-rostering and leave but weak on exception
reporting; officers are weak on visas and payroll at rotation; advisors lack the HR foundations
a cross-over needs; and 58% of staff have little real time for training.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import networkx as nx

from planner.config import DEMO_EMAIL_DOMAIN
from planner.core.errors import PlanningError
from planner.core.framework import Framework
from planner.db import db
from planner.demo_development import seed_development
from planner.demo_profiles import seed_profiles
from planner.models import (
    Account,
    IntegratedCareSystem,
    Person,
    Rating,
    Region,
    Team,
    Trust,
    audit,
)
from planner.passwords import hash_password

DEMO_PASSWORD = "demo-password-2026"
"""The one password of every demo sign-in (they work only in demo mode)."""

ROLE_CODES = {
    "ADM": "medical_staffing_administrator",
    "ROTA": "rota_coordinator",
    "MSO": "medical_staffing_officer",
    "REV": "revalidation_officer",
    "ROTL": "senior_rota_coordinator",
    "MWA": "medical_workforce_advisor",
    "SMWA": "senior_medical_workforce_advisor",
    "HRA": "hr_advisor",
    "WFA": "workforce_information_analyst",
    "MSM": "medical_staffing_manager",
    "MWL": "medical_workforce_lead",
    "HMW": "head_of_medical_workforce",
    "SYS": "system_medical_workforce_lead",
}

REGIONS = (
    ("North West", ("Northgate and Fellside Integrated Care System", "Ribblemoor Integrated Care System")),
    ("Midlands", ("Midshire and Severn Vale Integrated Care System",)),
)

# (ICS index, trust, email slug, teams). Each team is (name, members): the first token names the
# team's managers ("MSM+HMW": both manage it; "^": the trust's first manager manages this team
# too), then "CODE*N" means N people in that role. Team sizes
# follow trust size; the lead employers (Northgate, Severnbrook) carry the larger teams.
TRUSTS = (
    (0, "Northgate Teaching Hospitals NHS Foundation Trust", "northgate", (
        ("Medical staffing", "MSM+HMW SYS SMWA MWA*2 MSO*3 REV*2 ADM*2"),
        ("Medical workforce and rotas", "MWL ROTL ROTA*5 WFA ADM"))),
    (0, "Fellside District Hospital NHS Trust", "fellside", (
        ("Medical staffing", "MSM MWA MSO*2 REV ADM"),
        ("Medical workforce and rotas", "^ ROTL ROTA*4"))),
    (1, "Ribblemoor Hospitals NHS Foundation Trust", "ribblemoor", (
        ("Medical staffing", "MSM SMWA MWA MSO*3 REV ADM*2"),
        ("Medical workforce and rotas", "MWL ROTL ROTA*4"))),
    (1, "Moorside Care NHS Foundation Trust", "moorside", (
        ("Medical staffing", "MSM MSO REV ADM"),
        ("People and medical workforce", "^ HRA*2 ROTA"))),
    (2, "Midshire Partnership NHS Foundation Trust", "midshire", (
        ("Medical staffing", "MSM MWA HRA MSO REV"),
        ("Medical workforce and rotas", "^ ROTA ADM"))),
    (2, "Severnbrook Hospitals NHS Trust", "severnbrook", (
        ("Medical staffing", "MSM+HMW SYS SMWA MWA MSO*2 REV ADM"),
        ("Medical workforce and rotas", "^ ROTL ROTA*4 WFA ADM"))),
)


@dataclass(frozen=True)
class DemoSignIn:
    """One demo login: its email, account roles and the person behind it."""

    email: str
    roles: tuple[str, ...]
    person: str
    about: str


@dataclass(frozen=True)
class DemoSummary:
    """What ``seed_demo`` added, for the command to report."""

    regions: int
    systems: int
    trusts: int
    teams: int
    people: int
    ratings: int
    sign_ins: tuple[DemoSignIn, ...]
    password: str = DEMO_PASSWORD


# (trust slug, team index, role code) -> the demo person in the first such slot: their name,
# account email, account roles and what they show, in the order the sign-in page lists them.
# The staff person's record is built to a
# story: eight months into the rota job, aiming for advisor, managed by the manager demo person.
DEMO_PEOPLE = {
    ("northgate", 1, "ROTA"): ("Amira Shah", "staff", ("staff",),
                               "eight months in post, aiming for medical workforce advisor; some domains still to rate"),
    ("northgate", 1, "MWL"): ("Daniel Okafor", "manager", ("staff", "manager"),
                              "manages the Medical workforce and rotas team, Amira Shah's line manager"),
    ("northgate", 0, "HMW"): ("Helen Brennan", "trust.admin", ("staff", "trust_admin"),
                              "sees everyone at Northgate"),
    ("northgate", 0, "SYS"): ("Marcus Whitfield", "region.lead", ("staff", "region_lead"),
                              "looks across the North West"),
    ("northgate", 1, "WFA"): ("Priya Raman", "admin", ("staff", "admin"),
                              "runs planner"),
}
STAFF_SLOT = ("northgate", 1, "ROTA")
STAFF_UNRATED_DOMAINS = {"MER", "HRF"}

FIRST_NAMES = """Aisha Ben Chloe Dev Eilidh Fatima George Hannah Imran Jade Kwame Laura Mohammed Niamh
Olivia Rhys Sana Tom Usha Victoria Wei Yasmin Zoe Aaron Bethany Callum Deepa Emeka Fiona Gareth
Harpreet Isla Jamal Katie Liam Megan Nadia Owen Parveen Rachel Samuel Tariq Uzma Vikram Wendy
Adebayo Bronwen Ciaran Dionne Elif Farah Grace Hamza Ioana Joel Kiran Leanne Marek Noor Patrick
Rosie Siobhan Tanvir Yusuf Carys Abdul Gemma Nia Lucy Stephen""".split()
SURNAMES = """Ahmed Ali Begum Bennett Campbell Chowdhury Clarke Davies Doherty Edwards Evans Fernandes
Gallagher Green Hall Hussain Iqbal Jones Kaur Kelly Khan Kowalski Lewis Lin MacLeod Mensah Mistry
Morgan Murphy Nowak Nwosu O'Brien Osei Patel Price Rahman Reid Roberts Robinson Santos Singh Smith
Taylor Thomas Turner Walsh Ward Williams Wright Yilmaz Zhang Adeyemi Baker Byrne Chaudhry Hughes
Jenkins Lloyd Okoro Pritchard McAllister""".split()

# Gap patterns worth seeing (B8): role -> competency -> the levels people in it usually report.
PATTERNS = {
    "rota_coordinator": {"ROT-04": (3, 4), "ROT-07": (3, 4), "ROT-05": (1, 1), "ROT-06": (1, 1)},
    "medical_staffing_officer": {"REC-03": (0, 1), "PAY-04": (1, 2)},
    "medical_workforce_advisor": {"HRF-01": (1, 2), "HRF-02": (1, 2)},
    "senior_medical_workforce_advisor": {"HRF-01": (1, 2), "HRF-02": (1, 2)},
    "head_of_medical_workforce": {"WIS-03": (2, 3), "DIT-04": (2, 3)},
}

SELF_EVIDENCE = {
    "CON": "Drafted contract variations for three LTFT changes this quarter, checked by my manager.",
    "ROT": "Built the acute medicine rota for the August changeover and checked it against the 2016 TCS rules.",
    "PAY": "Worked out the pay for two resident doctors whose work schedules changed mid-rotation.",
    "REC": "Completed pre-employment checks for the February intake, including GMC and right-to-work checks.",
    "DIT": "Matched TIS data to ESR for the foundation doctors before changeover.",
    "RAJ": "Kept the appraisal tracker up to date and chased overdue appraisals ahead of RO recommendations.",
    "MER": "Supported a manager through the early stage of an attendance case for a doctor.",
    "TMP": "Booked internal locum shifts and escalated two rates above the rate card.",
    "WIS": "Produced the monthly vacancy and locum spend report for the divisional meeting.",
    "HRF": "Answered AfC queries from the rota team and checked my answers with HR.",
    "LSD": "Ran a short session for new starters on how our team works during changeover.",
}
MANAGER_AGREES = (
    "Agreed at one-to-one; seen in practice during the last changeover.",
    "Matches what I have seen in your casework this year.",
    "Checked a sample of your work: accurate and on time.",
)
MANAGER_LOWER = (
    "Not yet at this level on your own: a couple more supervised cases first.",
    "Close: two of the five cases I checked needed correcting, so one level lower for now.",
)


def seed_demo(framework: Framework, today: date, seed: int = 2026) -> DemoSummary:
    """Add the demo organisation, people, ratings and sign-ins to the session (the caller commits).

    ``today`` anchors every date: start dates, rating times and the staff person's months in post.
    Raises ``PlanningError`` when the framework lacks the default roles the demo is staffed with.
    """
    missing = sorted(set(ROLE_CODES.values()) - set(framework.role)) + sorted({"ROT-05"} - set(framework.competency))
    if missing:
        raise PlanningError(f"the demo data needs the default framework; this one lacks {', '.join(missing)}")
    rng = random.Random(seed)
    regions, systems = [], []
    for region_name, system_names in REGIONS:
        region = Region(name=region_name)
        regions.append(region)
        systems.extend(IntegratedCareSystem(name=name, region=region) for name in system_names)
    # Rows are added as they are made, not by cascade, so the accounts' ids follow
    # DEMO_PEOPLE's order: the sign-in page lists the demo accounts by id.
    db.session.add_all(regions + systems)
    trusts, teams, people, demo_people = _build_trusts(rng, framework, today, systems)
    staff = demo_people[STAFF_SLOT]
    staff.started_in_role = _months_before(today, 8) - timedelta(days=3)
    staff.protected_hours, staff.target_role_id = 3.0, "medical_workforce_advisor"
    ratings = []
    for person in people:
        ratings.extend(_ratings(rng, framework, today, person, person is staff))
    db.session.add_all(ratings)
    # One hash serves all five accounts: the password is published anyway, and each hash is
    # slow to make on purpose.
    password_hash = hash_password(DEMO_PASSWORD)
    sign_ins, accounts = [], {}
    for key, (name, login, roles, about) in DEMO_PEOPLE.items():
        person = demo_people[key]
        account = Account(email=f"{login}@{DEMO_EMAIL_DOMAIN}", person=person, password_hash=password_hash)
        account.roles = roles
        accounts[login] = account
        role = framework.role[person.role_id]
        sign_ins.append(DemoSignIn(account.email, roles, name, f"{role.title} (band {person.band}), "
                                   f"{person.team.name}, {person.trust.name}: {about}"))
        db.session.add(account)
    added = seed_development(framework, today, teams, ratings, accounts, seed)
    seed_profiles(framework, today, accounts)
    summary = DemoSummary(len(regions), len(systems), len(trusts), len(teams), len(people) + added.people,
                          len(ratings) + added.ratings, tuple(sign_ins))
    audit(None, "demo_seeded", regions[0], seed=seed, regions=summary.regions, systems=summary.systems,
          trusts=summary.trusts, teams=summary.teams, people=summary.people, ratings=summary.ratings)
    return summary


def _build_trusts(rng, framework, today, systems):
    """The trusts with their teams and people, and the demo people by their slot."""
    names = _NamePicker(rng, {spec[0] for spec in DEMO_PEOPLE.values()})
    trusts, teams, people, demo_people, emails = [], [], [], {}, set()

    def hire(trust: Trust, slug: str, team: Team, team_index: int, code: str) -> Person:
        key = (slug, team_index, code)
        demo = DEMO_PEOPLE[key] if key in DEMO_PEOPLE and key not in demo_people else None
        name = demo[0] if demo else names.pick()
        person = _person(rng, framework, today, name, slug, ROLE_CODES[code], trust, team, emails)
        if demo:
            demo_people[key] = person
        db.session.add(person)
        people.append(person)
        emails.add(person.email)
        return person

    for system_index, trust_name, slug, team_specs in TRUSTS:
        trust = Trust(name=trust_name, system=systems[system_index])
        db.session.add(trust)
        trusts.append(trust)
        first = len(people)
        for team_index, (team_name, members) in enumerate(team_specs):
            team = Team(name=team_name, trust=trust)
            db.session.add(team)
            teams.append(team)
            lead, *others = members.split()
            if lead == "^":
                managers = [people[first]]
            else:
                managers = [hire(trust, slug, team, team_index, code) for code in lead.split("+")]
            for code in (code for token in others for code in _expand(token)):
                person = hire(trust, slug, team, team_index, code)
                if framework.band_rank[person.band] < framework.band_rank["8a"]:
                    person.line_manager = managers[0]
            team.managers.extend(managers)
        _link_senior_line_managers(people[first:])
    return trusts, teams, people, demo_people


def _expand(token: str) -> list[str]:
    code, _, count = token.partition("*")
    return [code] * int(count or 1)


class _NamePicker:
    """Invented full names, each used once, never one of the demo people's."""

    def __init__(self, rng: random.Random, taken: set[str]):
        self.rng, self.taken = rng, set(taken)

    def pick(self) -> str:
        while True:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"
            if name not in self.taken:
                self.taken.add(name)
                return name


def _person(rng, framework, today, name, slug, role_id, trust, team, emails) -> Person:
    role = framework.role[role_id]
    months = _months_in_role(rng, role.band)
    started = today - timedelta(days=int(months * 30.44) + rng.randint(0, 27))
    return Person(
        name=name,
        email=_email(name, slug, emails),
        trust=trust,
        team=team,
        role_id=role_id,
        band=role.band,
        started_in_role=started,
        # 58% of staff say they have no real time for training (B8): most get 2-4 hours a month.
        protected_hours=float(rng.choices((2, 3, 4, 6, 8), weights=(30, 20, 20, 18, 12))[0]),
        target_role_id=_target(rng, framework, role_id) if rng.random() < 0.55 else None,
        mentor_opt_in=framework.band_rank[role.band] >= framework.band_rank["5"] and rng.random() < 0.45,
    )


def _months_in_role(rng: random.Random, band: str) -> int:
    # Turnover is highest in the first two years, so the junior bands hold more new starters.
    new_share = 0.45 if band in ("3", "4") else 0.2
    if rng.random() < new_share:
        return rng.randint(1, 23)
    return rng.randint(24, 60) if rng.random() < 0.65 else rng.randint(61, 94)


def _email(name: str, slug: str, used: set[str]) -> str:
    local = ".".join(re.sub("[^a-z]", "", part.lower()) for part in name.split())
    email, number = f"{local}@{slug}.nhs.example", 2
    while email in used:
        email, number = f"{local}{number}@{slug}.nhs.example", number + 1
    return email


def _target(rng: random.Random, framework: Framework, role_id: str) -> str | None:
    """A role one or two moves away: where people in this role plausibly aim."""
    reachable = nx.single_source_shortest_path_length(framework.move_graph, role_id, cutoff=2)
    choices = sorted(r for r in reachable if r != role_id)
    return rng.choice(choices) if choices else None


def _link_senior_line_managers(trust_people: list[Person]) -> None:
    # Team managers and the system lead report to the trust's head of medical workforce, when
    # there is one; a head (or a manager without one) reports outside the medical staffing team.
    head = next((p for p in trust_people if p.role_id == "head_of_medical_workforce"), None)
    for person in trust_people:
        if head is not None and person is not head and person.line_manager is None:
            person.line_manager = head


def _months_before(today: date, months: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, 28))


def _ratings(rng, framework, today, person, is_staff) -> list[Rating]:
    """A person's self-ratings (one sitting), sometimes an earlier round, and for about half of
    people, their line manager's validation of some of them afterwards."""
    role = framework.role[person.role_id]
    months = person.months_in_role(today)
    # One person in five has left a domain unrated for now.
    skipped = {rng.choice(framework.domains).id} if rng.random() < 0.2 else set()
    if is_staff:
        skipped = STAFF_UNRATED_DOMAINS
    wanted = dict(role.requires)
    if person.target_role_id:
        extra = sorted(set(framework.role[person.target_role_id].requires) - set(wanted))
        for competency_id in rng.sample(extra, k=len(extra) // 2):
            wanted[competency_id] = 0
    order = [c.id for c in framework.competencies if c.id in wanted and c.domain not in skipped]
    generous = rng.random() < 0.25
    days_in_role = (today - person.started_in_role).days
    # The staff person rated herself about ten weeks ago, so her manager's validations and a
    # newer self-rating all fit before today.
    days_ago = 75 if is_staff else rng.randint(7, max(8, min(240, days_in_role - 7)))
    sat = _moment(rng, today - timedelta(days=days_ago))
    levels, ratings = {}, []
    for step, competency_id in enumerate(order):
        required = wanted[competency_id] or framework.role[person.target_role_id].requires[competency_id] - 2
        level = _self_level(rng, framework, person.role_id, competency_id, required, months, generous)
        levels[competency_id] = level
        evidence = SELF_EVIDENCE.get(framework.competency[competency_id].domain, "") if rng.random() < 0.12 else ""
        ratings.append(Rating(person=person, competency_id=competency_id, level=level, rater="self",
                              rated_by=person, evidence=evidence, created_at=sat + timedelta(minutes=step)))
    if rng.random() < 0.3 and months >= 24:
        # An earlier round a year before, a level lower: the history shows progress.
        earlier = sat - timedelta(days=rng.randint(330, 400))
        for step, competency_id in enumerate(rng.sample(order, k=min(5, len(order)))):
            if levels[competency_id] > 0:
                ratings.append(Rating(person=person, competency_id=competency_id, level=levels[competency_id] - 1,
                                      rater="self", rated_by=person, created_at=earlier + timedelta(minutes=step)))
    manager = person.line_manager
    if manager is not None and order and (is_staff or rng.random() < 0.5):
        must = ("ROT-05",) if is_staff else ()
        ratings.extend(_validations(rng, framework, today, person, manager, sat, levels, generous, must))
    if is_staff:
        # Since her manager validated it, she finished the exception reporting module and rated
        # herself higher: a newer self-rating awaiting validation.
        ratings.append(Rating(person=person, competency_id="ROT-05", level=2, rater="self", rated_by=person,
                              evidence="Completed T03 (exception reporting under TCS v13) and processed ten reports since.",
                              created_at=_moment(rng, today - timedelta(days=5))))
    return ratings


def _self_level(rng, framework, role_id, competency_id, required, months, generous) -> int:
    pattern = PATTERNS.get(role_id, {}).get(competency_id)
    if pattern:
        return rng.randint(*pattern)
    if months < 12:
        shift = rng.choice((-2, -1, -1, 0, 0))
    elif months < 36:
        shift = rng.choice((-1, -1, 0, 0, 0))
    else:
        shift = rng.choice((-1, 0, 0, 0, 1))
    if generous and rng.random() < 0.3:
        shift += 1
    return max(0, min(framework.max_level, required + shift))


def _validations(rng, framework, today, person, manager, sat, levels, generous, must) -> list[Rating]:
    """The manager's levels for some competencies: mostly agreeing, sometimes one lower; those in
    ``must`` are always validated, at the level the person gave."""
    rated = sorted(levels)
    chosen = set(rng.sample(rated, k=min(len(rated), rng.randint(5, 12)))) | set(must)
    days_since = (today - sat.date()).days
    when = _moment(rng, sat.date() + timedelta(days=rng.randint(3, max(3, min(40, days_since - 1)))))
    lower_odds = 0.55 if generous else 0.25
    ratings = []
    for step, competency_id in enumerate(sorted(chosen)):
        level, note = levels[competency_id], rng.choice(MANAGER_AGREES)
        free = competency_id not in must
        if free and level > 0 and rng.random() < lower_odds:
            level, note = level - 1, rng.choice(MANAGER_LOWER)
        elif free and level < framework.max_level and rng.random() < 0.05:
            level += 1  # modest people exist too
        ratings.append(Rating(person=person, competency_id=competency_id, level=level, rater="manager",
                              rated_by=manager, evidence=note if rng.random() < 0.4 else "",
                              created_at=when + timedelta(minutes=step)))
    return ratings


def _moment(rng: random.Random, day: date) -> datetime:
    """A time in the working day of ``day``."""
    return datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)))
