"""``nypconsol record`` on SQLite and PostgreSQL: the event and the next step printed; handles
and steps matched with "did you mean"; the order rules, --force with --note, --at, --undo;
every refusal exit 1 with nothing recorded; the ledger named, never a password."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nypconsol.core.errors import ExitCode
from nypconsol.core.progress import format_moment
from nypconsol.ledger import LedgerNotFound, login_name, open_ledger

from .cli_helpers import TODAY, record, run, write_inputs

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def inputs(clean_env):
    return write_inputs(clean_env)


def events(backend):  # type: ignore[no-untyped-def]
    with open_ledger(backend.location) as ledger:
        return ledger.events()


def nothing_recorded(backend) -> bool:  # type: ignore[no-untyped-def]
    """No ledger at all, or one without events."""
    try:
        return events(backend) == ()
    except LedgerNotFound:
        return True


def test_record_prints_the_event_and_the_next_step(backend, inputs):
    result = record(backend, inputs, "SkiptonCops", "announced", "--at", f"{inputs.notice} 09:30")
    assert result.exit_code == 0, result.stderr
    [event] = events(backend)
    assert (event.id, event.handle, event.platform, event.step) == (
        1,
        "SkiptonCops",
        "x",
        "announced",
    )
    assert event.by == login_name() and not event.forced and event.note is None
    at = dt.datetime.combine(inputs.notice, dt.time(9, 30), tzinfo=LONDON)
    assert event.at == at
    swept_due = inputs.close - dt.timedelta(days=1)
    assert result.stdout == (
        f"Recorded in the ledger {backend.location}: event 1, @SkiptonCops (x) announced at "
        f"{format_moment(at)}, by {login_name()}.\n"
        f"Next for @SkiptonCops (x): swept (before the close date), was due "
        f"{swept_due.isoformat()}: overdue.\n"
    )
    assert result.stderr == ""


def test_by_and_note_are_kept_and_shown(backend, inputs):
    result = record(
        backend, inputs, "@skiptoncops", "swept", "--by", "PC 1 A Shah", "--note", "inbox\nclear"
    )
    assert result.exit_code == 0, result.stderr
    [event] = events(backend)
    assert event.by == "PC 1 A Shah" and event.note == "inbox\nclear"
    assert "by PC 1 A Shah." in result.stdout
    assert "Note: inbox clear\n" in result.stdout


def test_the_plans_spelling_is_recorded_whatever_the_case_typed(backend, inputs):
    assert record(backend, inputs, "SETTLE.BEAT.TEAM", "announced").exit_code == 0
    assert record(backend, inputs, "settlebeatteam", "swept").exit_code == 0  # dots: Facebook
    assert [(e.handle, e.platform) for e in events(backend)] == [
        ("Settle.Beat.Team", "facebook")
    ] * 2


def test_a_handle_on_one_migrated_platform_needs_no_platform(backend, inputs):
    # SelbyPolice is on X (migrated) and on Facebook (already closed).
    assert record(backend, inputs, "SelbyPolice", "announced").exit_code == 0
    assert [(e.handle, e.platform) for e in events(backend)] == [("SelbyPolice", "x")]


def test_platform_chooses_and_accepts_aliases(backend, inputs):
    assert (
        record(backend, inputs, "GrassingtonPCSO", "announced", "--platform", "ig").exit_code == 0
    )
    assert (
        record(backend, inputs, "GrassingtonPCSO", "announced", "--platform", "Twitter").exit_code
        == 0
    )
    assert [e.platform for e in events(backend)] == ["instagram", "x"]


def test_a_handle_migrated_on_several_platforms_needs_platform(backend, inputs):
    result = record(backend, inputs, "GrassingtonPCSO", "announced")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stderr == (
        "Error: @GrassingtonPCSO is an account on several platforms (instagram, x): say which "
        "with --platform\n"
    )
    assert nothing_recorded(backend)


@pytest.mark.parametrize(
    ("handle", "more", "message"),
    [
        (
            "SkiptnCops",
            (),
            "@SkiptnCops is not an account the plan migrates: did you mean @SkiptonCops (x)?",
        ),
        (
            "LeyburnBeet",
            ("--platform", "x"),
            "@LeyburnBeet is not an account the plan migrates on x: did you mean @LeyburnBeat (x)?",
        ),
        (
            "Nobody_At_All",
            (),
            "@Nobody_At_All is not an account the plan migrates (nypconsol plan lists its accounts)",
        ),
        (
            "OldBeat",
            (),
            "@OldBeat (x) is not migrated by the plan (action skip: already closed); only "
            "migrated accounts have steps to record",
        ),
        (
            "KeepMe",
            (),
            "@KeepMe (x) is not migrated by the plan (action retain: Road safety campaigns); "
            "only migrated accounts have steps to record",
        ),
        (
            "LeyburnBeat",
            ("--platform", "facebook"),
            "@LeyburnBeat is not on facebook in the plan; it is on x",
        ),
        (
            "LeyburnBeat",
            ("--platform", "myspace"),
            "unknown platform 'myspace': the platforms are x, facebook, instagram, tiktok, "
            "mastodon, bluesky, threads",
        ),
    ],
)
def test_an_account_the_plan_does_not_migrate_is_exit_1(backend, inputs, handle, more, message):
    result = record(backend, inputs, handle, "announced", *more)
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert nothing_recorded(backend)


def test_an_unknown_step_is_exit_1_with_did_you_mean_before_anything_is_opened(backend, inputs):
    result = record(backend, inputs, "SkiptonCops", "anounced")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stderr == (
        'Error: unknown step "anounced": did you mean announced? The steps are announced, '
        "swept, access_granted, final_posted, closed, credentials_reset, archived.\n"
    )
    assert nothing_recorded(backend)


def test_an_order_rule_refuses_with_what_is_missing(backend, inputs):
    result = record(backend, inputs, "SkiptonCops", "closed")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stdout == ""
    assert result.stderr == (
        "error [step-order] closed needs final_posted first: final_posted is not recorded\n"
        "error [step-order] closed needs swept first: swept is not recorded\n"
        "Record final_posted and swept first, or give --force with a --note saying why.\n"
        f"Nothing was recorded in the ledger {backend.location}.\n"
    )
    assert nothing_recorded(backend)


def test_force_needs_a_note(backend, inputs):
    for note in ((), ("--note", "  ")):
        result = record(backend, inputs, "SkiptonCops", "closed", "--force", *note)
        assert result.exit_code == ExitCode.INPUT_ERRORS
        assert result.stderr == (
            "error [force-needs-note] --force needs a --note saying why the order rule is "
            "overridden\nNothing was recorded.\n"
        )
    assert nothing_recorded(backend)


def test_force_with_a_note_records_a_forced_event_with_a_warning(backend, inputs):
    assert record(backend, inputs, "SkiptonCops", "announced").exit_code == 0
    assert record(backend, inputs, "SkiptonCops", "final_posted").exit_code == 0
    result = record(
        backend, inputs, "SkiptonCops", "closed", "--force", "--note", "swept by phone, log lost"
    )
    assert result.exit_code == 0
    assert result.stderr == (
        "warning [order-overridden] closed needs swept first: swept is not recorded; recorded "
        "anyway with --force, marked as forced\n"
    )
    assert "closed at " in result.stdout and "(forced: an order rule overridden)" in result.stdout
    closed = events(backend)[-1]
    assert closed.forced and closed.note == "swept by phone, log lost"


def test_force_and_undo_together_are_a_usage_error(backend, inputs):
    result = record(backend, inputs, "SkiptonCops", "swept", "--undo", "--force", "--note", "x")
    assert result.exit_code == ExitCode.USAGE
    assert "--force applies to order rules, which an --undo does not have" in result.stderr


def test_at_in_the_future_is_refused(backend, inputs):
    tomorrow = TODAY + dt.timedelta(days=1)
    result = record(backend, inputs, "SkiptonCops", "announced", "--at", f"{tomorrow} 09:00")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    first = result.stderr.splitlines()[0]
    assert first.startswith("error [time-in-future] announced cannot be recorded at ")
    assert "that is in the future" in first
    assert nothing_recorded(backend)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-01-05", "--at '2026-01-05' is not a date and time: give a time too"),
        (
            "yesterday",
            "--at 'yesterday' is not a date and time: write it like 2027-01-11 09:30, "
            "11/01/2027 09:30, 2027-01-11T09:30:00Z or 09:30 (today)",
        ),
        ("2026-02-30 09:00", "--at '2026-02-30 09:00' is not a real date"),
        ("2026-01-05 25:00", "--at '2026-01-05 25:00' is not a real time of day"),
        ("1999-01-05 09:00", "--at '1999-01-05 09:00' is outside the years 2000 to 2099"),
    ],
)
def test_a_bad_at_is_exit_1_saying_what_is_accepted(backend, inputs, text, message):
    result = record(backend, inputs, "SkiptonCops", "announced", "--at", text)
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stderr == f"Error: {message}\n"
    assert nothing_recorded(backend)


def test_at_reads_england_time_an_offset_or_a_uk_date(backend, inputs):
    day = inputs.notice
    uk = day.strftime("%d/%m/%Y")
    for text in (f"{day} 09:30", f"{uk} 10:30", f"{day}T11:30:00+03:00", f"{day}T12:30Z"):
        assert record(backend, inputs, "SkiptonCops", "announced", "--at", text).exit_code == 0
    got = [e.at for e in events(backend)]
    assert got == [
        dt.datetime.combine(day, dt.time(9, 30), tzinfo=LONDON),
        dt.datetime.combine(day, dt.time(10, 30), tzinfo=LONDON),
        dt.datetime.combine(day, dt.time(8, 30), tzinfo=dt.UTC),
        dt.datetime.combine(day, dt.time(12, 30), tzinfo=dt.UTC),
    ]


def test_before_the_plan_date_and_already_recorded_are_warnings(backend, inputs):
    early = inputs.notice - dt.timedelta(days=3)
    result = record(backend, inputs, "SkiptonCops", "announced", "--at", f"{early} 09:00")
    assert result.exit_code == 0
    assert result.stderr.startswith("warning [before-plan-date] announced is recorded at ")
    assert f"before the account's notice date {inputs.notice.isoformat()}" in result.stderr
    again = record(backend, inputs, "SkiptonCops", "announced")
    assert again.exit_code == 0
    assert again.stderr.startswith(
        "warning [already-recorded] announced is already recorded (event 1, "
    )
    assert len(events(backend)) == 2


def test_undo_records_a_new_event_and_the_step_is_open_again(backend, inputs):
    assert record(backend, inputs, "SkiptonCops", "announced").exit_code == 0
    assert record(backend, inputs, "SkiptonCops", "final_posted").exit_code == 0
    result = record(
        backend, inputs, "SkiptonCops", "announced", "--undo", "--note", "wrong account"
    )
    assert result.exit_code == 0
    assert result.stdout.startswith(
        f"Recorded in the ledger {backend.location}: event 3, undo of event 1 (@SkiptonCops (x) "
        "announced), by "
    )
    assert "Next for @SkiptonCops (x): announced (on the notice date)" in result.stdout
    assert result.stderr == (
        "warning [undo-breaks-order] final_posted is still recorded (event 2) and needs announced\n"
    )
    assert [(e.id, e.undo_of) for e in events(backend)] == [(1, None), (2, None), (3, 1)]


def test_undo_with_nothing_to_undo_is_refused(backend, inputs):
    result = record(backend, inputs, "SkiptonCops", "swept", "--undo")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stderr.startswith(
        "error [nothing-to-undo] there is no record of swept to undo: it has no record\n"
    )
    assert nothing_recorded(backend)


def test_when_every_step_is_done_it_says_so(backend, inputs):
    for step in (
        "announced",
        "swept",
        "access_granted",
        "final_posted",
        "closed",
        "credentials_reset",
    ):
        assert record(backend, inputs, "LeyburnBeat", step).exit_code == 0
    result = record(backend, inputs, "LeyburnBeat", "archived")
    assert result.stdout.endswith("Every step is done for @LeyburnBeat (x).\n")


def test_inputs_with_errors_are_exit_1_and_nothing_is_opened(backend, clean_env):
    inputs = write_inputs(clean_env)
    (clean_env / "inventory.csv").write_text("handle,platform,area\nBad Handle!,x,Nowhere\n")
    result = record(backend, inputs, "SkiptonCops", "announced")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert "error [invalid-handle]" in result.stderr
    assert "Nothing was recorded: fix the errors above" in result.stderr
    assert nothing_recorded(backend)


def test_a_value_that_cannot_be_stored_is_exit_1(backend, inputs):
    """The message names the option and says what to do, before the plan is even read."""
    result = record(backend, inputs, "SkiptonCops", "announced", "--note", "x" * 2001)
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stderr == (
        "Error: --note is 2,001 characters long; a note holds at most 2,000: shorten it\n"
    )
    assert nothing_recorded(backend)
    result = record(backend, inputs, "SkiptonCops", "announced", "--by", "PC " + "x" * 200)
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stderr == (
        "Error: --by is 203 characters long; a name holds at most 200: shorten it\n"
    )
    assert nothing_recorded(backend)


def test_terminal_control_characters_typed_are_never_printed_raw(backend, inputs):
    result = record(
        backend, inputs, "SkiptonCops", "announced", "--by", "pc\x1b[31mred", "--note", "a\x07b"
    )
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "pc\\x1b[31mred" in result.stdout and "a\\x07b" in result.stdout


def test_the_ledger_location_rule(clean_env, monkeypatch):
    """--ledger, else NYPCONSOL_LEDGER, else nypconsol-ledger.sqlite in the working folder."""
    inputs = write_inputs(clean_env)
    monkeypatch.delenv("NYPCONSOL_LEDGER", raising=False)
    result = run("record", "SkiptonCops", "announced", *inputs.args)
    assert result.exit_code == 0
    assert result.stdout.startswith("Recorded in the ledger nypconsol-ledger.sqlite: event 1,")
    assert (clean_env / "nypconsol-ledger.sqlite").exists()
    monkeypatch.setenv("NYPCONSOL_LEDGER", str(clean_env / "from-env.sqlite"))
    assert run("record", "SkiptonCops", "swept", *inputs.args).exit_code == 0
    result = run("record", "SkiptonCops", "swept", *inputs.args, "--ledger", "opt.sqlite")
    assert result.stdout.startswith("Recorded in the ledger opt.sqlite: event 1,")
    for name, count in (("nypconsol-ledger.sqlite", 1), ("from-env.sqlite", 1), ("opt.sqlite", 1)):
        with open_ledger(str(clean_env / name)) as ledger:
            assert len(ledger.events()) == count


@pytest.mark.postgresql
def test_the_password_is_never_printed(pg_cluster, clean_env, monkeypatch):
    inputs = write_inputs(clean_env)
    database = pg_cluster.new_database()
    monkeypatch.setenv("PGPASSFILE", str(clean_env / "no-pgpass"))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    url = pg_cluster.url(database, password=pg_cluster.password)
    result = run("record", "SkiptonCops", "announced", *inputs.args, "--ledger", url)
    assert result.exit_code == 0
    assert pg_cluster.password not in result.stdout + result.stderr
    assert result.stdout.startswith(f"Recorded in the ledger {pg_cluster.url(database)}: event 1,")
    monkeypatch.setenv("PGPASSWORD", pg_cluster.password)
    result = run("log", "--ledger", pg_cluster.url(database), "--verify")
    assert result.exit_code == 0
    assert pg_cluster.password not in result.stdout + result.stderr
