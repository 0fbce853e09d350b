"""Ledger fixtures: each test runs against a SQLite file and against a real PostgreSQL server,
a throwaway cluster started in a temporary folder (initdb, pg_ctl, a Unix socket there) for
the session and stopped at its end. The PostgreSQL cases skip, with the reason, only where no
PostgreSQL server binaries are installed; with NYPCONSOL_REQUIRE_POSTGRES=1 (CI) they fail
instead. The session ends with a line saying how many ran against PostgreSQL."""

from __future__ import annotations

import glob
import itertools
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REQUIRE_ENV = "NYPCONSOL_REQUIRE_POSTGRES"
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"

_skip_reason: list[str] = []  # why the PostgreSQL cases did not run, if they did not
_server: list[str] = []  # the server they ran against


def find_postgres_bin() -> Path | None:
    """The newest Debian PostgreSQL server's bin folder, else one on PATH."""

    def version(folder: str) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", Path(folder).parent.name))

    for folder in sorted(glob.glob(PG_BIN_GLOB), key=version, reverse=True):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(initdb).parent
    return None


@dataclass
class PgCluster:
    """A running throwaway cluster: superuser ``postgres`` and login role ``ledger``, both with
    passwords (scram-sha-256), reachable only on a Unix socket in its own folder."""

    bin: Path
    root: Path
    port: int
    version: str
    superuser_password: str
    password: str  # the ``ledger`` role's
    role: str = "ledger"
    _databases: itertools.count = itertools.count(1)  # noqa: RUF009 (one counter per cluster)

    def url(self, database: str, *, user: str | None = None, password: str | None = None) -> str:
        userinfo = user or self.role
        if password is not None:
            userinfo += f":{password}"
        return f"postgresql://{userinfo}@/{database}?host={self.root}&port={self.port}"

    def connect(self, database: str = "postgres", *, as_owner: bool = False):
        """A plain psycopg connection (autocommit) as the superuser, or as the ``ledger`` role
        that owns the test databases: for setting up, and for doing behind the ledger's back
        what a tamperer would."""
        import psycopg

        return psycopg.connect(
            host=str(self.root),
            port=self.port,
            dbname=database,
            user=self.role if as_owner else "postgres",
            password=self.password if as_owner else self.superuser_password,
            autocommit=True,
        )

    def new_database(self) -> str:
        name = f"ledger_{os.getpid()}_{next(self._databases)}"
        with self.connect() as admin:
            admin.execute(f'CREATE DATABASE "{name}" OWNER {self.role}')
        return name


