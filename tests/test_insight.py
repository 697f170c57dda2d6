"""Training needs in aggregate: the figures equal the sum of each person's own analysis on the demo
data, small counts are suppressed above trust level, and the stored needs follow every change."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from planner import insight
from planner.cli import cli
from planner.core.insight import READINESS_BANDS, suppress_parts
from planner.core.pathways import readiness
from planner.core.tna import choose_modules, find_needs
from planner.db import db
from planner.insight import (
    CompetencyGaps,
    Heatmap,
    HeatmapCell,
    ModuleDemand,
    RoleReadiness,
    Scope,
    TrainingNeeds,
    find_scope,
    refresh_needs,
    refresh_stale,
    training_needs,
)
from planner.models import (
    IntegratedCareSystem,
    Person,
    PersonModule,
    PersonNeed,
    PersonNeedsSummary,
    Rating,
    Region,
    Team,
    Trust,
    person_to_core,
)
from tests.conftest import TEST_DATABASE_URL
from tests.test_demo import TODAY, seeded_app  # noqa: F401  (the demo data, seeded once for this module)
from tests.web.conftest import build_world, small_config, web_app  # noqa: F401  (a small world to change)

# --- the expected figures, worked out person by person with the core alone ----------------------


def analysis_of(framework, person: Person):
    """The person's gaps, modules and readiness for their current role, straight from the core."""
    core_person = person_to_core(person, TODAY)
    requirements = framework.role[person.role_id].requires
    needs = find_needs(framework, core_person.levels, requirements)
    modules = [m for step in choose_modules(framework, needs) for m in step.modules]
    return [n for n in needs if n.gap], modules, readiness(framework, core_person.levels, requirements)


def shown(count, hiding):
    return None if hiding and count < 5 else count


def heatmap_rows(scope: Scope):
    """(kind, [(id, label, members)]) for the organisations one level below ``scope``."""
    if scope.kind == "team":
        team = db.session.get(Team, scope.id)
        return "team", [(team.id, team.name, team.members)]
    if scope.kind == "trust":
        teams = sorted(db.session.get(Trust, scope.id).teams, key=lambda t: (t.name, t.id))
        return "team", [(t.id, t.name, t.members) for t in teams]
    if scope.kind == "all":
        regions = sorted(db.session.scalars(select(Region)), key=lambda r: (r.name, r.id))
        return "region", [(r.id, r.name, [p for s in r.systems for t in s.trusts for p in members_of(t)]) for r in regions]
    systems = [db.session.get(IntegratedCareSystem, scope.id)] if scope.kind == "ics" else db.session.get(Region, scope.id).systems
    trusts = sorted(((s, t) for s in systems for t in s.trusts), key=lambda st: (st[0].name, st[1].name, st[1].id))
    return "trust", [(t.id, f"{t.name} ({s.name})" if scope.kind == "region" else t.name, members_of(t)) for s, t in trusts]


def members_of(trust: Trust):
    return db.session.scalars(select(Person).where(Person.trust_id == trust.id)).all()


