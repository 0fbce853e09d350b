"""The console script's entry point: the CLI is imported inside the Ctrl-C handler, so an
interrupt during start-up ends as cleanly as one later on."""

import contextlib
import os
import sys


def run() -> None:
    try:
        from nypconsol.cli import main

        main()
    except KeyboardInterrupt:
        from nypconsol.exitcodes import ExitCode

        _say("Interrupted: nothing was written.")
        sys.exit(ExitCode.INTERRUPTED)
    except SystemExit as done:
        _exit_now(done.code)
    except BrokenPipeError:  # the reader of --help or --version went away: its choice
        _exit_now(0)
    except OSError as exc:  # writing --help or --version, before any command runs
        _say(f"Error: cannot write to standard output: {exc.strerror or exc}")
        _exit_now(4)  # ExitCode.FAILURE, without importing the CLI a second time


def _say(line: str) -> None:
    """A line on stderr, if there is a stderr to write to (``2>&-`` closes it)."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        sys.stderr.write(line + "\n")


def _exit_now(code: object) -> None:
    """End the process without freeing every object one by one: after a large plan that is
    a tenth of a second of work for nothing, as the system takes the memory back at once (mypy
    ends the same way). Output files are closed by then; the standard streams are flushed here."""
    if isinstance(code, str):  # as sys.exit("message") would: the message, then status 1
        _say(code)
        code = 1
    status = code if isinstance(code, int) else 0 if code is None else 1
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe or stream (or none at all: ">&-") has nothing left to say.
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()
    os._exit(status)