def _run(command: list[str], *, as_postgres: bool) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if as_postgres else []
    result = subprocess.run(prefix + command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        reason = (
            "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or on "
            "PATH: install Debian's postgresql package to run the PostgreSQL ledger tests"
        )
        _skip_reason.append(reason)
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"{REQUIRE_ENV} is set but {reason}")
        pytest.skip(reason)
    # initdb refuses to run as root: as root, the cluster belongs to the postgres user, which
    # must own the folder (and reach it: a short path under /tmp, not pytest's 0700 folder).
    as_postgres = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="nypconsol-pg-"))
    data = root / "data"
    superuser_password = secrets.token_urlsafe(16)
    password = secrets.token_urlsafe(16)
    pwfile = root / "pwfile"
    pwfile.write_text(superuser_password + "\n")
    pwfile.chmod(0o600)
    if as_postgres:
        shutil.chown(root, user="postgres")
        shutil.chown(pwfile, user="postgres")
    port = 5432
    started = False
    try:
        _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                f"--pwfile={pwfile}",
                "--auth-local=scram-sha-256",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            as_postgres=as_postgres,
        )
        pwfile.unlink()
        # Durability is the ledger's business, not this throwaway cluster's: fsync off.
        options = (
            f"-k {root} -c listen_addresses='' -p {port} -c fsync=off "
            "-c full_page_writes=off -c max_connections=60"
        )
        _run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(root / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ],
            as_postgres=as_postgres,
        )
        started = True
        cluster = PgCluster(
            bin=bin_dir,
            root=root,
            port=port,
            version="",
            superuser_password=superuser_password,
            password=password,
        )
        with cluster.connect() as admin:
            cluster.version = admin.execute("SHOW server_version").fetchone()[0]
            admin.execute(f"CREATE ROLE {cluster.role} LOGIN PASSWORD '{password}'")
        _server.append(f"PostgreSQL {cluster.version} in {root}")
        yield cluster
    finally:
        if started:
            _run(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                as_postgres=as_postgres,
            )
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Backend:
    """One test's empty ledger location, and plain SQL behind the ledger's back."""

    kind: str  # "sqlite" or "postgresql"
    location: str  # what --ledger would be given
    sqlite_path: Path | None = None
    cluster: PgCluster | None = None
    database: str | None = None

    def sql(self, statement: str, params: tuple = ()) -> list[tuple]:
        """Run one statement as the database's owner would with a SQL client (on PostgreSQL
        the ``ledger`` role, which owns the tables it created)."""
        if self.kind == "sqlite":
            connection = sqlite3.connect(self.sqlite_path, isolation_level=None)
            try:
                rows = connection.execute(statement, params).fetchall()
            finally:
                connection.close()
            return rows
        assert self.cluster is not None and self.database is not None
        with self.cluster.connect(self.database, as_owner=True) as connection:
            cursor = connection.execute(statement.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []

    def load(self, name: str) -> None:
        """Load ``fixtures/NAME.<kind>.sql`` (a dump) as the database's owner."""
        script = (FIXTURES / f"{name}.{self.kind}.sql").read_text(encoding="utf-8")
        if self.kind == "sqlite":
            connection = sqlite3.connect(self.sqlite_path, isolation_level=None)
            try:
                connection.executescript(script)
            finally:
                connection.close()
            return
        assert self.cluster is not None and self.database is not None
        with self.cluster.connect(self.database, as_owner=True) as connection:
            connection.execute(script)

    def drop_guards(self) -> None:
        """Remove the append-only triggers, as a tamperer with plain SQL would first."""
        if self.kind == "sqlite":
            self.sql("DROP TRIGGER ledger_events_no_update")
            self.sql("DROP TRIGGER ledger_events_no_delete")
        else:
            self.sql("DROP TRIGGER ledger_events_no_change ON ledger_events")
            self.sql("DROP TRIGGER ledger_events_no_truncate ON ledger_events")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def backend(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch) -> Backend:
    """An empty ledger location, once on SQLite and once on PostgreSQL (test ids say which).
    For PostgreSQL the password comes from PGPASSWORD, as it would for a team."""
    monkeypatch.delenv("NYPCONSOL_LEDGER", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    if request.param == "sqlite":
        path = tmp_path / "ledger.sqlite"
        return Backend(kind="sqlite", location=str(path), sqlite_path=path)
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    database = cluster.new_database()
    monkeypatch.setenv("PGPASSWORD", cluster.password)
    return Backend(
        kind="postgresql", location=cluster.url(database), cluster=cluster, database=database
    )


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Say plainly whether the PostgreSQL ledger tests ran, so CI logs show it."""
    stats = terminalreporter.stats

    def count(outcome: str) -> int:
        return sum(
            1
            for report in stats.get(outcome, [])
            if getattr(report, "when", "call") in ("call", "setup")
            and "postgresql" in getattr(report, "keywords", {})
        )

    passed, failed, skipped = count("passed"), count("failed") + count("error"), count("skipped")
    if not (passed or failed or skipped):
        return
    server = f" ({_server[0]})" if _server else ""
    line = (
        f"PostgreSQL ledger tests: {passed} passed, {failed} failed against a real server{server}"
    )
    if skipped:
        reason = _skip_reason[0] if _skip_reason else "see the skip reasons above"
        line += f"; {skipped} skipped: {reason}"
    terminalreporter.write_line(line)
