"""The demo data: a realistic organisation, the five demo sign-ins, and the command that adds them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import networkx as nx
import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from planner import create_app
from planner.cli import cli
from planner.db import db
from planner.demo import DEMO_PASSWORD, seed_demo
from planner.models import (
    EVIDENCE_MAX,
    Account,
    AuditEvent,
    IntegratedCareSystem,
    Person,
    Rating,
    Region,
    Team,
    Trust,
    current_levels,
    rating_facts,
    ratings_of,
)
from tests.conftest import TEST_DATABASE_URL, empty_database

TODAY = date(2026, 5, 14)
SIGN_INS = {
    "staff@demo.example": {"staff"},
    "manager@demo.example": {"staff", "manager"},
    "trust.admin@demo.example": {"staff", "trust_admin"},
    "region.lead@demo.example": {"staff", "region_lead"},
    "admin@demo.example": {"staff", "admin"},
}


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory):
    """An app whose database holds the demo data, seeded once for the tests that only read it.

    These tests must not also take the per-test ``app`` fixture: on PostgreSQL that empties the
    one test database the data lives in.
    """
    url = TEST_DATABASE_URL or "sqlite:///" + str(tmp_path_factory.mktemp("demo") / "demo.db")
    if TEST_DATABASE_URL:
        empty_database(url)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "PLANNER_DEMO": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        summary = seed_demo(app.extensions["planner_framework"], TODAY)
        db.session.commit()
    yield app, summary
    with app.app_context():
        db.engine.dispose()
    if TEST_DATABASE_URL:
        empty_database(url)


@pytest.fixture
def seeded(seeded_app):
    """What seeding reported; the test runs in the seeded app's context."""
    app, summary = seeded_app
    with app.app_context():
        yield summary


@pytest.fixture
def framework(seeded_app):
    """The seeded app's framework (the shared fixture would start a fresh app, whose per-test
    database on PostgreSQL is the one holding the demo data)."""
    return seeded_app[0].extensions["planner_framework"]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def people() -> list[Person]:
    return list(db.session.scalars(select(Person).order_by(Person.id)))


def person_of(email: str) -> Person:
    return db.session.scalar(select(Account).where(Account.email == email)).person


def test_the_organisation_has_two_regions_three_systems_six_trusts_and_twelve_teams(seeded):
    assert (count(Region), count(IntegratedCareSystem), count(Trust), count(Team)) == (2, 3, 6, 12)
    assert 70 <= count(Person) <= 90
    assert (seeded.regions, seeded.systems, seeded.trusts, seeded.teams) == (2, 3, 6, 12)
    assert (seeded.people, seeded.ratings) == (count(Person), count(Rating))
    # One event records the seeding, not one a row (the sign-in test below adds its own).
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action.not_in(("sign_in", "sign_out")))))
    assert [event.action for event in events] == ["demo_seeded"]
    assert events[0].detail["people"] == seeded.people


def test_most_people_are_in_bands_3_and_4_and_every_band_is_their_roles(seeded, framework):
    everyone = people()
    assert sum(p.band in ("3", "4") for p in everyone) > len(everyone) / 2
    for person in everyone:
        assert person.role_id in framework.role
        assert person.band == framework.role[person.role_id].band
    seniors = [p for p in everyone if framework.band_rank[p.band] >= framework.band_rank["7"]]
    assert 4 <= len(seniors) <= len(everyone) / 5


def test_people_have_realistic_tenure_learning_time_and_targets(seeded, framework):
    everyone = people()
    assert all(TODAY - timedelta(days=8 * 366) <= p.started_in_role < TODAY for p in everyone)
    assert sum(p.months_in_role(TODAY) < 24 for p in everyone) >= 10
    assert all(2 <= p.protected_hours <= 8 for p in everyone)
    assert sum(p.protected_hours <= 4 for p in everyone) > len(everyone) / 2
    with_targets = [p for p in everyone if p.target_role_id]
    assert len(everyone) / 3 <= len(with_targets) <= 2 * len(everyone) / 3
    for person in with_targets:
        assert person.target_role_id != person.role_id
        assert nx.has_path(framework.move_graph, person.role_id, person.target_role_id)
    assert any(p.mentor_opt_in for p in everyone)
    assert not any(p.mentor_opt_in for p in everyone if p.band == "3")
    assert len({p.name for p in everyone}) == len(everyone)
    assert all(p.email.endswith(".nhs.example") for p in everyone)


