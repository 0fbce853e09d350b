"""Ledger events to and from database rows, and the hash chain's checks on them."""

from __future__ import annotations

from typing import Any

from nypconsol.core.progress import (
    shown,
)
from nypconsol.core.steps import Step
from nypconsol.ledger.errors import LedgerError
from nypconsol.ledger.events import (
    LedgerEvent,
    SweepDetails,
    canonical_fields,
    event_hash,
)


def canonical(item: LedgerEvent) -> dict[str, Any]:
    return canonical_fields(
        id=item.id,
        handle=item.handle,
        platform=item.platform,
        step=item.step.value,
        by=item.by,
        db_user=item.db_user,
        at=item.at,
        recorded_at=item.recorded_at,
        note=item.note,
        forced=item.forced,
        undo_of=item.undo_of,
        prev_hash=item.prev_hash,
        sweep=item.sweep.canonical() if item.sweep is not None else None,
    )


def row(item: LedgerEvent, digest: str) -> dict[str, Any]:
    sweep = item.sweep
    return {
        "id": item.id,
        "handle": item.handle,
        "platform": item.platform,
        "step": item.step.value,
        "by": item.by,
        "db_user": item.db_user,
        "at": item.at,
        "recorded_at": item.recorded_at,
        "note": item.note,
        "forced": item.forced,
        "undo_of": item.undo_of,
        "prev_hash": item.prev_hash,
        "hash": digest,
        "archive_sha256": sweep.archive_sha256 if sweep else None,
        "sweep_conversations": sweep.conversations if sweep else None,
        "sweep_messages": sweep.messages if sweep else None,
        "sweep_p1": sweep.p1 if sweep else None,
        "sweep_p2": sweep.p2 if sweep else None,
        "sweep_p3": sweep.p3 if sweep else None,
        "sweep_unanswered": sweep.unanswered if sweep else None,
    }


def with_hash(item: LedgerEvent, digest: str) -> LedgerEvent:
    fields = {name: getattr(item, name) for name in LedgerEvent.__dataclass_fields__}
    fields["hash"] = digest
    return LedgerEvent(**fields)


def row_sweep(row: Any) -> dict[str, Any] | None:
    if row.archive_sha256 is None:
        return None
    return {
        "archive_sha256": row.archive_sha256,
        "conversations": row.sweep_conversations,
        "messages": row.sweep_messages,
        "p1": row.sweep_p1,
        "p2": row.sweep_p2,
        "p3": row.sweep_p3,
        "unanswered": row.sweep_unanswered,
    }


def event_from_row(row: Any) -> LedgerEvent:
    try:
        step = Step(row.step)
        sweep = row_sweep(row)
        return LedgerEvent(
            id=row.id,
            handle=row.handle,
            platform=row.platform,
            step=step,
            by=row.by,
            db_user=row.db_user,
            at=row.at,
            recorded_at=row.recorded_at,
            note=row.note,
            forced=bool(row.forced),
            undo_of=row.undo_of,
            prev_hash=row.prev_hash,
            hash=row.hash,
            sweep=SweepDetails(**sweep) if sweep is not None else None,
        )
    except (ValueError, TypeError):
        raise LedgerError(
            f"event {row.id} in the ledger cannot be read (step {shown(str(row.step))}): "
            "it was changed outside nypconsol; `nypconsol log --verify` shows where"
        ) from None


def chain_problem(row: Any, expected: int, previous: str) -> tuple[int, str] | None:
    """The first thing wrong with this row as the chain's ``expected``-th event, if any."""
    if row.id != expected:
        missing = (
            f"event {expected}" if row.id == expected + 1 else f"events {expected} to {row.id - 1}"
        )
        return (
            expected,
            f"{missing} {'is' if row.id == expected + 1 else 'are'} missing: the chain jumps to event {row.id}",
        )
    digest = event_hash(
        canonical_fields(
            id=row.id,
            handle=row.handle,
            platform=row.platform,
            step=row.step,
            by=row.by,
            db_user=row.db_user,
            at=row.at,
            recorded_at=row.recorded_at,
            note=row.note,
            forced=row.forced,
            undo_of=row.undo_of,
            prev_hash=row.prev_hash,
            sweep=row_sweep(row),
        )
    )
    if digest != row.hash:
        return (
            row.id,
            f"event {row.id} was changed after it was recorded: its contents do not match its hash",
        )
    if row.prev_hash != previous:
        return (
            row.id,
            f"event {row.id} does not follow event {row.id - 1}: the chain is broken there (an event was replaced, moved or removed)",
        )
    return None
