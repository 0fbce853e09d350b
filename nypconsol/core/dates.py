"""Dates written the way people in Britain read them: ``Monday 11 January 2027``, ``11/01/2027``.

The names are spelt out here rather than taken from ``strftime``, whose ``%A`` and ``%B``
follow the machine's locale: the same plan must give the same words on every machine.
"""

from __future__ import annotations

import datetime as dt

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def british_date(day: dt.date) -> str:
    """``Monday 11 January 2027``: weekday, day without a leading zero, month, year."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def uk_numeric_date(day: dt.date) -> str:
    """``11/01/2027``: day, month and year as a UK spreadsheet or scheduler reads them."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
