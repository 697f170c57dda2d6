"""What the public role explorer shows about one role, worked out from the framework alone.

- **What you need:** the competencies the role asks for at level 1 or above, grouped by domain,
  domains and competencies in the framework's order.
- **Routes in and out:** the moves that lead into the role and out of it, the nearer band first,
  then by the other role's title and the kind of move.
- **Typical training:** the modules the training-needs analysis picks for someone who holds none of
  the role's competencies yet (``tna.choose_modules``), in study order. It is what a newcomer
  would study, not what everyone must take: someone moving from a related role needs far less.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.framework import Competency, Domain, Framework, Module, Move, Qualification, Role
from planner.core.tna import choose_modules, find_needs, role_requirements


@dataclass(frozen=True)
class DomainNeeds:
    """The competencies of one domain a role asks for, each with its level."""

    domain: Domain
    needs: tuple[tuple[Competency, int], ...]


@dataclass(frozen=True)
class RoleProfile:
    """Everything the explorer shows about one role."""

    role: Role
    needs: tuple[DomainNeeds, ...]
    routes_in: tuple[Move, ...]
    routes_out: tuple[Move, ...]
    training: tuple[Module, ...]
    desirable: tuple[Qualification, ...]

    @property
    def training_hours(self) -> float:
        """The hours of the typical training, all modules together."""
        return sum(module.hours for module in self.training)


def profile_role(framework: Framework, role_id: str) -> RoleProfile:
    """The explorer's view of a role; a ``PlanningError`` naming the roles when the id is unknown."""
    requires = role_requirements(framework, role_id)
    role = framework.role[role_id]
    grouped: dict[str, list[tuple[Competency, int]]] = {domain.id: [] for domain in framework.domains}
    for competency in framework.competencies:
        if requires.get(competency.id, 0) >= 1:
            grouped[competency.domain].append((competency, requires[competency.id]))
    needs = tuple(DomainNeeds(framework.domain[ident], tuple(items)) for ident, items in grouped.items() if items)
    steps = choose_modules(framework, find_needs(framework, {}, requires))
    return RoleProfile(
        role=role,
        needs=needs,
        routes_in=_moves(framework, role, (move for move in framework.moves if move.target == role_id), "source"),
        routes_out=_moves(framework, role, (move for move in framework.moves if move.source == role_id), "target"),
        training=tuple(module for step in steps for module in step.modules),
        desirable=tuple(framework.qualification[ident] for ident in role.desirable),
    )


def _moves(framework: Framework, role: Role, moves, end: str) -> tuple[Move, ...]:
    """The moves ordered by how far the other role's band is from ``role``'s, then its title and the kind."""
    rank = framework.band_rank

    def order(move: Move) -> tuple:
        other = framework.role[getattr(move, end)]
        return (abs(rank[other.band] - rank[role.band]), other.title, other.id, move.kind)

    return tuple(sorted(moves, key=order))
