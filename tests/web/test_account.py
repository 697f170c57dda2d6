"""Accounts: changing your own password, and admins changing what other accounts may do."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from planner.db import db
from planner.models import Account, AuditEvent, Person, Team
from tests.web.conftest import PASSWORD, row_counts, sign_in
from tests.web.test_auth import app_and_world

NEW_PASSWORD = "marmalade lighthouse orbit"


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    data = {"current_password": current, "new_password": new, "confirm_password": new if confirm is None else confirm}
    return client.post("/account/password", data=data)


def audit_events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- your own password -------------------------------------------------------------------------


def test_the_password_page_asks_for_the_current_and_new_password(web_client, world):
    sign_in(web_client, world, "staff")
    page = web_client.get("/account/password").get_data(as_text=True)
    assert "<h1>Change your password</h1>" in page
    assert 'name="current_password"' in page and 'autocomplete="current-password"' in page
    assert page.count('autocomplete="new-password"') == 2
    header = page.split('class="nhsuk-header__account-list"')[1].split("</ul>")[0]
    assert header.index('href="/account/password"') < header.index('href="/sign-out"')  # by signing out


def test_changing_the_password_signs_out_everywhere_else(web_app, world):
    here, elsewhere = web_app.test_client(), web_app.test_client()
    sign_in(here, world, "staff")
    sign_in(elsewhere, world, "staff")
    response = change_password(here)
    assert response.headers["Location"] == "/account/password"
    assert "Your password has changed." in here.get("/account/password").get_data(as_text=True)
    assert here.get("/me").headers["Location"] == f"/people/{world.person['staff']}"  # still signed in here
    assert elsewhere.get("/me").headers["Location"] == "/sign-in?next=%2Fme"  # signed out there
    fresh = web_app.test_client()
    assert fresh.post("/sign-in", data={"email": world.email("staff"), "password": PASSWORD}).status_code == 200
    assert fresh.post("/sign-in", data={"email": world.email("staff"), "password": NEW_PASSWORD}).status_code == 302
    [event] = audit_events(web_app, "password_changed")
    assert event.account_id == world.account["staff"] and event.person_id == world.person["staff"]


@pytest.mark.parametrize(
    "current, new, confirm, field, message",
    [
        ("wrong password", NEW_PASSWORD, None, "current_password", "Your current password is not right"),
        ("x" * 1025, NEW_PASSWORD, None, "current_password", "Your current password is not right"),
        (PASSWORD, "short", None, "new_password", "at least 8 characters"),
        (PASSWORD, "password123", None, "new_password", "less common"),
        (PASSWORD, "staff@trust.nhs.example", None, "new_password", "not your email address"),
        (PASSWORD, NEW_PASSWORD, "something else", "confirm_password", "Enter the same new password in both boxes"),
        (PASSWORD, "", "", "new_password", "Enter a new password"),
    ],
)
def test_a_refused_password_says_what_to_fix_and_changes_nothing(web_app, web_client, world, current, new, confirm, field, message):
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)
    response = change_password(web_client, current, new, confirm)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: Change your password" in page and "There is a problem" in page
    assert f'href="#{field}"' in page and message in page
    assert row_counts(web_app) == before
    with web_app.app_context():
        assert db.session.get(Account, world.account["staff"]).check_password(PASSWORD)


def test_password_changes_are_limited_like_sign_ins(small_config):
    with app_and_world(small_config, PLANNER_SIGN_IN_LIMIT="2 per minute") as (app, world):
        client = app.test_client()
        sign_in(client, world, "staff")
        assert [change_password(client, "guess").status_code for _ in range(2)] == [200, 200]
        assert change_password(client).status_code == 429
        with app.app_context():
            assert db.session.get(Account, world.account["staff"]).check_password(PASSWORD)


def test_the_password_page_needs_a_sign_in(web_client, world):
    assert web_client.get("/account/password").headers["Location"].startswith("/sign-in")


# --- the list of accounts ----------------------------------------------------------------------


def test_a_trust_admin_sees_the_accounts_of_their_trust(web_client, world):
    sign_in(web_client, world, "trust_admin")
    page = web_client.get("/accounts").get_data(as_text=True)
    assert "<h1>Accounts</h1>" in page and "in Trust A" in page
    for name in ("staff", "peer", "manager", "other_team", "region_lead", "admin"):
        assert world.email(name) in page
    assert world.email("other_trust") not in page and world.email("far_manager") not in page
    assert f'href="/accounts/{world.account["staff"]}"' in page
    assert f'href="/accounts/{world.account["trust_admin"]}"' not in page  # not their own
    assert "Staff, Manager" in page and "Can sign in" in page
    # Names lead to the homes of the people the trust admin may see: everyone in their trust.
    assert f'<a href="/people/{world.person["staff"]}">Staff</a>' in page


def test_an_admin_sees_every_account_including_those_without_a_person(web_app, web_client, world):
    with web_app.app_context():
        db.session.add(Account(email="robot@trust.nhs.example", password_hash="x", roles_text="admin"))
        db.session.commit()
    sign_in(web_client, world, "admin")
    page = web_client.get("/accounts").get_data(as_text=True)
    assert world.email("other_trust") in page and "robot@trust.nhs.example" in page and "No person record" in page
    assert page.index(world.email("staff")) < page.index(world.email("other_trust")) < page.index("robot@")
    # An admin sees accounts, not people's homes, so the names are plain text.
    assert f'href="/people/{world.person["staff"]}"' not in page


@pytest.mark.parametrize("name", ["staff", "manager", "region_lead"])
def test_other_accounts_may_not_see_the_list(web_client, world, name):
    sign_in(web_client, world, name)
    assert web_client.get("/accounts").status_code == 403


def test_the_home_page_links_to_accounts_for_trust_admins_only(web_client, world):
    sign_in(web_client, world, "trust_admin")
    assert 'href="/accounts">Accounts</a>' in web_client.get(f"/people/{world.person['trust_admin']}").get_data(as_text=True)
    web_client.post("/sign-out")
    sign_in(web_client, world, "staff")
    assert 'href="/accounts"' not in web_client.get(f"/people/{world.person['staff']}").get_data(as_text=True)


# --- one account -------------------------------------------------------------------------------


def answers(world, **changes) -> dict:
    """The account form as the other_team account stands, with ``changes``."""
    data = {"roles": ["staff"], "active": "yes", "team": str(world.team["A2"]), "managed_teams": []}
    return data | changes


def test_the_account_page_shows_what_may_be_changed(web_client, world):
    sign_in(web_client, world, "trust_admin")
    page = web_client.get(f"/accounts/{world.account['other_team']}").get_data(as_text=True)
    assert "<h1>Account of Other Team</h1>" in page
    assert 'value="staff" checked' in page and 'value="manager"' in page and 'value="trust_admin"' in page
    assert 'value="admin"' not in page and 'value="region_lead"' not in page  # not a trust admin's to give
    assert re.search(rf'<option value="{world.team["A2"]}"\s+selected\s*>\s*Team A2', page)
    assert "Team B1" not in page  # only teams of the person's trust


def test_an_admin_may_give_every_role(web_client, world):
    sign_in(web_client, world, "admin")
    page = web_client.get(f"/accounts/{world.account['other_trust']}").get_data(as_text=True)
    assert 'value="admin"' in page and 'value="region_lead"' in page and "Team B1" in page


def test_changing_roles_is_audited_and_ends_that_accounts_sessions(web_app, world):
    admin, holder = web_app.test_client(), web_app.test_client()
    sign_in(admin, world, "trust_admin")
    sign_in(holder, world, "other_team")
    data = answers(world, roles=["staff", "manager"], managed_teams=[str(world.team["A1"])])
    response = admin.post(f"/accounts/{world.account['other_team']}", data=data)
    assert response.headers["Location"] == f"/accounts/{world.account['other_team']}"
    assert "is signed out everywhere" in admin.get(response.headers["Location"]).get_data(as_text=True)
    assert holder.get("/me").headers["Location"] == "/sign-in?next=%2Fme"
    assert admin.get("/me").headers["Location"].startswith("/people/")  # the admin stays signed in
    with web_app.app_context():
        account = db.session.get(Account, world.account["other_team"])
        assert account.roles == {"staff", "manager"}
        assert [team.id for team in account.person.managed_teams] == [world.team["A1"]]
    [event] = audit_events(web_app, "account_changed")
    assert event.account_id == world.account["trust_admin"] and event.person_id == world.person["other_team"]
    assert event.detail == {"roles": ["staff", "manager"], "managed_team_ids": [world.team["A1"]]}


def test_moving_a_person_to_another_team(web_app, web_client, world):
    sign_in(web_client, world, "trust_admin")
    web_client.post(f"/accounts/{world.account['other_team']}", data=answers(world, team=str(world.team["A1"])))
    with web_app.app_context():
        assert db.session.get(Person, world.person["other_team"]).team_id == world.team["A1"]
    [event] = audit_events(web_app, "account_changed")
    assert event.detail == {"team_id": world.team["A1"]}


def test_deactivating_and_reactivating_an_account(web_app, web_client, world):
    holder = web_app.test_client()
    sign_in(holder, world, "other_team")
    sign_in(web_client, world, "trust_admin")
    web_client.post(f"/accounts/{world.account['other_team']}", data=answers(world, active="no"))
    assert holder.get("/me").status_code == 302
    refused = web_app.test_client().post("/sign-in", data={"email": world.email("other_team"), "password": PASSWORD})
    assert refused.status_code == 200
    assert "No, deactivated" in web_client.get("/accounts").get_data(as_text=True)
    web_client.post(f"/accounts/{world.account['other_team']}", data=answers(world, active="yes"))
    sign_in(holder, world, "other_team")
    assert [event.detail for event in audit_events(web_app, "account_changed")] == [{"active": False}, {"active": True}]


def test_saving_without_a_change_says_so_and_audits_nothing(web_app, web_client, world):
    holder = web_app.test_client()
    sign_in(holder, world, "other_team")
    sign_in(web_client, world, "trust_admin")
    response = web_client.post(f"/accounts/{world.account['other_team']}", data=answers(world))
    assert "Nothing changed." in web_client.get(response.headers["Location"]).get_data(as_text=True)
    assert audit_events(web_app, "account_changed") == []
    assert holder.get("/me").headers["Location"].startswith("/people/")


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"roles": []}, "roles", "Choose at least one role"),
        ({"roles": ["staff", "admin"]}, "roles", "Choose only the roles listed"),
        ({"managed_teams": ["A1"]}, "managed_teams", "Tick Manager under roles"),
        ({"team": "B1"}, "team", "Choose one of the teams listed"),
        ({"team": "999"}, "team", "Choose one of the teams listed"),
        ({"managed_teams": ["999"], "roles": ["staff", "manager"]}, "managed_teams", "Choose only the teams listed"),
        ({"active": "maybe"}, "active", "Choose whether they can sign in"),
    ],
)
def test_a_wrong_answer_says_what_to_fix_and_changes_nothing(web_app, web_client, world, changes, field, message):
    sign_in(web_client, world, "trust_admin")
    names = {name: str(ident) for name, ident in world.team.items()}
    changes = {key: names.get(value, value) if isinstance(value, str) else [names.get(v, v) for v in value] for key, value in changes.items()}
    before = row_counts(web_app)
    response = web_client.post(f"/accounts/{world.account['other_team']}", data=answers(world, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in page
    assert f'href="#{field}' in page and message in page
    assert row_counts(web_app) == before


def test_a_trust_admin_may_not_change_their_own_account(web_app, web_client, world):
    sign_in(web_client, world, "trust_admin")
    page = web_client.get(f"/accounts/{world.account['trust_admin']}").get_data(as_text=True)
    assert "This is your own account" in page and "<form" not in page.split("<main")[1]
    response = web_client.post(f"/accounts/{world.account['trust_admin']}", data=answers(world, active="no"))
    assert response.status_code == 403
    with web_app.app_context():
        assert db.session.get(Account, world.account["trust_admin"]).active


@pytest.mark.parametrize("name", ["admin", "region_lead"])
def test_a_trust_admin_leaves_accounts_with_higher_roles_alone(web_app, web_client, world, name):
    sign_in(web_client, world, "trust_admin")
    page = web_client.get(f"/accounts/{world.account[name]}").get_data(as_text=True)
    assert "only an admin may change it" in page
    response = web_client.post(f"/accounts/{world.account[name]}", data=answers(world, active="no"))
    assert response.status_code == 403
    with web_app.app_context():
        assert db.session.get(Account, world.account[name]).active


def test_another_trusts_accounts_are_not_found(web_app, web_client, world):
    with web_app.app_context():
        far = db.session.get(Account, world.account["far_manager"])
        far.roles = {"staff", "trust_admin"}
        db.session.commit()
    sign_in(web_client, world, "far_manager")
    assert web_client.get(f"/accounts/{world.account['staff']}").status_code == 404
    assert web_client.post(f"/accounts/{world.account['staff']}", data=answers(world, active="no")).status_code == 404
    assert web_client.get("/accounts/999999").status_code == 404
    assert web_client.get(f"/accounts/{world.account['other_trust']}").status_code == 200


def test_an_admin_changes_an_account_without_a_person(web_app, web_client, world):
    with web_app.app_context():
        robot = Account(email="robot@trust.nhs.example", password_hash="x", roles_text="admin")
        db.session.add(robot)
        db.session.commit()
        robot_id = robot.id
    sign_in(web_client, world, "admin")
    page = web_client.get(f"/accounts/{robot_id}").get_data(as_text=True)
    assert "No person record" in page and 'name="team"' not in page
    web_client.post(f"/accounts/{robot_id}", data={"roles": ["admin", "region_lead"], "active": "no"})
    with web_app.app_context():
        robot = db.session.get(Account, robot_id)
        assert robot.roles == {"admin", "region_lead"} and not robot.active and robot.session_version == 2
    [event] = audit_events(web_app, "account_changed")
    assert event.person_id is None and event.detail == {"roles": ["region_lead", "admin"], "active": False}


def test_an_admin_may_move_a_manager_between_teams_it_manages(web_app, web_client, world):
    sign_in(web_client, world, "admin")
    data = {
        "roles": ["staff", "manager"],
        "active": "yes",
        "team": str(world.team["A1"]),
        "managed_teams": [str(world.team["A2"])],
    }
    web_client.post(f"/accounts/{world.account['manager']}", data=data)
    with web_app.app_context():
        assert [team.id for team in db.session.get(Team, world.team["A1"]).managers] == []
        assert {p.id for p in db.session.get(Team, world.team["A2"]).managers} == {
            world.person["other_manager"],
            world.person["manager"],
        }
