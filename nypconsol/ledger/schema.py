"""The ledger's tables, one definition for SQLite and PostgreSQL, and the forward migrations
from an empty database to the current schema version.

Versions (``ledger_meta.schema_version``):
  1. ``ledger_events`` (append-only, guarded by triggers), ``ledger_head`` (the lock row that
     serialises appends and remembers the chain's last event) and ``ledger_meta``.
  2. ``ledger_events`` gains the sweep details of a ``swept`` event: ``archive_sha256`` and the
     counts ``sweep_conversations``, ``sweep_messages``, ``sweep_p1``, ``sweep_p2``,
     ``sweep_p3``, ``sweep_unanswered``.
A migration, once released, never changes: a new need is a new version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    select,
    text,
)
from sqlalchemy.types import TypeDecorator

from nypconsol.ledger.events import GENESIS_HASH

CURRENT_VERSION = 2
META = "ledger_meta"
HEAD = "ledger_head"
EVENTS = "ledger_events"
VERSION_KEY = "schema_version"
# Any fixed number: the key of the advisory lock that serialises migrations on PostgreSQL.
MIGRATION_LOCK_KEY = 0x6E79_7063_6F6E_736F % 2**63


class SchemaProblem(Exception):
    """The database is not a ledger this version can use; the message says why (the caller
    names the ledger)."""


class UTCDateTime(TypeDecorator):
    """A timezone-aware moment stored in UTC: ``timestamptz`` on PostgreSQL, ISO text on
    SQLite (which has no timezones), and always read back as an aware UTC datetime."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"a timezone-aware datetime is needed, got {value!r}")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _event_columns() -> list[Column]:
    """The columns of version 1's ``ledger_events``."""
    return [
        Column("id", BigInteger, primary_key=True, autoincrement=False),
        Column("handle", String(200), nullable=False),
        Column("platform", String(50), nullable=False),
        Column("step", String(50), nullable=False),
        Column("by", String(200), nullable=False),
        Column("db_user", String(200), nullable=False),
        Column("at", UTCDateTime, nullable=False),
        Column("recorded_at", UTCDateTime, nullable=False),
        Column("note", Text, nullable=True),
        Column("forced", Boolean, nullable=False),
        Column("undo_of", BigInteger, nullable=True),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False, unique=True),
    ]


# Version 2's additions, in the order the migration adds them.
SWEEP_COLUMNS: tuple[tuple[str, str], ...] = (
    ("archive_sha256", "VARCHAR(64)"),
    ("sweep_conversations", "INTEGER"),
    ("sweep_messages", "INTEGER"),
    ("sweep_p1", "INTEGER"),
    ("sweep_p2", "INTEGER"),
    ("sweep_p3", "INTEGER"),
    ("sweep_unanswered", "INTEGER"),
)


def _tables(version: int) -> tuple[MetaData, Table, Table, Table]:
    metadata = MetaData()
    meta = Table(
        META,
        metadata,
        Column("key", String(50), primary_key=True),
        Column("value", String(200), nullable=False),
    )
    head = Table(
        HEAD,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("last_id", BigInteger, nullable=False),
        Column("last_hash", String(64), nullable=False),
    )
    columns = _event_columns()
    if version >= 2:
        columns += [
            Column(name, String(64) if kind.startswith("VARCHAR") else Integer, nullable=True)
            for name, kind in SWEEP_COLUMNS
        ]
    events = Table(EVENTS, metadata, *columns)
    Index("ledger_events_account", events.c.handle, events.c.platform, events.c.id)
    return metadata, meta, head, events


# The current tables, for queries.
_, meta_table, head_table, events_table = _tables(CURRENT_VERSION)

