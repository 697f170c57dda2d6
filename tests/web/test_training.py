"""Training records with hours and evidence, the self-ratings completing a module proposes, and
protected learning time on the training page, the staff home and the manager's team list."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

import planner.web.checkins
import planner.web.manager
import planner.web.staff
import planner.web.training
from planner.db import db
from planner.models import AuditEvent, Person, Rating, TrainingRecord, current_levels, ratings_of
from tests.web.conftest import row_counts, sign_in
from tests.web.pages import outline
from tests.web.test_checkins import cells, date_data
from tests.web.test_manager import table_rows

TODAY = date(2025, 11, 10)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    for module in (planner.web.checkins, planner.web.manager, planner.web.staff, planner.web.training):
        monkeypatch.setattr(module, "today", lambda: TODAY)


def training_url(world, name="staff") -> str:
    return f"/people/{world.person[name]}/training"


def add_training(app, world, name: str, module: str, completed: date, hours: float | None = None, **fields) -> None:
    """A training record of ``name``'s, recorded by themselves; without hours, as records kept before hours were."""
    with app.app_context():
        db.session.add(
            TrainingRecord(
                person_id=world.person[name], module_id=module, completed_on=completed, hours=hours,
                recorded_by_id=world.account[name], **fields,
            )
        )
        db.session.commit()


def validate_rating(app, world, name: str, competency: str, level: int) -> None:
    """A level of ``name``'s validated by their manager a day ago."""
    with app.app_context():
        db.session.add(
            Rating(
                person_id=world.person[name], competency_id=competency, level=level, rater="manager",
                rated_by_id=world.person["manager"], created_at=datetime(2025, 11, 9, 9, 0),
            )
        )
        db.session.commit()


def ratings(app, world, name="staff") -> list[tuple[str, int, str, str]]:
    with app.app_context():
        query = select(Rating).where(Rating.person_id == world.person[name]).order_by(Rating.id)
        return [(r.competency_id, r.level, r.rater, r.evidence) for r in db.session.scalars(query)]


def events(app, since: int) -> list[AuditEvent]:
    with app.app_context():
        # Read events (pages shown) are left out: these tests are about what was written.
        query = select(AuditEvent).where(AuditEvent.id > since, AuditEvent.action != "read")
        found = list(db.session.scalars(query.order_by(AuditEvent.id)))
        db.session.expunge_all()
        return found


def last_event_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0


def training(module="T02", on=date(2025, 9, 10), hours="6.5", evidence="Certificate from the regional network, 10 Sep") -> dict:
    return {"module": module, **date_data("completed_on", on), "hours": hours, "evidence": evidence}


# Recording training --------------------------------------------------------------------------


def test_a_person_records_training_with_hours_and_evidence_and_proposes_the_level_it_raises(web_app, web_client, world):
    sign_in(web_client, world, "staff")
    before, since = row_counts(web_app), last_event_id(web_app)

    page = web_client.get(training_url(world))
    response = web_client.post(training_url(world), data=training())

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert [title for tag, title, _ in outline(html) if tag in ("h1", "h2")] == [
        "My training records", "Completed modules (0)", "Protected learning time", "Record training completed"
    ]
    assert "No training has been recorded yet." in html
    assert '<option value="T01"' in html and "Rota rules essentials (6 hours)</option>" in html
    assert response.status_code == 302 and response.headers["Location"] == training_url(world)
    after = row_counts(web_app)
    assert (after["training_records"], after["ratings"]) == (before["training_records"] + 1, before["ratings"] + 1)
    with web_app.app_context():
        record = db.session.scalars(select(TrainingRecord)).one()
        assert (record.module_id, record.completed_on, record.hours, record.evidence, record.source, record.recorded_by_id) == (
            "T02", date(2025, 9, 10), 6.5, "Certificate from the regional network, 10 Sep", "recorded", world.account["staff"]
        )
        record_id = record.id
    assert ratings(web_app, world) == [
        ("ROT-02", 3, "self", "Proposed on completing Rota design workshop on 10 September 2025, recorded by Staff.")
    ]
    logged = [(e.action, e.record_type, e.person_id, e.account_id) for e in events(web_app, since)]
    assert logged == [
        ("training_record", "training_records", world.person["staff"], world.account["staff"]),
        ("self_rating", "ratings", world.person["staff"], world.account["staff"]),
    ]
    record_event, rating_event = events(web_app, since)
    assert record_event.detail == {"module": "T02", "completed_on": "2025-09-10", "hours": 6.5, "source": "recorded"}
    assert rating_event.detail == {"competency": "ROT-02", "level": 3, "previous": None, "training_record": record_id}

    html = web_client.get(training_url(world)).get_data(as_text=True)
    assert (
        "Recorded: Rota design workshop, completed on 10 September 2025, 6.5 hours. "
        "Proposed for validation by a manager: Rota design at level 3." in html
    )
    assert ["Module Rota design workshop", "Completed on 10 September 2025", "Hours 6.5",
            "Evidence Certificate from the regional network, 10 Sep", "How and by whom Recorded by Staff"] in cells(html)


