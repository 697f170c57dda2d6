"""Read a framework file, check every rule, and turn it into the core's ``Framework``.

Every problem found is reported as
``FILE:LINE:COL: message`` and all of them are reported in one go, so a trust editing
its own framework can fix the file in one pass.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Annotated, Any, Literal

import networkx as nx
from pydantic import Field, StringConstraints, ValidationError

from planner.core.errors import FrameworkError
from planner.core.framework import (
    DOMAIN_KINDS,
    MOVE_KINDS,
    PREREQUISITE_LEVEL,
    QUALIFICATION_KINDS,
    QUIZ_WEIGHT_MAX,
    THREAD,
    Band,
    Competency,
    Domain,
    Framework,
    Level,
    Module,
    Move,
    Qualification,
    QuizAnswer,
    QuizQuestion,
    Role,
)
from planner.datafiles import Report, StrictModel, parse_yaml, read_text, report_invalid

MAX_SCALE_LEVEL = 10
QUIZ_LENGTH = (10, 15)
"""A quiz, when the file has one, asks this many scenario questions (fewest, most)."""

Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Count = Annotated[int, Field(ge=0)]


class ScaleIn(StrictModel):
    """One level of the proficiency scale."""

    level: Annotated[int, Field(ge=0, le=MAX_SCALE_LEVEL)]
    label: Text
    descriptor: Text


class PayIn(StrictModel):
    """A band's full-time basic pay, entry and top, in pounds."""

    entry: Annotated[int, Field(gt=0)]
    top: Annotated[int, Field(gt=0)]


class BandIn(StrictModel):
    """An Agenda for Change pay band."""

    id: Identifier
    pay_year: Annotated[str, StringConstraints(pattern=r"^\d{4}/\d{2}$")]
    pay: PayIn


class DomainIn(StrictModel):
    """A group of competencies."""

    id: Identifier
    name: Text
    kind: Literal[DOMAIN_KINDS]


class CompetencyIn(StrictModel):
    """Something a person can do, rated on the scale."""

    id: Identifier
    name: Text
    description: Text
    domain: str
    specialist: bool
    requires: list[str] = []
    critical: bool = False
    ksf: list[Identifier] = []
    source: Text | None = None


class RoleIn(StrictModel):
    """A job, its band and the levels it needs."""

    id: Identifier
    title: Text
    band: str
    family: Text
    summary: Text
    requires: dict[str, int] = {}
    day_in_life: Text | None = None
    desirable: list[str] = []


class MoveIn(StrictModel):
    """A way from one role to another (``from`` and ``to`` in the file)."""

    source: str = Field(alias="from")
    target: str = Field(alias="to")
    kind: Literal[MOVE_KINDS]
    months: Annotated[int, Field(ge=0, le=240)]
    gates: dict[str, int] = {}
    desirable: list[str] = []


class ModuleIn(StrictModel):
    """A piece of training and the levels it raises."""

    id: Identifier
    title: Text
    mode: Text
    hours: Annotated[float, Field(gt=0, le=10_000)]
    provider: Text
    thread: Literal[tuple(THREAD)]
    raises: dict[str, int]


class QualificationIn(StrictModel):
    """A professional qualification roles and moves may list as desirable."""

    id: Identifier
    title: Text
    kind: Literal[QUALIFICATION_KINDS]
    level: Annotated[int, Field(ge=1, le=8)]
    awarding_body: Text
    description: Text


class QuizAnswerIn(StrictModel):
    """One answer to a quiz scenario and the roles it leans towards."""

    id: Identifier
    text: Text
    weights: Annotated[dict[str, Annotated[int, Field(ge=1, le=QUIZ_WEIGHT_MAX)]], Field(min_length=1)]
    reason: Text


class QuizQuestionIn(StrictModel):
    """A scenario question of the 'try before you buy' quiz."""

    id: Identifier
    scenario: Text
    answers: Annotated[list[QuizAnswerIn], Field(min_length=2, max_length=6)]


class TopIn(StrictModel):
    """The whole file: each section is checked item by item afterwards, so one bad item hides no other."""

    version: Text
    valid_from: date
    scale: Annotated[list[Any], Field(min_length=1)]
    bands: Annotated[list[Any], Field(min_length=1)]
    domains: Annotated[list[Any], Field(min_length=1)]
    competencies: Annotated[list[Any], Field(min_length=1)]
    roles: Annotated[list[Any], Field(min_length=1)]
    moves: list[Any]
    modules: list[Any]
    qualifications: list[Any] = []
    quiz: list[Any] = []


SECTIONS = {
    "scale": ScaleIn,
    "bands": BandIn,
    "domains": DomainIn,
    "competencies": CompetencyIn,
    "roles": RoleIn,
    "moves": MoveIn,
    "modules": ModuleIn,
    "qualifications": QualificationIn,
    "quiz": QuizQuestionIn,
}


