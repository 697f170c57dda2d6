"""Training needs in aggregate: for a team, a trust, an ICS, a region or everyone, how many people
have which gaps, which modules to commission for how many learners, how ready people are for their
roles, and a heatmap of domains by organisation.

The per-person analysis chooses modules by greedy set cover, which SQL cannot do, so each person's
result for their current role is stored (``planner.models.insight``) and the figures here are SQL
GROUP BYs over those rows. The stored rows are kept fresh in the same transaction as every write
that changes them: a new rating, a new person, a change of role (see ``init_app``). A change of
framework is caught by its fingerprint, and ``training_needs`` refreshes anyone out of date first.

Above trust level (ICS, region, everyone) counts below 5 are suppressed, with every figure that
would give them away.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import delete, event, func, insert, or_, select
from sqlalchemy.orm import Session, attributes

from planner.core import framework as core
from planner.core.errors import PlanningError
from planner.core.insight import READINESS_BANDS, NeedsSummary, needs_fingerprint, readiness_band, summarise_needs, suppress, suppress_parts
from planner.db import db
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
    current_levels,
)
from planner.times import utcnow

SCOPE_KINDS = ("team", "trust", "ics", "region", "all")
SUPPRESSING_KINDS = frozenset({"ics", "region", "all"})
BATCH = 500
"""People refreshed per round: one query for their ratings, one insert per table."""
ALL_ORGANISATIONS = "All organisations"
NO_ROLE = NeedsSummary(gaps=(), modules=(), hours=0.0, readiness=0)
"""What is stored for someone whose role is not in the framework."""

BAND_LABELS = tuple(label for label, _ in READINESS_BANDS)
"""The readiness bands' labels, lowest band first."""


@dataclass(frozen=True)
class Scope:
    """The people a view adds up: a team, trust, ICS or region by id, or everyone."""

    kind: str
    id: int | None
    name: str

    @property
    def suppressing(self) -> bool:
        """Whether small counts are withheld: above trust level, where groups are large and mixed."""
        return self.kind in SUPPRESSING_KINDS


@dataclass(frozen=True)
class CompetencyGaps:
    """How many people in scope fall short in one competency, and by how much."""

    competency_id: str
    name: str
    domain_id: str
    critical: bool
    people: int | None
    total_gap: int | None
    by_size: tuple[tuple[int, int | None], ...]


@dataclass(frozen=True)
class ModuleDemand:
    """The commissioning view of one module: its learners in scope and the trusts they work in."""

    module_id: str
    title: str
    mode: str
    provider: str
    hours: float
    learners: int | None
    trusts: int | None
    learner_hours: float | None


@dataclass(frozen=True)
class RoleReadiness:
    """How ready the people in one role are for it, counted by readiness band."""

    role_id: str
    title: str
    people: int | None
    bands: tuple[tuple[str, int | None], ...]


@dataclass(frozen=True)
class HeatmapCell:
    """People of one organisation with at least one gap in one domain, and their share of its headcount."""

    organisation_id: int
    domain_id: str
    people: int | None
    share: float | None


@dataclass(frozen=True)
class Heatmap:
    """Domains by the organisations one level below the scope (the team itself for a team)."""

    organisation_kind: str
    organisations: tuple[tuple[int, str, int | None], ...]
    domains: tuple[tuple[str, str], ...]
    cells: tuple[HeatmapCell, ...]


@dataclass(frozen=True)
class TrainingNeeds:
    """Every aggregate figure for one scope, small counts withheld when ``suppressing``."""

    scope: Scope
    suppressing: bool
    people: int | None
    people_with_gaps: int | None
    total_hours: float | None
    competencies: tuple[CompetencyGaps, ...]
    modules: tuple[ModuleDemand, ...]
    readiness: tuple[RoleReadiness, ...]
    heatmap: Heatmap


# --- scopes -------------------------------------------------------------------------------------


