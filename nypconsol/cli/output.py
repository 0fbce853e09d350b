"""What commands share between their options and the core: loading the inputs as the options
say, writing data to stdout or a file, and the GitHub job summary."""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import click

from nypconsol.core.errors import OutputError

# Whether this command has begun writing its data to stdout (for an interrupt's message).
STDOUT_STARTED = [False]


def load_and_check(config, inventory, sheet, encoding, *, input_format=None, progress=None):  # type: ignore[no-untyped-def]
    """The inputs the shared options name, loaded and checked (nypconsol.pipeline);
    ``progress`` hears of the rows read and checked (cli/progress.py)."""
    from nypconsol.pipeline import check, load_inputs

    if inventory == "-" and config == "-":
        raise click.UsageError(
            "-i - and -c - both read standard input, which can be read once: name a file for one"
        )
    stdin_not_a_terminal(inventory, config)
    check_inventory_options(inventory, sheet, encoding, input_format)
    inputs = load_inputs(
        config,
        inventory,
        sheet=sheet,
        encoding=encoding,
        input_format=input_format,
        progress=progress,
    )
    return check(inputs, progress=progress)


def planned(  # type: ignore[no-untyped-def]
    config,
    inventory,
    sheet,
    encoding,
    start,
    *,
    nothing_done: str,
    repeatable: str,
    warnings: bool = True,
    input_format=None,
):
    """The plan the shared options name, for a command that works from it (notices, handover,
    record, status). With errors in the inputs they go to stderr with ``nothing_done`` ("No
    notices were written") and the command ends with exit 1; warnings go to stderr too (unless
    ``warnings`` is False); with no start date set, stderr says which Monday the dates count
    from and that a set one makes ``repeatable`` ("notices") repeatable."""
    from nypconsol.cli.edge import exit_with
    from nypconsol.core.errors import ExitCode
    from nypconsol.core.plan import START_NEXT_MONDAY, make_plan
    from nypconsol.render.text import findings_text

    checked = load_and_check(config, inventory, sheet, encoding, input_format=input_format)
    if checked.errors:
        click.echo(findings_text(checked.findings), err=True, nl=False)
        click.echo(
            f"{nothing_done}: fix the errors above (nypconsol validate lists them).", err=True
        )
        exit_with(ExitCode.INPUT_ERRORS)
    if checked.findings and warnings:
        click.echo(findings_text(checked.findings), err=True, nl=False)
    plan = make_plan(checked, start)
    if start is None and plan.start_source == START_NEXT_MONDAY:
        click.echo(
            f"No start date set: using the next working Monday, {plan.start.isoformat()}. "
            f"Set policy.start or --start for {repeatable}.",
            err=True,
        )
    return plan


def check_inventory_options(
    inventory: str | None, sheet: str | None, encoding: str | None, input_format: str | None = None
) -> None:
    """--sheet goes with an .xlsx inventory, --encoding with a text one, --input-format with
    -i: a usage error else. For standard input (-i -) without --input-format the format is
    recognised from the content, so either may apply."""
    if input_format is not None and inventory is None:
        raise click.UsageError("--input-format applies to an inventory given with -i")
    if input_format is not None:
        is_xlsx: bool | None = input_format == "xlsx"
    elif inventory == "-":
        is_xlsx = None
    else:
        is_xlsx = inventory is not None and Path(inventory).suffix.casefold() in (".xlsx", ".xlsm")
    if sheet is not None and is_xlsx is False:
        raise click.UsageError("--sheet applies to an .xlsx inventory given with -i")
    if encoding is not None and is_xlsx:
        raise click.UsageError(
            "--encoding applies to text inventories (CSV, YAML, JSON), not .xlsx"
        )


def stdin_not_a_terminal(*paths: str | None) -> None:
    """``-`` reads standard input: at a terminal that would wait for typing, so it is a usage
    error (pipe the file in, or name it)."""
    if "-" not in paths:
        return
    try:
        at_terminal = sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):
        at_terminal = False
    if at_terminal:
        raise click.UsageError(
            "- reads standard input, which is a terminal here: pipe the file in "
            "(... < inventory.csv) or name the file"
        )


