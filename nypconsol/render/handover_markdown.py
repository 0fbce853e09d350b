"""The handover reports as Markdown, for email and wikis: the same sections as the HTML, every
value from the inputs escaped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nypconsol.core.config import INDEX_STEM
from nypconsol.core.progress import StepStatus
from nypconsol.render.handover import (
    chosen_platforms,
    day,
    followers_text,
    index_cells,
    number,
    owner_text,
    progress_text,
    report_file,
)
from nypconsol.render.markdown import md_escape, md_table
from nypconsol.render.phrases import plural

if TYPE_CHECKING:
    from nypconsol.core.handover import DistrictHandover, Handover, HandoverAccount

PLACEHOLDER_WARNING = (
    "**Warning:** the destination handles in the mapping are placeholders. Replace them with "
    "the real accounts before this report is signed."
)


def handover_markdown(handover: Handover) -> dict[str, bytes]:
    """``index.md`` and one ``<district>.md`` per report."""
    files = {report_file(INDEX_STEM, "markdown"): _encode(index_markdown(handover))}
    for report in handover.reports:
        files[report_file(report.stem, "markdown")] = _encode(district_markdown(handover, report))
    return files


def _encode(lines: list[str]) -> bytes:
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")


def _preamble(handover: Handover) -> list[str]:
    inputs = "; ".join(
        f"{name} {md_escape(ref.path)} (SHA-256 {ref.sha256[:12]})"
        for name, ref in handover.inputs.items()
        if ref
    )
    lines = [
        f"Plan start {day(handover.start)} ({md_escape(handover.start_source)}); notice period "
        f"{handover.notice_days} days. Inputs: {inputs}.",
        "",
    ]
    if handover.placeholders:
        lines += [PLACEHOLDER_WARNING, ""]
    return lines


def index_markdown(handover: Handover) -> list[str]:
    totals = handover.totals
    lines = [f"# Handover reports: {md_escape(handover.force_name)}", "", *_preamble(handover)]
    rows = [
        [f"[{md_escape(r.name)}]({report_file(r.stem, 'markdown')})", *index_cells(r.totals)]
        for r in handover.reports
    ]
    rows.append(["**Total**", *index_cells(totals)])
    lines += _raw_table(
        [
            "District",
            "Accounts",
            "Migrate",
            "Retain",
            "Skip",
            "Followers to redirect",
            "Unknown followers",
            "First notice",
            "Last close",
        ],
        rows,
    )
    lines += ["", "## By platform", ""]
    lines += _platform_table(totals)
    if handover.warnings:
        lines += [
            "",
            f"The plan has {plural(handover.warnings, 'warning')}: `nypconsol validate` lists "
            f"{'it' if handover.warnings == 1 else 'them'}.",
        ]
    return lines


def _raw_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """A table whose cells are already Markdown (links, emphasis) with user text escaped."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _platform_table(totals) -> list[str]:  # type: ignore[no-untyped-def]
    return md_table(
        ["Platform", "Accounts", "Migrate", "Retain", "Skip", "Followers to redirect", "Unknown"],
        [
            [
                row.platform_name,
                number(row.accounts),
                number(row.migrate),
                number(row.retain),
                number(row.skip),
                number(row.followers_to_redirect),
                number(row.followers_unknown),
            ]
            for row in totals.by_platform
        ],
    )


