"""``nypconsol status``: each migrated account's checklist steps on a day, from the plan and the
progress ledger; ``--check`` for a daily CI job (exit 3 when a step is overdue)."""

from __future__ import annotations

import datetime as dt

import click

from nypconsol.cli.edge import exit_with
from nypconsol.cli.ledger_use import say_ledger, tracked_plan
from nypconsol.cli.options import (
    DateType,
    chosen_districts,
    color_option,
    config_option,
    district_option,
    format_option,
    input_format_option,
    inventory_options,
    ledger_option,
    start_option,
    version_option,
)
from nypconsol.cli.output import console, emit, step_summary
from nypconsol.core.errors import ExitCode


@click.command()
@config_option
@inventory_options
@input_format_option
@start_option
@district_option
@click.option(
    "--today",
    type=DateType(),
    help="The day to report on (default: today in England): a step is overdue when its due "
    "date is before it.",
)
@format_option(
    "status",
    default="table",
    help="table: a progress line per district, then what is overdue and due today; json, "
    "csv, markdown: every account's steps; github: workflow annotations.",
)
@click.option("--check", is_flag=True, help="Exit 3 when any step is overdue (for a daily job).")
@ledger_option
@color_option
@version_option
def status(
    config,
    inventory,
    sheet,
    encoding,
    input_format,
    start,
    districts,
    today,
    fmt,
    check,
    ledger,
    no_color,
):  # type: ignore[no-untyped-def]
    """Show each migrated account's checklist steps: done, due, overdue or not yet.

    A step is done when the ledger has a standing record of it (by whom, when), due on its due
    date, overdue after it, not_yet before. At a terminal: a progress line per district, then
    the overdue steps and those due today. With --check it exits 3 when any step is overdue.
    When $GITHUB_STEP_SUMMARY names a file, a Markdown summary is appended to it.
    """
    from nypconsol.core.progress import StepStatus, local_date
    from nypconsol.core.status import build_status
    from nypconsol.ledger import open_ledger
    from nypconsol.render.phrases import plural
    from nypconsol.render.registry import render
    from nypconsol.render.status import status_summary_markdown

    plan = tracked_plan(
        config,
        inventory,
        sheet,
        encoding,
        start,
        nothing_done="Nothing was read from the ledger",
        input_format=input_format,
    )
    chosen = chosen_districts(plan.config, districts)
    with open_ledger(ledger) as opened:
        events = opened.events_by_account()
        name = opened.display
        if fmt in ("json", "csv", "github"):
            say_ledger(opened)
    report = build_status(
        plan,
        events,
        today=today or local_date(dt.datetime.now(dt.UTC)),
        districts=chosen,
        ledger=name,
    )
    terminal = console(no_color) if fmt == "table" else None
    emit(render("status", fmt, report, console=terminal), None)
    step_summary(lambda: status_summary_markdown(report))
    overdue = report.count(StepStatus.OVERDUE)
    if check:
        accounts = sum(1 for a in report.accounts if a.count(StepStatus.OVERDUE))
        click.echo(
            f"{plural(overdue, 'step', grouped=False)} overdue in "
            f"{plural(accounts, 'account', grouped=False)}: exit 3."
            if overdue
            else "Nothing is overdue.",
            err=True,
        )
        exit_with(ExitCode.DRIFT if overdue else ExitCode.OK)
