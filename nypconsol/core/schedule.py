"""Working days in England (no weekends, no bank holidays) and the announcement/closure dates.

The ``holidays`` package is the source of truth for bank holidays, one-off ones included. Its
import costs over 100 ms (it loads every country's module), more than the rest of a small plan,
so its answers for the years plans use are shipped as a table, ``data/bank-holidays-england.json``,
and ``holidays`` itself is asked only for other years. A test checks the table against the
installed ``holidays`` year by year, so a newly announced bank holiday fails CI until the table
is regenerated: ``python -m nypconsol.core.schedule > nypconsol/data/bank-holidays-england.json``.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path

ONE_DAY = dt.timedelta(days=1)
TABLE = Path(__file__).resolve().parents[1] / "data" / "bank-holidays-england.json"
TABLE_YEARS = range(2000, 2061)


@lru_cache(maxsize=1)
def _table() -> dict[str, list[str]]:
    return json.loads(TABLE.read_text(encoding="utf-8"))["years"]


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England's bank holidays in a year, including one-off ones."""
    days = _table().get(str(year))
    if days is None:
        return holidays_of(year)
    return frozenset(map(dt.date.fromisoformat, days))


def holidays_of(year: int) -> frozenset[dt.date]:
    """Ask the holidays package itself."""
    from holidays.countries.united_kingdom import UnitedKingdom

    return frozenset(UnitedKingdom(subdiv="ENG", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """The day itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def previous_working_day(day: dt.date) -> dt.date:
    """The day itself if it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= ONE_DAY
    return day


def next_working_monday(today: dt.date) -> dt.date:
    """The first Monday after today that is a working day (used when no start date is set)."""
    day = today + dt.timedelta(days=7 - today.weekday())
    while not is_working_day(day):
        day += dt.timedelta(days=7)
    return day


def wave_dates(
    start: dt.date, wave: int, gap_days: int, notice_days: int
) -> tuple[dt.date, dt.date]:
    """Announcement and closure dates for a wave (0-based): both on working days, and the
    closure at least ``notice_days`` calendar days after the announcement."""
    notice = next_working_day(start + dt.timedelta(days=wave * gap_days))
    close = next_working_day(notice + dt.timedelta(days=notice_days))
    return notice, close


def table_from_holidays() -> dict:
    """The shipped table, as the installed holidays package gives it."""
    from importlib.metadata import version

    return {
        "source": f"holidays {version('holidays')}: UnitedKingdom(subdiv='ENG')",
        "years": {
            str(year): sorted(day.isoformat() for day in holidays_of(year)) for year in TABLE_YEARS
        },
    }


if __name__ == "__main__":
    print(json.dumps(table_from_holidays(), indent=1))
