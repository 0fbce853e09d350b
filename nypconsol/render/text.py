"""Plain text for people: findings, drift reports, and tables drawn without rich (for pipes and
files: every row, no styles, the same bytes every time)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nypconsol.core.findings import Finding, count
from nypconsol.core.parsing import printable
from nypconsol.core.plan import plan_summary
from nypconsol.render.fit import ColumnSpec
from nypconsol.render.phrases import (
    account_label,
    headline,
    outcome,
    outcome_sentence,
    plural,
    show,
)
from nypconsol.render.rows import ACCOUNT_COLUMNS, DISTRICT_COLUMNS, account_rows, district_rows

if TYPE_CHECKING:
    from nypconsol.core.drift import Drift
    from nypconsol.core.models import Config, Plan

# Beyond this many accounts a terminal table helps nobody: show the summary and point to files.
MAX_TABLE_ROWS = 500


def findings_text(findings: list[Finding], accounts: int | None = None) -> str:
    """One line per finding, ``file:line: severity [code] message``, then a count (of the
    accounts checked too, when given)."""
    lines = []
    for finding in findings:
        where = f"{finding.location()}: " if finding.file else ""
        lines.append(f"{where}{finding.severity.value} [{finding.code}] {finding.message}")
    totals = count(findings)
    tail = f"{plural(totals['errors'], 'error')}, {plural(totals['warnings'], 'warning')}"
    if accounts is not None:
        tail = f"{plural(accounts, 'account')} checked: {tail}"
    lines.append(tail)
    return "\n".join(lines) + "\n"


def drift_text(drift: Drift, *, heading: str = "", committed: object = None) -> str:
    """The drift report for a terminal (``heading`` is for Markdown)."""
    lines = [headline(drift)]
    if drift.equal:
        return lines[0] + "\n"
    per_district = drift.per_district()
    if per_district:
        width = max(len("District"), *(len(d) for d in per_district))
        lines += ["", f"{'District':<{width}}  Added  Removed  Changed"]
        lines += [
            f"{d:<{width}}  {c['added']:>5}  {c['removed']:>7}  {c['changed']:>7}"
            for d, c in per_district.items()
        ]
    if drift.plan_changes:
        lines += ["", "Plan settings:"]
        lines += [f"  {c.name}: {show(c.before)} -> {show(c.after)}" for c in drift.plan_changes]
    if drift.added:
        lines += ["", "Added:"]
        lines += [
            f"  + {item.district} {account_label(item)}: {outcome(item.account)}"
            for item in drift.added
        ]
    if drift.removed:
        lines += ["", "Removed:"]
        lines += [
            f"  - {item.district} {account_label(item)}: was {outcome(item.account)}"
            for item in drift.removed
        ]
    if drift.changed:
        lines += ["", "Changed:"]
        for item in drift.changed:
            lines.append(f"  ~ {item.district} {account_label(item)}")
            lines += [f"      {c.name}: {show(c.before)} -> {show(c.after)}" for c in item.fields]
    return "\n".join(lines) + "\n"


# --- tables --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextTable:
    """A titled table of text cells, drawn by rich at a terminal or as plain text elsewhere."""

    title: str
    columns: tuple[tuple[str, str], ...]  # (header, "left" or "right")
    rows: list[list[str]]
    # At a terminal: how each column gives way when space is short (render/fit.py), and where
    # to see the columns a narrow terminal leaves out. Default: every column wraps at spaces.
    specs: tuple[ColumnSpec, ...] | None = None
    more: str = "widen the terminal"


def plan_tables(plan: Plan, *, max_rows: int) -> tuple[list[TextTable], list[str]]:
    """The plan as tables (accounts, then districts) and closing lines, ready to draw."""
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
    lines.append(f"{plural(summary['accounts'], 'account')}: {outcome_sentence(summary)}")
    lines.append(
        f"Start {plan.start.isoformat()} ({plan.start_source}), notice {plan.notice_days} days. {inputs}"
    )
    return tables, lines


def plan_table(plan: Plan, *, console=None, progress: object = None) -> str:  # type: ignore[no-untyped-def]
    """The plan: drawn on ``console`` (a terminal) by district, to fit its width (at most
    MAX_TABLE_ROWS accounts), else as plain text tables with every row."""
    if console is None:
        return plain_tables(*plan_tables(plan, max_rows=sys.maxsize))
    from nypconsol.render.terminal import print_plan

    print_plan(plan, console)
    return ""


def districts_text(config: Config, *, path: str, console=None) -> str:  # type: ignore[no-untyped-def]
    """The district mapping as a table, drawn by rich on ``console`` or as plain text."""
    table = districts_table(config, path)
    if console is None:
        return plain_tables([table], [])
    from nypconsol.render.terminal import print_tables

    print_tables([table], [], console)
    return ""


def districts_table(config: Config, config_path: str) -> TextTable:
    def accounts(mapping: dict[str, str]) -> str:
        return ", ".join(f"{platform}: @{handle}" for platform, handle in mapping.items()) or "-"

    rows = [[d.id, d.name, accounts(d.accounts), ", ".join(d.areas)] for d in config.districts]
    rows.append(["force", config.force.name, accounts(config.force.accounts), "(force-wide)"])
    columns = tuple((h, "left") for h in ("Id", "District", "Destinations", "Areas"))
    return TextTable(f"District mapping ({config_path})", columns, rows)


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
