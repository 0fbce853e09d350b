"""``sweep`` and the progress ledger: when a ledger exists (``--ledger``, ``NYPCONSOL_LEDGER``, or
the default file in the working folder), a ``swept`` event is recorded for each archive swept,
carrying the archive's SHA-256 and the counts, never any text.

A ledger that was asked for (``--ledger`` or the variable) but cannot be used, or that fails
while recording, does not undo the sweep: what was printed and written stays, a message says
what was and was not recorded, and the command ends with exit 4 so that no script takes an
unrecorded sweep for a recorded one. The default file is used only when it exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nypconsol.core.models import PlanEntry


@dataclass
class LedgerOutcome:
    """What happened in the ledger: lines for stderr, and whether it failed."""

    lines: list[str] = field(default_factory=list)
    failed: bool = False


def record_sweep(
    option: str | None,
    document: dict,
    entries: Mapping[tuple[str, str], PlanEntry],
    account_key,  # type: ignore[no-untyped-def]
    *,
    counts: Mapping[str, Mapping[str, int]],
) -> LedgerOutcome:
    """Record the sweep in the ledger named by ``option`` (else the variable, else the default
    file when it exists). ``entries`` are the plan's migrated accounts by ``account_key(handle,
    platform)``. ``counts`` are each archive's items by priority and its unanswered P1 and P2
    items, by path (``StoredSweep.archive_counts``)."""
    from nypconsol.ledger import LedgerError, LedgerKind, LedgerSource, resolve_location

    outcome = LedgerOutcome()
    try:
        location = resolve_location(option)
    except LedgerError as error:
        return _failed(outcome, str(error).rstrip("."), [])
    if (
        location.source is LedgerSource.DEFAULT
        and location.kind is LedgerKind.SQLITE
        and location.path is not None
        and not location.path.exists()
    ):
        outcome.lines.append(
            "Not recorded in a progress ledger: there is none here (--ledger, NYPCONSOL_LEDGER "
            "or ./nypconsol-ledger.sqlite)."
        )
        return outcome
    if not document["archives"]:
        return outcome
    return _record(option, document, entries, account_key, outcome, counts)


def _record(option, document, entries, account_key, outcome, counts):  # type: ignore[no-untyped-def]
    from nypconsol.cli.ledger_use import ledger_source
    from nypconsol.core.progress import RecordRefused
    from nypconsol.ledger import InvalidRecord, LedgerError, SweepDetails, open_ledger, record_sweep

    recorded: list[str] = []
    # An archive not read whole (a message file refused) is not swept: recording it would let
    # the account be closed with messages nobody has read.
    partial = [a for a in document["archives"] if not a["complete"]]
    if partial:
        named = ", ".join(f"{a['account']} ({a['platform']})" for a in partial)
        its = "its archive" if len(partial) == 1 else "their archives"
        outcome.lines.append(
            f"Not recorded as swept: {named}, as not all of {its} could be read (see the "
            "findings above); mend or download it again, and sweep it again."
        )
    complete = [a for a in document["archives"] if a["complete"]]
    if not complete:
        return outcome
    try:
        with open_ledger(option, create=False) as ledger:
            for archive in complete:
                entry = entries[account_key(archive["account"], archive["platform"])]
                row = counts[archive["path"]]
                details = SweepDetails(
                    archive_sha256=archive["sha256"],
                    conversations=archive["conversations"],
                    messages=archive["messages"],
                    p1=row["P1"],
                    p2=row["P2"],
                    p3=row["P3"],
                    unanswered=row["unanswered"],
                )
                done = record_sweep(ledger, entry, details)
                recorded.append(f"{entry.account.handle} ({entry.account.platform})")
                outcome.lines += [
                    f"Ledger: {entry.account.handle} ({entry.account.platform}): {w.message}"
                    for w in done.check.warnings
                ]
            where = ledger_source(ledger)
    except (LedgerError, InvalidRecord, RecordRefused) as error:
        return _failed(outcome, str(error).rstrip("."), recorded)
    outcome.lines.append(
        f"Recorded in the progress ledger {where}: swept for {', '.join(recorded)}, with each "
        "archive's SHA-256 and counts (no message text)."
    )
    return outcome


def _failed(outcome: LedgerOutcome, reason: str, recorded: list[str]) -> LedgerOutcome:
    done = f" Recorded before it failed: {', '.join(recorded)}." if recorded else ""
    outcome.lines.append(
        f"Error: the sweep was not recorded in the progress ledger: {reason}.{done} The output "
        "above and any files written stand; record the sweep once the ledger can be reached."
    )
    outcome.failed = True
    return outcome
