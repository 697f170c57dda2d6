"""Check-ins with people new in role, the invitation to review a self-assessment and the retention
flag on the manager's team list (training records are in test_training.py)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

import planner.web.checkins
import planner.web.manager
from planner.db import db
from planner.models import AuditEvent, Checkin, Person, TrainingRecord
from planner.web.assessment import level_name
from tests.web.conftest import PEOPLE, row_counts, sign_in
from tests.web.pages import outline
from tests.web.test_manager import _Tables, table_rows

TODAY = date(2025, 11, 10)
"""Everyone in the world started in role on 1 March 2025: today they are 8 months in."""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(planner.web.checkins, "today", lambda: TODAY)
    monkeypatch.setattr(planner.web.manager, "today", lambda: TODAY)


def cells(html: str) -> list[list[str]]:
    """Every table row's cells as text, header rows included."""
    parser = _Tables()
    parser.feed(html)
    return parser.rows


def person_rows(html: str) -> list[list[str]]:
    """The body rows of the manager's tables, in order: each person's name (without its label) and cells."""
    return [[row[0].removeprefix("Name "), *row[1:]] for row in cells(html) if row and row[0].startswith("Name ")]


def set_start(app, world, name: str, started: date) -> None:
    with app.app_context():
        db.session.get(Person, world.person[name]).started_in_role = started
        db.session.commit()


def add_checkins(app, world, name: str, *days: date) -> None:
    with app.app_context():
        for day in days:
            db.session.add(Checkin(person_id=world.person[name], held_on=day, recorded_by_id=world.account["manager"]))
        db.session.commit()


def add_training(app, world, name: str, module: str, completed: date) -> None:
    with app.app_context():
        db.session.add(
            TrainingRecord(person_id=world.person[name], module_id=module, completed_on=completed, recorded_by_id=world.account[name])
        )
        db.session.commit()


def date_data(field: str, on: date | None = None, **parts: str) -> dict[str, str]:
    """The three boxes of a date input, from a date or typed as given."""
    if on is not None:
        parts = {"day": str(on.day), "month": str(on.month), "year": str(on.year)}
    return {f"{field}-{part}": value for part, value in parts.items()}


def checkins_url(world, name="staff") -> str:
    return f"/people/{world.person[name]}/checkins"


def latest_event(app) -> AuditEvent:
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        db.session.expunge(event)
        return event


# The manager's list of check-ins -------------------------------------------------------------


def test_the_list_puts_overdue_first_then_due_then_each_persons_next(web_app, web_client, world):
    # Staff (from 1 March 2025) had the 1-month check-in; the 3- and 6-month ones are overdue.
    # Peer (from 20 August 2025) missed the 1-month one and has the 3-month one in 10 days.
    add_checkins(web_app, world, "staff", date(2025, 4, 3))
    set_start(web_app, world, "peer", date(2025, 8, 20))
    sign_in(web_client, world, "manager")

    response = web_client.get("/teams/checkins")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    headings = [title for tag, title, _ in outline(html) if tag in ("h1", "h2")]
    assert headings == ["Check-ins", "Overdue and due (4)", "Coming up (2)"]
    rows = person_rows(html)
    assert [(name, check.removeprefix("Check-in "), on.removeprefix("Date "), status) for name, _, check, on, status, _ in rows] == [
        ("Staff", "3-month check-in", "1 June 2025 (162 days ago)", "Status Overdue"),
        ("Staff", "6-month check-in", "1 September 2025 (70 days ago)", "Status Overdue"),
        ("Peer", "1-month check-in", "20 September 2025 (51 days ago)", "Status Overdue"),
        ("Peer", "3-month check-in", "20 November 2025 (in 10 days)", "Status Due"),
        ("Peer", "6-month check-in", "20 February 2026 (in 102 days)", "Status Upcoming"),
        ("Staff", "12-month check-in", "1 March 2026 (in 111 days)", "Status Upcoming"),
    ]
    assert rows[0][1] == "Team Team A1"
    assert rows[0][-1] == "Record Record it: Staff's 3-month check-in"
    assert rows[-1][-1] == "Check-ins See all of Staff's check-ins"
    assert f'href="/people/{world.person["staff"]}/checkins#record"' in html
    assert 'class="nhsuk-tag nhsuk-tag--red"' in html and 'class="nhsuk-tag nhsuk-tag--yellow"' in html
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    for outsider in ("Other Team", "Other Trust", ">Manager<"):
        assert outsider not in html


