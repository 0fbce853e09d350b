"""The command line. ``run`` is the console script: it imports nothing heavy before its Ctrl-C
handler is in place, so an interrupt during start-up ends as cleanly as one later on.

``from nypconsol.cli import cli`` gives the click group (for ``CliRunner`` in tests).
"""

import contextlib
import os
import sys


def run() -> None:
    try:
        from nypconsol.cli.app import main

        main()
    except KeyboardInterrupt:
        _say("Interrupted: nothing was written.")
        sys.exit(130)  # ExitCode.INTERRUPTED, without importing anything more
    except SystemExit as done:
        _exit_now(done.code)
    except BrokenPipeError:  # the reader of --help or --version went away: its choice
        _exit_now(0)
    except OSError as exc:  # writing --help or --version, before any command runs
        _say(f"Error: cannot write to standard output: {exc.strerror or exc}")
        _exit_now(4)  # ExitCode.FAILURE


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    if name == "cli":
        from nypconsol.cli.app import cli

        return cli
    raise AttributeError(name)


def _say(line: str) -> None:
    """A line on stderr, if there is a stderr to write to (``2>&-`` closes it)."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        sys.stderr.write(line + "\n")


def _exit_now(code: object) -> None:
    """End the process without freeing every object one by one: after a large plan that is
    a tenth of a second of work for nothing, as the system takes the memory back at once (mypy
    ends the same way). Commands close their files and connections before they return; the
    standard streams are flushed here."""
    if isinstance(code, str):  # as sys.exit("message") would: the message, then status 1
        _say(code)
        code = 1
    status = code if isinstance(code, int) else 0 if code is None else 1
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe or stream (or none at all: ">&-") has nothing left to say.
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()
    os._exit(status)
