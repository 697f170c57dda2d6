"""Training needs in aggregate: a trust of 10,000 people, its figures beside bare SQL GROUP BYs.

Run from the repository root::

    python bench/insight.py              # SQLite (a temporary file), then PostgreSQL
    python bench/insight.py --quick      # 2,000 people and fewer repeats
    python bench/insight.py --sqlite-only

PostgreSQL is the database named by ``PLANNER_BENCH_DATABASE_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). EVERY TABLE IN IT IS DROPPED, before and
after the run, as the tests do. When it cannot be reached the run says so and skips it.

What it measures
----------------
One region, one ICS and one trust of 10,000 people in teams of about 25, on the default framework,
with roles in the same proportions as the demo's trusts. Each person rates themselves on 70-90%
of what their role requires (levels around the requirement: mostly met, some short by 1 or 2,
some above), and for about half of them a manager validates 5 to 12 of those levels, sometimes a
level lower: about 40-60 ratings a person, inserted with bulk Core inserts.

1. The write side: filling the stored needs of all 10,000 people (``refresh_needs``: their
   ratings read in batches, each person's analysis by the core, bulk inserts), in people per
   second. This is the cost every rating, new person or change of role pays for one person.
2. The read side: ``training_needs`` for the trust - the check that nobody's stored needs are
   stale, then every figure the page shows (head counts, gaps by competency and size, module
   demand with trusts, readiness bands by role, the heatmap of teams by domain) assembled into
   dataclasses - the median of several calls.
   Floor: the same figures as bare SQL text, one GROUP BY per figure over the same tables with
   the same joins, run on the raw connection and fetched, with no staleness check and nothing
   built from the rows. Both sides are timed alternately in the same run.
   Goal: ``training_needs`` <= 1.5x the floor.
   The tables are analysed (``ANALYZE``) before timing, as PostgreSQL's autovacuum would after
   so many inserts, so that both sides run with the planner's statistics.
   Reference line: the single GROUP BY of gaps by competency (the first figure alone), to show
   what one aggregate costs on each database.

How to read it
--------------
Each database prints its write-side rate, then the figure beside its floor with the ratio and
"met" or "MISSED". The machine facts and the total run time come last. Everything is generated
from ``--seed``, so two runs time the same work.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

from bench.core import goal, levels_around, print_machine  # noqa: E402
from planner import create_app  # noqa: E402
from planner.db import db  # noqa: E402
from planner.demo import ROLE_CODES, TRUSTS  # noqa: E402
from planner.insight import find_scope, refresh_needs, training_needs  # noqa: E402
from planner.models import IntegratedCareSystem, Person, Rating, Region, Team, Trust  # noqa: E402

PEOPLE = 10_000
TEAM_SIZE = 25
RATIO_GOAL = 1.5
TODAY = date(2026, 11, 26)
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

# The same figures as training_needs, as bare SQL: one GROUP BY each.
FLOOR_QUERIES = (
    """SELECT count(p.id), count(s.person_id) FILTER (WHERE s.gap_count > 0), coalesce(sum(s.hours), 0)
       FROM people p LEFT JOIN needs_summaries s ON s.person_id = p.id WHERE p.trust_id = :t""",
    """SELECT n.competency_id, n.gap, count(*) FROM person_needs n JOIN people p ON p.id = n.person_id
       WHERE p.trust_id = :t GROUP BY n.competency_id, n.gap""",
    """SELECT m.module_id, p.trust_id, count(*) FROM person_modules m JOIN people p ON p.id = m.person_id
       WHERE p.trust_id = :t GROUP BY m.module_id, p.trust_id""",
    """SELECT p.role_id, s.readiness, count(*) FROM people p JOIN needs_summaries s ON s.person_id = p.id
       WHERE p.trust_id = :t GROUP BY p.role_id, s.readiness""",
    """SELECT p.team_id, count(*) FROM people p WHERE p.trust_id = :t GROUP BY p.team_id""",
    """SELECT team_id, domain_id, count(*) FROM (SELECT p.team_id, n.domain_id, n.person_id FROM person_needs n
       JOIN people p ON p.id = n.person_id WHERE p.trust_id = :t GROUP BY p.team_id, n.domain_id, n.person_id) AS d
       GROUP BY team_id, domain_id""",
)
ONE_GROUP_BY = """SELECT n.competency_id, count(*), sum(n.gap) FROM person_needs n JOIN people p ON p.id = n.person_id
                  WHERE p.trust_id = :t GROUP BY n.competency_id"""


def empty(url: str) -> None:
    """Drop every table in the database at ``url`` (as the tests do before each run)."""
    from tests.conftest import empty_database

    empty_database(url)


def role_weights() -> dict[str, int]:
    """How many of each role the demo's trusts have: the synthetic trust keeps the proportions."""
    weights: dict[str, int] = {}
    for _, _, _, teams in TRUSTS:
        for _, members in teams:
            for token in members.replace("+", " ").split():
                code, _, count = token.partition("*")
                if code != "^":
                    weights[ROLE_CODES[code]] = weights.get(ROLE_CODES[code], 0) + int(count or 1)
    return weights


