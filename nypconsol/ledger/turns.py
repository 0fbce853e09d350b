"""Fair turns for appending to a SQLite ledger: processes that want to append queue on
blocking file locks next to the ledger, which the kernel hands over the moment their holder
lets go, through a turnstile, so that no process appends twice in a row while another waits.

Why: SQLite's own lock is correct but not fair. A process that finds the ledger locked sleeps
and tries again, with sleeps growing to 100 ms; a process that appends event after event (a
sweep of many accounts, a script, a test's worker) begins its next transaction within a
millisecond of committing the last, so the sleepers seldom find the ledger free. On a loaded
machine one writer kept the others out until it had done all its appends (8 writers of 100
events: runs of 100 of one writer's events, only 11 to 43 changes of writer); an officer's
``record`` behind a long run of appends could wait out the busy timeout.

How: two lock files, ``<ledger>-queue`` and ``<ledger>-lock``, locked with ``flock``. To append,
a process takes the queue, then the lock, then lets the queue go. A process that has just
appended and wants to again must take the queue first, and while another process waits for
the lock it holds the queue: so the lock goes to that waiter next.

SQLite's lock still guards the data (other programs take no turns); these locks only decide
who goes next. Where they cannot be used (no ``fcntl`` on Windows, a folder that cannot be
written, a file system without ``flock``), the ledger falls back to SQLite's lock alone."""

from __future__ import annotations

import os
import threading
import time
from contextlib import suppress
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: SQLite's lock alone
    fcntl = None  # type: ignore[assignment]

LOCK_SUFFIX = "-lock"
QUEUE_SUFFIX = "-queue"


class TurnTimeout(Exception):
    """Another process kept its turn longer than the timeout."""


def lock_paths(ledger_path: Path) -> tuple[Path, Path]:
    """The turnstile's queue and lock files of the ledger at ``ledger_path``."""
    return (
        ledger_path.with_name(ledger_path.name + QUEUE_SUFFIX),
        ledger_path.with_name(ledger_path.name + LOCK_SUFFIX),
    )


class Turn:
    """This process's turn to append; ``release`` ends it (closing the file unlocks it)."""

    def __init__(self, descriptor: int | None) -> None:
        self._descriptor = descriptor

    def release(self) -> None:
        descriptor, self._descriptor = self._descriptor, None
        if descriptor is not None:
            os.close(descriptor)


def take_turn(ledger_path: Path, timeout: float) -> Turn:
    """Wait, at most ``timeout`` seconds in all (else TurnTimeout), for this process's turn to
    append to the ledger at ``ledger_path``. Release the turn once the append has committed."""
    deadline = time.monotonic() + timeout
    queue_path, lock = lock_paths(ledger_path)
    queue = _open(queue_path)
    if queue is not None and not _take(queue, timeout):
        queue = None
    try:
        descriptor = _open(lock)
        if descriptor is None or not _take(descriptor, max(0.0, deadline - time.monotonic())):
            return Turn(None)
        return Turn(descriptor)
    finally:
        if queue is not None:
            os.close(queue)  # the next in the queue now waits for the lock


def _open(path: Path) -> int | None:
    if fcntl is None:
        return None
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError:
        return None


def _take(descriptor: int, timeout: float) -> bool:
    """Lock ``descriptor`` within ``timeout``: True when locked (the caller closes it to
    unlock); False when this file system cannot lock (the descriptor is closed; go on with
    SQLite's lock alone). On a timeout (TurnTimeout) or an interrupt the descriptor is closed
    now, or by the waiting thread as soon as the lock comes to it."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pass
    except OSError:  # flock not supported here (some network file systems)
        os.close(descriptor)
        return False
    # The blocking wait runs in a thread so that it can be given up after the timeout (and on
    # Ctrl-C) without signals: the thread then unlocks and closes as soon as it gets the lock.
    waiter = _Waiter(descriptor)
    threading.Thread(target=waiter.wait, name="nypconsol-ledger-turn", daemon=True).start()
    try:
        finished = waiter.done.wait(timeout)
    except BaseException:
        if not waiter.give_up():  # the lock came just as the wait was interrupted
            os.close(descriptor)
        raise
    if not finished and waiter.give_up():
        raise TurnTimeout
    if waiter.error is not None:
        os.close(descriptor)
        return False
    return True


class _Waiter:
    """The blocking lock call and the hand-over between the thread and the one waiting."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor
        self.done = threading.Event()
        self.error: OSError | None = None
        self._state = "waiting"  # -> "finished" (locked, or ``error``) or "abandoned"
        self._mutex = threading.Lock()

    def wait(self) -> None:
        try:
            fcntl.flock(self.descriptor, fcntl.LOCK_EX)
        except OSError as error:
            self.error = error
        with self._mutex:
            if self._state == "abandoned":
                with suppress(OSError):
                    os.close(self.descriptor)
                return
            self._state = "finished"
        self.done.set()

    def give_up(self) -> bool:
        """Abandon the wait; False when it is too late because the lock was already taken."""
        with self._mutex:
            if self._state == "finished":
                return False
            self._state = "abandoned"
            return True