def load_framework(path: str | os.PathLike) -> Framework:
    """Read and check a framework file; raise ``FrameworkError`` listing every problem."""
    framework, problems = check_framework(path)
    if problems:
        raise FrameworkError(problems)
    return framework


def check_framework(path: str | os.PathLike) -> tuple[Framework | None, list[str]]:
    """Read and check a framework file: the framework (or None) and every problem found."""
    filename = os.fspath(path)
    report = Report(filename)
    text = read_text(filename, report)
    data = parse_yaml(text, report, TopIn) if text is not None else None
    if data is None and report.problems:
        return None, report.formatted()  # unreadable; a document of just `~` goes on to the shape check
    sections = _validate_shape(data, report)
    if sections is None:
        return None, report.formatted()
    framework = _check_meaning(data, sections, report)
    problems = report.formatted()
    return (None if problems else framework), problems


def _validate_shape(data: Any, report: Report) -> dict[str, list] | None:
    """Check keys and types section by section; the valid items of each section, by index."""
    try:
        TopIn.model_validate(data)
    except ValidationError as error:
        report_invalid(error, (), TopIn, report)
        if not isinstance(data, dict):
            return None
    sections: dict[str, list] = {}
    for name, model in SECTIONS.items():
        items = data.get(name)
        sections[name] = []
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            try:
                sections[name].append((index, model.model_validate(item)))
            except ValidationError as error:
                report_invalid(error, (name, index), model, report)
    return sections


