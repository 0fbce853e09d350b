"""``nypconsol log`` on SQLite and PostgreSQL: the audit trail oldest first, by account and
date; the JSON exactly as issue 15 spells it and true to its schema; CSV safe for Excel; and
``--verify`` passing on an untouched ledger and, after an edit or a deletion
made with plain SQL, exit 1 naming the first bad event."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import jsonschema
import pytest

from nypconsol.core.errors import ExitCode
from nypconsol.ledger import open_ledger
from nypconsol.schemas import load_schema

from .cli_helpers import TODAY, log, record, run, write_inputs

KEYS = [
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


@pytest.fixture
def trail(backend, clean_env):
    """Five events: three accounts, a forced one, an undo."""
    inputs = write_inputs(clean_env)
    for handle, step, *more in (
        ("SkiptonCops", "announced", "--by", "pc.smith"),
        ("LeyburnBeat", "announced"),
        ("Settle.Beat.Team", "swept", "--note", "=cmd|' /C calc'!A0"),
        ("SkiptonCops", "closed", "--force", "--note", "swept by phone"),
        ("SkiptonCops", "closed", "--undo", "--note", "wrong account"),
    ):
        result = record(backend, inputs, handle, step, *more)
        assert result.exit_code == 0, result.stderr
    return inputs


def test_the_json_is_exactly_the_issues_oldest_first_and_true_to_its_schema(backend, trail):
    result = log(backend, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == f"Ledger: {backend.location} (--ledger)\n"
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(load_schema("log")).validate(document)
    assert list(document) == ["format_version", "kind", "events"]
    assert (document["format_version"], document["kind"]) == ("1.0", "log")
    events = document["events"]
    assert [list(e) for e in events] == [KEYS] * 5
    assert [e["id"] for e in events] == [1, 2, 3, 4, 5]
    assert [(e["handle"], e["step"]) for e in events] == [
        ("SkiptonCops", "announced"),
        ("LeyburnBeat", "announced"),
        ("Settle.Beat.Team", "swept"),
        ("SkiptonCops", "closed"),
        ("SkiptonCops", "closed"),
    ]
    assert events[0]["by"] == "pc.smith"
    assert [e["forced"] for e in events] == [False, False, False, True, False]
    assert [e["undo_of"] for e in events] == [None, None, None, None, 4]
    with open_ledger(backend.location) as ledger:
        assert [e["hash"] for e in events] == [e.hash for e in ledger.events()]
        db_user = ledger.events()[0].db_user
    assert {e["db_user"] for e in events} == {db_user}
    if backend.kind == "postgresql":
        assert db_user == "ledger"  # the database's current_user, whatever --by says


def test_account_filters_as_the_platform_compares_handles(backend, trail):
    for typed in ("SkiptonCops", "@skiptoncops"):
        result = log(backend, "--account", typed, "--format", "json")
        assert result.exit_code == 0
        assert [e["id"] for e in json.loads(result.stdout)["events"]] == [1, 4, 5]
    result = log(backend, "--account", "settlebeatteam", "--format", "json")
    assert [e["id"] for e in json.loads(result.stdout)["events"]] == [3]
    several = (
        "--account",
        "LeyburnBeat",
        "--account",
        "SETTLE.BEAT.TEAM",
        "--account",
        "@leyburnbeat",
    )
    result = log(backend, *several, "--format", "json")
    assert [e["id"] for e in json.loads(result.stdout)["events"]] == [2, 3]


def test_an_account_with_no_events_is_exit_1_with_did_you_mean(backend, trail):
    result = log(backend, "--account", "SkiptnCops")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: the ledger {backend.location} has no events of @SkiptnCops: did you mean "
        "@SkiptonCops?\n"
    )


def test_since_keeps_the_events_recorded_from_that_day(backend, trail):
    today = log(backend, "--since", TODAY.isoformat(), "--format", "json")
    assert len(json.loads(today.stdout)["events"]) == 5
    tomorrow = TODAY + dt.timedelta(days=1)
    later = log(backend, "--since", tomorrow.isoformat(), "--format", "json")
    assert json.loads(later.stdout)["events"] == []


def test_the_csv_has_the_json_keys_and_is_safe_for_excel(backend, trail):
    result = log(backend, "--format", "csv")
    text = result.stdout_bytes.decode("utf-8")
    assert text.startswith(",".join(KEYS) + "\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 5
    assert rows[2]["note"] == "'=cmd|' /C calc'!A0"
    assert [r["forced"] for r in rows] == ["no", "no", "no", "yes", "no"]
    assert rows[4]["undo_of"] == "4"


def test_the_table_shows_who_did_what_and_the_overrides(backend, trail):
    result = log(backend)
    assert result.exit_code == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"Audit trail in the ledger {backend.location}, oldest first"
    assert lines[-1] == "5 events."
    body = "\n".join(lines)
    assert "closed (forced)" in body and "undo closed (event 4)" in body
    assert "swept by phone" in body


def test_an_empty_ledger_has_an_empty_trail(backend, clean_env):
    with open_ledger(backend.location, create=True):
        pass
    assert json.loads(log(backend, "--format", "json").stdout) == {
        "format_version": "1.0",
        "kind": "log",
        "events": [],
    }
    assert log(backend).stdout.endswith(", oldest first: no events.\n")


def test_verify_passes_and_prints_the_count_and_head_hash(backend, trail):
    with open_ledger(backend.location) as ledger:
        head = ledger.events()[-1].hash
    result = log(backend, "--verify", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == (
        f"Verified the ledger {backend.location} (--ledger): 5 events, the hash chain is "
        f"whole; head hash {head}\n"
    )
    assert len(json.loads(result.stdout)["events"]) == 5


def test_verify_after_an_edit_with_plain_sql_names_the_event(backend, trail):
    backend.drop_guards()
    backend.sql("UPDATE ledger_events SET by = 'someone else' WHERE id = 3")
    result = log(backend, "--verify")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stdout == ""
    with open_ledger(backend.location) as ledger:
        second = ledger.events()[1].hash
    assert result.stderr == (
        f"Error: the ledger {backend.location} (--ledger) does not verify: event 3 was changed "
        "after it was recorded: its contents do not match its hash (the 2 events before it "
        f"verify, head hash {second})\n"
    )


def test_verify_after_a_deletion_names_the_missing_event(backend, trail):
    backend.drop_guards()
    backend.sql("DELETE FROM ledger_events WHERE id = 2")
    result = log(backend, "--verify")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert "does not verify: event 2 is missing: the chain jumps to event 3" in result.stderr


def test_verify_of_a_first_event_edited(backend, trail):
    backend.drop_guards()
    backend.sql("UPDATE ledger_events SET step = 'swept' WHERE id = 1")
    result = log(backend, "--verify")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stderr.endswith(
        "does not verify: event 1 was changed after it was recorded: its contents do not match "
        "its hash (no event before it verifies)\n"
    )


def test_log_without_a_ledger_is_exit_4(backend, clean_env):
    result = log(backend)
    assert result.exit_code == ExitCode.FAILURE
    assert result.stderr.startswith(f"Error: there is no ledger at {backend.location} yet")


def test_status_and_log_after_tampering_say_where_to_look(backend, trail):
    backend.drop_guards()
    backend.sql("UPDATE ledger_events SET step = 'parked' WHERE id = 2")
    result = run("log", "--ledger", backend.location)
    assert result.exit_code == ExitCode.FAILURE
    assert result.stderr == (
        'Error: event 2 in the ledger cannot be read (step "parked"): it was changed outside '
        "nypconsol; `nypconsol log --verify` shows where\n"
    )
    verify = run("log", "--ledger", backend.location, "--verify")
    assert verify.exit_code == ExitCode.INPUT_ERRORS
    assert "does not verify: event 2 was changed after it was recorded" in verify.stderr


def test_a_terminal_shows_each_event_as_a_block_within_80_columns(backend, trail):
    from nypconsol.render.log import log_table
    from nypconsol.render.terminal import make_console

    with open_ledger(backend.location) as ledger:
        events = ledger.events()
    out = io.StringIO()
    assert (
        log_table(
            events,
            ledger="nypconsol-ledger.sqlite",
            console=make_console(out, no_color=True, width=80),
        )
        == ""
    )
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[0] == "Audit trail in the ledger nypconsol-ledger.sqlite, oldest first"
    assert "4  closed (forced)  @SkiptonCops (x)" in lines
    assert "5  undo closed (event 4)  @SkiptonCops (x)" in lines
    assert "   note: swept by phone" in lines
    assert lines[-1] == "5 events."