def find_scope(kind: str, ident: int | None) -> Scope | None:
    """The scope of that kind and id with its name, or ``None`` when there is no such organisation."""
    if kind == "all":
        return Scope("all", None, ALL_ORGANISATIONS)
    model = {"team": Team, "trust": Trust, "ics": IntegratedCareSystem, "region": Region}.get(kind)
    if model is None or ident is None:
        return None
    organisation = db.session.get(model, ident)
    if organisation is None:
        return None
    name = f"{organisation.name}, {organisation.trust.name}" if kind == "team" else organisation.name
    return Scope(kind, ident, name)


def _trusts_in(scope: Scope):
    """A subquery of the ids of the trusts in an ICS or region scope."""
    if scope.kind == "ics":
        return select(Trust.id).where(Trust.system_id == scope.id)
    return select(Trust.id).join(IntegratedCareSystem, Trust.system_id == IntegratedCareSystem.id).where(
        IntegratedCareSystem.region_id == scope.id
    )


def _in_scope(scope: Scope):
    """The condition on ``people`` for being in ``scope`` (``None`` for everyone)."""
    if scope.kind == "team":
        return Person.team_id == scope.id
    if scope.kind == "trust":
        return Person.trust_id == scope.id
    if scope.kind in ("ics", "region"):
        return Person.trust_id.in_(_trusts_in(scope))
    return None


def _where(statement, scope: Scope):
    # Erased people keep a pseudonymous row, but count in no figure.
    statement = statement.where(Person.erased_at.is_(None))
    condition = _in_scope(scope)
    return statement if condition is None else statement.where(condition)


# --- keeping the stored needs fresh -------------------------------------------------------------

_FINGERPRINTS: dict[int, tuple[core.Framework, str]] = {}


def fingerprint(framework: core.Framework) -> str:
    """The framework's needs fingerprint, worked out once per loaded framework."""
    known = _FINGERPRINTS.get(id(framework))
    if known is None or known[0] is not framework:
        if len(_FINGERPRINTS) > 16:  # a test run loads many frameworks; keep only recent ones
            _FINGERPRINTS.clear()
        known = _FINGERPRINTS[id(framework)] = (framework, needs_fingerprint(framework))
    return known[1]


def refresh_needs(framework: core.Framework, person_ids: Iterable[int]) -> int:
    """Work out and store the needs of these people afresh, in the current transaction (the caller
    commits); how many were stored.

    Each person's row is locked first (``SELECT ... FOR NO KEY UPDATE`` on PostgreSQL), so two
    transactions refreshing the same person take turns instead of colliding on their keys.
    """
    ids = sorted(set(person_ids))
    stored = 0
    for start in range(0, len(ids), BATCH):
        stored += _refresh_batch(framework, ids[start : start + BATCH])
    return stored


def _refresh_batch(framework: core.Framework, ids: list[int]) -> int:
    session = db.session
    # FOR NO KEY UPDATE (key_share): two refreshes of a person take turns, while a transaction
    # that has just added a rating (whose foreign key holds FOR KEY SHARE on the person) is not
    # blocked; a plain FOR UPDATE would deadlock two such transactions against each other.
    roles = dict(
        session.execute(
            select(Person.id, Person.role_id).where(Person.id.in_(ids)).order_by(Person.id).with_for_update(key_share=True)
        ).all()
    )
    ratings = defaultdict(list)
    for rating in session.execute(
        select(Rating.person_id, Rating.competency_id, Rating.level, Rating.rater, Rating.created_at, Rating.id).where(
            Rating.person_id.in_(ids)
        )
    ):
        ratings[rating.person_id].append(rating)
    for table in (PersonNeed, PersonModule, PersonNeedsSummary):
        session.execute(delete(table).where(table.person_id.in_(ids)))
    digest, now, competency = fingerprint(framework), utcnow(), framework.competency
    summaries, needs, modules = [], [], []
    for person_id, role_id in roles.items():
        levels = {c: held.level for c, held in current_levels(ratings[person_id]).items() if held.level}
        try:
            summary = summarise_needs(framework, core.Person(name="", role=role_id, levels=levels))
        except PlanningError:
            # A role the framework no longer has: nothing can be said about the person's needs
            # until they are given a current role, so they are counted but have no gaps.
            summary = NO_ROLE
        summaries.append(
            dict(
                person_id=person_id,
                fingerprint=digest,
                role_id=role_id,
                readiness=summary.readiness,
                hours=summary.hours,
                gap_count=len(summary.gaps),
                refreshed_at=now,
            )
        )
        needs += [
            dict(
                person_id=person_id,
                competency_id=n.competency,
                domain_id=competency[n.competency].domain,
                current=n.current,
                required=n.required,
                gap=n.gap,
                critical=n.critical,
            )
            for n in summary.gaps
        ]
        modules += [dict(person_id=person_id, module_id=m.id, hours=m.hours) for m in summary.modules]
    for table, rows in ((PersonNeedsSummary, summaries), (PersonNeed, needs), (PersonModule, modules)):
        if rows:
            session.execute(insert(table.__table__), rows)
    return len(summaries)


