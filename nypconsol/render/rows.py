"""The rows of the tables people read (terminal, Markdown, job summaries): one set of columns and
cells for each, shared by every renderer."""

from __future__ import annotations

from nypconsol.core.models import Action, Plan

DISTRICT_COLUMNS = (
    "District",
    "Accounts",
    "Migrate",
    "Retain",
    "Skip",
    "Followers to redirect",
    "Announce",
    "Close",
)
ACCOUNT_COLUMNS = (
    "District",
    "Handle",
    "Platform",
    "Owner",
    "Action",
    "Moves to",
    "Announce",
    "Close",
    "Followers",
)


def district_rows(summary: dict) -> list[list[str]]:
    """One row per district of a plan summary (``plan_summary`` or a plan file's)."""
    return [
        [
            row["name"],
            str(row["accounts"]),
            str(row["migrate"]),
            str(row["retain"]),
            str(row["skip"]),
            f"{row['followers_to_redirect']:,}",
            row["notice_date"] or "-",
            row["close_date"] or "-",
        ]
        for row in summary["districts"].values()
    ]


def account_rows(plan: Plan) -> list[list[str]]:
    """One row per account: where it goes and when."""
    return [
        [
            plan.config.district_name(e.district),
            "@" + e.account.handle,
            e.account.platform,
            e.account.owner,
            f"retain ({e.note})" if e.action is Action.RETAIN else e.action.value,
            "@" + e.target if e.target else "-",
            e.notice_date.isoformat() if e.notice_date else "-",
            e.close_date.isoformat() if e.close_date else "-",
            "?" if e.account.followers is None else f"{e.account.followers:,}",
        ]
        for e in plan.entries
    ]
