"""The last place on a secondment, confirmed by two managers at the same moment: exactly one wins.

Two processes, each an app of its own with its own database connections, confirm two different
people for the one place left, released together by a barrier, fifty times over. The database's
unique place number decides; the loser is told the place has just been taken. This needs
PostgreSQL (SQLite runs one writer at a time, so there is no race to lose); it runs when
PLANNER_TEST_DATABASE_URL is set, as in CI.
"""

from __future__ import annotations

import multiprocessing
from datetime import date

import pytest
from sqlalchemy import select

from planner.db import db
from planner.models import Secondment, SecondmentInterest, SecondmentOpportunity
from planner.web.secondments import FULL
from tests.conftest import TEST_DATABASE_URL
from tests.web.conftest import PASSWORD, SMALL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL: set PLANNER_TEST_DATABASE_URL"),
]

ROUNDS = 50
WAIT = 60
"""Seconds any step may wait for the other process before the test fails rather than hangs."""


def confirmer(url: str, email: str, jobs, answers, barrier) -> None:
    """In its own process: sign in as ``email``, then for each (opportunity, person) job wait at the
    barrier, confirm, and answer with the status and the messages the next page would show."""
    from planner import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "race",
            "SQLALCHEMY_DATABASE_URI": url,
            "PLANNER_FRAMEWORK": str(SMALL),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    client = app.test_client()
    client.post("/sign-in", data={"email": email, "password": PASSWORD})
    try:
        while (job := jobs.get(timeout=WAIT)) is not None:
            opportunity_id, person_id = job
            barrier.wait(timeout=WAIT)
            response = client.post(f"/secondments/{opportunity_id}/confirm", data={"person_id": str(person_id)})
            with client.session_transaction() as session:
                messages = [message for _, message in session.pop("_flashes", [])]
            answers.put((response.status_code, messages))
    finally:
        with app.app_context():
            db.engine.dispose()


def test_two_managers_confirming_the_last_place_at_once_leave_exactly_one(web_app, world):
    context = multiprocessing.get_context("spawn")  # a clean interpreter: nothing of this one's connections
    barrier = context.Barrier(2)
    sides = {"manager": "staff", "other_manager": "other_team"}  # each manager confirms their own person
    jobs = {name: context.Queue() for name in sides}
    answers = {name: context.Queue() for name in sides}
    workers = [
        context.Process(target=confirmer, args=(TEST_DATABASE_URL, world.email(name), jobs[name], answers[name], barrier))
        for name in sides
    ]
    for worker in workers:
        worker.start()
    try:
        for attempt in range(ROUNDS):
            with web_app.app_context():
                opportunity = SecondmentOpportunity(
                    host_team_id=world.team["A2"], role_id="lead", title=f"Round {attempt}", starts_on=date(2031, 9, 1),
                    months=6, fte=1.0, places=1, develops={"ROT-02": 3}, posted_by_id=world.account["trust_admin"],
                )
                db.session.add(opportunity)
                db.session.add_all(SecondmentInterest(opportunity=opportunity, person_id=world.person[p]) for p in sides.values())
                db.session.commit()
                opportunity_id = opportunity.id
            for name, person in sides.items():
                jobs[name].put((opportunity_id, world.person[person]))
            got = {name: answers[name].get(timeout=WAIT) for name in sides}

            with web_app.app_context():
                confirmed = db.session.scalars(select(Secondment).where(Secondment.opportunity_id == opportunity_id)).all()
            assert [row.place for row in confirmed] == [1], attempt
            winner = next(name for name, person in sides.items() if world.person[person] == confirmed[0].person_id)
            loser = next(name for name in sides if name != winner)
            assert got[winner][0] == got[loser][0] == 302, (attempt, got)
            assert got[winner][1][0].startswith("Confirmed: "), (attempt, got)
            assert got[loser][1] == [FULL], (attempt, got)
    finally:
        for name in sides:
            jobs[name].put(None)
        for worker in workers:
            worker.join(timeout=WAIT)
    assert [worker.exitcode for worker in workers] == [0, 0]