def test_every_team_has_a_senior_manager_in_its_own_trust(seeded, framework):
    for team in db.session.scalars(select(Team)):
        assert team.managers, team.name
        for manager in team.managers:
            assert manager.trust_id == team.trust_id
            assert framework.band_rank[manager.band] >= framework.band_rank["7"]
    for person in people():
        if person.line_manager is not None:
            assert person.line_manager.trust_id == person.trust_id
    assert sum(p.line_manager is None for p in people()) <= 8


def test_the_five_demo_sign_ins_exist_with_their_roles_and_the_shared_password(seeded):
    accounts = list(db.session.scalars(select(Account).order_by(Account.id)))
    assert {a.email: set(a.roles) for a in accounts} == SIGN_INS
    assert [a.email for a in accounts] == list(SIGN_INS)
    for account in accounts:
        assert account.active and account.person is not None
        assert account.check_password(DEMO_PASSWORD)
    assert not accounts[0].check_password("demo-password")
    assert [s.email for s in seeded.sign_ins] == list(SIGN_INS)
    assert seeded.password == DEMO_PASSWORD


def test_each_demo_sign_in_works_in_demo_mode_and_opens_its_home_page(seeded_app):
    app = seeded_app[0]
    client = app.test_client()
    listed = client.get("/sign-in").get_data(as_text=True)
    for email in SIGN_INS:
        assert email in listed
    for sign_in in seeded_app[1].sign_ins:
        response = client.post("/sign-in", data={"email": sign_in.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, sign_in.email
        home = client.get("/me", follow_redirects=True)
        assert home.status_code == 200
        assert sign_in.person in home.get_data(as_text=True)
        client.post("/sign-out")


def test_the_staff_sign_in_tells_the_story_of_a_new_rota_coordinator(seeded, framework):
    staff = person_of("staff@demo.example")
    manager = person_of("manager@demo.example")
    assert (staff.role_id, staff.band, staff.target_role_id) == ("rota_coordinator", "4", "medical_workforce_advisor")
    assert staff.months_in_role(TODAY) == 8
    assert manager in staff.team.managers and staff.line_manager is manager
    assert person_of("trust.admin@demo.example").trust_id == staff.trust_id
    levels = current_levels(ratings_of(staff))
    rated_domains = {framework.competency[c].domain for c in levels}
    required_domains = {framework.competency[c].domain for c in framework.role[staff.role_id].requires}
    assert len(required_domains - rated_domains) == 2
    assert {"self", "manager"} <= {level.source for level in levels.values()}
    assert any(level.pending is not None for level in levels.values())


def test_the_light_rating_facts_give_every_person_the_same_levels_as_their_whole_ratings(seeded):
    people = list(db.session.scalars(select(Person)))
    compared = [(current_levels(rating_facts(p)), current_levels(ratings_of(p))) for p in people]
    assert all(light == whole for light, whole in compared)
    # The comparison covers levels from both raters and a self-rating awaiting validation.
    assert any(level.pending is not None for _, whole in compared for level in whole.values())
    assert {"self", "manager"} <= {level.source for _, whole in compared for level in whole.values()}


def test_every_rating_is_on_the_framework_and_in_the_past(seeded, framework):
    ratings = list(db.session.scalars(select(Rating)))
    for rating in ratings:
        assert rating.competency_id in framework.competency
        assert 0 <= rating.level <= framework.max_level
        assert len(rating.evidence) <= EVIDENCE_MAX
        assert rating.created_at < datetime.combine(TODAY, datetime.min.time())
        assert rating.created_at.date() >= rating.person.started_in_role
    assert any(r.evidence for r in ratings if r.rater == "self")
    assert any(r.evidence for r in ratings if r.rater == "manager")


def test_everyone_rates_themselves_and_managers_validate_about_half_after_them(seeded):
    ratings = list(db.session.scalars(select(Rating)))
    self_rated = {r.person_id for r in ratings if r.rater == "self"}
    assert self_rated == {p.id for p in people()}
    validated = {r.person_id for r in ratings if r.rater == "manager"}
    assert len(people()) / 3 <= len(validated) <= 2 * len(people()) / 3
    first_self = {}
    for rating in ratings:
        if rating.rater == "self":
            key = (rating.person_id, rating.competency_id)
            first_self[key] = min(first_self.get(key, rating.created_at), rating.created_at)
    for rating in ratings:
        if rating.rater == "manager":
            assert rating.rated_by_id == rating.person.line_manager_id
            assert rating.created_at > first_self[(rating.person_id, rating.competency_id)]


def test_ratings_show_gaps_new_starters_widest_and_managers_sometimes_lower(seeded, framework):
    below, total, gaps_by_tenure = 0, 0, {"new": [], "long": []}
    for person in people():
        required = framework.role[person.role_id].requires
        selves = current_levels([r for r in ratings_of(person) if r.rater == "self"])
        gaps = [max(0, required[c] - level.level) for c, level in selves.items() if c in required]
        below += sum(gap > 0 for gap in gaps)
        total += len(gaps)
        months = person.months_in_role(TODAY)
        if months < 12:
            gaps_by_tenure["new"].append(sum(gaps) / len(gaps))
        elif months >= 36:
            gaps_by_tenure["long"].append(sum(gaps) / len(gaps))
    assert 0.2 < below / total < 0.8
    mean = {k: sum(v) / len(v) for k, v in gaps_by_tenure.items()}
    assert mean["new"] > mean["long"]
    selves = {}
    for rating in db.session.scalars(select(Rating).where(Rating.rater == "self").order_by(Rating.created_at)):
        selves.setdefault((rating.person_id, rating.competency_id), []).append(rating)
    manager = list(db.session.scalars(select(Rating).where(Rating.rater == "manager")))

    def self_level_before(validation: Rating) -> int:
        earlier = selves[(validation.person_id, validation.competency_id)]
        return [r for r in earlier if r.created_at < validation.created_at][-1].level

    differences = [r.level - self_level_before(r) for r in manager]
    assert differences.count(-1) >= len(manager) / 10
    assert differences.count(0) > len(manager) / 2


def snapshot() -> tuple:
    """What the demo data holds, without ids or password hashes."""
    return (
        sorted((p.name, p.email, p.role_id, p.started_in_role, p.protected_hours, p.target_role_id, p.team.name)
               for p in people()),
        sorted((r.person.email, r.competency_id, r.rater, r.level, r.created_at, r.evidence)
               for r in db.session.scalars(select(Rating))),
    )


def test_the_same_seed_and_day_give_the_same_data(app):
    framework = app.extensions["planner_framework"]
    with app.app_context():
        upgrade()
        runs = []
        for _ in range(2):
            seed_demo(framework, TODAY, seed=7)
            db.session.flush()
            runs.append(snapshot())
            db.session.rollback()
        assert runs[0] == runs[1]
        assert count(Person) == 0


def test_the_command_refuses_outside_demo_mode(app, runner):
    with app.app_context():
        upgrade()
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 1
    assert "PLANNER_DEMO=1" in result.output
    with app.app_context():
        assert count(Person) == 0


def test_the_command_asks_for_the_database_to_be_prepared_first(app, runner):
    app.config["PLANNER_DEMO"] = True
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 1
    assert "planner db upgrade" in result.output


def test_the_command_seeds_a_fresh_database_once(app, runner):
    app.config["PLANNER_DEMO"] = True
    with app.app_context():
        upgrade()
    result = runner.invoke(cli, ["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "2 regions, 3 integrated care systems, 6 trusts, 12 teams" in result.output
    assert DEMO_PASSWORD in result.output
    for email in SIGN_INS:
        assert email in result.output
    with app.app_context():
        before = (count(Person), count(Rating), count(Account), count(AuditEvent))
        assert before[0] > 0

    skipped = runner.invoke(cli, ["demo", "--if-empty"])
    assert skipped.exit_code == 0
    assert "no demo data added" in skipped.output

    refused = runner.invoke(cli, ["demo"])
    assert refused.exit_code == 1
    assert "fresh database" in refused.output
    with app.app_context():
        assert (count(Person), count(Rating), count(Account), count(AuditEvent)) == before


def test_the_command_refuses_a_framework_without_the_default_roles(database_url):
    small = Path(__file__).resolve().parent / "frameworks" / "small.yaml"
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "PLANNER_FRAMEWORK": str(small), "PLANNER_DEMO": True}
    )
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(cli, ["demo"])
    assert result.exit_code == 1
    assert "needs the default framework" in result.output and "rota_coordinator" in result.output
    with app.app_context():
        assert count(Person) == count(Region) == 0
    with app.app_context():
        db.engine.dispose()