def _check_meaning(data: dict, sections: dict[str, list], report: Report) -> Framework:
    """Check references, levels, cycles and coverage; build the framework from the valid items."""
    # An item that failed the shape check is already reported; referring to it is not a second mistake.
    rejected = {
        name: {str(ident) for ident in _rejected(data, sections, name) if isinstance(ident, (str, int))}
        for name in ("bands", "domains", "competencies", "roles", "qualifications")
    }
    rejected_levels = {level for level in _rejected(data, sections, "scale", "level") if type(level) is int}
    scale = _check_scale(sections["scale"], report, complete=not _rejected(data, sections, "scale"))
    levels = {level.level for level in scale} | rejected_levels
    # None: no usable scale (already reported), so no range checks that would only repeat it.
    top = max(levels) if len(levels) > 1 else None

    def unique(section: str, key=lambda item: item.id, label=None) -> dict:
        found: dict = {}
        for index, item in sections[section]:
            ident = key(item)
            if ident in found:
                first = report.line((section, found[ident][0], "id"))
                report.at((section, index, "id"), f"duplicate {label or section[:-1]} id '{ident}' (first on line {first})")
            else:
                found[ident] = (index, item)
        return found

    bands = unique("bands", label="band")
    domains = unique("domains", label="domain")
    competencies = unique("competencies", label="competency")
    roles = unique("roles", label="role")
    modules = unique("modules", label="module")
    qualifications = unique("qualifications", label="qualification")

    def check_desirable(path: tuple, desirable: list[str], what: str) -> None:
        for position, ident in enumerate(desirable):
            if ident not in qualifications and ident not in rejected["qualifications"]:
                known = ", ".join(qualifications) or "none are listed under 'qualifications'"
                report.at(path + (position,), f"unknown qualification '{ident}' in {what}; the qualifications are: {known}")

    def check_levels(path: tuple, mapping: dict[str, int], lowest: int, what: str) -> None:
        for competency_id, level in mapping.items():
            if competency_id not in competencies:
                if competency_id not in rejected["competencies"]:
                    report.at(path + (competency_id,), f"unknown competency '{competency_id}' in {what}", key=True)
            elif top is not None and not 0 <= level <= top:
                report.at(path + (competency_id,), f"level {level} for {competency_id} in {what} is outside the scale (0 to {top})")
            elif level < lowest:
                report.at(path + (competency_id,), f"level {level} for {competency_id} in {what} must be at least {lowest}")

    for index, band in sections["bands"]:
        if band.pay.entry > band.pay.top:
            report.at(("bands", index, "pay"), f"band {band.id}: entry pay {band.pay.entry:,} is above top pay {band.pay.top:,}")
    for index, competency in sections["competencies"]:
        if competency.domain not in domains and competency.domain not in rejected["domains"]:
            report.at(("competencies", index, "domain"), f"unknown domain '{competency.domain}' for competency {competency.id}")
        elif competency.domain in domains:
            kind = domains[competency.domain][1].kind
            if kind != "mixed" and competency.specialist != (kind == "specialist"):
                report.at(
                    ("competencies", index, "specialist"),
                    f"competency {competency.id} is {'specialist' if competency.specialist else 'general'} but its "
                    f"domain {competency.domain} is {kind}; change one, or make the domain mixed",
                )
        for position, required in enumerate(competency.requires):
            if required not in competencies:
                if required not in rejected["competencies"]:
                    report.at(("competencies", index, "requires", position), f"unknown competency '{required}' in the prerequisites of {competency.id}")
            elif required == competency.id:
                report.at(("competencies", index, "requires", position), f"competency {competency.id} cannot be its own prerequisite")
    for index, role in sections["roles"]:
        if role.band not in bands and role.band not in rejected["bands"]:
            report.at(("roles", index, "band"), f"unknown band '{role.band}' for role {role.id}; bands are {', '.join(bands)}")
        check_levels(("roles", index, "requires"), role.requires, 0, f"the requirements of role {role.id}")
        check_desirable(("roles", index, "desirable"), role.desirable, f"the desirable qualifications of role {role.id}")
    seen_moves: dict = {}
    for index, move in sections["moves"]:
        for end in ("from", "to"):
            role_id = move.source if end == "from" else move.target
            if role_id not in roles and role_id not in rejected["roles"]:
                report.at(("moves", index, end), f"unknown role '{role_id}' in a move")
        if move.source == move.target:
            report.at(("moves", index, "to"), f"a move cannot lead from role {move.source} to itself")
        triple = (move.source, move.target, move.kind)
        if triple in seen_moves:
            report.at(("moves", index), f"duplicate {move.kind} move from {move.source} to {move.target} (first on line {seen_moves[triple]})")
        seen_moves.setdefault(triple, report.line(("moves", index)))
        check_levels(("moves", index, "gates"), move.gates, 0, f"the gates of the move from {move.source} to {move.target}")
        check_desirable(("moves", index, "desirable"), move.desirable, f"the move from {move.source} to {move.target}")
    for index, module in sections["modules"]:
        if not module.raises:
            report.at(("modules", index, "raises"), f"module {module.id} raises no competency")
        check_levels(("modules", index, "raises"), module.raises, 1, f"what module {module.id} raises")

    quiz = _check_quiz(data, sections["quiz"], roles, rejected["roles"], report)
    _check_cycles(sections["competencies"], competencies, report)
    # What rejected modules raise still counts, so their one mistake is not also reported as a gap.
    raised = {}
    for raises in _rejected(data, sections, "modules", "raises"):
        for competency_id, level in raises.items() if isinstance(raises, dict) else ():
            if type(level) is int:
                raised[competency_id] = max(raised.get(competency_id, 0), level)
    _check_coverage(sections, competencies, report, top, raised)

    return Framework(
        version=data["version"] if isinstance(data.get("version"), str) else "",
        valid_from=data.get("valid_from") if isinstance(data.get("valid_from"), date) else date.min,
        scale=scale,
        bands=tuple(Band(b.id, b.pay_year, b.pay.entry, b.pay.top) for _, b in bands.values()),
        domains=tuple(Domain(d.id, d.name, d.kind) for _, d in domains.values()),
        competencies=tuple(
            Competency(c.id, c.name, c.description, c.domain, c.specialist, tuple(c.requires), c.critical)
            for _, c in competencies.values()
        ),
        roles=tuple(
            Role(r.id, r.title, r.band, r.family, r.summary, dict(r.requires), r.day_in_life or "", tuple(r.desirable))
            for _, r in roles.values()
        ),
        moves=tuple(
            Move(m.source, m.target, m.kind, m.months, dict(m.gates), tuple(m.desirable)) for _, m in sections["moves"]
        ),
        modules=tuple(
            Module(m.id, m.title, m.mode, m.hours, m.provider, m.thread, dict(m.raises)) for _, m in modules.values()
        ),
        qualifications=tuple(
            Qualification(q.id, q.title, q.kind, q.level, q.awarding_body, q.description) for _, q in qualifications.values()
        ),
        quiz=quiz,
    )


def _check_quiz(data: dict, items: list, roles: dict, rejected_roles: set, report: Report) -> tuple[QuizQuestion, ...]:
    """Unique question and answer ids, weights only towards known roles, and a quiz of the right length."""
    seen: dict[str, int] = {}
    questions = []
    for index, question in items:
        if question.id in seen:
            report.at(("quiz", index, "id"), f"duplicate quiz question id '{question.id}' (first on line {seen[question.id]})")
            continue
        seen[question.id] = report.line(("quiz", index, "id"))
        answer_ids: set[str] = set()
        for position, answer in enumerate(question.answers):
            if answer.id in answer_ids:
                report.at(("quiz", index, "answers", position, "id"), f"duplicate answer id '{answer.id}' in quiz question {question.id}")
            answer_ids.add(answer.id)
            for role_id in answer.weights:
                if role_id not in roles and role_id not in rejected_roles:
                    report.at(
                        ("quiz", index, "answers", position, "weights", role_id),
                        f"unknown role '{role_id}' in the weights of answer {answer.id} to quiz question {question.id}",
                        key=True,
                    )
        questions.append(
            QuizQuestion(
                question.id,
                question.scenario,
                tuple(QuizAnswer(a.id, a.text, dict(a.weights), a.reason) for a in question.answers),
            )
        )
    given = data.get("quiz")
    count = len(given) if isinstance(given, list) else 0
    fewest, most = QUIZ_LENGTH
    if count and not fewest <= count <= most:
        report.at(("quiz",), f"the quiz has {count} questions; give between {fewest} and {most}, or leave the quiz out")
    return tuple(questions)