def _stale(framework: core.Framework, scope: Scope | None):
    """A query of the ids of people whose stored needs are missing or out of date."""
    statement = (
        select(Person.id)
        .outerjoin(PersonNeedsSummary, PersonNeedsSummary.person_id == Person.id)
        .where(
            or_(
                PersonNeedsSummary.person_id.is_(None),
                PersonNeedsSummary.fingerprint != fingerprint(framework),
                PersonNeedsSummary.role_id != Person.role_id,
            )
        )
        .order_by(Person.id)
    )
    return statement.where(Person.erased_at.is_(None)) if scope is None else _where(statement, scope)


def refresh_stale(framework: core.Framework, scope: Scope | None = None, progress: Callable[[int, int], None] | None = None) -> int:
    """Refresh everyone (in ``scope`` when given) whose stored needs are missing or out of date.

    ``progress(done, total)`` is called after each batch. The rows are written in the current
    transaction; the caller commits.
    Returns how many people were refreshed.
    """
    ids = db.session.scalars(_stale(framework, scope)).all()
    done = 0
    for start in range(0, len(ids), BATCH):
        done += _refresh_batch(framework, ids[start : start + BATCH])
        if progress is not None:
            progress(done, len(ids))
    return done


def count_stale(framework: core.Framework) -> int:
    """How many people's stored needs are missing or out of date."""
    return db.session.scalar(select(func.count()).select_from(_stale(framework, None).order_by(None).subquery()))


_PENDING = "planner_needs_pending"


def _collect_changed_people(session: Session, flush_context) -> None:
    # After each flush, note everyone whose needs the flushed rows change: a new rating, a new
    # person, a change of role. They are worked out once, just before the transaction commits.
    pending = session.info.setdefault(_PENDING, set())
    for row in session.new:
        if isinstance(row, Rating):
            pending.add(row.person_id)
        elif isinstance(row, Person):
            pending.add(row.id)
    for row in session.dirty:
        if isinstance(row, Person) and attributes.get_history(row, "role_id").has_changes():
            pending.add(row.id)


def _refresh_before_commit(session: Session) -> None:
    session.flush()
    pending = session.info.pop(_PENDING, None)
    if pending:
        refresh_needs(current_app.extensions["planner_framework"], pending)


def _forget_pending(session: Session, *_) -> None:
    session.info.pop(_PENDING, None)


def init_app(app: Flask) -> None:
    """Keep the stored needs fresh on every commit of the app's database session (registered once)."""
    session_class = db.session.session_factory.class_
    for name, listener in (
        ("after_flush", _collect_changed_people),
        ("before_commit", _refresh_before_commit),
        ("after_rollback", _forget_pending),
    ):
        if not event.contains(session_class, name, listener):
            event.listen(session_class, name, listener)


# --- the aggregates -----------------------------------------------------------------------------


