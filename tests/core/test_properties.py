"""Properties that hold for any valid framework and any person, checked on random examples."""

from __future__ import annotations

import itertools
from datetime import date

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.errors import PlanningError
from planner.core.framework import Competency, Framework, Module, Move, Person, Role
from planner.core.pathways import _fastest_rest, _fastest_simple_paths, find_pathways
from planner.core.plan import assemble_plan
from planner.core.tna import analyse_needs, find_needs, raised_levels
from tests.core.mini import level_scale, mini_framework

TODAY = date(2026, 11, 24)
LEVEL = st.integers(0, 4)


@st.composite
def frameworks(draw) -> Framework:
    """Random frameworks that would pass validation: prerequisites acyclic, every level coverable."""
    size = draw(st.integers(2, 8))
    ids = [f"C{i}" for i in range(size)]
    competencies = tuple(
        Competency(
            c,
            c,
            "",
            "D",
            True,
            requires=tuple(draw(st.sets(st.sampled_from(ids[:i]), max_size=2))) if i else (),
            critical=draw(st.booleans()),
        )
        for i, c in enumerate(ids)
    )
    requirement = st.dictionaries(st.sampled_from(ids), st.integers(1, 4), max_size=size)
    roles = tuple(Role(f"r{i}", f"Role {i}", draw(st.sampled_from(["3", "4", "5"])), "F", "", draw(requirement)) for i in range(draw(st.integers(2, 6))))
    role_ids = [r.id for r in roles]
    moves = tuple(
        {(m.source, m.target, m.kind): m for m in draw(
            st.lists(
                st.builds(
                    Move,
                    st.sampled_from(role_ids),
                    st.sampled_from(role_ids),
                    st.sampled_from(["promotion", "lateral", "acting_up"]),
                    st.integers(0, 36),
                ).filter(lambda m: m.source != m.target),
                max_size=12,
            )
        )}.values()
    )
    extra = draw(
        st.lists(
            st.builds(
                lambda i, raises, hours: Module(f"X{i}", "x", "m", hours, "p", "E", raises),
                st.integers(0, 99),
                st.dictionaries(st.sampled_from(ids), st.integers(1, 4), min_size=1, max_size=4),
                st.integers(1, 60),
            ),
            max_size=6,
            unique_by=lambda m: m.id,
        )
    )
    # One module per competency reaching the top keeps every requirement coverable.
    complete = tuple(Module(f"T{c}", c, "m", draw(st.integers(1, 80)), "p", "E", {c: 4}) for c in ids)
    return mini_framework(scale=level_scale(), competencies=competencies, roles=roles, moves=moves, modules=tuple(extra) + complete)


@st.composite
def cases(draw):
    framework = draw(frameworks())
    ids = [c.id for c in framework.competencies]
    person = Person(
        "P",
        draw(st.sampled_from([r.id for r in framework.roles])),
        draw(st.dictionaries(st.sampled_from(ids), LEVEL)),
        draw(st.sampled_from([0.5, 1, 4, 7.5, 20])),
        draw(st.integers(0, 40)),
    )
    target = draw(st.sampled_from([None] + [r.id for r in framework.roles]))
    return framework, person, target


def closing_step(analysis_steps, competency, required):
    """Position of the first step whose modules take ``competency`` to ``required``."""
    return min(i for i, step in enumerate(analysis_steps) for m in step.modules if m.raises.get(competency, 0) >= required)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_gaps_are_never_negative(case):
    framework, person, target = case
    analysis = analyse_needs(framework, person, target, today=TODAY)
    assert all(n.gap >= 0 and n.gap == max(n.required - n.current, 0) for n in analysis.needs + analysis.current_needs)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_completing_every_recommended_module_leaves_no_gap(case):
    framework, person, target = case
    analysis = analyse_needs(framework, person, target, today=TODAY)
    after = raised_levels(person.levels, analysis.modules)
    requirements = framework.role[target or person.role].requires
    assert not [n for n in find_needs(framework, after, requirements) if n.gap]


@settings(max_examples=150, deadline=None)
@given(cases())
def test_a_prerequisite_is_never_ranked_or_studied_after_its_dependant(case):
    framework, person, target = case
    analysis = analyse_needs(framework, person, target, today=TODAY)
    gaps = {n.competency: n for n in analysis.gaps}
    for need in gaps.values():
        for prerequisite in framework.ancestors[need.competency] & gaps.keys():
            assert gaps[prerequisite].priority < need.priority
            assert closing_step(analysis.steps, prerequisite, gaps[prerequisite].required) <= closing_step(
                analysis.steps, need.competency, need.required
            )


@settings(max_examples=150, deadline=None)
@given(cases())
def test_a_plan_never_schedules_a_prerequisite_after_its_dependant(case):
    framework, person, target = case
    try:
        plan = assemble_plan(framework, person, target, TODAY)
    except PlanningError:
        return  # no route to the target: covered by the pathway tests
    gaps = {n.competency: n for n in find_needs(framework, person.levels, framework.role[person.role].requires) if n.gap}
    if plan.pathway is None:
        for need in gaps.values():
            for prerequisite in framework.ancestors[need.competency] & gaps.keys():
                end = lambda c, level: min(s.end for s in plan.modules if s.module.raises.get(c, 0) >= level)  # noqa: E731
                assert end(prerequisite, gaps[prerequisite].required) <= end(need.competency, need.required)
    assert all(m.total <= person.protected_hours_per_month + 1e-6 for m in plan.months)
    assert round(sum(m.total for m in plan.months), 1) == round(plan.total_hours, 1)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_every_pathway_step_is_a_real_move_chaining_from_the_role_to_the_target(case):
    framework, person, target = case
    try:
        routes = find_pathways(framework, person, target or person.role)
    except PlanningError:
        return
    assert 1 <= len(routes) <= 5
    moves = framework.moves
    for route in routes:
        assert route.steps[0].source == person.role and route.steps[-1].target == target
        for step, following in zip(route.steps, route.steps[1:]):
            assert step.target == following.source
        for step in route.steps:
            assert any(m.source == step.source and m.target == step.target and m.kind == step.kind for m in moves)
    assert [r.total_months for r in routes] == sorted(r.total_months for r in routes)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_the_route_search_finds_paths_as_fast_as_networkx_s_k_shortest(case):
    framework, person, target = case
    graph, source = framework.move_graph, person.role
    reachable = nx.descendants(graph, source)
    if target == source or target not in reachable:
        return

    def weight(u, v):
        return min(move.months for move in graph[u][v]["moves"])

    def cost(path):
        return sum(weight(u, v) for u, v in zip(path, path[1:]))

    rest = _fastest_rest(graph, reachable | {source}, target, weight)
    ours = _fastest_simple_paths(graph, source, target, weight, rest, 6)
    theirs = itertools.islice(nx.shortest_simple_paths(graph, source, target, weight=lambda u, v, _: weight(u, v)), 6)
    assert [cost(p) for p in ours] == [cost(p) for p in theirs]
    assert all(len(set(p)) == len(p) and p[0] == source and p[-1] == target for p in ours)
