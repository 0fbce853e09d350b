"""The status report (``nypconsol status``) in every format: at a terminal a progress line per
district and what is overdue or due today; plain text for pipes; JSON; CSV for Excel; Markdown;
and GitHub annotations within the runner's limits."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import TYPE_CHECKING

from nypconsol.core.models import BUILT_IN, FORCE_ID
from nypconsol.core.parsing import at_handle
from nypconsol.core.progress import StepStatus, format_moment
from nypconsol.core.status import AccountStatus, StatusReport, status_summary
from nypconsol.core.steps import STEP_NAMES
from nypconsol.render.csvfile import excel_safe
from nypconsol.render.data import to_json
from nypconsol.render.envelope import FORMAT_VERSION
from nypconsol.render.fit import ColumnSpec, Give
from nypconsol.render.github import annotation
from nypconsol.render.markdown import md_escape, md_table
from nypconsol.render.phrases import plural
from nypconsol.render.text import TextTable, plain_tables

if TYPE_CHECKING:
    from nypconsol.core.progress import StepState

STATUS_CSV_COLUMNS = ("district", "handle", "platform", "step", "state", "due", "done_at", "by")
# GitHub shows at most 10 error and 10 warning annotations per step: the rest are summed up.
GITHUB_ANNOTATION_LIMIT = 10
# A terminal shows this many overdue (and due-today) steps; pipes and files get them all.
TERMINAL_ROWS = 40
# The job summary lists this many; it is capped at 1 MiB.
SUMMARY_ROWS = 100
FULL_REPORT = "nypconsol status --format csv (or markdown, json)"


def format_time(moment: dt.datetime | None) -> str | None:
    """A moment as JSON and CSV give it: UTC to the microsecond, as ``log`` does."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- data ----------------------------------------------------------------------------------


def status_document(report: StatusReport) -> dict:
    """``{"format_version", "kind": "status", "today", "accounts", "summary"}``."""
    return {
        "format_version": FORMAT_VERSION,
        "kind": "status",
        "today": report.today.isoformat(),
        "accounts": [
            {
                "handle": account.handle,
                "platform": account.platform,
                "district": account.district,
                "steps": [
                    {
                        "step": step.step.value,
                        "state": step.state.value,
                        "due": step.due.isoformat(),
                        "done_at": format_time(step.done_at),
                        "by": step.by,
                    }
                    for step in account.steps
                ],
            }
            for account in report.accounts
        ],
        "summary": status_summary(report),
    }


def status_json(report: StatusReport, *, console: object = None) -> str:
    return to_json(status_document(report))


