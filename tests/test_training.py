"""Recording training outside a page, as an import does: nothing committed, each level proposed once;
and the demo's protected learning time."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from planner.db import db
from planner.models import Account, AuditEvent, Person, Rating, TrainingRecord
from planner.training import record_completion
from tests.test_demo import TODAY as DEMO_TODAY
from tests.test_demo import seeded_app  # noqa: F401  (the demo, seeded once for this module)
from tests.web.conftest import build_world, small_config, web_app  # noqa: F401  (the small world)
from tests.web.test_training import learning_table, team_learning_rows


@pytest.fixture
def session(web_app):  # noqa: F811
    """An app context on the small world; what the test leaves uncommitted is rolled back."""
    with web_app.app_context():
        world = build_world(web_app.extensions["planner_framework"])
        yield web_app.extensions["planner_framework"], world
        db.session.rollback()


def people(world):
    return db.session.get(Person, world.person["staff"]), db.session.get(Account, world.account["trust_admin"])


def test_an_import_of_several_completions_proposes_each_level_once_and_commits_nothing(session):
    framework, world = session
    staff, importer = people(world)

    first = record_completion(framework, staff, "T01", date(2025, 6, 1), 6, "", source="imported", recorded_by=importer).record
    again = record_completion(framework, staff, "T01", date(2025, 7, 1), 5, "", source="imported", recorded_by=importer)
    other = record_completion(framework, staff, "T03", date(2025, 8, 1), 3, "ESR", source="imported", recorded_by=importer)

    assert isinstance(first, TrainingRecord) and first.source == "imported" and first.id is not None
    assert (again.proposed, other.proposed) == ({}, {"HRF-01": 3})
    proposed = db.session.scalars(select(Rating).order_by(Rating.id)).all()
    assert [(r.competency_id, r.level, r.rater, r.rated_by_id) for r in proposed] == [
        ("ROT-01", 3, "self", staff.id), ("HRF-01", 3, "self", staff.id)
    ]
    assert proposed[0].evidence == "Proposed on completing Rota rules essentials on 1 June 2025, imported from ESR by Trust Admin."
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["training_record", "self_rating", "training_record", "training_record", "self_rating"]
    assert all(e.account_id == importer.id for e in db.session.scalars(select(AuditEvent)))

    db.session.rollback()

    assert db.session.scalars(select(TrainingRecord)).all() == []
    assert db.session.scalars(select(Rating)).all() == []


def test_an_unknown_source_or_module_is_refused(session):
    framework, world = session
    staff, importer = people(world)

    with pytest.raises(ValueError, match="source must be one of recorded, imported, not 'typed'"):
        record_completion(framework, staff, "T01", date(2025, 6, 1), 6, "", source="typed", recorded_by=importer)
    with pytest.raises(KeyError):
        record_completion(framework, staff, "NOPE", date(2025, 6, 1), 6, "", source="recorded", recorded_by=importer)


# The demo ------------------------------------------------------------------------------------


@pytest.fixture
def demo_client(seeded_app, monkeypatch):
    """A client on the demo data, with the demo's today."""
    import planner.web.manager
    import planner.web.staff
    import planner.web.training

    for module in (planner.web.manager, planner.web.staff, planner.web.training):
        monkeypatch.setattr(module, "today", lambda: DEMO_TODAY)
    app, _ = seeded_app
    return app, app.test_client()


def demo_sign_in(client, login: str) -> None:
    response = client.post("/sign-in", data={"email": f"{login}@demo.example", "password": "demo-password-2026"})
    assert response.status_code == 302


def test_the_demo_staff_home_shows_months_under_and_over_the_protected_hours(demo_client):
    app, client = demo_client
    demo_sign_in(client, "staff")

    html = client.get("/me", follow_redirects=True).get_data(as_text=True)

    assert learning_table(html) == [
        ["Month", "Planned", "Used", "Used against planned"],
        ["November 2025", "3", "0", "3 hours under"],
        ["December 2025", "3", "5", "2 hours over"],
        ["January 2026", "3", "2", "1 hour under"],
        ["February 2026", "3", "0", "3 hours under"],
        ["March 2026", "3", "6", "3 hours over"],
        ["April 2026", "3", "4", "1 hour over"],
        ["May 2026 (this month)", "3", "3", "as planned"],
        ["Total", "21", "20", "1 hour under"],
    ]


def test_the_demo_team_list_adds_up_the_teams_learning_time(demo_client):
    app, client = demo_client
    demo_sign_in(client, "manager")

    html = client.get("/teams").get_data(as_text=True)

    with app.app_context():
        manager = db.session.scalar(select(Person).where(Person.name == "Daniel Okafor"))
        members = [p for p in manager.managed_teams[0].members if p is not manager]
        planned = sum(p.protected_hours for p in members)

        def used(start: date, end: date) -> float:
            hours = select(TrainingRecord.hours).where(
                TrainingRecord.person_id.in_([p.id for p in members]),
                TrainingRecord.completed_on >= start, TrainingRecord.completed_on < end,
            )
            return sum(db.session.scalars(hours))

        this_month_used, before_used = used(date(2026, 5, 1), date(2026, 6, 1)), used(date(2026, 2, 1), date(2026, 5, 1))
    rows = team_learning_rows(html)
    assert rows["Amira Shah"] == ["This month 3 of 3 hours used as planned", "February to April 2026 10 of 9 hours used 1 hour over"]
    this_month, before = rows["Team total"]
    assert this_month.startswith(f"This month {this_month_used:g} of {planned:g} hours used")
    assert before.startswith(f"February to April 2026 {before_used:g} of {3 * planned:g} hours used")
    assert this_month_used > 3, "others in the team trained this month besides the staff demo person"
    words = " ".join(value for row in rows.values() for value in row)
    assert "over" in words and "under" in words
