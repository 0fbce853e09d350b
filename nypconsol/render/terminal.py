"""Human output: rich tables for plans and districts, plain lines for findings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from nypconsol.findings import Finding, count
from nypconsol.models import Config, Plan
from nypconsol.parsing import printable

# Beyond this many accounts a terminal table helps nobody: show the summary and point to files.
MAX_TABLE_ROWS = 500


def make_console(file: IO[str] | None = None, *, no_color: bool = False, width: int | None = None):  # type: ignore[no-untyped-def]
    """A console that never reads user text as markup, emoji codes or highlights.

    --no-color, NO_COLOR and TERM=dumb turn off every style, bold included (rich alone would
    drop only the colours).
    """
    import os

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


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def findings_text(findings: list[Finding], checked_accounts: int | None = None) -> str:
    """One line per finding, ``file:line: severity [code] message``, then a count."""
    lines = []
    for finding in findings:
        where = f"{finding.location()}: " if finding.file else ""
        lines.append(f"{where}{finding.severity.value} [{finding.code}] {finding.message}")
    totals = count(findings)
    tail = f"{_plural(totals['errors'], 'error')}, {_plural(totals['warnings'], 'warning')}"
    if checked_accounts is not None:
        tail = f"{_plural(checked_accounts, 'account')} checked: {tail}"
    lines.append(tail)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class TextTable:
    """A titled table of text cells, drawn by rich at a terminal or as plain text elsewhere."""

    title: str
    columns: tuple[tuple[str, str], ...]  # (header, "left" or "right")
    rows: list[list[str]]


def plan_tables(plan: Plan, *, max_rows: int) -> tuple[list[TextTable], list[str]]:
    """The plan as tables (accounts, then districts) and closing lines, ready to draw."""
    from nypconsol.render.envelope import (
        ACCOUNT_COLUMNS,
        DISTRICT_COLUMNS,
        account_rows,
        district_rows,
        plan_summary,
    )

    summary = plan_summary(plan)
    tables: list[TextTable] = []
    lines: list[str] = []
    if len(plan.entries) <= max_rows:
        aligns = ["left"] * (len(ACCOUNT_COLUMNS) - 1) + ["right"]
        columns = tuple(zip(ACCOUNT_COLUMNS, aligns, strict=True))
        tables.append(TextTable("Migration plan", columns, account_rows(plan)))
    else:
        lines.append(
            f"{len(plan.entries):,} accounts: too many to list here; write them with "
            "--format csv -o plan.csv (or json, markdown)."
        )
    aligns = ["left"] + ["right"] * 5 + ["left", "left"]
    columns = tuple(zip(DISTRICT_COLUMNS, aligns, strict=True))
    tables.append(TextTable("By district", columns, district_rows(summary)))
    inputs = "; ".join(f"{name}: {ref.path}" for name, ref in plan.inputs.items() if ref)
    lines.append(
        f"{_plural(summary['accounts'], 'account')}: {summary['migrate']} to migrate, "
        f"{summary['retain']} to retain, {summary['skip']} to skip; "
        f"{summary['followers_to_redirect']:,} followers to redirect."
    )
    lines.append(
        f"Start {plan.start.isoformat()} ({plan.start_source}), notice {plan.notice_days} days. {inputs}"
    )
    return tables, lines


def districts_table(config: Config, config_path: str) -> TextTable:
    def accounts(mapping: dict[str, str]) -> str:
        return ", ".join(f"{platform}: @{handle}" for platform, handle in mapping.items()) or "-"

    rows = [[d.id, d.name, accounts(d.accounts), ", ".join(d.areas)] for d in config.districts]
    rows.append(["force", config.force.name, accounts(config.force.accounts), "(force-wide)"])
    columns = tuple((h, "left") for h in ("Id", "District", "Destinations", "Areas"))
    return TextTable(f"District mapping ({config_path})", columns, rows)


def print_tables(tables: list[TextTable], lines: list[str], console) -> None:  # type: ignore[no-untyped-def]
    """Draw with rich, for a terminal."""
    from rich import box
    from rich.table import Table

    for text_table in tables:
        table = Table(title=text_table.title, box=box.SIMPLE_HEAD, title_justify="left")
        for header, justify in text_table.columns:
            table.add_column(header, justify=justify, overflow="fold")
        for row in text_table.rows:
            table.add_row(*row)
        console.print(table)
    for line in lines:
        console.print(line)


def plain_tables(tables: list[TextTable], lines: list[str]) -> str:
    """Draw as plain text, for files and pipes: every row, no styles, no wrapping, so the
    output is data a script can read and the same bytes every time."""
    out: list[str] = []
    for table in tables:
        cells = [[printable(" ".join(cell.split())) for cell in row] for row in table.rows]
        headers = [header for header, _ in table.columns]
        widths = [max(len(c) for c in column) for column in zip(headers, *cells, strict=True)]
        aligns = [align for _, align in table.columns]
        out += [table.title, "", _plain_row(headers, widths, aligns)]
        out.append("  ".join("-" * w for w in widths))
        out += [_plain_row(row, widths, aligns) for row in cells]
        out.append("")
    out += lines
    return "\n".join(out) + "\n"


def _plain_row(cells: list[str], widths: list[int], aligns: list[str]) -> str:
    return "  ".join(
        cell.rjust(width) if align == "right" else cell.ljust(width)
        for cell, width, align in zip(cells, widths, aligns, strict=True)
    ).rstrip()
