"""Read a framework file, check every rule, and turn it into the core's ``Framework``.

This is the only module that reads YAML. Every problem found is reported as
``FILE:LINE:COL: message`` and all of them are reported in one go, so a trust editing
its own framework can fix the file in one pass.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

import networkx as nx
import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from planner.core.errors import FrameworkError, InputError
from planner.core.framework import (
    DOMAIN_KINDS,
    MOVE_KINDS,
    PREREQUISITE_LEVEL,
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

MAX_BYTES = 1_000_000
MAX_SCALE_LEVEL = 10
NESTED_TOO_DEEPLY = "lists or mappings are nested too deeply; a few levels are all a file needs"

Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Count = Annotated[int, Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ScaleIn(_Strict):
    level: Annotated[int, Field(ge=0, le=MAX_SCALE_LEVEL)]
    label: Text
    descriptor: Text


class PayIn(_Strict):
    entry: Annotated[int, Field(gt=0)]
    top: Annotated[int, Field(gt=0)]


class BandIn(_Strict):
    id: Identifier
    pay_year: Annotated[str, StringConstraints(pattern=r"^\d{4}/\d{2}$")]
    pay: PayIn


class DomainIn(_Strict):
    id: Identifier
    name: Text
    kind: Literal[DOMAIN_KINDS]


class CompetencyIn(_Strict):
    id: Identifier
    name: Text
    description: Text
    domain: str
    specialist: bool
    requires: list[str] = []
    critical: bool = False
    ksf: list[Identifier] = []
    source: Text | None = None


class RoleIn(_Strict):
    id: Identifier
    title: Text
    band: str
    family: Text
    summary: Text
    requires: dict[str, int] = {}


class MoveIn(_Strict):
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    kind: Literal[MOVE_KINDS]
    months: Annotated[int, Field(ge=0, le=240)]
    gates: dict[str, int] = {}


class ModuleIn(_Strict):
    id: Identifier
    title: Text
    mode: Text
    hours: Annotated[float, Field(gt=0, le=10_000)]
    provider: Text
    thread: Literal[tuple(THREAD)]
    raises: dict[str, int]


class TopIn(_Strict):
    version: Text
    valid_from: date
    scale: Annotated[list[Any], Field(min_length=1)]
    bands: Annotated[list[Any], Field(min_length=1)]
    domains: Annotated[list[Any], Field(min_length=1)]
    competencies: Annotated[list[Any], Field(min_length=1)]
    roles: Annotated[list[Any], Field(min_length=1)]
    moves: list[Any]
    modules: list[Any]


SECTIONS = {
    "scale": ScaleIn,
    "bands": BandIn,
    "domains": DomainIn,
    "competencies": CompetencyIn,
    "roles": RoleIn,
    "moves": MoveIn,
    "modules": ModuleIn,
}

TYPE_NAMES = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "date_type": "a date like 2026-04-01",
    "date_from_datetime_inexact": "a date like 2026-04-01",
    "dict_type": "a mapping of key: value pairs",
    "list_type": "a list",
    "model_type": "a mapping of key: value pairs",
    "model_attributes_type": "a mapping of key: value pairs",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, with where it is."""

    line: int
    column: int
    message: str


class _Report:
    """Collects problems and the places in the file that each value came from."""

    def __init__(self, filename: str, what: str = "framework file", located: bool = True):
        self.filename = filename
        self.what = what
        self.located = located
        self.problems: list[Problem] = []
        self.value_marks: dict[tuple, yaml.Mark] = {}
        self.key_marks: dict[tuple, yaml.Mark] = {}
        self.refused: set[tuple[int, int]] = set()  # values already reported while parsing

    def add(self, mark: yaml.Mark | None, message: str) -> None:
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        self.problems.append(Problem(line, column, message))

    def at(self, path: tuple, message: str, key: bool = False) -> None:
        """Report a problem at the value (or, with ``key``, the key) found at ``path``."""
        mark = self.mark(path, key)
        if mark is not None and (mark.line, mark.column) in self.refused:
            return  # the value there was already refused; one message per mistake
        self.add(mark, message)

    def mark(self, path: tuple, key: bool = False) -> yaml.Mark | None:
        # The nearest enclosing place we know, when the exact one is missing.
        if key and path in self.key_marks:
            return self.key_marks[path]
        while path not in self.value_marks and path:
            path = path[:-1]
        return self.value_marks.get(path)

    def line(self, path: tuple) -> int:
        mark = self.mark(path)
        return mark.line + 1 if mark else 1

    def formatted(self) -> list[str]:
        ordered = sorted(set(self.problems), key=lambda p: (p.line, p.column, p.message))
        if not self.located:
            return [f"{self.filename}: {p.message}" for p in ordered]
        return [f"{self.filename}:{p.line}:{p.column}: {p.message}" for p in ordered]


