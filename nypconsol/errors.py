"""Exceptions the core raises; the CLI turns each into a message and an exit code."""

from __future__ import annotations

from nypconsol.exitcodes import ExitCode


class NypconsolError(Exception):
    """Base class: a problem the user can act on, reported without a traceback."""

    exit_code = ExitCode.FAILURE


class InputError(NypconsolError):
    """The inputs cannot be used as given (an option value, a missing file)."""

    exit_code = ExitCode.INPUT_ERRORS


class OutputError(NypconsolError):
    """A file could not be written; nothing was left half-way."""

    exit_code = ExitCode.FAILURE
