"""Core benchmark: training-needs analysis and route finding, each beside a floor from the same run.

Run from the repository root::

    python bench/core.py                  # the full run (about a minute on 2 cores)
    python bench/core.py --quick          # 1,000 people and fewer route queries (about 15 seconds)
    python bench/core.py --framework tests/frameworks/small.yaml
    python bench/core.py --profile        # also print cProfile hot spots of both core functions

What it measures
----------------
1. ``analyse_needs`` on the framework file (default: ``competencies.yaml``) for 10,000 synthetic
   people spread over every role, with levels around their role's requirements (gaps and
   surpluses); about half have a target one move away, the rest none. The figure is milliseconds
   per person: the median of 3 passes over all the people.
   Floor: a plain dict loop over the same people computing only the same gaps
   (``max(required - current, 0)`` for each competency the target, or else the role, requires,
   and for the current role as well when there is a target, as ``analyse_needs`` reports both).
   ``analyse_needs`` does much more than that floor: it follows prerequisites, builds ``Need``
   records in priority order, also lists the needs for the current role when there is a target,
   chooses the modules by greedy set cover, orders them and dates the completion. So the ratio
   is "what the whole analysis costs compared with the bare arithmetic", not like for like.
   Goal: ratio <= 3x.
   Reference line: the same loop building the ``Need`` records ``analyse_needs`` returns (for the
   target and, when there is one, the current role) and nothing else - the least any
   implementation returning the same result must spend, to show how much of the ratio is
   inherent in the result's shape.

2. ``find_pathways(framework, person, target, k=5)`` on synthetic frameworks of 500 and 5,000
   roles: one layer of roles per Agenda for Change band (2 to 8d), split into families of about
   10 roles per band; about 5 outgoing moves per role, most within the family as real career
   ladders are: two promotions a band up (an acting-up often on the same edge), a lateral to the
   same or a neighbouring family, and either a secondment (any family) or a cross-over to a
   neighbouring family; 6-36 months each, gates on most promotions and cross-overs. 120 or 200
   competencies (a third with prerequisites), 10-30 required per role, and modules covering every
   level a role, gate or prerequisite asks for. Random (source, target) pairs where the target is
   reachable; p50 and p95 milliseconds per query.
   Floor: ``networkx.shortest_simple_paths`` on the same ``move_graph`` with a plain weight (the
   fewest months of the moves on each edge), taking the first 5 paths. ``find_pathways`` also
   checks reachability (``nx.descendants``), takes 3x as many candidate paths on a per-person cost
   estimate (its own best-first search, not networkx's), and costs every candidate exactly with
   the training for each step.
   The cached graphs and lookups are built before timing, so both sides measure per-query work;
   each pair is timed on both sides back to back so machine noise hits both alike.
   Goal: p95 <= 200 ms at 5,000 roles.

How to read it
--------------
Each figure is printed beside its floor and the ratio between them; "met" or "MISSED" says
whether the goal holds. Absolute times move by +-25% between runs on a shared machine; the
ratios move much less, and the p95 of the route queries depends on the few longest routes in the
sample. The machine facts and the total run time come last. Everything synthetic is generated
from ``--seed``, so two runs time the same work.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import itertools
import os
import platform
import pstats
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import networkx as nx

from planner import config
from planner.core.framework import (
    MOVE_KINDS,
    THREAD,
    Band,
    Competency,
    Domain,
    Framework,
    Level,
    Module,
    Move,
    Person,
    Role,
)
from planner.core.pathways import find_pathways
from planner.core.tna import Need, analyse_needs
from planner.frameworks import load_framework

TODAY = date(2026, 11, 26)
NEEDS_RATIO_GOAL = 3.0
PATHWAYS_P95_GOAL_MS = 200.0
GOAL_SIZE = 5_000
K = 5


# --------------------------------------------------------------------------- helpers


def print_machine(started: float) -> None:
    """The machine's facts and the run's total time, the last lines of every benchmark."""
    print(
        f"machine: Python {platform.python_version()}, networkx {nx.__version__}, "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}; gc {'on' if gc.isenabled() else 'off'}"
    )
    print(f"total run time {time.perf_counter() - started:.1f} s")


def goal(met: bool) -> str:
    return "met" if met else "MISSED"


def percentile(values: list[float], fraction: float) -> float:
    """Linear-interpolated percentile of ``values`` (fraction 0..1)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    place = fraction * (len(ordered) - 1)
    low = int(place)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (place - low)


