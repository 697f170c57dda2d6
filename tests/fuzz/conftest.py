"""The fuzz suite's world: an app with CSRF protection on, the test world with something in it for
every form to act on, signed-in clients, and a fingerprint of every row to show that a refused
request changed nothing.

Hypothesis profile ``ci`` sets how hard each form is fuzzed; every test here uses it, so
``make test`` (what CI runs) fuzzes each form with ``max_examples`` examples.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from jinja2 import BytecodeCache
from werkzeug.datastructures import MultiDict

from planner import create_app
from tests.web.conftest import PASSWORD, build_world

EXAMPLES_PER_FORM = 200
EXAMPLES_PER_ROUTE = 40

settings.register_profile(
    "ci",
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,
    # The world is made once per test and shared by its examples on purpose: rebuilding it for
    # each example would take minutes.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    # Fuzzing is about finding new failures; a run that repeats the saved ones is `pytest --hypothesis-seed`.
    database=None,
    print_blob=True,
)
CI = settings.get_profile("ci")


class CompiledTemplates(BytecodeCache):
    """Templates compiled once for all the apps of a run: each fuzz test has an app of its own, and
    compiling the NHS.UK templates again for each would take seconds a test."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def fuzz_config(database_url: str, tmp_path) -> dict:
    """Settings for a fuzzed app: the small framework with the quiz, CSRF on (as in production), no
    sign-in limit, print jobs run before the page answers so no thread changes the database
    behind a check."""
    from tests.web.conftest import SMALL
    from tests.web.test_quiz import QUIZ

    framework = tmp_path / "small-with-quiz.yaml"
    framework.write_text(SMALL.read_text() + QUIZ.read_text())
    return {
        "TESTING": True,
        "SECRET_KEY": "fuzz",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PLANNER_FRAMEWORK": str(framework),
        "RATELIMIT_ENABLED": False,
        "PLANNER_JOBS_MODE": "inline",
        "PLANNER_PRINT_JOBS_DIR": str(tmp_path / "print-jobs"),
    }


def make_fuzz_app(database_url: str, tmp_path):
    """An app with its tables and the seeded world; ``app.world`` is the world."""
    from tests.web.test_qualifications import with_qualifications

    app = create_app(fuzz_config(database_url, tmp_path))
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    app.extensions["planner_framework"] = with_qualifications(app.extensions["planner_framework"])
    reset_world(app)
    if database_url.startswith("sqlite:///"):
        app.seeded_copy = Path(database_url.removeprefix("sqlite:///")).read_bytes()
    return app


def reset_world(app) -> None:
    """Empty the app's database and put the seeded world in it again (on SQLite, by putting back
    the file as it was once seeded: quicker by far)."""
    from planner.db import db

    with app.app_context():
        if getattr(app, "seeded_copy", None):
            db.engine.dispose()
            Path(db.engine.url.database).write_bytes(app.seeded_copy)
            return
        db.drop_all()
        db.create_all()
        app.world = build_world(app.extensions["planner_framework"])
        seed(app.world)
    make_plan(app, "staff")


def make_plan(app, name: str) -> None:
    """Make ``name`` a plan the way they would: the plans page's form, submitted as it is."""
    from tests.fuzz.html_forms import read_page

    client = signed_in_client(app, name)
    url = f"/people/{app.world.person[name]}/plans"
    form = next(f for f in read_page(client.get(url).get_data(as_text=True)).forms if f.method == "post")
    response = client.post(form.action or url, data=MultiDict(form.as_rendered()))
    assert response.status_code == 302, f"making a plan for {name} failed: {response.status_code}"


def seed(world) -> None:
    """Give every form something to act on: ratings awaiting validation, a mentor's offer and a
    request, a secondment with interest, a failed print job, a qualification, a target role and a
    restricted record. (A plan is made through the app, by ``make_plan``.)"""
    from planner.db import db
    from planner.models import (
        MentorOffer,
        MentorRequest,
        PrintJob,
        ProfessionalQualification,
        Rating,
        SecondmentInterest,
        SecondmentOpportunity,
    )

    from planner.models import Person

    staff, peer = world.person["staff"], world.person["peer"]
    db.session.get(Person, staff).target_role_id = "lead"
    restricted = db.session.get(Person, world.person["other_team"])
    restricted.restricted_at, restricted.restriction_reason = datetime(2026, 1, 5), "They asked for it while a complaint is open"
    for person, levels in ((staff, {"ROT-01": 1, "ROT-02": 2}), (peer, {"ROT-01": 4, "ROT-02": 3, "HRF-01": 3})):
        for competency, level in levels.items():
            db.session.add(Rating(person_id=person, competency_id=competency, level=level, rater="self", rated_by_id=person))
    db.session.add(MentorOffer(person_id=peer, competency_id="ROT-01"))
    db.session.add(MentorRequest(seeker_id=staff, mentor_id=peer, competency_id="ROT-01", message="Please"))
    opportunity = SecondmentOpportunity(
        host_team_id=world.team["A2"], role_id="lead", title="Acting lead", description="Cover a lead",
        starts_on=date.today() + timedelta(days=120), months=6, fte=0.6, places=2, develops={"ROT-02": 3},
        status="open", posted_by_id=world.account["trust_admin"],
    )
    db.session.add(opportunity)
    db.session.flush()
    db.session.add(SecondmentInterest(opportunity_id=opportunity.id, person_id=staff, note="Keen"))
    db.session.add(PrintJob(account_id=world.account["manager"], team_id=world.team["A1"], format="pdf", status="failed",
                            error="The renderer stopped."))
    db.session.add(ProfessionalQualification(person_id=staff, qualification_id="cipd_l3", awarded_on=date(2024, 6, 1),
                                             recorded_by_id=world.account["manager"]))
    db.session.commit()


@pytest.fixture
def fuzz_app(database_url, tmp_path):
    app = make_fuzz_app(database_url, tmp_path)
    yield app
    with app.app_context():
        from planner.db import db

        db.engine.dispose()


def signed_in_client(app, name: str | None):
    """A test client signed in as ``name`` of the world (anonymous when None)."""
    client = app.test_client()
    if name is None:
        return client
    from tests.fuzz.html_forms import read_page

    page = read_page(client.get("/sign-in").get_data(as_text=True))
    token = next(f.fields["csrf_token"].value for f in page.forms if "csrf_token" in f.fields)
    response = client.post("/sign-in", data={"email": app.world.email(name), "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, f"{name} could not sign in: {response.status_code}"
    return client


def fingerprint(app) -> dict[str, str]:
    """A digest of every row of every table, by table: equal fingerprints mean no row was added,
    removed or changed (audited refusals aside)."""
    from sqlalchemy import select

    from planner.db import db

    with app.app_context():
        digests = {}
        for table in db.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            if table.name == "audit_events":
                # A refusal of a page that is not public is audited on purpose (one "refused"
                # event): that is the record of the refusal, not a change the request made.
                query = query.where(table.c.action != "refused")
            rows = db.session.execute(query).all()
            digests[table.name] = hashlib.blake2b(repr(rows).encode(), digest_size=16).hexdigest()
        return digests


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The tables whose rows differ between two fingerprints."""
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
