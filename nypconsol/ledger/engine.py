"""Engines for the ledger's two databases: SQLite set up for several writers (WAL, a busy
timeout, immediate transactions) and PostgreSQL, and the checks made before opening a file."""

from __future__ import annotations

import getpass
import math
import os
import sqlite3
from contextlib import suppress
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from nypconsol.ledger.errors import LedgerError, LedgerNotFound
from nypconsol.ledger.location import LedgerKind, LedgerLocation

_BEGIN_OPTION = "nypconsol_sqlite_begin"  # how a SQLite transaction starts, per connection


def make_engine(location: LedgerLocation, timeout: float) -> Engine:
    if location.kind is LedgerKind.SQLITE:
        engine = create_engine(
            location.url, connect_args={"timeout": timeout}, hide_parameters=True
        )
        event.listen(engine, "connect", sqlite_connect(timeout))
        event.listen(engine, "begin", sqlite_begin)
        return engine
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise LedgerError(
            f"the ledger {location.display} is on PostgreSQL, which needs psycopg: "
            "pip install 'nypconsol[postgres]'"
        ) from None
    from sqlalchemy.engine import make_url

    url = make_url(location.url)
    connect_args: dict[str, Any] = {"application_name": "nypconsol"}
    if "connect_timeout" not in url.query:
        # libpq counts whole seconds and ignores less than 2.
        connect_args["connect_timeout"] = max(2, math.ceil(timeout))
    return create_engine(url, connect_args=connect_args, hide_parameters=True)


def sqlite_connect(timeout: float):
    def on_connect(connection: sqlite3.Connection, _record: object) -> None:
        # pysqlite's own transaction handling defers BEGIN until a write; SQLAlchemy's begin
        # event (below) issues the real BEGIN instead.
        connection.isolation_level = None
        cursor = connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {max(0, round(timeout * 1000))}")
            # An audit trail survives a power cut: FULL syncs the WAL at every commit.
            cursor.execute("PRAGMA synchronous = FULL")
            (mode,) = cursor.execute("PRAGMA journal_mode").fetchone()
            if str(mode).lower() != "wal":
                # A read-only file is still readable in the mode it has.
                with suppress(sqlite3.OperationalError):
                    cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()

    return on_connect


def sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql(connection.get_execution_options().get(_BEGIN_OPTION, "BEGIN"))


def check_sqlite_path(location: LedgerLocation, *, create: bool) -> None:
    path = location.path
    assert path is not None
    if path.is_dir():
        raise LedgerError(f"the ledger {location.display} is a folder, not a SQLite file")
    if path.exists():
        return
    if not create:
        raise LedgerNotFound(not_found(location.display))
    if not path.parent.is_dir():
        raise LedgerError(
            f"cannot create the ledger {location.display}: the folder {path.parent} does not exist"
        )
    # An audit trail is for its owner: SQLite would create the file with the umask's mode
    # (often readable by everyone), and gives its -wal and -shm files the file's own mode.
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # another process started it just now
    except OSError as error:
        raise LedgerError(
            f"cannot create the ledger {location.display}: {error.strerror or error}"
        ) from None


def not_found(display: str) -> str:
    return (
        f"there is no ledger at {display} yet: `nypconsol record` starts one; "
        "or name an existing one with --ledger or NYPCONSOL_LEDGER"
    )


def login_name() -> str:
    """The operating system's name for the user running this process (the SQLite ledger's
    ``db_user``, and a sensible default for ``--by``)."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, OSError):
        pass
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
