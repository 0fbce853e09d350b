"""The lookup cache: every answer with its time in a small SQLite file, so an interrupted run
picks up where it stopped. It holds public profile facts only, never a token."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from nypconsol.enrich.errors import CacheError
from nypconsol.enrich.models import DEFINITIVE, Lookup, LookupStatus

CACHE_SUFFIX = ".nypconsol-cache.sqlite"
SCHEMA_VERSION = 1
_APPLICATION_ID = 0x6E797063  # "nypc": marks the file as ours in its SQLite header

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    platform TEXT NOT NULL,
    scope TEXT NOT NULL,        -- the API base asked (so a test server's answers stay apart)
    handle_key TEXT NOT NULL,   -- the handle casefolded
    handle TEXT NOT NULL,
    status TEXT NOT NULL,
    followers INTEGER,
    detail TEXT NOT NULL,
    looked_up_at TEXT NOT NULL, -- 2026-11-30T09:15:00Z
    PRIMARY KEY (platform, scope, handle_key)
) WITHOUT ROWID;
"""


def default_cache_path(output: str | os.PathLike[str]) -> Path:
    """The cache beside OUTPUT, visible and named after it: ``enriched.csv`` ->
    ``enriched.csv.nypconsol-cache.sqlite``."""
    target = Path(output)
    return target.with_name(target.name + CACHE_SUFFIX)


class _OtherVersion(sqlite3.DatabaseError):
    """A lookup cache, of a format this nypconsol does not read."""


class LookupCache:
    """Answers by (platform, scope, handle). Each ``store`` is one committed transaction, so a
    crash loses at most the request in flight. Only definitive answers are kept: an ``error``
    is asked again next time."""

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = 10.0) -> None:
        """Open (or create) the cache at ``path``; another run holding it is waited for
        ``busy_timeout`` seconds, then refused."""
        self.path = Path(path)
        if self.path.is_dir():
            raise CacheError(f"cannot use {self.path} as the lookup cache: it is a folder")
        if not self.path.parent.is_dir():
            raise CacheError(
                f"cannot create the lookup cache {self.path}: the folder {self.path.parent} "
                "does not exist"
            )
        new = not self.path.exists()
        try:
            if new:
                # Created private: it is the team's working data, nobody else's business.
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                os.close(fd)
            self._db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None)
            self._db.execute("PRAGMA locking_mode = EXCLUSIVE")
        except (OSError, sqlite3.Error) as exc:
            raise CacheError(f"cannot open the lookup cache {self.path}: {exc}") from None
        try:
            self._prepare()
        except sqlite3.OperationalError as exc:
            self._db.close()
            if "locked" not in str(exc):
                raise CacheError(f"cannot open the lookup cache {self.path}: {exc}") from None
            raise CacheError(
                f"the lookup cache {self.path} is in use by another run: wait for it to finish, "
                "or name another cache with --cache"
            ) from None
        except _OtherVersion as exc:
            self._db.close()
            raise CacheError(
                f"the lookup cache {self.path} was {exc}: delete it (it holds only answers the "
                "platforms give again), or name another file with --cache"
            ) from None
        except sqlite3.DatabaseError as exc:
            self._db.close()
            # It may be the inventory or the progress ledger named by mistake: keep it.
            raise CacheError(
                f"{self.path} is not a nypconsol lookup cache ({exc}): keep it, and name "
                "another file with --cache"
            ) from None

    def _prepare(self) -> None:
        db = self._db
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables == 0:
            db.execute("BEGIN IMMEDIATE")
            db.execute(_SCHEMA)
            db.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        elif application_id != _APPLICATION_ID:
            raise sqlite3.DatabaseError("another program's SQLite database")
        elif version != SCHEMA_VERSION:
            raise _OtherVersion(
                f"written by another nypconsol version (cache format {version}, this one "
                f"reads {SCHEMA_VERSION})"
            )
        # Ours: a write-ahead log, synced at checkpoints only. A commit then costs no fsync
        # (12 ms each before: three quarters of a run against a fast server, one commit per
        # Mastodon account), yet survives the process being killed; a power cut may lose the
        # last answers, never the file. The exclusive lock (set first, in __init__) keeps the
        # log's index in memory, so this works on network drives too, and one run at a time.
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()

    def __enter__(self) -> LookupCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"LookupCache({str(self.path)!r})"

    def fetch(self, platform: str, scope: str, keys: Iterable[str]) -> dict[str, Lookup]:
        """The cached answers among ``keys`` (casefolded handles)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Lookup] = {}
        try:
            for start in range(0, len(wanted), 500):  # SQLite's limit on parameters
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    "SELECT handle_key, status, followers, detail, looked_up_at FROM answers "
                    f"WHERE platform = ? AND scope = ? AND handle_key IN ({marks})",
                    [platform, scope, *chunk],
                )
                for key, status, followers, detail, at in rows:
                    try:
                        found[key] = Lookup(
                            status=LookupStatus(status),
                            followers=followers,
                            detail=detail,
                            looked_up_at=at,
                        )
                    except ValueError:
                        continue  # a status this version does not know: ask again
        except sqlite3.Error as exc:
            raise CacheError(f"cannot read the lookup cache {self.path}: {exc}") from None
        return found

    def store(self, platform: str, scope: str, lookups: Mapping[str, tuple[str, Lookup]]) -> None:
        """Keep ``{key: (handle, lookup)}`` in one transaction; errors are not kept."""
        rows = [
            (
                platform,
                scope,
                key,
                handle,
                str(lookup.status),
                lookup.followers,
                lookup.detail,
                lookup.looked_up_at,
            )
            for key, (handle, lookup) in lookups.items()
            if lookup.status in DEFINITIVE
        ]
        if not rows:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT OR REPLACE INTO answers (platform, scope, handle_key, handle, status, "
                    "followers, detail, looked_up_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
                self._db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise CacheError(f"cannot write the lookup cache {self.path}: {exc}") from None

    def count(self) -> int:
        try:
            return self._db.execute("SELECT count(*) FROM answers").fetchone()[0]
        except sqlite3.Error as exc:
            raise CacheError(f"cannot read the lookup cache {self.path}: {exc}") from None