def training_needs(framework: core.Framework, scope: Scope, *, suppressing: bool | None = None) -> TrainingNeeds:
    """Every aggregate figure for ``scope``, after refreshing anyone in it whose stored needs are stale.

    Small counts are withheld when ``suppressing``, which defaults to the scope's own rule (above
    trust level); a caller withholds them at trust or team level too for someone who looks in from
    outside, such as a region lead. The refreshed rows are written in the current transaction: a
    caller that commits keeps them, otherwise they are worked out again next time.
    """
    refresh_stale(framework, scope)
    hiding = scope.suppressing if suppressing is None else suppressing
    session = db.session
    headcount, with_gaps, hours = session.execute(
        _where(
            select(
                func.count(Person.id),
                func.count(PersonNeedsSummary.person_id).filter(PersonNeedsSummary.gap_count > 0),
                func.coalesce(func.sum(PersonNeedsSummary.hours), 0.0),
            ).outerjoin(PersonNeedsSummary, PersonNeedsSummary.person_id == Person.id),
            scope,
        )
    ).one()
    shown_with_gaps = suppress(with_gaps, hiding)
    return TrainingNeeds(
        scope=scope,
        suppressing=hiding,
        people=suppress(headcount, hiding),
        people_with_gaps=shown_with_gaps,
        total_hours=None if shown_with_gaps is None else float(hours),
        competencies=_competency_gaps(framework, scope, hiding),
        modules=_module_demand(framework, scope, hiding),
        readiness=_role_readiness(framework, scope, hiding),
        heatmap=_heatmap(framework, scope, hiding),
    )


def _competency_gaps(framework: core.Framework, scope: Scope, hiding: bool) -> tuple[CompetencyGaps, ...]:
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    rows = db.session.execute(
        _where(
            select(PersonNeed.competency_id, PersonNeed.gap, func.count())
            .join(Person, Person.id == PersonNeed.person_id)
            .group_by(PersonNeed.competency_id, PersonNeed.gap),
            scope,
        )
    )
    for competency_id, gap, people in rows:
        counts[competency_id][gap] = people
    found = []
    gap_sizes = tuple(range(1, framework.max_level + 1))
    for competency in framework.competencies:
        sizes = counts.get(competency.id)
        if not sizes:
            continue
        people = suppress(sum(sizes.values()), hiding)
        found.append(
            CompetencyGaps(
                competency_id=competency.id,
                name=competency.name,
                domain_id=competency.domain,
                critical=competency.critical,
                people=people,
                total_gap=None if people is None else sum(gap * n for gap, n in sizes.items()),
                by_size=tuple(zip(gap_sizes, suppress_parts(tuple(sizes.get(gap, 0) for gap in gap_sizes), hiding))),
            )
        )
    return tuple(found)


def _module_demand(framework: core.Framework, scope: Scope, hiding: bool) -> tuple[ModuleDemand, ...]:
    # Learners by module and trust, one row each, rather than COUNT(DISTINCT trust): a plain
    # GROUP BY is a hash aggregate, about twice as fast as sorting for the distinct count.
    learners: dict[str, int] = defaultdict(int)
    trusts: dict[str, int] = defaultdict(int)
    for module_id, _, count in db.session.execute(
        _where(
            select(PersonModule.module_id, Person.trust_id, func.count())
            .join(Person, Person.id == PersonModule.person_id)
            .group_by(PersonModule.module_id, Person.trust_id),
            scope,
        )
    ):
        learners[module_id] += count
        trusts[module_id] += 1
    found = []
    for module_id in sorted(learners, key=lambda ident: (-learners[ident], ident)):
        module = framework.module[module_id]  # stored rows are refreshed first when the framework changes
        shown = suppress(learners[module_id], hiding)
        found.append(
            ModuleDemand(
                module_id=module.id,
                title=module.title,
                mode=module.mode,
                provider=module.provider,
                hours=module.hours,
                learners=shown,
                # A count of trusts, not of people: withholding it would protect nobody.
                trusts=trusts[module_id],
                learner_hours=None if shown is None else learners[module_id] * module.hours,
            )
        )
    return tuple(found)


