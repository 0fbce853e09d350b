"""The command line: parse options, call the core, pick a renderer, map errors to exit codes.

Only click is imported at start-up; the core and rich are imported inside the commands, so
``nypconsol --help`` starts about as fast as click itself.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from nypconsol import __version__
from nypconsol.exitcodes import ExitCode
from nypconsol.schemas import SCHEMA_NAMES

PLAN_FORMATS = ("table", "json", "yaml", "markdown", "csv")
_SUFFIX_FORMATS = {
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".md": "markdown",
    ".markdown": "markdown",
    ".csv": "csv",
    ".txt": "table",
}


class Group(click.Group):
    """Turns every error a command raises into a one-line message and a documented exit code."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted: nothing was written.", err=True)
            ctx.exit(ExitCode.INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (``| head``): that is its choice, not a failure. Point
            # stdout at nothing so the interpreter's final flush stays quiet.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(ExitCode.OK)
        except Exception as exc:  # the edge of the program: nothing else may show a traceback
            from nypconsol.errors import NypconsolError

            if isinstance(exc, NypconsolError):
                message, code = str(exc), exc.exit_code
            elif isinstance(exc, OSError):
                message, code = f"{exc.strerror or exc} ({exc.filename or 'I/O'})", ExitCode.FAILURE
            else:
                if os.environ.get("NYPCONSOL_DEBUG"):
                    raise
                message = (
                    f"internal error ({exc.__class__.__name__}: {exc}); please report it with "
                    "the output of the same command run with NYPCONSOL_DEBUG=1"
                )
                code = ExitCode.FAILURE
            click.echo(f"Error: {message}", err=True)
            ctx.exit(code)


class DateType(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        from nypconsol.parsing import FIRST_YEAR, LAST_YEAR, parse_start_date

        try:
            return parse_start_date(value)
        except ValueError:
            self.fail(
                f"{value!r} is not a date like 2027-01-11 or 11/01/2027 "
                f"(years {FIRST_YEAR} to {LAST_YEAR})",
                param,
                ctx,
            )


# --- options defined once ------------------------------------------------------------------


def version_option(f):  # type: ignore[no-untyped-def]
    return click.version_option(__version__, "--version", prog_name="nypconsol")(f)


def config_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "-c",
        "--config",
        metavar="FILE",
        help="District mapping. Default: $NYPCONSOL_CONFIG, else ./config/accounts.yaml, else "
        "the built-in mapping.",
    )(f)


def inventory_options(f):  # type: ignore[no-untyped-def]
    f = click.option(
        "--encoding",
        metavar="NAME",
        help="Text encoding of a CSV/YAML/JSON inventory (default UTF-8), e.g. cp1252.",
    )(f)
    f = click.option("--sheet", metavar="NAME", help="XLSX sheet to read (default: the first).")(f)
    return click.option(
        "-i",
        "--inventory",
        metavar="PATH",
        help="Inventory of accounts: .csv, .xlsx, .yaml or .json. Default: the config's accounts: list.",
    )(f)


def color_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--no-color", is_flag=True, help="No colour (also: NO_COLOR set, or output not a terminal)."
    )(f)


def _load_and_check(config, inventory, sheet, encoding):  # type: ignore[no-untyped-def]
    from nypconsol.pipeline import check, load_inputs

    is_xlsx = inventory is not None and Path(inventory).suffix.casefold() in (".xlsx", ".xlsm")
    if sheet is not None and not is_xlsx:
        raise click.UsageError("--sheet applies to an .xlsx inventory given with -i")
    if encoding is not None and is_xlsx:
        raise click.UsageError(
            "--encoding applies to text inventories (CSV, YAML, JSON), not .xlsx"
        )

    return check(load_inputs(config, inventory, sheet=sheet, encoding=encoding))


def _emit(text: str | Iterable[str | bytes], output: str | None, *, bom: bool = False) -> None:
    """Data to stdout, or atomically to the file the user named; it may come in chunks of text
    or of UTF-8 bytes."""
    chunks = [text] if isinstance(text, str) else text
    if output is None or output == "-":
        if sys.stdout is None:  # started with ">&-": the plan would vanish without a word
            from nypconsol.errors import OutputError

            raise OutputError("standard output is closed: nothing was written; use -o FILE")
        for chunk in chunks:  # as text: stdout may have no bytes buffer, and has its encoding
            click.echo(chunk if isinstance(chunk, str) else chunk.decode("utf-8"), nl=False)
        return
    from nypconsol.fileio import atomic_write

    encoded = (chunk.encode("utf-8") if isinstance(chunk, str) else chunk for chunk in chunks)
    atomic_write(output, itertools.chain([b"\xef\xbb\xbf"] if bom else [], encoded))


