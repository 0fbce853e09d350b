"""Schema versions: a ledger started from an empty database, one written by version 1 (a dump
kept in fixtures/) migrated forward with its chain intact, both ending with the same tables;
a failed migration leaves nothing half-done; a newer or a foreign database is refused."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import create_engine, inspect

from nypconsol.core.progress import RecordRefused
from nypconsol.core.steps import Step
from nypconsol.ledger import LedgerError, SweepDetails, open_ledger
from nypconsol.ledger import schema as ledger_schema

from .ledger_helpers import record

V1_HEAD = {
    "sqlite": "388afd4e3dd065ef53c870fb2774e0cd4e576ce4232a5971c0f09b9e68468828",
    "postgresql": "640c34d8d199d328d1793baa3f1e8c1ffd34940267a995161e20ea31e98f8885",
}
EVENT_COLUMNS = [
    "id",
    "handle",
    "platform",
    "step",
    "by",
    "db_user",
    "at",
    "recorded_at",
    "note",
    "forced",
    "undo_of",
    "prev_hash",
    "hash",
    "archive_sha256",
    "sweep_conversations",
    "sweep_messages",
    "sweep_p1",
    "sweep_p2",
    "sweep_p3",
    "sweep_unanswered",
]


def version(backend) -> int:
    return int(backend.sql("SELECT value FROM ledger_meta WHERE key = 'schema_version'")[0][0])


def shape(ledger) -> dict[str, list[tuple[str, str, bool]]]:
    """Each of the ledger's tables: its columns' names, types and nullability."""
    inspector = inspect(ledger.engine)
    return {
        table: [
            (column["name"], str(column["type"]), column["nullable"])
            for column in inspector.get_columns(table)
        ]
        for table in ("ledger_meta", "ledger_head", "ledger_events")
    }


def test_an_empty_database_becomes_a_current_ledger(backend):
    with open_ledger(backend.location, create=True) as ledger:
        assert ledger.schema_version() == ledger_schema.CURRENT_VERSION == 2
        assert [name for name, _, _ in shape(ledger)["ledger_events"]] == EVENT_COLUMNS
        assert ledger.verify().ok
    assert version(backend) == 2
    assert backend.sql("SELECT id, last_id, last_hash FROM ledger_head") == [(1, 0, "0" * 64)]


def test_a_version_1_ledger_is_migrated_and_keeps_its_chain(backend):
    backend.load("ledger-v1")
    assert version(backend) == 1
    with open_ledger(backend.location) as ledger:
        assert ledger.schema_version() == 2
        events = ledger.events()
        assert [(e.id, e.handle, e.step, e.by, e.undo_of, e.forced) for e in events] == [
            (1, "SkiptonCops", Step.ANNOUNCED, "pc.smith", None, False),
            (2, "SkiptonCops", Step.SWEPT, "pcso.khan", None, False),
            (3, "SelbyBeat", Step.ANNOUNCED, "Zoë O'Brien", None, False),
            (4, "SkiptonCops", Step.SWEPT, "pcso.khan", 2, False),
            (5, "SkiptonCops", Step.FINAL_POSTED, "sgt.lee", None, True),
        ]
        assert events[1].at == dt.datetime(2026, 9, 25, 15, 40, 7, 120000, tzinfo=dt.UTC)
        assert all(e.sweep is None for e in events)
        report = ledger.verify()
        assert report.ok and report.events == 5 and report.head_hash == V1_HEAD[backend.kind]
        # The old events still count: swept was undone in version 1, so closed is refused.
        with pytest.raises(RecordRefused, match="closed needs swept first"):
            record(ledger, Step.CLOSED)
        sweep = SweepDetails(
            archive_sha256="0f" * 32, conversations=3, messages=8, p1=0, p2=1, p3=0, unanswered=0
        )
        new = record(ledger, Step.SWEPT, sweep=sweep).event
        assert (new.id, new.prev_hash) == (6, V1_HEAD[backend.kind])
        record(ledger, Step.CLOSED)
        assert ledger.verify().ok and ledger.verify().events == 7
        assert ledger.events()[5].sweep == sweep
    assert version(backend) == 2


def test_from_empty_and_from_version_1_the_tables_are_the_same(backend, tmp_path):
    backend.load("ledger-v1")
    with open_ledger(backend.location) as migrated:
        from_v1 = shape(migrated)
    if backend.kind == "sqlite":
        fresh_location = str(tmp_path / "fresh.sqlite")
    else:
        fresh_location = backend.cluster.url(backend.cluster.new_database())
    with open_ledger(fresh_location, create=True) as fresh:
        assert shape(fresh) == from_v1


def test_processes_opening_an_old_ledger_at_once_migrate_it_once(backend):
    backend.load("ledger-v1")
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def open_it() -> None:
        try:
            start.wait()
            with open_ledger(backend.location, timeout=30) as ledger:
                assert ledger.schema_version() == 2
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert version(backend) == 2
    with open_ledger(backend.location) as ledger:
        assert ledger.verify().ok


def test_a_failed_migration_leaves_the_old_version_whole(backend, monkeypatch):
    backend.load("ledger-v1")

    def half_then_fail(connection) -> None:
        connection.exec_driver_sql(
            "ALTER TABLE ledger_events ADD COLUMN archive_sha256 VARCHAR(64)"
        )
        raise KeyboardInterrupt  # Ctrl-C in the middle of a migration

    monkeypatch.setitem(ledger_schema.MIGRATIONS, 2, half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        open_ledger(backend.location)
    assert version(backend) == 1
    monkeypatch.undo()
    if backend.kind == "postgresql":
        monkeypatch.setenv("PGPASSWORD", backend.cluster.password)
    with open_ledger(backend.location) as ledger:
        assert ledger.schema_version() == 2 and ledger.verify().ok


def test_a_ledger_from_a_newer_nypconsol_is_refused_and_left_alone(backend):
    with open_ledger(backend.location, create=True) as ledger:
        record(ledger, Step.ANNOUNCED)
        display = ledger.display
    backend.sql("UPDATE ledger_meta SET value = '3' WHERE key = 'schema_version'")
    for create in (False, True):
        with pytest.raises(LedgerError) as caught:
            open_ledger(backend.location, create=create)
        assert caught.value.exit_code == 4
        assert str(caught.value) == (
            f"cannot use the ledger {display}: it was written by a newer nypconsol (schema "
            "version 3; this one understands up to 2): upgrade nypconsol to use it"
        )
    assert version(backend) == 3
    assert len(backend.sql("SELECT id FROM ledger_events")) == 1


def test_a_database_that_is_not_a_ledger_is_refused(backend):
    backend.sql("CREATE TABLE ledger_events (id INTEGER)")
    with pytest.raises(LedgerError) as caught:
        open_ledger(backend.location, create=True)
    assert str(caught.value).startswith("cannot use the ledger ")
    assert str(caught.value).endswith(
        ": the database has a ledger_events table but no ledger_meta: not a ledger"
    )
    backend.sql("CREATE TABLE ledger_meta (key VARCHAR(50), value VARCHAR(200))")
    backend.sql("INSERT INTO ledger_meta VALUES ('schema_version', 'two')")
    with pytest.raises(LedgerError, match="has no valid schema_version"):
        open_ledger(backend.location, create=True)


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "inventory.csv"
    path.write_text("handle,platform\nSkiptonCops,x\n" * 50)
    with pytest.raises(LedgerError) as caught:
        open_ledger(str(path))
    assert str(caught.value) == f"the ledger {path} is not a SQLite database"
    assert path.read_text() == "handle,platform\nSkiptonCops,x\n" * 50


@pytest.mark.parametrize("create", [True, False])
def test_a_sqlite_database_of_something_else_is_never_made_a_ledger(tmp_path, create):
    """--ledger naming another program's SQLite file (the enrich cache, say): record must not
    add the ledger's tables to it, and status must not say there is no ledger there yet."""
    import sqlite3

    path = tmp_path / "out.csv.nypconsol-cache.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE answers (platform TEXT, handle TEXT)")
    with pytest.raises(LedgerError) as caught:
        open_ledger(str(path), create=create)
    assert str(caught.value) == (
        f"cannot use the ledger {path}: it is a SQLite database of something else (it holds the "
        "table answers), not a ledger: name the ledger's own file, or a new one"
    )
    with sqlite3.connect(path) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("answers",)]


