"""Faults: a server that cannot be reached, refuses the login or never answers; a ledger locked
by another process; a full disk; Ctrl-C in the middle of a record. Each is one LedgerError
(exit 4) with one clean message and no password, and the ledger stays whole."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import event

from nypconsol.core.steps import Step
from nypconsol.ledger import LedgerError, open_ledger

from .ledger_helpers import record

WORKER = Path(__file__).with_name("record_worker.py")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def assert_clean(error: LedgerError, *secrets: str) -> str:
    """The message is one line, exit code 4, nothing chained for a traceback to show, and
    none of the secrets anywhere in it."""
    message = str(error)
    assert error.exit_code == 4
    assert "\n" not in message
    assert error.__cause__ is None and error.__suppress_context__
    assert "Traceback" not in message and "[SQL:" not in message and "sqlalche.me" not in message
    for secret in secrets:
        assert secret not in message
        assert secret not in repr(error.args)
    return message


# --- PostgreSQL: cannot reach, refused login, no answer ---------------------------------------


def test_a_server_that_cannot_be_reached(monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "reach-secret-1")
    port = free_port()
    with pytest.raises(LedgerError) as caught:
        open_ledger(f"postgresql://team@127.0.0.1:{port}/ledger", timeout=3)
    message = assert_clean(caught.value, "reach-secret-1")
    assert message.startswith(f"cannot use the ledger postgresql://team@127.0.0.1:{port}/ledger: ")
    assert "Connection refused" in message


def test_a_socket_folder_with_no_server(tmp_path):
    with pytest.raises(LedgerError) as caught:
        open_ledger(f"postgresql://team@/ledger?host={tmp_path}", timeout=3)
    message = assert_clean(caught.value)
    assert "No such file or directory" in message


def test_a_server_that_never_answers_times_out():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # the kernel accepts the connection; nothing ever answers it
    port = silent.getsockname()[1]
    try:
        started = time.monotonic()
        with pytest.raises(LedgerError) as caught:
            open_ledger(f"postgresql://team:silent-secret-2@127.0.0.1:{port}/ledger", timeout=1)
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    message = assert_clean(caught.value, "silent-secret-2")
    assert "timeout" in message.lower()
    assert elapsed < 15


@pytest.mark.postgresql
def test_a_wrong_password_from_the_environment(pg_cluster, monkeypatch, tmp_path):
    database = pg_cluster.new_database()
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    monkeypatch.setenv("PGPASSWORD", "Wrong-Password-From-Env-3")
    with pytest.raises(LedgerError) as caught:
        open_ledger(pg_cluster.url(database), create=True)
    message = assert_clean(caught.value, "Wrong-Password-From-Env-3", pg_cluster.password)
    assert message.startswith(f"cannot use the ledger {pg_cluster.url(database)}: ")
    assert 'password authentication failed for user "ledger"' in message


@pytest.mark.postgresql
def test_a_wrong_password_in_the_url(pg_cluster, monkeypatch, tmp_path):
    database = pg_cluster.new_database()
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    url = pg_cluster.url(database, password="Wrong-Password-In-Url-4")
    with pytest.raises(LedgerError) as caught:
        open_ledger(url, create=True)
    message = assert_clean(caught.value, "Wrong-Password-In-Url-4")
    assert message.startswith(f"cannot use the ledger {pg_cluster.url(database)}: ")
    assert "password authentication failed" in message


@pytest.mark.postgresql
def test_no_password_at_all(pg_cluster, monkeypatch, tmp_path):
    database = pg_cluster.new_database()
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    with pytest.raises(LedgerError) as caught:
        open_ledger(pg_cluster.url(database), create=True)
    assert "no password supplied" in assert_clean(caught.value)


@pytest.mark.postgresql
def test_the_password_comes_from_pgpass(pg_cluster, monkeypatch, tmp_path):
    database = pg_cluster.new_database()
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"*:*:*:{pg_cluster.role}:{pg_cluster.password}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    with open_ledger(pg_cluster.url(database), create=True) as ledger:
        assert record(ledger, Step.ANNOUNCED).event.db_user == "ledger"
        assert pg_cluster.password not in ledger.display and pg_cluster.password not in repr(ledger)


@pytest.mark.postgresql
def test_a_password_in_the_url_works_and_is_never_shown(pg_cluster, monkeypatch, tmp_path):
    database = pg_cluster.new_database()
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    url = pg_cluster.url(database, password=pg_cluster.password)
    with open_ledger(url, create=True) as ledger:
        assert ledger.display == pg_cluster.url(database)
        assert pg_cluster.password not in repr(ledger.location)


@pytest.mark.postgresql
def test_an_unknown_database_or_role(pg_cluster, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", pg_cluster.password)
    with pytest.raises(LedgerError) as caught:
        open_ledger(pg_cluster.url("no_such_database"), create=True)
    assert 'database "no_such_database" does not exist' in assert_clean(caught.value)
    with pytest.raises(LedgerError) as caught:
        open_ledger(pg_cluster.url("postgres", user="nobody"), create=True)
    assert_clean(caught.value, pg_cluster.password)


def test_postgresql_without_psycopg_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(LedgerError) as caught:
        open_ledger("postgresql://team@db.example/ledger")
    assert str(caught.value) == (
        "the ledger postgresql://team@db.example/ledger is on PostgreSQL, which needs psycopg: "
        "pip install 'nypconsol[postgres]'"
    )


# --- a ledger locked by another process -------------------------------------------------------


def test_a_sqlite_ledger_locked_too_long_is_busy(tmp_path):
    path = tmp_path / "ledger.sqlite"
    with open_ledger(str(path), create=True, timeout=0.3) as ledger:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(LedgerError) as caught:
                record(ledger, Step.ANNOUNCED)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert assert_clean(caught.value) == (
            f"the ledger {path} is busy: another process kept it locked for more than 0.3 s; "
            "nothing was recorded, try again"
        )
        assert ledger.events() == ()
        record(ledger, Step.ANNOUNCED)
        assert ledger.verify().ok


@pytest.mark.postgresql
def test_a_postgresql_ledger_locked_too_long_is_busy(pg_cluster, monkeypatch):
    database = pg_cluster.new_database()
    monkeypatch.setenv("PGPASSWORD", pg_cluster.password)
    with open_ledger(pg_cluster.url(database), create=True, timeout=1) as ledger:
        with pg_cluster.connect(database, as_owner=True) as holder:
            holder.execute("BEGIN")
            holder.execute("SELECT last_id FROM ledger_head WHERE id = 1 FOR UPDATE")
            with pytest.raises(LedgerError) as caught:
                record(ledger, Step.ANNOUNCED)
            holder.execute("ROLLBACK")
        assert assert_clean(caught.value) == (
            f"the ledger {ledger.display} is busy: another process held its lock for more "
            "than 1 s; nothing was recorded, try again"
        )
        assert ledger.events() == ()
        record(ledger, Step.ANNOUNCED)
        assert ledger.verify().ok


# --- a full disk ------------------------------------------------------------------------------


def test_a_full_disk_records_nothing_and_leaves_the_ledger_whole(tmp_path):
    path = tmp_path / "ledger.sqlite"
    with open_ledger(str(path), create=True) as ledger:
        record(ledger, Step.ANNOUNCED)
        # SQLite's own cap on the file's size fails writes exactly as a full disk does
        # (SQLITE_FULL); a note of 6 KB, more than a 4 KB page, must grow the file.
        with ledger.engine.connect() as connection:
            pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        ledger.engine.dispose()
        cap = event.listens_for(ledger.engine, "connect")(
            lambda dbapi, _record: dbapi.execute(f"PRAGMA max_page_count = {pages}")
        )
        with pytest.raises(LedgerError) as caught:
            record(ledger, Step.SWEPT, note="€" * 1999)
        assert assert_clean(caught.value) == (
            f"cannot write the ledger {path}: the disk is full; nothing was recorded"
        )
        event.remove(ledger.engine, "connect", cap)
        ledger.engine.dispose()
        assert [e.id for e in ledger.events()] == [1]
        assert ledger.verify().ok
        assert record(ledger, Step.SWEPT, note="€" * 1999).event.id == 2
        assert ledger.verify().ok


# --- Ctrl-C -----------------------------------------------------------------------------------


def test_ctrl_c_between_the_event_and_the_head_leaves_neither(backend):
    with open_ledger(backend.location, create=True) as ledger:
        record(ledger, Step.ANNOUNCED)

        def interrupt(_conn, _cursor, statement, *_args) -> None:
            if statement.lstrip().upper().startswith("UPDATE LEDGER_HEAD"):
                raise KeyboardInterrupt

        event.listen(ledger.engine, "before_cursor_execute", interrupt)
        with pytest.raises(KeyboardInterrupt):
            record(ledger, Step.SWEPT)
        event.remove(ledger.engine, "before_cursor_execute", interrupt)
        assert [e.id for e in ledger.events()] == [1]
        assert ledger.verify().ok
        assert record(ledger, Step.SWEPT).event.id == 2
        assert ledger.verify().ok


def test_ctrl_c_at_any_moment_leaves_each_event_whole_or_absent(backend):
    """A real process recording as fast as it can, interrupted by SIGINT at three different
    moments: each event it printed is there, at most one more (committed just before the
    signal) and the chain verifies."""
    with open_ledger(backend.location, create=True):
        pass
    for wait_for in (1, 7, 23):
        worker = subprocess.Popen(
            [sys.executable, str(WORKER), backend.location, f"sigint{wait_for}", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        printed = [worker.stdout.readline() for _ in range(wait_for)]
        os.kill(worker.pid, signal.SIGINT)
        rest, err = worker.communicate(timeout=60)
        assert worker.returncode == 130, err
        assert "Traceback" not in err
        printed_ids = [int(line) for line in printed + rest.split()]
        with open_ledger(backend.location) as ledger:
            mine = [e.id for e in ledger.events(handle=f"sigint{wait_for}")]
            assert mine[: len(printed_ids)] == printed_ids
            assert len(printed_ids) <= len(mine) <= len(printed_ids) + 1
            assert ledger.verify().ok
