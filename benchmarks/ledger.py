"""Measure the progress ledger side by side with floors, as ratios: what the ledger costs over
the least any code could do with the same database and the same durability.

    python benchmarks/ledger.py                         # SQLite in a temporary folder
    python benchmarks/ledger.py --postgres URL          # and a PostgreSQL database (emptied!)
    python benchmarks/ledger.py --records 300 --events 20000 --repeat 3

- record: one ``Ledger.record`` per event (lock, read the account's events, check the rules,
  hash, insert, move the head, commit) against the floor of one plain INSERT per transaction
  with the same settings (SQLite: WAL, synchronous FULL, BEGIN IMMEDIATE).
- verify: ``Ledger.verify`` over a ledger of --events events against the floor of reading
  every row and taking one SHA-256 per row.
- read: ``Ledger.events_by_account`` against the floor of fetching every row.

Each figure is the minimum of --repeat runs (other work on the machine only adds time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from nypconsol.core.steps import Step
from nypconsol.ledger import open_ledger
from nypconsol.ledger.events import GENESIS_HASH, canonical_fields, event_hash
from nypconsol.ledger.schema import events_table, head_table

NOTICE, CLOSE = dt.date(2026, 1, 5), dt.date(2026, 1, 19)
STEPS = [Step.ANNOUNCED, Step.SWEPT, Step.ACCESS_GRANTED]


def best(runs: list[float]) -> float:
    return min(runs)


def fill(location: str, count: int) -> None:
    """``count`` valid events written in one transaction (a fast way to a big ledger)."""
    with open_ledger(location, create=True) as ledger:
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        previous = GENESIS_HASH
        rows = []
        for number in range(1, count + 1):
            at = start + dt.timedelta(seconds=number)
            values = {
                "id": number,
                "handle": f"account{number % 700}",
                "platform": "x",
                "step": STEPS[number % 3].value,
                "by": "bench",
                "db_user": "bench",
                "at": at,
                "recorded_at": at,
                "note": f"event {number}",
                "forced": False,
                "undo_of": None,
                "prev_hash": previous,
            }
            previous = event_hash(canonical_fields(**values, sweep=None))
            rows.append(values | {"hash": previous})
        with ledger.engine.begin() as connection:
            connection.execute(events_table.insert(), rows)
            connection.execute(head_table.update().values(last_id=count, last_hash=previous))


def time_records(location: str, count: int) -> float:
    with open_ledger(location, create=True) as ledger:
        started = time.perf_counter()
        for number in range(count):
            ledger.record(
                handle=f"account{number % 50}",
                platform="x",
                step=STEPS[number % 3],
                by="bench",
                notice_date=NOTICE,
                close_date=CLOSE,
                note=f"event {number}",
            )
        return time.perf_counter() - started


def floor_records_sqlite(path: Path, count: int) -> float:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, handle TEXT, note TEXT, h TEXT)")
    started = time.perf_counter()
    for number in range(count):
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO t VALUES (?, ?, ?, ?)", (number, f"account{number % 50}", "n", "h")
        )
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def floor_records_postgres(url: str, count: int) -> float:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS bench_floor"))
        connection.execute(text("CREATE TABLE bench_floor (id int PRIMARY KEY, handle text)"))
    started = time.perf_counter()
    with engine.connect() as connection:
        for number in range(count):
            with connection.begin():
                connection.execute(
                    text("INSERT INTO bench_floor VALUES (:id, :handle)"),
                    {"id": number, "handle": "a"},
                )
    elapsed = time.perf_counter() - started
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE bench_floor"))
    engine.dispose()
    return elapsed


def time_verify(location: str) -> float:
    with open_ledger(location) as ledger:
        started = time.perf_counter()
        report = ledger.verify()
        elapsed = time.perf_counter() - started
    assert report.ok, report
    return elapsed


def time_read(location: str) -> float:
    with open_ledger(location) as ledger:
        started = time.perf_counter()
        ledger.events_by_account()
        return time.perf_counter() - started


def floor_scan(location: str, *, hashing: bool) -> float:
    with open_ledger(location) as ledger:
        started = time.perf_counter()
        with ledger.engine.connect() as connection:
            for row in connection.exec_driver_sql("SELECT * FROM ledger_events ORDER BY id"):
                if hashing:
                    hashlib.sha256(repr(tuple(row)).encode()).hexdigest()
        return time.perf_counter() - started


def drop_ledger(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        for table in ("ledger_events", "ledger_head", "ledger_meta"):
            connection.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
        connection.execute(text("DROP FUNCTION IF EXISTS ledger_events_append_only()"))
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="an empty PostgreSQL database to use (emptied)")
    options = parser.parse_args()
    rows: list[tuple[str, str, float, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        backends = [("sqlite", None)] + (
            [("postgresql", options.postgres)] if options.postgres else []
        )
        for kind, url in backends:
            record_runs, floor_runs, verify_runs, vfloor_runs, read_runs, rfloor_runs = (
                [] for _ in range(6)
            )
            for attempt in range(options.repeat):
                if kind == "sqlite":
                    location = str(base / f"record{attempt}.sqlite")
                    record_runs.append(time_records(location, options.records))
                    floor_runs.append(
                        floor_records_sqlite(base / f"floor{attempt}.sqlite", options.records)
                    )
                    big = str(base / f"big{attempt}.sqlite")
                else:
                    drop_ledger(url)
                    record_runs.append(time_records(url, options.records))
                    floor_runs.append(floor_records_postgres(url, options.records))
                    drop_ledger(url)
                    big = url
                fill(big, options.events)
                verify_runs.append(time_verify(big))
                vfloor_runs.append(floor_scan(big, hashing=True))
                read_runs.append(time_read(big))
                rfloor_runs.append(floor_scan(big, hashing=False))
                if kind == "postgresql":
                    drop_ledger(url)
            rows.append((kind, f"record x{options.records}", best(record_runs), best(floor_runs)))
            rows.append((kind, f"verify {options.events}", best(verify_runs), best(vfloor_runs)))
            rows.append((kind, f"read {options.events}", best(read_runs), best(rfloor_runs)))
    print(
        f"{'engine':<11} {'what':<14} {'ledger s':>9} {'floor s':>9} {'ratio':>6} {'per item':>10}"
    )
    for kind, what, measured, floor in rows:
        items = int(what.split()[-1].lstrip("x"))
        print(
            f"{kind:<11} {what:<14} {measured:9.3f} {floor:9.3f} {measured / floor:6.1f} "
            f"{measured / items * 1000:8.2f}ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