def test_hours_left_empty_count_the_modules_hours(web_app, web_client, world):
    sign_in(web_client, world, "staff")

    web_client.post(training_url(world), data=training(module="T01", hours="", evidence=""))

    with web_app.app_context():
        record = db.session.scalars(select(TrainingRecord)).one()
        assert (record.hours, record.evidence) == (6.0, "")
    html = web_client.get(training_url(world)).get_data(as_text=True)
    assert "Recorded: Rota rules essentials, completed on 10 September 2025, 6 hours." in html
    assert "Evidence None given" in " ".join(sum(cells(html), []))


def test_the_managers_record_proposes_a_level_that_awaits_validation_and_counts_once_validated(web_app, web_client, world):
    validate_rating(web_app, world, "staff", "ROT-01", 1)
    sign_in(web_client, world, "manager")

    response = web_client.post(training_url(world), data=training(module="T01", on=TODAY, hours="5"), follow_redirects=True)

    html = response.get_data(as_text=True)
    assert "<h1>Training records: Staff</h1>" in html
    assert "Proposed for validation by a manager: Rota rules at level 3." in html
    assert ratings(web_app, world)[-1] == (
        "ROT-01", 3, "self", "Proposed on completing Rota rules essentials on 10 November 2025, recorded by Manager."
    )
    with web_app.app_context():
        levels = current_levels(ratings_of(db.session.get(Person, world.person["staff"])))
        assert (levels["ROT-01"].level, levels["ROT-01"].pending) == (1, 3)  # awaits: does not count yet

    validate = web_client.get(f"/people/{world.person['staff']}/validate").get_data(as_text=True)
    sections = outline(validate)
    titles = [(tag, title) for tag, title, _ in sections]
    awaiting = titles.index(("h2", "Awaiting validation (1)"))
    assert titles[awaiting + 1] == ("h3", "Rota rules (critical)")
    assert "Their evidence Proposed on completing Rota rules essentials on 10 November 2025" in sections[awaiting + 1][2]

    web_client.post(f"/people/{world.person['staff']}/validate", data={"c_rot_01_decision": "accept"})

    with web_app.app_context():
        levels = current_levels(ratings_of(db.session.get(Person, world.person["staff"])))
        assert (levels["ROT-01"].level, levels["ROT-01"].source, levels["ROT-01"].pending) == (3, "manager", None)


def test_a_level_already_held_or_already_awaiting_is_not_proposed_again(web_app, web_client, world):
    validate_rating(web_app, world, "staff", "ROT-02", 3)
    sign_in(web_client, world, "staff")

    held = web_client.post(training_url(world), data=training(module="T02"), follow_redirects=True)
    web_client.post(training_url(world), data=training(module="T01"), follow_redirects=True)
    again = web_client.post(training_url(world), data=training(module="T01", on=date(2025, 10, 1)), follow_redirects=True)

    assert "Recorded: Rota design workshop" in held.get_data(as_text=True)
    assert "Proposed" not in held.get_data(as_text=True)
    assert "Proposed" not in again.get_data(as_text=True)
    assert [(c, level, rater) for c, level, rater, _ in ratings(web_app, world)] == [
        ("ROT-02", 3, "manager"), ("ROT-01", 3, "self")
    ]
    assert row_counts(web_app)["training_records"] == 3


