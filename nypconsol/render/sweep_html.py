"""The sweep's worklists as self-contained HTML (inline CSS, no script, nothing fetched), from the
autoescaped templates in ``templates/sweep/``: one page per district for ``-o DIR``, or one page
of every district on standard output."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from nypconsol import __version__
from nypconsol.core.platforms import PLATFORMS
from nypconsol.render.sweep import (
    JSON_FILE,
    PRIORITIES,
    PRIORITY_NAMES,
    Entry,
    district_name,
    local_time,
    visible,
    worklist_file,
    worklists,
    zone_name,
)

# A page lists at most this many messages that matched nothing (a browser slows to a crawl on
# hundreds of thousands); the rest are counted and named in the CSV and the JSON.
MAX_UNFLAGGED = 2000
MEANINGS = {
    "P1": "risk to life or happening now",
    "P2": "a crime, abuse disclosed, harassment, road danger or intelligence",
    "P3": "needs a reply but is not a report",
    "none": "matched nothing: still to be glanced at",
}


class Shown(NamedTuple):
    """One message as the page shows it: text ready to be escaped by the template (a named
    tuple: one is made for every message, and the template unpacks it)."""

    follow_up: bool  # listed under the report it adds facts to
    priority: str
    state: str
    state_class: str
    when: str
    account: str
    sender: str
    text: str
    attachments: str
    why_label: str
    why: str
    ref: str


class ShownEntry(NamedTuple):
    css: str  # p1, p2, p3, none
    messages: tuple[Shown, ...]  # the report first, then its follow-ups


def _platform(platform: str) -> str:
    return PLATFORMS[platform].name if platform in PLATFORMS else platform


def shown(item: dict, follow_up: bool = False) -> Shown:
    account = item["account"]
    if item["answered"]:
        state, state_class = f"Answered ({item['answered_by'] or 'yes'})", "answered"
    else:
        state, state_class = "Unanswered", "open"
    cues = visible("; ".join(item["cues"]))
    if item["categories"]:
        why_label = "Why:"
        why = ", ".join(c.replace("_", " ") for c in item["categories"]) + ". " + cues
    else:
        why_label, why = ("Cues:", cues) if cues else ("", "")
    return Shown(
        follow_up=follow_up,
        priority=item["priority"],
        state=state,
        state_class=state_class,
        when=_when(item),
        account=f"{account['handle']} on {_platform(account['platform'])}",
        sender=f"{item['sender']} ({item.get('sender_pseudonym') or 'no pseudonym'})",
        text=visible(item["text"]),
        attachments=", ".join(item.get("attachments") or ()),
        why_label=why_label,
        why=why,
        ref=visible(
            f"Conversation {item['conversation']}, message {item['message_id']}, in "
            f"{item['archive']}"
        ),
    )


def _shown_entry(entry: Entry) -> ShownEntry:
    return ShownEntry(
        css=entry.item["priority"].lower(),
        messages=(shown(entry.item), *(shown(f, True) for f in entry.follow_ups)),
    )


@dataclass(frozen=True, slots=True)
class DistrictPage:
    id: str
    name: str
    counts: dict
    archives: list[dict]
    findings: list[dict]
    entries: dict[str, list[Entry]]  # priority -> entries, in worklist order
    unflagged: int  # entries of priority none, follow-ups included
    unflagged_left_out: int


def _district_page(district: str, entries: list[Entry], document: dict) -> DistrictPage:
    archives = [a for a in document["archives"] if a["district"] == district]
    paths = {a["path"] for a in archives}
    grouped: dict[str, list[Entry]] = {level: [] for level in PRIORITIES}
    for entry in entries:
        grouped[entry.item["priority"]].append(entry)
    unflagged = sum(1 + len(e.follow_ups) for e in grouped["none"])
    shown, count = [], 0
    for entry in grouped["none"]:
        count += 1 + len(entry.follow_ups)
        if count > MAX_UNFLAGGED:
            break
        shown.append(entry)
    grouped["none"] = shown
    return DistrictPage(
        id=district,
        name=district_name(district),
        counts=document["summary"]["districts"][district],
        archives=archives,
        findings=[f for f in document.get("findings", ()) if f["archive"] in paths],
        entries=grouped,
        unflagged=unflagged,
        unflagged_left_out=unflagged - sum(1 + len(e.follow_ups) for e in shown),
    )


def _when(item: dict) -> str:
    return f"{local_time(item['sent_at'])} {zone_name(item['sent_at'])}"


def _shown_entries(entries: list[Entry]) -> Iterator[ShownEntry]:
    """Made as the page is drawn, one at a time: a big district's are never all held."""
    return (_shown_entry(entry) for entry in entries)


def _page(title: str, pages: list[DistrictPage], document: dict, more_in: str) -> bytes:
    """The page as UTF-8, written out as it is drawn."""
    from nypconsol.render.templating import render_to

    buffer = io.BytesIO()
    text = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    render_to(
        "sweep/worklist.html",
        {
            "title": title,
            "districts": pages,
            "priorities": PRIORITIES,
            "meanings": MEANINGS,
            "meanings_long": PRIORITY_NAMES,
            "since": document.get("since"),
            "version": __version__,
            "more_in": more_in,
            "number": lambda n: f"{n:,}",
            "visible": visible,
            "platform": _platform,
            "shown": _shown_entries,
        },
        text,
    )
    text.flush()
    return buffer.getvalue()


def sweep_html(document: dict, *, width: int | None = None) -> str:
    """Every district's worklist on one page (``--format html`` on standard output)."""
    pages = [_district_page(d, e, document) for d, e in worklists(document).items()]
    page = _page("every district", pages, document, "the CSV (--format csv) and the JSON")
    return page.decode("utf-8")


def sweep_html_files(document: dict) -> dict[str, bytes]:
    """``DISTRICT.html`` for each district with an archive."""
    files = {}
    for district, entries in worklists(document).items():
        page = _district_page(district, entries, document)
        more_in = f"{worklist_file(district, 'csv')} and {JSON_FILE}"
        files[worklist_file(district, "html")] = _page(page.name, [page], document, more_in)
    return files
