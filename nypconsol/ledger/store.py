"""The progress ledger: an append-only, hash-chained table of events in SQLite or PostgreSQL
through SQLAlchemy Core, each append checked by the progress rules and serialised in the
database, every fault turned into one LedgerError with a message safe to show."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, func, select, text

from nypconsol.core.progress import (
    RecordCheck,
    RecordRefused,
    check_record,
    latest_live,
    parse_step,
)
from nypconsol.core.steps import Step
from nypconsol.ledger.engine import check_sqlite_path, login_name, make_engine, not_found
from nypconsol.ledger.errors import LedgerError, LedgerNotFound
from nypconsol.ledger.events import (
    GENESIS_HASH,
    MAX_TEXT,
    InvalidRecord,
    LedgerEvent,
    SweepDetails,
    check_text,
    event_hash,
)
from nypconsol.ledger.faults import busy_message, ledger_faults
from nypconsol.ledger.location import LedgerKind, LedgerLocation, resolve_location
from nypconsol.ledger.rows import canonical, chain_problem, event_from_row, row, with_hash
from nypconsol.ledger.schema import (
    CURRENT_VERSION,
    SchemaProblem,
    events_table,
    head_table,
    lock_for_migration,
    migrate,
    newer_message,
    read_version,
)
from nypconsol.ledger.turns import TurnTimeout, take_turn

DEFAULT_TIMEOUT = 15.0  # seconds: to connect, and to wait for another process's append
_BEGIN_OPTION = "nypconsol_sqlite_begin"  # how a SQLite transaction starts, per connection


@dataclass(frozen=True, slots=True, kw_only=True)
class Recorded:
    """An event appended: the event, the rules' verdict (its ``warnings`` to show) and all of
    the account's events including the new one, oldest first (for its next step)."""

    event: LedgerEvent
    check: RecordCheck
    account_events: tuple[LedgerEvent, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainReport:
    """What ``verify`` found. ``ok`` when every event matches its hash, follows the one before
    it and the chain ends where the ledger's head says; otherwise ``first_bad_id`` names the
    first event that does not and ``problem`` says how."""

    ok: bool
    events: int  # events checked and found good
    head_hash: str  # the hash of the last good event (keep it: a later check can compare)
    first_bad_id: int | None = None
    problem: str | None = None


def open_ledger(
    path_or_url: str | None = None,
    *,
    create: bool = False,
    environ: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Ledger:
    """Open the ledger at ``path_or_url`` (``--ledger``), else ``NYPCONSOL_LEDGER``, else
    ``./nypconsol-ledger.sqlite``, migrating an older schema forward. Only with ``create`` is a
    missing ledger started (``record`` does; ``status`` and ``log`` do not: LedgerNotFound)."""
    location = resolve_location(path_or_url, environ=environ)
    if location.kind is LedgerKind.SQLITE:
        check_sqlite_path(location, create=create)
    ledger = Ledger(location=location, engine=make_engine(location, timeout), timeout=timeout)
    try:
        ledger.prepare(create=create)
    except BaseException:
        ledger.close()
        raise
    return ledger


class Ledger:
    """An open ledger. Use it as a context manager, or call ``close``."""

    def __init__(self, *, location: LedgerLocation, engine: Engine, timeout: float) -> None:
        self.location = location
        self.engine = engine
        self.timeout = timeout
        self._os_user = login_name()

    @property
    def display(self) -> str:
        """The ledger's name as output may show it (never a password)."""
        return self.location.display

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"<Ledger {self.display}>"

    # --- schema -------------------------------------------------------------------------------

    def prepare(self, *, create: bool) -> None:
        """Refuse a ledger from a newer nypconsol; migrate an older one (or, with ``create``,
        an empty database) to the current schema."""
        try:
            with self._transaction() as connection:
                version = read_version(connection)
            if version > CURRENT_VERSION:
                raise SchemaProblem(newer_message(version))
            if version == CURRENT_VERSION:
                return
            if version == 0 and not create:
                raise LedgerNotFound(not_found(self.display))
            with self._transaction(write=True) as connection:
                lock_for_migration(connection)
                migrate(connection)
        except SchemaProblem as problem:
            raise LedgerError(f"cannot use the ledger {self.display}: {problem}") from None

    def schema_version(self) -> int:
        try:
            with self._transaction() as connection:
                return read_version(connection)
        except SchemaProblem as problem:
            raise LedgerError(f"cannot use the ledger {self.display}: {problem}") from None

    # --- recording ----------------------------------------------------------------------------

    def record(
        self,
        *,
        handle: str,
        platform: str,
        step: Step | str,
        by: str,
        notice_date: dt.date,
        close_date: dt.date,
        at: dt.datetime | None = None,
        note: str | None = None,
        force: bool = False,
        undo: bool = False,
        sweep: SweepDetails | None = None,
    ) -> Recorded:
        """Append one event for the account (``handle`` as the plan spells it, on
        ``platform``): ``step`` done at ``at`` (None: now, by the database's clock), or with
        ``undo`` the cancelling of its latest live record. The progress rules are checked
        inside the same locked transaction as the append, so two terminals cannot both pass
        a check that only one of them should. Raises RecordRefused (exit 1) when the rules
        refuse, InvalidRecord (exit 1) for a value that cannot be stored, LedgerError (exit 4)
        when the database fails; in every case nothing is recorded."""
        step = parse_step(step)
        check_text("handle", handle)
        check_text("platform", platform)
        check_text("by", by)
        if note is not None:
            check_text("note", note, limit=MAX_TEXT, empty=True)
        if at is not None and (at.tzinfo is None or at.utcoffset() is None):
            raise ValueError(f"at must be a timezone-aware datetime, got {at!r}")
        if sweep is not None and (step is not Step.SWEPT or undo):
            raise InvalidRecord("sweep details belong on a swept event, not an undo")
        with self._append_turn(), self._transaction(write=True) as connection:
            head = connection.execute(
                select(head_table.c.last_id, head_table.c.last_hash)
                .where(head_table.c.id == 1)
                .with_for_update()
            ).one()
            db_user, now = self._who_and_when(connection)
            when = now if at is None else at.astimezone(dt.UTC)
            history = self._select(connection, handle=handle, platform=platform)
            verdict = check_record(
                step=step,
                at=when,
                now=now,
                events=history,
                notice_date=notice_date,
                close_date=close_date,
                force=force,
                note=note,
                undo=undo,
            )
            if not verdict.allowed:
                raise RecordRefused(verdict)
            new = LedgerEvent(
                id=head.last_id + 1,
                handle=handle,
                platform=platform,
                step=step,
                by=by,
                at=when,
                note=note,
                forced=verdict.forced,
                undo_of=verdict.undo_of,
                db_user=db_user,
                recorded_at=now,
                prev_hash=head.last_hash,
                hash="",
                sweep=sweep,
            )
            digest = event_hash(canonical(new))
            connection.execute(events_table.insert().values(**row(new, digest)))
            connection.execute(
                head_table.update()
                .where(head_table.c.id == 1)
                .values(last_id=new.id, last_hash=digest)
            )
        event = with_hash(new, digest)
        return Recorded(event=event, check=verdict, account_events=(*history, event))

    def _who_and_when(self, connection: Connection) -> tuple[str, dt.datetime]:
        """The database's own user and clock on PostgreSQL (so the trail does not rest on the
        laptop); the operating system's on SQLite, which is that machine anyway."""
        if connection.dialect.name == "postgresql":
            user, now = connection.execute(text("SELECT current_user, clock_timestamp()")).one()
            return str(user), now.astimezone(dt.UTC)
        return self._os_user, dt.datetime.now(dt.UTC)

    # --- reading ------------------------------------------------------------------------------

    def events(
        self,
        *,
        handle: str | None = None,
        platform: str | None = None,
        recorded_since: dt.datetime | None = None,
    ) -> tuple[LedgerEvent, ...]:
        """Events in ledger order (oldest first): all, one account's (``handle`` and
        ``platform`` exactly as recorded; ``platform`` None for every platform), and/or those
        recorded at or after ``recorded_since`` (``progress.start_of_day(date)`` for a
        date)."""
        if recorded_since is not None and (
            recorded_since.tzinfo is None or recorded_since.utcoffset() is None
        ):
            raise ValueError(f"recorded_since must be timezone-aware, got {recorded_since!r}")
        with self._transaction() as connection:
            return self._select(
                connection, handle=handle, platform=platform, recorded_since=recorded_since
            )

    def events_by_account(self) -> dict[tuple[str, str], tuple[LedgerEvent, ...]]:
        """Every account's events, oldest first, keyed by (handle, platform)."""
        grouped: dict[tuple[str, str], list[LedgerEvent]] = defaultdict(list)
        for item in self.events():
            grouped[(item.handle, item.platform)].append(item)
        return {account: tuple(items) for account, items in grouped.items()}

    def accounts(self) -> tuple[tuple[str, str], ...]:
        """Every (handle, platform) the ledger holds events of, in the order of their first
        event (for ``log --account``, which matches a handle as its platform compares them)."""
        first = func.min(events_table.c.id)
        query = (
            select(events_table.c.handle, events_table.c.platform)
            .group_by(events_table.c.handle, events_table.c.platform)
            .order_by(first)
        )
        with self._transaction() as connection:
            return tuple((row.handle, row.platform) for row in connection.execute(query))

    def latest_live(self) -> dict[tuple[str, str, Step], LedgerEvent]:
        """The latest standing (not undone) record of each (handle, platform, step)."""
        latest: dict[tuple[str, str, Step], LedgerEvent] = {}
        for (handle, platform), items in self.events_by_account().items():
            for step, item in latest_live(items).items():
                latest[(handle, platform, step)] = item  # type: ignore[assignment]
        return latest

    def _select(
        self,
        connection: Connection,
        *,
        handle: str | None = None,
        platform: str | None = None,
        recorded_since: dt.datetime | None = None,
    ) -> tuple[LedgerEvent, ...]:
        query = select(events_table).order_by(events_table.c.id)
        if handle is not None:
            query = query.where(events_table.c.handle == handle)
        if platform is not None:
            query = query.where(events_table.c.platform == platform)
        if recorded_since is not None:
            query = query.where(events_table.c.recorded_at >= recorded_since)
        return tuple(event_from_row(row) for row in connection.execute(query))

    # --- verifying ----------------------------------------------------------------------------

    def verify(self) -> ChainReport:
        """Check the whole chain: each event's hash against its contents, its ``prev_hash``
        against the event before, ids without gaps from 1, and the last event against the
        head row. Detects an edit, a deletion, an insertion or a reordering made with plain
        SQL, unless whoever did it also recomputed every later hash and the head (compare
        ``head_hash`` with one kept elsewhere to catch that)."""
        with self._transaction(snapshot=True) as connection:
            head = connection.execute(
                select(head_table.c.last_id, head_table.c.last_hash).where(head_table.c.id == 1)
            ).one_or_none()
            rows = connection.execution_options(yield_per=1000).execute(
                select(events_table).order_by(events_table.c.id)
            )
            expected, previous = 1, GENESIS_HASH
            try:
                for row in rows:
                    problem = chain_problem(row, expected, previous)
                    if problem is not None:
                        bad_id, message = problem
                        return ChainReport(
                            ok=False,
                            events=expected - 1,
                            head_hash=previous,
                            first_bad_id=bad_id,
                            problem=message,
                        )
                    expected, previous = expected + 1, row.hash
            except (ValueError, TypeError, OverflowError):
                # A value edited into something the column's type cannot read back.
                return ChainReport(
                    ok=False,
                    events=expected - 1,
                    head_hash=previous,
                    first_bad_id=expected,
                    problem=f"event {expected} cannot be read: a value in it was edited into one that is not valid",
                )
        count = expected - 1
        if head is None:
            return ChainReport(
                ok=False,
                events=count,
                head_hash=previous,
                first_bad_id=None,
                problem="the ledger's head row is missing",
            )
        if head.last_id > count:
            return ChainReport(
                ok=False,
                events=count,
                head_hash=previous,
                first_bad_id=count + 1,
                problem=f"event {count + 1} is missing: the ledger holds {head.last_id} events but {count} remain",
            )
        if head.last_id < count:
            return ChainReport(
                ok=False,
                events=head.last_id,
                head_hash=previous,
                first_bad_id=head.last_id + 1,
                problem=f"event {head.last_id + 1} was added behind the ledger's back: the ledger recorded {head.last_id} events",
            )
        if head.last_hash != previous:
            return ChainReport(
                ok=False,
                events=count,
                head_hash=previous,
                first_bad_id=count,
                problem=f"event {count} is not the event the ledger recorded last: its hash differs from the head's",
            )
        return ChainReport(ok=True, events=count, head_hash=previous)

    # --- transactions and faults --------------------------------------------------------------

    @contextmanager
    def _append_turn(self) -> Iterator[None]:
        """On SQLite, this process's turn to append (``turns.py``: SQLite's own lock is not
        fair to the processes waiting for it); on PostgreSQL the head row's lock already
        queues them in order."""
        path = self.location.path
        if self.location.kind is not LedgerKind.SQLITE or path is None:
            yield
            return
        try:
            turn = take_turn(path, self.timeout)
        except TurnTimeout:
            raise LedgerError(busy_message(self.location, self.timeout)) from None
        try:
            yield
        finally:
            turn.release()

    @contextmanager
    def _transaction(self, *, write: bool = False, snapshot: bool = False) -> Iterator[Connection]:
        """One transaction, committed when the block ends and rolled back on any exception,
        Ctrl-C included. ``write`` takes the database's write lock up front (SQLite's BEGIN
        IMMEDIATE; on PostgreSQL the caller locks the head row); ``snapshot`` gives every
        read the same view."""
        with ledger_faults(self.location, self.timeout), self.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                connection.execution_options(
                    **{_BEGIN_OPTION: "BEGIN IMMEDIATE" if write else "BEGIN"}
                )
            elif snapshot:
                connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    milliseconds = max(1, round(self.timeout * 1000))
                    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {milliseconds}")
                    # Longer than the lock wait, so a busy ledger is reported as busy.
                    connection.exec_driver_sql(f"SET LOCAL statement_timeout = {2 * milliseconds}")
                yield connection
