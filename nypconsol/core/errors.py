"""Exit codes and the exceptions the library raises: the CLI's edge turns each into a message
and its exit code (the README's exit-code table mirrors ExitCode)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INPUT_ERRORS = 1  # the inventory or config has errors (or warnings, with --strict)
    USAGE = 2  # bad options or arguments (click's own code)
    DRIFT = 3  # the plan differs from a committed plan; two plans differ
    FAILURE = 4  # a failure outside the inputs: I/O, disk full, network
    HANGUP = 129  # SIGHUP (128 + 1): the terminal closed
    INTERRUPTED = 130  # Ctrl-C (SIGINT)
    TERMINATED = 143  # SIGTERM (128 + 15): a CI job cancelled, timeout


class NypconsolError(Exception):
    """Base class: a problem the user can act on, reported without a traceback."""

    exit_code = ExitCode.FAILURE


class InputError(NypconsolError):
    """The inputs cannot be used as given (an option value, a missing file)."""

    exit_code = ExitCode.INPUT_ERRORS


class OutputError(NypconsolError):
    """A file could not be written; nothing was left half-way."""

    exit_code = ExitCode.FAILURE
