"""The core of record and status, without a database: moments typed for --at, the account a
person names, and the status report built from a plan and ledger events."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nypconsol.core.lookup import UnknownAccount, find_account
from nypconsol.core.moments import parse_moment
from nypconsol.core.plan import make_plan
from nypconsol.core.progress import Event, StepStatus
from nypconsol.core.status import build_status, ledger_states, match_events, status_summary
from nypconsol.core.steps import STEP_NAMES, Step

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 7, 1, 12, 0, tzinfo=dt.UTC)

INVENTORY = """\
handle,platform,area,status
SkiptonCops,x,Skipton,active
SkiptonCops,facebook,Skipton,closed
Settle.Beat,facebook,Settle,active
LeyburnBeat,x,Leyburn,active
SelbyPolice,x,Selby,active
"""


@pytest.fixture
def plan(write, checked):  # type: ignore[no-untyped-def]
    write("inventory.csv", INVENTORY)
    return make_plan(checked("inventory.csv"), dt.date(2027, 1, 11))


def event(
    number: int, handle: str, step: Step, *, undo_of: int | None = None, platform: str = "x"
) -> Event:
    return Event(
        id=number,
        handle=handle,
        platform=platform,
        step=step,
        by="pc.smith",
        at=dt.datetime(2027, 1, 11, 9, number, tzinfo=dt.UTC),
        undo_of=undo_of,
    )


# --- --at -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-01-11 09:30", dt.datetime(2027, 1, 11, 9, 30, tzinfo=LONDON)),
        ("2027-07-11T09:30", dt.datetime(2027, 7, 11, 9, 30, tzinfo=LONDON)),  # BST
        ("11/01/2027 09:30", dt.datetime(2027, 1, 11, 9, 30, tzinfo=LONDON)),
        ("2027-01-11 09:30:15.25", dt.datetime(2027, 1, 11, 9, 30, 15, 250000, tzinfo=LONDON)),
        ("2027-01-11T09:30Z", dt.datetime(2027, 1, 11, 9, 30, tzinfo=dt.UTC)),
        (
            "2027-01-11T09:30:00-05:00",
            dt.datetime(2027, 1, 11, 14, 30, tzinfo=dt.UTC),
        ),
        ("  08:15 ", dt.datetime(2027, 7, 1, 8, 15, tzinfo=LONDON)),  # today, by NOW in England
    ],
)
def test_moments_people_type(text, expected):
    moment = parse_moment(text, now=NOW)
    assert moment == expected and moment.utcoffset() is not None


def test_summer_time_is_an_hour_ahead_of_utc():
    assert parse_moment("2027-07-11 09:30", now=NOW).astimezone(dt.UTC).hour == 8
    assert parse_moment("2027-01-11 09:30", now=NOW).astimezone(dt.UTC).hour == 9


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-01-11", "'2027-01-11' is not a date and time: give a time too"),
        ("11/01/2027", "'11/01/2027' is not a date and time: give a time too"),
        ("noon", "'noon' is not a date and time: write it like 2027-01-11 09:30, "),
        ("2027-13-01 09:00", "'2027-13-01 09:00' is not a real date"),
        ("2027-01-11 09:60", "'2027-01-11 09:60' is not a real time of day"),
        ("2100-01-11 09:00", "'2100-01-11 09:00' is outside the years 2000 to 2099"),
        ("2027-01-11 09:00+25:00", "the offset +25:00 is not a valid time zone offset"),
        ("2027-01-11 09:00\x1b[2J", "'2027-01-11 09:00\\x1b[2J' is not a date and time"),
    ],
)
def test_moments_that_are_not_accepted(text, message):
    with pytest.raises(ValueError) as caught:
        parse_moment(text, now=NOW)
    assert str(caught.value).startswith(message)


# --- the account and districts named -----------------------------------------------------


def test_a_handle_is_found_as_its_platform_compares_handles(plan):
    assert find_account(plan, "@skiptoncops").account.platform == "x"  # Facebook's is closed
    assert find_account(plan, "settlebeat").account.handle == "Settle.Beat"
    assert find_account(plan, "SETTLE.BEAT", "Facebook").account.platform == "facebook"
    with pytest.raises(UnknownAccount, match="did you mean @LeyburnBeat \\(x\\)"):
        find_account(plan, "LeyburnBeet")


# --- the status report ---------------------------------------------------------------------


def test_each_step_is_done_due_overdue_or_not_yet(plan):
    events = {
        ("SkiptonCops", "x"): [
            event(1, "SkiptonCops", Step.ANNOUNCED),
            event(2, "SkiptonCops", Step.SWEPT),
        ],
    }
    close = find_account(plan, "SkiptonCops").close_date
    report = build_status(plan, events, today=close)
    skipton = next(a for a in report.accounts if a.handle == "SkiptonCops")
    assert [s.step for s in skipton.steps] == list(STEP_NAMES)
    assert [s.state for s in skipton.steps] == [
        StepStatus.DONE,
        StepStatus.DONE,
        StepStatus.OVERDUE,
        StepStatus.DUE,
        StepStatus.DUE,
        StepStatus.NOT_YET,
        StepStatus.NOT_YET,
    ]
    assert skipton.steps[0].by == "pc.smith" and skipton.steps[0].event_id == 1
    assert (skipton.source_file, skipton.source_line) == ("inventory.csv", 2)


def test_an_undo_reopens_the_step(plan):
    events = {
        ("SkiptonCops", "x"): [
            event(1, "SkiptonCops", Step.ANNOUNCED),
            event(2, "SkiptonCops", Step.ANNOUNCED, undo_of=1),
        ],
    }
    report = build_status(plan, events, today=dt.date(2027, 1, 11))
    skipton = next(a for a in report.accounts if a.handle == "SkiptonCops")
    assert skipton.steps[0].state is StepStatus.DUE


def test_events_are_matched_as_the_platform_compares_handles(plan):
    events = {
        ("skiptoncops", "x"): [event(1, "skiptoncops", Step.ANNOUNCED)],
        ("SKIPTONCOPS", "x"): [event(3, "SKIPTONCOPS", Step.SWEPT)],
        ("settle.beat", "facebook"): [event(2, "settle.beat", Step.ANNOUNCED, platform="facebook")],
        ("SkiptonCops", "facebook"): [event(4, "SkiptonCops", Step.ANNOUNCED, platform="facebook")],
        ("Gone", "x"): [event(5, "Gone", Step.ANNOUNCED)],
    }
    matched, unmatched = match_events(plan.entries, events)
    assert [(e.id, e.handle) for e in matched[("x", "skiptoncops")]] == [
        (1, "SkiptonCops"),
        (3, "SkiptonCops"),
    ]
    assert [e.handle for e in matched[("facebook", "settlebeat")]] == ["Settle.Beat"]
    assert unmatched == 2  # the closed Facebook account's, and Gone's
    report = build_status(plan, events, today=dt.date(2027, 1, 11))
    assert report.unmatched_events == 2


def test_districts_chosen_and_the_summary(plan):
    events = {("LeyburnBeat", "x"): [event(1, "LeyburnBeat", Step.ANNOUNCED)]}
    report = build_status(plan, events, today=dt.date(2027, 1, 11), districts=["richmondshire"])
    assert [a.handle for a in report.accounts] == ["LeyburnBeat"]
    summary = status_summary(report)
    assert summary["accounts"] == 1 and summary["done"] == 1 and summary["not_yet"] == 6
    assert summary["districts"] == {
        "richmondshire": {
            "name": "Richmondshire",
            "accounts": 1,
            "accounts_complete": 0,
            "steps": 7,
            "done": 1,
            "due": 0,
            "overdue": 0,
            "not_yet": 6,
        }
    }
    everyone = build_status(plan, {}, today=dt.date(2027, 1, 11))
    assert [d.id for d in everyone.districts] == ["craven", "richmondshire", "selby"]
    assert status_summary(everyone)["by_step"]["announced"] == {
        "done": 0,
        "due": 4,
        "overdue": 0,
        "not_yet": 0,
    }


def test_attention_is_longest_waiting_first_then_plan_order(plan):
    report = build_status(plan, {}, today=dt.date(2027, 2, 15))
    overdue = report.attention(StepStatus.OVERDUE)
    dues = [step.due for _, step in overdue]
    assert dues == sorted(dues)
    assert overdue[0][1].step is Step.ANNOUNCED


def test_ledger_states_for_the_handover_reports(plan):
    events = {("SkiptonCops", "x"): [event(1, "SkiptonCops", Step.ANNOUNCED)]}
    states = ledger_states(plan, events, today=dt.date(2027, 1, 12))
    assert sorted(states) == [
        ("facebook", "Settle.Beat"),
        ("x", "LeyburnBeat"),
        ("x", "SelbyPolice"),
        ("x", "SkiptonCops"),
    ]
    skipton = states[("x", "SkiptonCops")]
    assert list(skipton) == [Step(name) for name in STEP_NAMES]
    assert skipton[Step.ANNOUNCED].state is StepStatus.DONE
    assert skipton[Step.ANNOUNCED].done_at == events[("SkiptonCops", "x")][0].at
    assert states[("x", "LeyburnBeat")][Step.ANNOUNCED].state is StepStatus.OVERDUE


def test_the_report_is_frozen(plan):
    report = build_status(plan, {}, today=dt.date(2027, 1, 11))
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.today = dt.date(2027, 1, 12)  # type: ignore[misc]
