"""Requests at the same moment: plans end agreed by both sides, and saves never clash on a version.

These need PostgreSQL, whose row locks the views take (SQLite runs one writer at a time anyway);
they run when PLANNER_TEST_DATABASE_URL is set, as in CI.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from planner.db import db
from planner.models import Plan
from tests.conftest import TEST_DATABASE_URL
from tests.web.conftest import sign_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL: set PLANNER_TEST_DATABASE_URL"),
]


def at_once(calls) -> list:
    """Run the calls in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_staff_and_manager_agreeing_at_once_leave_the_plan_agreed(web_app, world):
    staff, manager = web_app.test_client(), web_app.test_client()
    sign_in(staff, world, "staff")
    sign_in(manager, world, "manager")
    for attempt in range(5):
        response = staff.post(f"/people/{world.person['staff']}/plans", data={"target": "lead", "route": "0"})
        plan_id = int(response.headers["Location"].rsplit("/", 1)[1])
        with web_app.app_context():
            seen = {"made_at": db.session.get(Plan, plan_id).created_at.isoformat()}
        statuses = at_once([lambda c=client: c.post(f"/plans/{plan_id}/agree", data=seen) for client in (staff, manager)])
        assert [r.status_code for r in statuses] == [302, 302]
        with web_app.app_context():
            row = db.session.get(Plan, plan_id)
            assert (row.status, bool(row.staff_agreed_at), bool(row.manager_agreed_at)) == ("agreed", True, True), attempt


def test_saving_plans_at_once_never_clashes_on_a_version(web_app, world):
    clients = [web_app.test_client() for _ in range(4)]
    for client in clients:
        sign_in(client, world, "staff")
    url = f"/people/{world.person['staff']}/plans"
    responses = at_once([lambda c=c: c.post(url, data={"target": "lead", "route": "0"}) for c in clients])
    assert [r.status_code for r in responses] == [302] * 4
    with web_app.app_context():
        versions = list(db.session.scalars(select(Plan.version).where(Plan.person_id == world.person["staff"])))
    assert versions == [1]  # the first save made the draft; the others made it again
