"""Recording events on SQLite and PostgreSQL: what an event holds, the progress rules applied
inside the ledger's transaction, undo, sweep details, the queries, and values refused before
anything is written."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from nypconsol.core.progress import (
    RecordCode,
    RecordRefused,
    StepStatus,
    UnknownStep,
    next_step,
    start_of_day,
    step_states,
)
from nypconsol.core.steps import Step
from nypconsol.ledger import (
    InvalidRecord,
    LedgerNotFound,
    SweepDetails,
    login_name,
    open_ledger,
)
from nypconsol.ledger.events import GENESIS_HASH

from .ledger_helpers import CLOSE, NOTICE, TODAY, record

SWEEP = SweepDetails(
    archive_sha256="9f" * 32, conversations=41, messages=312, p1=1, p2=4, p3=7, unanswered=2
)


@pytest.fixture
def ledger(backend):
    with open_ledger(backend.location, create=True) as opened:
        yield opened


def test_only_record_starts_a_ledger(backend):
    with pytest.raises(LedgerNotFound) as caught:
        open_ledger(backend.location)
    assert caught.value.exit_code == 4
    assert "`nypconsol record` starts one" in str(caught.value)
    with open_ledger(backend.location, create=True) as created:
        assert created.schema_version() == 2
        assert created.events() == ()
        assert created.display == (
            backend.location if backend.kind == "sqlite" else created.display
        )
    with open_ledger(backend.location) as reopened:
        assert reopened.verify().ok


def test_an_event_is_stored_whole_and_read_back_exactly(backend, ledger):
    before = dt.datetime.now(dt.UTC)
    recorded = record(ledger, Step.ANNOUNCED, note="Pinned at 09:02; screenshot in Teams")
    after = dt.datetime.now(dt.UTC)
    event = recorded.event
    assert (event.id, event.handle, event.platform, event.step) == (
        1,
        "SkiptonCops",
        "x",
        Step.ANNOUNCED,
    )
    assert event.by == "pc.smith"
    # The database's own user: PostgreSQL's current_user, on SQLite the operating system's.
    assert event.db_user == ("ledger" if backend.kind == "postgresql" else login_name())
    assert event.at == event.recorded_at
    assert before - dt.timedelta(seconds=5) <= event.at <= after + dt.timedelta(seconds=5)
    assert event.at.tzinfo is dt.UTC
    assert (event.note, event.forced, event.undo_of) == (
        "Pinned at 09:02; screenshot in Teams",
        False,
        None,
    )
    assert event.prev_hash == GENESIS_HASH and re.fullmatch(r"[0-9a-f]{64}", event.hash)
    assert ledger.events() == (event,)
    assert recorded.account_events == (event,)
    assert list(event.log_record()) == [
        "id",
        "handle",
        "platform",
        "step",
        "by",
        "db_user",
        "at",
        "recorded_at",
        "note",
        "forced",
        "undo_of",
        "hash",
    ]
    second = record(ledger, Step.SWEPT).event
    assert (second.id, second.prev_hash) == (2, event.hash)


def test_the_time_given_is_kept_to_the_microsecond_and_may_not_be_in_the_future(ledger):
    done = dt.datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    event = record(ledger, Step.SWEPT, at=done).event
    assert event.at == done and event.at.tzinfo is dt.UTC
    assert ledger.events()[0].at == done
    with pytest.raises(RecordRefused) as caught:
        record(ledger, Step.ARCHIVED, at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5))
    assert [p.code for p in caught.value.check.refusals] == [RecordCode.TIME_IN_FUTURE]
    assert len(ledger.events()) == 1


def test_an_order_rule_refuses_and_records_nothing(ledger):
    with pytest.raises(RecordRefused) as caught:
        record(ledger, Step.CLOSED)
    assert caught.value.exit_code == 1
    assert str(caught.value) == (
        "closed needs final_posted first: final_posted is not recorded; closed needs swept "
        "first: swept is not recorded; record final_posted and swept first, or give --force "
        "with a --note saying why"
    )
    with pytest.raises(RecordRefused, match="--force needs a --note"):
        record(ledger, Step.CLOSED, force=True)
    assert ledger.events() == ()
    assert ledger.verify().ok and ledger.verify().events == 0


def test_an_override_is_recorded_as_forced_with_its_note(ledger):
    recorded = record(
        ledger, Step.FINAL_POSTED, force=True, note="announced on Facebook by the district"
    )
    assert recorded.event.forced
    assert [p.code for p in recorded.check.warnings] == [RecordCode.ORDER_OVERRIDDEN]
    stored = ledger.events()[0]
    assert stored.forced and stored.note == "announced on Facebook by the district"
    # Once the needed steps are recorded, nothing is forced.
    record(ledger, Step.SWEPT)
    assert not record(ledger, Step.CLOSED).event.forced


def test_the_rules_see_only_this_accounts_events(ledger):
    record(ledger, Step.ANNOUNCED, handle="OtherAccount")
    record(ledger, Step.ANNOUNCED, platform="facebook")
    with pytest.raises(RecordRefused):
        record(ledger, Step.FINAL_POSTED)
    record(ledger, Step.FINAL_POSTED, platform="facebook")


def test_undo_is_a_new_event_cancelling_the_latest_live_record(ledger):
    first = record(ledger, Step.SWEPT, by="pc.jones").event
    second = record(ledger, Step.SWEPT, by="pc.smith").event
    undo = record(ledger, Step.SWEPT, undo=True, note="wrong account").event
    assert (undo.id, undo.step, undo.undo_of, undo.note) == (
        3,
        Step.SWEPT,
        second.id,
        "wrong account",
    )
    assert ledger.latest_live()[("SkiptonCops", "x", Step.SWEPT)] == first
    assert record(ledger, Step.SWEPT, undo=True).event.undo_of == first.id
    assert ("SkiptonCops", "x", Step.SWEPT) not in ledger.latest_live()
    with pytest.raises(RecordRefused, match="every record of it is already undone"):
        record(ledger, Step.SWEPT, undo=True)
    assert len(ledger.events()) == 4  # nothing was updated or deleted
    assert ledger.verify().ok


def test_sweep_details_travel_with_a_swept_event_and_nothing_else(ledger):
    event = record(ledger, Step.SWEPT, sweep=SWEEP).event
    assert event.sweep == SWEEP
    assert ledger.events()[0].sweep == SWEEP
    assert record(ledger, Step.ANNOUNCED).event.sweep is None
    with pytest.raises(InvalidRecord, match="belong on a swept event"):
        record(ledger, Step.ARCHIVED, sweep=SWEEP)
    with pytest.raises(InvalidRecord, match="belong on a swept event"):
        record(ledger, Step.SWEPT, undo=True, sweep=SWEEP)
    assert len(ledger.events()) == 2
    assert ledger.verify().ok


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"archive_sha256": "9F" * 32}, "archive_sha256 must be 64 lowercase hexadecimal"),
        ({"archive_sha256": "ab"}, "archive_sha256 must be 64 lowercase hexadecimal"),
        ({"messages": -1}, "messages must be a whole number, 0 or more"),
        ({"p1": True}, "p1 must be a whole number"),
        ({"p2": 2.0}, "p2 must be a whole number"),
        ({"conversations": 2**31}, "conversations is too large"),
        ({"unanswered": 6}, "unanswered counts P1 and P2 items"),
    ],
)
def test_sweep_details_are_checked(fields, message):
    values = {
        "archive_sha256": "9f" * 32,
        "conversations": 1,
        "messages": 1,
        "p1": 1,
        "p2": 4,
        "p3": 0,
        "unanswered": 0,
    } | fields
    with pytest.raises(InvalidRecord, match=message) as caught:
        SweepDetails(**values)
    assert caught.value.exit_code == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"handle": "  "}, "handle is empty"),
        ({"by": ""}, "by is empty"),
        ({"note": "a\x00b"}, "note holds a NUL"),
        ({"note": "\ud800"}, "note holds a NUL or a lone surrogate"),
        ({"note": "x" * 2001}, "note is longer than 2000 characters"),
        ({"platform": "x" * 201}, "platform is longer than 200 characters"),
    ],
)
def test_values_that_cannot_be_stored_are_refused_before_anything_is_written(
    ledger, options, message
):
    with pytest.raises(InvalidRecord, match=message):
        record(ledger, Step.ANNOUNCED, **options)
    with pytest.raises(ValueError, match="timezone-aware"):
        record(ledger, Step.ANNOUNCED, at=dt.datetime(2027, 1, 11, 9))
    assert ledger.events() == ()


def test_an_unknown_step_is_refused_with_did_you_mean(ledger):
    with pytest.raises(UnknownStep, match="did you mean final_posted"):
        record(ledger, "final-posted")
    assert record(ledger, "announced").event.step is Step.ANNOUNCED
    with pytest.raises(ValueError, match="timezone-aware"):
        ledger.events(recorded_since=dt.datetime(2027, 1, 1))
    assert len(ledger.events()) == 1


def test_any_text_is_kept_as_written_and_hashes_the_same_when_read_back(ledger):
    note = 'Ælfrida said "done" ✓ 😀\nsecond line\ttab, \\ backslash, \u2028 and \x1b[31m'
    record(
        ledger,
        Step.ANNOUNCED,
        handle="nypolice@mastodon.social",
        platform="mastodon",
        note=note,
        by="Zoë O'Brien",
    )
    stored = ledger.events()[0]
    assert stored.note == note and stored.by == "Zoë O'Brien"
    assert ledger.verify().ok


def test_queries_by_account_and_by_time_recorded(ledger):
    a1 = record(ledger, Step.ANNOUNCED).event
    b1 = record(ledger, Step.ANNOUNCED, handle="B").event
    a2 = record(ledger, Step.SWEPT).event
    f1 = record(ledger, Step.ANNOUNCED, platform="facebook").event
    assert ledger.events(handle="SkiptonCops", platform="x") == (a1, a2)
    assert ledger.events(handle="SkiptonCops") == (a1, a2, f1)
    assert ledger.events(handle="skiptoncops") == ()  # handles as the plan spells them
    assert ledger.events(recorded_since=a2.recorded_at) == (a2, f1)
    assert ledger.events(recorded_since=start_of_day(TODAY + dt.timedelta(days=1))) == ()
    assert ledger.events_by_account() == {
        ("SkiptonCops", "x"): (a1, a2),
        ("B", "x"): (b1,),
        ("SkiptonCops", "facebook"): (f1,),
    }
    assert set(ledger.latest_live()) == {
        ("SkiptonCops", "x", Step.ANNOUNCED),
        ("SkiptonCops", "x", Step.SWEPT),
        ("B", "x", Step.ANNOUNCED),
        ("SkiptonCops", "facebook", Step.ANNOUNCED),
    }


def test_what_record_returns_gives_the_warnings_and_the_next_step(ledger):
    early = dt.datetime.combine(NOTICE - dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC)
    recorded = record(ledger, Step.ANNOUNCED, at=early)
    assert [p.code for p in recorded.check.warnings] == [RecordCode.BEFORE_PLAN_DATE]
    states = step_states(
        events=recorded.account_events, notice_date=NOTICE, close_date=CLOSE, today=TODAY
    )
    assert states[0].state is StepStatus.DONE and states[0].by == "pc.smith"
    assert next_step(states).step is Step.SWEPT
    assert next_step(states).state is StepStatus.OVERDUE
