"""Human output: rich tables for plans and districts, plain lines for findings."""

from __future__ import annotations

from typing import IO

from nypconsol.findings import Finding, count
from nypconsol.models import Config, Plan

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


def print_plan(plan: Plan, console, *, max_rows: int = MAX_TABLE_ROWS) -> None:  # type: ignore[no-untyped-def]
    from rich import box
    from rich.table import Table

    from nypconsol.render.envelope import plan_summary

    summary = plan_summary(plan)
    config = plan.config
    if len(plan.entries) <= max_rows:
        table = Table(title="Migration plan", box=box.SIMPLE_HEAD, title_justify="left")
        for header, justify in (
            ("District", "left"),
            ("Handle", "left"),
            ("Platform", "left"),
            ("Owner", "left"),
            ("Action", "left"),
            ("Moves to", "left"),
            ("Announce", "left"),
            ("Close", "left"),
            ("Followers", "right"),
        ):
            table.add_column(header, justify=justify, overflow="fold")
        for e in plan.entries:
            table.add_row(
                config.district_name(e.district),
                "@" + e.account.handle,
                e.account.platform,
                e.account.owner,
                e.action,
                "@" + e.target if e.target else "-",
                e.notice_date.isoformat() if e.notice_date else "-",
                e.close_date.isoformat() if e.close_date else "-",
                "?" if e.account.followers is None else f"{e.account.followers:,}",
            )
        console.print(table)
    else:
        console.print(
            f"{len(plan.entries):,} accounts: too many to list here; write them with "
            "--format csv -o plan.csv (or json, markdown)."
        )
    totals = Table(title="By district", box=box.SIMPLE_HEAD, title_justify="left")
    for header in (
        "District",
        "Accounts",
        "Migrate",
        "Retain",
        "Skip",
        "Followers",
        "Announce",
        "Close",
    ):
        totals.add_column(
            header, justify="left" if header in ("District", "Announce", "Close") else "right"
        )
    for row in summary["districts"].values():
        totals.add_row(
            row["name"],
            str(row["accounts"]),
            str(row["migrate"]),
            str(row["retain"]),
            str(row["skip"]),
            f"{row['followers_to_redirect']:,}",
            row["notice_date"] or "-",
            row["close_date"] or "-",
        )
    console.print(totals)
    inputs = "; ".join(f"{name}: {ref.path}" for name, ref in plan.inputs.items() if ref)
    console.print(
        f"{_plural(summary['accounts'], 'account')}: {summary['migrate']} to migrate, "
        f"{summary['retain']} to retain, {summary['skip']} to skip; "
        f"{summary['followers_to_redirect']:,} followers to redirect."
    )
    console.print(
        f"Start {plan.start.isoformat()} ({plan.start_source}), notice {plan.notice_days} days. {inputs}"
    )


def print_districts(config: Config, config_path: str, console) -> None:  # type: ignore[no-untyped-def]
    from rich import box
    from rich.table import Table

    table = Table(
        title=f"District mapping ({config_path})", box=box.SIMPLE_HEAD, title_justify="left"
    )
    for header in ("Id", "District", "Destinations", "Areas"):
        table.add_column(header, overflow="fold")

    def accounts(mapping: dict[str, str]) -> str:
        return "\n".join(f"{platform}: @{handle}" for platform, handle in mapping.items()) or "-"

    for d in config.districts:
        table.add_row(d.id, d.name, accounts(d.accounts), ", ".join(d.areas))
    table.add_row("force", config.force.name, accounts(config.force.accounts), "(force-wide)")
    console.print(table)