class _Loader(yaml.SafeLoader):
    """A safe loader that refuses anchors and aliases instead of expanding them."""

    def __init__(self, stream, report: _Report):
        super().__init__(stream)
        self.report = report

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()
            self.report.add(
                event.start_mark,
                f"YAML aliases (*{event.anchor}) are not allowed; write the value out in full",
            )
            self.report.refused.add((event.start_mark.line, event.start_mark.column))
            return yaml.ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
        event = self.peek_event()
        if getattr(event, "anchor", None) is not None:
            self.report.add(
                event.start_mark,
                f"YAML anchors (&{event.anchor}) are not allowed; write each value out in full",
            )
            event.anchor = None
        return super().compose_node(parent, index)


def load_framework(path: str | os.PathLike) -> Framework:
    """Read and check a framework file; raise ``FrameworkError`` listing every problem."""
    framework, problems = check_framework(path)
    if problems:
        raise FrameworkError(problems)
    return framework


def check_framework(path: str | os.PathLike) -> tuple[Framework | None, list[str]]:
    """Read and check a framework file: the framework (or None) and every problem found."""
    filename = os.fspath(path)
    report = _Report(filename)
    text = _read(filename, report)
    data = _parse(text, report) if text is not None else None
    if data is None and report.problems:
        return None, report.formatted()  # unreadable; a document of just `~` goes on to the shape check
    sections = _validate_shape(data, report)
    if sections is None:
        return None, report.formatted()
    framework = _check_meaning(data, sections, report)
    problems = report.formatted()
    return (None if problems else framework), problems


def _read(filename: str, report: _Report, allow_tabs: bool = False) -> str | None:
    try:
        with open(filename, "rb") as handle:
            # Never read more than one byte past the limit: the file may be a device or a pipe.
            raw = handle.read(MAX_BYTES + 1)
            size = os.fstat(handle.fileno()).st_size
    except OSError as error:
        report.add(None, f"cannot read the {report.what}: {error.strerror}")
        return None
    if len(raw) > MAX_BYTES:
        told = f"{size:,} bytes" if size > MAX_BYTES else f"over {MAX_BYTES:,} bytes"
        report.add(None, f"the file is {told}; a {report.what} may be at most {MAX_BYTES:,} bytes")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = len(raw[raw.rfind(b"\n", 0, error.start) + 1 : error.start].decode("utf-8", "replace")) + 1
        byte = raw[error.start]
        report.problems.append(Problem(line, column, f"the file is not UTF-8 text (byte 0x{byte:02x}); save it as UTF-8"))
        return None
    if allow_tabs:
        return text
    tabs = [(n, line.index("\t")) for n, line in enumerate(text.splitlines(), 1) if "\t" in line]
    for line, column in tabs:
        report.problems.append(Problem(line, column + 1, "tab character; indent and separate with spaces"))
    return None if tabs else text


def _parse(text: str, report: _Report, model: type[BaseModel] = TopIn) -> Any:
    loader = None
    try:
        loader = _Loader(text, report)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = f"YAML syntax error: {error.problem or error.context}"
        if error.problem and error.context and error.context_mark and error.context_mark.line != mark.line:
            message += f" ({error.context} on line {error.context_mark.line + 1})"
        report.add(mark, message)
        return None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        report.problems.append(Problem(line, column, f"the character #x{error.character:04x} is not allowed; remove it"))
        return None
    except yaml.YAMLError as error:
        report.add(None, f"YAML error: {error}")
        return None
    except RecursionError:
        report.add(None, NESTED_TOO_DEEPLY)
        return None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        keys = ", ".join(model.model_fields)
        report.add(None, f"the file is empty; it should be a mapping with keys {keys}")
        return None
    try:
        return _build(node, (), loader, report)
    except RecursionError:
        report.add(None, NESTED_TOO_DEEPLY)
        return None


