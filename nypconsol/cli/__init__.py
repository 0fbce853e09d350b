"""The command line. ``run`` is the console script: it imports nothing heavy before its Ctrl-C
handler is in place, so an interrupt during start-up ends as cleanly as one later on.

``from nypconsol.cli import cli`` gives the click group (for ``CliRunner`` in tests).
"""

import contextlib
import gc
import os
import sys

# _console: running as the console script (run), not inside another program such as a test;
# _batch: the command holds no network or database connection (see batch_process).
_console = _batch = False


def run() -> None:
    global _console
    _console = True
    try:
        from nypconsol.cli.app import main

        main()
    except KeyboardInterrupt:
        _say("Interrupted: nothing was written.")
        sys.exit(130)  # ExitCode.INTERRUPTED, without importing anything more
    except SystemExit as done:
        if _batch:
            _exit_now(done.code)
        _flush()
        raise
    except BrokenPipeError:  # the reader of --help or --version went away: its choice
        _exit_now(0)
    except OSError as exc:  # writing --help or --version, before any command runs
        _say(f"Error: cannot write to standard output: {exc.strerror or exc}")
        _exit_now(4)  # ExitCode.FAILURE


def batch_process() -> None:
    """For a command that reads files, works in memory and writes files, holding no network
    or database connection: the cyclic garbage collector is switched off (it would rescan every
    account again and again: 3.8 s instead of 2.3 s for a 100,000-account plan), and the console
    script ends with os._exit, skipping the object-by-object teardown. Only in the console
    script: a program that calls the CLI in-process keeps its collector."""
    global _batch
    if _console:
        _batch = True
        gc.disable()


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
    ends the same way). Only after batch commands, --help and --version, which hold no
    connection; the standard streams are flushed here."""
    if isinstance(code, str):  # as sys.exit("message") would: the message, then status 1
        _say(code)
        code = 1
    status = code if isinstance(code, int) else 0 if code is None else 1
    _flush()
    os._exit(status)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe or stream (or none at all: ">&-") has nothing left to say.
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()
