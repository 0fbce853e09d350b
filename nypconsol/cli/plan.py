"""``nypconsol plan``: each account's destination, action, announcement and closure dates; with
``--check``, the drift from a committed plan."""

from __future__ import annotations

from pathlib import Path

import click

from nypconsol.cli import batch_process
from nypconsol.cli.edge import exit_with
from nypconsol.cli.options import (
    color_option,
    config_option,
    format_option,
    input_format_option,
    inventory_options,
    output_option,
    quiet_option,
    start_option,
    version_option,
)
from nypconsol.cli.output import (
    console,
    emit,
    input_paths,
    load_and_check,
    refuse_to_overwrite_inputs,
    stdin_not_a_terminal,
    step_summary,
    to_stdout,
)
from nypconsol.core.errors import ExitCode

# The format of -o FILE when --format is not given, from its extension.
SUFFIX_FORMATS = {
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".md": "markdown",
    ".markdown": "markdown",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".txt": "table",
}
BINARY_FORMATS = ("xlsx",)  # files only: never to standard output
# plan --check prints a drift report: its formats, and the drift renderer for each.
DRIFT_FORMATS = {"table": "text", "json": "json", "markdown": "markdown", "github": "github"}


@click.command()
@config_option
@inventory_options
@input_format_option
@start_option
@format_option(
    "plan",
    extra=("github",),
    help="Output format. Default: table, or from the -o file's extension (.json, .yaml, .md, "
    ".csv, .xlsx, .txt; any other is an error). xlsx: an Excel workbook, to -o only. github: "
    "workflow annotations for the findings (and the drift, with --check); the plan only goes "
    "to -o.",
)
@output_option("Write the plan to FILE (atomically) instead of standard output.")
@click.option(
    "--check",
    "check_plan",
    metavar="PLAN.json",
    help="Compare the plan with a committed plan file and print the drift (--format table, "
    "json, markdown or github). Exit 0 same, 3 drift. Writes nothing unless -o is given.",
)
@color_option
@quiet_option
@version_option
def plan(  # type: ignore[no-untyped-def]
    config,
    inventory,
    sheet,
    encoding,
    input_format,
    start,
    fmt,
    output,
    check_plan,
    no_color,
    quiet,
):
    """Plan each account's destination, action, announcement and closure dates.

    With errors in the inputs it prints them and exits 1, writing nothing. With --check
    PLAN.json it compares the plan with PLAN.json instead of printing it: exit 0 when they are
    the same, 3 when they differ. When $GITHUB_STEP_SUMMARY names a file, a Markdown summary
    of the plan (or the drift) is appended to it.
    """
    batch_process()
    from nypconsol.core.plan import (
        START_NEXT_MONDAY,
        START_OPTION,
        committed_start,
        make_plan,
    )
    from nypconsol.render.text import findings_text

    side_output = check_plan is not None or fmt == "github"  # stdout holds a report, not the plan
    if side_output and output == "-":
        raise click.UsageError(
            "-o - would mix the plan with the report on standard output: name a file"
        )
    if check_plan is not None and fmt not in (None, *DRIFT_FORMATS):
        raise click.UsageError(
            f"--format {fmt} is not a drift report: use table, json, markdown or github with --check"
        )
    plan_format = _plan_format(fmt, output, side_output)
    if check_plan == "-" and "-" in (inventory, config):
        raise click.UsageError(
            "--check - and -i -/-c - all read standard input, which can be read once: name a file"
        )
    stdin_not_a_terminal(check_plan)
    committed = None
    if check_plan is not None:
        from nypconsol.loaders.planfile import read_plan

        committed = read_plan(check_plan)
    from nypconsol.cli.progress import progress_bar

    with progress_bar(quiet) as progress:
        checked = load_and_check(
            config, inventory, sheet, encoding, input_format=input_format, progress=progress
        )
    if fmt == "github" and checked.findings:
        from nypconsol.render.github import findings_annotations

        click.echo(findings_annotations(checked.findings), nl=False)
    if checked.errors:
        from nypconsol.render.markdown import findings_markdown

        click.echo(findings_text(checked.findings), err=True, nl=False)
        click.echo(
            "No plan was written: fix the errors above (nypconsol validate lists them).", err=True
        )
        step_summary(lambda: findings_markdown(checked.findings, checked.record_count))
        return exit_with(ExitCode.INPUT_ERRORS)
    if checked.findings:
        click.echo(findings_text(checked.findings), err=True, nl=False)
    refuse_to_overwrite_inputs(output, [*input_paths(checked), check_plan])
    start_source = START_OPTION
    reused = committed and committed_start(committed.document, start, checked.config)
    if reused:
        start, start_source = reused
        click.echo(
            f"No start date set: using the start of {check_plan}, {start.isoformat()}.", err=True
        )
    defaulted = start is None  # make_plan picks policy.start, else the next working Monday
    result = make_plan(checked, start, start_source=start_source)
    if defaulted and result.start_source == START_NEXT_MONDAY:
        click.echo(
            f"No start date set: using the next working Monday, {result.start.isoformat()}. "
            "Set policy.start or --start for a repeatable plan.",
            err=True,
        )
    if side_output:
        return _check_or_annotate(result, committed, fmt, output, plan_format, quiet)
    _write_plan(result, plan_format, output, no_color=no_color, quiet=quiet)
    step_summary(lambda: _plan_summary_markdown(result))
    return None


