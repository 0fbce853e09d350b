"""The sweep document (``kind: sweep``) for the triage team: its JSON, its worklists as CSV (one
per district for ``-o DIR``, or all of them on standard output), and what every sweep format
shares: the sweep as renderers read it (``SweepView``), UK times, and message text with its
control characters shown.

A sweep's items may be millions: every renderer draws them from the view one at a time and
writes them as it goes (to standard output in chunks, into a file through a ``FileProducer``),
so that no output is ever held whole in memory."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Protocol

from nypconsol.core.progress import PLAN_ZONE
from nypconsol.render.csvfile import excel_safe

JSON_FILE = "sweep.json"
BOM = b"\xef\xbb\xbf"
PRIORITIES = ("P1", "P2", "P3", "none")
PRIORITY_NAMES = {
    "P1": "P1: risk to life or happening now",
    "P2": "P2: a crime, abuse, harassment, road danger or intelligence",
    "P3": "P3: needs a reply, not a report",
    "none": "Not flagged",
}
# Excel holds at most 32,767 characters in a cell; a longer message is cut there, and says so.
EXCEL_CELL = 32_000
CUT_NOTE = " […cut: the whole message is in sweep.json]"
LONG_NUMBER = 12  # digits from which Excel shows a number as 1.23E+11 (and past 15 loses some)
# Control characters, and the ones that reorder text on screen (a registration or a name read
# backwards), shown as escapes: line breaks and tabs stay.
_HIDDEN = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
WORKLIST_COLUMNS = (
    "priority",
    "answered",
    "sent (UK time)",
    "district",
    "account",
    "platform",
    "sender",
    "text",
    "categories",
    "cues",
    "follows",
    "attachments",
    "conversation",
    "message_id",
    "archive",
    "sent_at (UTC)",
    "sender_pseudonym",
    "outcome",
    "reviewed_by",
)


def visible(text: str) -> str:
    """``text`` with control and direction-changing characters shown as ``\\x1b``, ``\\u202e``:
    what a person wrote stays, nothing in it can move the cursor or reorder what is shown."""
    return _HIDDEN.sub(
        lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text
    )


def local_time(sent_at: str) -> str:
    """``2026-07-05T20:15:00Z`` as UK time to the minute, ``2026-07-05 21:15``."""
    moment = dt.datetime.fromisoformat(sent_at.replace("Z", "+00:00"))
    return moment.astimezone(PLAN_ZONE).strftime("%Y-%m-%d %H:%M")


def zone_name(sent_at: str) -> str:
    """``GMT`` or ``BST``: the UK's time then."""
    moment = dt.datetime.fromisoformat(sent_at.replace("Z", "+00:00"))
    return moment.astimezone(PLAN_ZONE).tzname() or "UK"


def words(category: str) -> str:
    """A category id as words: ``anti_social_behaviour`` -> ``anti social behaviour``."""
    return category.replace("_", " ")


class Entry(Protocol):
    """One line of a worklist: an item, with the follow-ups that add facts to it under it."""

    item: dict
    follow_ups: tuple[dict, ...]


class SweepView(Protocol):
    """A sweep as its renderers read it (nypconsol/sweep/stored.py ``StoredSweep``)."""

    head: dict  # the document with an empty "items" list in its place

    @property
    def districts(self) -> list[str]: ...  # every district with an archive, summary order

    def items(self) -> Iterator[dict]: ...  # every item, in the document's order

    def entries(self, district: str, priority: str | None = None) -> Iterator[Entry]: ...

    def entry_count(self, district: str, priority: str) -> int: ...

    def categories(self, district: str, priority: str) -> Counter[str]: ...


FileProducer = Callable[[IO[bytes]], None]  # writes a file's bytes into the stream it is given


def district_name(district: str) -> str:
    return "Force-wide" if district == "force" else district.replace("_", " ").title()


# --- JSON -----------------------------------------------------------------------------------------

_ITEMS = b'\n  "items": [],\n'
_ITEMS_PER_CHUNK = 256


