"""The exceptions of platform lookups, each with the process exit code the CLI should use.

They do not derive from the project's ``NypconsolError`` yet because the core's errors are moving
(to ``nypconsol.core.errors``); each carries the same ``exit_code`` attribute, so the CLI edge can
treat them alike. Messages never contain a token: they are built from redacted text only.
"""

from __future__ import annotations

from collections.abc import Mapping

# The values of nypconsol's ExitCode, repeated here until core/errors.py settles.
EXIT_INPUT_ERRORS = 1
EXIT_USAGE = 2
EXIT_FAILURE = 4


class EnrichError(Exception):
    """A problem with platform lookups the user can act on; shown without a traceback."""

    exit_code = EXIT_FAILURE


class TokenMissing(EnrichError):
    """A platform that needs a token was to be asked, and its environment variable is unset."""


class TokenInvalid(EnrichError):
    """The token in the environment cannot be a token (spaces, control characters, too short)."""


class TokenRejected(EnrichError):
    """The platform answered 401 or 403 to the token: no point asking again."""


class ApiBaseError(EnrichError):
    """An ``--api-base`` value or ``NYPCONSOL_*_API_BASE`` variable cannot be used."""

    exit_code = EXIT_USAGE


class CacheError(EnrichError):
    """The lookup cache cannot be opened, read or written."""


class InventoryFileError(EnrichError):
    """The inventory cannot be read for rewriting; the message names the file and line."""

    exit_code = EXIT_INPUT_ERRORS

    def __init__(self, message: str, file: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.reason = message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


class OutputRefused(EnrichError):
    """OUTPUT cannot be written (it is the input without permission, a folder, ...)."""


class LookupFailed(Exception):
    """A request for one batch failed for good (after any retries): the batch gets ``error``.

    Internal: the lookup turns it into ``error`` statuses; it never reaches the CLI.
    """

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(detail)


class RateLimited(Exception):
    """The platform answered 429; ``headers`` say when to ask again (see ratelimit.reset_time).

    Internal: the lookup waits (with a countdown) or stops that platform cleanly.
    """

    def __init__(self, scope: str, headers: Mapping[str, str], detail: str) -> None:
        self.scope = scope
        self.headers = headers
        self.detail = detail
        super().__init__(detail)