_SQLITE_GUARDS = (
    f"""CREATE TRIGGER {EVENTS}_no_update BEFORE UPDATE ON {EVENTS}
    BEGIN SELECT RAISE(ABORT, '{EVENTS} is append-only: events are never changed'); END""",
    f"""CREATE TRIGGER {EVENTS}_no_delete BEFORE DELETE ON {EVENTS}
    BEGIN SELECT RAISE(ABORT, '{EVENTS} is append-only: events are never deleted'); END""",
)
_POSTGRESQL_GUARDS = (
    f"""CREATE OR REPLACE FUNCTION {EVENTS}_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{EVENTS} is append-only: events are never changed or deleted';
    END
    $$""",
    f"""CREATE TRIGGER {EVENTS}_no_change BEFORE UPDATE OR DELETE ON {EVENTS}
    FOR EACH ROW EXECUTE FUNCTION {EVENTS}_append_only()""",
    f"""CREATE TRIGGER {EVENTS}_no_truncate BEFORE TRUNCATE ON {EVENTS}
    FOR EACH STATEMENT EXECUTE FUNCTION {EVENTS}_append_only()""",
)


def _to_v1(connection: Connection) -> None:
    metadata, meta, head, _ = _tables(1)
    metadata.create_all(connection)
    guards = _SQLITE_GUARDS if connection.dialect.name == "sqlite" else _POSTGRESQL_GUARDS
    for statement in guards:
        connection.exec_driver_sql(statement)
    connection.execute(head.insert().values(id=1, last_id=0, last_hash=GENESIS_HASH))
    connection.execute(meta.insert().values(key=VERSION_KEY, value="0"))


def _to_v2(connection: Connection) -> None:
    for name, kind in SWEEP_COLUMNS:
        connection.exec_driver_sql(f"ALTER TABLE {EVENTS} ADD COLUMN {name} {kind}")


# Migration to version N (the key) from version N - 1.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _to_v1, 2: _to_v2}


def read_version(connection: Connection) -> int:
    """The schema version of the ledger in this database: 0 when it holds no ledger."""
    # One statement lists the tables, so it sees the database before or after another process
    # commits a new ledger, never half-way (two looks, at READ COMMITTED, could see each side).
    tables = set(inspect(connection).get_table_names())
    if META not in tables:
        if EVENTS in tables:
            raise SchemaProblem(f"the database has a {EVENTS} table but no {META}: not a ledger")
        others = sorted(tables - {HEAD})
        if others and connection.dialect.name == "sqlite":
            # A file of its own is the ledger's: one holding other tables belongs to another
            # program (the enrich cache, say), and a ledger is never started inside it. (A
            # PostgreSQL database may hold other schemas' tables: docs/ledger.md.)
            word = "table" if len(others) == 1 else "tables"
            raise SchemaProblem(
                f"it is a SQLite database of something else (it holds the {word} "
                f"{', '.join(others[:5])}), not a ledger: name the ledger's own file, or a new one"
            )
        return 0
    value = connection.execute(
        select(meta_table.c.value).where(meta_table.c.key == VERSION_KEY)
    ).scalar_one_or_none()
    if value is None or not value.isdigit():
        raise SchemaProblem(f"the ledger's {META} table has no valid {VERSION_KEY}")
    return int(value)


def migrate(connection: Connection, *, target: int = CURRENT_VERSION) -> int:
    """Bring the ledger up to ``target`` within the caller's transaction, which must already
    hold the migration lock; returns the version it started from."""
    start = read_version(connection)
    if start > CURRENT_VERSION:
        raise SchemaProblem(newer_message(start))
    for version in range(start + 1, target + 1):
        MIGRATIONS[version](connection)
        connection.execute(
            meta_table.update().where(meta_table.c.key == VERSION_KEY).values(value=str(version))
        )
    return start


def lock_for_migration(connection: Connection) -> None:
    """Take the lock that makes two processes opening an old ledger migrate it once. SQLite's
    write transaction (BEGIN IMMEDIATE) is that lock already."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


def newer_message(version: int) -> str:
    return (
        f"it was written by a newer nypconsol (schema version {version}; this one "
        f"understands up to {CURRENT_VERSION}): upgrade nypconsol to use it"
    )
