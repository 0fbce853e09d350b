"""``nypconsol diff``: compare two plan files."""

from __future__ import annotations

import click

from nypconsol.cli import batch_process
from nypconsol.cli.edge import exit_with
from nypconsol.cli.options import format_option, version_option
from nypconsol.cli.output import emit
from nypconsol.core.errors import ExitCode


@click.command()
@click.argument("old", metavar="OLD.json")
@click.argument("new", metavar="NEW.json")
@format_option(
    "drift",
    choices=("text", "markdown", "json"),
    default="text",
    help="text for people, markdown for a pull-request comment, json for tools.",
)
@version_option
def diff(old, new, fmt):  # type: ignore[no-untyped-def]
    """Compare two plan files: accounts added, removed and changed, and plan settings.

    Exit 0 when they plan the same, 3 when they differ, 1 when a file is not a plan. Either
    may be - to read it from standard input.
    """
    batch_process()
    from nypconsol.core.drift import compare_plans
    from nypconsol.loaders.planfile import read_plan
    from nypconsol.render.registry import render

    if old == new == "-":
        raise click.UsageError("only one of OLD and NEW can be - (standard input)")
    from nypconsol.cli.output import stdin_not_a_terminal

    stdin_not_a_terminal(old, new)
    before, after = read_plan(old), read_plan(new)
    drift = compare_plans(
        before.document, after.document, old_name=before.path, new_name=after.path, checked=True
    )
    emit(render("drift", fmt, drift), None)
    return exit_with(ExitCode.OK if drift.equal else ExitCode.DRIFT)