def test_records_list_hours_source_and_modules_gone_from_the_framework(web_app, web_client, world):
    add_training(web_app, world, "staff", "OLD-9", date(2025, 5, 1))
    add_training(web_app, world, "staff", "T01", date(2025, 6, 1))
    add_training(web_app, world, "staff", "T03", date(2025, 7, 1), hours=2.5, source="imported", evidence="ESR")
    sign_in(web_client, world, "manager")

    html = web_client.get(training_url(world)).get_data(as_text=True)

    rows = [row for row in cells(html) if row and row[0].startswith("Module ")]
    assert rows == [
        ["Module Employment law update", "Completed on 1 July 2025", "Hours 2.5", "Evidence ESR", "How and by whom Imported from ESR by Staff"],
        ["Module Rota rules essentials", "Completed on 1 June 2025", "Hours 6 (the module's hours; none recorded)", "Evidence None given", "How and by whom Recorded by Staff"],
        ["Module OLD-9 (no longer in the framework)", "Completed on 1 May 2025", "Hours Not recorded", "Evidence None given", "How and by whom Recorded by Staff"],
    ]


def test_a_trust_admin_sees_training_but_cannot_record_it(web_app, web_client, world):
    sign_in(web_client, world, "trust_admin")
    before = row_counts(web_app)

    page = web_client.get(training_url(world))
    refused = web_client.post(training_url(world), data=training())

    assert page.status_code == 200 and "Only Staff and their manager can record training." in page.get_data(as_text=True)
    assert "Record training completed" not in page.get_data(as_text=True)
    assert refused.status_code == 403
    assert row_counts(web_app) == before


@pytest.mark.parametrize("name", ["other_manager", "peer", "other_trust"])
def test_training_of_someone_out_of_reach_does_not_exist(web_app, web_client, world, name):
    sign_in(web_client, world, name)
    before = row_counts(web_app)

    assert web_client.get(training_url(world)).status_code == 404
    assert web_client.post(training_url(world), data=training()).status_code == 404
    assert row_counts(web_app) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"module": ""}, "module", "Choose the module completed"),
        ({"module": "X99"}, "module", "Choose one of the framework&#39;s modules"),
        ({"completed_on-day": "", "completed_on-month": "", "completed_on-year": ""}, "completed_on-day", "Enter the date the module was completed"),
        ({"completed_on-day": "11"}, "completed_on-day", "The date the module was completed must be today or in the past"),
        ({"completed_on-day": "31", "completed_on-month": "2"}, "completed_on-day", "The date the module was completed must be a real date, like 3 3 2026"),
        ({"hours": "three"}, "hours", "Enter the hours of learning time as a number, like 3 or 1.5"),
        ({"hours": "0"}, "hours", "The hours of learning time must be more than 0 and at most 2,000"),
        ({"hours": "-2"}, "hours", "The hours of learning time must be more than 0 and at most 2,000"),
        ({"hours": "2000.5"}, "hours", "The hours of learning time must be more than 0 and at most 2,000"),
        ({"evidence": "x" * 1001}, "evidence", "The evidence note must be 1,000 characters or fewer"),
    ],
)
def test_wrong_training_is_explained_and_nothing_is_saved(web_app, web_client, world, changes, field, message):
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)

    response = web_client.post(training_url(world), data={**training(on=date(2025, 11, 10)), **changes})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert html.count(message) == 2
    assert f'href="#{field}"' in html
    assert "<title>Error: My training records – planner</title>" in html
    assert row_counts(web_app) == before


