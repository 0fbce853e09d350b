"""The terminal: a rich console that never reads user text as markup, and the plan and the
district mapping drawn to fit its width (render/fit.py decides the columns).

At a terminal the plan is grouped by district, a heading per district; reasons and notes are
numbered under each district's table; dates shared by a whole district are said once in its
heading. Columns are dropped, when they cannot all fit, in the order of ``ACCOUNT_SPECS`` and
``DISTRICT_SPECS`` (``drop``), and the screen says which. Every text from the inputs is shown
with control characters escaped (``\\x1b``), so it can never act on the terminal.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import IO

from nypconsol.core.models import Action, Plan, PlanEntry
from nypconsol.core.parsing import printable
from nypconsol.core.plan import plan_summary
from nypconsol.render.fit import ColumnSpec, Give, Layout, fit_columns
from nypconsol.render.phrases import outcome_sentence, plural
from nypconsol.render.rows import district_rows
from nypconsol.render.text import MAX_TABLE_ROWS, TextTable

# The account table at a terminal. Drop order when the columns cannot all fit: Followers,
# Owner, Platform, Close, Announce, Moves to; Handle and Action are always shown.
ACCOUNT_SPECS = {
    "handle": ColumnSpec("Handle"),
    "platform": ColumnSpec("Platform", drop=3),
    "action": ColumnSpec("Action"),
    "target": ColumnSpec("Moves to", drop=6),
    "notice": ColumnSpec("Announce", drop=5),
    "close": ColumnSpec("Close", drop=4),
    "followers": ColumnSpec("Followers", "right", drop=1),
    "owner": ColumnSpec("Owner", give=Give.SHORTEN, drop=2),
}
# The summary by district. Drop order: Accounts (the sum of the next three), Skip, Retain,
# Close, Announce; District, Migrate and Followers to redirect are always shown.
DISTRICT_SPECS = {
    "district": ColumnSpec("District", give=Give.WRAP),
    "accounts": ColumnSpec("Accounts", "right", drop=1),
    "migrate": ColumnSpec("Migrate", "right"),
    "retain": ColumnSpec("Retain", "right", drop=3),
    "skip": ColumnSpec("Skip", "right", drop=2),
    "followers": ColumnSpec("Followers to redirect", "right"),
    "notice": ColumnSpec("Announce", drop=5),
    "close": ColumnSpec("Close", drop=4),
}
MORE = "widen the terminal, or write the plan with --format csv -o plan.csv"


def make_console(file: IO[str] | None = None, *, no_color: bool = False, width: int | None = None):  # type: ignore[no-untyped-def]
    """A console that never reads user text as markup, emoji codes or highlights.

    --no-color, NO_COLOR and TERM=dumb turn off every style, bold included (rich alone would
    drop only the colours).
    """
    from rich.console import Console

    plain = no_color or bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"
    return Console(
        file=file,
        markup=False,
        emoji=False,
        highlight=False,
        no_color=plain or None,
        color_system=None if plain else "auto",
        width=width,
        soft_wrap=False,
    )


def shown(text: object) -> str:
    """User text as one line with every control character made visible."""
    return printable(" ".join(str(text).split()))


# --- drawing ---------------------------------------------------------------------------------


def _cell(text: str, give: Give):  # type: ignore[no-untyped-def]
    from rich.text import Text

    if give is Give.KEEP:  # as wide as its widest value: nothing is ever cropped
        return Text(text, no_wrap=True, overflow="crop")
    if give is Give.WRAP:  # at spaces; no word is wider than the column
        return Text(text, no_wrap=False, overflow="fold")
    return Text(text, no_wrap=True, overflow="ellipsis")


def draw_table(
    console,  # type: ignore[no-untyped-def]
    specs: list[ColumnSpec],
    rows: list[list[str]],
    layout: Layout,
    title: str | None = None,
    styles: list[str | None] | None = None,
) -> None:
    """Rows (already made printable) drawn in the columns and widths ``layout`` chose, each
    column in its style from ``styles`` (by column) when given."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    for index, width in zip(layout.kept, layout.widths, strict=True):
        spec = specs[index]
        header = Text(spec.header, no_wrap=False, overflow="fold")
        style = styles[index] if styles else None
        table.add_column(header, justify=spec.justify, width=width, style=style)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*(_cell(row[i], specs[i].give) for i in layout.kept))
    console.print(table)


