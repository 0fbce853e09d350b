"""The sweep's worklists as self-contained HTML (inline CSS, no script, nothing fetched), from the
autoescaped templates in ``templates/sweep/``: one page per district for ``-o DIR``, or one page
of every district on standard output."""

from __future__ import annotations

from dataclasses import dataclass

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


def _page(title: str, pages: list[DistrictPage], document: dict, more_in: str) -> str:
    from nypconsol.render.templating import render

    return render(
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
            "when": _when,
            "visible": visible,
            "platform": lambda p: PLATFORMS[p].name if p in PLATFORMS else p,
        },
    )


def sweep_html(document: dict, *, width: int | None = None) -> str:
    """Every district's worklist on one page (``--format html`` on standard output)."""
    pages = [_district_page(d, e, document) for d, e in worklists(document).items()]
    return _page("every district", pages, document, "the CSV (--format csv) and the JSON")


def sweep_html_files(document: dict) -> dict[str, bytes]:
    """``DISTRICT.html`` for each district with an archive."""
    files = {}
    for district, entries in worklists(document).items():
        page = _district_page(district, entries, document)
        more_in = f"{worklist_file(district, 'csv')} and {JSON_FILE}"
        files[worklist_file(district, "html")] = _page(page.name, [page], document, more_in).encode(
            "utf-8"
        )
    return files