def generate(framework, people: int, seed: int) -> int:
    """Add the trust, its teams, people and ratings with bulk inserts; how many ratings."""
    rng = random.Random(seed)
    session = db.session
    region = Region(name="Bench region")
    system = IntegratedCareSystem(name="Bench ICS", region=region)
    trust = Trust(name="Bench Trust", system=system)
    teams = [Team(name=f"Team {n:03}", trust=trust) for n in range(-(-people // TEAM_SIZE))]
    session.add_all(teams)
    session.flush()
    weights = role_weights()
    roles = rng.choices(sorted(weights), weights=[weights[r] for r in sorted(weights)], k=people)
    start = date(2020, 1, 1)
    person_rows = [
        dict(
            name=f"Person {n}", email=f"person{n}@bench.example", trust_id=trust.id, team_id=teams[n // TEAM_SIZE].id,
            role_id=role_id, band=framework.role[role_id].band, started_in_role=start + timedelta(days=rng.randint(0, 2000)),
            protected_hours=4.0, mentor_opt_in=False, shares_tasks=False,
        )
        for n, role_id in enumerate(roles)
    ]
    session.execute(insert(Person.__table__), person_rows)
    ids = [row[0] for row in session.execute(text("SELECT id FROM people ORDER BY id"))]
    rated_at = datetime(2026, 9, 1, 9, 0)
    rating_rows = []
    for person_id, role_id in zip(ids, roles):
        requires = framework.role[role_id].requires
        chosen = dict(rng.sample(sorted(requires.items()), k=round(len(requires) * rng.uniform(0.7, 0.9))))
        levels = levels_around(rng, chosen, framework.max_level)
        for step, competency_id in enumerate(sorted(chosen)):
            rating_rows.append(dict(person_id=person_id, competency_id=competency_id, level=levels.get(competency_id, 0),
                                    rater="self", rated_by_id=person_id, evidence="", created_at=rated_at + timedelta(minutes=step)))
        if rng.random() < 0.5:
            manager = rng.choice(ids)
            for step, competency_id in enumerate(sorted(rng.sample(sorted(chosen), k=min(len(chosen), rng.randint(5, 12))))):
                level = max(0, levels.get(competency_id, 0) - (rng.random() < 0.25))
                rating_rows.append(dict(person_id=person_id, competency_id=competency_id, level=level, rater="manager",
                                        rated_by_id=manager, evidence="", created_at=rated_at + timedelta(days=10, minutes=step)))
    for first in range(0, len(rating_rows), 20_000):
        session.execute(insert(Rating.__table__), rating_rows[first : first + 20_000])
    session.commit()
    return len(rating_rows)


def floor(connection, queries, trust_id: int) -> None:
    for query in queries:
        connection.exec_driver_sql(query.replace(":t", str(trust_id))).fetchall()


def run(label: str, url: str, people: int, repeats: int, seed: int) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        framework = app.extensions["planner_framework"]
        started = time.perf_counter()
        ratings = generate(framework, people, seed)
        generated = time.perf_counter() - started
        ids = db.session.scalars(db.select(Person.id)).all()
        started = time.perf_counter()
        refresh_needs(framework, ids)
        db.session.commit()
        written = time.perf_counter() - started
        # Statistics for the query planner, as PostgreSQL's autovacuum would gather after so many
        # inserts (and as SQLite keeps once analysed): both sides below run with them.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        trust_id = db.session.scalar(db.select(Trust.id))
        scope = find_scope("trust", trust_id)
        figures = training_needs(framework, scope)  # warm up both sides once
        connection = db.session.connection()
        floor(connection, FLOOR_QUERIES, trust_id)
        core_ms, floor_ms, one_ms = [], [], []
        for index in range(repeats):
            sides = ("needs", "floor", "one") if index % 2 == 0 else ("one", "floor", "needs")
            for side in sides:
                start = time.perf_counter()
                if side == "needs":
                    training_needs(framework, scope)
                elif side == "floor":
                    floor(connection, FLOOR_QUERIES, trust_id)
                else:
                    floor(connection, (ONE_GROUP_BY,), trust_id)
                elapsed = (time.perf_counter() - start) * 1000
                {"needs": core_ms, "floor": floor_ms, "one": one_ms}[side].append(elapsed)
        db.session.rollback()
        db.engine.dispose()
    needs, bare, one = statistics.median(core_ms), statistics.median(floor_ms), statistics.median(one_ms)
    ratio = needs / bare
    print(f"{label}: one trust of {people:,} people, {ratings:,} ratings (generated and inserted in {generated:.1f} s)")
    print(f"  {'stored needs filled (write side)':<44} {written:8.1f} s    ({people / written:,.0f} people/s)")
    print(
        f"  {'training_needs for the trust':<44} {needs:8.1f} ms   (median of {repeats}; "
        f"{len(figures.competencies)} competencies, {len(figures.modules)} modules, {figures.people_with_gaps:,} people with gaps)"
    )
    print(f"  {'floor: the same figures by bare GROUP BYs':<44} {bare:8.1f} ms   ({len(FLOOR_QUERIES)} queries, rows fetched)")
    print(f"  {'ratio':<44} {ratio:8.2f}x     goal <= {RATIO_GOAL:g}x: {goal(ratio <= RATIO_GOAL)}")
    print(f"  {'reference: one GROUP BY, gaps by competency':<44} {one:8.1f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="2,000 people and 3 repeats instead of 10,000 and 9")
    parser.add_argument("--seed", type=int, default=20261126, help="seed for the synthetic trust")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # migrations' and the app's start-up chatter
    started = time.perf_counter()
    people, repeats = (2_000, 3) if args.quick else (PEOPLE, 9)
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", "sqlite:///" + os.path.join(folder, "bench.db"), people, repeats, args.seed)
    if not args.sqlite_only:
        url = os.environ.get("PLANNER_BENCH_DATABASE_URL", PG_DEFAULT)
        try:
            create_engine(url).connect().close()
        except OperationalError as error:
            print(f"PostgreSQL: skipped, {url} cannot be reached ({error.orig.__class__.__name__}).")
        else:
            empty(url)
            try:
                run("PostgreSQL", url, people, repeats, args.seed)
            finally:
                empty(url)
    print_machine(started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
