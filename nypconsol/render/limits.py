"""GitHub's limits on what a workflow step may show, and the words for what a report that must
stay within them leaves out (the full report is always one option away: JSON is never cut).

GitHub shows at most 10 error and 10 warning annotations per step (50 per job), a job summary
of at most 1 MiB per step, and a pull-request comment of at most 65,536 characters.
"""

from __future__ import annotations

from nypconsol.core.drift import ChangeKind
from nypconsol.render.phrases import plural

ANNOTATIONS_PER_LEVEL = 10  # per step, for each of ::error and ::warning
COMMENT_CHARACTERS = 65_536
STEP_SUMMARY_BYTES = 1024 * 1024
# A Markdown report (a comment, a job summary) is kept to this many bytes of UTF-8, which is
# also a bound on its characters: within both limits, with room for what a workflow adds.
MARKDOWN_BUDGET = 60_000

TITLES = {
    ChangeKind.REMOVED: "Removed",
    ChangeKind.DESTINATION: "Changed destination",
    ChangeKind.DATES: "Changed dates",
    ChangeKind.ADDED: "Added",
    ChangeKind.DETAILS: "Other changes",
}


def kind_count(kind: ChangeKind, count: int) -> str:
    """``12 removed accounts``, ``1 account with changed dates``."""
    if kind is ChangeKind.REMOVED:
        return plural(count, "removed account")
    if kind is ChangeKind.ADDED:
        return plural(count, "added account")
    what = {
        ChangeKind.DESTINATION: "a changed destination",
        ChangeKind.DATES: "changed dates",
        ChangeKind.DETAILS: "other changes",
    }[kind]
    return f"{plural(count, 'account')} with {what}"


def left_out_sentence(left_out: dict[ChangeKind, int]) -> str:
    """``480 accounts with changed dates and 12 added accounts``."""
    parts = [kind_count(kind, count) for kind, count in left_out.items() if count]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def full_drift_report(check: bool) -> str:
    """How to get every change, for a report that had to leave some out (a sentence)."""
    if check:
        return (
            "The same nypconsol plan --check command with --format json (or --format table) "
            "lists every change."
        )
    return "Run nypconsol diff with --format json (or --format text) to list every change."