# --- commands ------------------------------------------------------------------------------


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@version_option
def cli() -> None:
    """Plan the move from individual police social-media accounts to district accounts.

    Reads an inventory of accounts and the district mapping, checks them, and plans where
    each account goes and when. Start with: nypconsol plan
    """


@cli.command()
@config_option
@inventory_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for workflow annotations.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1 on any finding).")
@color_option
@version_option
def validate(config, inventory, sheet, encoding, fmt, strict, no_color):  # type: ignore[no-untyped-def]
    """Check the inventory and mapping, and report every finding at once.

    Exit 0 when there are no errors, 1 when there are (or, with --strict, any warning).
    """
    from nypconsol.render.terminal import findings_text

    checked = _load_and_check(config, inventory, sheet, encoding)
    findings = checked.findings
    accounts = checked.record_count
    if fmt == "json":
        from nypconsol.render.envelope import findings_envelope
        from nypconsol.render.files import to_json

        click.echo(to_json(findings_envelope(findings, accounts)), nl=False)
    elif fmt == "github":
        from nypconsol.render.github import annotations, findings_markdown

        click.echo(annotations(findings), nl=False)
        click.echo(findings_text(findings, accounts).splitlines()[-1], err=True)  # the count
        _step_summary(lambda: findings_markdown(findings, accounts))
    else:
        click.echo(findings_text(findings, accounts), nl=False)
    failed = any(f.is_error for f in findings) or (strict and findings)
    return _exit(ExitCode.INPUT_ERRORS if failed else ExitCode.OK)


def _exit(code: ExitCode) -> None:
    if code:
        click.get_current_context().exit(code)


def _step_summary(markdown) -> None:  # type: ignore[no-untyped-def]
    """Append ``markdown()`` to $GITHUB_STEP_SUMMARY when it names a file (built only then: a
    plan summary costs time on a large plan); a failure there is only a warning."""
    if not os.environ.get("GITHUB_STEP_SUMMARY"):
        return
    from nypconsol.render.github import append_step_summary

    problem = append_step_summary(markdown())
    if problem:
        click.echo(f"Warning: {problem}", err=True)


@cli.command()
@config_option
@inventory_options
@click.option("--start", type=DateType(), help="First announcement date (overrides policy.start).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice((*PLAN_FORMATS, "github")),
    default=None,
    help="Output format. Default: table, or from the -o file's extension. github: workflow "
    "annotations for the findings (and the drift, with --check); the plan only goes to -o.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write the plan to FILE (atomically) instead of standard output.",
)
@click.option(
    "--check",
    "check_plan",
    metavar="PLAN.json",
    help="Compare the plan with a committed plan file and print the drift (--format table, "
    "json, markdown or github). Exit 0 same, 3 drift. Writes nothing unless -o is given.",
)
@color_option
@version_option
def plan(config, inventory, sheet, encoding, start, fmt, output, check_plan, no_color):  # type: ignore[no-untyped-def]
    """Plan each account's destination, action, announcement and closure dates.

    With errors in the inputs it prints them and exits 1, writing nothing. With --check
    PLAN.json it compares the plan with PLAN.json instead of printing it: exit 0 when they are
    the same, 3 when they differ. When $GITHUB_STEP_SUMMARY names a file, a Markdown summary
    of the plan (or the drift) is appended to it.
    """
    from nypconsol.pipeline import make_plan
    from nypconsol.render.terminal import findings_text

    side_output = check_plan is not None or fmt == "github"  # stdout holds a report, not the plan
    if side_output and output == "-":
        raise click.UsageError(
            "-o - would mix the plan with the report on standard output: name a file"
        )
    if check_plan is not None and fmt in ("yaml", "csv"):
        raise click.UsageError(
            f"--format {fmt} is not a drift report: use table, json, markdown or github with --check"
        )
    committed = None
    if check_plan is not None:
        from nypconsol.drift import read_plan

        committed = read_plan(check_plan)
    checked = _load_and_check(config, inventory, sheet, encoding)
    if fmt == "github" and checked.findings:
        from nypconsol.render.github import annotations

        click.echo(annotations(checked.findings), nl=False)
    if checked.errors:
        from nypconsol.render.github import findings_markdown

        click.echo(findings_text(checked.findings), err=True, nl=False)
        click.echo(
            "No plan was written: fix the errors above (nypconsol validate lists them).", err=True
        )
        _step_summary(lambda: findings_markdown(checked.findings, checked.record_count))
        return _exit(ExitCode.INPUT_ERRORS)
    if checked.findings:
        click.echo(findings_text(checked.findings), err=True, nl=False)
    _refuse_to_overwrite_inputs(
        output, [checked.inputs.config_file, checked.inputs.inventory_file], check_plan
    )
    start_source = "--start"
    if committed is not None and start is None and checked.inputs.config.policy.start is None:
        # The clock must not cause drift: check against the date the committed plan used.
        import datetime as dt

        start = dt.date.fromisoformat(committed.document["start"])
        start_source = str(committed.document.get("start_source") or "next working Monday")
        click.echo(
            f"No start date set: using the start of {check_plan}, {start.isoformat()}.", err=True
        )
    defaulted = start is None  # make_plan picks policy.start, else the next working Monday
    result = make_plan(checked, start, start_source=start_source)
    if defaulted and result.start_source == "next working Monday":
        click.echo(
            f"No start date set: using the next working Monday, {result.start.isoformat()}. "
            "Set policy.start or --start for a repeatable plan.",
            err=True,
        )
    if side_output:
        return _check_or_annotate(result, committed, fmt, output)
    if fmt is None:
        fmt = _SUFFIX_FORMATS.get(Path(output).suffix.casefold(), "table") if output else "table"
    _emit(
        _render_plan(result, fmt, to_file=output not in (None, "-"), no_color=no_color),
        output,
        bom=fmt == "csv" and output not in (None, "-"),
    )
    if output not in (None, "-"):
        click.echo(f"Wrote the plan ({len(result.entries)} accounts, {fmt}) to {output}", err=True)
    from nypconsol.render.files import plan_document
    from nypconsol.render.github import plan_summary_markdown

    _step_summary(lambda: plan_summary_markdown(plan_document(result)))
    return None


