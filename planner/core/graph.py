"""The framework as graphs: roles joined by moves, and competencies joined by prerequisites."""

from __future__ import annotations

import networkx as nx

from planner.core.framework import Framework


def build_role_graph(framework: Framework) -> nx.MultiDiGraph:
    """Roles as nodes (with band and title) and every move as an edge (kind, months, gates).

    A ``MultiDiGraph``, because two roles may be joined by more than one kind of move
    (an acting-up and a promotion, say).
    """
    graph = nx.MultiDiGraph()
    for role in framework.roles:
        graph.add_node(role.id, band=role.band, title=role.title, family=role.family)
    for move in framework.moves:
        graph.add_edge(move.source, move.target, key=move.kind, kind=move.kind, months=move.months, move=move)
    return graph


def build_prerequisite_graph(framework: Framework) -> nx.DiGraph:
    """Competencies as nodes, with an edge from each prerequisite to the competency that needs it."""
    graph = nx.DiGraph()
    graph.add_nodes_from(c.id for c in framework.competencies)
    graph.add_edges_from((p, c.id) for c in framework.competencies for p in c.requires)
    return graph


def prerequisite_ancestors(framework: Framework) -> dict[str, frozenset[str]]:
    """Every competency's prerequisites, direct and indirect."""
    graph = build_prerequisite_graph(framework)
    return {node: frozenset(nx.ancestors(graph, node)) for node in graph}


def build_move_graph(framework: Framework) -> nx.DiGraph:
    """Roles joined by one edge per ordered pair, carrying every move between them as ``moves``.

    Path search runs on this simple graph (networkx's k-shortest-paths needs one); each route
    found is then expanded into every combination of the parallel moves it passes through.
    """
    graph = nx.DiGraph()
    graph.add_nodes_from(role.id for role in framework.roles)
    for move in framework.moves:
        if graph.has_edge(move.source, move.target):
            graph[move.source][move.target]["moves"] += (move,)
        else:
            graph.add_edge(move.source, move.target, moves=(move,))
    return graph
