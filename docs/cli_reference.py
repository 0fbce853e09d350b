"""Write docs/cli.md, the reference of every command, from the commands' own --help.

    python docs/cli_reference.py > docs/cli.md

tests/test_docs.py regenerates it and fails when docs/cli.md is out of date.
"""

from __future__ import annotations

import os
import sys

from click.testing import CliRunner


def reference() -> str:
    from nypconsol.cli.app import cli

    os.environ["COLUMNS"] = "100"  # the width click wraps help text to
    runner = CliRunner()
    parts = [
        "# Command reference\n\n",
        "Generated from each command's `--help` by `python docs/cli_reference.py > docs/cli.md`;\n",
        "a test fails when it is out of date. The README explains the commands with examples.\n\n",
        "## `nypconsol`\n\n```text\n",
        runner.invoke(cli, ["--help"], prog_name="nypconsol", terminal_width=100).output,
        "```\n",
    ]
    for name in sorted(cli.commands):
        result = runner.invoke(cli, [name, "--help"], prog_name="nypconsol", terminal_width=100)
        parts += [f"\n## `nypconsol {name}`\n\n```text\n", result.output, "```\n"]
    return "".join(parts)


if __name__ == "__main__":
    sys.stdout.write(reference())
