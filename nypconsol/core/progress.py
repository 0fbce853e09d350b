"""How far an account has got through the checklist, as the progress ledger reports it: the
states of a step, and the shape in which reports (handover, status) accept them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from nypconsol.core.platforms import PLATFORMS
from nypconsol.core.steps import Step


class StepState(StrEnum):
    """Where an account's step stands, as the progress ledger reports it."""

    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_YET = "not_yet"


@dataclass(frozen=True, slots=True)
class StepProgress:
    """What the ledger recorded for one step of one account."""

    state: StepState
    done_at: dt.date | dt.datetime | None = None
    by: str = ""


# The ledger's hook: (platform id, handle) -> {step name: StepProgress or (state, done_at, by)}.
Progress = Mapping[tuple[str, str], Mapping[str, "StepProgress | Sequence"]]


def progress_lookup(progress: Progress) -> dict[tuple[str, str], dict[Step, StepProgress]]:
    """The ledger's progress keyed as the plan's accounts are compared: platform id and the
    platform's handle key (case, and Facebook's dots, ignored; a leading ``@`` dropped)."""
    lookup: dict[tuple[str, str], dict[Step, StepProgress]] = {}
    for (platform_id, handle), steps in progress.items():
        platform = PLATFORMS.get(platform_id)
        if platform is None:
            raise ValueError(f"progress for an unknown platform: {platform_id!r}")
        key = (platform_id, platform.handle_key(handle.removeprefix("@")))
        lookup[key] = {Step(name): _step_progress(value) for name, value in steps.items()}
    return lookup


def _step_progress(value: StepProgress | Sequence) -> StepProgress:
    if isinstance(value, StepProgress):
        return value
    if isinstance(value, str):  # the state alone
        return StepProgress(state=StepState(value))
    state, done_at, by = (*value, None, None)[:3]
    return StepProgress(state=StepState(state), done_at=done_at, by=by or "")