def _plan_format(fmt: str | None, output: str | None, side_output: bool) -> str | None:
    """The format the plan itself is written in (None: not written), decided before anything
    is read: --format, else the -o file's extension. An extension that names no format is a
    usage error, as is a workbook for standard output."""
    if not to_stdout(output) and Path(output).is_dir():
        from nypconsol.core.errors import OutputError

        raise OutputError(f"cannot write {output}: it is a folder; name a file")
    if side_output:  # --format names the report; the plan goes only to -o, JSON by default
        if output is None:
            return None
        suffix = Path(output).suffix.casefold()
        if not suffix:
            return "json"
        return SUFFIX_FORMATS.get(suffix) or _unknown_extension(output)
    if fmt is None:
        if to_stdout(output):
            return "table"
        fmt = SUFFIX_FORMATS.get(Path(output).suffix.casefold()) or _unknown_extension(output)
    if fmt in BINARY_FORMATS and to_stdout(output):
        raise click.UsageError(
            f"--format {fmt} writes a workbook: name the file with -o plan.{fmt}"
        )
    return fmt


def _unknown_extension(output: str) -> str:
    known = ", ".join(dict.fromkeys(SUFFIX_FORMATS))
    raise click.UsageError(
        f"cannot tell the plan's format from the name -o {output}: end it in {known}, or give "
        f"--format ({', '.join(dict.fromkeys(SUFFIX_FORMATS.values()))})"
    )


def _plan_summary_markdown(result) -> str:  # type: ignore[no-untyped-def]
    from nypconsol.render.envelope import plan_document
    from nypconsol.render.markdown import plan_summary_markdown

    return plan_summary_markdown(plan_document(result))


def _write_plan(
    result, fmt: str, output: str | None, *, no_color: bool, quiet: bool = True
) -> None:  # type: ignore[no-untyped-def]
    """The plan in ``fmt``, to stdout (a table is drawn at a terminal) or to the file -o names."""
    from nypconsol.cli.progress import progress_bar
    from nypconsol.render.registry import render

    terminal = console(no_color) if to_stdout(output) and fmt == "table" else None
    # A bar only beside a file being written: never between lines of a plan on the terminal.
    with progress_bar(quiet or to_stdout(output)) as progress:
        emit(
            render("plan", fmt, result, console=terminal, progress=progress),
            output,
            bom=fmt == "csv" and not to_stdout(output),
        )
    if not to_stdout(output):
        click.echo(f"Wrote the plan ({len(result.entries)} accounts, {fmt}) to {output}", err=True)


def _check_or_annotate(
    result, committed, fmt: str | None, output: str | None, plan_format, quiet
) -> None:  # type: ignore[no-untyped-def]
    """plan --check and plan --format github: a report on stdout; the plan only to -o FILE
    (its format from the file's extension, JSON by default)."""
    from nypconsol.render.envelope import plan_document
    from nypconsol.render.markdown import CHECK_HEADING, drift_markdown
    from nypconsol.render.registry import render

    document = plan_document(result)
    drift = None
    if committed is not None:
        from nypconsol.core.drift import compare_plans
        from nypconsol.render.phrases import headline

        drift = compare_plans(
            committed.document,
            document,
            old_name=committed.path,
            new_name="the rebuilt plan",
            checked=True,
        )
        report_format = DRIFT_FORMATS[fmt or "table"]
        emit(
            render("drift", report_format, drift, heading=CHECK_HEADING, committed=committed), None
        )
        if report_format == "github":
            click.echo(headline(drift), err=True)
    if output is not None:
        _write_plan(result, plan_format, output, no_color=True, quiet=quiet)
    if drift is None:
        from nypconsol.render.markdown import plan_summary_markdown
        from nypconsol.render.phrases import plural

        click.echo(
            f"Planned {plural(len(result.entries), 'account', grouped=False)} "
            f"({plural(len(result.warnings), 'warning', grouped=False)}); "
            + ("add -o FILE to write the plan." if output is None else "done."),
            err=True,
        )
        step_summary(lambda: plan_summary_markdown(document))
        return None
    step_summary(lambda: drift_markdown(drift, heading=CHECK_HEADING))
    return exit_with(ExitCode.OK if drift.equal else ExitCode.DRIFT)
