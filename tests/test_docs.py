"""The README is a contract: its tables and command docs must match the code."""

from __future__ import annotations

import re

import click
import pytest

from nypconsol.cli import cli
from nypconsol.core.errors import ExitCode
from nypconsol.core.findings import CODES
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _table_after(heading: str) -> list[list[str]]:
    section = README.split(heading, 1)[1]
    rows = []
    for line in section.splitlines()[1:]:
        if not line.strip():
            if rows:
                break
            continue
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if set(cells[0]) <= {"-", " "}:
            continue
        rows.append(cells)
    return rows[1:]  # drop the header row


def test_finding_codes_table_matches_the_code():
    rows = _table_after("## Finding codes")
    documented = {row[0].strip("`"): (row[1], row[2]) for row in rows}
    expected = {code: (sev.value, text) for code, (sev, text) in CODES.items()}
    assert documented == expected


def test_exit_codes_table_matches_the_enum():
    rows = _table_after("## Exit codes")
    documented = {int(row[0]): row[1] for row in rows}
    assert documented == {code.value: code.name for code in ExitCode}


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_and_option_is_in_the_readme(name):
    command = cli.commands[name]
    assert f"### `nypconsol {name}" in README
    section = README.split(f"### `nypconsol {name}", 1)[1].split("\n### ", 1)[0]
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            if set(param.opts) & {"--help", "--version", "--no-color"}:
                continue  # documented once for every command
            found = [
                o for o in param.opts if re.search(r"(?<![\w-])" + re.escape(o) + r"\b", section)
            ]
            assert found, (name, param.opts)


def test_the_command_reference_is_generated_from_the_help():
    """docs/cli.md is what every command's --help says; regenerate it with
    python docs/cli_reference.py > docs/cli.md"""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "cli_reference", REPO / "docs" / "cli_reference.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (REPO / "docs" / "cli.md").read_text(encoding="utf-8") == module.reference()


def test_the_module_map_names_every_module():
    """README's "How it works" has a line for every module (cli/<command>.py as one line)."""
    import fnmatch

    section = README.split("## How it works", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([a-z_/*]+\.py)`", section))
    commands = re.search(r"`cli/<command>\.py` \| one module per command: (.*) \|", section)
    named |= {f"cli/{name}.py" for name in re.findall(r"`(\w+)`", commands.group(1))}
    package = REPO / "nypconsol"
    missing = [
        path.relative_to(package).as_posix()
        for path in sorted(package.rglob("*.py"))
        if path.name not in ("__init__.py", "__main__.py")
        and not any(
            fnmatch.fnmatch(path.relative_to(package).as_posix(), pattern) for pattern in named
        )
    ]
    assert missing == [], f"add these to README's module map: {missing}"