def _rejected(data: dict, sections: dict[str, list], section: str, key: str = "id") -> list:
    """The raw ``key`` of each item of ``section`` that failed the shape check (None if it has none)."""
    valid = {index for index, _ in sections[section]}
    items = data.get(section)
    return [
        item.get(key) if isinstance(item, dict) else None
        for index, item in enumerate(items if isinstance(items, list) else [])
        if index not in valid
    ]


def _check_scale(items: list, report: Report, complete: bool = True) -> tuple[Level, ...]:
    seen: dict[int, int] = {}
    for index, item in items:
        if item.level in seen:
            report.at(("scale", index, "level"), f"duplicate scale level {item.level}")
        seen.setdefault(item.level, index)
    missing = [level for level in range(max(seen, default=-1)) if level not in seen]
    if missing and complete:  # with a rejected item, its level may be the one that looks missing
        after = min(level for level in seen if level > missing[0])
        got = ", ".join(map(str, sorted(seen)))
        report.at(
            ("scale", seen[after], "level"),
            f"scale level {missing[0]} is missing; levels must run 0, 1, 2 … without gaps (got {got})",
        )
    elif len(seen) == 1:
        report.at(("scale",), "the scale needs at least levels 0 and 1")
    return tuple(Level(item.level, item.label, item.descriptor) for index, item in items if seen[item.level] == index)


def _check_cycles(items: list, competencies: dict, report: Report) -> None:
    graph = nx.DiGraph()
    for _, competency in items:
        graph.add_edges_from((r, competency.id) for r in competency.requires if r in competencies and r != competency.id)
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        cycle = [u for u, _ in nx.find_cycle(graph.subgraph(component))]
        first = min(cycle, key=lambda ident: competencies[ident][0])
        start = cycle.index(first)
        ordered = cycle[start:] + cycle[:start]
        index = competencies[first][0]
        report.at(
            ("competencies", index, "requires"),
            "prerequisite cycle: " + " → ".join(ordered + [ordered[0]]) + "; prerequisites must not loop",
        )


def _check_coverage(sections: dict, competencies: dict, report: Report, top: int | None, raised: dict) -> None:
    best: dict[str, int] = dict(raised)
    for _, module in sections["modules"]:
        for competency_id, level in module.raises.items():
            best[competency_id] = max(best.get(competency_id, 0), level)

    def short(competency_id: str, level: int) -> str | None:
        if competency_id not in competencies or best.get(competency_id, 0) >= level:
            return None
        if top is not None and level > top:
            return None  # reported as outside the scale; no module could fix it
        highest = best.get(competency_id)
        return f"no module raises {competency_id} to level {level} (" + (
            f"the highest is {highest})" if highest else "no module raises it at all)"
        ) + "; add a module or lower the level"

    for index, role in sections["roles"]:
        for competency_id, level in role.requires.items():
            message = short(competency_id, level) if level >= 1 else None
            if message:
                report.at(("roles", index, "requires", competency_id), f"role {role.id} requires {competency_id} at level {level}, but {message}")
    for index, move in sections["moves"]:
        for competency_id, level in move.gates.items():
            message = short(competency_id, level) if level >= 1 else None
            if message:
                report.at(("moves", index, "gates", competency_id), f"the move from {move.source} to {move.target} needs {competency_id} at level {level}, but {message}")
    for index, competency in sections["competencies"]:
        for position, required in enumerate(competency.requires):
            message = short(required, PREREQUISITE_LEVEL)
            if message:
                report.at(("competencies", index, "requires", position), f"{required} is a prerequisite of {competency.id}, so it must be raisable to level {PREREQUISITE_LEVEL}, but {message}")


def summary(framework: Framework) -> str:
    """A one-line count of what a framework holds, for ``planner check-framework``."""
    critical = sum(c.critical for c in framework.competencies)
    return (
        f"framework {framework.version}: {len(framework.scale)} levels, {len(framework.bands)} bands, "
        f"{len(framework.domains)} domains, {len(framework.competencies)} competencies ({critical} critical), "
        f"{len(framework.roles)} roles, {len(framework.moves)} moves, {len(framework.modules)} modules, "
        f"{len(framework.qualifications)} qualifications, {len(framework.quiz)} quiz questions"
    )
