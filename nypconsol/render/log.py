"""The audit trail (``nypconsol log``), oldest first: a table for people, JSON, CSV for Excel.

Events come from the ledger; each gives its JSON record with ``log_record()`` (the keys of
issue 15, in order) and has the fields ``id``, ``handle``, ``platform``, ``step``, ``by``,
``db_user``, ``at``, ``note``, ``forced`` and ``undo_of``."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from nypconsol.core.parsing import at_handle, printable
from nypconsol.core.progress import format_moment
from nypconsol.render.csvfile import excel_safe
from nypconsol.render.data import to_json
from nypconsol.render.envelope import FORMAT_VERSION
from nypconsol.render.phrases import plural
from nypconsol.render.text import TextTable, plain_tables

LOG_COLUMNS = (
    "id",
    "handle",
    "platform",
    "step",
    "by",
    "db_user",
    "at",
    "recorded_at",
    "note",
    "forced",
    "undo_of",
    "hash",
)


def log_document(events: Sequence[Any]) -> dict:
    """``{"format_version", "kind": "log", "events": [...]}``, oldest first."""
    return {
        "format_version": FORMAT_VERSION,
        "kind": "log",
        "events": [event.log_record() for event in events],
    }


def log_json(events: Sequence[Any], *, ledger: str = "", console: object = None) -> str:
    return to_json(log_document(events))


def log_csv(events: Sequence[Any], *, ledger: str = "", console: object = None) -> str:
    """The JSON's keys as columns, one event a row, safe to open in Excel."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LOG_COLUMNS)
    for event in events:
        record = event.log_record()
        record["forced"] = "yes" if record["forced"] else "no"
        writer.writerow([excel_safe(record[column]) for column in LOG_COLUMNS])
    return out.getvalue()


def _step(event: Any) -> str:
    if event.undo_of is not None:
        return f"undo {event.step.value} (event {event.undo_of})"
    return f"{event.step.value} (forced)" if event.forced else event.step.value


def _by(event: Any) -> str:
    """Who recorded it as typed, and the database's own user when that differs."""
    if event.by == event.db_user:
        return printable(event.by)
    return f"{printable(event.by)} (as {printable(event.db_user)})"


def log_tables(events: Sequence[Any], ledger: str) -> tuple[list[TextTable], list[str]]:
    rows = [
        [
            str(event.id),
            format_moment(event.at),
            f"{at_handle(event.handle)} ({event.platform})",
            _step(event),
            _by(event),
            printable(" ".join((event.note or "").split())),
        ]
        for event in events
    ]
    columns = (
        ("Id", "right"),
        ("Done at", "left"),
        ("Account", "left"),
        ("Step", "left"),
        ("By", "left"),
        ("Note", "left"),
    )
    where = f" in the ledger {ledger}" if ledger else ""
    title = f"Audit trail{where}, oldest first"
    if not events:
        return [], [f"{title}: no events."]
    return [TextTable(title, columns, rows)], [f"{plural(len(events), 'event')}."]


def log_table(events: Sequence[Any], *, ledger: str = "", console=None) -> str:  # type: ignore[no-untyped-def]
    """At a terminal (``console``): each event as a short block that reads at 80 columns.
    Otherwise a plain table with every column, one event a line."""
    tables, lines = log_tables(events, ledger)
    if console is None:
        return plain_tables(tables, lines)
    from rich.text import Text

    where = f" in the ledger {ledger}" if ledger else ""
    console.print(f"Audit trail{where}, oldest first" + ("" if events else ": no events."))
    width = len(str(events[-1].id)) if events else 1
    for event in events:
        console.print()
        head = Text(f"{event.id:>{width}}  ")
        head.append(_step(event), style="bold")
        head.append(f"  {at_handle(event.handle)} ({event.platform})")
        console.print(head)
        indent = " " * (width + 2)
        console.print(Text(f"{indent}done {format_moment(event.at)} by {_by(event)}", style="dim"))
        if event.note:
            console.print(Text(f"{indent}note: {printable(' '.join(event.note.split()))}"))
    if events:
        console.print()
        console.print(f"{plural(len(events), 'event')}.")
    return ""
