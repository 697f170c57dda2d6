"""Session lifetimes, and sessions ending by themselves whenever what an account may do changes."""

from __future__ import annotations

import pytest
from planner import sessions
from planner.db import db
from planner.models import Account, Person, Team
from tests.web.conftest import SMALL, World, sign_in
from tests.web.test_auth import app_and_world

HOUR = 3600.0


@pytest.fixture
def app_world(database_url):
    """An app on the small framework holding the web tests' world (CSRF and sign-in limit off)."""
    settings = {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": database_url, "PLANNER_FRAMEWORK": str(SMALL)}
    with app_and_world(settings, RATELIMIT_ENABLED=False) as pair:
        yield pair


@pytest.mark.parametrize(
    "signed_in_at, last_seen_at, at, ended",
    [
        (0.0, 0.0, 60.0, None),
        (0.0, 0.0, 30 * 60.0, None),  # exactly at the idle limit: still on
        (0.0, 0.0, 30 * 60.0 + 1, sessions.IDLE),
        (0.0, 11.9 * HOUR, 12 * HOUR, None),
        (0.0, 12 * HOUR, 12 * HOUR + 1, sessions.TOO_OLD),  # busy all day, still ends at 12 hours
        (0.0, 0.0, 13 * HOUR, sessions.TOO_OLD),
        (None, 0.0, 1.0, sessions.TOO_OLD),  # a session from before the times were kept
        (0.0, "x", 1.0, sessions.TOO_OLD),
    ],
)
def test_a_session_ends_when_idle_or_too_old(signed_in_at, last_seen_at, at, ended):
    limits = {"idle_seconds": 30 * 60, "max_seconds": 12 * HOUR}
    assert sessions.session_ended(signed_in_at, last_seen_at, at, **limits) == ended


def test_the_clock_is_the_time_now():
    import time

    before = time.time()
    assert before <= sessions.now() <= time.time()


def version(app, world: World, name: str) -> int:
    with app.app_context():
        return db.session.get(Account, world.account[name]).session_version


def change(app, work) -> None:
    """Run ``work(session)`` in the app and commit, as any code path would."""
    with app.app_context():
        work(db.session)
        db.session.commit()


def _set_password(session, world):
    session.get(Account, world.account["staff"]).set_password("a new passphrase entirely")


def _deactivate(session, world):
    session.get(Account, world.account["staff"]).active = False


def _add_role(session, world):
    session.get(Account, world.account["staff"]).roles = {"staff", "manager"}


def _move_team_by_id(session, world):
    session.get(Person, world.person["staff"]).team_id = world.team["A2"]


def _move_team(session, world):
    session.get(Person, world.person["staff"]).team = session.get(Team, world.team["A2"])


def _manage_team(session, world):
    person = session.get(Person, world.person["staff"])  # held, as a collection changes only on a live object
    person.managed_teams.append(session.get(Team, world.team["A2"]))


def _manage_team_from_the_team(session, world):
    team = session.get(Team, world.team["A2"])
    team.managers.append(session.get(Person, world.person["staff"]))


def _stop_managing_from_the_team(session, world):
    team = session.get(Team, world.team["A1"])
    team.managers.remove(session.get(Person, world.person["manager"]))


@pytest.mark.parametrize(
    "name, work",
    [
        ("staff", _set_password),
        ("staff", _deactivate),
        ("staff", _add_role),
        ("staff", _move_team_by_id),
        ("staff", _move_team),
        ("staff", _manage_team),
        ("staff", _manage_team_from_the_team),
        ("manager", _stop_managing_from_the_team),
    ],
)
def test_a_change_to_what_an_account_may_do_ends_its_sessions(app_world, name, work):
    web_app, world = app_world
    client, bystander = web_app.test_client(), web_app.test_client()
    sign_in(client, world, name)
    sign_in(bystander, world, "peer")
    before = version(web_app, world, name)
    change(web_app, lambda session: work(session, world))
    assert version(web_app, world, name) == before + 1
    assert client.get("/me").status_code == 302  # signed out at the very next request
    assert bystander.get("/me").headers["Location"].startswith("/people/")  # others stay signed in


def test_other_changes_leave_sessions_alone(app_world):
    web_app, world = app_world
    client = web_app.test_client()
    sign_in(client, world, "staff")
    before = version(web_app, world, "staff")

    def rename(session):
        person = session.get(Person, world.person["staff"])
        person.name, person.protected_hours = "Sam Staff", 6
        session.get(Account, world.account["staff"]).email = "sam.staff@trust.nhs.example"
        session.get(Team, world.team["A1"]).name = "Team A1 renamed"

    change(web_app, rename)
    assert version(web_app, world, "staff") == before
    assert client.get("/me").headers["Location"] == f"/people/{world.person['staff']}"


def test_a_new_account_and_a_person_without_one_need_no_ending(app_world):
    web_app, world = app_world
    def add_and_move(session):
        account = Account(email="new@trust.nhs.example", password_hash="x")
        session.add(account)
        session.get(Person, world.person["other_team"]).account.active = True  # unchanged value
        nobody = Person(
            name="No Account",
            email="no.account@trust.nhs.example",
            trust_id=world.trust["A"],
            team_id=world.team["A1"],
            role_id="rota",
            band="4",
            started_in_role=session.get(Person, world.person["staff"]).started_in_role,
        )
        session.add(nobody)
        session.flush()
        nobody.team_id = world.team["A2"]
        team = session.get(Team, world.team["A2"])
        team.managers.append(nobody)

    change(web_app, add_and_move)
    with web_app.app_context():
        assert db.session.query(Account).filter_by(email="new@trust.nhs.example").one().session_version == 1


def test_a_change_made_with_the_version_already_raised_raises_it_once(app_world):
    web_app, world = app_world
    def sign_out_and_deactivate(session):
        account = session.get(Account, world.account["staff"])
        account.session_version += 1
        account.active = False

    before = version(web_app, world, "staff")
    change(web_app, sign_out_and_deactivate)
    assert version(web_app, world, "staff") == before + 1


@pytest.mark.parametrize("name, unit", [("PLANNER_SESSION_IDLE_MINUTES", "minutes"), ("PLANNER_SESSION_MAX_HOURS", "hours")])
def test_a_lifetime_setting_must_be_a_positive_number(name, unit):
    from planner.config import SettingsError, check_settings, default_config, from_environment

    settings = default_config("/tmp") | from_environment({name: "soon"})
    with pytest.raises(SettingsError, match=f"{name} is 'soon'; it must be a number of {unit} above 0"):
        check_settings(settings)
    settings = default_config("/tmp") | from_environment({name: "45"})
    check_settings(settings)
    assert settings[name] == 45.0
