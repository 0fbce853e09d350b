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

        sys.stderr.write("Interrupted: nothing was written.\n")
        sys.exit(ExitCode.INTERRUPTED)
    except SystemExit as done:
        _exit_now(done.code)


def _exit_now(code: object) -> None:
    """End the process without freeing every object one by one: after a large plan that is
    a tenth of a second of work for nothing, as the system takes the memory back at once (mypy
    ends the same way). Output files are closed by then; the standard streams are flushed here."""
    if isinstance(code, str):  # as sys.exit("message") would: the message, then status 1
        sys.stderr.write(code + "\n")
        code = 1
    status = code if isinstance(code, int) else 0 if code is None else 1
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe or stream has nothing left to say.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)