def expected_needs(framework, scope: Scope, people: list[Person], hiding: bool | None = None) -> TrainingNeeds:
    """The figures ``training_needs`` must give, added up here from each person's own analysis
    (suppressed as the scope asks, unless ``hiding`` says otherwise)."""
    hiding = scope.suppressing if hiding is None else hiding
    analyses = {p.id: analysis_of(framework, p) for p in people}
    gap_sizes = {c.id: Counter() for c in framework.competencies}
    learners = Counter()
    trusts_of_module = {}
    ready = {r.id: Counter() for r in framework.roles}
    for person in people:
        gaps, modules, percent = analyses[person.id]
        for need in gaps:
            gap_sizes[need.competency][need.gap] += 1
        for module in modules:
            learners[module.id] += 1
            trusts_of_module.setdefault(module.id, set()).add(person.trust_id)
        band = next(label for label, lowest in reversed(READINESS_BANDS) if percent >= lowest)
        ready[person.role_id][band] += 1
    with_gaps = sum(1 for gaps, _, _ in analyses.values() if gaps)
    sizes = tuple(range(1, framework.max_level + 1))
    competencies = tuple(
        CompetencyGaps(
            c.id, c.name, c.domain, c.critical,
            shown(sum(gap_sizes[c.id].values()), hiding),
            None if shown(sum(gap_sizes[c.id].values()), hiding) is None else sum(g * n for g, n in gap_sizes[c.id].items()),
            tuple(zip(sizes, suppress_parts(tuple(gap_sizes[c.id][size] for size in sizes), hiding))),
        )
        for c in framework.competencies
        if gap_sizes[c.id]
    )
    modules = tuple(
        ModuleDemand(
            m.id, m.title, m.mode, m.provider, m.hours,
            shown(learners[m.id], hiding),
            len(trusts_of_module[m.id]),
            None if shown(learners[m.id], hiding) is None else learners[m.id] * m.hours,
        )
        for m in sorted((framework.module[i] for i in learners), key=lambda m: (-learners[m.id], m.id))
    )
    labels = tuple(label for label, _ in READINESS_BANDS)
    roles = tuple(
        RoleReadiness(
            r.id, r.title, shown(sum(ready[r.id].values()), hiding),
            tuple(zip(labels, suppress_parts(tuple(ready[r.id][label] for label in labels), hiding))),
        )
        for r in framework.roles
        if ready[r.id]
    )
    kind, rows = heatmap_rows(scope)
    cells = []
    for organisation_id, _, members in rows:
        for domain in framework.domains:
            count = sum(1 for p in members if any(framework.competency[n.competency].domain == domain.id for n in analyses[p.id][0]))
            cells.append(HeatmapCell(organisation_id, domain.id, shown(count, hiding), None if shown(count, hiding) is None else (count / len(members) if members else 0.0)))
    heatmap = Heatmap(kind, tuple((i, label, shown(len(m), hiding)) for i, label, m in rows), tuple((d.id, d.name) for d in framework.domains), tuple(cells))
    return TrainingNeeds(
        scope=scope,
        suppressing=hiding,
        people=shown(len(people), hiding),
        people_with_gaps=shown(with_gaps, hiding),
        total_hours=None if shown(with_gaps, hiding) is None else float(sum(sum(m.hours for m in modules) for _, modules, _ in analyses.values())),
        competencies=competencies,
        modules=modules,
        readiness=roles,
        heatmap=heatmap,
    )


def every_scope():
    """Every team, trust, ICS and region in the database, and everyone, each with its people."""
    people = db.session.scalars(select(Person).order_by(Person.id)).all()
    trust_system = {t.id: t.system for t in db.session.scalars(select(Trust))}
    scopes = [(find_scope("all", None), people)]
    for kind, model, belongs in (
        ("team", Team, lambda p, i: p.team_id == i),
        ("trust", Trust, lambda p, i: p.trust_id == i),
        ("ics", IntegratedCareSystem, lambda p, i: trust_system[p.trust_id].id == i),
        ("region", Region, lambda p, i: trust_system[p.trust_id].region_id == i),
    ):
        for ident in db.session.scalars(select(model.id).order_by(model.id)):
            scopes.append((find_scope(kind, ident), [p for p in people if belongs(p, ident)]))
    return scopes


# --- on the demo data ---------------------------------------------------------------------------


@pytest.fixture
def demo(seeded_app):  # noqa: F811
    app, _ = seeded_app
    with app.app_context():
        yield app.extensions["planner_framework"]


def test_seeding_the_demo_stores_everyones_needs(demo):
    people = db.session.scalar(select(func.count()).select_from(Person))
    assert db.session.scalar(select(func.count()).select_from(PersonNeedsSummary)) == people
    assert insight.count_stale(demo) == 0


