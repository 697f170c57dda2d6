"""Person files: who someone is, their role and their levels, for ``planner analyse`` and ``pathways``."""

from __future__ import annotations

import os
from typing import Annotated

from pydantic import Field, ValidationError

from planner.core.errors import InputError
from planner.core.framework import Framework, Person
from planner.datafiles import Report, StrictModel, parse_json, parse_yaml, read_text, report_invalid
from planner.frameworks import Text


class PersonIn(StrictModel):
    """A person file: name, role, optional protected hours and months in role, and levels."""

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
    report = Report(filename, "person file", located=not is_json)
    text = read_text(filename, report, allow_tabs=is_json)
    data = None
    if text is not None:
        data = parse_json(text, report) if is_json else parse_yaml(text, report, PersonIn)
    person = None
    if data is not None or not report.problems:
        try:
            person = PersonIn.model_validate(data)
        except ValidationError as error:
            report_invalid(error, (), PersonIn, report)
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
