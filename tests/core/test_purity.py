"""The core stays pure: nothing but the standard library, networkx and the core itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "planner" / "core"
ALLOWED = set(sys.stdlib_module_names) | {"networkx", "planner", "__future__"}


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_core_module_imports_only_stdlib_networkx_and_core(path):
    for name in imported_modules(path):
        top = name.split(".")[0]
        assert top in ALLOWED, f"{path.name} imports {name}"
        if top == "planner":
            assert name.startswith("planner.core"), f"{path.name} imports {name} from outside the core"


def test_the_check_catches_a_shell_import(tmp_path):
    impure = tmp_path / "impure.py"
    impure.write_text("import flask\nfrom sqlalchemy import select\n")
    assert imported_modules(impure) == ["flask", "sqlalchemy"]
    assert not {"flask", "sqlalchemy"} & ALLOWED


def test_core_never_reads_the_clock():
    for path in CORE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "date.today(" not in text and "datetime.now(" not in text, path.name
