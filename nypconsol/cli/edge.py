"""The one place where an exception raised by a command becomes a message and an exit code.
No input may show a Python traceback; an unexpected error says how to report it."""

from __future__ import annotations

import errno
import os
import sys

import click

from nypconsol.core.errors import ExitCode, NypconsolError


def invoke_guarded(invoke, ctx: click.Context):  # type: ignore[no-untyped-def]
    """Run ``invoke(ctx)`` (a command), turning what it raises into a message and exit code."""
    _start_afresh()
    try:
        return invoke(ctx)
    except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
        raise
    except KeyboardInterrupt as interrupt:  # Ctrl-C; SIGTERM and SIGHUP too (Terminated)
        from nypconsol.cli import interrupt_exit_code, interrupt_message

        click.echo(interrupt_message(interrupt), err=True)
        ctx.exit(interrupt_exit_code(interrupt))
    except BrokenPipeError:
        # The reader went away (``| head``): that is its choice, not a failure. Point stdout
        # at nothing so the interpreter's final flush stays quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        ctx.exit(ExitCode.OK)
    except Exception as exc:  # the edge of the program: nothing else may show a traceback
        message, code = describe(exc)
        click.echo(f"Error: {message}", err=True)
        ctx.exit(code)


def _start_afresh() -> None:
    """Forget what an earlier command in this process wrote (tests run many), so that an
    interrupt reports this command's files only."""
    writing = sys.modules.get("nypconsol.loaders.writing")
    if writing is not None:
        writing.JOURNAL.clear()
    output = sys.modules.get("nypconsol.cli.output")
    if output is not None:
        output.STDOUT_STARTED[0] = False


def describe(exc: Exception) -> tuple[str, ExitCode]:
    """The one-line message and exit code for an exception that reached the edge."""
    if isinstance(exc, NypconsolError):
        return str(exc), exc.exit_code
    if isinstance(exc, OSError):
        if exc.errno == errno.ELOOP:
            return (
                f"{exc.filename or 'a path'} is a symbolic link that leads back to itself (a "
                "loop): point it at a real file or folder",
                ExitCode.FAILURE,
            )
        return f"{exc.strerror or exc} ({exc.filename or 'I/O'})", ExitCode.FAILURE
    if os.environ.get("NYPCONSOL_DEBUG"):
        raise exc
    return (
        f"internal error ({exc.__class__.__name__}: {exc}); please report it with the output of "
        "the same command run with NYPCONSOL_DEBUG=1",
        ExitCode.FAILURE,
    )


def exit_with(code: ExitCode) -> None:
    """End the command with ``code`` (nothing to do for OK)."""
    if code:
        click.get_current_context().exit(code)