def test_the_most_hours_allowed_are_accepted(web_app, web_client, world):
    sign_in(web_client, world, "staff")

    assert web_client.post(training_url(world), data=training(hours="2000")).status_code == 302


# Protected learning time ---------------------------------------------------------------------


@pytest.fixture
def learning(web_app, world):
    """Staff (4 hours a month): 7 hours in September, an old record of T01 (6 hours) in October,
    one in April (before the months shown); peer (4 hours a month): 1.5 hours this month."""
    add_training(web_app, world, "staff", "T02", date(2025, 9, 10), hours=7)
    add_training(web_app, world, "staff", "T01", date(2025, 10, 31))
    add_training(web_app, world, "staff", "T03", date(2025, 4, 30), hours=3)
    add_training(web_app, world, "peer", "T03", date(2025, 11, 1), hours=1.5)


STAFF_MONTHS = [
    ["Month", "Planned", "Used", "Used against planned"],
    ["May 2025", "4", "0", "4 hours under"],
    ["June 2025", "4", "0", "4 hours under"],
    ["July 2025", "4", "0", "4 hours under"],
    ["August 2025", "4", "0", "4 hours under"],
    ["September 2025", "4", "7", "3 hours over"],
    ["October 2025", "4", "6", "2 hours over"],
    ["November 2025 (this month)", "4", "0", "4 hours under"],
    ["Total", "28", "13", "15 hours under"],
]


LEARNING_COLUMNS = ["Month", "Planned", "Used", "Used against planned"]


def learning_table(html: str) -> list[list[str]]:
    """A person's learning-time table: its header, then each month and the total, without the
    labels a phone shows in each cell."""
    rows = cells(html)
    start = rows.index(LEARNING_COLUMNS)
    body = [[cell.removeprefix(f"{label} ") for cell, label in zip(row, LEARNING_COLUMNS)] for row in rows[start + 1:start + 9]]
    return [rows[start], *body]


def team_learning_rows(html: str) -> dict[str, list[str]]:
    """The rows of the team list's learning-time tables by the person's name (or "Team total")."""
    return {
        row[0].removeprefix("Person ").removesuffix(": training records"): row[1:]
        for row in cells(html) if row and row[0].startswith("Person ")
    }


def test_the_training_page_shows_planned_and_used_hours_month_by_month(web_client, world, learning):
    sign_in(web_client, world, "staff")

    html = web_client.get(training_url(world)).get_data(as_text=True)

    assert learning_table(html) == STAFF_MONTHS
    assert "Over the 7 months from May 2025, 13 hours were used of 28 hours planned: 15 hours under." in " ".join(html.split())


def test_the_staff_home_shows_the_persons_learning_time(web_client, world, learning):
    sign_in(web_client, world, "staff")

    html = web_client.get(f"/people/{world.person['staff']}").get_data(as_text=True)

    assert learning_table(html) == STAFF_MONTHS
    sections = {title: text for _, title, text in outline(html)}
    assert sections["Protected learning time"].startswith("You have 4 hours of protected learning time a month.")
    assert f'href="/people/{world.person["staff"]}/training"' in html


def test_the_team_list_shows_learning_time_per_person_and_for_the_team(web_client, world, learning):
    sign_in(web_client, world, "manager")

    html = web_client.get("/teams").get_data(as_text=True)

    rows = team_learning_rows(html)
    assert rows["Staff"] == ["This month 0 of 4 hours used 4 hours under", "August to October 2025 13 of 12 hours used 1 hour over"]
    assert rows["Peer"] == ["This month 1.5 of 4 hours used 2.5 hours under", "August to October 2025 0 of 12 hours used 12 hours under"]
    assert rows["Team total"] == ["This month 1.5 of 8 hours used 6.5 hours under", "August to October 2025 13 of 24 hours used 11 hours under"]
    assert "Protected learning time in Team A1: hours used of hours planned" in html
    assert set(table_rows(html)) >= {"Staff", "Peer"}  # the members' table keeps its rows
