"""The progress rules: order rules and their override, --at in the future, recording before a
step opens, undo, each step's state on a given day, and "did you mean" for step names."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nypconsol.core.progress import (
    PLAN_ZONE,
    Event,
    RecordCode,
    RecordRefused,
    StepStatus,
    UnknownStep,
    check_record,
    format_moment,
    latest_live,
    live_events,
    local_date,
    next_step,
    parse_step,
    shown,
    start_of_day,
    step_states,
    suggest_steps,
)
from nypconsol.core.steps import STEP_NAMES, Step

UTC = dt.UTC
NOTICE = dt.date(2027, 1, 11)
CLOSE = dt.date(2027, 1, 25)
NOW = dt.datetime(2027, 1, 26, 12, 0, tzinfo=UTC)


def at(day: int, hour: int = 10, minute: int = 0, month: int = 1) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, minute, tzinfo=UTC)


class History:
    """An account's events, numbered as the ledger would number them."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(
        self, step: Step, when: dt.datetime, *, by: str = "pc.smith", undo_of=None, forced=False
    ) -> Event:
        event = Event(
            id=len(self.events) + 1,
            handle="SkiptonCops",
            platform="x",
            step=step,
            by=by,
            at=when,
            undo_of=undo_of,
            forced=forced,
        )
        self.events.append(event)
        return event


def check(history: History, step: Step, when: dt.datetime = NOW, **options):
    return check_record(
        step=step,
        at=when,
        now=NOW,
        events=history.events,
        notice_date=NOTICE,
        close_date=CLOSE,
        **options,
    )


# --- step names -------------------------------------------------------------------------------


def test_every_step_parses_by_its_exact_name():
    assert [parse_step(name) for name in STEP_NAMES] == list(Step)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("final-posted", ("final_posted",)),
        ("Final Posted", ("final_posted",)),
        ("annouced", ("announced",)),
        ("SWEPT", ("swept",)),
        ("credentials", ("credentials_reset",)),
        ("archive", ("archived",)),
    ],
)
def test_an_unknown_step_suggests_the_close_ones(typed, expected):
    with pytest.raises(UnknownStep) as caught:
        parse_step(typed)
    assert caught.value.suggestions == expected
    assert caught.value.exit_code == 1
    assert str(caught.value) == (
        f'unknown step "{typed}": did you mean {expected[0]}? The steps are announced, swept, '
        "access_granted, final_posted, closed, credentials_reset, archived."
    )


def test_a_step_like_nothing_on_the_checklist_lists_them_all():
    assert suggest_steps("parked") == ()
    with pytest.raises(UnknownStep, match=r'^unknown step "parked": The steps are announced, '):
        parse_step("parked")


def test_control_characters_in_a_step_name_are_escaped_in_the_message():
    with pytest.raises(UnknownStep) as caught:
        parse_step("swept\x1b]52;c;aGk=\x07")
    message = str(caught.value)
    assert "\x1b" not in message and "\x07" not in message
    assert '"swept\\x1b]52;c;aGk=\\x07"' in message
    assert shown("a\u202eb\u200b") == '"a\\u202eb\\u200b"'


# --- order rules ------------------------------------------------------------------------------


def test_final_posted_needs_announced():
    verdict = check(History(), Step.FINAL_POSTED)
    assert not verdict.allowed
    assert verdict.missing == (Step.ANNOUNCED,)
    assert [(p.code, p.step, p.message) for p in verdict.refusals] == [
        (
            RecordCode.STEP_ORDER,
            Step.ANNOUNCED,
            "final_posted needs announced first: announced is not recorded",
        )
    ]
    assert str(RecordRefused(verdict)) == (
        "final_posted needs announced first: announced is not recorded; record announced "
        "first, or give --force with a --note saying why"
    )


def test_final_posted_is_allowed_once_announced():
    history = History()
    history.add(Step.ANNOUNCED, at(11))
    verdict = check(history, Step.FINAL_POSTED, at(25))
    assert verdict.allowed
    assert verdict.refusals == verdict.warnings == ()
    assert not verdict.forced


def test_closed_needs_final_posted_and_swept():
    history = History()
    verdict = check(history, Step.CLOSED, at(25))
    assert verdict.missing == (Step.FINAL_POSTED, Step.SWEPT)
    assert [p.message for p in verdict.refusals] == [
        "closed needs final_posted first: final_posted is not recorded",
        "closed needs swept first: swept is not recorded",
    ]
    history.add(Step.SWEPT, at(20))
    assert check(history, Step.CLOSED, at(25)).missing == (Step.FINAL_POSTED,)
    history.add(Step.ANNOUNCED, at(11))
    history.add(Step.FINAL_POSTED, at(25, 9))
    assert check(history, Step.CLOSED, at(25)).allowed