def test_every_scope_of_the_demo_adds_up_each_persons_own_analysis(demo):
    scopes = every_scope()
    assert {scope.kind for scope, _ in scopes} == set(insight.SCOPE_KINDS)
    for scope, people in scopes:
        assert training_needs(demo, scope) == expected_needs(demo, scope, people), scope


def counts_of(figures: TrainingNeeds):
    """Every head count in the figures, in a fixed order: (where, count)."""
    yield "people", figures.people
    yield "with gaps", figures.people_with_gaps
    for c in figures.competencies:
        yield c.competency_id, c.people
        yield from ((f"{c.competency_id} gap {size}", count) for size, count in c.by_size)
    for m in figures.modules:
        yield m.module_id, m.learners
        yield f"{m.module_id} trusts", m.trusts
    for r in figures.readiness:
        yield r.role_id, r.people
        yield from ((f"{r.role_id} {label}", count) for label, count in r.bands)
    yield from ((f"{cell.organisation_id} {cell.domain_id}", cell.people) for cell in figures.heatmap.cells)
    yield from ((f"headcount {i}", count) for i, _, count in figures.heatmap.organisations)


def test_above_trust_level_exactly_the_counts_below_five_are_suppressed(demo):
    suppressed = 0
    for scope, people in every_scope():
        if not scope.suppressing:
            continue
        plain = dict(counts_of(expected_needs(demo, scope, people, hiding=False)))
        for where, count in counts_of(training_needs(demo, scope)):
            if where.endswith(" trusts"):  # counts organisations, not people
                assert count == plain[where], (scope, where)
            elif plain[where] < 5:
                assert count is None, (scope, where)
            elif count is None:  # withheld beside a small part of the same total, so neither shows
                assert " gap " in where or "%" in where, (scope, where)
            else:
                assert count == plain[where], (scope, where)
            suppressed += count is None
    assert suppressed  # the demo's small ICSs have some


def test_team_and_trust_figures_are_never_suppressed(demo):
    for scope, _ in every_scope():
        if scope.kind not in ("team", "trust"):
            continue
        figures = training_needs(demo, scope)
        assert None not in (figures.people, figures.people_with_gaps, figures.total_hours)
        assert all(c.people is not None and None not in dict(c.by_size).values() for c in figures.competencies)
        assert all(m.learners is not None and m.trusts is not None for m in figures.modules)
        assert all(None not in dict(r.bands).values() for r in figures.readiness)
        assert all(cell.people is not None and cell.share is not None for cell in figures.heatmap.cells)


def test_scopes_are_found_by_kind_and_id_with_their_names(demo):
    team = db.session.scalars(select(Team).order_by(Team.id)).first()
    assert find_scope("team", team.id) == Scope("team", team.id, f"{team.name}, {team.trust.name}")
    assert find_scope("trust", team.trust_id).name == team.trust.name
    assert find_scope("all", None) == Scope("all", None, "All organisations")
    assert find_scope("ics", 10**9) is None
    assert find_scope("ward", 1) is None
    assert find_scope("trust", None) is None
    assert [find_scope(kind, 1).suppressing for kind in ("team", "trust", "ics", "region")] == [False, False, True, True]


# --- keeping the stored needs fresh -------------------------------------------------------------
# These come after the demo's tests on purpose: on PostgreSQL each of them empties the one test
# database, which the demo's data lives in.


@pytest.fixture
def world_app(web_app):  # noqa: F811
    """The small world on the small framework: team A1 holds staff and peer (rota) and their manager."""
    with web_app.app_context():
        world = build_world(web_app.extensions["planner_framework"])
        yield web_app.extensions["planner_framework"], world


def team_figures(framework, world, team="A1"):
    return training_needs(framework, find_scope("team", world.team[team]))


def gap_people(figures, competency_id):
    return next((c.people for c in figures.competencies if c.competency_id == competency_id), 0)