def _dropped_line(layout: Layout, more: str = MORE) -> str | None:
    if not layout.dropped:
        return None
    return f"Not shown at this width: {', '.join(layout.dropped)} ({more})."


def print_fitted(
    console,  # type: ignore[no-untyped-def]
    text_table: TextTable,
    styles: list[str | None] | None = None,
) -> None:
    """One table drawn to fit the terminal (columns left out as its specs say, and said so);
    when not even the columns kept can fit, each row as a short block, every value whole."""
    specs = list(text_table.specs or ()) or [
        ColumnSpec(h, justify, give=Give.WRAP) for h, justify in text_table.columns
    ]
    rows = [[shown(cell) for cell in row] for row in text_table.rows]
    layout = fit_columns(specs, rows, console.width, measure=_measure())
    if layout.fits:
        draw_table(console, specs, rows, layout, title=shown(text_table.title), styles=styles)
        if line := _dropped_line(layout, text_table.more):
            console.print(line)
        return
    console.print(shown(text_table.title))
    _print_as_list(console, specs, rows)


def print_tables(tables: list[TextTable], lines: list[str], console) -> None:  # type: ignore[no-untyped-def]
    """Plain tables (the district mapping, the handover index, the status) drawn to fit: text
    wraps at spaces, never inside a word such as a handle; a table's own ``specs`` may keep
    values whole and drop columns, in their order, when they cannot all fit."""
    for text_table in tables:
        print_fitted(console, text_table)
    for line in lines:
        console.print(shown(line))


def _measure():  # type: ignore[no-untyped-def]
    from rich.cells import cell_len

    return cell_len


# --- the plan --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DistrictGroup:
    """One district's accounts, as the terminal shows them."""

    district: str  # id
    name: str
    entries: list[PlanEntry]


def _groups(plan: Plan) -> list[DistrictGroup]:
    groups: dict[str, DistrictGroup] = {}
    for entry in plan.entries:  # the plan is in district order already
        group = groups.get(entry.district)
        if group is None:
            name = plan.config.district_name(entry.district)
            group = groups[entry.district] = DistrictGroup(entry.district, name, [])
        group.entries.append(entry)
    return list(groups.values())


def _date(value) -> str:  # type: ignore[no-untyped-def]
    return value.isoformat() if value else "-"


def _shared_dates(entries: list[PlanEntry]) -> tuple[str, str] | None:
    """The announcement and closure dates when every migrated account has the same (one wave
    per district, as the schedule makes them; ("-", "-") when none migrates); None when they
    differ."""
    dates = {(e.notice_date, e.close_date) for e in entries if e.action is Action.MIGRATE}
    if len(dates) > 1:
        return None
    notice, close = dates.pop() if dates else (None, None)
    return _date(notice), _date(close)


def _account_row(entry: PlanEntry, marker: str) -> list[str]:
    account = entry.account
    action = entry.action.value + (f" [{marker}]" if marker else "")
    return [
        "@" + shown(account.handle),
        account.platform,
        action,
        "@" + shown(entry.target) if entry.target else "-",
        _date(entry.notice_date),
        _date(entry.close_date),
        "?" if account.followers is None else f"{account.followers:,}",
        shown(account.owner),
    ]


def _notes(entries: list[PlanEntry]) -> tuple[list[str], list[str]]:
    """Each entry's note marker ("" for none) and the numbered notes: the same note shares a
    number within a district."""
    numbers: dict[tuple[str, str], int] = {}
    markers = []
    for entry in entries:
        if not entry.note:
            markers.append("")
            continue
        key = (entry.action.value, entry.note)
        number = numbers.setdefault(key, len(numbers) + 1)
        markers.append(str(number))
    verbs = {Action.RETAIN.value: "retained", Action.SKIP.value: "skipped"}
    notes = [
        f"[{number}] {verbs.get(action, action)}: {shown(note)}"
        for (action, note), number in numbers.items()
    ]
    return markers, notes


def _group_heading(group: DistrictGroup, dates: tuple[str, str] | None) -> str:
    counts = {action: 0 for action in Action}
    for entry in group.entries:
        counts[entry.action] += 1
    parts = [f"{counts[a]} to {a.value}" for a in Action if counts[a]]
    heading = f"{plural(len(group.entries), 'account')}: {', '.join(parts)}."
    if dates is not None and dates[0] != "-":
        heading += f" Announce {dates[0]}, close {dates[1]}."
    return heading


