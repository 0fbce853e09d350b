"""The progress ledger: who did which checklist step for which account, and when, kept
append-only and hash-chained in SQLite (the default file) or a shared PostgreSQL database.

Importing this package is cheap: SQLAlchemy is loaded only when a ledger is opened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nypconsol.ledger.errors import LedgerError, LedgerNotFound
from nypconsol.ledger.events import InvalidRecord, LedgerEvent, SweepDetails
from nypconsol.ledger.location import (
    DEFAULT_FILE,
    ENV_VAR,
    LedgerKind,
    LedgerLocation,
    LedgerSource,
    resolve_location,
)
from nypconsol.ledger.tracking import ledger_states, record_sweep

if TYPE_CHECKING:
    from nypconsol.ledger.store import Ledger


def open_ledger(
    path_or_url: str | None = None,
    *,
    create: bool = False,
    environ: dict[str, str] | None = None,
    timeout: float | None = None,
) -> Ledger:
    """Open the ledger (see ``nypconsol.ledger.store.open_ledger``)."""
    from nypconsol.ledger import store

    return store.open_ledger(
        path_or_url,
        create=create,
        environ=environ,
        timeout=store.DEFAULT_TIMEOUT if timeout is None else timeout,
    )


def login_name() -> str:
    """The operating system's name for the current user (the default for ``--by``)."""
    from nypconsol.ledger import engine

    return engine.login_name()


__all__ = [
    "DEFAULT_FILE",
    "ENV_VAR",
    "InvalidRecord",
    "LedgerError",
    "LedgerEvent",
    "LedgerKind",
    "LedgerLocation",
    "LedgerNotFound",
    "LedgerSource",
    "SweepDetails",
    "ledger_states",
    "login_name",
    "open_ledger",
    "record_sweep",
    "resolve_location",
]
