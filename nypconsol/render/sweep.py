"""The sweep document (``kind: sweep``) for the triage team: its JSON, its worklists as CSV (one
per district for ``-o DIR``, or all of them on standard output), and what every sweep format
shares: the worklist order, UK times, and message text with its control characters shown."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a worklist: an item, with the follow-ups that add facts to it under it."""

    item: dict
    follow_ups: tuple[dict, ...]


def _key(item: dict, message_id: str) -> tuple[str, str, str]:
    return (item["archive"], item["conversation"], message_id)


def worklists(document: dict) -> dict[str, list[Entry]]:
    """Each district's items in the document's order (priority, then unanswered first, then
    oldest first), each follow-up under the report it adds facts to rather than in a place of
    its own; a follow-up whose report is not listed (sent before --since) keeps its place.
    Every district that had an archive is there, an empty list when it held no messages."""
    items = document["items"]
    heads = {_key(item, item["message_id"]) for item in items if item["follow_ups"]}
    follow_ups = {
        _key(item, item["message_id"]): item
        for item in items
        if item["follows"] is not None and _key(item, item["follows"]) in heads
    }
    lists: dict[str, list[Entry]] = {district: [] for district in document["summary"]["districts"]}
    for item in items:
        if item["follows"] is not None and _key(item, item["follows"]) in heads:
            continue  # listed under its report
        under = tuple(
            follow_ups[key]
            for message_id in item["follow_ups"]
            if (key := _key(item, message_id)) in follow_ups
        )
        lists.setdefault(item["account"]["district"], []).append(Entry(item, under))
    return lists


def district_name(district: str) -> str:
    return "Force-wide" if district == "force" else district.replace("_", " ").title()


# --- JSON -------------------------------------------------------------------------------------


def sweep_json(document: dict, *, width: int | None = None) -> bytes:
    """The document, indented as the other JSON outputs are (orjson writes json's bytes)."""
    import orjson

    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def sweep_json_files(document: dict) -> dict[str, bytes]:
    return {JSON_FILE: sweep_json(document)}


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


def _write_csv(entries: Iterable[Entry], out) -> None:  # type: ignore[no-untyped-def]
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(WORKLIST_COLUMNS)
    for entry in entries:
        writer.writerow(_row(entry.item))
        for follow_up in entry.follow_ups:
            writer.writerow(_row(follow_up))


def sweep_csv(document: dict, *, width: int | None = None) -> str:
    """Every district's worklist in one CSV (district after district), for standard output."""
    out = io.StringIO()
    _write_csv((entry for entries in worklists(document).values() for entry in entries), out)
    return out.getvalue()


def worklist_file(district: str, extension: str) -> str:
    """``craven.csv``: district ids are lower-case letters, digits, ``-`` and ``_`` (the config
    checks them), and ``sweep.json`` cannot be one of these names."""
    return f"{district}.{extension}"


def sweep_csv_files(document: dict) -> dict[str, bytes]:
    """``DISTRICT.csv`` for each district: UTF-8 with a byte-order mark, as Excel opens it."""
    files = {}
    for district, entries in worklists(document).items():
        buffer = io.BytesIO()
        buffer.write(BOM)
        text = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
        _write_csv(entries, text)
        text.flush()
        files[worklist_file(district, "csv")] = buffer.getvalue()
    return files
