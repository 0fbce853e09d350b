"""Markdown for people: plans, drift and findings, as pull-request comments and job summaries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nypconsol.core.findings import Finding, count
from nypconsol.core.parsing import printable
from nypconsol.core.plan import plan_summary
from nypconsol.render.phrases import headline, outcome, outcome_sentence, plural, show
from nypconsol.render.rows import ACCOUNT_COLUMNS, DISTRICT_COLUMNS, account_rows, district_rows

if TYPE_CHECKING:
    from nypconsol.core.drift import Drift
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


def plan_markdown(plan: Plan, *, console: object = None) -> str:
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


def findings_markdown(findings: list[Finding], accounts: int | None = None) -> str:
    totals = count(findings)
    lines = ["## nypconsol validate", ""]
    head = f"{plural(totals['errors'], 'error')}, {plural(totals['warnings'], 'warning')}"
    if accounts is not None:
        head = f"{plural(accounts, 'account')} checked: {head}"
    lines.append(head + ".")
    if findings:
        lines += ["", "| Severity | Code | Where | Message |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {f.severity.value} | {md_escape(f.code)} | {md_escape(f.location())} | "
            f"{md_escape(f.message)} |"
            for f in findings
        ]
    return "\n".join(lines) + "\n"


# --- drift ---------------------------------------------------------------------------------


def _section(title: str | None, headers: list[str], rows: list[list[Any]]) -> list[str]:
    head = ["", f"### {title}", ""] if title else [""]
    return [*head, *md_table(headers, rows)]


def drift_markdown(drift: Drift, *, heading: str = DIFF_HEADING, committed: object = None) -> str:
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
    for title, last, items in (
        ("Added", "Outcome", drift.added),
        ("Removed", "Was", drift.removed),
    ):
        if items:
            lines += _section(
                title,
                ["District", "Account", "Platform", "Owner", last],
                [
                    [
                        i.district,
                        "@" + i.handle,
                        i.platform,
                        i.account.get("owner"),
                        outcome(i.account),
                    ]
                    for i in items
                ],
            )
    if drift.changed:
        lines += _section(
            "Changed",
            ["District", "Account", "Platform", "Field", "Before", "After"],
            [
                [i.district, "@" + i.handle, i.platform, c.name, show(c.before), show(c.after)]
                for i in drift.changed
                for c in i.fields
            ],
        )
    return "\n".join(lines) + "\n"
