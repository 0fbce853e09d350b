"""Where the ledger lives (an explicit path or URL, else ``NYPCONSOL_LEDGER``, else a SQLite
file in the working folder) and how to name it, and any driver message, without a password."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from nypconsol.ledger.errors import LedgerError

ENV_VAR = "NYPCONSOL_LEDGER"
DEFAULT_FILE = "nypconsol-ledger.sqlite"

_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://")
# user:password@ in any URL; the user stays, the password goes.
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*):[^\s@/]*@")
# password=... in a libpq keyword string or a URL query.
_KEYWORD_PASSWORD = re.compile(r"(?P<head>password\s*=\s*)(?:'[^']*'|[^\s&]+)", re.IGNORECASE)
# password=... as a query parameter of a URL, with the separator before it.
_QUERY_PASSWORD = re.compile(r"(?P<sep>[?&])password=[^&#]*", re.IGNORECASE)
# Shorter "secrets" would blank out ordinary letters of a message; libpq never echoes a password.
_MIN_SCRUB = 4


class LedgerKind(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


class LedgerSource(StrEnum):
    """How the ledger was chosen, for the message that names it."""

    OPTION = "--ledger"
    ENVIRONMENT = ENV_VAR
    DEFAULT = "default"


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerLocation:
    """A ledger to open. ``display`` is safe to print; ``url`` may hold a password and is never
    shown (it is left out of the repr too)."""

    kind: LedgerKind
    display: str
    source: LedgerSource
    path: Path | None = None  # the SQLite file
    url: str = field(default="", repr=False)  # what SQLAlchemy connects to
    secrets: tuple[str, ...] = field(default=(), repr=False)  # scrubbed from every message

    def scrub(self, text: str) -> str:
        """``text`` (a driver's message, say) with this ledger's password removed."""
        return redact(text, self.secrets)


def resolve_location(
    path_or_url: str | None = None, *, environ: Mapping[str, str] | None = None
) -> LedgerLocation:
    """The ledger named by ``path_or_url`` (``--ledger``), else by ``NYPCONSOL_LEDGER``, else
    ``nypconsol-ledger.sqlite`` in the working folder. An empty environment variable counts as
    unset; an empty ``--ledger`` is an error."""
    environ = os.environ if environ is None else environ
    if path_or_url is not None:
        source, value = LedgerSource.OPTION, path_or_url
        if not value.strip():
            raise LedgerError("--ledger is empty: give a SQLite file or a postgresql:// URL")
    elif environ.get(ENV_VAR, "").strip():
        source, value = LedgerSource.ENVIRONMENT, environ[ENV_VAR]
    else:
        source, value = LedgerSource.DEFAULT, DEFAULT_FILE
    value = value.strip()
    scheme = _SCHEME.match(value)
    if scheme is None:
        path = Path(value).expanduser()
        return LedgerLocation(
            kind=LedgerKind.SQLITE, display=value, source=source, path=path, url=_sqlite_url(path)
        )
    name = scheme["scheme"].lower()
    if name == "sqlite" or name.startswith("sqlite+"):
        return _sqlite_location(value, source)
    if name in ("postgresql", "postgres") or name.startswith("postgresql+"):
        return _postgresql_location(value, source, environ)
    raise LedgerError(
        f"the ledger {redact(value, ())} is neither a SQLite file nor a postgresql:// URL"
    )


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every secret, any ``user:password@`` in a URL and any ``password=...``
    replaced, so that it can be shown."""
    for secret in sorted({s for s in secrets if s and len(s) >= _MIN_SCRUB}, key=len, reverse=True):
        text = text.replace(secret, "***")
    text = _URL_PASSWORD.sub(r"\g<head>@", text)
    return _KEYWORD_PASSWORD.sub(r"\g<head>***", text)


def _sqlite_url(path: Path) -> str:
    from sqlalchemy.engine import URL

    return URL.create("sqlite", database=str(path)).render_as_string(hide_password=False)


def _sqlite_location(value: str, source: LedgerSource) -> LedgerLocation:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(value)
    except (ArgumentError, ValueError):
        raise LedgerError(f"the ledger URL {redact(value, ())} is not valid") from None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        raise LedgerError(
            f"the ledger URL {redact(value, ())} names no file: give sqlite:///path/to/ledger.sqlite"
        )
    path = Path(database).expanduser()
    return LedgerLocation(
        kind=LedgerKind.SQLITE, display=value, source=source, path=path, url=_sqlite_url(path)
    )


def _postgresql_location(
    value: str, source: LedgerSource, environ: Mapping[str, str]
) -> LedgerLocation:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(value)
        port = url.port  # a port that is not a number fails here
    except (ArgumentError, ValueError):
        raise LedgerError(f"the ledger URL {redact(value, ())} is not valid") from None
    del port
    query_password = url.query.get("password")
    if isinstance(query_password, tuple):
        query_password = query_password[-1]
    secrets = (url.password, query_password, environ.get("PGPASSWORD"))
    display = _QUERY_PASSWORD.sub(lambda m: "?" if m["sep"] == "?" else "", value)
    display = redact(display.replace("?&", "?").rstrip("?"), secrets)
    connect_url = url.set(drivername="postgresql+psycopg")
    return LedgerLocation(
        kind=LedgerKind.POSTGRESQL,
        display=display,
        source=source,
        url=connect_url.render_as_string(hide_password=False),
        secrets=tuple(str(s) for s in secrets if s),
    )