def test_a_needed_step_done_only_after_the_time_given_does_not_count():
    history = History()
    history.add(Step.ANNOUNCED, at(12, 9, 30))
    verdict = check(history, Step.FINAL_POSTED, at(11, 8))
    assert verdict.missing == (Step.ANNOUNCED,)
    assert verdict.refusals[0].message == (
        "final_posted needs announced first: announced is recorded at 2027-01-12 09:30 GMT, "
        "after 2027-01-11 08:00 GMT"
    )
    # Done at the very same moment counts.
    assert check(history, Step.FINAL_POSTED, at(12, 9, 30)).allowed


def test_an_undone_needed_step_does_not_count():
    history = History()
    announced = history.add(Step.ANNOUNCED, at(11))
    history.add(Step.ANNOUNCED, at(11, 11), undo_of=announced.id)
    assert check(history, Step.FINAL_POSTED, at(25)).missing == (Step.ANNOUNCED,)


def test_steps_with_no_order_rule_are_allowed_in_any_order():
    for step in (
        Step.ANNOUNCED,
        Step.SWEPT,
        Step.ACCESS_GRANTED,
        Step.CREDENTIALS_RESET,
        Step.ARCHIVED,
    ):
        assert check(History(), step, at(26, 9)).allowed, step


def test_force_without_a_note_is_refused():
    for note in (None, "", "   \n"):
        verdict = check(History(), Step.FINAL_POSTED, at(25), force=True, note=note)
        assert not verdict.allowed
        assert [p.code for p in verdict.refusals] == [
            RecordCode.STEP_ORDER,
            RecordCode.FORCE_NEEDS_NOTE,
        ]
        assert str(RecordRefused(verdict)) == (
            "final_posted needs announced first: announced is not recorded; --force needs a "
            "--note saying why the order rule is overridden"
        )


def test_force_with_a_note_overrides_the_order_and_is_recorded_as_forced():
    verdict = check(
        History(), Step.CLOSED, at(25), force=True, note="swept by the platform's own export"
    )
    assert verdict.allowed
    assert verdict.forced
    assert verdict.missing == (Step.FINAL_POSTED, Step.SWEPT)
    assert [(p.code, p.step) for p in verdict.warnings] == [
        (RecordCode.ORDER_OVERRIDDEN, Step.FINAL_POSTED),
        (RecordCode.ORDER_OVERRIDDEN, Step.SWEPT),
    ]
    assert verdict.warnings[1].message == (
        "closed needs swept first: swept is not recorded; recorded anyway with --force, "
        "marked as forced"
    )


def test_force_when_nothing_is_overridden_is_not_marked_forced():
    history = History()
    history.add(Step.ANNOUNCED, at(11))
    verdict = check(history, Step.FINAL_POSTED, at(25), force=True, note="just in case")
    assert verdict.allowed and not verdict.forced and verdict.warnings == ()


# --- when -------------------------------------------------------------------------------------


def test_a_time_in_the_future_is_refused_even_with_force():
    later = NOW + dt.timedelta(seconds=1)
    verdict = check(History(), Step.ANNOUNCED, later, force=True, note="trust me")
    assert [p.code for p in verdict.refusals] == [RecordCode.TIME_IN_FUTURE]
    assert verdict.refusals[0].message == (
        "announced cannot be recorded at 2027-01-26 12:00 GMT: that is in the future "
        "(now 2027-01-26 12:00 GMT)"
    )
    assert check(History(), Step.ANNOUNCED, NOW).allowed


def test_recording_before_the_step_opens_is_allowed_with_a_warning():
    verdict = check(History(), Step.ANNOUNCED, at(10, 16))
    assert verdict.allowed
    assert [(p.code, p.message) for p in verdict.warnings] == [
        (
            RecordCode.BEFORE_PLAN_DATE,
            "announced is recorded at 2027-01-10 16:00 GMT, before the account's notice date 2027-01-11",
        )
    ]
    assert check(History(), Step.ANNOUNCED, at(11, 0, 0)).warnings == ()
    # swept opens on the notice date, final_posted and the later steps on the close date.
    assert check(History(), Step.SWEPT, at(11)).warnings == ()
    assert [p.code for p in check(History(), Step.ARCHIVED, at(24)).warnings] == [
        RecordCode.BEFORE_PLAN_DATE
    ]
    assert "close date 2027-01-25" in check(History(), Step.ARCHIVED, at(24)).warnings[0].message