def rate(world, name, competency_id, level, rater="self", by=None):
    db.session.add(
        Rating(person_id=world.person[name], competency_id=competency_id, level=level, rater=rater, rated_by_id=world.person[by or name])
    )
    db.session.commit()


def test_a_new_self_rating_and_a_manager_validation_each_change_the_next_figures(world_app):
    framework, world = world_app
    assert gap_people(team_figures(framework, world), "ROT-01") == 3  # staff, peer and their manager
    rate(world, "staff", "ROT-01", 2)
    assert gap_people(team_figures(framework, world), "ROT-01") == 2
    rate(world, "staff", "ROT-01", 1, rater="manager", by="manager")  # the manager's level counts
    assert gap_people(team_figures(framework, world), "ROT-01") == 3
    assert insight.count_stale(framework) == 0


def test_a_change_of_role_and_a_new_person_are_reflected(world_app):
    framework, world = world_app
    staff = db.session.get(Person, world.person["staff"])
    staff.role_id = "admin"
    db.session.add(
        Person(name="New Starter", email="new@trust.nhs.example", trust_id=world.trust["A"], team_id=world.team["A1"],
               role_id="rota", band="4", started_in_role=date(2026, 1, 5))
    )
    db.session.commit()
    figures = team_figures(framework, world)
    assert figures.people == 4
    assert {r.role_id: r.people for r in figures.readiness} == {"admin": 1, "rota": 2, "lead": 1}
    stored = db.session.get(PersonNeedsSummary, world.person["staff"])
    assert stored.role_id == "admin"


def test_nothing_is_refreshed_for_a_rolled_back_rating(world_app):
    framework, world = world_app
    db.session.add(Rating(person_id=world.person["staff"], competency_id="ROT-01", level=3, rater="self", rated_by_id=world.person["staff"]))
    db.session.flush()
    db.session.rollback()
    before = db.session.get(PersonNeedsSummary, world.person["staff"]).refreshed_at
    db.session.commit()
    assert db.session.get(PersonNeedsSummary, world.person["staff"]).refreshed_at == before
    assert gap_people(team_figures(framework, world), "ROT-01") == 3


def test_a_changed_framework_makes_every_stored_summary_stale_and_the_next_figures_use_it(world_app):
    framework, world = world_app
    longer = replace(framework, modules=tuple(replace(m, hours=m.hours + 2) if m.id == "T01" else m for m in framework.modules))
    assert insight.count_stale(longer) == len(world.person)
    figures = team_figures(longer, world)
    t01 = next(m for m in figures.modules if m.module_id == "T01")
    assert (t01.hours, t01.learners, t01.learner_hours) == (8, 3, 24)
    assert db.session.scalar(select(func.sum(PersonModule.hours)).where(PersonModule.module_id == "T01")) == 8 * 3 + 6 * (len(world.person) - 3)
    # Only the team was refreshed on the way; the rest are refreshed on demand.
    assert insight.count_stale(longer) == len(world.person) - 3
    seen = []
    assert refresh_stale(longer, progress=lambda done, total: seen.append((done, total))) == len(world.person) - 3
    assert seen == [(len(world.person) - 3, len(world.person) - 3)]
    assert insight.count_stale(longer) == 0


def test_a_person_whose_role_left_the_framework_is_counted_without_gaps(world_app):
    framework, world = world_app
    db.session.get(Person, world.person["staff"]).role_id = "retired_role"
    db.session.commit()
    stored = db.session.get(PersonNeedsSummary, world.person["staff"])
    assert (stored.role_id, stored.gap_count, stored.hours) == ("retired_role", 0, 0)
    assert db.session.scalar(select(func.count()).select_from(PersonNeed).where(PersonNeed.person_id == stored.person_id)) == 0
    figures = team_figures(framework, world)
    assert figures.people == 3 and figures.people_with_gaps == 2
    assert "retired_role" not in {r.role_id for r in figures.readiness}