def test_a_folder_or_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(LedgerError, match="is a folder, not a SQLite file"):
        open_ledger(str(tmp_path), create=True)
    missing = tmp_path / "no" / "ledger.sqlite"
    with pytest.raises(LedgerError, match=r"the folder .*/no does not exist"):
        open_ledger(str(missing), create=True)
    assert not missing.parent.exists()


def test_the_sqlite_ledger_uses_wal_and_a_busy_timeout(tmp_path):
    path = tmp_path / "ledger.sqlite"
    with (
        open_ledger(str(path), create=True, timeout=7) as ledger,
        ledger.engine.connect() as connection,
    ):
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7000
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


@pytest.mark.postgresql
def test_a_ledger_started_by_another_process_while_this_one_looks_is_seen_whole(
    pg_cluster, monkeypatch
):
    """Found by eight ``nypconsol record`` processes starting an empty PostgreSQL ledger at
    once: one looked for ledger_meta (not there yet), the first committed the new ledger, and
    the next look found ledger_events, so the database seemed "not a ledger". The tables are
    now looked for in one statement, which sees the database before or after, never between."""
    from sqlalchemy import Engine, event

    database = pg_cluster.new_database()
    monkeypatch.setenv("PGPASSWORD", pg_cluster.password)
    url = pg_cluster.url(database)
    creator = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    starting = creator.connect()
    transaction = starting.begin()
    ledger_schema.lock_for_migration(starting)
    ledger_schema.migrate(starting)  # the new ledger, not yet committed
    looks: list[str] = []

    def commit_after_the_first_look(conn, cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if "pg_catalog" in statement and not looks:
            looks.append(statement)
            if transaction.is_active:
                transaction.commit()

    event.listen(Engine, "after_cursor_execute", commit_after_the_first_look)
    try:
        with open_ledger(url, create=True) as ledger:
            assert ledger.schema_version() == ledger_schema.CURRENT_VERSION
            assert record(ledger, Step.ANNOUNCED).event.id == 1
    finally:
        event.remove(Engine, "after_cursor_execute", commit_after_the_first_look)
        starting.close()
        creator.dispose()
    assert looks
