"""The shape of the code (README, "How it works"): data flows one way and every room keeps to its
job. The core imports nothing from the commands, the loaders, the renderers or the outside-world
packages, and no UI, HTTP or SQL library; renderers never import the commands; no module grows
past about 450 lines."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "nypconsol"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "templates" not in p.parts)
MAX_LINES = 450

# room -> the rooms of nypconsol it may import from (besides itself and the package root)
ALLOWED = {
    "core": set(),
    "loaders": {"core"},
    "render": {"core", "schemas"},
    "schemas": set(),
}
# Libraries for people or the outside world, kept out of the core.
NOT_IN_CORE = {
    "click",
    "rich",
    "requests",
    "sqlalchemy",
    "psycopg",
    "jinja2",
    "openpyxl",
    "sqlite3",
}


def _room(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else ""


def _imports(path: Path) -> set[str]:
    """Every module the file imports, at the top or inside functions."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_one_way(path: Path) -> None:
    room = _room(path)
    if room not in ALLOWED:
        return  # cli/ and the outside-world packages may use everything below them
    for name in _imports(path):
        top, _, rest = name.partition(".")
        if top == "nypconsol" and rest:
            other = rest.split(".")[0]
            assert other == room or other in ALLOWED[room] or other == "__init__", (
                f"{path.relative_to(PACKAGE)} imports {name}"
            )
        if room == "core":
            assert top not in NOT_IN_CORE, f"{path.relative_to(PACKAGE)} imports {name}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_too_long_to_read(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {lines} lines: split it"


def test_help_imports_no_command_body_dependencies() -> None:
    """``nypconsol --help`` and ``--version`` stay fast: none of the heavy libraries load."""
    script = (
        "import sys\n"
        "from nypconsol.cli.app import cli\n"
        "try:\n"
        "    cli(['--help'], prog_name='nypconsol')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = {'rich', 'yaml', 'openpyxl', 'orjson', 'requests', 'sqlalchemy', 'jinja2',\n"
        "         'nypconsol.pipeline', 'nypconsol.render.text'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
