"""``nypconsol handover``: one report per district (and one for the force-wide accounts) for the
team that takes the accounts over, and an index across them."""

from __future__ import annotations

import click

from nypconsol.cli.options import (
    chosen_districts,
    color_option,
    config_option,
    district_option,
    format_option,
    input_format_option,
    inventory_options,
    ledger_option,
    output_option,
    start_option,
    version_option,
)
from nypconsol.cli.output import console, emit, planned, say_folder_written

# Formats that write one file per report, so need -o DIR.
FOLDER_ONLY = ("html", "markdown", "pdf")


@click.command()
@config_option
@inventory_options
@input_format_option
@start_option
@district_option
@format_option(
    "handover",
    help="Format of the reports written to -o DIR (default html). pdf needs the pdf extra. "
    "Without -o: json prints every report as one JSON document.",
)
@output_option(
    "Write index.EXT and one DISTRICT.EXT per report into DIR (created if needed; a re-run "
    "replaces only the files an earlier run of the same format wrote).",
    metavar="DIR",
)
@ledger_option
@color_option
@version_option
def handover(
    config,
    inventory,
    sheet,
    encoding,
    input_format,
    start,
    districts,
    fmt,
    output,
    ledger,
    no_color,
):  # type: ignore[no-untyped-def]
    """Write handover reports: one per district, one for force-wide accounts, and an index.

    Each report lists the destination accounts, the accounts that fold in (and those retained
    or skipped, with why), the voices who will post through the district accounts, totals,
    a checklist per account with due dates (and each step's state, when a progress ledger
    is reachable), and a sign-off block. Without -o it prints a summary. With errors in the
    inputs it prints them and exits 1, writing nothing. --format pdf without WeasyPrint
    installed exits 2.
    """
    from nypconsol.cli.ledger_use import reachable_progress
    from nypconsol.core.handover import build_handover

    if output == "-":
        raise click.UsageError(
            "-o names a folder for the reports; for standard output use --format json without -o"
        )
    if output is None and fmt in FOLDER_ONLY:
        raise click.UsageError(f"--format {fmt} writes one file per report: add -o DIR")
    if fmt == "pdf":
        from nypconsol.render.handover_html import check_pdf_available

        check_pdf_available()  # before any work: a missing extra is found at once
    plan = planned(
        config,
        inventory,
        sheet,
        encoding,
        start,
        nothing_done="No reports were written",
        input_format=input_format,
        repeatable="repeatable reports",
    )
    wanted = chosen_districts(plan.config, districts)
    progress = reachable_progress(plan, ledger)
    document = build_handover(plan, districts=wanted, progress=progress)
    if output is None:
        return _to_stdout(document, fmt, no_color)
    return _to_folder(document, fmt or "html", output)


def _to_stdout(document, fmt: str | None, no_color: bool) -> None:  # type: ignore[no-untyped-def]
    from nypconsol.render.registry import render

    if fmt == "json":
        emit(render("handover-stdout", "json", document), None)
        return
    emit(render("handover-stdout", "table", document, console=console(no_color)), None)


def _to_folder(document, fmt: str, output: str) -> None:  # type: ignore[no-untyped-def]
    from nypconsol.loaders.folders import write_folder
    from nypconsol.render.phrases import plural
    from nypconsol.render.registry import render

    files = render("handover", fmt, document)
    result = write_folder(output, files, kind=f"handover-{fmt}")
    say_folder_written(
        result,
        f"Wrote {plural(len(document.reports), 'handover report')} and the index ({fmt}) to "
        f"{output}",
    )
