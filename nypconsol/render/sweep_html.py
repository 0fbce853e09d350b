"""The sweep's worklists as self-contained HTML (inline CSS, no script, nothing fetched), from the
autoescaped templates in ``templates/sweep/``: one page per district for ``-o DIR``, or one page
of every district on standard output."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, NamedTuple

from nypconsol import __version__
from nypconsol.core.platforms import PLATFORMS
from nypconsol.render.sweep import (
    JSON_FILE,
    PRIORITIES,
    PRIORITY_NAMES,
    Entry,
    FileProducer,
    SweepView,
    district_name,
    local_time,
    visible,
    worklist_file,
    write_text,
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


class Group:
    """The entries of one priority on a district's page, drawn from the sweep as the page is
    drawn (never held); true when there is at least one. ``limit`` caps the messages listed,
    follow-ups included."""

    def __init__(self, sweep: SweepView, district: str, priority: str, limit: int | None = None):
        self._sweep, self._district, self._priority = sweep, district, priority
        self._limit = limit

    def __bool__(self) -> bool:
        if self._limit is not None and self._limit < 1:
            return False
        return self._sweep.entry_count(self._district, self._priority) > 0

    def __iter__(self) -> Iterator[Entry]:
        count = 0
        for entry in self._sweep.entries(self._district, self._priority):
            count += 1 + len(entry.follow_ups)
            if self._limit is not None and count > self._limit:
                return
            yield entry


@dataclass(frozen=True, slots=True)
class DistrictPage:
    id: str
    name: str
    counts: dict
    archives: list[dict]
    findings: list[dict]
    entries: dict[str, Group]  # priority -> its entries, in worklist order
    unflagged: int  # messages of priority none, follow-ups included
    unflagged_left_out: int


def _district_page(district: str, sweep: SweepView) -> DistrictPage:
    head = sweep.head
    archives = [a for a in head["archives"] if a["district"] == district]
    paths = {a["path"] for a in archives}
    counts = head["summary"]["districts"][district]
    # Messages that matched nothing are never follow-ups, nor have any (only P1 and P2 reports
    # do), so the page lists the first MAX_UNFLAGGED of them and counts the rest.
    unflagged = counts["none"]["answered"] + counts["none"]["unanswered"]
    entries = {level: Group(sweep, district, level) for level in PRIORITIES}
    entries["none"] = Group(sweep, district, "none", MAX_UNFLAGGED)
    return DistrictPage(
        id=district,
        name=district_name(district),
        counts=counts,
        archives=archives,
        findings=[f for f in head.get("findings", ()) if f["archive"] in paths],
        entries=entries,
        unflagged=unflagged,
        unflagged_left_out=max(0, unflagged - MAX_UNFLAGGED),
    )


def _when(item: dict) -> str:
    return f"{local_time(item['sent_at'])} {zone_name(item['sent_at'])}"


def _shown_entries(entries: Iterable[Entry]) -> Iterator[ShownEntry]:
    """Made as the page is drawn, one at a time: a big district's are never all held."""
    return (_shown_entry(entry) for entry in entries)


def _page(
    title: str, pages: Iterable[DistrictPage], sweep: SweepView, more_in: str
) -> Iterator[str]:
    """The page, a piece at a time as it is drawn."""
    from nypconsol.render.templating import render_pieces

    return render_pieces(
        "sweep/worklist.html",
        {
            "title": title,
            "districts": pages,
            "priorities": PRIORITIES,
            "meanings": MEANINGS,
            "meanings_long": PRIORITY_NAMES,
            "since": sweep.head.get("since"),
            "version": __version__,
            "more_in": more_in,
            "number": lambda n: f"{n:,}",
            "visible": visible,
            "platform": _platform,
            "shown": _shown_entries,
        },
    )


def sweep_html(sweep: SweepView, *, width: int | None = None) -> Iterator[str]:
    """Every district's worklist on one page (``--format html`` on standard output)."""
    pages = [_district_page(district, sweep) for district in sweep.districts]
    return _page("every district", pages, sweep, "the CSV (--format csv) and the JSON")


def sweep_html_files(sweep: SweepView) -> dict[str, FileProducer]:
    """``DISTRICT.html`` for each district with an archive."""

    def producer(district: str) -> FileProducer:
        def write(out: IO[bytes]) -> None:
            page = _district_page(district, sweep)
            more_in = f"{worklist_file(district, 'csv')} and {JSON_FILE}"
            write_text(out, _page(page.name, [page], sweep, more_in))

        return write

    return {worklist_file(district, "html"): producer(district) for district in sweep.districts}
