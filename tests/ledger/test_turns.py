"""Appends to a SQLite ledger take fair turns (nypconsol/ledger/turns.py): a waiter is handed
the lock when it is let go, no process appends twice in a row while another waits, a turn
held too long is "busy" with nothing recorded, and a wait given up (timeout, Ctrl-C) leaves no
lock behind. The ledger file, its -wal and -shm files and the lock files are owner-only."""

from __future__ import annotations

import fcntl
import os
import signal
import stat
import threading
import time
from pathlib import Path

import pytest

from nypconsol.core.steps import Step
from nypconsol.ledger import LedgerError, open_ledger
from nypconsol.ledger.turns import TurnTimeout, lock_paths, take_turn

from .ledger_helpers import record


def locked_by_someone(path: Path) -> bool:
    """Whether another open file holds ``path``'s flock (tried without waiting)."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def wait_until(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return condition()


def hold(path: Path) -> int:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    return descriptor


@pytest.mark.parametrize("which", ["queue", "lock"])
def test_a_turn_held_too_long_is_busy_and_records_nothing(tmp_path, which):
    path = tmp_path / "ledger.sqlite"
    with open_ledger(str(path), create=True, timeout=0.3) as ledger:
        record(ledger, Step.ANNOUNCED)
        holder = hold(lock_paths(path)[0 if which == "queue" else 1])
        try:
            started = time.monotonic()
            with pytest.raises(LedgerError) as caught:
                record(ledger, Step.SWEPT)
            assert time.monotonic() - started < 3
        finally:
            os.close(holder)
        assert str(caught.value) == (
            f"the ledger {path} is busy: another process kept it locked for more than 0.3 s; "
            "nothing was recorded, try again"
        )
        assert [e.id for e in ledger.events()] == [1]
        assert record(ledger, Step.SWEPT).event.id == 2
        assert ledger.verify().ok


def test_a_wait_given_up_leaves_no_lock_behind(tmp_path):
    path = tmp_path / "ledger.sqlite"
    queue, lock = lock_paths(path)
    holder = hold(lock)
    with pytest.raises(TurnTimeout):
        take_turn(path, 0.2)
    # The place in the queue is given up at once; the thread that waited for the lock still
    # does, and lets it go as soon as it gets it.
    assert not locked_by_someone(queue)
    os.close(holder)
    assert wait_until(lambda: not locked_by_someone(lock) and not locked_by_someone(queue))
    take_turn(path, 1).release()


def test_ctrl_c_while_waiting_leaves_no_lock_behind(tmp_path):
    path = tmp_path / "ledger.sqlite"
    queue, lock = lock_paths(path)
    holder = hold(lock)
    timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            take_turn(path, 10)
    finally:
        timer.cancel()
        os.close(holder)
    assert wait_until(lambda: not locked_by_someone(lock) and not locked_by_someone(queue))


def test_no_process_takes_two_turns_in_a_row_while_another_waits(tmp_path):
    path = tmp_path / "ledger.sqlite"
    queue, _ = lock_paths(path)
    first = take_turn(path, 5)
    second_turn: list = []
    let_go = threading.Event()

    def second() -> None:
        turn = take_turn(path, 5)
        second_turn.append(turn)
        let_go.wait(5)
        turn.release()

    waiter = threading.Thread(target=second)
    waiter.start()
    assert wait_until(lambda: locked_by_someone(queue))  # the second is in the queue
    first.release()
    # The first wants another turn at once: it must wait behind the second.
    with pytest.raises(TurnTimeout):
        take_turn(path, 0.3)
    assert len(second_turn) == 1
    let_go.set()
    waiter.join(5)
    take_turn(path, 2).release()


def test_without_flock_the_ledger_still_records(tmp_path, monkeypatch):
    monkeypatch.setattr("nypconsol.ledger.turns.fcntl", None)
    with open_ledger(str(tmp_path / "ledger.sqlite"), create=True) as ledger:
        record(ledger, Step.ANNOUNCED)
        assert ledger.verify().ok
    assert not lock_paths(tmp_path / "ledger.sqlite")[1].exists()


def test_the_sqlite_ledger_and_its_companions_are_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "ledger.sqlite"
        with open_ledger(str(path), create=True) as ledger:
            record(ledger, Step.ANNOUNCED)
            with ledger.engine.connect():  # the -wal and -shm files exist while it is open
                companions = [Path(f"{path}-wal"), Path(f"{path}-shm"), *lock_paths(path)]
                for file in [path, *companions]:
                    assert file.exists(), file
                    assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    finally:
        os.umask(old)


def test_an_existing_ledger_keeps_the_mode_its_owner_gave_it(tmp_path):
    path = tmp_path / "ledger.sqlite"
    with open_ledger(str(path), create=True):
        pass
    path.chmod(0o640)  # shared with a group on purpose
    with open_ledger(str(path)) as ledger:
        record(ledger, Step.ANNOUNCED)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
