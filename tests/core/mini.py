"""A small literal framework for core tests: five competencies, four roles, a few moves and modules."""

from __future__ import annotations

from datetime import date

from planner.core.framework import Band, Competency, Domain, Framework, Level, Module, Move, Person, Role


def level_scale() -> tuple[Level, ...]:
    return tuple(Level(n, f"L{n}", f"level {n}") for n in range(5))


def mini_framework(**changes) -> Framework:
    """Roles r1 (band 3) -> r2 (band 4) -> r3 (band 5); r4 (band 5) is reached by no move."""
    parts = dict(
        version="test",
        valid_from=date(2026, 4, 1),
        scale=level_scale(),
        bands=(Band("3", "2025/26", 24937, 26598), Band("4", "2025/26", 27485, 30162), Band("5", "2025/26", 31049, 37796)),
        domains=(Domain("D", "Domain", "mixed"),),
        competencies=(
            Competency("A", "Rota rules", "", "D", True, critical=True),
            Competency("B", "Rota design", "", "D", True, requires=("A",)),
            Competency("C", "Contracts", "", "D", True),
            Competency("D", "Leadership", "", "D", False),
            Competency("E", "Pay", "", "D", True, requires=("B",), critical=True),
        ),
        roles=(
            Role("r1", "Administrator", "3", "Ops", "", {"A": 1, "C": 1}),
            Role("r2", "Coordinator", "4", "Ops", "", {"A": 2, "B": 2, "C": 2}),
            Role("r3", "Lead", "5", "Ops", "", {"B": 3, "D": 2, "E": 1}),
            Role("r4", "Island", "5", "Other", "", {"D": 3}),
        ),
        moves=(
            Move("r1", "r2", "promotion", 12),
            Move("r1", "r2", "acting_up", 6),
            Move("r2", "r3", "promotion", 18),
            Move("r1", "r3", "cross_over", 40),
        ),
        modules=(
            Module("M1", "Rules", "e-learning", 4, "x", "E", {"A": 2}),
            Module("M2", "Design", "course", 10, "x", "E", {"B": 3, "A": 2}),
            Module("M3", "Contracts", "webinar", 3, "x", "E", {"C": 2}),
            Module("M4", "Leading", "course", 6, "x", "D", {"D": 3, "C": 1}),
            Module("M5", "Pay", "course", 5, "x", "E", {"E": 2}),
            Module("BIG", "Everything", "course", 100, "x", "A", {"A": 4, "B": 4, "C": 4, "D": 4, "E": 4}),
        ),
    )
    parts.update(changes)
    return Framework(**parts)


def person(role: str = "r1", hours: float = 4, months: int = 0, **levels: int) -> Person:
    return Person(name="Sam", role=role, levels=levels, protected_hours_per_month=hours, months_in_role=months)


def crossed_framework(hours: float) -> Framework:
    """Role x needs D1 and D2; module X closes D2 and D1's prerequisite, Y closes D1 and D2's.

    Each module closes a prerequisite of the other's dependant, so neither can come first.
    """
    return mini_framework(
        competencies=(
            Competency("P1", "p1", "", "D", True),
            Competency("P2", "p2", "", "D", True),
            Competency("D1", "d1", "", "D", True, requires=("P1",)),
            Competency("D2", "d2", "", "D", True, requires=("P2",)),
        ),
        roles=(Role("x", "X", "3", "F", "", {"D1": 2, "D2": 2}),),
        moves=(),
        modules=(
            Module("X", "x", "m", hours, "p", "E", {"P1": 2, "D2": 2}),
            Module("Y", "y", "m", hours, "p", "E", {"P2": 2, "D1": 2}),
        ),
    )
