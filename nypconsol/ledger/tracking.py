"""What other commands ask of the ledger: each migrated account's checklist states (for the
handover reports) and recording a sweep (for ``sweep``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from nypconsol.core.models import Action, Plan, PlanEntry
from nypconsol.core.progress import StepState, local_date
from nypconsol.core.status import ledger_states as states_from_events
from nypconsol.core.steps import Step
from nypconsol.ledger.events import InvalidRecord, SweepDetails

if TYPE_CHECKING:
    from nypconsol.ledger.store import Ledger, Recorded


def ledger_states(
    plan: Plan, ledger: Ledger, *, today: dt.date | None = None
) -> dict[tuple[str, str], dict[Step, StepState]]:
    """Every account the plan migrates -> each checklist step's state on ``today`` (default:
    today in England), keyed ``(platform id, handle)`` with the handle as the plan spells it.
    Events are matched to accounts as the platform compares handles. One read of the ledger.

    A ``StepState`` has ``state`` (``StepStatus``: done, due, overdue, not_yet), ``due``,
    ``done_at``, ``by``, ``event_id`` and ``forced``. Raises LedgerError (exit 4) when the
    ledger cannot be read."""
    if today is None:
        today = local_date(dt.datetime.now(dt.UTC))
    return states_from_events(plan, ledger.events_by_account(), today=today)


def record_sweep(
    ledger: Ledger,
    entry: PlanEntry,
    details: SweepDetails,
    *,
    by: str | None = None,
    at: dt.datetime | None = None,
    note: str | None = None,
) -> Recorded:
    """Record a ``swept`` event for the plan's migrated account ``entry``, carrying the
    archive's SHA-256 and the counts (never any message text). ``by`` defaults to the login
    name, ``at`` to now. Sweeping an account again adds another record (with an
    ``already-recorded`` warning in the result's ``check.warnings``). Raises InvalidRecord
    (exit 1) for an account the plan does not migrate, LedgerError (exit 4) when the ledger
    fails; either way nothing is recorded."""
    if entry.action is not Action.MIGRATE or entry.notice_date is None or entry.close_date is None:
        raise InvalidRecord(
            f"{entry.account.handle} on {entry.account.platform} is not migrated by the plan "
            f"({entry.action.value}): it has no checklist to record a sweep in"
        )
    if by is None:
        from nypconsol.ledger.engine import login_name

        by = login_name()
    return ledger.record(
        handle=entry.account.handle,
        platform=entry.account.platform,
        step=Step.SWEPT,
        by=by,
        notice_date=entry.notice_date,
        close_date=entry.close_date,
        at=at,
        note=note,
        sweep=details,
    )
