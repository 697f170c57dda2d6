"""The core stays pure: nothing but the standard library, networkx and the core itself, no clock."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "planner" / "core"
ALLOWED = set(sys.stdlib_module_names) | {"networkx", "planner", "__future__"}
CLOCK = {("date", "today"), ("datetime", "today"), ("datetime", "now"), ("datetime", "utcnow"),
         ("time", "time"), ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime")}


def imported_modules(path: Path) -> list[str]:
    """Every module a file imports; a relative import is named from the core (``planner.core.x``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.ImportFrom):
            package = ["planner", "core"][: max(3 - node.level, 0)]  # `.x` is planner.core.x, `..x` planner.x
            names.append(".".join(package + ([node.module] if node.module else [])) or ".")
    return names


def clock_reads(path: Path) -> list[str]:
    """Calls that read the clock, such as ``date.today()`` or ``time.time()``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{node.func.value.id}.{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and (node.func.value.id, node.func.attr) in CLOCK
    ]


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_core_module_imports_only_stdlib_networkx_and_core(path):
    for name in imported_modules(path):
        top = name.split(".")[0]
        assert top in ALLOWED, f"{path.name} imports {name}"
        if top == "planner":
            assert name.startswith("planner.core"), f"{path.name} imports {name} from outside the core"


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_core_module_never_reads_the_clock(path):
    assert clock_reads(path) == [], f"{path.name} reads the clock; take `today` as a parameter"


def test_the_checks_catch_shell_imports_relative_escapes_and_clock_reads(tmp_path):
    impure = tmp_path / "impure.py"
    impure.write_text(
        "import flask\nfrom sqlalchemy import select\nfrom ..frameworks import load_framework\n"
        "from .tna import analyse_needs\nimport time\n"
        "def f():\n    return date.today(), datetime.now(), time.time(), today()\n"
    )
    assert imported_modules(impure) == ["flask", "sqlalchemy", "planner.frameworks", "planner.core.tna", "time"]
    assert not {"flask", "sqlalchemy"} & ALLOWED
    assert clock_reads(impure) == ["date.today()", "datetime.now()", "time.time()"]
