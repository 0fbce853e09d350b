"""The sweep at the terminal: per district the counts by priority, answered and unanswered, then
every P1 item in full and the rest as counts by category; then what each archive could not
show. Senders appear only as keyed pseudonyms, and no message text but the P1 items' is shown
(cues quote the text, so only P1 items show theirs). Plain text wrapped to a width, with every
control character shown as an escape."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

from nypconsol.core.parsing import printable
from nypconsol.core.platforms import PLATFORMS
from nypconsol.render.phrases import plural
from nypconsol.render.sweep import (
    PRIORITIES,
    Entry,
    SweepView,
    district_name,
    local_time,
    words,
    zone_name,
)

INDENT = "    "
MIN_WIDTH = 40


def _wrap(text: str, width: int, indent: str = "", later: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        width=max(width, MIN_WIDTH),
        initial_indent=indent,
        subsequent_indent=indent if later is None else later,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


def _shown(text: str) -> list[str]:
    """A message's lines as a terminal may print them: escapes for every control or invisible
    character (an ESC from the public must not reach the terminal as one)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").split("\n")
    return [printable(line.replace("\t", " ")) for line in lines]


def _when(item: dict) -> str:
    return f"{local_time(item['sent_at'])} {zone_name(item['sent_at'])}"


def _account(item: dict) -> str:
    account = item["account"]
    platform = PLATFORMS[account["platform"]].name if account["platform"] in PLATFORMS else ""
    return f"{printable(account['handle'])} on {platform or account['platform']}"


def _sender(item: dict) -> str:
    return item.get("sender_pseudonym") or "a sender"


def _p1_lines(entry: Entry, number: int, width: int) -> list[str]:
    item = entry.item
    state = "answered" if item["answered"] else "UNANSWERED"
    lines = _wrap(f"[{number}] {state}, {_when(item)}", width, "  ", INDENT)
    lines += _wrap(f"{_account(item)}, from {_sender(item)}", width, INDENT)
    for line in _shown(item["text"]) if item["text"] else ["(no text)"]:
        lines += _wrap(line, width, INDENT)
    if item.get("attachments"):
        lines += _wrap(f"With: {', '.join(item['attachments'])}", width, INDENT)
    lines += _wrap("Why: " + printable("; ".join(item["cues"])), width, INDENT, INDENT + "  ")
    for follow_up in entry.follow_ups:
        lines += _wrap(
            f"Follow-up, {_when(follow_up)}, from {_sender(follow_up)}:", width, INDENT + "+ "
        )
        for line in _shown(follow_up["text"]) if follow_up["text"] else ["(no text)"]:
            lines += _wrap(line, width, INDENT + "  ")
    return lines


def _count_table(counts: dict) -> list[str]:
    lines = ["  Priority   Unanswered    Answered"]
    for level in PRIORITIES:
        row = counts[level]
        lines.append(f"  {level:<8} {row['unanswered']:>12,} {row['answered']:>11,}")
    return lines


def _by_category(sweep: SweepView, district: str, level: str) -> tuple[int, int, str]:
    """How many items of this priority (follow-ups included), how many unanswered, and the
    count of each first category: no words from the messages, which cues would quote."""
    row = sweep.head["summary"]["districts"][district][level]
    categories = sweep.categories(district, level)
    shown = ", ".join(f"{words(c)} {n:,}" for c, n in sorted(categories.items(), key=_most))
    return row["answered"] + row["unanswered"], row["unanswered"], shown


def _most(pair: tuple[str, int]) -> tuple[int, str]:
    return (-pair[1], pair[0])


_P1_PER_CHUNK = 256  # P1 items drawn before their lines are written out