def _build(node: yaml.Node, path: tuple, loader: _Loader, report: _Report) -> Any:
    """Turn a YAML node into Python values, recording where each came from."""
    report.value_marks[path] = node.start_mark
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        first_seen: dict = {}
        for key_node, value_node in node.value:
            key = _build(key_node, path + ("<key>",), loader, report)
            if not isinstance(key, (str, int, bool, float, date)) or key is None:
                report.add(key_node.start_mark, "a key must be a plain word, not a list or mapping")
                continue
            if key in first_seen:
                report.add(
                    key_node.start_mark,
                    f"duplicate key '{key}' (first given on line {first_seen[key]}); keep one",
                )
                continue
            first_seen[key] = key_node.start_mark.line + 1
            report.key_marks[path + (key,)] = key_node.start_mark
            result[key] = _build(value_node, path + (key,), loader, report)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), loader, report) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError) as error:
        report.add(node.start_mark, f"cannot read the value {node.value!r}: {_reason(error)}")
        report.refused.add((node.start_mark.line, node.start_mark.column))
        return None


def _reason(error: Exception) -> str:
    return getattr(error, "problem", None) or str(error)


def _validate_shape(data: Any, report: _Report) -> dict[str, list] | None:
    """Check keys and types section by section; the valid items of each section, by index."""
    try:
        TopIn.model_validate(data)
    except ValidationError as error:
        _report_pydantic(error, (), TopIn, report)
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
                _report_pydantic(error, (name, index), model, report)
    return sections


def _model_for(model: type[BaseModel], loc: tuple) -> type[BaseModel]:
    """The model that describes the mapping at ``loc`` inside ``model`` (for 'allowed keys')."""
    for part in loc:
        field = model.model_fields.get(part) or next(
            (f for f in model.model_fields.values() if f.alias == part), None
        )
        annotation = getattr(field, "annotation", None)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
    return model


def _report_pydantic(error: ValidationError, prefix: tuple, model: type[BaseModel], report: _Report) -> None:
    for item in error.errors():
        loc = tuple(item["loc"])
        kind = item["type"]
        path = prefix + loc
        name = next((str(part) for part in reversed(loc) if isinstance(part, str) and part != "[key]"), None)
        where = f"'{name}'" if name else "this value"
        if kind == "missing":
            report.at(path[:-1], f"missing required key '{loc[-1]}'")
        elif kind == "extra_forbidden":
            owner = _model_for(model, loc[:-1])
            allowed = ", ".join(f.alias or n for n, f in owner.model_fields.items())
            report.at(path, f"unknown key '{loc[-1]}'; allowed keys are: {allowed}", key=True)
        elif loc and loc[-1] == "[key]":
            report.at(path[:-1], f"key {loc[-2]!r} must be text", key=True)
        elif kind == "literal_error":
            report.at(path, f"{where} must be one of {item['ctx']['expected']}; got {item['input']!r}")
        elif kind == "string_type" and type(item["input"]) in (int, float):
            report.at(path, f"{where} must be text; got {_describe(item['input'])}; put it in quotes")
        elif kind in TYPE_NAMES:
            report.at(path, f"{where} must be {TYPE_NAMES[kind]}; got {_describe(item['input'])}")
        elif kind == "too_short":
            report.at(path, f"{where} must list at least one item")
        elif kind == "string_pattern_mismatch" and name == "pay_year":
            report.at(path, f"'pay_year' must look like 2025/26; got {item['input']!r}")
        elif kind == "string_pattern_mismatch":
            report.at(
                path,
                f"{where} {item['input']!r} must start with a letter or digit and use only letters, "
                "digits, '_', '-' and '.'",
            )
        else:
            report.at(path, f"{where}: {item['msg'][0].lower()}{item['msg'][1:]}")


def _describe(value: Any) -> str:
    kinds = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
             dict: "a mapping", date: "a date", type(None): "nothing"}
    kind = kinds.get(type(value), type(value).__name__)
    return kind if isinstance(value, (list, dict, type(None))) else f"{kind} {value!r}"


