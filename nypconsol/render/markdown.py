"""Markdown for people: plans, drift and findings, as pull-request comments and job summaries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nypconsol.core.drift import ChangeKind, by_importance
from nypconsol.core.findings import Finding, count
from nypconsol.core.parsing import printable
from nypconsol.core.plan import plan_summary
from nypconsol.render.limits import MARKDOWN_BUDGET, TITLES, full_drift_report, left_out_sentence
from nypconsol.render.phrases import headline, outcome, outcome_sentence, plural, show
from nypconsol.render.rows import ACCOUNT_COLUMNS, DISTRICT_COLUMNS, account_rows, district_rows

if TYPE_CHECKING:
    from nypconsol.core.drift import AccountDrift, Drift
    from nypconsol.core.models import Plan

DIFF_HEADING = "## nypconsol diff"
CHECK_HEADING = "## nypconsol plan --check"


def md_escape(value: object) -> str:
    """Text safe in a Markdown table cell: no pipes, no HTML, no line breaks."""
    if value is None or value == "":
        return ""
    text = printable(" ".join(str(value).split()))
    for char, escaped in (
        ("\\", "\\\\"),
        ("|", "\\|"),
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ("`", "\\`"),
        ("*", "\\*"),
        ("_", "\\_"),
        ("[", "\\["),
        ("]", "\\]"),
    ):
        text = text.replace(char, escaped)
    return text


def md_table(headers: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows]
    return lines


# --- plans ---------------------------------------------------------------------------------


def plan_markdown(plan: Plan, *, console: object = None, progress: object = None) -> str:
    summary = plan_summary(plan)
    inputs = ", ".join(f"{name} `{ref.path}`" for name, ref in plan.inputs.items() if ref)
    lines = [
        "# Migration plan",
        "",
        f"Start {plan.start.isoformat()} ({plan.start_source}); notice period {plan.notice_days} "
        f"days; inputs: {inputs}.",
        "",
        f"{summary['accounts']} accounts: {outcome_sentence(summary)}",
        "",
        "## Summary by district",
        "",
    ]
    lines += md_table(list(DISTRICT_COLUMNS), district_rows(summary))
    lines += ["", "## Accounts", ""]
    lines += md_table(list(ACCOUNT_COLUMNS), account_rows(plan))
    if plan.warnings:
        lines += ["", "## Warnings", ""]
        lines += [
            f"- {md_escape(f.location())}: {md_escape(f.message)} ({f.code})" for f in plan.warnings
        ]
    return "\n".join(lines) + "\n"


def plan_summary_markdown(document: dict) -> str:
    """A short summary of a plan document (the JSON envelope as a dict): totals and districts.

    The whole account table is left to ``plan --format markdown``: job summaries are capped
    at 1 MiB.
    """
    summary = document["summary"]
    lines = [
        "## nypconsol plan",
        "",
        f"Start {md_escape(document['start'])} ({md_escape(document.get('start_source'))}); "
        f"notice period {document['policy']['notice_days']} days. {summary['accounts']} "
        f"accounts: {outcome_sentence(summary)}",
        "",
    ]
    lines += md_table(list(DISTRICT_COLUMNS), district_rows(summary))
    return "\n".join(lines) + "\n"


# --- findings ------------------------------------------------------------------------------


def findings_markdown(
    findings: list[Finding], accounts: int | None = None, *, budget: int = MARKDOWN_BUDGET
) -> str:
    """The findings as a table for a job summary, within ``budget`` bytes: when they do not
    all fit, errors come first, and the rest are counted."""
    totals = count(findings)
    lines = ["## nypconsol validate", ""]
    head = f"{plural(totals['errors'], 'error')}, {plural(totals['warnings'], 'warning')}"
    if accounts is not None:
        head = f"{plural(accounts, 'account')} checked: {head}"
    lines.append(head + ".")
    if not findings:
        return "\n".join(lines) + "\n"
    table = ["", "| Severity | Code | Where | Message |", "| --- | --- | --- | --- |"]
    rows = [
        f"| {f.severity.value} | {md_escape(f.code)} | {md_escape(f.location())} | "
        f"{md_escape(f.message)} |"
        for f in findings
    ]
    used = _size(lines) + _size(table)
    if used + _size(rows) <= budget:
        return "\n".join([*lines, *table, *rows]) + "\n"
    # Too many for one report: errors before warnings, as many as fit.
    ranked = sorted(range(len(findings)), key=lambda i: not findings[i].is_error)
    room = budget - used - 600  # for the closing sentence
    shown: list[int] = []
    for index in ranked:
        cost = len(rows[index].encode()) + 1
        if cost > room:
            break
        shown.append(index)
        room -= cost
    hidden = [findings[i] for i in ranked[len(shown) :]]
    left = count(hidden)
    tail = [
        "",
        f"**Not shown**, to keep this report within GitHub's limits: "
        f"{plural(left['errors'], 'error')} and {plural(left['warnings'], 'warning')}. "
        "nypconsol validate with --format json (or --format text) lists every finding.",
    ]
    return "\n".join([*lines, *table, *(rows[i] for i in shown), *tail]) + "\n"


def _size(lines: list[str]) -> int:
    """The bytes ``lines`` take in a report (UTF-8, a newline each)."""
    return sum(len(line.encode()) + 1 for line in lines)


# --- drift ---------------------------------------------------------------------------------


def _section(title: str | None, headers: list[str], rows: list[list[Any]]) -> list[str]:
    head = ["", f"### {title}", ""] if title else [""]
    return [*head, *md_table(headers, rows)]


_CHANGED_HEADERS = ["District", "Account", "Platform", "Field", "Before", "After"]


def _account_rows(kind: ChangeKind, item: AccountDrift) -> list[list[Any]]:
    """An account's rows in its section: one for an added or removed account, one per changed
    field for a changed one."""
    if kind in (ChangeKind.ADDED, ChangeKind.REMOVED):
        return [
            [
                item.district,
                "@" + item.handle,
                item.platform,
                item.account.get("owner"),
                outcome(item.account),
            ]
        ]
    return [
        [item.district, "@" + item.handle, item.platform, c.name, show(c.before), show(c.after)]
        for c in item.fields
    ]


def drift_markdown(
    drift: Drift,
    *,
    heading: str = DIFF_HEADING,
    committed: object = None,
    budget: int = MARKDOWN_BUDGET,
) -> str:
    """The drift for a pull-request comment or a job summary, within ``budget`` bytes (under
    GitHub's limits): counts per district and plan settings, then the accounts by importance
    (removed, changed destination, changed dates, added, other changes); what does not fit is
    counted, with how to get every change."""
    lines = [heading, "", md_escape(headline(drift))]
    if drift.equal:
        return "\n".join(lines) + "\n"
    per_district = drift.per_district()
    if per_district:
        lines += _section(
            None,
            ["District", "Added", "Removed", "Changed"],
            [[d, c["added"], c["removed"], c["changed"]] for d, c in per_district.items()],
        )
    if drift.plan_changes:
        lines += _section(
            "Plan settings",
            ["Setting", "Before", "After"],
            [[c.name, show(c.before), show(c.after)] for c in drift.plan_changes],
        )
    room = budget - _size(lines) - 800  # for the closing sentence
    left_out: dict[ChangeKind, int] = {}
    for kind, items in by_importance(drift):
        if not items:
            continue
        if left_out:  # something more important did not fit: this does not either
            left_out[kind] = len(items)
            continue
        removed_or_added = kind in (ChangeKind.ADDED, ChangeKind.REMOVED)
        last = "Outcome" if kind is ChangeKind.ADDED else "Was"
        headers = (
            ["District", "Account", "Platform", "Owner", last]
            if removed_or_added
            else _CHANGED_HEADERS
        )
        section = _section(TITLES[kind], headers, [])
        rows: list[str] = []
        for number, item in enumerate(items):
            item_lines = md_table(headers, _account_rows(kind, item))[2:]
            cost = _size(item_lines) + (0 if rows else _size(section))
            if cost > room:
                left_out[kind] = len(items) - number
                break
            rows += item_lines
            room -= cost
        if rows:
            lines += section + rows
    if left_out:
        lines += [
            "",
            f"**Not shown**, to keep this report within GitHub's limits: "
            f"{left_out_sentence(left_out)}. {full_drift_report(heading == CHECK_HEADING)}",
        ]
    return "\n".join(lines) + "\n"