def district_markdown(handover: Handover, report: DistrictHandover) -> list[str]:
    totals = report.totals
    lines = [f"# Handover: {md_escape(report.name)}", "", *_preamble(handover)]
    lines += [
        f"{number(totals.migrate)} {'account folds' if totals.migrate == 1 else 'accounts fold'} "
        "into "
        + ("the force-wide accounts" if report.force_wide else "the district's accounts")
        + f"; {number(totals.followers_to_redirect)} followers to redirect"
        + (
            f", and {number(totals.followers_unknown)} "
            f"{'account' if totals.followers_unknown == 1 else 'accounts'} whose followers are "
            "unknown."
            if totals.followers_unknown
            else "."
        )
        + f" First notice {day(totals.first_notice)}, last close {day(totals.last_close)}.",
        "",
        "## Destination accounts",
        "",
    ]
    lines += md_table(
        ["Platform", "Account", "Profile", "Accounts moving in"],
        [
            [
                d.platform_name + (" (force-wide)" if d.force_wide else ""),
                d.as_written,
                d.url,
                number(d.accounts),
            ]
            for d in report.destinations
        ],
    )
    lines += ["", "## Accounts coming in", ""]
    lines += _accounts_table(report.consolidated)
    for title, accounts in (("Retained", report.retained), ("Skipped", report.skipped)):
        lines += ["", f"## {title}", ""]
        lines += (
            md_table(
                ["Account", "Platform", "Owner", "Role", "Followers", "Reason"],
                [
                    [
                        a.as_written,
                        a.platform_name,
                        owner_text(a.owner),
                        a.role,
                        followers_text(a.followers),
                        a.note,
                    ]
                    for a in accounts
                ],
            )
            if accounts
            else [f"No {title.lower()} accounts."]
        )
    lines += ["", "## Voices", ""]
    lines += (
        md_table(
            ["Owner", "Collar number", "Role", "Signs posts as", "Needs access to"],
            [
                [owner_text(v.owner), v.collar_number, v.role, v.sign_off, chosen_platforms(v)]
                for v in report.voices
            ],
        )
        if report.voices
        else ["Nobody: no accounts fold in."]
    )
    lines += ["", "## Totals", ""]
    lines += _platform_table(totals) if totals.by_platform else ["No accounts."]
    lines += ["", "## Checklist", ""]
    lines += _checklists(report.consolidated) or ["No accounts to close."]
    lines += ["", "## Sign-off", ""]
    lines += _raw_table(
        ["Role", "Name", "Signature", "Date"],
        [
            [
                "Outgoing owner",
                md_escape(owner_text(v.owner))
                + (f" ({md_escape(v.sign_off)})" if v.sign_off else ""),
                " ",
                " ",
            ]
            for v in report.sign_off.outgoing
        ]
        + [[md_escape(report.sign_off.receiving), " ", " ", " "]],
    )
    return lines


def _accounts_table(accounts: tuple[HandoverAccount, ...]) -> list[str]:
    if not accounts:
        return ["No accounts fold in."]
    return md_table(
        [
            "Account",
            "Platform",
            "Owner",
            "Role",
            "Followers",
            "Last post",
            "Action",
            "Closes by",
            "Moves to",
            "Notice",
            "Close",
        ],
        [
            [
                a.as_written,
                a.platform_name,
                owner_text(a.owner),
                a.role,
                followers_text(a.followers),
                day(a.last_post),
                a.action.value,
                a.closure.value if a.closure else "-",
                a.target_as_written or "-",
                day(a.notice_date),
                day(a.close_date),
            ]
            for a in accounts
        ],
    )


def _checklists(accounts: tuple[HandoverAccount, ...]) -> list[str]:
    lines: list[str] = []
    for account in accounts:
        lines += [
            f"### {md_escape(account.as_written)} ({account.platform_name})",
            "",
            f"Owner {md_escape(owner_text(account.owner))}; moves to "
            f"{md_escape(account.target_as_written or '-')}; notice {day(account.notice_date)}, "
            f"close {day(account.close_date)}.",
            "",
        ]
        for step in account.checklist:
            done = step.progress is not None and step.progress.state is StepStatus.DONE
            text = f"- [{'x' if done else ' '}] {step.number}. {md_escape(step.title)}"
            if step.detail:
                text += f": {md_escape(step.detail)}"
            text += f". Due {day(step.due_date)} ({step.due_text})."
            if step.progress is not None:
                text += f" **{md_escape(progress_text(step.progress))}**"
            lines.append(text)
        if account.closure_why:
            lines += [
                "",
                f"Why {account.closure.value if account.closure else ''}: {md_escape(account.closure_why)}.",
            ]
        lines.append("")
    return lines[:-1]
