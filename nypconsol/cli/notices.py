"""``nypconsol notices``: the closure notices of every account the plan migrates (announcement,
final post, profile text), each measured against its platform's limit, shown by day or written
to a folder with a schedule, a calendar and bulk-scheduler files."""

from __future__ import annotations

import click

from nypconsol.cli import batch_process
from nypconsol.cli.edge import exit_with
from nypconsol.cli.options import (
    account_option,
    chosen_districts,
    config_option,
    district_option,
    format_option,
    input_format_option,
    inventory_options,
    output_option,
    start_option,
    version_option,
)
from nypconsol.cli.output import emit, planned
from nypconsol.core.errors import ExitCode


@click.command()
@config_option
@inventory_options
@input_format_option
@start_option
@district_option
@account_option
@output_option(
    "Write every text, schedule.csv, schedule.md, schedule.ics and the Hootsuite and Sprout "
    "files into DIR (atomically; a re-run replaces its own files and removes its stale ones).",
    metavar="DIR",
)
@format_option(
    "notices",
    help="What to print: text (the default without -o), markdown or json. With -o, nothing "
    "is printed unless --format is given.",
)
@version_option
def notices(
    config, inventory, sheet, encoding, input_format, start, districts, accounts, output, fmt
):  # type: ignore[no-untyped-def]
    """Write the closure notices of every account the plan migrates.

    Each account gets an announcement (post and pin it on its notice date), a final post
    (on its closure date) and the profile text (bio) to leave on it, measured the way its
    platform counts. A text over its platform's limit is an error: nothing is written and
    the exit status is 1. Without -o the texts are printed, grouped by day.
    """
    batch_process()
    from nypconsol.core.notices import select_entries
    from nypconsol.render.notices import make_notices
    from nypconsol.render.registry import render
    from nypconsol.render.text import findings_text

    if output == "-":
        raise click.UsageError("-o names a folder to write the files into, not standard output")
    plan = planned(
        config,
        inventory,
        sheet,
        encoding,
        start,
        nothing_done="No notices were written",
        input_format=input_format,
        repeatable="repeatable notices",
    )
    entries, problems = select_entries(
        plan, chosen_districts(plan.config, districts) or (), accounts
    )
    if problems:
        raise click.UsageError("; ".join(problems))
    notice_set = make_notices(plan, entries)
    if notice_set.errors:
        click.echo(findings_text(notice_set.findings), err=True, nl=False)
        click.echo(
            "No notices were written: shorten or fix the texts above (the templates are under "
            "notices: templates: in the config; the shipped ones are in the README).",
            err=True,
        )
        return exit_with(ExitCode.INPUT_ERRORS)
    if output is not None:
        _write_folder(notice_set, plan.config.notices, output)
    if fmt is not None or output is None:
        emit(render("notices", fmt or "text", notice_set), None)
    return None


def _write_folder(notice_set, settings, output: str) -> None:  # type: ignore[no-untyped-def]
    from nypconsol.loaders.folders import write_folder
    from nypconsol.render.noticefiles import notice_files

    result = write_folder(output, notice_files(notice_set, settings), kind="notices")
    changes = [
        f"{len(result.written)} written",
        f"{len(result.unchanged)} unchanged",
        f"{len(result.removed)} stale removed",
    ]
    click.echo(
        f"Wrote the closure notices of {notice_set.accounts:,} accounts to {output}: "
        + ", ".join(changes)
        + ".",
        err=True,
    )
    if result.kept:
        click.echo(
            f"Left alone (changed by hand since nypconsol wrote them): {', '.join(result.kept)}",
            err=True,
        )
