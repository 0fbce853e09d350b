"""Working days in England (no weekends, no bank holidays) and the announcement/closure dates."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England's bank holidays in a year, including one-off ones, from the holidays package."""
    # Importing the one country module is several times faster than ``import holidays``.
    from holidays.countries.united_kingdom import UnitedKingdom

    return frozenset(UnitedKingdom(subdiv="ENG", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """The day itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
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
