"""Every database fault turned into one LedgerError whose message is safe to show: one line,
naming the ledger, without a password, a driver traceback or SQLAlchemy's appendices."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from nypconsol.ledger.errors import LedgerError
from nypconsol.ledger.location import LedgerLocation


@contextmanager
def ledger_faults(location: LedgerLocation, timeout: float) -> Iterator[None]:
    """Turn what the database, its driver or the file system raise into a LedgerError."""
    try:
        yield
    except DBAPIError as error:
        raise LedgerError(fault_message(location, timeout, error.orig)) from None
    except SQLAlchemyError as error:
        raise LedgerError(
            f"cannot use the ledger {location.display}: {clean(location, str(error))}"
        ) from None
    except (sqlite3.Error, OSError) as error:
        raise LedgerError(fault_message(location, timeout, error)) from None


def busy_message(location: LedgerLocation, timeout: float) -> str:
    return f"the ledger {location.display} is busy: another process kept it locked for more than {timeout:g} s; nothing was recorded, try again"


def fault_message(location: LedgerLocation, timeout: float, error: BaseException | None) -> str:
    reason = clean(location, str(error)) if error is not None else "unknown error"
    where = f"the ledger {location.display}"
    if isinstance(error, sqlite3.Error):
        lowered = reason.lower()
        if "locked" in lowered or "busy" in lowered:
            return busy_message(location, timeout)
        if "disk is full" in lowered or "disk full" in lowered:
            return f"cannot write {where}: the disk is full; nothing was recorded"
        if "not a database" in lowered:
            return f"{where} is not a SQLite database"
        if "readonly" in lowered or "read-only" in lowered:
            return f"cannot write {where}: the file is read-only; nothing was recorded"
        if "unable to open" in lowered:
            return f"cannot open {where}: {reason}"
        return f"cannot use {where}: {reason}"
    sqlstate = getattr(error, "sqlstate", None)
    if sqlstate == "55P03":
        return f"{where} is busy: another process held its lock for more than {timeout:g} s; nothing was recorded, try again"
    if sqlstate == "57014":
        return f"{where} did not answer within {timeout:g} s; nothing was recorded"
    if sqlstate == "53100":
        return f"cannot write {where}: the database server's disk is full; nothing was recorded"
    return f"cannot use {where}: {reason}"


def clean(location: LedgerLocation, message: str) -> str:
    """A driver's message on one line, without this ledger's password or SQLAlchemy's
    appendices (the SQL, its parameters, a documentation link)."""
    message = re.split(r"\n?\(Background on this error at:|\n\[SQL:", message)[0]
    message = " ".join(message.split())
    message = location.scrub(message)
    return message[:400] or "unknown error"
