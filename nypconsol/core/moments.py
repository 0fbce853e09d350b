"""Moments people type for ``record --at``: a date and a time (ISO or UK), or a time today,
read in England's time unless an offset is given."""

from __future__ import annotations

import datetime as dt
import re

from nypconsol.core.parsing import FIRST_YEAR, LAST_YEAR, parse_date, quoted
from nypconsol.core.progress import PLAN_ZONE

_TIME = r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,6}))?)?"
_OFFSET = r"(?P<offset>Z|[+-][0-9]{2}:?[0-9]{2})?"
_MOMENT = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4})[T ]\s*"
    + _TIME
    + r"\s*"
    + _OFFSET,
    re.ASCII,
)
_TIME_ONLY = re.compile(_TIME + r"\s*" + _OFFSET, re.ASCII)
EXAMPLES = "2027-01-11 09:30, 11/01/2027 09:30, 2027-01-11T09:30:00Z or 09:30 (today)"


def parse_moment(text: str, *, now: dt.datetime) -> dt.datetime:
    """The moment ``text`` names, timezone-aware: a date with a time (``2027-01-11 09:30``,
    ``2027-01-11T09:30:15+01:00``, ``11/01/2027 09:30``) or a time alone (today, by ``now``'s
    date in England). Without an offset the time is England's (GMT or BST). Raises ValueError
    with a message saying what is accepted."""
    text = text.strip()
    if match := _MOMENT.fullmatch(text):
        try:
            day = parse_date(match["date"])
        except ValueError:
            raise ValueError(_problem(text, "is not a real date")) from None
    elif match := _TIME_ONLY.fullmatch(text):
        day = now.astimezone(PLAN_ZONE).date()
    else:
        hint = "give a time too" if _is_date(text) else f"write it like {EXAMPLES}"
        raise ValueError(_problem(text, f"is not a date and time: {hint}"))
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(_problem(text, f"is outside the years {FIRST_YEAR} to {LAST_YEAR}"))
    fraction = (match["fraction"] or "").ljust(6, "0")
    try:
        clock = dt.time(
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"] or 0),
            int(fraction or 0),
        )
    except ValueError:
        raise ValueError(_problem(text, "is not a real time of day")) from None
    return dt.datetime.combine(day, clock, tzinfo=_zone(match["offset"]))


def _zone(offset: str | None) -> dt.tzinfo:
    if not offset:
        return PLAN_ZONE
    if offset == "Z":
        return dt.UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError(f"the offset {offset} is not a valid time zone offset")
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _is_date(text: str) -> bool:
    try:
        parse_date(text)
    except ValueError:
        return False
    return True


def _problem(text: str, what: str) -> str:
    return f"{quoted(text)} {what}"
