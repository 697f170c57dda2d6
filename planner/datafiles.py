"""Reading the files people write (the framework, person files): text, YAML or JSON, and where
each value came from, so that every problem can be reported as ``FILE:LINE:COL: message``.

This is the only module that parses YAML. Duplicate keys, anchors and aliases, tabs and files
over ``MAX_BYTES`` are refused; each problem is collected, never raised, so a file's problems are
all reported in one go.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

MAX_BYTES = 1_000_000
NESTED_TOO_DEEPLY = "lists or mappings are nested too deeply; a few levels are all a file needs"


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


class Report:
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

    def __init__(self, stream, report: Report):
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


def read_text(filename: str, report: Report, allow_tabs: bool = False) -> str | None:
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


def parse_yaml(text: str, report: Report, model: type[BaseModel]) -> Any:
    """The YAML document as Python values, or None with the problems reported; ``model`` names the
    keys an empty file should have had."""
    loader = None
    try:
        loader = _Loader(text, report)
        node = loader.get_single_node()
        if node is None:
            keys = ", ".join(model.model_fields)
            report.add(None, f"the file is empty; it should be a mapping with keys {keys}")
            return None
        return _build(node, (), loader, report)
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


def _build(node: yaml.Node, path: tuple, loader: _Loader, report: Report) -> Any:
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


def report_invalid(error: ValidationError, prefix: tuple, model: type[BaseModel], report: Report) -> None:
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
            least = item["ctx"]["min_length"]
            report.at(path, f"{where} must list at least {'one item' if least == 1 else f'{least} items'}")
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


def parse_json(text: str, report: Report) -> Any:
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


class StrictModel(BaseModel):
    """A model that refuses unknown keys and converts no types: a file says exactly what it means."""

    model_config = ConfigDict(extra="forbid", strict=True)