def levels_around(rng: random.Random, requires: dict[str, int], top: int) -> dict[str, int]:
    """Levels near a role's requirements: mostly met, some short by 1-2, some above."""
    levels = {}
    for competency_id, required in requires.items():
        level = max(0, min(top, required + rng.choice((-2, -1, -1, 0, 0, 0, 1))))
        if level:
            levels[competency_id] = level
    return levels


# --------------------------------------------------------------------------- 1. analyse_needs


def synthetic_people(framework: Framework, count: int, seed: int) -> list[tuple[Person, str | None]]:
    """``count`` people over every role in turn; about half with a target one move away."""
    rng = random.Random(seed)
    graph = framework.move_graph
    top = framework.max_level
    roles = [role.id for role in framework.roles]
    people = []
    for index in range(count):
        role = framework.role[roles[index % len(roles)]]
        levels = levels_around(rng, role.requires, top)
        # A few levels in competencies the role does not ask for, as real records have.
        for competency in rng.sample(framework.competencies, min(3, len(framework.competencies))):
            if competency.id not in role.requires and rng.random() < 0.5:
                levels[competency.id] = rng.randint(1, top)
        person = Person(
            name=f"Person {index}",
            role=role.id,
            levels=levels,
            protected_hours_per_month=rng.choice((2.0, 4.0, 4.0, 6.0, 8.0)),
            months_in_role=rng.randint(0, 36),
        )
        nexts = sorted(graph[role.id])
        target = rng.choice(nexts) if nexts and rng.random() < 0.5 else None
        people.append((person, target))
    return people


def run_analyse(framework: Framework, people) -> None:
    for person, target in people:
        analyse_needs(framework, person, target, today=TODAY)


def run_floor_gaps(framework: Framework, people) -> None:
    """The gaps ``analyse_needs`` reports, and nothing else: for the target's requirements and,
    when there is a target, the current role's too."""
    roles = framework.role
    for person, target in people:
        levels = person.levels
        for requires in ((roles[target].requires, roles[person.role].requires) if target else (roles[person.role].requires,)):
            gaps = {}
            for competency_id, required in requires.items():
                gaps[competency_id] = max(required - levels.get(competency_id, 0), 0)


def run_need_records(framework: Framework, people) -> None:
    """The gap loop again, but building the ``Need`` records ``analyse_needs`` returns: one per
    requirement of the target (or role), plus one per requirement of the current role when there
    is a target. No prerequisites, priorities or modules: the least any implementation of the
    same result must do."""
    roles = framework.role
    competency = framework.competency
    for person, target in people:
        levels = person.levels
        for requires in ((roles[target].requires, roles[person.role].requires) if target else (roles[person.role].requires,)):
            tuple(
                Need(c, levels.get(c, 0), required, max(required - levels.get(c, 0), 0), competency[c].critical, 0)
                for c, required in requires.items()
            )


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def bench_needs(framework: Framework, count: int, repeats: int, seed: int) -> dict:
    people = synthetic_people(framework, count, seed)
    # Warm up: builds every cached lookup (ancestors, raised_by, ...) and both code paths.
    run_analyse(framework, people[: min(200, count)])
    run_floor_gaps(framework, people)
    run_need_records(framework, people[: min(200, count)])
    analyse_times, floor_times, record_times = [], [], []
    for _ in range(repeats):
        floor_times.append(timed(run_floor_gaps, framework, people))
        record_times.append(timed(run_need_records, framework, people))
        analyse_times.append(timed(run_analyse, framework, people))
    return {
        "people": people,
        "targets": sum(1 for _, target in people if target),
        "analyse_ms": statistics.median(analyse_times) * 1000 / count,
        "floor_ms": statistics.median(floor_times) * 1000 / count,
        "records_ms": statistics.median(record_times) * 1000 / count,
    }


# --------------------------------------------------------------------------- 2. find_pathways

BANDS = ("2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d")
SCALE = (
    Level(0, "Not yet", "Not started or not needed."),
    Level(1, "Aware", "Knows where the guidance is."),
    Level(2, "Practitioner", "Does the standard work unaided."),
    Level(3, "Proficient", "Handles the difficult cases."),
    Level(4, "Expert", "Sets local policy."),
)
DOMAINS = 12  # 8 specialist, 3 general, 1 mixed


