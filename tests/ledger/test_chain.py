"""The hash chain: its canonical form, the database refusing plain UPDATE and DELETE, and
verify() naming the first bad event after an edit, a deletion, an insertion or a reordering
made with plain SQL behind the ledger's back."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3

import pytest

from nypconsol.core.steps import Step
from nypconsol.ledger import LedgerError, SweepDetails, open_ledger
from nypconsol.ledger.events import (
    GENESIS_HASH,
    canonical_bytes,
    canonical_fields,
    event_hash,
)

from .ledger_helpers import CLOSE, NOTICE


def test_the_canonical_form_is_jcs_json_of_the_documented_fields():
    fields = canonical_fields(
        id=7,
        handle="NYP_Craven",
        platform="x",
        step="swept",
        by="Zoë",
        db_user="ledger",
        at=dt.datetime(2027, 1, 24, 9, 30, tzinfo=dt.UTC),
        recorded_at=dt.datetime(2027, 1, 24, 9, 31, 2, 5, tzinfo=dt.UTC),
        note='said "ok"\n',
        forced=False,
        undo_of=None,
        prev_hash="ab" * 32,
        sweep=SweepDetails(
            archive_sha256="cd" * 32, conversations=2, messages=9, p1=0, p2=1, p3=3, unanswered=1
        ).canonical(),
    )
    expected = (
        '{"at":"2027-01-24T09:30:00.000000Z","by":"Zoë","db_user":"ledger","forced":false,'
        '"handle":"NYP_Craven","id":7,"note":"said \\"ok\\"\\n","platform":"x",'
        f'"prev_hash":"{"ab" * 32}","recorded_at":"2027-01-24T09:31:02.000005Z",'
        '"step":"swept","sweep":{"archive_sha256":"' + "cd" * 32 + '","conversations":2,'
        '"messages":9,"p1":0,"p2":1,"p3":3,"unanswered":1},"undo_of":null}'
    )
    assert canonical_bytes(fields) == expected.encode("utf-8")
    assert event_hash(fields) == hashlib.sha256(expected.encode("utf-8")).hexdigest()
    # Without sweep details the key is absent, not null: version 1 events keep their hashes.
    fields.pop("sweep")
    assert b'"sweep"' not in canonical_bytes(fields)


def fill(ledger) -> None:
    """Record five events (ids 1 to 5)."""
    for handle, step in [
        ("A", Step.ANNOUNCED),
        ("A", Step.SWEPT),
        ("B", Step.ANNOUNCED),
        ("A", Step.FINAL_POSTED),
        ("B", Step.SWEPT),
    ]:
        ledger.record(
            handle=handle,
            platform="x",
            step=step,
            by="pc.smith",
            notice_date=NOTICE,
            close_date=CLOSE,
            note=f"{handle} {step}",
        )


@pytest.fixture
def five(backend):
    """A ledger holding five events."""
    with open_ledger(backend.location, create=True) as ledger:
        fill(ledger)
        yield ledger


def test_an_untouched_chain_verifies(five):
    report = five.verify()
    events = five.events()
    assert report.ok and report.events == 5
    assert report.first_bad_id is None and report.problem is None
    assert report.head_hash == events[-1].hash
    assert [e.prev_hash for e in events] == [GENESIS_HASH] + [e.hash for e in events[:-1]]


def test_the_database_itself_refuses_updates_and_deletes(backend, five):
    for statement in (
        "UPDATE ledger_events SET note = 'changed' WHERE id = 2",
        "DELETE FROM ledger_events WHERE id = 5",
    ):
        with pytest.raises(Exception, match="append-only"):
            backend.sql(statement)
    if backend.kind == "postgresql":
        with pytest.raises(Exception, match="append-only"):
            backend.sql("TRUNCATE ledger_events")
    assert five.verify().ok and len(five.events()) == 5


@pytest.mark.parametrize(
    "change",
    [
        "note = 'nothing to see'",
        "\"by\" = 'someone.else'",
        "forced = TRUE",
        "step = 'archived'",
        "handle = 'C'",
        "undo_of = 1",
        "hash = '" + "0" * 64 + "'",
    ],
)
def test_an_edited_event_is_named(backend, five, change):
    backend.drop_guards()
    if backend.kind == "sqlite":
        change = change.replace("TRUE", "1")
    backend.sql(f"UPDATE ledger_events SET {change} WHERE id = 3")
    report = five.verify()
    assert not report.ok
    assert report.first_bad_id == 3
    assert report.events == 2
    assert report.problem == (
        "event 3 was changed after it was recorded: its contents do not match its hash"
    )


def test_an_edited_time_is_named(backend, five):
    backend.drop_guards()
    later = "2027-01-01 10:00:00.000000" if backend.kind == "sqlite" else "2027-01-01 10:00+00"
    backend.sql(f"UPDATE ledger_events SET at = '{later}' WHERE id = 4")
    assert five.verify().first_bad_id == 4


def test_an_edit_that_recomputes_its_own_hash_breaks_the_next_link(backend, five):
    backend.drop_guards()
    target = five.events()[2]
    fields = canonical_fields(
        id=target.id,
        handle=target.handle,
        platform=target.platform,
        step=target.step.value,
        by="someone.else",
        db_user=target.db_user,
        at=target.at,
        recorded_at=target.recorded_at,
        note=target.note,
        forced=target.forced,
        undo_of=target.undo_of,
        prev_hash=target.prev_hash,
        sweep=None,
    )
    backend.sql(
        f"UPDATE ledger_events SET \"by\" = 'someone.else', hash = '{event_hash(fields)}' WHERE id = 3"
    )
    report = five.verify()
    assert (report.ok, report.first_bad_id) == (False, 4)
    assert report.problem == (
        "event 4 does not follow event 3: the chain is broken there (an event was replaced, "
        "moved or removed)"
    )


def test_a_deleted_event_is_named(backend, five):
    backend.drop_guards()
    backend.sql("DELETE FROM ledger_events WHERE id = 3")
    report = five.verify()
    assert (report.ok, report.first_bad_id, report.events) == (False, 3, 2)
    assert report.problem == "event 3 is missing: the chain jumps to event 4"
    backend.sql("DELETE FROM ledger_events WHERE id = 4")
    assert five.verify().problem == "events 3 to 4 are missing: the chain jumps to event 5"


def test_deleting_the_last_events_is_caught_by_the_head(backend, five):
    backend.drop_guards()
    backend.sql("DELETE FROM ledger_events WHERE id >= 4")
    report = five.verify()
    assert (report.ok, report.first_bad_id) == (False, 4)
    assert report.problem == "event 4 is missing: the ledger holds 5 events but 3 remain"


def test_an_event_inserted_behind_the_ledgers_back_is_named(backend, five):
    last = five.events()[-1]
    at = dt.datetime(2027, 1, 20, 12, tzinfo=dt.UTC)
    fields = canonical_fields(
        id=6,
        handle="A",
        platform="x",
        step="closed",
        by="pc.smith",
        db_user=last.db_user,
        at=at,
        recorded_at=at,
        note=None,
        forced=False,
        undo_of=None,
        prev_hash=last.hash,
        sweep=None,
    )
    stamp = "2027-01-20 12:00:00.000000" if backend.kind == "sqlite" else "2027-01-20 12:00+00"
    backend.sql(
        'INSERT INTO ledger_events (id, handle, platform, step, "by", db_user, at, recorded_at,'
        " forced, prev_hash, hash) VALUES (6, 'A', 'x', 'closed', 'pc.smith', ?, ?, ?, ?, ?, ?)",
        (last.db_user, stamp, stamp, False, last.hash, event_hash(fields)),
    )
    report = five.verify()
    assert (report.ok, report.first_bad_id) == (False, 6)
    assert report.problem == (
        "event 6 was added behind the ledger's back: the ledger recorded 5 events"
    )


def test_reordered_events_are_named(backend, five):
    backend.drop_guards()
    backend.sql("UPDATE ledger_events SET id = -2 WHERE id = 2")
    backend.sql("UPDATE ledger_events SET id = 2 WHERE id = 3")
    backend.sql("UPDATE ledger_events SET id = 3 WHERE id = -2")
    report = five.verify()
    assert (report.ok, report.first_bad_id) == (False, 2)


def test_a_replaced_head_is_named(backend, five):
    backend.sql("UPDATE ledger_head SET last_hash = ? WHERE id = 1", ("1" * 64,))
    report = five.verify()
    assert (report.ok, report.first_bad_id) == (False, 5)
    assert "its hash differs from the head's" in report.problem


def test_an_event_edited_into_nonsense_is_named_and_reading_it_says_so(backend, five):
    backend.drop_guards()
    backend.sql("UPDATE ledger_events SET step = 'parked\x1b[2J' WHERE id = 2")
    assert five.verify().first_bad_id == 2
    with pytest.raises(LedgerError) as caught:
        five.events()
    assert str(caught.value) == (
        'event 2 in the ledger cannot be read (step "parked\\x1b[2J"): it was changed outside '
        "nypconsol; `nypconsol log --verify` shows where"
    )


def test_a_sqlite_time_edited_into_text_is_named(tmp_path):
    """SQLite stores times as text, so plain SQL can leave one that does not parse (a
    PostgreSQL timestamptz cannot hold such a value)."""
    path = tmp_path / "ledger.sqlite"
    with open_ledger(str(path), create=True) as ledger:
        fill(ledger)
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("DROP TRIGGER ledger_events_no_update")
        connection.execute("UPDATE ledger_events SET at = 'yesterday' WHERE id = 4")
        connection.close()
        report = ledger.verify()
    assert (report.ok, report.first_bad_id) == (False, 4)
    assert report.problem == (
        "event 4 cannot be read: a value in it was edited into one that is not valid"
    )


def test_recording_after_tampering_still_leaves_the_first_bad_event_named(backend, five):
    backend.drop_guards()
    backend.sql("UPDATE ledger_events SET note = 'x' WHERE id = 1")
    five.record(
        handle="C", platform="x", step="announced", by="b", notice_date=NOTICE, close_date=CLOSE
    )
    assert five.verify().first_bad_id == 1