def _refuse_to_overwrite_inputs(output, inputs, check_plan) -> None:  # type: ignore[no-untyped-def]
    """-o naming an input file would destroy it: refuse before anything is written."""
    if output in (None, "-") or not os.path.exists(output):
        return
    paths = [f.display for f in inputs if f is not None and f.found_by != "built-in"]
    for path in [*paths, check_plan]:
        if path and os.path.exists(path) and os.path.samefile(path, output):
            raise click.UsageError(
                f"-o {output} is one of the inputs ({path}): write the plan to another file"
            )


CHECK_HEADING = "## nypconsol plan --check"


def _check_or_annotate(result, committed, fmt: str | None, output: str | None) -> None:  # type: ignore[no-untyped-def]
    """plan --check and plan --format github: a report on stdout; the plan only to -o FILE
    (its format from the file's extension, JSON by default)."""
    from nypconsol.render.files import plan_document

    document = plan_document(result)
    drift = None
    if committed is not None:
        from nypconsol.drift import compare_plans
        from nypconsol.render import drift as report

        drift = compare_plans(
            committed.document,
            document,
            old_name=committed.path,
            new_name="the rebuilt plan",
            checked=True,
        )
        if fmt == "json":
            click.echo(report.drift_json(drift), nl=False)
        elif fmt == "markdown":
            click.echo(report.drift_markdown(drift, heading=CHECK_HEADING), nl=False)
        elif fmt == "github":
            click.echo(
                report.drift_annotations(
                    drift, committed.path, committed.account_lines, committed.field_lines
                ),
                nl=False,
            )
            click.echo(report.headline(drift), err=True)
        else:
            click.echo(report.drift_text(drift), nl=False)
    if output is not None:
        file_fmt = _SUFFIX_FORMATS.get(Path(output).suffix.casefold(), "json")
        _emit(
            _render_plan(result, file_fmt, to_file=True, no_color=True),
            output,
            bom=file_fmt == "csv",
        )
        click.echo(
            f"Wrote the plan ({len(result.entries)} accounts, {file_fmt}) to {output}", err=True
        )
    if drift is None:
        from nypconsol.render.github import plan_summary_markdown

        click.echo(
            f"Planned {len(result.entries)} accounts ({len(result.warnings)} warning(s)); "
            + ("add -o FILE to write the plan." if output is None else "done."),
            err=True,
        )
        _step_summary(lambda: plan_summary_markdown(document))
        return None
    from nypconsol.render.drift import drift_markdown

    _step_summary(lambda: drift_markdown(drift, heading=CHECK_HEADING))
    return _exit(ExitCode.OK if drift.equal else ExitCode.DRIFT)


