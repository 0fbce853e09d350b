"""The files ``nypconsol notices -o DIR`` writes: every text in its district's folder, a schedule
to work through day by day (CSV and Markdown), a calendar (iCalendar) and bulk-scheduler files
for Hootsuite and Sprout Social, as {relative path: bytes} for loaders/folders.write_folder.

    craven/x-PC_Skipton_Ali.announcement.txt   one file per account and text
    schedule.csv, schedule.md                   every text: date, time, account, platform, file
    schedule.ics                                one event per post, its text in the description
    hootsuite/x-PC_Skipton_Ali.csv              no header: dd/mm/yyyy HH:MM, message, link
    sprout/x-PC_Skipton_Ali.csv                 date, time_24hr, message_text
    sprout.csv (sprout-2.csv, ...)              every post, for one import: the same columns

Schedulers post a file's rows to the profile chosen when it is uploaded, so each account has a
file of its own for each tool. Within a file, posts on the same day are spaced as the tool
requires (Hootsuite: 5-minute steps; Sprout: 10 minutes apart). An account has two posts, far
below the 350 rows either tool takes in one file. ``sprout.csv`` holds every post of the run in
posting order, at most 350 rows a file and 10 minutes apart, continued in ``sprout-2.csv`` and
so on: for review, or for a team whose Sprout workspace posts each row to its own profile.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

from nypconsol import __version__
from nypconsol.core.config import district_file_stem
from nypconsol.core.dates import british_date, uk_numeric_date
from nypconsol.core.errors import InputError
from nypconsol.core.models import NoticeSettings
from nypconsol.core.notices import Notice, NoticeKind, NoticeSet, file_stem, posting_times
from nypconsol.core.platforms import PLATFORMS
from nypconsol.render.csvfile import excel_safe
from nypconsol.render.markdown import md_escape
from nypconsol.render.notices import length_phrase, notice_heading, summary_line

SCHEDULE_COLUMNS = ("date", "time", "account", "platform", "text_kind", "file")
SPROUT_COLUMNS = ("date", "time_24hr", "message_text")
SPROUT_GAP_MINUTES = 10
SPROUT_MAX_ROWS = 350  # Sprout imports at most 350 messages at a time
HOOTSUITE_STEP_MINUTES = 5
EVENT_MINUTES = 15
TIME_ZONE = "Europe/London"


@dataclass(frozen=True, slots=True)
class ScheduledNotice:
    """A notice with the local time it is due and the file that holds its text."""

    notice: Notice
    at: dt.datetime  # local time in England
    file: str


def notice_path(notice: Notice) -> str:
    """``craven/x-PC_Skipton_Ali.announcement.txt``."""
    folder = district_file_stem(notice.district)
    return f"{folder}/{file_stem(notice.platform, notice.handle)}.{notice.kind.value}.txt"


def scheduled(notices: NoticeSet, time: dt.time) -> list[ScheduledNotice]:
    """Every notice at its day's posting time, by day (plan order within a day)."""
    return [
        ScheduledNotice(notice=notice, at=dt.datetime.combine(day, time), file=notice_path(notice))
        for day, items in notices.by_date()
        for notice in items
    ]


def notice_files(notices: NoticeSet, settings: NoticeSettings) -> dict[str, bytes]:
    """Every file of the output folder."""
    items = scheduled(notices, settings.time)
    files = {item.file: (item.notice.text + "\n").encode("utf-8") for item in items}
    files["schedule.csv"] = schedule_csv(items)
    files["schedule.md"] = schedule_markdown(items, notices).encode("utf-8")
    files["schedule.ics"] = schedule_ics(items, notices.start)
    files.update(scheduler_files(notices, settings.time))
    files.update(sprout_files(notices, settings.time))
    return files