def test_the_list_leaves_out_people_past_two_years_and_says_when_nothing_is_due(web_app, web_client, world):
    for name in ("staff", "peer"):
        set_start(web_app, world, name, date(2023, 11, 9))  # the 24-month check-in was yesterday
    sign_in(web_client, world, "manager")

    html = web_client.get("/teams/checkins").get_data(as_text=True)

    sections = {title: text for _, title, text in outline(html)}
    assert sections["Overdue and due (0)"] == "No check-ins are overdue or due in the teams you manage."
    assert sections["Coming up (0)"].startswith("No one in the teams you manage has a check-in coming up.")
    assert "<table" not in html


def test_a_check_in_on_its_date_is_due_today(web_app, web_client, world):
    set_start(web_app, world, "staff", date(2025, 10, 10))
    set_start(web_app, world, "peer", date(2023, 11, 10))  # the 24-month check-in is today: still listed
    sign_in(web_client, world, "manager")

    rows = person_rows(web_client.get("/teams/checkins").get_data(as_text=True))

    assert [row[:4] for row in rows if row[4] == "Status Due"] == [
        ["Peer", "Team Team A1", "Check-in 24-month check-in", "Date 10 November 2025 (today)"],
        ["Staff", "Team Team A1", "Check-in 1-month check-in", "Date 10 November 2025 (today)"],
    ]


def test_a_manager_with_no_team_is_told_so(web_app, web_client, world):
    with web_app.app_context():
        other_manager = db.session.get(Person, world.person["other_manager"])
        other_manager.managed_teams.clear()
        db.session.commit()
    sign_in(web_client, world, "other_manager")

    for url in ("/teams/checkins", "/teams"):
        html = web_client.get(url).get_data(as_text=True)
        assert "You do not manage any teams yet." in html and "<table" not in html


@pytest.mark.parametrize("name", ["staff", "trust_admin", "region_lead", "admin"])
def test_the_list_is_for_managers_only(web_client, world, name):
    sign_in(web_client, world, name)

    assert web_client.get("/teams/checkins").status_code == 403


def test_the_list_asks_anonymous_users_to_sign_in(web_client, world):
    response = web_client.get("/teams/checkins")

    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


# A person's check-ins ------------------------------------------------------------------------


def test_a_person_sees_their_own_schedule_without_the_form(web_app, web_client, world):
    add_checkins(web_app, world, "staff", date(2025, 4, 3))
    sign_in(web_client, world, "staff")

    response = web_client.get(checkins_url(world))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert [title for tag, title, _ in outline(html) if tag in ("h1", "h2")] == ["My check-ins", "Schedule", "Check-ins held (1)"]
    assert cells(html)[:4] == [
        ["Check-in", "Date", "Status"],
        ["1-month check-in", "1 April 2025", "Done held on 3 April 2025"],
        ["3-month check-in", "1 June 2025 (162 days ago)", "Overdue"],
        ["6-month check-in", "1 September 2025 (70 days ago)", "Overdue"],
    ]
    assert ["3 April 2025", "No notes", "Manager"] in cells(html)
    assert "Your manager records your check-ins." in html
    assert "<form method=\"post\"" not in html
    assert 'href="/static/css/checkins.css"' in html


def test_staff_cannot_record_their_own_check_in(web_app, web_client, world):
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)

    response = web_client.post(checkins_url(world), data=date_data("held_on", date(2025, 11, 3)))

    assert response.status_code == 403
    assert row_counts(web_app) == before


def test_a_trust_admin_sees_but_cannot_record(web_app, web_client, world):
    sign_in(web_client, world, "trust_admin")
    before = row_counts(web_app)

    page = web_client.get(checkins_url(world))
    refused = web_client.post(checkins_url(world), data=date_data("held_on", date(2025, 11, 3)))

    assert page.status_code == 200
    assert "Only Staff&#39;s manager can record a check-in." in page.get_data(as_text=True)
    assert refused.status_code == 403
    assert row_counts(web_app) == before


@pytest.mark.parametrize("name", ["other_manager", "far_manager", "peer", "other_trust"])
def test_people_who_cannot_see_the_person_are_told_it_does_not_exist(web_app, web_client, world, name):
    sign_in(web_client, world, name)
    before = row_counts(web_app)

    assert web_client.get(checkins_url(world)).status_code == 404
    # Only managers record check-ins: anyone else is refused before the person is looked up.
    refused = 404 if "manager" in PEOPLE[name][2] else 403
    assert web_client.post(checkins_url(world), data=date_data("held_on", date(2025, 11, 3))).status_code == refused
    assert row_counts(web_app) == before