def _role_readiness(framework: core.Framework, scope: Scope, hiding: bool) -> tuple[RoleReadiness, ...]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = db.session.execute(
        _where(
            select(Person.role_id, PersonNeedsSummary.readiness, func.count())
            .join(PersonNeedsSummary, PersonNeedsSummary.person_id == Person.id)
            .group_by(Person.role_id, PersonNeedsSummary.readiness),
            scope,
        )
    )
    for role_id, percent, people in rows:
        counts[role_id][readiness_band(percent)] += people
    return tuple(
        RoleReadiness(
            role_id=role.id,
            title=role.title,
            people=suppress(sum(counts[role.id].values()), hiding),
            bands=tuple(zip(BAND_LABELS, suppress_parts(tuple(counts[role.id].get(label, 0) for label in BAND_LABELS), hiding))),
        )
        for role in framework.roles
        if role.id in counts
    )


def _organisations(scope: Scope):
    """The heatmap's rows: (kind, [(id, name)], the people column that places a person in a row).

    Rows are sorted here, not by the database, so that every database gives the same order.
    """
    if scope.kind == "team":
        team = db.session.get(Team, scope.id)
        return "team", [(team.id, team.name)] if team else [], Person.team_id
    if scope.kind == "trust":
        teams = db.session.execute(select(Team.id, Team.name).where(Team.trust_id == scope.id)).all()
        return "team", sorted(((i, name) for i, name in teams), key=lambda row: (row[1], row[0])), Person.team_id
    if scope.kind in ("ics", "region"):
        trusts = db.session.execute(
            select(Trust.id, Trust.name, IntegratedCareSystem.name)
            .join(IntegratedCareSystem, Trust.system_id == IntegratedCareSystem.id)
            .where(Trust.id.in_(_trusts_in(scope)))
        ).all()
        trusts.sort(key=lambda row: (row[2], row[1], row[0]))
        named = [(i, f"{name} ({system})" if scope.kind == "region" else name) for i, name, system in trusts]
        return "trust", named, Person.trust_id
    regions = db.session.execute(select(Region.id, Region.name)).all()
    return "region", sorted(((i, name) for i, name in regions), key=lambda row: (row[1], row[0])), None


def _heatmap(framework: core.Framework, scope: Scope, hiding: bool) -> Heatmap:
    kind, organisations, column = _organisations(scope)
    if column is None:  # regions: people reach theirs through their trust and its ICS
        column = IntegratedCareSystem.region_id

        def placed(statement):
            return statement.join(Trust, Trust.id == Person.trust_id).join(
                IntegratedCareSystem, IntegratedCareSystem.id == Trust.system_id
            )
    else:

        def placed(statement):
            return statement

    headcounts = dict(db.session.execute(_where(placed(select(column, func.count()).select_from(Person)).group_by(column), scope)).all())
    # Each person once per domain they have a gap in, then counted: two plain GROUP BYs, a few
    # times faster than COUNT(DISTINCT person) on both databases.
    gapped = _where(
        placed(
            select(column.label("organisation"), PersonNeed.domain_id, PersonNeed.person_id)
            .select_from(PersonNeed)
            .join(Person, Person.id == PersonNeed.person_id)
        ).group_by(column, PersonNeed.domain_id, PersonNeed.person_id),
        scope,
    ).subquery()
    with_gaps = {
        (organisation, domain): people
        for organisation, domain, people in db.session.execute(
            select(gapped.c.organisation, gapped.c.domain_id, func.count()).group_by(gapped.c.organisation, gapped.c.domain_id)
        )
    }
    cells = []
    for organisation_id, _ in organisations:
        headcount = headcounts.get(organisation_id, 0)
        for domain in framework.domains:
            people = with_gaps.get((organisation_id, domain.id), 0)
            shown = suppress(people, hiding)
            cells.append(
                HeatmapCell(
                    organisation_id=organisation_id,
                    domain_id=domain.id,
                    people=shown,
                    share=None if shown is None else (people / headcount if headcount else 0.0),
                )
            )
    return Heatmap(
        organisation_kind=kind,
        organisations=tuple((i, name, suppress(headcounts.get(i, 0), hiding)) for i, name in organisations),
        domains=tuple((d.id, d.name) for d in framework.domains),
        cells=tuple(cells),
    )
