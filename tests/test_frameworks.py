"""Malformed framework and person files: every problem is found, placed and explained.

Each case edits the text of ``frameworks/small.yaml`` (a framework that passes every check),
then checks the file directly and through ``planner check-framework``. A case lists every
problem the edited file must produce, in order, as ``(line, column, message)``; where an edit
moves lines, the place is given instead as ``(text, message)``: the unique piece of the edited
file that starts where the problem is reported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.core.errors import InputError
from planner.frameworks import check_framework, load_framework
from planner.people import load_person

SMALL_PATH = Path(__file__).parent / "frameworks" / "small.yaml"
SMALL = SMALL_PATH.read_text()
LAST_LINE = "    raises: {HRF-01: 3}\n"
TOP_KEYS = "version, valid_from, scale, bands, domains, competencies, roles, moves, modules, qualifications, quiz"
PADDING = 1_000_000 - len(SMALL.encode())  # a comment of this many bytes plus its newline: one byte too many


def edited(edits: dict[str, str], text: str = SMALL) -> str:
    """``text`` with each key replaced by its value; each key must occur exactly once."""
    for old, new in edits.items():
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times, not once"
        text = text.replace(old, new)
    return text


def place(text: str, where: tuple) -> tuple[int, int]:
    """The (line, column) of ``where``: given as numbers, or as a unique piece of ``text``."""
    if isinstance(where[0], int):
        return where
    (piece,) = where
    assert text.count(piece) == 1, f"{piece!r} occurs {text.count(piece)} times, not once"
    before = text[: text.index(piece)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def case(name: str, edits: dict[str, str], *problems: tuple, marks=()):
    return pytest.param(edits, problems, id=name, marks=marks)


# A valid quiz (ten questions) and one qualification, appended to small.yaml by the quiz and
# qualification cases; ``with_quiz`` first applies its own edits to the quiz's text.
QUIZ = (Path(__file__).parent / "frameworks" / "quiz.yaml").read_text()
QUALIFICATIONS = (
    "qualifications:\n"
    "  - {id: cipd_l3, title: CIPD Level 3, kind: cipd, level: 3, awarding_body: CIPD, description: The entry qualification.}\n"
)
EXTRA_QUESTIONS = "".join(
    f"  - id: x{n}\n    scenario: Extra {n}.\n    answers:\n"
    f"      - {{id: a, text: Extra answer {n}a., weights: {{rota: 1}}, reason: R.}}\n"
    f"      - {{id: b, text: Extra answer {n}b., weights: {{lead: 1}}, reason: R.}}\n"
    for n in range(6)
)


def with_quiz(quiz_edits: dict[str, str] | None = None, **edits: str) -> dict[str, str]:
    """Edits appending the qualification and the quiz, the quiz edited by ``quiz_edits``."""
    return {LAST_LINE: LAST_LINE + QUALIFICATIONS + edited(quiz_edits or {}, QUIZ), **edits}


CASES = [
    # The file as a whole
    case("empty-file", {SMALL: ""}, (1, 1, f"the file is empty; it should be a mapping with keys {TOP_KEYS}")),
    case("only-a-comment", {SMALL: "# to do\n"}, (1, 1, f"the file is empty; it should be a mapping with keys {TOP_KEYS}")),
    case("over-1-MB", {LAST_LINE: LAST_LINE + "#" * PADDING + "\n"},
         (1, 1, "the file is 1,000,001 bytes; a framework file may be at most 1,000,000 bytes")),
    case("not-utf-8", {"provider: CIPD": "provider: CIPD \udca9"}, (76, 20, "the file is not UTF-8 text (byte 0xa9); save it as UTF-8")),
    case("control-character", {"provider: CIPD": "provider: CIPD\x07"}, (76, 19, "the character #x0007 is not allowed; remove it")),
    case("a-list-not-a-mapping", {SMALL: "- version\n- scale\n"}, (1, 1, "this value must be a mapping of key: value pairs; got a list")),
    # YAML syntax and tabs
    case("yaml-unclosed-bracket", {'version: "test-1"': 'version: ["test-1"'},
         (3, 1, "YAML syntax error: expected ',' or ']', but got '<scalar>' (while parsing a flow sequence on line 2)")),
    case("yaml-missing-comma", {"{level: 2, label": "{level: 2 label"}, (7, 20, "YAML syntax error: expected ',' or '}', but got ':'")),
    case("tab-indent", {"    name: Rota rules\n": "\tname: Rota rules\n"}, (19, 1, "tab character; indent and separate with spaces")),
    case("tab-after-colon", {"    hours: 6\n": "    hours:\t6\n"}, (61, 11, "tab character; indent and separate with spaces")),
    # Anchors and aliases are refused where they are, not expanded
    case("anchor-and-alias", {"requires: {ROT-01: 1, HRF-01: 1}": "requires: &needs {ROT-01: 1, HRF-01: 1}",
                              "requires: {ROT-01: 2, ROT-02: 2}": "requires: *needs"},
         (41, 15, "YAML anchors (&needs) are not allowed; write each value out in full"),
         (47, 15, "YAML aliases (*needs) are not allowed; write the value out in full")),
    # Duplicate keys anywhere
    case("duplicate-top-level-key", {'version: "test-1"\n': 'version: "test-1"\nversion: "test-2"\n'},
         (3, 1, "duplicate key 'version' (first given on line 2); keep one")),
    case("duplicate-key-in-competency", {"    name: Rota design\n": "    name: Rota design\n    name: Rota planning\n"},
         (26, 5, "duplicate key 'name' (first given on line 25); keep one")),
    case("duplicate-key-in-requires", {"{ROT-01: 2, ROT-02: 2}": "{ROT-01: 2, ROT-02: 2, ROT-01: 3}"},
         (47, 38, "duplicate key 'ROT-01' (first given on line 47); keep one")),
    case("duplicate-key-in-raises", {"raises: {ROT-02: 3}": "raises: {ROT-02: 3, ROT-02: 2}"},
         (71, 25, "duplicate key 'ROT-02' (first given on line 71); keep one")),
    # Unknown keys
    case("unknown-top-level-key", {'version: "test-1"\n': 'version: "test-1"\nowner: Rota team\n'},
         (3, 1, f"unknown key 'owner'; allowed keys are: {TOP_KEYS}")),
    case("unknown-key-pay.middle", {"pay: {entry: 27485, top": "pay: {entry: 27485, middle: 28000, top"},
         (12, 56, "unknown key 'middle'; allowed keys are: entry, top")),
    case("unknown-key-in-competency", {"    critical: true\n": "    critical: true\n    colour: red\n"},
         (24, 5, "unknown key 'colour'; allowed keys are: id, name, description, domain, specialist, requires, critical, ksf, source")),
    case("unknown-key-in-move", {"months: 18, gates:": "months: 18, gate:"},
         ("gate: {HRF-01", "unknown key 'gate'; allowed keys are: from, to, kind, months, gates, desirable")),
    # Wrong types
    case("level-as-text", {"{level: 3,": "{level: three,"}, (8, 13, "'level' must be a whole number; got text 'three'")),
    case("hours-as-text", {"    hours: 7\n": "    hours: seven\n"}, (68, 12, "'hours' must be a number; got text 'seven'")),
    case("specialist-yes", {"    specialist: false\n": '    specialist: "yes"\n'}, (34, 17, "'specialist' must be true or false; got text 'yes'")),
    case("requires-as-mapping", {"requires: [ROT-01]": "requires: {ROT-01: 2}"}, (29, 15, "'requires' must be a list; got a mapping")),
    case("role-requires-as-list", {"requires: {ROT-01: 1, HRF-01: 1}": "requires: [ROT-01, HRF-01]"},
         (41, 15, "'requires' must be a mapping of key: value pairs; got a list")),
    case("band-id-unquoted-number", {'{id: "4",': "{id: 4,"}, (12, 10, "'id' must be text; got a number 4; put it in quotes")),
    case("role-band-unquoted-number", {'    band: "4"\n': "    band: 4\n"}, (44, 11, "'band' must be text; got a number 4; put it in quotes")),
    case("required-level-as-text", {"{ROT-01: 1, HRF-01: 1}": "{ROT-01: one, HRF-01: 1}"},
         (41, 24, "'ROT-01' must be a whole number; got text 'one'")),
    case("valid-from-not-a-date", {"valid_from: 2026-04-01": "valid_from: April 2026"},
         (3, 13, "'valid_from' must be a date like 2026-04-01; got text 'April 2026'")),
    case("valid-from-impossible-date", {"valid_from: 2026-04-01": "valid_from: 2026-02-30"},
         (3, 13, "cannot read the value '2026-02-30': day is out of range for month")),
    case("pay-year-format", {'{id: "5", pay_year: "2025/26"': '{id: "5", pay_year: "2025"'},
         (13, 25, "'pay_year' must look like 2025/26; got '2025'")),
    case("id-with-a-space", {"  - id: T03\n": "  - id: T 03\n"},
         (72, 9, "'id' 'T 03' must start with a letter or digit and use only letters, digits, '_', '-' and '.'")),
    case("empty-roles-section", {"roles:\n  - id: admin\n": "roles: []\nold_roles:\n  - id: admin\n"},
         (35, 8, "'roles' must list at least one item"),
         (36, 1, f"unknown key 'old_roles'; allowed keys are: {TOP_KEYS}"),
         ("admin, to: rota", "unknown role 'admin' in a move"),
         ("rota, kind: promotion, months: 12", "unknown role 'rota' in a move"),
         ("rota, to: lead", "unknown role 'rota' in a move"),
         ("lead, kind", "unknown role 'lead' in a move")),
    # Missing required keys
    case("missing-section-moves", {SMALL[SMALL.index("moves:\n"):SMALL.index("modules:\n")]: ""},
         (2, 1, "missing required key 'moves'")),
    case("missing-competency-description", {"    description: Applies the essentials of employment law.\n": ""},
         (30, 5, "missing required key 'description'")),
    case("missing-module-hours", {"    hours: 3\n": ""}, (72, 5, "missing required key 'hours'")),
    # Duplicate ids
    case("duplicate-band-id", {'  - {id: "5"': '  - {id: "4", pay_year: "2025/26", pay: {entry: 27485, top: 30162}}\n  - {id: "5"'},
         (13, 10, "duplicate band id '4' (first on line 12)")),
    case("duplicate-domain-id", {"kind: general}\n": "kind: general}\n  - {id: HRF, name: HR again, kind: general}\n"},
         (17, 10, "duplicate domain id 'HRF' (first on line 16)")),
    case("duplicate-competency-id",
         {"roles:\n": "  - id: ROT-01\n    name: Rota again\n    description: A copy.\n    domain: ROT\n    specialist: true\nroles:\n"},
         ("ROT-01\n    name: Rota again", "duplicate competency id 'ROT-01' (first on line 18)")),
    case("duplicate-role-id",
         {"moves:\n": "  - id: rota\n    title: Rota Coordinator\n    band: \"4\"\n    family: Rotas\n    summary: A copy.\nmoves:\n"},
         ("rota\n    title: Rota Coordinator\n    band: \"4\"\n    family: Rotas\n    summary: A copy.", "duplicate role id 'rota' (first on line 42)")),
    case("duplicate-module-id",
         {LAST_LINE: LAST_LINE + "  - {id: T01, title: Refresher, mode: webinar, hours: 1, provider: CIPD, thread: E, raises: {ROT-01: 1}}\n"},
         (79, 10, "duplicate module id 'T01' (first on line 58)")),
    # References to things that do not exist, naming them
    case("role-requires-unknown-competency", {"{ROT-01: 1, HRF-01: 1}": "{ROT-01: 1, HRF-09: 1}"},
         (41, 27, "unknown competency 'HRF-09' in the requirements of role admin")),
    case("module-raises-unknown-competency", {"raises: {HRF-01: 3}": "raises: {HRF-01: 3, HRF-02: 1}"},
         (78, 25, "unknown competency 'HRF-02' in what module T03 raises")),
    case("gate-on-unknown-competency", {"gates: {HRF-01: 3}": "gates: {HRF-01: 3, PAY-01: 2}"},
         (56, 76, "unknown competency 'PAY-01' in the gates of the move from rota to lead")),
    case("unknown-prerequisite", {"requires: [ROT-01]": "requires: [ROT-01, ROT-03]"},
         (29, 24, "unknown competency 'ROT-03' in the prerequisites of ROT-02")),
    case("move-from-unknown-role", {"{from: admin,": "{from: clerk,"}, (55, 12, "unknown role 'clerk' in a move")),
    case("move-to-unknown-role", {"to: lead,": "to: boss,"}, (56, 22, "unknown role 'boss' in a move")),
    case("unknown-domain", {"    domain: HRF\n": "    domain: HR\n"}, (33, 13, "unknown domain 'HR' for competency HRF-01")),
    case("unknown-band", {'    band: "5"\n': '    band: "6"\n'}, (50, 11, "unknown band '6' for role lead; bands are 3, 4, 5")),
    # Levels outside the scale
    case("role-requires-level-5", {"HRF-01: 2}": "HRF-01: 5}"},
         (53, 46, "level 5 for HRF-01 in the requirements of role lead is outside the scale (0 to 4)")),
    case("module-raises-level-0", {"raises: {ROT-02: 3}": "raises: {ROT-02: 3, ROT-01: 0}"},
         (71, 33, "level 0 for ROT-01 in what module T02 raises must be at least 1")),
    case("module-raises-level-minus-1", {"raises: {HRF-01: 3}": "raises: {HRF-01: 3, ROT-02: -1}"},
         (78, 33, "level -1 for ROT-02 in what module T03 raises is outside the scale (0 to 4)")),
    case("gate-level-9", {"gates: {HRF-01: 3}": "gates: {HRF-01: 9}"},
         (56, 73, "level 9 for HRF-01 in the gates of the move from rota to lead is outside the scale (0 to 4)")),
    # The scale, pay and moves
    case("scale-with-a-gap", {"  - {level: 3, label: Proficient, descriptor: Handles the difficult cases.}\n": ""},
         (8, 13, "scale level 3 is missing; levels must run 0, 1, 2 … without gaps (got 0, 1, 2, 4)")),  # level 4 moves up to line 8
    case("entry-pay-above-top-pay", {"entry: 31049": "entry: 39000"}, (13, 41, "band 5: entry pay 39,000 is above top pay 37,796")),
    case("move-to-itself", {"{from: admin, to: rota,": "{from: admin, to: admin,"}, (55, 23, "a move cannot lead from role admin to itself")),
    case("duplicate-move", {"gates: {HRF-01: 3}}\n": "gates: {HRF-01: 3}}\n  - {from: rota, to: lead, kind: promotion, months: 24}\n"},
         (57, 5, "duplicate promotion move from rota to lead (first on line 56)")),
    case("general-competency-in-a-specialist-domain", {"    domain: HRF\n    specialist: false": "    domain: ROT\n    specialist: false"},
         (34, 17, "competency HRF-01 is general but its domain ROT is specialist; change one, or make the domain mixed")),
    case("module-raises-nothing", {"    raises: {HRF-01: 3}": "    raises: {}"},
         (41, 35, "role admin requires HRF-01 at level 1, but no module raises HRF-01 to level 1 (no module raises it at all); add a module or lower the level"),
         (53, 46, "role lead requires HRF-01 at level 2, but no module raises HRF-01 to level 2 (no module raises it at all); add a module or lower the level"),
         (56, 73, "the move from rota to lead needs HRF-01 at level 3, but no module raises HRF-01 to level 3 (no module raises it at all); add a module or lower the level"),
         (78, 13, "module T03 raises no competency")),
    case("one-level-scale", {"  - {level: 1, label: Aware, descriptor: Knows where the guidance is.}\n"
                             "  - {level: 2, label: Practitioner, descriptor: Does the standard work unaided.}\n"
                             "  - {level: 3, label: Proficient, descriptor: Handles the difficult cases.}\n"
                             "  - {level: 4, label: Expert, descriptor: Sets local policy.}\n": ""},
         (5, 3, "the scale needs at least levels 0 and 1")),
    case("duplicate-scale-level", {"  - {level: 4, label: Expert": "  - {level: 3, label: Expert"}, (9, 13, "duplicate scale level 3")),
    case("prerequisite-not-raisable-to-2", {"    raises: {ROT-01: 3}": "    raises: {ROT-01: 1}"},
         (29, 16, "ROT-01 is a prerequisite of ROT-02, so it must be raisable to level 2, but no module raises ROT-01 to level 2 (the highest is 1); add a module or lower the level"),
         (47, 24, "role rota requires ROT-01 at level 2, but no module raises ROT-01 to level 2 (the highest is 1); add a module or lower the level"),
         (53, 24, "role lead requires ROT-01 at level 3, but no module raises ROT-01 to level 3 (the highest is 1); add a module or lower the level")),
    case("list-as-a-key", {'version: "test-1"': '[a, b]: 1\nversion: "test-1"'}, (2, 1, "a key must be a plain word, not a list or mapping")),
    case("number-as-a-competency-key", {"requires: {ROT-01: 1, HRF-01: 1}": "requires: {ROT-01: 1, 7: 1}"}, (41, 27, "key 7 must be text")),
    # Values outside a fixed list
    case("bad-move-kind", {"kind: promotion, months: 12": "kind: promoted, months: 12"},
         (55, 35, "'kind' must be one of 'promotion', 'lateral', 'secondment', 'acting_up' or 'cross_over'; got 'promoted'")),
    case("bad-domain-kind", {"kind: general}": "kind: generic}"},
         (16, 43, "'kind' must be one of 'specialist', 'general' or 'mixed'; got 'generic'")),
    case("bad-thread", {"    thread: A\n": "    thread: Z\n"}, (77, 13, "'thread' must be one of 'T', 'H', 'R', 'E', 'A' or 'D'; got 'Z'")),
    # Prerequisites and coverage
    case("competency-is-its-own-prerequisite", {"    specialist: false\n": "    specialist: false\n    requires: [HRF-01]\n"},
         (35, 16, "competency HRF-01 cannot be its own prerequisite")),
    case("two-competency-cycle", {"    critical: true\n": "    critical: true\n    requires: [ROT-02]\n"},
         (24, 15, "prerequisite cycle: ROT-01 → ROT-02 → ROT-01; prerequisites must not loop")),
    case("three-competency-cycle", {"    critical: true\n": "    critical: true\n    requires: [HRF-01]\n",
                                    "    specialist: false\n": "    specialist: false\n    requires: [ROT-02]\n"},
         (24, 15, "prerequisite cycle: ROT-01 → ROT-02 → HRF-01 → ROT-01; prerequisites must not loop")),
    case("required-level-no-module-reaches", {"raises: {ROT-02: 3}": "raises: {ROT-02: 2}"},
         (53, 35, "role lead requires ROT-02 at level 3, but no module raises ROT-02 to level 3 (the highest is 2); "
                  "add a module or lower the level")),
    case("no-module-raises-a-required-competency", {"raises: {HRF-01: 3}": "raises: {ROT-01: 1}"},
         (41, 35, "role admin requires HRF-01 at level 1, but no module raises HRF-01 to level 1 (no module raises it at all); "
                  "add a module or lower the level"),
         (53, 46, "role lead requires HRF-01 at level 2, but no module raises HRF-01 to level 2 (no module raises it at all); "
                  "add a module or lower the level"),
         (56, 73, "the move from rota to lead needs HRF-01 at level 3, but no module raises HRF-01 to level 3 "
                  "(no module raises it at all); add a module or lower the level")),
    # Professional qualifications, desirable on roles and moves
    case("role-desirable-unknown-qualification",
         {LAST_LINE: LAST_LINE + QUALIFICATIONS,
          "    summary: Builds and publishes rotas.\n": "    summary: Builds and publishes rotas.\n    desirable: [cipd_l3, cipd_l9]\n"},
         ("cipd_l9]", "unknown qualification 'cipd_l9' in the desirable qualifications of role rota; the qualifications are: cipd_l3")),
    case("move-desirable-unknown-qualification",
         {LAST_LINE: LAST_LINE + QUALIFICATIONS, "kind: promotion, months: 12}": "kind: promotion, months: 12, desirable: [cipd_l5]}"},
         ("cipd_l5]", "unknown qualification 'cipd_l5' in the move from admin to rota; the qualifications are: cipd_l3")),
    case("desirable-with-no-qualifications-listed",
         {"    summary: Builds and publishes rotas.\n": "    summary: Builds and publishes rotas.\n    desirable: [cipd_l5]\n"},
         ("cipd_l5]", "unknown qualification 'cipd_l5' in the desirable qualifications of role rota; "
                      "the qualifications are: none are listed under 'qualifications'")),
    case("duplicate-qualification-id", {LAST_LINE: LAST_LINE + QUALIFICATIONS + QUALIFICATIONS.removeprefix("qualifications:\n")},
         (81, 10, "duplicate qualification id 'cipd_l3' (first on line 80)")),
    # The quiz
    case("quiz-weight-towards-an-unknown-role", with_quiz({"rota 4., weights: {rota: 3}": "rota 4., weights: {pilot: 3}"}),
         ("pilot: 3}", "unknown role 'pilot' in the weights of answer a to quiz question q04")),
    case("quiz-duplicate-question-id", with_quiz({"  - id: q05\n": "  - id: q04\n"}),
         ("q04\n    scenario: Situation 5", "duplicate quiz question id 'q04' (first on line 102)")),
    case("quiz-duplicate-answer-id", with_quiz({"{id: c, text: Put record 6": "{id: a, text: Put record 6"}),
         ("a, text: Put record 6", "duplicate answer id 'a' in quiz question q06")),
    case("quiz-weight-above-3", with_quiz({"record 7 straight., weights: {admin: 2}": "record 7 straight., weights: {admin: 4}"}),
         ("4}, reason: You like tidy records.", "'admin': input should be less than or equal to 3")),
    case("quiz-weight-0", with_quiz({"record 7 straight., weights: {admin: 2}": "record 7 straight., weights: {admin: 0}"}),
         ("0}, reason: You like tidy records.", "'admin': input should be greater than or equal to 1")),
    case("quiz-answer-leaning-nowhere", with_quiz({"record 7 straight., weights: {admin: 2}": "record 7 straight., weights: {}"}),
         ("{}, reason", "'weights' must list at least one item")),
    case("quiz-too-few-questions", with_quiz({QUIZ[QUIZ.index("  - id: q10"):]: ""}),
         ("- id: q01", "the quiz has 9 questions; give between 10 and 15, or leave the quiz out")),
    case("quiz-too-many-questions", {LAST_LINE: LAST_LINE + QUALIFICATIONS + QUIZ + EXTRA_QUESTIONS},
         ("- id: q01", "the quiz has 16 questions; give between 10 and 15, or leave the quiz out")),
    case("quiz-question-with-one-answer",
         with_quiz({QUIZ[QUIZ.index("      - {id: b, text: Lead the team through problem 3."):QUIZ.index("  - id: q04")]: ""}),
         ("- {id: a, text: Fill the gap in rota 3.", "'answers' must list at least 2 items")),
]


def run_check(path: Path):
    """``planner check-framework PATH`` through Click's runner."""
    result = CliRunner().invoke(cli, ["check-framework", str(path)])
    assert "Traceback" not in result.output + result.stderr
    return result