def test_the_manager_records_a_check_in_with_notes(web_app, web_client, world):
    sign_in(web_client, world, "manager")
    before = row_counts(web_app)

    page = web_client.get(checkins_url(world)).get_data(as_text=True)
    response = web_client.post(
        checkins_url(world), data={**date_data("held_on", date(2025, 11, 3)), "notes": "  Settling in well.\nWants rota training.  "}
    )

    assert 'id="record"' in page and "held_on-day" in page
    assert response.status_code == 302 and response.headers["Location"] == checkins_url(world)
    after = row_counts(web_app)
    assert (after["checkins"], after["audit_events"]) == (before["checkins"] + 1, before["audit_events"] + 1)
    with web_app.app_context():
        checkin = db.session.scalars(select(Checkin)).one()
        assert (checkin.person_id, checkin.held_on, checkin.recorded_by_id) == (world.person["staff"], date(2025, 11, 3), world.account["manager"])
        assert checkin.notes == "Settling in well.\nWants rota training."
    event = latest_event(web_app)
    assert (event.action, event.record_type, event.record_id, event.person_id, event.account_id) == (
        "checkin", "checkins", checkin.id, world.person["staff"], world.account["manager"]
    )
    assert event.detail == {"held_on": "2025-11-03"}
    html = web_client.get(checkins_url(world)).get_data(as_text=True)
    assert "Check-in on 3 November 2025 recorded: it completes the 1-month check-in. Staff is asked to review their self-assessment." in html
    assert ["1-month check-in", "1 April 2025", "Done held on 3 November 2025"] in cells(html)
    assert ["3 November 2025", "Settling in well. Wants rota training.", "Manager"] in cells(html)


def test_a_check_in_beyond_the_sixth_completes_nothing(web_app, web_client, world):
    add_checkins(web_app, world, "staff", *(date(2025, month, 1) for month in range(4, 10)))
    sign_in(web_client, world, "manager")

    response = web_client.post(checkins_url(world), data=date_data("held_on", date(2025, 11, 10)), follow_redirects=True)

    assert "it completes no check-in left in the schedule" in response.get_data(as_text=True)


def test_someone_past_two_years_in_role_has_no_schedule(web_app, web_client, world):
    set_start(web_app, world, "staff", date(2020, 1, 1))
    sign_in(web_client, world, "manager")

    html = web_client.get(checkins_url(world)).get_data(as_text=True)

    assert "No check-ins are scheduled: Staff has been in role for more than two years." in html
    assert "No check-ins have been recorded yet." in html


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({}, "held_on-day", "Enter the date of the check-in"),
        ({"day": "3", "year": "2025"}, "held_on-month", "The date of the check-in must include a month"),
        ({"month": "11"}, "held_on-day", "The date of the check-in must include a day and year"),
        ({"day": "3", "month": "Nov", "year": "2025"}, "held_on-month", "The date of the check-in must be a real date, like 3 3 2026"),
        ({"day": "3", "month": "11", "year": "25"}, "held_on-year", "The date of the check-in must be a real date, like 3 3 2026"),
        ({"day": "31", "month": "9", "year": "2025"}, "held_on-day", "The date of the check-in must be a real date, like 3 3 2026"),
        ({"day": "11", "month": "11", "year": "2025"}, "held_on-day", "The date of the check-in must be today or in the past"),
        (
            {"day": "28", "month": "2", "year": "2025"},
            "held_on-day",
            "The date of the check-in must be on or after 1 March 2025, when Staff started in role",
        ),
    ],
)
def test_a_wrong_date_is_explained_and_nothing_is_saved(web_app, web_client, world, typed, field, message):
    sign_in(web_client, world, "manager")
    before = row_counts(web_app)

    response = web_client.post(checkins_url(world), data={**date_data("held_on", **typed), "notes": "Kept on error"})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert html.count(message) == 2  # in the summary and at the field
    assert f'href="#{field}"' in html
    assert "<title>Error: Check-ins: Staff – planner</title>" in html
    assert "Kept on error" in html
    for part, value in typed.items():
        assert f'name="held_on-{part}" type="text" value="{value}"' in html
    assert row_counts(web_app) == before