def sweep_json(sweep: SweepView, *, width: int | None = None) -> Iterator[bytes]:
    """The document, indented as the other JSON outputs are (orjson writes json's bytes), made
    an item at a time: the same bytes as the whole document encoded at once."""
    import orjson

    head = orjson.dumps(sweep.head, option=orjson.OPT_INDENT_2)
    at = head.index(_ITEMS)  # the top level's "items" (anything nested is indented further)
    items = sweep.items()
    first = list(itertools.islice(items, _ITEMS_PER_CHUNK))
    if not first:
        yield head + b"\n"
        return
    yield head[:at] + b'\n  "items": [\n    '
    separator = b",\n    "
    chunk = first
    while chunk:
        yield separator.join(
            orjson.dumps(item, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n    ")
            for item in chunk
        )
        chunk = list(itertools.islice(items, _ITEMS_PER_CHUNK))
        if chunk:
            yield separator
    yield b"\n  ],\n" + head[at + len(_ITEMS) :] + b"\n"


def sweep_json_files(sweep: SweepView) -> dict[str, FileProducer]:
    def write(out: IO[bytes]) -> None:
        for chunk in sweep_json(sweep):
            out.write(chunk)

    return {JSON_FILE: write}


def write_text(out: IO[bytes], chunks: Iterable[str]) -> None:
    """Text chunks into a binary stream as UTF-8 (the stream is left open)."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    try:
        for chunk in chunks:
            text.write(chunk)
        text.flush()
    finally:
        text.detach()  # a wrapper closes its stream when it goes: this one is the caller's


# --- CSV --------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    text = visible(text)
    if len(text) > EXCEL_CELL:
        text = text[:EXCEL_CELL] + CUT_NOTE
    return excel_safe(text)


def _id(text: str) -> str:
    """An id as Excel keeps it: a long number (X's message and user ids have 19 digits) would
    lose its last digits or turn into 1.86E+18, so it starts with ' and stays text."""
    if len(text) >= LONG_NUMBER and text.isdigit():
        return "'" + text
    return _cell(text)


def _row(item: dict) -> list[str]:
    account = item["account"]
    return [
        item["priority"],
        "yes" if item["answered"] else "no",
        local_time(item["sent_at"]),
        account["district"],
        _cell(account["handle"]),
        account["platform"],
        _id(item["sender"]),
        _cell(item["text"]),
        "; ".join(item["categories"]),
        _cell("; ".join(item["cues"])),
        _id(item["follows"] or ""),
        ", ".join(item.get("attachments") or ()),
        _id(item["conversation"]),
        _id(item["message_id"]),
        _cell(item["archive"]),
        item["sent_at"],
        item.get("sender_pseudonym", ""),
        "",
        "",
    ]


_ROWS_PER_CHUNK = 512


def _csv_chunks(entries: Iterable[Entry]) -> Iterator[str]:
    """The worklist as CSV text, a few hundred rows at a time."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(WORKLIST_COLUMNS)
    rows = 1
    for entry in entries:
        writer.writerow(_row(entry.item))
        for follow_up in entry.follow_ups:
            writer.writerow(_row(follow_up))
        rows += 1 + len(entry.follow_ups)
        if rows >= _ROWS_PER_CHUNK:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
            rows = 0
    yield out.getvalue()


def sweep_csv(sweep: SweepView, *, width: int | None = None) -> Iterator[str]:
    """Every district's worklist in one CSV (district after district), for standard output."""
    return _csv_chunks(entry for district in sweep.districts for entry in sweep.entries(district))


def worklist_file(district: str, extension: str) -> str:
    """``craven.csv``: district ids are lower-case letters, digits, ``-`` and ``_`` (the config
    checks them), and ``sweep.json`` cannot be one of these names."""
    return f"{district}.{extension}"


def sweep_csv_files(sweep: SweepView) -> dict[str, FileProducer]:
    """``DISTRICT.csv`` for each district: UTF-8 with a byte-order mark, as Excel opens it."""

    def producer(district: str) -> FileProducer:
        def write(out: IO[bytes]) -> None:
            out.write(BOM)
            write_text(out, _csv_chunks(sweep.entries(district)))

        return write

    return {worklist_file(district, "csv"): producer(district) for district in sweep.districts}