def status_csv(report: StatusReport, *, console: object = None) -> str:
    """One row per account and step, safe to open in Excel."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(STATUS_CSV_COLUMNS)
    for account in report.accounts:
        for step in account.steps:
            row = (
                account.district,
                account.handle,
                account.platform,
                step.step.value,
                step.state.value,
                step.due.isoformat(),
                format_time(step.done_at),
                step.by,
            )
            writer.writerow([excel_safe(value) for value in row])
    return out.getvalue()


# --- words shared by the human formats ------------------------------------------------------


def account_label(account: AccountStatus) -> str:
    return f"{at_handle(account.handle)} ({account.platform})"


def headline(report: StatusReport) -> str:
    """One sentence: the day, the ledger and the counts."""
    total = sum(len(a.steps) for a in report.accounts)
    overdue = report.count(StepStatus.OVERDUE)
    accounts_late = sum(1 for a in report.accounts if a.count(StepStatus.OVERDUE))
    where = f" in the ledger {report.ledger}" if report.ledger else ""
    return (
        f"Status on {report.today.strftime('%a %d %b %Y')}{where}: "
        f"{plural(len(report.accounts), 'account')}, {report.count(StepStatus.DONE)} of {total} "
        f"steps done; {overdue} overdue"
        + (f" ({plural(accounts_late, 'account')})" if overdue else "")
        + f", {report.count(StepStatus.DUE)} due today."
    )


def _by_account(
    report: StatusReport, state: StepStatus
) -> list[tuple[AccountStatus, list[StepState]]]:
    """The accounts with steps in ``state`` and those steps, longest waiting first."""
    grouped: dict[int, tuple[AccountStatus, list[StepState]]] = {}
    for account, step in report.attention(state):
        grouped.setdefault(id(account), (account, []))[1].append(step)
    return list(grouped.values())


def _district_name(district_id: str, name: str) -> str:
    return "Force-wide" if district_id == FORCE_ID else name


def _footer(report: StatusReport) -> list[str]:
    lines = [f"Every account's steps: {FULL_REPORT}."]
    if report.unmatched_events:
        lines.append(
            f"Ledger events of accounts this plan does not migrate: {report.unmatched_events} "
            "(nypconsol log lists every event)."
        )
    return lines


# --- plain text and the terminal ------------------------------------------------------------

ATTENTION = ((StepStatus.OVERDUE, "Overdue"), (StepStatus.DUE, "Due today"))
MORE = "widen the terminal, or see every account's steps with --format csv"


def _blocks(report: StatusReport, *, limit: int | None, bar: bool) -> list[TextTable | str]:
    """In reading order: a progress line per district; the accounts with overdue steps, then
    those with steps due today (at most ``limit`` of each, or a line saying there are none);
    closing lines."""
    rows = []
    for d in report.districts:
        done = f"{d.done}/{d.steps}"
        if bar:
            done = f"{_bar(d.done, d.steps)} {done}"
        elif d.steps:
            done += f" ({100 * d.done // d.steps}%)"
        rows.append(
            [_district_name(d.id, d.name), str(d.accounts), done, str(d.overdue), str(d.due)]
        )
    columns = (
        ("District", "left"),
        ("Accounts", "right"),
        ("Steps done", "left"),
        ("Overdue", "right"),
        ("Due today", "right"),
    )
    specs = (
        ColumnSpec("District", give=Give.WRAP),
        ColumnSpec("Accounts", "right"),
        ColumnSpec("Steps done"),
        ColumnSpec("Overdue", "right"),
        ColumnSpec("Due today", "right"),
    )
    blocks: list[TextTable | str] = [TextTable("By district", columns, rows, specs=specs)]
    names = _names(report)
    for state, title in ATTENTION:
        accounts = _by_account(report, state)
        if not accounts:
            blocks.append(f"Nothing {title.lower()}.")
            continue
        shown = accounts if limit is None else accounts[:limit]
        headers: tuple[tuple[str, str], ...] = (
            ("Account", "left"),
            ("District", "left"),
            ("Steps", "left"),
        )
        # At a terminal handles and dates stay whole; the district, then the date, are left
        # out when they cannot all fit (every row as a block when not even then).
        specs = (
            ColumnSpec("Account"),
            ColumnSpec("District", give=Give.WRAP, drop=1),
            ColumnSpec("Steps", give=Give.WRAP),
        )
        if state is StepStatus.OVERDUE:
            headers += (("Since", "left"),)
            specs += (ColumnSpec("Since", drop=2),)
        table_rows = [
            [
                account_label(account),
                names.get(account.district, account.district),
                ", ".join(step.step.value for step in steps),
            ]
            + ([steps[0].due.isoformat()] if state is StepStatus.OVERDUE else [])
            for account, steps in shown
        ]
        steps_count = sum(len(steps) for _, steps in accounts)
        title_line = f"{title}: {plural(steps_count, 'step')} in {plural(len(accounts), 'account')}"
        blocks.append(TextTable(title_line, headers, table_rows, specs=specs, more=MORE))
        if len(shown) < len(accounts):
            blocks.append(f"{title}: {len(accounts) - len(shown)} more accounts not shown here.")
    return blocks + _footer(report)


def _bar(done: int, total: int, width: int = 10) -> str:
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)


def status_table(report: StatusReport, *, console=None) -> str:  # type: ignore[no-untyped-def]
    """At a terminal (``console``): drawn by rich, at most TERMINAL_ROWS accounts in each list,
    readable at 80 columns. Otherwise plain text with every row, the same bytes every time."""
    if console is None:
        parts = [headline(report)]
        for block in _blocks(report, limit=None, bar=False):
            parts.append(block if isinstance(block, str) else plain_tables([block], []).rstrip())
        return "\n\n".join(parts) + "\n"
    from nypconsol.render.terminal import print_fitted, shown

    console.print(shown(headline(report)))
    styles = {"Overdue": "red", "Due today": "yellow"}
    for number, block in enumerate(_blocks(report, limit=TERMINAL_ROWS, bar=True)):
        if isinstance(block, str):
            console.print(shown(block))
            continue
        console.print()
        kind = block.title.partition(":")[0]
        print_fitted(
            console,
            block,
            [styles.get(h) if number == 0 else styles.get(kind) for h, _ in block.columns],
        )
    return ""


# --- Markdown ------------------------------------------------------------------------------


def _district_rows(report: StatusReport) -> list[list[object]]:
    return [
        [_district_name(d.id, d.name), d.accounts, d.done, d.steps, d.overdue, d.due, d.complete]
        for d in report.districts
    ]


DISTRICT_HEADERS = ["District", "Accounts", "Done", "Steps", "Overdue", "Due today", "Complete"]


def _names(report: StatusReport) -> dict[str, str]:
    """Each district's name as the tables show it, by id."""
    return {d.id: _district_name(d.id, d.name) for d in report.districts}


