"""Fixtures for the web tests: an app on the small test framework, so they do not depend on the
default framework file."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from planner import create_app

SMALL = Path(__file__).resolve().parent.parent / "frameworks" / "small.yaml"


@pytest.fixture
def small_config(database_url):
    """Settings for a test app on the small framework and an empty test database."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PLANNER_FRAMEWORK": str(SMALL),
    }


@pytest.fixture
def small_app(small_config):
    """A fresh app on the small framework."""
    return create_app(small_config)


@pytest.fixture
def small_client(small_app):
    return small_app.test_client()


PASSWORD = "correct horse battery"


@dataclass
class World:
    """A small organisation on the small framework, with an account for every kind of user.

    Trust A has teams A1 (managed by ``manager``) and A2 (managed by ``other_manager``); trust B
    has team B1. ``staff`` and ``peer`` are in A1, ``other_team`` in A2, ``other_trust`` in B1.
    ``person`` and ``account`` map each name to the id of that person and their account.
    """

    person: dict[str, int] = field(default_factory=dict)
    account: dict[str, int] = field(default_factory=dict)
    team: dict[str, int] = field(default_factory=dict)
    trust: dict[str, int] = field(default_factory=dict)

    def email(self, name: str) -> str:
        return f"{name.replace('_', '.')}@trust.nhs.example"


PEOPLE = {
    # name: (team, role, account roles or None for no account)
    "staff": ("A1", "rota", ("staff",)),
    "peer": ("A1", "rota", ("staff",)),
    "manager": ("A1", "lead", ("staff", "manager")),
    "other_team": ("A2", "admin", ("staff",)),
    "other_manager": ("A2", "lead", ("staff", "manager")),
    "trust_admin": ("A2", "lead", ("staff", "trust_admin")),
    "region_lead": ("A2", "lead", ("staff", "region_lead")),
    "admin": ("A2", "lead", ("admin",)),
    "other_trust": ("B1", "rota", ("staff",)),
    "far_manager": ("B1", "lead", ("staff", "manager")),
}
MANAGERS = {"A1": "manager", "A2": "other_manager", "B1": "far_manager"}


@functools.cache
def password_hash() -> str:
    """An argon2id hash of ``PASSWORD`` with the smallest memory and passes argon2 allows, made once.

    Real accounts use OWASP's parameters (19 MiB, 2 passes), slow on purpose; the hash carries its
    own parameters, so signing in checks this one quickly and exactly as it checks a real one.
    """
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)


def build_world(framework) -> World:
    """Add the world's rows (inside an app context) and commit them."""
    from planner.db import db
    from planner.models import Account, IntegratedCareSystem, Person, Region, Team, Trust

    world = World()
    region_a, region_b = Region(name="Region A"), Region(name="Region B")
    trusts = {
        "A": Trust(name="Trust A", system=IntegratedCareSystem(name="System A", region=region_a)),
        "B": Trust(name="Trust B", system=IntegratedCareSystem(name="System B", region=region_b)),
    }
    teams = {name: Team(name=f"Team {name}", trust=trusts[name[0]]) for name in ("A1", "A2", "B1")}
    db.session.add_all(teams.values())
    people, accounts = {}, {}
    for name, (team, role, roles) in PEOPLE.items():
        people[name] = Person(
            name=name.replace("_", " ").title(),
            email=world.email(name),
            trust=trusts[team[0]],
            team=teams[team],
            role_id=role,
            band=framework.role[role].band,
            started_in_role=date(2025, 3, 1),
            protected_hours=4,
        )
        if roles:
            accounts[name] = Account(email=world.email(name), person=people[name])
            accounts[name].roles = roles
            accounts[name].password_hash = password_hash()
    for team, manager in MANAGERS.items():
        teams[team].managers.append(people[manager])
    db.session.add_all([*people.values(), *accounts.values()])
    db.session.commit()
    world.person = {name: p.id for name, p in people.items()}
    world.account = {name: a.id for name, a in accounts.items()}
    world.team = {name: t.id for name, t in teams.items()}
    world.trust = {name: t.id for name, t in trusts.items()}
    return world


@pytest.fixture
def web_app(small_config):
    """An app on the small framework with its tables created, CSRF off and no sign-in limit."""
    from planner.db import db

    app = create_app({**small_config, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def world(web_app) -> World:
    with web_app.app_context():
        return build_world(web_app.extensions["planner_framework"])


@pytest.fixture
def web_client(web_app):
    return web_app.test_client()


def sign_in(client, world: World, name: str):
    """Sign ``name`` in on ``client``; the response of the sign-in POST."""
    response = client.post("/sign-in", data={"email": world.email(name), "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def row_counts(app) -> dict[str, int]:
    """How many rows each table holds: to show that a refused request changed nothing.

    Read and refusal events are left out of the audit events: showing a page records who read what
    (planner.web.rights), and refusing one records who was refused (planner.web.permissions);
    neither is a change to anyone's data."""
    from sqlalchemy import func, select

    from planner.db import db
    from planner.models import AuditEvent

    def count(table):
        query = select(func.count()).select_from(table)
        return query.where(AuditEvent.action.not_in(("read", "refused"))) if table is AuditEvent.__table__ else query

    with app.app_context():
        return {table.name: db.session.scalar(count(table)) for table in db.metadata.sorted_tables}