def test_the_starting_file_passes_every_check():
    framework, problems = check_framework(SMALL_PATH)
    assert problems == [] and framework is not None
    assert run_check(SMALL_PATH).exit_code == 0


@pytest.mark.parametrize(("edits", "problems"), CASES)
def test_a_malformed_framework_reports_each_problem_where_it_is(tmp_path, edits, problems):
    text = edited(edits)
    path = tmp_path / "framework.yaml"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    expected = [f"{path}:{line}:{column}: {problem[-1]}" for problem in problems for line, column in [place(text, problem[:-1])]]

    framework, found = check_framework(path)
    assert framework is None
    assert found == expected

    result = run_check(path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == expected + [f"{len(expected)} problem(s) found in {path}."]


def test_the_table_covers_at_least_thirty_cases():
    assert len(CASES) >= 30 and len({c.id for c in CASES}) == len(CASES)


def test_a_file_of_exactly_1_MB_is_read(tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_text(edited({LAST_LINE: LAST_LINE + "#" * (PADDING - 1) + "\n"}))
    assert path.stat().st_size == 1_000_000
    assert check_framework(path)[1] == []


def test_every_problem_in_every_section_is_reported_in_one_run_sorted_by_line(tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_text(edited({
        "modules:\n": "modules:\n  - {id: T09, title: Extra, mode: course, hours: 2, provider: CIPD, thread: Q, raises: {ROT-01: 1}}\n",
        "{from: admin, to: rota,": "{from: admin, to: astronaut,",
        '    band: "5"\n': '    band: "9"\n',
        "    domain: HRF\n": "    domain: HRX\n",
        "entry: 24937": "entry: 99999",
        'version: "test-1"': "version: 1",
    }))
    expected = [
        f"{path}:2:10: 'version' must be text; got a number 1; put it in quotes",
        f"{path}:11:41: band 3: entry pay 99,999 is above top pay 26,598",
        f"{path}:33:13: unknown domain 'HRX' for competency HRF-01",
        f"{path}:50:11: unknown band '9' for role lead; bands are 3, 4, 5",
        f"{path}:55:23: unknown role 'astronaut' in a move",
        f"{path}:58:77: 'thread' must be one of 'T', 'H', 'R', 'E', 'A' or 'D'; got 'Q'",
    ]
    framework, problems = check_framework(path)
    assert framework is None and problems == expected
    result = run_check(path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == expected + [f"6 problem(s) found in {path}."]


BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""

# Run in a child process, so that a loader that did expand the aliases fails the test on the
# timeout instead of hanging the whole suite.
TIMED_CHECK = """\
import json, sys, time
from planner.frameworks import check_framework
start = time.perf_counter()
framework, problems = check_framework(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - start, "problems": problems}))
"""


def test_a_billion_laughs_document_is_refused_quickly_without_expansion(tmp_path):
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS)
    done = subprocess.run([sys.executable, "-c", TIMED_CHECK, str(path)], capture_output=True, text=True, timeout=30, check=True)
    report = json.loads(done.stdout)
    assert report["seconds"] < 2
    problems = report["problems"]
    assert f"{path}:1:4: YAML anchors (&a) are not allowed; write each value out in full" in problems
    assert f"{path}:9:8: YAML aliases (*h) are not allowed; write the value out in full" in problems
    # Each anchor and alias once, where it is written, never once per expansion; then the keys.
    assert sum("YAML anchors" in p for p in problems) == 9
    assert sum("YAML aliases" in p for p in problems) == 8 * 9
    assert sum("unknown key" in p for p in problems) == 9 and sum("missing required key" in p for p in problems) == 9
    assert len(problems) == 9 + 8 * 9 + 9 + 9


# Person files, checked against small.yaml's framework.
PERSON = """\
name: Sam Okafor
role: rota
protected_hours_per_month: 4
months_in_role: 3
levels:
  ROT-01: 2
  HRF-01: 1
"""
PERSON_JSON = '{"name": "Sam Okafor", "role": "rota", "levels": {"ROT-01": 2}}'
PERSON_KEYS = "name, role, protected_hours_per_month, months_in_role, levels"


def person_case(name: str, suffix: str, text: str, *problems: str):
    """Each problem follows ``FILE:``: ``LINE:COL: message`` for YAML; JSON's messages say where themselves."""
    return pytest.param(suffix, text, problems, id=name)


PERSON_CASES = [
    person_case("yaml-syntax-error", ".yaml", edited({"role: rota": "role: [rota"}, PERSON),
                "3:26: YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence on line 2)"),
    person_case("empty-yaml", ".yaml", "", f"1:1: the file is empty; it should be a mapping with keys {PERSON_KEYS}"),
    person_case("unknown-role", ".yaml", edited({"role: rota": "role: astronaut"}, PERSON),
                "2:7: unknown role 'astronaut'; the roles are: admin, lead, rota"),
    person_case("unknown-competency", ".yaml", edited({"  HRF-01: 1": "  HRF-07: 1"}, PERSON), "7:3: unknown competency 'HRF-07' in levels"),
    person_case("level-above-the-scale", ".yaml", edited({"  HRF-01: 1": "  HRF-01: 5"}, PERSON),
                "7:11: levels: HRF-01 is 5, outside the scale (0 to 4)"),
    person_case("level-below-the-scale", ".yaml", edited({"  ROT-01: 2": "  ROT-01: -1"}, PERSON),
                "6:11: levels: ROT-01 is -1, outside the scale (0 to 4)"),
    person_case("hours-as-text", ".yaml", edited({"per_month: 4": "per_month: four"}, PERSON),
                "3:28: 'protected_hours_per_month' must be a number; got text 'four'"),
    person_case("unknown-key", ".yaml", PERSON + "grade: 4\n", f"8:1: unknown key 'grade'; allowed keys are: {PERSON_KEYS}"),
    person_case("duplicate-yaml-key", ".yaml", PERSON + "role: lead\n", "8:1: duplicate key 'role' (first given on line 2); keep one"),
    person_case("json-syntax-error", ".json", edited({'"rota",': '"rota"'}, PERSON_JSON),
                " JSON syntax error at line 1, column 39: Expecting ',' delimiter"),
    person_case("json-duplicate-key", ".json", edited({'"role": "rota",': '"role": "rota", "role": "lead",'}, PERSON_JSON),
                " duplicate key 'role'; keep one"),
    person_case("json-unknown-competency", ".json", edited({'"ROT-01"': '"ROT-99"'}, PERSON_JSON), " unknown competency 'ROT-99' in levels"),
    person_case("null-yaml", ".yaml", "~\n", "1:1: this value must be a mapping of key: value pairs; got nothing"),
    person_case("null-json", ".json", "null", " this value must be a mapping of key: value pairs; got nothing"),
    person_case("deeply-nested-json", ".json", "[" * 100_000, " lists or mappings are nested too deeply; a few levels are all a file needs"),
    person_case("too-little-protected-time", ".yaml", edited({"per_month: 4": "per_month: 0.1"}, PERSON),
                "3:28: 'protected_hours_per_month': input should be greater than or equal to 0.5"),
    person_case("json-hours-as-text", ".json", edited({'"role": "rota",': '"role": "rota", "protected_hours_per_month": "4",'}, PERSON_JSON),
                " 'protected_hours_per_month' must be a number; got text '4'"),
]


@pytest.fixture(scope="module")
def small_framework():
    return load_framework(SMALL_PATH)


def test_the_starting_person_files_load(tmp_path, small_framework):
    for suffix, text in ((".yaml", PERSON), (".json", PERSON_JSON)):
        path = tmp_path / f"sam{suffix}"
        path.write_text(text)
        person = load_person(path, small_framework)
        assert (person.name, person.role, person.levels["ROT-01"]) == ("Sam Okafor", "rota", 2)


@pytest.mark.parametrize(("suffix", "text", "problems"), PERSON_CASES)
def test_a_malformed_person_file_names_what_to_fix(tmp_path, small_framework, suffix, text, problems):
    path = tmp_path / f"sam{suffix}"
    path.write_text(text)
    with pytest.raises(InputError) as raised:
        load_person(path, small_framework)
    assert raised.value.problems == tuple(f"{path}:{problem}" for problem in problems)



@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("~\n", "1:1: this value must be a mapping of key: value pairs; got nothing", id="null-document"),
        pytest.param("version: " + "[" * 5000 + "\n", "1:1: lists or mappings are nested too deeply; a few levels are all a file needs", id="deep-nesting"),
    ],
)
def test_a_file_with_no_usable_document_is_refused_with_a_message(tmp_path, text, problem):
    path = tmp_path / "odd.yaml"
    path.write_text(text)
    result = run_check(path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{path}:{problem}" in result.stderr


def test_a_huge_scale_level_is_refused_without_building_the_gap_list(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text(edited({"{level: 4, label: Expert": "{level: 30000000, label: Expert"}))
    framework, problems = check_framework(path)
    assert framework is None
    assert any("'level': input should be less than or equal to 10" in p for p in problems)


def test_reading_stops_one_byte_past_the_limit_even_on_an_endless_file():
    framework, problems = check_framework("/dev/zero")
    assert problems == ["/dev/zero:1:1: the file is over 1,000,000 bytes; a framework file may be at most 1,000,000 bytes"]


def test_a_missing_file_is_a_problem_not_a_traceback(tmp_path):
    missing = tmp_path / "nowhere.yaml"
    assert check_framework(missing) == (None, [f"{missing}:1:1: cannot read the framework file: No such file or directory"])