def synthetic_framework(roles: int, competencies: int, seed: int) -> Framework:
    """A layered framework of ``roles`` roles with about 5 outgoing moves each."""
    rng = random.Random(seed)
    top = SCALE[-1].level
    bands = tuple(Band(b, "2025/26", 22_000 + 6_000 * i, 25_000 + 6_500 * i) for i, b in enumerate(BANDS))
    domains = tuple(
        Domain(f"D{d:02d}", f"Domain {d}", "specialist" if d < 8 else ("general" if d < 11 else "mixed"))
        for d in range(DOMAINS)
    )

    # Competencies, round-robin over domains; about a third have 1-2 prerequisites from
    # earlier competencies of the same domain (so the prerequisite graph has no cycle).
    comps: list[Competency] = []
    by_domain: dict[str, list[str]] = {d.id: [] for d in domains}
    for index in range(competencies):
        domain = domains[index % DOMAINS]
        earlier = by_domain[domain.id]
        requires = tuple(rng.sample(earlier, min(len(earlier), rng.randint(1, 2)))) if earlier and rng.random() < 0.35 else ()
        ident = f"{domain.id}-{len(earlier) + 1:02d}"
        comps.append(
            Competency(ident, f"Competency {ident}", "Synthetic.", domain.id, domain.kind == "specialist", requires, rng.random() < 0.1)
        )
        earlier.append(ident)

    # Families of related roles (about 10 per band each); each draws on two specialist domains
    # plus the general and mixed ones.
    layers = len(BANDS)
    families = max(2, round(roles / (layers * 10)))
    general = [c for d in domains if d.kind != "specialist" for c in by_domain[d.id]]
    pools = []
    for family in range(families):
        special = by_domain[f"D{family % 8:02d}"] + by_domain[f"D{(family + 3) % 8:02d}"]
        pools.append(special + general)

    # Roles in layers, one layer per band, lowest band first; within a layer, by family.
    per_layer = [roles // layers + (1 if i < roles % layers else 0) for i in range(layers)]
    role_list: list[Role] = []
    grid: list[list[list[Role]]] = []  # grid[layer][family] -> roles
    for layer, size in enumerate(per_layer):
        base = 1 + (layer * (top - 1)) // (layers - 1)  # 1 at the bottom band, 4 at the top
        cells: list[list[Role]] = [[] for _ in range(families)]
        for i in range(size):
            family = i % families
            chosen = rng.sample(pools[family], min(len(pools[family]), rng.randint(10, 30)))
            requires = {c: max(1, min(top, base + rng.choice((-1, 0, 0, 1)))) for c in chosen}
            role = Role(f"r{layer}-{i:04d}", f"Role {layer}-{i}", BANDS[layer], f"family {family}", "Synthetic.", requires)
            cells[family].append(role)
            role_list.append(role)
        grid.append(cells)

    # About 5 outgoing moves per role, most within the family as real career ladders are:
    # two promotions a band up in the family (an acting-up often shares the first one's edge),
    # a lateral in the same band to the family or a neighbouring one, and either a secondment
    # (same or next band, any family) or a cross-over (next band, a neighbouring family).
    moves: list[Move] = []

    def cell(layer: int, family: int) -> list[Role]:
        return grid[min(layer, layers - 1)][family % families]

    def add(role: Role, seen: set, target: Role, kind: str, months: int, gated: bool = False) -> None:
        if target.id == role.id or (target.id, kind) in seen:
            return
        seen.add((target.id, kind))
        gates = {}
        if gated:
            for competency in rng.sample(list(target.requires), min(len(target.requires), rng.randint(1, 3))):
                gates[competency] = min(top, target.requires[competency] + 1)
        moves.append(Move(role.id, target.id, kind, months, gates))

    for layer in range(layers):
        for family in range(families):
            for role in grid[layer][family]:
                seen: set[tuple[str, str]] = set()
                upper = cell(layer + 1, family)
                first = rng.choice(upper)
                add(role, seen, first, "promotion", rng.randint(12, 36), gated=rng.random() < 0.7)
                add(role, seen, rng.choice(upper), "promotion", rng.randint(12, 36), gated=rng.random() < 0.7)
                add(role, seen, first if rng.random() < 0.5 else rng.choice(upper), "acting_up", rng.randint(6, 12))
                add(role, seen, rng.choice(cell(layer, family + rng.choice((-1, 0, 1)))), "lateral", rng.randint(12, 36))
                if rng.random() < 0.5:
                    secondment = rng.choice(cell(layer + rng.randint(0, 1), rng.randrange(families)))
                    add(role, seen, secondment, "secondment", rng.randint(6, 18))
                else:
                    cross = rng.choice(cell(layer + 1, family + rng.choice((-1, 1))))
                    add(role, seen, cross, "cross_over", rng.randint(18, 36), gated=True)

    # Modules: one advanced module per competency up to the top of the scale (so every level a
    # role, gate or prerequisite asks for is covered), plus shorter modules raising 2-5
    # competencies of one domain to level 2 or 3.
    modules: list[Module] = []
    threads = sorted(THREAD)
    for competency in comps:
        modules.append(
            Module(f"A-{competency.id}", f"Advanced {competency.id}", "course", float(rng.randint(8, 30)), "Synthetic", rng.choice(threads), {competency.id: top})
        )
    for index in range(competencies // 2):
        pool = by_domain[f"D{index % DOMAINS:02d}"]
        chosen = rng.sample(pool, min(len(pool), rng.randint(2, 5)))
        modules.append(
            Module(
                f"M-{index:03d}",
                f"Module {index}",
                "e-learning",
                float(rng.randint(2, 20)),
                "Synthetic",
                rng.choice(threads),
                {c: rng.randint(2, 3) for c in chosen},
            )
        )

    framework = Framework(
        version=f"synthetic-{roles}",
        valid_from=date(2026, 4, 1),
        scale=SCALE,
        bands=bands,
        domains=domains,
        competencies=tuple(comps),
        roles=tuple(role_list),
        moves=tuple(moves),
        modules=tuple(modules),
    )
    _check_synthetic(framework)
    return framework


def _check_synthetic(framework: Framework) -> None:
    """The same coverage rule the framework loader applies: every level asked for is trainable."""
    best = framework.best_module_level
    for role in framework.roles:
        assert all(best.get(c, 0) >= level for c, level in role.requires.items()), role.id
    for move in framework.moves:
        assert move.kind in MOVE_KINDS
        assert all(best.get(c, 0) >= level for c, level in move.gates.items()), move
    for competency in framework.competencies:
        assert all(best.get(p, 0) >= 2 for p in competency.requires), competency.id


def warm(framework: Framework) -> None:
    """Build every cached property outside the timed region."""
    for name in ("competency", "position", "role", "band", "band_rank", "module", "domain",
                 "move_graph", "ancestors", "raised_by", "best_module_level", "training_shares"):
        getattr(framework, name)


def synthetic_queries(framework: Framework, count: int, seed: int) -> list[tuple[Person, str]]:
    """``count`` (person, target) pairs, each target reachable from the person's role."""
    rng = random.Random(seed)
    graph = framework.move_graph
    roles = [role.id for role in framework.roles]
    top = framework.max_level
    queries = []
    while len(queries) < count:
        source = rng.choice(roles)
        reachable = sorted(nx.descendants(graph, source) - {source})
        if not reachable:
            continue
        target = rng.choice(reachable)
        person = Person(
            name=f"Query {len(queries)}",
            role=source,
            levels=levels_around(rng, framework.role[source].requires, top),
            protected_hours_per_month=rng.choice((2.0, 4.0, 6.0)),
            months_in_role=rng.randint(0, 24),
        )
        queries.append((person, target))
    return queries


def floor_paths(graph: nx.DiGraph, source: str, target: str, k: int) -> list:
    def weight(u, v, data):
        return min(move.months for move in data["moves"])

    return list(itertools.islice(nx.shortest_simple_paths(graph, source, target, weight=weight), k))


def bench_pathways(roles: int, competencies: int, queries: int, seed: int) -> dict:
    framework = synthetic_framework(roles, competencies, seed)
    warm(framework)
    graph = framework.move_graph
    pairs = synthetic_queries(framework, queries, seed + 1)
    # Warm up once on each side.
    find_pathways(framework, pairs[0][0], pairs[0][1], k=K)
    floor_paths(graph, pairs[0][0].role, pairs[0][1], K)
    core_ms, floor_ms, hops = [], [], []
    for index, (person, target) in enumerate(pairs):
        # Alternate which side goes first so drift in machine load favours neither.
        order = ("core", "floor") if index % 2 == 0 else ("floor", "core")
        for side in order:
            start = time.perf_counter()
            if side == "core":
                routes = find_pathways(framework, person, target, k=K)
                core_ms.append((time.perf_counter() - start) * 1000)
            else:
                floor_paths(graph, person.role, target, K)
                floor_ms.append((time.perf_counter() - start) * 1000)
        hops.append(len(routes[0].steps))
    return {
        "framework": framework,
        "pairs": pairs,
        "roles": len(framework.roles),
        "moves": len(framework.moves),
        "edges": graph.number_of_edges(),
        "competencies": len(framework.competencies),
        "modules": len(framework.modules),
        "queries": len(pairs),
        "hops": statistics.mean(hops),
        "core": (percentile(core_ms, 0.5), percentile(core_ms, 0.95), max(core_ms)),
        "floor": (percentile(floor_ms, 0.5), percentile(floor_ms, 0.95), max(floor_ms)),
    }


# --------------------------------------------------------------------------- profiling


def profile(label: str, function, *args, top: int = 18) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    function(*args)
    profiler.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        body = out.getvalue()
        body = body[body.find("   ncalls"):]
        print(f"\nprofile: {label}, sorted by {order}")
        print(body.rstrip())


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--framework", default=None, help="framework file (default: the planner default, competencies.yaml)")
    parser.add_argument("--quick", action="store_true", help="a smaller run: 1,000 people and fewer route queries")
    parser.add_argument("--seed", type=int, default=20261126, help="seed for the synthetic people and graphs")
    parser.add_argument("--profile", action="store_true", help="also print cProfile hot spots of analyse_needs and find_pathways")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    people = 1_000 if args.quick else 10_000
    repeats = 3
    sizes = ((500, 120, 20 if args.quick else 100), (5_000, 200, 15 if args.quick else 50))

    path = Path(args.framework) if args.framework else Path(config.DEFAULT_FRAMEWORK)
    framework = load_framework(path)
    warm(framework)
    needs = bench_needs(framework, people, repeats, args.seed)
    ratio = needs["analyse_ms"] / needs["floor_ms"]
    try:
        shown = path.resolve().relative_to(ROOT)
    except ValueError:
        shown = path
    print(
        f"analyse_needs, {shown} ({len(framework.competencies)} competencies, {len(framework.roles)} roles, "
        f"{len(framework.moves)} moves, {len(framework.modules)} modules), {people:,} people "
        f"({needs['targets']:,} with a target one move away), median of {repeats} passes"
    )
    print(f"  {'analyse_needs':<40} {needs['analyse_ms']:8.4f} ms/person   (needs, priorities, modules, order, completion)")
    print(f"  {'floor: dict gap loop':<40} {needs['floor_ms']:8.4f} ms/person   (the same gaps: target and current role)")
    print(f"  {'ratio':<40} {ratio:8.1f}x            goal <= {NEEDS_RATIO_GOAL:g}x: {goal(ratio <= NEEDS_RATIO_GOAL)}")
    records = needs["records_ms"]
    print(
        f"  {'reference: gap loop + Need records':<40} {records:8.4f} ms/person   "
        f"({records / needs['floor_ms']:.1f}x the floor: the records alone, no priorities or modules)"
    )

    results = []
    for roles, competencies, queries in sizes:
        result = bench_pathways(roles, competencies, queries, args.seed + roles)
        results.append(result)
        core_p50, core_p95, core_max = result["core"]
        floor_p50, floor_p95, floor_max = result["floor"]
        print(
            f"find_pathways k={K}, {result['roles']:,} roles, {result['moves']:,} moves ({result['edges']:,} edges), "
            f"{result['competencies']} competencies, {result['modules']} modules, {result['queries']} queries "
            f"(fastest route: {result['hops']:.1f} moves on average)"
        )
        line = f"  {'find_pathways':<40} p50 {core_p50:7.1f} ms  p95 {core_p95:7.1f} ms  max {core_max:7.1f} ms"
        if roles == GOAL_SIZE:
            line += f"   goal p95 <= {PATHWAYS_P95_GOAL_MS:g} ms: {goal(core_p95 <= PATHWAYS_P95_GOAL_MS)}"
        print(line)
        print(f"  {f'floor: shortest_simple_paths ({K} paths)':<40} p50 {floor_p50:7.1f} ms  p95 {floor_p95:7.1f} ms  max {floor_max:7.1f} ms")
        print(f"  {'ratio':<40} p50 {core_p50 / floor_p50:7.1f}x     p95 {core_p95 / floor_p95:7.1f}x")

    missed = ratio > NEEDS_RATIO_GOAL or any(
        r["roles"] == GOAL_SIZE and r["core"][1] > PATHWAYS_P95_GOAL_MS for r in results
    )
    if missed and not args.profile:
        print("a goal is missed: run with --profile for the hot spots")
    if args.profile:
        profile(f"analyse_needs over {people:,} people", run_analyse, framework, needs["people"])
        big = results[-1]
        sample = big["pairs"][:10]
        profile(
            f"find_pathways over {len(sample)} queries at {big['roles']:,} roles",
            lambda: [find_pathways(big["framework"], p, t, k=K) for p, t in sample],
        )

    print_machine(started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
