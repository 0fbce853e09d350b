"""The exceptions of platform lookups: NypconsolErrors, so the CLI's edge shows each as one
message with its exit code. Messages never contain a token: they are built from redacted text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nypconsol.core.errors import ExitCode, InputError, NypconsolError, OutputError
from nypconsol.core.findings import Finding


class EnrichError(NypconsolError):
    """A problem with platform lookups the user can act on; shown without a traceback."""

    exit_code = ExitCode.FAILURE


class TokenMissing(EnrichError):
    """A platform that needs a token was to be asked, and its environment variable is unset."""


class TokenInvalid(EnrichError):
    """The token in the environment cannot be a token (spaces, control characters, too short)."""


class TokenRejected(EnrichError):
    """The platform answered 401 or 403 to the token: no point asking again."""


class ApiBaseError(EnrichError):
    """An ``--api-base`` value or ``NYPCONSOL_*_API_BASE`` variable cannot be used."""

    exit_code = ExitCode.USAGE


class NoInventory(EnrichError):
    """No ``-i`` was given and the config has no ``accounts:`` list to enrich."""

    exit_code = ExitCode.USAGE


class CacheError(EnrichError):
    """The lookup cache cannot be opened, read or written."""


class InventoryFileError(EnrichError, InputError):
    """The inventory cannot be read for rewriting; the message names the file and line."""

    exit_code = ExitCode.INPUT_ERRORS

    def __init__(self, message: str, file: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.reason = message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


def refused_inventory(findings: Sequence[Finding], display: str) -> InventoryFileError:
    """What the inventory reader found wrong (loaders/), as the one error enrich raises: the
    first problem with its line, then every other one."""
    first, others = findings[0], findings[1:]
    message = first.message
    if others:
        shown = "; ".join(
            f"line {f.line}: {f.message}" if f.line else f.message for f in others[:9]
        )
        more = f"; and {len(others) - 9} more" if len(others) > 9 else ""
        message = f"{message}; also {shown}{more}"
    return InventoryFileError(message, first.file or display, first.line)


class OutputRefused(EnrichError, OutputError):
    """OUTPUT cannot be written (it is the input without permission, a folder, ...)."""

    exit_code = ExitCode.FAILURE


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