def _district(district: str, sweep: SweepView, width: int) -> Iterator[list[str]]:
    """A district's lines, in groups (never empty) as its P1 items are drawn: a large sweep's
    summary is never held whole."""
    document = sweep.head
    archives = [a for a in document["archives"] if a["district"] == district]
    lines = [f"{district_name(district)}: {plural(len(archives), 'archive')}"]
    counts = document["summary"]["districts"][district]
    lines += _count_table(counts)
    p1 = sweep.entry_count(district, "P1")
    if p1:
        lines += ["", f"  P1, in full ({plural(p1, 'report')}, unanswered first):"]
        for number, entry in enumerate(sweep.entries(district, "P1"), 1):
            lines += _p1_lines(entry, number, width)
            if number % _P1_PER_CHUNK == 0:
                yield lines
                lines = []
    for level, name in (("P2", "P2"), ("P3", "P3")):
        total, unanswered, shown = _by_category(sweep, district, level)
        if total:
            text = f"{name}: {total:,} ({unanswered:,} unanswered): {shown}"
            lines += _wrap(text, width, "  ", INDENT)
    total, unanswered, _ = _by_category(sweep, district, "none")
    if total:
        text = (
            f"Not flagged: {total:,} ({unanswered:,} unanswered). Nothing is dismissed: they "
            "are in the worklist for a person to glance at."
        )
        lines += _wrap(text, width, "  ", INDENT)
    if not any(row["answered"] + row["unanswered"] for row in counts.values()):
        lines.append("  No messages from the public.")
    if lines:
        yield lines


def not_covered_lines(document: dict, width: int) -> list[str]:
    """What each archive read could not show, and each archive that could not be read at all."""
    lines = _wrap("Not covered: check these another way before the accounts close.", width)
    for archive in document["archives"]:
        platform = PLATFORMS[archive["platform"]].name
        head = (
            f"{printable(archive['path'])} ({printable(archive['account'])} on {platform}, "
            f"{district_name(archive['district'])})"
        )
        if not archive.get("complete", True):
            head += ": not all of it could be read (see the findings)"
        lines += _wrap(head, width, "  ", INDENT)
        for gap in archive["not_covered"]:
            lines += _wrap(f"- {gap}", width, INDENT, INDENT + "  ")
    failed = sorted(
        {
            finding["archive"]
            for finding in document.get("findings", ())
            if finding["severity"] == "error"
        }
        - {archive["path"] for archive in document["archives"]}
    )
    for path in failed:
        lines += _wrap(
            f"{printable(path)}: not read at all (see the findings)", width, "  ", INDENT
        )
    return lines


def headline(document: dict) -> str:
    archives = document["archives"]
    summary = document["summary"]
    conversations = sum(a["conversations"] for a in archives)
    firsts = [a["first"] for a in archives if a["first"]]
    lasts = [a["last"] for a in archives if a["last"]]
    span = f", {min(firsts)[:10]} to {max(lasts)[:10]}" if firsts and lasts else ""
    text = (
        f"Swept {plural(len(archives), 'archive')}: {plural(summary['items'], 'message')} from "
        f"the public in {plural(conversations, 'conversation')}{span}."
    )
    if summary.get("before_since"):
        text += f" {summary['before_since']:,} sent before {document['since']} are left out."
    return text


def sweep_summary(sweep: SweepView, *, width: int | None = None) -> Iterator[str]:
    """The sweep for a person at a terminal (``--format table``), a district at a time."""
    width = width or 80
    document = sweep.head
    lines = _wrap(headline(document), width)
    unanswered = document["summary"]["unanswered_reports"]
    lines += _wrap(
        f"Unanswered reports (P1 and P2): {unanswered:,}. Times are UK time; senders are shown "
        "as keyed pseudonyms (s-...).",
        width,
    )
    yield "\n".join(lines)
    for district in sweep.districts:
        between = "\n\n"  # districts apart by a blank line; a district's groups are lines on
        for lines in _district(district, sweep, width):
            yield between + "\n".join(lines)
            between = "\n"
    yield "\n\n" + "\n".join(not_covered_lines(document, width)) + "\n"
