"""Announcement and closure dates: working days in England, notice period, waves, start date."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import MINI_CONFIG

from nypconsol.core.schedule import (
    is_working_day,
    next_working_day,
    next_working_monday,
    wave_dates,
)
from nypconsol.pipeline import InputsHaveErrors, make_plan

D = dt.date
ONE_DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (D(2027, 1, 9), "Saturday"),
        (D(2027, 1, 10), "Sunday"),
        (D(2027, 1, 1), "New Year's Day"),
        (D(2028, 1, 3), "New Year's Day substitute (1 January 2028 is a Saturday)"),
        (D(2026, 12, 25), "Christmas Day"),
        (D(2026, 12, 28), "Boxing Day substitute (26 December 2026 is a Saturday)"),
        (D(2027, 12, 27), "Christmas Day substitute (25 December 2027 is a Saturday)"),
        (D(2027, 12, 28), "Boxing Day substitute (26 December 2027 is a Sunday)"),
        (D(2027, 3, 26), "Good Friday"),
        (D(2027, 3, 29), "Easter Monday"),
        (D(2026, 4, 6), "Easter Monday"),
        (D(2027, 5, 3), "Early May bank holiday"),
        (D(2026, 5, 4), "Early May bank holiday"),
        (D(2027, 5, 31), "Spring bank holiday"),
        (D(2027, 8, 30), "Summer bank holiday (England: last Monday of August)"),
        (D(2023, 5, 8), "Coronation of King Charles III (a one-off)"),
    ],
)
def test_days_that_are_not_working_days(day, why):
    assert not is_working_day(day), why


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (D(2027, 1, 11), "an ordinary Monday"),
        (D(2027, 8, 2), "Scotland's summer bank holiday, not England's"),
        (D(2026, 1, 2), "2 January is a holiday in Scotland only"),
        (D(2026, 11, 30), "St Andrew's Day is a holiday in Scotland only"),
        (D(2027, 3, 17), "St Patrick's Day is a holiday in Northern Ireland only"),
        (D(2027, 7, 12), "Battle of the Boyne is a holiday in Northern Ireland only"),
        (D(2027, 12, 29), "the first working day after Christmas 2027"),
        (D(2027, 3, 30), "the day after Easter Monday"),
    ],
)
def test_working_days(day, why):
    assert is_working_day(day), why


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2027, 1, 11), D(2027, 1, 11)),  # already a working day
        (D(2027, 1, 9), D(2027, 1, 11)),  # Saturday -> Monday
        (D(2026, 12, 24), D(2026, 12, 24)),
        (D(2026, 12, 25), D(2026, 12, 29)),  # Christmas, weekend, Boxing Day substitute
        (D(2027, 12, 24), D(2027, 12, 24)),
        (D(2027, 12, 25), D(2027, 12, 29)),  # two substitute days
        (D(2027, 12, 31), D(2027, 12, 31)),
        (D(2028, 1, 1), D(2028, 1, 4)),  # New Year substitute
        (D(2027, 3, 26), D(2027, 3, 30)),  # Good Friday to after Easter Monday
        (D(2027, 5, 1), D(2027, 5, 4)),  # early May bank holiday weekend
    ],
)
def test_next_working_day(day, expected):
    assert next_working_day(day) == expected


@pytest.mark.parametrize(
    ("start", "wave", "gap", "notice_days", "expected"),
    [
        (D(2027, 1, 11), 0, 7, 14, (D(2027, 1, 11), D(2027, 1, 25))),
        (D(2027, 1, 11), 1, 7, 14, (D(2027, 1, 18), D(2027, 2, 1))),
        (D(2027, 1, 11), 3, 7, 14, (D(2027, 2, 1), D(2027, 2, 15))),
        (D(2027, 1, 9), 0, 7, 14, (D(2027, 1, 11), D(2027, 1, 25))),  # Saturday start
        # Closure would land on the Boxing Day substitute: the next working day.
        (D(2026, 12, 14), 0, 7, 14, (D(2026, 12, 14), D(2026, 12, 29))),
        # Closure on Christmas 2027 (a Saturday): the first working day is the 29th.
        (D(2027, 12, 11), 0, 7, 14, (D(2027, 12, 13), D(2027, 12, 29))),
        # Announcement on Good Friday moves past Easter Monday; 14 days on is a Tuesday.
        (D(2027, 3, 26), 0, 7, 14, (D(2027, 3, 30), D(2027, 4, 13))),
        # The second wave lands on Easter Monday.
        (D(2027, 3, 22), 1, 7, 14, (D(2027, 3, 30), D(2027, 4, 13))),
        # Closure on the early May bank holiday.
        (D(2027, 4, 19), 0, 7, 14, (D(2027, 4, 19), D(2027, 5, 4))),
        (D(2027, 1, 11), 0, 7, 1, (D(2027, 1, 11), D(2027, 1, 12))),
        (D(2027, 1, 15), 0, 7, 1, (D(2027, 1, 15), D(2027, 1, 18))),  # Friday + 1 -> Monday
        (D(2027, 1, 11), 2, 14, 28, (D(2027, 2, 8), D(2027, 3, 8))),
    ],
)
def test_wave_dates(start, wave, gap, notice_days, expected):
    assert wave_dates(start, wave, gap, notice_days) == expected


def test_wave_dates_rules_hold_for_every_start_day_in_three_years():
    day = D(2026, 1, 1)
    while day <= D(2028, 12, 31):
        for notice_days in (1, 14, 30):
            previous = None
            for wave in range(4):
                notice, close = wave_dates(day, wave, 7, notice_days)
                earliest = day + dt.timedelta(days=7 * wave)
                assert is_working_day(notice) and is_working_day(close), (day, wave)
                assert notice >= earliest
                assert close >= notice + dt.timedelta(days=notice_days)
                # Never later than needed: no working day is skipped over.
                assert not any(
                    is_working_day(earliest + ONE_DAY * i) for i in range((notice - earliest).days)
                )
                due = notice + dt.timedelta(days=notice_days)
                assert not any(is_working_day(due + ONE_DAY * i) for i in range((close - due).days))
                if previous is not None:
                    assert notice > previous
                previous = notice
        day += ONE_DAY


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2027, 1, 6), D(2027, 1, 11)),  # Wednesday
        (D(2027, 1, 10), D(2027, 1, 11)),  # Sunday
        (D(2027, 1, 11), D(2027, 1, 18)),  # a Monday: the next one, after today
        (D(2027, 1, 9), D(2027, 1, 11)),  # Saturday
        (D(2027, 3, 25), D(2027, 4, 5)),  # Easter Monday is skipped
        (D(2027, 4, 30), D(2027, 5, 10)),  # early May bank holiday skipped
        (D(2027, 5, 27), D(2027, 6, 7)),  # spring bank holiday skipped
        (D(2027, 12, 24), D(2028, 1, 10)),  # 27 Dec and 3 Jan are substitute holidays
        (D(2026, 12, 31), D(2027, 1, 4)),
    ],
)
def test_next_working_monday(today, expected):
    assert next_working_monday(today) == expected


def test_next_working_monday_for_every_day_of_two_years():
    today = D(2026, 1, 1)
    while today <= D(2027, 12, 31):
        monday = next_working_monday(today)
        assert monday.weekday() == 0
        assert monday > today
        assert is_working_day(monday)
        skipped = today + dt.timedelta(days=7 - today.weekday())
        while skipped < monday:
            assert not is_working_day(skipped)
            skipped += dt.timedelta(days=7)
        today += ONE_DAY


# --- dates in the plan --------------------------------------------------------------------------

INVENTORY = (
    "[\n"
    + ",\n".join(
        json.dumps(r)
        for r in [
            {"handle": "SkiptonCops", "platform": "x", "area": "Skipton"},
            {"handle": "RichmondCops", "platform": "x", "area": "Richmond"},
            {"handle": "SelbyCops", "platform": "x", "area": "Selby"},
            {"handle": "RoadsTeam", "platform": "x", "district": "force"},
            {"handle": "KeepMe", "platform": "x", "area": "Selby", "retain": "yes", "reason": "r"},
            {"handle": "Gone", "platform": "x", "area": "Selby", "status": "closed"},
        ]
    )
    + "\n]\n"
)


def dates(plan):
    return {e.account.handle: (e.action, e.wave, e.notice_date, e.close_date) for e in plan.entries}


def test_plan_uses_policy_start_and_notice_days(write, checked):
    plan = make_plan(checked(write("inv.json", INVENTORY)))
    assert (plan.start, plan.start_source, plan.notice_days) == (
        D(2027, 1, 11),
        "policy.start",
        14,
    )
    everyone = (D(2027, 1, 11), D(2027, 1, 25))
    assert dates(plan) == {
        "SkiptonCops": ("migrate", 1, *everyone),
        "RichmondCops": ("migrate", 1, *everyone),
        "SelbyCops": ("migrate", 1, *everyone),
        "RoadsTeam": ("migrate", 1, *everyone),
        "KeepMe": ("retain", None, None, None),
        "Gone": ("skip", None, None, None),
    }


def test_start_argument_overrides_the_policy(write, checked):
    plan = make_plan(checked(write("inv.json", INVENTORY)), start=D(2026, 12, 24))
    assert (plan.start, plan.start_source) == (D(2026, 12, 24), "--start")
    # 24 Dec + 14 = 7 Jan 2027, a Thursday.
    assert dates(plan)["SkiptonCops"] == ("migrate", 1, D(2026, 12, 24), D(2027, 1, 7))


def test_start_on_a_bank_holiday_announces_on_the_next_working_day(write, checked):
    plan = make_plan(checked(write("inv.json", INVENTORY)), start=D(2027, 12, 25))
    assert plan.start == D(2027, 12, 25)
    assert dates(plan)["SelbyCops"] == ("migrate", 1, D(2027, 12, 29), D(2028, 1, 12))


def test_no_start_date_uses_the_next_working_monday(write, checked):
    config = MINI_CONFIG.replace("  start: 2027-01-11\n", "")
    result = checked(write("inv.json", INVENTORY), write("c.yaml", config))
    plan = make_plan(result, today=D(2027, 12, 22))
    assert (plan.start, plan.start_source) == (D(2028, 1, 10), "next working Monday")
    assert dates(plan)["SkiptonCops"] == ("migrate", 1, D(2028, 1, 10), D(2028, 1, 24))


def test_no_start_date_is_deterministic_for_a_given_today(write, checked):
    config = MINI_CONFIG.replace("  start: 2027-01-11\n", "")
    result = checked(write("inv.json", INVENTORY), write("c.yaml", config))
    assert make_plan(result, today=D(2027, 1, 6)) == make_plan(result, today=D(2027, 1, 6))


def test_notice_days_from_the_policy(write, checked):
    config = MINI_CONFIG.replace("notice_days: 14", "notice_days: 30")
    plan = make_plan(checked(write("inv.json", INVENTORY), write("c.yaml", config)))
    assert plan.notice_days == 30
    # 11 Jan + 30 days = 10 Feb 2027, a Wednesday.
    assert dates(plan)["SkiptonCops"] == ("migrate", 1, D(2027, 1, 11), D(2027, 2, 10))


WAVES = "  waves: [[craven], [richmondshire, force], [selby]]\n  wave_gap_days: {gap}\n"


def test_waves_are_spaced_by_the_gap(write, checked):
    config = MINI_CONFIG + WAVES.format(gap=7)
    plan = make_plan(checked(write("inv.json", INVENTORY), write("c.yaml", config)))
    assert dates(plan) == {
        "SkiptonCops": ("migrate", 1, D(2027, 1, 11), D(2027, 1, 25)),
        "RichmondCops": ("migrate", 2, D(2027, 1, 18), D(2027, 2, 1)),
        "RoadsTeam": ("migrate", 2, D(2027, 1, 18), D(2027, 2, 1)),
        "SelbyCops": ("migrate", 3, D(2027, 1, 25), D(2027, 2, 8)),
        "KeepMe": ("retain", None, None, None),
        "Gone": ("skip", None, None, None),
    }


def test_waves_skip_bank_holidays(write, checked):
    config = MINI_CONFIG + WAVES.format(gap=7)
    plan = make_plan(
        checked(write("inv.json", INVENTORY), write("c.yaml", config)), start=D(2027, 3, 15)
    )
    got = dates(plan)
    assert got["SkiptonCops"] == (
        "migrate",
        1,
        D(2027, 3, 15),
        D(2027, 3, 30),
    )  # 29th: Easter Monday
    assert got["RichmondCops"] == ("migrate", 2, D(2027, 3, 22), D(2027, 4, 5))
    assert got["SelbyCops"] == ("migrate", 3, D(2027, 3, 30), D(2027, 4, 13))  # 29th again


def test_waves_must_name_every_district_and_force(write, checked):
    config = MINI_CONFIG + "  waves: [[craven], [selby]]\n"
    result = checked(write("inv.json", INVENTORY), write("c.yaml", config))
    assert [(f.code, f.file, f.line) for f in result.findings] == [("bad-config", "c.yaml", 21)]
    assert "force, richmondshire" in result.findings[0].message
    with pytest.raises(InputsHaveErrors):
        make_plan(result)


def test_waves_naming_an_unknown_district_is_bad_config(write, checked):
    config = MINI_CONFIG + "  waves: [[craven, richmondshire, selby, force], [hambleton]]\n"
    result = checked(write("inv.json", INVENTORY), write("c.yaml", config))
    assert [(f.code, f.file, f.line) for f in result.findings] == [("bad-config", "c.yaml", 21)]
    assert "'hambleton'" in result.findings[0].message


@pytest.mark.parametrize("value", ["0", "-1", "366", "fourteen", "1.5", "١٤"])
def test_notice_days_must_be_a_sensible_whole_number(write, checked, value):
    config = MINI_CONFIG.replace("notice_days: 14", f"notice_days: {value}")
    result = checked(None, write("c.yaml", config))
    assert [(f.code, f.file, f.line) for f in result.findings] == [("bad-config", "c.yaml", 20)]


def test_policy_start_that_is_not_a_date(write, checked):
    config = MINI_CONFIG.replace("start: 2027-01-11", "start: 2027-02-30")
    result = checked(None, write("c.yaml", config))
    assert [(f.code, f.file, f.line) for f in result.findings] == [("bad-date", "c.yaml", 19)]


def test_policy_start_in_uk_form(write, checked):
    config = MINI_CONFIG.replace("start: 2027-01-11", "start: 11/01/2027")
    plan = make_plan(checked(write("inv.json", INVENTORY), write("c.yaml", config)))
    assert plan.start == D(2027, 1, 11)


def test_no_plan_while_the_inputs_have_errors(write, checked):
    result = checked(
        write("inv.json", '[{"handle": "x", "platform": "myspace", "area": "Skipton"}]')
    )
    with pytest.raises(InputsHaveErrors) as raised:
        make_plan(result)
    assert [f.code for f in raised.value.findings] == ["unknown-platform"]


def test_the_plan_does_not_depend_on_the_clock_when_a_start_is_set(write, checked):
    result = checked(write("inv.json", INVENTORY))
    assert make_plan(result, today=D(2020, 1, 1)) == make_plan(result, today=D(2030, 6, 6))


def test_the_shipped_bank_holiday_table_matches_the_holidays_package():
    # A new one-off bank holiday in holidays fails here until the table is regenerated with
    # python -m nypconsol.schedule > nypconsol/data/bank-holidays-england.json
    from nypconsol.core.schedule import TABLE_YEARS, _table, holidays_of

    table = _table()
    assert sorted(map(int, table)) == list(TABLE_YEARS)
    for year in TABLE_YEARS:
        assert table[str(year)] == sorted(d.isoformat() for d in holidays_of(year)), year


def test_years_beyond_the_table_ask_the_holidays_package():
    from nypconsol.core.schedule import _table, bank_holidays, holidays_of

    assert "2099" not in _table()
    assert bank_holidays(2099) == holidays_of(2099)
    assert dt.date(2099, 12, 28) in bank_holidays(2099)  # Boxing Day is a Saturday that year


def test_an_empty_wave_is_an_error_not_a_weeks_delay(write, checked):
    config = MINI_CONFIG + "  waves: [[], [craven, richmondshire, selby, force]]\n"
    result = checked(write("inv.json", INVENTORY), write("c.yaml", config))
    assert [(f.code, f.file, f.line) for f in result.findings] == [("bad-config", "c.yaml", 21)]
    assert "wave 1 is empty" in result.findings[0].message
    with pytest.raises(InputsHaveErrors):
        make_plan(result)


def test_checklist_due_dates_fall_on_working_days():
    """A step due before the close date is due on the last working day before it (Friday for
    a Monday close, before a bank holiday too); one due after it, on a working day."""
    from nypconsol.core.steps import Step, due_date

    notice, close = D(2027, 1, 11), D(2027, 1, 25)  # Mondays
    assert due_date(Step.SWEPT, notice, close) == D(2027, 1, 22)
    assert due_date(Step.ACCESS_GRANTED, notice, close) == D(2027, 1, 22)
    assert due_date(Step.CLOSED, notice, close) == close
    assert due_date(Step.ARCHIVED, notice, close) == D(2027, 2, 1)
    # Closing on Tuesday 29 December 2026: the 28th is a bank holiday (Boxing Day, moved).
    assert due_date(Step.SWEPT, D(2026, 12, 14), D(2026, 12, 29)) == D(2026, 12, 24)
    # Seven days after a close on Friday 18 December 2026 is Christmas Day: the next working day
    # is Tuesday 29th (Boxing Day's holiday moves to Monday 28th).
    assert due_date(Step.CREDENTIALS_RESET, D(2026, 12, 4), D(2026, 12, 18)) == D(2026, 12, 29)