def to_stdout(output: str | None) -> bool:
    return output is None or output == "-"


def emit(text: str | Iterable[str | bytes], output: str | None, *, bom: bool = False) -> None:
    """Data to stdout, or atomically to the file the user named; it may come in chunks of text
    or of UTF-8 bytes."""
    chunks = [text] if isinstance(text, str) else text
    if to_stdout(output):
        if sys.stdout is None:  # started with ">&-": the data would vanish without a word
            raise closed_stdout()
        # Piped, the data is written as it is (color=True: click would strip colour codes
        # from it); shown at a terminal, control characters from the inputs (OSC 52 writes
        # the clipboard) are shown as escapes.
        from nypconsol.core.parsing import terminal_safe

        shown = terminal_safe if _at_terminal() else str
        for chunk in chunks:
            STDOUT_STARTED[0] = (
                True  # as text: stdout may have no bytes buffer, and has its encoding
            )
            data = chunk if isinstance(chunk, str) else chunk.decode("utf-8")
            click.echo(shown(data), nl=False, color=True)
        return
    from nypconsol.loaders.writing import atomic_write

    encoded = (chunk.encode("utf-8") if isinstance(chunk, str) else chunk for chunk in chunks)
    atomic_write(output, itertools.chain([b"\xef\xbb\xbf"] if bom else [], encoded))


def closed_stdout() -> OutputError:
    """The error for a standard output that is closed (``>&-``): what was written before it
    (an output folder, say), and what to do."""
    from nypconsol.loaders.writing import JOURNAL

    fix = "(send it to a file: > FILE)"
    if not JOURNAL:
        return OutputError(f"standard output is closed: nothing was written {fix}")
    verb = "was" if len(JOURNAL) == 1 else "were"
    return OutputError(
        f"standard output is closed: nothing was printed {fix}; {' and '.join(JOURNAL)} {verb} "
        "written before it"
    )


def _at_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def refuse_to_overwrite_inputs(output: str | None, paths: Iterable[str | None]) -> None:
    """-o naming an input file would destroy it: refuse before anything is written."""
    if to_stdout(output) or not os.path.exists(output):
        return
    for path in paths:
        if path and os.path.exists(path) and os.path.samefile(path, output):
            raise click.UsageError(
                f"-o {output} is one of the inputs ({path}): write the plan to another file"
            )


def input_paths(checked) -> list[str]:  # type: ignore[no-untyped-def]
    """The files a check read (not the built-in mapping, which is no file of the user's)."""
    files = [checked.config_file, checked.inventory_file]
    return [f.display for f in files if f is not None and f.found_by != "built-in"]


def say_folder_written(result, what: str) -> None:  # type: ignore[no-untyped-def]
    """A line on stderr for what ``write_folder`` did, after ``what`` ("Wrote ... to DIR"), and
    one naming the files it left alone."""
    parts = [f"{len(result.written)} written", f"{len(result.unchanged)} unchanged"]
    if result.removed:
        parts.append(f"{len(result.removed)} removed from an earlier run")
    click.echo(f"{what}: " + ", ".join(parts) + ".", err=True)
    if result.kept:
        click.echo(
            f"Left alone, changed since an earlier run wrote them: {', '.join(result.kept)}",
            err=True,
        )


def step_summary(markdown: Callable[[], str]) -> None:
    """Append ``markdown()`` to $GITHUB_STEP_SUMMARY when it names a file (built only then: a
    plan summary costs time on a large plan); a failure there is only a warning."""
    if not os.environ.get("GITHUB_STEP_SUMMARY"):
        return
    from nypconsol.render.github import append_step_summary

    problem = append_step_summary(markdown())
    if problem:
        click.echo(f"Warning: {problem}", err=True)


def console(no_color: bool):  # type: ignore[no-untyped-def]
    """A rich console for drawing at a terminal, or None when stdout is not one (data then)."""
    if sys.stdout is None or not sys.stdout.isatty():
        return None
    from nypconsol.render.terminal import make_console

    STDOUT_STARTED[0] = True  # it is asked for to draw at once (for an interrupt's message)
    return make_console(no_color=no_color)
