"""``nypconsol districts``: the district mapping, each district's destinations and areas."""

from __future__ import annotations

import click

from nypconsol.cli.edge import exit_with
from nypconsol.cli.options import color_option, config_option, format_option, version_option
from nypconsol.cli.output import console, emit
from nypconsol.core.errors import ExitCode


@click.command()
@config_option
@format_option("districts", default="table", help="Output format.")
@color_option
@version_option
def districts(config, fmt, no_color):  # type: ignore[no-untyped-def]
    """Show the district mapping: each district's destination accounts and areas."""
    from nypconsol.core.findings import sort_findings
    from nypconsol.pipeline import load_inputs
    from nypconsol.render.registry import render
    from nypconsol.render.text import findings_text

    inputs = load_inputs(config, None)
    errors = sort_findings([f for f in inputs.findings if f.is_error])
    if errors or inputs.config is None:
        click.echo(findings_text(errors), err=True, nl=False)
        return exit_with(ExitCode.INPUT_ERRORS)
    path = inputs.config_file.display
    terminal = console(no_color) if fmt == "table" else None
    emit(render("districts", fmt, inputs.config, path=path, console=terminal), None)
    return None
