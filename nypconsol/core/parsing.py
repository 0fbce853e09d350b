"""Parsers for the values people type into spreadsheets: counts, dates, yes/no."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

_COUNT = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+", re.ASCII)
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII)
_UK_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", re.ASCII)
_EXCEL_FLOAT = re.compile(r"([0-9]+)\.0+", re.ASCII)  # 1234.0, as spreadsheets store counts

_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0", ""})


def parse_count(text: str) -> int:
    """``1234``, ``1,234`` or ``1234.0`` -> 1234. Raises ValueError for anything else.

    ASCII digits only: ``int()`` alone would accept Arabic-Indic digits and ``1_000``.
    """
    text = text.strip()
    if _COUNT.fullmatch(text):
        return int(text.replace(",", ""))
    if match := _EXCEL_FLOAT.fullmatch(text):
        return int(match.group(1))
    raise ValueError(text)


@lru_cache(maxsize=4096)  # inventories repeat the same few hundred dates
def parse_date(text: str) -> dt.date:
    """ISO ``2026-10-01`` or UK ``01/10/2026`` -> date. Raises ValueError for anything else."""
    text = text.strip()
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := _UK_DATE.fullmatch(text):
        day, month, year = match.groups()
    else:
        # Excel cells read from XLSX arrive as "2026-10-01 00:00:00".
        head, _, tail = text.partition(" ")
        if tail == "00:00:00" and _ISO_DATE.fullmatch(head):
            return parse_date(head)
        raise ValueError(text)
    return dt.date(int(year), int(month), int(day))


FIRST_YEAR, LAST_YEAR = 2000, 2099  # plan dates outside these years are typing mistakes


def parse_start_date(text: str) -> dt.date:
    """A plan's start date: a date as parse_date reads it, in a year a plan can use."""
    day = parse_date(text)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(text)
    return day


def parse_yes_no(text: str) -> bool:
    """``yes``/``no`` (also y/n, true/false, 1/0, blank for no). Raises ValueError otherwise."""
    folded = text.strip().casefold()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ValueError(text)


def quoted(text: str, limit: int = 60) -> str:
    """A value fit to quote in a message: in quotes, on one line, control and invisible
    characters shown as escapes (never raw, so they cannot garble a terminal), and cut to
    ``limit`` characters."""
    shown = ascii_safe_repr(text)
    if len(shown) > limit + 2:
        shown = shown[: limit + 1] + "…" + shown[0]
    return shown


def ascii_safe_repr(text: str) -> str:
    """repr() of text, also escaping format characters (zero-width, right-to-left) that repr
    leaves raw."""
    import unicodedata

    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cf", "Zl", "Zp") else c
        for c in repr(text)
    )


# What a terminal must not be sent raw: control characters (escape sequences start with one;
# a carriage return alone rewrites the line) and the bidirectional overrides that can make
# text read other than it is. Tabs and line ends (LF, CR LF) stay.
_UNSAFE_ON_TERMINAL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)"
)


def terminal_safe(text: str) -> str:
    """Text fit to show, line breaks and all (a notice, a page): control and
    direction-changing characters shown as ``\\uXXXX`` (emoji joiners and other invisible
    characters that only shape text stay)."""
    return _UNSAFE_ON_TERMINAL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def printable(text: str) -> str:
    """Text safe to print in a table: control and invisible characters shown as escapes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii_safe_repr(c)[1:-1] for c in text)


def at_handle(handle: str) -> str:
    """``@Handle`` for messages; quoted with escapes when it holds anything unusual."""
    shown = "@" + handle
    return (
        shown if handle.isascii() and handle.isprintable() and len(handle) <= 60 else quoted(shown)
    )