def _render_plan(result, fmt: str, *, to_file: bool, no_color: bool) -> str | Iterable[bytes]:  # type: ignore[no-untyped-def]
    from nypconsol.render import files

    if fmt == "json":
        return files.plan_json_chunks(result)
    if fmt == "yaml":
        return files.to_yaml(files.plan_document(result))
    if fmt == "csv":
        return files.plan_csv(result)
    if fmt == "markdown":
        return files.plan_markdown(result)
    from nypconsol.render import terminal

    if to_file or not sys.stdout.isatty():
        # Written to a file or a pipe, the table is data: every row, plain text (and no rich
        # import, which matters to scripts that run the tool many times).
        return terminal.plain_tables(*terminal.plan_tables(result, max_rows=sys.maxsize))
    tables, lines = terminal.plan_tables(result, max_rows=terminal.MAX_TABLE_ROWS)
    terminal.print_tables(tables, lines, terminal.make_console(no_color=no_color))
    return ""


@cli.command()
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "yaml"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@color_option
@version_option
def districts(config, fmt, no_color):  # type: ignore[no-untyped-def]
    """Show the district mapping: each district's destination accounts and areas."""
    from nypconsol.findings import sort_findings
    from nypconsol.pipeline import load_inputs
    from nypconsol.render.terminal import findings_text

    inputs = load_inputs(config, None)
    errors = sort_findings([f for f in inputs.findings if f.is_error])
    if errors or inputs.config is None:
        click.echo(findings_text(errors), err=True, nl=False)
        return _exit(ExitCode.INPUT_ERRORS)
    path = inputs.config_file.display
    if fmt == "table":
        from nypconsol.render import terminal

        table = terminal.districts_table(inputs.config, path)
        if sys.stdout.isatty():
            terminal.print_tables([table], [], terminal.make_console(no_color=no_color))
        else:
            click.echo(terminal.plain_tables([table], []), nl=False)
        return None
    from nypconsol.render.envelope import districts_envelope
    from nypconsol.render.files import to_json, to_yaml

    document = districts_envelope(inputs.config, path)
    click.echo(to_json(document) if fmt == "json" else to_yaml(document), nl=False)
    return None


@cli.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite the starter files if they exist.")
@version_option
def init(directory, force):  # type: ignore[no-untyped-def]
    """Write a starter config/accounts.yaml and inventory.csv into DIRECTORY (default: here).

    Refuses to overwrite existing files unless --force is given.
    """
    from importlib import resources

    from nypconsol.config import LOCAL_CONFIG, built_in_config
    from nypconsol.errors import InputError
    from nypconsol.fileio import atomic_write, check_inside

    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{directory} is a file, not a folder")
    example = (resources.files("nypconsol") / "data" / "example-inventory.csv").read_bytes()
    files = {folder / LOCAL_CONFIG: built_in_config(), folder / "inventory.csv": example}
    # Decide about every target before writing any, so a refusal writes nothing.
    for target in files:
        if target.exists() or target.is_symlink():
            check_inside(folder, target)
    existing = [str(t) for t in files if t.exists() or t.is_symlink()]
    if existing and not force:
        raise InputError(
            f"{', '.join(existing)} already exist(s): nothing was written; use --force to overwrite"
        )
    for target, data in files.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        check_inside(folder, target)
        atomic_write(target, data)
        click.echo(f"Wrote {target}", err=True)
    click.echo(f"Next: cd {directory} && nypconsol plan -i inventory.csv", err=True)


@cli.command()
@click.argument("old", metavar="OLD.json")
@click.argument("new", metavar="NEW.json")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for people, markdown for a pull-request comment, json for tools.",
)
@version_option
def diff(old, new, fmt):  # type: ignore[no-untyped-def]
    """Compare two plan files: accounts added, removed and changed, and plan settings.

    Exit 0 when they plan the same, 3 when they differ, 1 when a file is not a plan.
    """
    from nypconsol.drift import compare_plans, read_plan
    from nypconsol.render import drift as report

    before, after = read_plan(old), read_plan(new)
    drift = compare_plans(before.document, after.document, old_name=old, new_name=new, checked=True)
    if fmt == "json":
        click.echo(report.drift_json(drift), nl=False)
    elif fmt == "markdown":
        click.echo(report.drift_markdown(drift), nl=False)
    else:
        click.echo(report.drift_text(drift), nl=False)
    return _exit(ExitCode.OK if drift.equal else ExitCode.DRIFT)


@cli.command()
@click.argument("name", metavar="NAME", type=click.Choice(SCHEMA_NAMES))
@version_option
def schema(name):  # type: ignore[no-untyped-def]
    """Print the JSON Schema (draft 2020-12) of a JSON document the tool writes.

    NAME is one of: plan, findings, districts, drift.
    """
    from nypconsol.schemas import schema_text

    click.echo(schema_text(name), nl=False)


def main() -> None:
    # A short-lived process that builds a few objects per account and frees them at exit: the
    # cyclic garbage collector would rescan 100,000 accounts again and again for nothing.
    import gc

    gc.disable()
    cli(prog_name="nypconsol")