def _attention_markdown(report: StatusReport, limit: int | None) -> list[str]:
    names = _names(report)
    lines: list[str] = []
    for state, title in ATTENTION:
        accounts = _by_account(report, state)
        steps_count = sum(len(steps) for _, steps in accounts)
        lines += ["", f"### {title}: {plural(steps_count, 'step')}", ""]
        if not accounts:
            lines.append(f"Nothing {title.lower()}.")
            continue
        shown = accounts if limit is None else accounts[:limit]
        lines += md_table(
            ["Account", "District", "Steps"],
            [
                [
                    account_label(account),
                    names.get(account.district, account.district),
                    ", ".join(f"{s.step.value} (due {s.due.isoformat()})" for s in steps),
                ]
                for account, steps in shown
            ],
        )
        if len(shown) < len(accounts):
            lines += ["", f"{len(accounts) - len(shown)} more accounts: {md_escape(FULL_REPORT)}."]
    return lines


def _cell(step: StepState) -> str:
    if step.state is StepStatus.DONE:
        return f"done {format_moment(step.done_at)} by {step.by}"  # type: ignore[arg-type]
    if step.state is StepStatus.NOT_YET:
        return f"due {step.due.isoformat()}"
    return f"{step.state.value.replace('_', ' ')} ({step.due.isoformat()})"


def status_markdown(report: StatusReport, *, console: object = None) -> str:
    names = _names(report)
    lines = ["## nypconsol status", "", md_escape(headline(report)), ""]
    lines += md_table(DISTRICT_HEADERS, _district_rows(report))
    lines += _attention_markdown(report, None)
    lines += ["", "### Accounts", ""]
    lines += md_table(
        ["Account", "District", *STEP_NAMES],
        [
            [account_label(a), names.get(a.district, a.district), *(_cell(s) for s in a.steps)]
            for a in report.accounts
        ],
    )
    if report.unmatched_events:
        lines += ["", md_escape(_footer(report)[1])]
    return "\n".join(lines) + "\n"


def status_summary_markdown(report: StatusReport) -> str:
    """The job summary: the counts per district and what needs attention (SUMMARY_ROWS of each
    at most: the job summary is capped at 1 MiB)."""
    lines = ["## nypconsol status", "", md_escape(headline(report)), ""]
    lines += md_table(DISTRICT_HEADERS, _district_rows(report))
    lines += _attention_markdown(report, SUMMARY_ROWS)
    return "\n".join(lines) + "\n"


# --- GitHub annotations ---------------------------------------------------------------------


def status_annotations(report: StatusReport, *, console: object = None) -> str:
    """An ``::error`` per account with overdue steps and a ``::warning`` per account with steps
    due today, on the account's inventory row; past GitHub's 10 of each per step, the last one
    sums up the rest and says how to get the full report."""
    lines = []
    for state, level, title in (
        (StepStatus.OVERDUE, "error", "overdue"),
        (StepStatus.DUE, "warning", "due today"),
    ):
        accounts = _by_account(report, state)
        shown = accounts
        if len(accounts) > GITHUB_ANNOTATION_LIMIT:
            shown = accounts[: GITHUB_ANNOTATION_LIMIT - 1]
        for account, steps in shown:
            what = ", ".join(f"{s.step.value} (due {s.due.isoformat()})" for s in steps)
            file = account.source_file if account.source_file != BUILT_IN else None
            message = f"{account_label(account)}, {account.district}: {title}: {what}"
            lines.append(annotation(level, f"step {title}", message, file, account.source_line))
        rest = accounts[len(shown) :]
        if rest:
            steps = sum(len(steps) for _, steps in rest)
            lines.append(
                annotation(
                    level,
                    f"steps {title}",
                    f"and {plural(steps, 'more step')} {title} in {plural(len(rest), 'more account')}"
                    f": for the full report run {FULL_REPORT}",
                )
            )
    return "".join(line + "\n" for line in lines)