def print_plan(plan: Plan, console) -> None:  # type: ignore[no-untyped-def]
    """The plan at a terminal: accounts by district (up to MAX_TABLE_ROWS), then the summary."""
    from rich.rule import Rule

    measure = _measure()
    width = console.width
    specs = list(ACCOUNT_SPECS.values())
    summary = plan_summary(plan)
    console.print(
        f"Migration plan, {plural(summary['accounts'], 'account')}: {outcome_sentence(summary)}"
    )
    if len(plan.entries) > MAX_TABLE_ROWS:
        console.print(
            f"{len(plan.entries):,} accounts: too many to list here; write them with "
            "--format csv -o plan.csv (or xlsx, json, markdown)."
        )
    else:
        groups = _groups(plan)
        drawn = []
        for group in groups:
            markers, notes = _notes(group.entries)
            rows = [_account_row(e, m) for e, m in zip(group.entries, markers, strict=True)]
            drawn.append((group, rows, notes, _shared_dates(group.entries)))
        # One layout for every district, so that the columns line up from one to the next;
        # the date columns only when some district's accounts do not share their dates.
        every_row = [row for _, rows, _, _ in drawn for row in rows]
        omit = {"notice", "close"} if all(d is not None for *_, d in drawn) else set()
        shown_specs = [
            ColumnSpec(s.header, s.justify, s.give, None if key in omit else s.drop)
            for key, s in ACCOUNT_SPECS.items()
        ]
        keep = [i for i, key in enumerate(ACCOUNT_SPECS) if key not in omit]
        layout = fit_columns(
            [shown_specs[i] for i in keep],
            [[r[i] for i in keep] for r in every_row],
            width,
            measure=measure,
        )
        layout = Layout(
            kept=tuple(keep[i] for i in layout.kept),
            widths=layout.widths,
            dropped=layout.dropped,
            fits=layout.fits,
        )
        for group, rows, notes, dates in drawn:
            console.print()
            console.print(Rule(shown(group.name), align="left", characters="─"))
            console.print(_group_heading(group, dates))
            if layout.fits:
                draw_table(console, specs, rows, layout)
            else:
                _print_as_list(console, specs, rows)
            for note in notes:
                console.print(note)
        if line := _dropped_line(layout):
            console.print()
            console.print(line)
    _print_summary(plan, summary, console)


def _print_as_list(console, specs: list[ColumnSpec], rows: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    """When not even the handle and action fit side by side (a very long handle on a narrow
    terminal): each account on its own lines, every value whole. A handle wider than the
    terminal is printed as one line for the terminal to wrap, never cut into lines by us."""
    for row in rows:
        console.print(row[0], soft_wrap=True)
        rest = [f"{spec.header}: {cell}" for spec, cell in zip(specs[1:], row[1:], strict=True)]
        console.print("    " + "; ".join(rest))


def _print_summary(plan: Plan, summary: dict, console) -> None:  # type: ignore[no-untyped-def]
    rows = [[shown(name), *cells] for name, *cells in district_rows(summary)]
    dated = {(r[6], r[7]) for r in rows if r[6] != "-"}
    specs = list(DISTRICT_SPECS.values())
    keys = list(DISTRICT_SPECS)
    if len(dated) <= 1:  # every district announces and closes on the same days: say it once
        keys = keys[:-2]
    layout = fit_columns(
        specs[: len(keys)], [r[: len(keys)] for r in rows], console.width, measure=_measure()
    )
    console.print()
    draw_table(console, specs, rows, layout, title="By district")
    if len(dated) == 1 and len(keys) < len(DISTRICT_SPECS):
        notice, close = dated.pop()
        console.print(f"Every district with accounts to migrate: announce {notice}, close {close}.")
    if line := _dropped_line(layout):
        console.print(line)
    inputs = "; ".join(f"{name}: {ref.path}" for name, ref in plan.inputs.items() if ref)
    console.print(
        shown(
            f"Start {plan.start.isoformat()} ({plan.start_source}), notice {plan.notice_days} "
            f"days. {inputs}"
        )
    )