def _check_meaning(data: dict, sections: dict[str, list], report: _Report) -> Framework:
    """Check references, levels, cycles and coverage; build the framework from the valid items."""
    # An item that failed the shape check is already reported; referring to it is not a second mistake.
    rejected = {
        name: {str(ident) for ident in _rejected(data, sections, name) if isinstance(ident, (str, int))}
        for name in ("bands", "domains", "competencies", "roles")
    }
    rejected_levels = {level for level in _rejected(data, sections, "scale", "level") if type(level) is int}
    scale = _check_scale(sections["scale"], report, complete=not _rejected(data, sections, "scale"))
    levels = {level.level for level in scale} | rejected_levels
    top = max(levels, default=None)  # None: no usable scale (already reported), so no range checks

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
    for index, module in sections["modules"]:
        if not module.raises:
            report.at(("modules", index, "raises"), f"module {module.id} raises no competency")
        check_levels(("modules", index, "raises"), module.raises, 1, f"what module {module.id} raises")

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
        roles=tuple(Role(r.id, r.title, r.band, r.family, r.summary, dict(r.requires)) for _, r in roles.values()),
        moves=tuple(Move(m.source, m.target, m.kind, m.months, dict(m.gates)) for _, m in sections["moves"]),
        modules=tuple(
            Module(m.id, m.title, m.mode, m.hours, m.provider, m.thread, dict(m.raises)) for _, m in modules.values()
        ),
    )


def _rejected(data: dict, sections: dict[str, list], section: str, key: str = "id") -> list:
    """The raw ``key`` of each item of ``section`` that failed the shape check (None if it has none)."""
    valid = {index for index, _ in sections[section]}
    items = data.get(section)
    return [
        item.get(key) if isinstance(item, dict) else None
        for index, item in enumerate(items if isinstance(items, list) else [])
        if index not in valid
    ]


def _check_scale(items: list, report: _Report, complete: bool = True) -> tuple[Level, ...]:
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


def _check_cycles(items: list, competencies: dict, report: _Report) -> None:
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


def _check_coverage(sections: dict, competencies: dict, report: _Report, top: int | None, raised: dict) -> None:
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


class PersonIn(_Strict):
    name: Text
    role: str
    protected_hours_per_month: Annotated[float, Field(ge=0.5, le=200)] = 4.0
    months_in_role: Annotated[int, Field(ge=0, le=600)] = 0
    levels: dict[str, int] = {}


def load_person(path: str | os.PathLike, framework: Framework) -> Person:
    """Read a person file (YAML, or JSON when it ends in .json); ``InputError`` lists what is wrong.

    The file holds ``name``, ``role``, optional ``protected_hours_per_month`` and
    ``months_in_role``, and ``levels`` (competency id to level; unlisted competencies are 0).
    """
    filename = os.fspath(path)
    is_json = filename.lower().endswith(".json")
    report = _Report(filename, "person file", located=not is_json)
    text = _read(filename, report, allow_tabs=is_json)
    data = None
    if text is not None:
        data = _parse_json(text, report) if is_json else _parse(text, report, PersonIn)
    person = None
    if data is not None or not report.problems:
        try:
            person = PersonIn.model_validate(data)
        except ValidationError as error:
            _report_pydantic(error, (), PersonIn, report)
    if person is not None:
        if person.role not in framework.role:
            report.at(("role",), f"unknown role '{person.role}'; the roles are: {', '.join(sorted(framework.role))}")
        for competency_id, level in person.levels.items():
            if competency_id not in framework.competency:
                report.at(("levels", competency_id), f"unknown competency '{competency_id}' in levels", key=True)
            elif not 0 <= level <= framework.max_level:
                report.at(("levels", competency_id), f"levels: {competency_id} is {level}, outside the scale (0 to {framework.max_level})")
    if report.problems or person is None:
        raise InputError(report.formatted())
    return Person(
        name=person.name,
        role=person.role,
        levels={c: level for c, level in person.levels.items() if level},
        protected_hours_per_month=person.protected_hours_per_month,
        months_in_role=person.months_in_role,
    )


def _parse_json(text: str, report: _Report) -> Any:
    def no_duplicates(pairs: list) -> dict:
        result = {}
        for key, value in pairs:
            if key in result:
                report.add(None, f"duplicate key '{key}'; keep one")
            result[key] = value
        return result

    try:
        return json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as error:
        report.add(None, f"JSON syntax error at line {error.lineno}, column {error.colno}: {error.msg}")
        return None
    except RecursionError:
        report.add(None, NESTED_TOO_DEEPLY)
        return None


def summary(framework: Framework) -> str:
    """A one-line count of what a framework holds, for ``planner check-framework``."""
    critical = sum(c.critical for c in framework.competencies)
    return (
        f"framework {framework.version}: {len(framework.scale)} levels, {len(framework.bands)} bands, "
        f"{len(framework.domains)} domains, {len(framework.competencies)} competencies ({critical} critical), "
        f"{len(framework.roles)} roles, {len(framework.moves)} moves, {len(framework.modules)} modules"
    )