def test_notes_longer_than_4000_characters_are_refused(web_app, web_client, world):
    sign_in(web_client, world, "manager")
    before = row_counts(web_app)

    response = web_client.post(checkins_url(world), data={**date_data("held_on", date(2025, 11, 3)), "notes": "x" * 4001})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert html.count("Notes must be 4,000 characters or fewer") == 2
    assert 'href="#notes"' in html
    assert 'name="held_on-day" type="text" value="3"' in html
    assert row_counts(web_app) == before


# The invitation to review the self-assessment ------------------------------------------------

INVITATION = "Your manager checked in with you on 3 November 2025 and asks you to review your self-assessment"


def test_a_check_in_invites_the_person_until_they_rate_themselves_again(web_app, web_client, world):
    manager = web_app.test_client()
    sign_in(manager, world, "manager")
    sign_in(web_client, world, "staff")
    home = f"/people/{world.person['staff']}"
    assert INVITATION not in web_client.get(home).get_data(as_text=True)

    manager.post(checkins_url(world), data=date_data("held_on", date(2025, 11, 3)))

    html = web_client.get(home).get_data(as_text=True)
    assert INVITATION in html
    assert f'href="/people/{world.person["staff"]}/assessment">Review your self-assessment' in html
    assert INVITATION not in manager.get(home).get_data(as_text=True)  # it is for the person only

    rated = web_client.post(f"/people/{world.person['staff']}/assessment/ROT", data={level_name("ROT-01"): "2"})

    assert rated.status_code == 302
    assert INVITATION not in web_client.get(home).get_data(as_text=True)


def test_a_later_check_in_invites_again(web_app, web_client, world):
    add_checkins(web_app, world, "staff", date(2025, 4, 3))
    web_client_manager = web_app.test_client()
    sign_in(web_client, world, "staff")
    web_client.post(f"/people/{world.person['staff']}/assessment/ROT", data={level_name("ROT-01"): "1"})
    assert "Your manager checked in" not in web_client.get("/me", follow_redirects=True).get_data(as_text=True)

    sign_in(web_client_manager, world, "manager")
    web_client_manager.post(checkins_url(world), data=date_data("held_on", date(2025, 11, 3)))

    assert INVITATION in web_client.get("/me", follow_redirects=True).get_data(as_text=True)


# The retention flag and check-in counts on the team list -------------------------------------


def test_the_team_list_flags_someone_new_without_training_and_counts_check_ins(web_app, web_client, world):
    add_training(web_app, world, "peer", "T01", date(2025, 9, 10))  # two months ago
    sign_in(web_client, world, "manager")

    html = web_client.get("/teams").get_data(as_text=True)

    rows = table_rows(html)
    assert rows["Staff"][-1] == (
        "Retention At risk of leaving No training recorded since starting in role on 1 March 2025. Training records of Staff"
    )
    assert rows["Peer"][-1] == "Retention Not flagged"
    assert 'class="nhsuk-tag nhsuk-tag--red"' in html
    assert f'href="/people/{world.person["staff"]}/training"' in html
    team = {title: text for _, title, text in outline(html)}["Team A1, Trust A"]
    # Both started on 1 March 2025 with no check-in held: the 1-, 3- and 6-month ones are overdue.
    assert team.startswith("Check-ins with people new in role: 6 overdue and 0 due. See the check-ins of the teams you manage")
    assert 'href="/teams/checkins"' in html


def test_the_team_list_says_when_no_check_in_is_overdue_or_due(web_app, web_client, world):
    for name in ("staff", "peer"):
        set_start(web_app, world, name, date(2020, 1, 1))
    sign_in(web_client, world, "manager")

    html = web_client.get("/teams").get_data(as_text=True)

    team = {title: text for _, title, text in outline(html)}["Team A1, Trust A"]
    assert team.startswith("Check-ins with people new in role: none overdue or due.")
    assert table_rows(html)["Staff"][-1] == "Retention Not flagged"


# Links from the home page --------------------------------------------------------------------


def test_the_home_page_links_to_check_ins_and_training(web_client, world):
    sign_in(web_client, world, "manager")
    theirs = {title: text for _, title, text in outline(web_client.get(f"/people/{world.person['staff']}").get_data(as_text=True))}
    sign_in(web_client, world, "staff")
    mine = {title: text for _, title, text in outline(web_client.get("/me", follow_redirects=True).get_data(as_text=True))}

    assert "See Staff's check-ins or record one." in theirs["Next actions"]
    assert "Record training Staff has completed." in theirs["Next actions"]
    assert "See your check-ins with your manager." in mine["Next actions"]
    assert "Record training you have completed." in mine["Next actions"]