def _csv(rows: Iterable[Iterable[object]], *, bom: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([excel_safe(cell) for cell in row])
    return ("\ufeff" if bom else "").encode("utf-8") + out.getvalue().encode("utf-8")


def schedule_csv(items: list[ScheduledNotice]) -> bytes:
    """For Excel (UTF-8 with a byte-order mark): one row per text, in the order to do them."""
    rows: list[Iterable[object]] = [SCHEDULE_COLUMNS]
    rows += [
        (
            item.at.date().isoformat(),
            item.at.strftime("%H:%M"),
            item.notice.handle,
            PLATFORMS[item.notice.platform].name,
            item.notice.kind.value,
            item.file,
        )
        for item in items
    ]
    return _csv(rows, bom=True)


def schedule_markdown(items: list[ScheduledNotice], notices: NoticeSet) -> str:
    """A checklist by day: what to do, on which account, with the file that holds the text."""
    lines = [
        "# Closure notice schedule",
        "",
        md_escape(summary_line(notices)),
        "",
        "Work through each day in order. Post every text exactly as it is in its file: each one "
        "fits its platform. Pin each announcement; after each final post, replace the profile "
        "text (bio).",
    ]
    day = None
    for item in items:
        if item.at.date() != day:
            day = item.at.date()
            lines += ["", f"## {british_date(day)}", ""]
        lines.append(
            f"- [ ] {item.at.strftime('%H:%M')} {md_escape(notice_heading(item.notice))}: "
            f"`{item.file}` ({md_escape(length_phrase(item.notice))})"
        )
    return "\n".join(lines) + "\n"


# --- the calendar ----------------------------------------------------------------------------


def schedule_ics(items: list[ScheduledNotice], start: dt.date) -> bytes:
    """One event per post (the announcement, the final post), its text in the description; the
    final post's event also holds the profile text to set. Times are UTC, so that every
    calendar shows 09:00 in England whatever its own zone. Written here rather than by the
    ``icalendar`` package, which took 8 s for 30,000 events on this project's machine (this:
    0.7 s for 17,700); the tests read the file back with ``icalendar``."""
    from zoneinfo import ZoneInfo

    england = ZoneInfo(TIME_ZONE)
    bios = {
        (item.notice.platform, item.notice.handle): item
        for item in items
        if item.notice.kind is NoticeKind.BIO
    }
    stamp = f"{start.strftime('%Y%m%d')}T000000Z"  # fixed: the same plan gives the same bytes
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//nypconsol//closure notices {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Closure notices",
    ]
    for item in items:
        notice = item.notice
        if not notice.kind.is_post:
            continue
        begins = item.at.replace(tzinfo=england).astimezone(dt.UTC)
        description = [notice.text, "", f"File: {item.file} ({length_phrase(notice)})."]
        bio = bios.get((notice.platform, notice.handle))
        if notice.kind is NoticeKind.FINAL and bio is not None:
            description += ["", "Then replace the profile text (bio) with:", bio.notice.text]
        lines += [
            "BEGIN:VEVENT",
            f"UID:{notice.kind.value}-{file_stem(notice.platform, notice.handle)}@nypconsol",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{begins.strftime('%Y%m%dT%H%M%SZ')}",
            f"DURATION:PT{EVENT_MINUTES}M",
            f"SUMMARY:{ics_text(notice_heading(notice))}",
            f"DESCRIPTION:{ics_text(chr(10).join(description))}",
            f"CATEGORIES:{ics_text(notice.district_name)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return b"".join(fold_line(line) for line in lines)


def ics_text(value: str) -> str:
    """A TEXT value as RFC 5545 writes it: backslash, semicolon, comma and line breaks escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold_line(line: str) -> bytes:
    """One content line, CRLF-ended, folded at 75 octets (a CRLF and a space before each
    continuation) without splitting a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return data + b"\r\n"
    parts = []
    start, limit = 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation byte: cut before its character
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # a continuation line starts with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


# --- bulk schedulers ---------------------------------------------------------------------------


def scheduler_files(notices: NoticeSet, time: dt.time) -> dict[str, bytes]:
    """``hootsuite/<account>.csv`` and ``sprout/<account>.csv`` for every account's posts."""
    posts: dict[tuple[str, str], list[Notice]] = {}
    for notice in notices.notices:
        if notice.kind.is_post:
            posts.setdefault((notice.platform, notice.handle), []).append(notice)
    files: dict[str, bytes] = {}
    for (platform, handle), account_posts in posts.items():
        account_posts.sort(key=lambda n: n.date)
        stem = file_stem(platform, handle)
        days = [n.date for n in account_posts]
        try:
            hoot = posting_times(days, time, HOOTSUITE_STEP_MINUTES)
            sprout = posting_times(days, time, SPROUT_GAP_MINUTES)
        except ValueError as exc:
            raise InputError(f"{PLATFORMS[platform].name} {handle}: {exc}") from None
        files[f"hootsuite/{stem}.csv"] = _csv(
            (
                (f"{uk_numeric_date(at.date())} {at.strftime('%H:%M')}", n.text, "")
                for at, n in zip(hoot, account_posts, strict=True)
            ),
            bom=False,  # the uploaders read the first cell as a date: no byte-order mark
        )
        rows: list[Iterable[object]] = [SPROUT_COLUMNS]
        rows += [
            (uk_numeric_date(at.date()), at.strftime("%H:%M"), n.text)
            for at, n in zip(sprout, account_posts, strict=True)
        ]
        files[f"sprout/{stem}.csv"] = _csv(rows, bom=False)
    return files


def sprout_files(notices: NoticeSet, time: dt.time) -> dict[str, bytes]:
    """``sprout.csv`` (then ``sprout-2.csv``, ...): every post in posting order, at most 350
    rows a file, each post at least 10 minutes after the one before it in the file. A day
    holds as many posts as fit between the posting time and midnight; the rest of that day's
    posts start the next file."""
    posts = sorted(
        (n for n in notices.notices if n.kind.is_post), key=lambda n: n.date
    )  # stable: plan order within a day
    files: list[list[tuple[dt.datetime, Notice]]] = [[]]
    for notice in posts:
        rows = files[-1]
        same_day = sum(1 for at, _ in rows if at.date() == notice.date)
        at = dt.datetime.combine(notice.date, time) + dt.timedelta(
            minutes=SPROUT_GAP_MINUTES * same_day
        )
        if len(rows) >= SPROUT_MAX_ROWS or at.date() != notice.date:
            rows = []
            files.append(rows)
            at = dt.datetime.combine(notice.date, time)
        rows.append((at, notice))
    return {
        ("sprout.csv" if number == 1 else f"sprout-{number}.csv"): _csv(
            [
                SPROUT_COLUMNS,
                *((uk_numeric_date(at.date()), at.strftime("%H:%M"), n.text) for at, n in rows),
            ],
            bom=False,
        )
        for number, rows in enumerate(files, start=1)
        if rows or number == 1
    }