def test_refreshing_people_again_replaces_their_rows(world_app):
    framework, world = world_app
    before = db.session.scalar(select(func.count()).select_from(PersonNeed))
    assert refresh_needs(framework, [world.person["staff"], world.person["staff"], world.person["peer"]]) == 2
    assert refresh_needs(framework, []) == 0
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PersonNeed)) == before


def test_the_refresh_command_stores_every_stale_persons_needs(world_app, web_app):  # noqa: F811
    framework, world = world_app
    db.session.execute(PersonNeedsSummary.__table__.delete())
    db.session.commit()
    result = web_app.test_cli_runner().invoke(cli, ["refresh-needs"])
    assert result.exit_code == 0, result.output
    assert f"Refreshed the stored needs of {len(world.person)} people." in result.output
    result = web_app.test_cli_runner().invoke(cli, ["refresh-needs"])
    assert "Everyone's stored needs are up to date." in result.output


@pytest.mark.postgres
@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL: set PLANNER_TEST_DATABASE_URL")
def test_two_transactions_rating_the_same_person_at_once_both_commit_and_both_count(world_app, web_app):  # noqa: F811
    framework, world = world_app
    person_id = world.person["staff"]
    rounds, errors = 5, []
    barrier = threading.Barrier(2)

    def rater(competency_id: str, level: int) -> None:
        try:
            with web_app.app_context():
                # The rating's foreign key holds a share lock on the person until commit, when
                # the refresh locks the person's row for itself: both must get through.
                db.session.add(Rating(person_id=person_id, competency_id=competency_id, level=level, rater="self", rated_by_id=person_id))
                db.session.flush()
                barrier.wait(timeout=30)
                db.session.commit()
        except Exception as error:  # noqa: BLE001  (reported by the test below)
            errors.append(error)
            barrier.abort()

    for level in range(1, rounds + 1):
        threads = [threading.Thread(target=rater, args=(c, min(level, 4))) for c in ("ROT-01", "ROT-02")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors
    db.session.expire_all()
    gaps = db.session.scalars(select(PersonNeed.competency_id).where(PersonNeed.person_id == person_id)).all()
    assert gaps == []  # both ratings at level 4 counted: rota needs ROT-01 and ROT-02 at 2
    assert db.session.get(PersonNeedsSummary, person_id).readiness == 100


def test_an_empty_team_has_no_figures_but_keeps_its_row_in_the_heatmap(world_app):
    framework, world = world_app
    team = Team(name="Team A3", trust_id=world.trust["A"])
    db.session.add(team)
    db.session.commit()
    figures = training_needs(framework, find_scope("team", team.id))
    assert (figures.people, figures.people_with_gaps, figures.total_hours) == (0, 0, 0.0)
    assert figures.competencies == figures.modules == figures.readiness == ()
    assert figures.heatmap.organisations == ((team.id, "Team A3", 0),)
    assert {(cell.people, cell.share) for cell in figures.heatmap.cells} == {(0, 0.0)}


def test_a_small_region_says_fewer_than_five_for_its_small_counts_only(world_app):
    framework, world = world_app
    region = find_scope("region", db.session.scalar(select(Region.id).where(Region.name == "Region A")))
    figures = training_needs(framework, region)
    assert (figures.people, figures.people_with_gaps) == (8, 8) and figures.total_hours > 0
    assert {r.role_id: r.people for r in figures.readiness} == {"admin": None, "rota": None, "lead": 5}
    assert dict(next(r for r in figures.readiness if r.role_id == "lead").bands) == {label: None for label, _ in READINESS_BANDS} | {"Under 50%": 5}
    assert figures.heatmap.organisation_kind == "trust"
    assert figures.heatmap.organisations == ((world.trust["A"], "Trust A (System A)", 8),)
    t01 = next(m for m in figures.modules if m.module_id == "T01")
    assert (t01.learners, t01.trusts, t01.learner_hours) == (8, 1, 48)
