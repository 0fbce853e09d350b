"""The process exit codes: the one place they are defined (the README's table mirrors it)."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INPUT_ERRORS = 1  # the inventory or config has errors (or warnings, with --strict)
    USAGE = 2  # bad options or arguments (click's own code)
    DRIFT = 3  # reserved: the plan differs from a committed plan
    FAILURE = 4  # a failure outside the inputs: I/O, disk full, network
    INTERRUPTED = 130  # Ctrl-C
