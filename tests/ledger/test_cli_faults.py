"""Faults through the commands: a server that cannot be reached, refuses the login or never
answers is one message and exit 4, with no traceback and no password; a full disk or a Ctrl-C
in the middle of ``record`` leaves the event whole or absent and the ledger valid."""

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
from sqlalchemy import Engine, event

from nypconsol.core.errors import ExitCode
from nypconsol.ledger import open_ledger
from nypconsol.ledger.turns import lock_paths

from .cli_helpers import record, run, write_inputs
from .test_turns import hold, locked_by_someone, wait_until

SECRET = "Never-Show-This-Secret-7"


@pytest.fixture
def inputs(clean_env):
    return write_inputs(clean_env)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def commands(inputs, ledger: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [
        ["record", "SkiptonCops", "announced", *inputs.args, "--ledger", ledger],
        ["status", *inputs.args, "--ledger", ledger],
        ["log", "--ledger", ledger],
        ["log", "--verify", "--ledger", ledger],
    ]


def assert_one_clean_line(result, *secrets: str) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == ExitCode.FAILURE, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr and "[SQL:" not in result.stderr
    for secret in secrets:
        assert secret not in result.stderr
    return result.stderr


def test_a_server_that_cannot_be_reached(inputs, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", SECRET)
    port = free_port()
    for url in (
        f"postgresql://team@127.0.0.1:{port}/ledger",
        f"postgresql://team:{SECRET}@127.0.0.1:{port}/ledger",
    ):
        for args in commands(inputs, url):
            message = assert_one_clean_line(run(*args), SECRET)
            assert message.startswith(
                f"Error: cannot use the ledger postgresql://team@127.0.0.1:{port}/ledger: "
            )
            assert "Connection refused" in message


def test_a_server_that_never_answers_times_out(inputs):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # the kernel accepts the connection; nothing ever answers it
    port = silent.getsockname()[1]
    url = f"postgresql://team:{SECRET}@127.0.0.1:{port}/ledger?connect_timeout=2"
    try:
        started = time.monotonic()
        result = run("status", *inputs.args, "--ledger", url)
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    message = assert_one_clean_line(result, SECRET)
    assert "timeout" in message.lower()
    assert elapsed < 15


@pytest.mark.postgresql
def test_a_refused_login(pg_cluster, inputs, monkeypatch, clean_env):
    database = pg_cluster.new_database()
    monkeypatch.setenv("PGPASSFILE", str(clean_env / "none"))
    monkeypatch.setenv("PGPASSWORD", SECRET)
    for args in commands(inputs, pg_cluster.url(database)):
        message = assert_one_clean_line(run(*args), SECRET, pg_cluster.password)
        assert 'password authentication failed for user "ledger"' in message


def test_a_full_disk_records_nothing_and_leaves_the_ledger_whole(inputs, clean_env, monkeypatch):
    path = clean_env / "ledger.sqlite"
    assert record_at(path, inputs, "announced").exit_code == 0
    connection = sqlite3.connect(path)
    (pages,) = connection.execute("PRAGMA page_count").fetchone()
    connection.close()
    from nypconsol.ledger import engine

    original = engine.sqlite_connect

    def capped(timeout):  # type: ignore[no-untyped-def]
        connect = original(timeout)

        def on_connect(dbapi, record_):  # type: ignore[no-untyped-def]
            connect(dbapi, record_)
            # SQLite's own cap on the file's size fails a write exactly as a full disk does.
            dbapi.execute(f"PRAGMA max_page_count = {pages}")

        return on_connect

    monkeypatch.setattr(engine, "sqlite_connect", capped)
    result = record_at(path, inputs, "swept", "--note", "€" * 1999)
    assert result.exit_code == ExitCode.FAILURE
    assert result.stdout == ""
    assert (
        result.stderr
        == f"Error: cannot write the ledger {path}: the disk is full; nothing was recorded\n"
    )
    monkeypatch.setattr(engine, "sqlite_connect", original)
    with open_ledger(str(path)) as ledger:
        assert [e.id for e in ledger.events()] == [1]
        assert ledger.verify().ok
    assert record_at(path, inputs, "swept", "--note", "€" * 1999).exit_code == 0


def record_at(path: Path, inputs, step: str, *more: str):  # type: ignore[no-untyped-def]
    return run("record", "SkiptonCops", step, *inputs.args, "--ledger", str(path), *more)


def test_ctrl_c_in_the_middle_of_a_record_leaves_it_absent(backend, inputs):
    assert record(backend, inputs, "SkiptonCops", "announced").exit_code == 0

    def interrupt(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("UPDATE LEDGER_HEAD"):
            raise KeyboardInterrupt

    event.listen(Engine, "before_cursor_execute", interrupt)
    try:
        result = record(backend, inputs, "SkiptonCops", "swept")
    finally:
        event.remove(Engine, "before_cursor_execute", interrupt)
    assert result.exit_code == ExitCode.INTERRUPTED
    assert result.stderr == (
        "Interrupted: the event was recorded whole or not at all; `nypconsol log --account "
        "SkiptonCops` shows which.\n"
    )
    with open_ledger(backend.location) as ledger:
        assert [e.step for e in ledger.events()] == ["announced"]
        assert ledger.verify().ok


def nypconsol() -> list[str]:
    script = Path(sys.executable).with_name("nypconsol")
    return [str(script)] if script.exists() else [sys.executable, "-m", "nypconsol"]


@pytest.mark.parametrize(
    ("signum", "code", "said"),
    [
        (signal.SIGINT, ExitCode.INTERRUPTED, "Interrupted"),
        (signal.SIGTERM, 143, "Terminated (SIGTERM)"),
    ],
)
def test_a_real_ctrl_c_while_record_waits_for_the_ledger(backend, inputs, signum, code, said):
    """A real ``nypconsol record`` process waiting for a ledger another process holds, sent
    SIGINT (exit 130) or SIGTERM (143, as for every command): one message, no traceback,
    nothing recorded, the chain whole."""
    assert record(backend, inputs, "SkiptonCops", "announced").exit_code == 0
    holder = None
    if backend.kind == "sqlite":
        holder = hold(lock_paths(backend.sqlite_path)[1])
        waiting = lambda: locked_by_someone(lock_paths(backend.sqlite_path)[0])  # noqa: E731
    else:
        admin = backend.cluster.connect(backend.database, as_owner=True)
        admin.execute("BEGIN")
        admin.execute("SELECT last_id FROM ledger_head WHERE id = 1 FOR UPDATE")

        def waiting() -> bool:
            with backend.cluster.connect(backend.database) as probe:
                rows = probe.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'nypconsol' "
                    "AND wait_event_type = 'Lock'"
                ).fetchone()
            return rows[0] > 0

    process = subprocess.Popen(
        [
            *nypconsol(),
            "record",
            "SkiptonCops",
            "swept",
            *inputs.args,
            "--ledger",
            backend.location,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        assert wait_until(waiting, 60), process.communicate(timeout=5)
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    finally:
        if holder is not None:
            os.close(holder)
        else:
            admin.execute("ROLLBACK")
            admin.close()
    assert process.returncode == code, err
    assert out == ""
    assert err == (
        f"{said}: the event was recorded whole or not at all; `nypconsol log --account "
        "SkiptonCops` shows which.\n"
    )
    with open_ledger(backend.location) as ledger:
        assert [e.step for e in ledger.events()] == ["announced"]
        assert ledger.verify().ok