def test_the_plan_date_of_a_moment_is_its_date_in_england():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): on the notice date, no warning.
    summer_now = dt.datetime(2027, 7, 2, tzinfo=UTC)
    moment = dt.datetime(2027, 6, 30, 23, 30, tzinfo=UTC)
    assert local_date(moment) == dt.date(2027, 7, 1)
    verdict = check_record(
        step=Step.ANNOUNCED,
        at=moment,
        now=summer_now,
        events=(),
        notice_date=dt.date(2027, 7, 1),
        close_date=dt.date(2027, 7, 15),
    )
    assert verdict.warnings == ()
    assert format_moment(moment) == "2027-07-01 00:30 BST"
    assert start_of_day(dt.date(2027, 7, 1)) == dt.datetime(2027, 6, 30, 23, tzinfo=UTC)
    assert start_of_day(dt.date(2027, 1, 11)).tzinfo is PLAN_ZONE


def test_recording_a_step_again_warns_with_the_earlier_record():
    history = History()
    history.add(Step.SWEPT, at(20), by="pc.jones")
    verdict = check(history, Step.SWEPT, at(21))
    assert verdict.allowed
    assert [(p.code, p.message) for p in verdict.warnings] == [
        (
            RecordCode.ALREADY_RECORDED,
            'swept is already recorded (event 1, by "pc.jones" at 2027-01-20 10:00 GMT); '
            "this adds another record",
        )
    ]


def test_naive_times_and_mixed_accounts_are_programming_errors():
    with pytest.raises(ValueError, match="timezone-aware"):
        check(History(), Step.ANNOUNCED, dt.datetime(2027, 1, 11, 10))
    other = Event(id=9, handle="Other", platform="x", step=Step.ANNOUNCED, by="a", at=at(11))
    history = History()
    history.add(Step.ANNOUNCED, at(11))
    history.events.append(other)
    with pytest.raises(ValueError, match="one account"):
        check(history, Step.FINAL_POSTED, at(25))


# --- undo -------------------------------------------------------------------------------------


def test_undo_cancels_the_latest_live_record_of_that_step():
    history = History()
    first = history.add(Step.SWEPT, at(20))
    history.add(Step.ANNOUNCED, at(20, 11))
    second = history.add(Step.SWEPT, at(21))
    verdict = check(history, Step.SWEPT, undo=True)
    assert verdict.allowed and verdict.undo_of == second.id
    history.add(Step.SWEPT, NOW, undo_of=second.id)
    assert check(history, Step.SWEPT, undo=True).undo_of == first.id
    history.add(Step.SWEPT, NOW, undo_of=first.id)
    verdict = check(history, Step.SWEPT, undo=True)
    assert [(p.code, p.message) for p in verdict.refusals] == [
        (
            RecordCode.NOTHING_TO_UNDO,
            "there is no record of swept to undo: every record of it is already undone",
        )
    ]


def test_undo_with_nothing_to_undo_is_refused():
    verdict = check(History(), Step.CLOSED, undo=True, force=True, note="x")
    assert not verdict.allowed and verdict.undo_of is None
    assert str(RecordRefused(verdict)) == "there is no record of closed to undo: it has no record"


def test_undo_in_the_future_is_refused():
    history = History()
    history.add(Step.SWEPT, at(20))
    verdict = check(history, Step.SWEPT, NOW + dt.timedelta(hours=1), undo=True)
    assert [p.code for p in verdict.refusals] == [RecordCode.TIME_IN_FUTURE]


def test_undoing_a_step_a_later_one_rests_on_warns():
    history = History()
    history.add(Step.ANNOUNCED, at(11))
    history.add(Step.FINAL_POSTED, at(25))
    verdict = check(history, Step.ANNOUNCED, undo=True)
    assert verdict.allowed and verdict.undo_of == 1
    assert [(p.code, p.message) for p in verdict.warnings] == [
        (
            RecordCode.UNDO_BREAKS_ORDER,
            "final_posted is still recorded (event 2) and needs announced",
        )
    ]
    # With another live record of announced left, nothing rests on the one undone.
    history.add(Step.ANNOUNCED, at(12))
    assert check(history, Step.ANNOUNCED, undo=True).warnings == ()


