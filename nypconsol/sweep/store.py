"""The sweep's temporary store: every message read goes to an owner-only SQLite file as it is read,
so that a sweep holds one archive file in memory at a time, never the whole archive.

The store lives in a private folder of its own, made in the system's temporary folder (``TMPDIR``
when set): the folder is 0700, the file 0600, SQLite's own sort files are made in that folder too,
and the folder is removed when the store is closed, whatever ended the sweep (an error, Ctrl-C,
SIGTERM or SIGHUP through the console script, or the end of the program). It holds members of the
public's messages as the output files do, and nothing of it is ever logged.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path

import orjson

from nypconsol.core.errors import NypconsolError
from nypconsol.loaders.writing import interrupts_held

PREFIX = "nypconsol-sweep-"
DATABASE = "sweep.sqlite"
_BATCH = 4096  # rows sent to SQLite at once
_CACHE_KIB = 32 * 1024  # SQLite's page cache: enough for its indexes' working set

_SCHEMA = """
CREATE TABLE message (
    seq INTEGER PRIMARY KEY,       -- the order read (the first of two copies is the one kept)
    archive INTEGER NOT NULL,      -- the archive's number, in the order read
    account INTEGER NOT NULL,      -- the account's number: archives of one account share it
    conversation TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sent_ms INTEGER NOT NULL,
    sender TEXT NOT NULL,
    text TEXT NOT NULL,
    attachments TEXT NOT NULL,     -- a JSON list
    own INTEGER NOT NULL,          -- written by the account: read only to decide "answered"
    counted INTEGER NOT NULL,      -- 0 for an own message already counted as one of its posts
    repeat INTEGER NOT NULL DEFAULT 0  -- inbound, and read before in another archive of the account
);
CREATE UNIQUE INDEX message_key ON message (archive, conversation, message_id);
CREATE TABLE public_reply (account INTEGER NOT NULL, user TEXT NOT NULL, sent_ms INTEGER NOT NULL);
"""


class StoreError(NypconsolError, RuntimeError):
    """The temporary store could not be written (a full disk, most often); the message names
    the folder and SQLite's reason, never what was being stored. A NypconsolError (exit 4), so
    that it is said as it is wherever it is raised, even inside a template drawing the items."""


class SweepStore:
    """One sweep's temporary store. Use it as a context manager (or call ``close``): the folder
    and everything in it are removed on the way out."""

    def __init__(self, parent: str | Path | None = None) -> None:
        try:
            self.folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))  # made 0700
        except OSError as error:
            where = parent or tempfile.gettempdir()
            raise StoreError(
                f"the sweep's temporary store could not be made in {where} "
                f"({error.strerror or error}); set TMPDIR to a folder you can write"
            ) from None
        self._removal = weakref.finalize(self, _remove, self.folder)
        self._previous_temp: str | None = None
        try:
            os.chmod(self.folder, 0o700)
            path = self.folder / DATABASE
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            os.chmod(path, 0o600)
            self.path = path
            self.db = sqlite3.connect(path, isolation_level=None)
            self._previous_temp = self._temp_directory(str(self.folder))
            for pragma in (
                "journal_mode = OFF",  # a scratch file: nothing to roll back, no journal beside it
                "synchronous = OFF",
                "locking_mode = EXCLUSIVE",
                "temp_store = FILE",
                f"cache_size = -{_CACHE_KIB}",
            ):
                self.db.execute(f"PRAGMA {pragma}")
            self.db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            self.close()
            raise self._error(error) from None
        except BaseException:
            self.close()
            raise
        self._rows: list[tuple] = []
        self._replies: list[tuple] = []

    def _temp_directory(self, folder: str) -> str | None:
        """Point SQLite's sort files at our folder (they would go to TMPDIR, unnamed); the
        setting is the process's, so the one it replaces is put back on close."""
        try:
            row = self.db.execute("PRAGMA temp_store_directory").fetchone()
            self.db.execute(f"PRAGMA temp_store_directory = {_quoted(folder)}")
        except sqlite3.Error:  # a SQLite built without it: its sort files stay unnamed
            return None
        return row[0] if row else ""

    # --- the context manager and cleaning up ---------------------------------------------------

    def __enter__(self) -> SweepStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database and remove the folder, with interrupts held off meanwhile: a
        second Ctrl-C must not leave half of it behind."""
        with interrupts_held():
            db = getattr(self, "db", None)
            if db is not None:
                if self._previous_temp is not None:
                    with contextlib.suppress(sqlite3.Error):
                        db.execute(f"PRAGMA temp_store_directory = {_quoted(self._previous_temp)}")
                    self._previous_temp = None
                db.close()
                self.db = None  # type: ignore[assignment]
            self._removal()

    @property
    def closed(self) -> bool:
        return not self._removal.alive

    # --- writing ---------------------------------------------------------------------------------

    def execute(self, sql: str, parameters: Iterable = ()) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, parameters)
        except sqlite3.OperationalError as error:
            raise self._error(error) from None

    def executescript(self, script: str) -> None:
        try:
            self.db.executescript(script)
        except sqlite3.OperationalError as error:
            raise self._error(error) from None

    def executemany(self, sql: str, rows: Iterable) -> None:
        try:
            self.db.executemany(sql, rows)
        except sqlite3.OperationalError as error:
            raise self._error(error) from None

    def rows(self, cursor: sqlite3.Cursor, size: int = 1024) -> Iterator[tuple]:
        """A query's rows a batch at a time, SQLite's errors as the store's."""
        while True:
            try:
                rows = cursor.fetchmany(size)
            except sqlite3.OperationalError as error:
                raise self._error(error) from None
            if not rows:
                return
            yield from rows

    def _error(self, error: sqlite3.Error | OSError) -> StoreError:
        return StoreError(
            f"the sweep's temporary store in {self.folder.parent} could not be written "
            f"({error}); free some space there, or set TMPDIR to a folder with more room"
        )

    def message(
        self,
        archive: int,
        account: int,
        conversation: str,
        message_id: str,
        sent_ms: int,
        sender: str,
        text: str,
        attachments: tuple[str, ...],
        own: bool,
        counted: bool,
    ) -> None:
        """One message as read; a second one with the same id in the same archive's
        conversation is ignored (the first is kept)."""
        kinds = orjson.dumps(attachments).decode() if attachments else "[]"
        self._rows.append(
            (archive, account, conversation, message_id, sent_ms, sender, text, kinds, own, counted)
        )
        if len(self._rows) >= _BATCH:
            self.flush()

    def public_reply(self, account: int, user: str, sent_ms: int) -> None:
        """The account replied to or mentioned ``user`` in public at ``sent_ms``."""
        self._replies.append((account, user, sent_ms))
        if len(self._replies) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if self._rows:
            rows, self._rows = self._rows, []
            self.executemany(
                "INSERT OR IGNORE INTO message (archive, account, conversation, message_id, "
                "sent_ms, sender, text, attachments, own, counted) VALUES (?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
        if self._replies:
            replies, self._replies = self._replies, []
            self.executemany("INSERT INTO public_reply VALUES (?,?,?)", replies)

    def archive_counts(self, archive: int) -> tuple[int, int, int, int | None, int | None]:
        """One archive's conversations, own messages (as counted), inbound messages, and the
        first and last times of its messages."""
        self.flush()
        row = self.execute(
            "SELECT count(DISTINCT conversation), total(own * counted), total(1 - own), "
            "min(sent_ms), max(sent_ms) FROM message WHERE archive = ?",
            (archive,),
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2]), row[3], row[4]

    def finish_reading(self, archive_accounts: list[int]) -> None:
        """After the last archive: an inbound message read before in an earlier archive of the
        same account is a repeat (two downloads of one account); the newest own message of
        each conversation and public reply to each person, per account, for "answered"."""
        self.flush()
        for archive, account in enumerate(archive_accounts):
            earlier = [n for n in range(archive) if archive_accounts[n] == account]
            if not earlier:
                continue
            self.execute(
                "UPDATE message SET repeat = 1 WHERE archive = ? AND own = 0 AND EXISTS ("
                "SELECT 1 FROM message AS first WHERE first.archive IN "
                f"({','.join('?' * len(earlier))}) AND first.conversation = message.conversation "
                "AND first.message_id = message.message_id AND first.own = 0)",
                (archive, *earlier),
            )
        self.executescript(
            """
            CREATE TABLE own_last (account INTEGER, conversation TEXT, ms INTEGER,
                                   PRIMARY KEY (account, conversation)) WITHOUT ROWID;
            INSERT INTO own_last SELECT account, conversation, max(sent_ms) FROM message
                WHERE own = 1 GROUP BY account, conversation;
            CREATE TABLE public_last (account INTEGER, user TEXT, ms INTEGER,
                                      PRIMARY KEY (account, user)) WITHOUT ROWID;
            INSERT INTO public_last SELECT account, user, max(sent_ms) FROM public_reply
                GROUP BY account, user;
            DROP TABLE public_reply;
            """
        )

    # --- reading back ----------------------------------------------------------------------------

    def inbound(self, order: str = "read") -> Iterator[tuple]:
        """Every inbound message once per account: (seq, archive, account, conversation,
        message_id, sent_ms, sender, text, attachments, answered_by). ``order`` "read" is the
        order read; "thread" is each account's conversations in turn, oldest message first."""
        by = "m.seq" if order == "read" else "m.account, m.conversation, m.sent_ms, m.message_id"
        cursor = self.execute(
            "SELECT m.seq, m.archive, m.account, m.conversation, m.message_id, m.sent_ms, "
            "m.sender, m.text, m.attachments, o.ms, p.ms FROM message AS m "
            "LEFT JOIN own_last AS o ON o.account = m.account AND o.conversation = m.conversation "
            "LEFT JOIN public_last AS p ON p.account = m.account AND p.user = m.sender "
            f"WHERE m.own = 0 AND m.repeat = 0 ORDER BY {by}"
        )
        loads = orjson.loads
        for row in self.rows(cursor):
            *fields, attachments, own_ms, public_ms = row
            sent_ms = fields[5]
            if own_ms is not None and own_ms > sent_ms:
                answered_by: str | None = "message"
            elif public_ms is not None and public_ms > sent_ms:
                answered_by = "public reply"
            else:
                answered_by = None
            kinds = () if attachments == "[]" else tuple(loads(attachments))
            yield (*fields, kinds, answered_by)


def _quoted(text: str) -> str:
    """A PRAGMA's value as an SQL string literal (a PRAGMA takes no parameters): a quote in the
    folder's name (/home/o'brien/tmp) doubled. Dropped, it named a folder that does not exist,
    the setting failed quietly, and SQLite's sort files went to its own default folder."""
    return "'" + text.replace("'", "''") + "'"


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
