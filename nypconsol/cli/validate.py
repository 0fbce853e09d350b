"""``nypconsol validate``: check the inventory and mapping, and report every finding at once."""

from __future__ import annotations

import click

from nypconsol.cli import batch_process
from nypconsol.cli.edge import exit_with
from nypconsol.cli.options import (
    color_option,
    config_option,
    format_option,
    input_format_option,
    inventory_options,
    quiet_option,
    version_option,
)
from nypconsol.cli.output import emit, load_and_check, step_summary
from nypconsol.core.errors import ExitCode


@click.command()
@config_option
@inventory_options
@input_format_option
@format_option(
    "findings",
    default="text",
    help="text for people, json for tools, github for workflow annotations.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1 on any finding).")
@color_option
@quiet_option
@version_option
def validate(config, inventory, sheet, encoding, input_format, fmt, strict, no_color, quiet):  # type: ignore[no-untyped-def]
    """Check the inventory and mapping, and report every finding at once.

    Exit 0 when there are no errors, 1 when there are (or, with --strict, any warning).
    """
    batch_process()
    from nypconsol.cli.progress import progress_bar
    from nypconsol.render.registry import render

    with progress_bar(quiet) as progress:
        checked = load_and_check(
            config, inventory, sheet, encoding, input_format=input_format, progress=progress
        )
    findings, accounts = checked.findings, checked.record_count
    emit(render("findings", fmt, findings, accounts=accounts), None)
    if fmt == "github":
        from nypconsol.render.markdown import findings_markdown
        from nypconsol.render.text import findings_text

        click.echo(findings_text(findings, accounts).splitlines()[-1], err=True)  # the count
        step_summary(lambda: findings_markdown(findings, accounts))
    has_errors = any(f.is_error for f in findings)
    if strict and findings and not has_errors:
        from nypconsol.render.phrases import plural

        click.echo(
            f"Failed because of --strict: {plural(len(findings), 'warning')}, no errors.",
            err=True,
        )
    failed = has_errors or (strict and findings)
    return exit_with(ExitCode.INPUT_ERRORS if failed else ExitCode.OK)