def test_live_events_leave_out_undos_and_what_they_cancel():
    history = History()
    a = history.add(Step.ANNOUNCED, at(11))
    b = history.add(Step.SWEPT, at(20))
    history.add(Step.SWEPT, at(21), undo_of=b.id)
    c = history.add(Step.SWEPT, at(22))
    assert live_events(reversed(history.events)) == (a, c)
    assert latest_live(history.events) == {Step.ANNOUNCED: a, Step.SWEPT: c}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from([Step.ANNOUNCED, Step.SWEPT]), st.booleans()), max_size=30)
)
def test_records_and_undos_balance(operations):
    """However records and undos interleave, a step is done exactly when it has more records than
    undos, and an undo is refused exactly when there is nothing left to undo."""
    history = History()
    balance = {Step.ANNOUNCED: 0, Step.SWEPT: 0}
    for step, undo in operations:
        verdict = check(history, step, at(20), undo=undo)
        if undo and balance[step] == 0:
            assert not verdict.allowed
            continue
        assert verdict.allowed
        history.add(step, at(20), undo_of=verdict.undo_of)
        balance[step] += -1 if undo else 1
    states = {
        s.step: s.state
        for s in step_states(
            events=history.events, notice_date=NOTICE, close_date=CLOSE, today=dt.date(2027, 1, 12)
        )
    }
    for step, count in balance.items():
        assert (states[step] is StepStatus.DONE) == (count > 0)


# --- states -----------------------------------------------------------------------------------


def states_on(history: History, today: dt.date) -> dict[str, str]:
    states = step_states(events=history.events, notice_date=NOTICE, close_date=CLOSE, today=today)
    assert [s.step for s in states] == list(Step)
    return {s.step.value: s.state.value for s in states}


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2027, 1, 10), {}),
        (dt.date(2027, 1, 11), {"announced": "due"}),
        (dt.date(2027, 1, 12), {"announced": "overdue"}),
        # Due before the Monday 25 January close: on Friday 22nd, the last working day before.
        (
            dt.date(2027, 1, 22),
            {"announced": "overdue", "swept": "due", "access_granted": "due"},
        ),
        (
            dt.date(2027, 1, 24),
            {"announced": "overdue", "swept": "overdue", "access_granted": "overdue"},
        ),
        (
            dt.date(2027, 1, 25),
            {
                "announced": "overdue",
                "swept": "overdue",
                "access_granted": "overdue",
                "final_posted": "due",
                "closed": "due",
            },
        ),
        (
            dt.date(2027, 2, 1),
            {
                "announced": "overdue",
                "swept": "overdue",
                "access_granted": "overdue",
                "final_posted": "overdue",
                "closed": "overdue",
                "credentials_reset": "due",
                "archived": "due",
            },
        ),
        (dt.date(2027, 2, 2), dict.fromkeys(STEP_NAMES, "overdue")),
    ],
)
def test_states_follow_the_due_dates(today, expected):
    assert states_on(History(), today) == {
        name: expected.get(name, "not_yet") for name in STEP_NAMES
    }


def test_a_done_step_says_by_whom_and_when_and_an_undo_reopens_it():
    history = History()
    history.add(Step.ANNOUNCED, at(11, 9), by="pc.smith")
    history.add(Step.SWEPT, at(20), by="pcso.khan")
    forced = history.add(Step.CLOSED, at(25, 15), by="sgt.lee", forced=True)
    states = step_states(
        events=history.events, notice_date=NOTICE, close_date=CLOSE, today=dt.date(2027, 1, 25)
    )
    by_step = {s.step: s for s in states}
    assert by_step[Step.ANNOUNCED].state is StepStatus.DONE
    assert by_step[Step.ANNOUNCED].by == "pc.smith"
    assert by_step[Step.ANNOUNCED].done_at == at(11, 9)
    assert by_step[Step.ANNOUNCED].due == NOTICE
    assert by_step[Step.ANNOUNCED].event_id == 1
    assert by_step[Step.CLOSED].forced and by_step[Step.CLOSED].event_id == forced.id
    assert by_step[Step.FINAL_POSTED].state is StepStatus.DUE
    assert by_step[Step.FINAL_POSTED].done_at is None and by_step[Step.FINAL_POSTED].by is None
    assert by_step[Step.ACCESS_GRANTED].state is StepStatus.OVERDUE
    assert by_step[Step.ACCESS_GRANTED].due == dt.date(2027, 1, 22)  # the Friday before
    assert by_step[Step.CREDENTIALS_RESET].due == dt.date(2027, 2, 1)
    history.add(Step.ANNOUNCED, at(25, 16), undo_of=1)
    assert states_on(history, dt.date(2027, 1, 25))["announced"] == "overdue"


def test_next_step_is_the_first_not_done():
    history = History()
    assert (
        next_step(step_states(events=(), notice_date=NOTICE, close_date=CLOSE, today=NOTICE)).step
        is Step.ANNOUNCED
    )
    for step in (Step.ANNOUNCED, Step.SWEPT):
        history.add(step, at(20))
    states = step_states(events=history.events, notice_date=NOTICE, close_date=CLOSE, today=NOTICE)
    assert next_step(states).step is Step.ACCESS_GRANTED
    for step in Step:
        history.add(step, at(26))
    states = step_states(events=history.events, notice_date=NOTICE, close_date=CLOSE, today=NOTICE)
    assert next_step(states) is None
