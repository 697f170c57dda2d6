"""The framework as plain values: the scale, bands, competencies, roles, moves and modules.

Everything here is a frozen dataclass built once from ``competencies.yaml`` (by
``planner.frameworks``) or by hand in tests, then read by every planning function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

MOVE_KINDS = ("promotion", "lateral", "secondment", "acting_up", "cross_over")
DOMAIN_KINDS = ("specialist", "general", "mixed")
THREAD = {
    "T": "Task share",
    "H": "Help",
    "R": "Recruit and retain",
    "E": "Educate",
    "A": "Appreciate",
    "D": "Develop",
}
QUALIFICATION_KINDS = ("cipd", "apprenticeship", "other")
QUIZ_WEIGHT_MAX = 3
"""An answer leans towards a role with a weight of 1 (a little) to 3 (strongly)."""
PREREQUISITE_LEVEL = 2
"""A prerequisite must be held at this level before its dependant is developed."""


@dataclass(frozen=True)
class Level:
    """One point of the proficiency scale, such as 2 = Practitioner."""

    level: int
    label: str
    descriptor: str


@dataclass(frozen=True)
class Band:
    """An Agenda for Change pay band with its pay range for one pay year."""

    id: str
    pay_year: str
    pay_entry: int
    pay_top: int


@dataclass(frozen=True)
class Domain:
    """A group of related competencies, such as rotas or medical pay."""

    id: str
    name: str
    kind: str


@dataclass(frozen=True)
class Competency:
    """Something a person can do, rated on the scale."""

    id: str
    name: str
    description: str
    domain: str
    specialist: bool
    requires: tuple[str, ...] = ()
    critical: bool = False


@dataclass(frozen=True)
class Role:
    """A job with its band and the level it needs in each competency."""

    id: str
    title: str
    band: str
    family: str
    summary: str
    requires: dict[str, int] = field(default_factory=dict)
    day_in_life: str = ""
    desirable: tuple[str, ...] = ()
    """Professional qualifications (ids) that help in the role without being required."""


@dataclass(frozen=True)
class Move:
    """A way from one role to another, after ``months`` typical months in the first."""

    source: str
    target: str
    kind: str
    months: int
    gates: dict[str, int] = field(default_factory=dict)
    desirable: tuple[str, ...] = ()
    """Professional qualifications (ids) that help a person make the move."""


@dataclass(frozen=True)
class Module:
    """A piece of training that raises competencies to the levels in ``raises``."""

    id: str
    title: str
    mode: str
    hours: float
    provider: str
    thread: str
    raises: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Qualification:
    """A professional qualification, such as the CIPD level 5 diploma or an HR apprenticeship."""

    id: str
    title: str
    kind: str
    level: int
    """Its level on the Regulated Qualifications Framework (3 to 7 for HR)."""
    awarding_body: str
    description: str


@dataclass(frozen=True)
class QuizAnswer:
    """One answer to a quiz scenario, leaning towards some roles; ``reason`` says why, to the taker."""

    id: str
    text: str
    weights: dict[str, int]
    reason: str


@dataclass(frozen=True)
class QuizQuestion:
    """A 'try before you buy' scenario from a day in medical staffing, with its answers."""

    id: str
    scenario: str
    answers: tuple[QuizAnswer, ...]


@dataclass(frozen=True)
class Framework:
    """A whole framework: what a person in each role needs and how to get there."""

    version: str
    valid_from: date
    scale: tuple[Level, ...]
    bands: tuple[Band, ...]
    domains: tuple[Domain, ...]
    competencies: tuple[Competency, ...]
    roles: tuple[Role, ...]
    moves: tuple[Move, ...]
    modules: tuple[Module, ...]
    qualifications: tuple[Qualification, ...] = ()
    quiz: tuple[QuizQuestion, ...] = ()

    @cached_property
    def qualification(self) -> dict[str, Qualification]:
        """Professional qualifications by id."""
        return {q.id: q for q in self.qualifications}

    @cached_property
    def competency(self) -> dict[str, Competency]:
        """Competencies by id."""
        return {c.id: c for c in self.competencies}

    @cached_property
    def position(self) -> dict[str, int]:
        """Competencies by id to their place in the framework, for a stable order."""
        return {c.id: i for i, c in enumerate(self.competencies)}

    @cached_property
    def role(self) -> dict[str, Role]:
        """Roles by id."""
        return {r.id: r for r in self.roles}

    @cached_property
    def band(self) -> dict[str, Band]:
        """Bands by id."""
        return {b.id: b for b in self.bands}

    @cached_property
    def band_rank(self) -> dict[str, int]:
        """Bands by id to their position, lowest first, for comparing seniority."""
        return {b.id: i for i, b in enumerate(self.bands)}

    @cached_property
    def module(self) -> dict[str, Module]:
        """Modules by id."""
        return {m.id: m for m in self.modules}

    @cached_property
    def domain(self) -> dict[str, Domain]:
        """Domains by id."""
        return {d.id: d for d in self.domains}

    @cached_property
    def role_graph(self):
        """The roles and moves as a networkx ``MultiDiGraph`` (built once)."""
        from planner.core.graph import build_role_graph

        return build_role_graph(self)

    @cached_property
    def move_graph(self):
        """The roles and moves as a simple ``DiGraph``, parallel moves kept on one edge (built once)."""
        from planner.core.graph import build_move_graph

        return build_move_graph(self)

    @cached_property
    def training_shares(self) -> dict[tuple[str, str, str], tuple[tuple[str, int, float], ...]]:
        """For each move, the levels it asks for with an estimate of their hours (worked out once)."""
        from planner.core.pathways import training_shares

        return training_shares(self)

    @cached_property
    def ancestors(self) -> dict[str, frozenset[str]]:
        """Each competency's direct and indirect prerequisites (worked out once)."""
        from planner.core.graph import prerequisite_ancestors

        return prerequisite_ancestors(self)

    @cached_property
    def raised_by(self) -> dict[str, tuple[tuple[Module, int], ...]]:
        """For each competency, the modules that raise it and the level each reaches."""
        found: dict[str, list[tuple[Module, int]]] = {}
        for module in self.modules:
            for competency_id, level in module.raises.items():
                found.setdefault(competency_id, []).append((module, level))
        return {c: tuple(pairs) for c, pairs in found.items()}

    @cached_property
    def best_module_level(self) -> dict[str, int]:
        """The highest level any module raises each competency to."""
        best: dict[str, int] = {}
        for module in self.modules:
            for competency_id, level in module.raises.items():
                best[competency_id] = max(best.get(competency_id, 0), level)
        return best

    @property
    def max_level(self) -> int:
        """The top of the scale."""
        return max(level.level for level in self.scale)


@dataclass(frozen=True)
class Person:
    """What the core needs to know about someone to plan for them."""

    name: str
    role: str
    levels: dict[str, int] = field(default_factory=dict)
    protected_hours_per_month: float = 4.0
    months_in_role: int = 0
