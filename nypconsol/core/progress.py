"""The progress rules, pure: whether a checklist step may be recorded for an account, and each
step's state on a given day, from the account's plan dates and its ledger events."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from nypconsol.core.errors import InputError
from nypconsol.core.findings import Severity
from nypconsol.core.steps import RULES, STEP_NAMES, STEPS, DueFrom, Step, due_date, opens_on

# The plan's dates are dates in England: a moment counts as the day it is in London.
PLAN_ZONE = ZoneInfo("Europe/London")


class StepStatus(StrEnum):
    """A step's state in ``status`` (the JSON's ``state``)."""

    DONE = "done"
    DUE = "due"  # due today and not done
    OVERDUE = "overdue"  # its due date has passed and it is not done
    NOT_YET = "not_yet"  # due later


class RecordCode(StrEnum):
    """Why recording a step is refused, or what the person should know about it."""

    STEP_ORDER = "step-order"  # a step it needs is not recorded (or only later)
    FORCE_NEEDS_NOTE = "force-needs-note"  # --force without a --note saying why
    TIME_IN_FUTURE = "time-in-future"  # --at later than now
    NOTHING_TO_UNDO = "nothing-to-undo"  # --undo with no live record of the step
    ORDER_OVERRIDDEN = "order-overridden"  # warning: recorded with --force, marked as forced
    BEFORE_PLAN_DATE = "before-plan-date"  # warning: earlier than the step opens
    ALREADY_RECORDED = "already-recorded"  # warning: the step already has a live record
    UNDO_BREAKS_ORDER = "undo-breaks-order"  # warning: a later step still rests on the one undone


# Every record code, with its severity (an error refuses the record) and what it means. The
# README's "Record codes" table is checked against it. They are not findings: a finding is
# about the inputs and has a file and line; these are about a record and its ledger.
RECORD_CODES: dict[RecordCode, tuple[Severity, str]] = {
    RecordCode.STEP_ORDER: (
        Severity.ERROR,
        "A step the recorded one needs is not recorded, or only later (give --force and --note to override).",
    ),
    RecordCode.FORCE_NEEDS_NOTE: (Severity.ERROR, "--force was given without a --note saying why."),
    RecordCode.TIME_IN_FUTURE: (Severity.ERROR, "--at is later than now."),
    RecordCode.NOTHING_TO_UNDO: (
        Severity.ERROR,
        "--undo, but the step has no standing record for the account.",
    ),
    RecordCode.ORDER_OVERRIDDEN: (
        Severity.WARNING,
        "An order rule was overridden with --force; the event is marked as forced.",
    ),
    RecordCode.BEFORE_PLAN_DATE: (
        Severity.WARNING,
        "The step is recorded as done before the plan date it opens on.",
    ),
    RecordCode.ALREADY_RECORDED: (
        Severity.WARNING,
        "The step already has a standing record for the account; this adds another.",
    ),
    RecordCode.UNDO_BREAKS_ORDER: (
        Severity.WARNING,
        "The record undone was needed by a later step that is still recorded.",
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One record in the progress ledger, as the rules see it. ``id`` is its place in the
    ledger; an undo is an event of the same step whose ``undo_of`` names the record it cancels."""

    id: int
    handle: str
    platform: str
    step: Step
    by: str
    at: dt.datetime  # when the step was done (timezone-aware)
    note: str | None = None
    forced: bool = False
    undo_of: int | None = None

    @property
    def is_undo(self) -> bool:
        return self.undo_of is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordProblem:
    code: RecordCode
    step: Step  # the step the problem is about (for an order problem, the one missing)
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordCheck:
    """The verdict on one record: refused when ``refusals`` is not empty; otherwise record it
    with ``forced`` and ``undo_of`` as given here and show the ``warnings``."""

    step: Step
    refusals: tuple[RecordProblem, ...] = ()
    warnings: tuple[RecordProblem, ...] = ()
    missing: tuple[Step, ...] = ()  # needed steps not recorded before the time given
    forced: bool = False  # an order rule was overridden with --force and a note
    undo_of: int | None = None  # for an undo: the id of the record it cancels

    @property
    def allowed(self) -> bool:
        return not self.refusals


@dataclass(frozen=True, slots=True, kw_only=True)
class StepState:
    """One checklist step of one account on a given day."""

    step: Step
    state: StepStatus
    due: dt.date
    done_at: dt.datetime | None = None
    by: str | None = None
    event_id: int | None = None  # the live record that makes it done
    forced: bool = False  # that record overrode an order rule


class UnknownStep(InputError, ValueError):
    """A step name that is not on the checklist; ``suggestions`` are the close ones (exit 1)."""

    def __init__(self, name: str, suggestions: Sequence[str]) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        hint = f"did you mean {' or '.join(self.suggestions)}? " if self.suggestions else ""
        super().__init__(
            f"unknown step {shown(name)}: {hint}The steps are {', '.join(STEP_NAMES)}."
        )


class RecordRefused(InputError):
    """Recording was refused by the progress rules; ``check.refusals`` say why (exit 1)."""

    def __init__(self, check: RecordCheck) -> None:
        self.check = check
        reasons = [problem.message for problem in check.refusals]
        codes = {problem.code for problem in check.refusals}
        if RecordCode.STEP_ORDER in codes and RecordCode.FORCE_NEEDS_NOTE not in codes:
            reasons.append(
                f"record {' and '.join(check.missing)} first, or give --force with a --note saying why"
            )
        super().__init__("; ".join(reasons))


@dataclass(frozen=True, slots=True, kw_only=True)
class _Verdict:
    """The problems found so far (the lists grow; the holder does not change)."""

    refusals: list[RecordProblem]
    warnings: list[RecordProblem]


def shown(text: str) -> str:
    """Text a person typed, quoted for a message, with control and format characters escaped so
    a terminal never acts on them."""
    out = []
    for char in text:
        if char.isprintable():
            out.append(char)
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def suggest_steps(name: str) -> tuple[str, ...]:
    """Step names close to ``name``, best first (for "did you mean")."""
    key = name.strip().casefold().replace("-", "_").replace(" ", "_")
    return tuple(difflib.get_close_matches(key, STEP_NAMES, n=3, cutoff=0.6))


def parse_step(name: str) -> Step:
    """The step recorded by exactly this name; raises UnknownStep with suggestions otherwise."""
    if name in STEP_NAMES:
        return Step(name)
    raise UnknownStep(name, suggest_steps(name))


def local_date(moment: dt.datetime) -> dt.date:
    """The plan date a moment falls on (its date in England)."""
    _require_aware(moment, "moment")
    return moment.astimezone(PLAN_ZONE).date()


def start_of_day(day: dt.date) -> dt.datetime:
    """The first moment of a plan date (midnight in England), for ``--since DATE``."""
    return dt.datetime.combine(day, dt.time(), tzinfo=PLAN_ZONE)


def format_moment(moment: dt.datetime) -> str:
    """A moment as a person in England reads it: ``2027-01-11 09:30 GMT``."""
    return moment.astimezone(PLAN_ZONE).strftime("%Y-%m-%d %H:%M %Z")


def live_events(events: Iterable[Event]) -> tuple[Event, ...]:
    """The records that stand, in ledger order: every event that is not an undo and has not
    been cancelled by one."""
    ordered = sorted(events, key=lambda event: event.id)
    cancelled = {event.undo_of for event in ordered if event.undo_of is not None}
    return tuple(e for e in ordered if e.undo_of is None and e.id not in cancelled)


def latest_live(events: Iterable[Event]) -> dict[Step, Event]:
    """Each step's latest standing record (by ledger order)."""
    latest: dict[Step, Event] = {}
    for event in live_events(events):
        latest[event.step] = event
    return latest


def check_record(
    *,
    step: Step,
    at: dt.datetime,
    now: dt.datetime,
    events: Iterable[Event],
    notice_date: dt.date,
    close_date: dt.date,
    force: bool = False,
    note: str | None = None,
    undo: bool = False,
) -> RecordCheck:
    """Whether recording ``step`` done at ``at`` (or, with ``undo``, cancelling its latest
    record) is allowed for an account with these plan dates and these ledger ``events`` (the
    account's own, any order)."""
    _require_aware(at, "at")
    _require_aware(now, "now")
    step = Step(step)
    history = tuple(events)
    _require_one_account(history)
    live = live_events(history)
    verdict = _Verdict(refusals=[], warnings=[])
    if at > now:
        verdict.refusals.append(
            RecordProblem(
                code=RecordCode.TIME_IN_FUTURE,
                step=step,
                message=f"{step} cannot be recorded at {format_moment(at)}: that is in the future (now {format_moment(now)})",
            )
        )
    if undo:
        return _check_undo(step=step, history=history, live=live, verdict=verdict)

    missing = _missing_needs(step=step, at=at, live=live)
    order_problems = [problem for _, problem in missing]
    has_note = bool(note and note.strip())
    forced = False
    if order_problems and force and has_note:
        forced = True
        verdict.warnings.extend(
            RecordProblem(
                code=RecordCode.ORDER_OVERRIDDEN,
                step=problem.step,
                message=f"{problem.message}; recorded anyway with --force, marked as forced",
            )
            for problem in order_problems
        )
    elif order_problems:
        verdict.refusals.extend(order_problems)
        if force:
            verdict.refusals.append(
                RecordProblem(
                    code=RecordCode.FORCE_NEEDS_NOTE,
                    step=step,
                    message="--force needs a --note saying why the order rule is overridden",
                )
            )

    opens = opens_on(step, notice_date, close_date)
    if local_date(at) < opens:
        plan_date = "notice date" if RULES[step].opens is DueFrom.NOTICE else "close date"
        verdict.warnings.append(
            RecordProblem(
                code=RecordCode.BEFORE_PLAN_DATE,
                step=step,
                message=f"{step} is recorded at {format_moment(at)}, before the account's {plan_date} {opens.isoformat()}",
            )
        )
    earlier = [event for event in live if event.step is step]
    if earlier:
        last = earlier[-1]
        verdict.warnings.append(
            RecordProblem(
                code=RecordCode.ALREADY_RECORDED,
                step=step,
                message=f"{step} is already recorded (event {last.id}, by {shown(last.by)} at {format_moment(last.at)}); this adds another record",
            )
        )
    return RecordCheck(
        step=step,
        refusals=tuple(verdict.refusals),
        warnings=tuple(verdict.warnings),
        missing=tuple(need for need, _ in missing),
        forced=forced,
    )


def step_states(
    *,
    events: Iterable[Event],
    notice_date: dt.date,
    close_date: dt.date,
    today: dt.date,
) -> tuple[StepState, ...]:
    """Every checklist step's state on ``today`` for one account, in checklist order."""
    history = tuple(events)
    _require_one_account(history)
    latest = latest_live(history)
    states = []
    for rule in STEPS:
        due = due_date(rule.step, notice_date, close_date)
        record = latest.get(rule.step)
        if record is not None:
            states.append(
                StepState(
                    step=rule.step,
                    state=StepStatus.DONE,
                    due=due,
                    done_at=record.at,
                    by=record.by,
                    event_id=record.id,
                    forced=record.forced,
                )
            )
            continue
        if today > due:
            state = StepStatus.OVERDUE
        elif today == due:
            state = StepStatus.DUE
        else:
            state = StepStatus.NOT_YET
        states.append(StepState(step=rule.step, state=state, due=due))
    return tuple(states)


def next_step(states: Iterable[StepState]) -> StepState | None:
    """The first step on the checklist that is not done, or None when all are."""
    return next((state for state in states if state.state is not StepStatus.DONE), None)


def _check_undo(
    *, step: Step, history: tuple[Event, ...], live: tuple[Event, ...], verdict: _Verdict
) -> RecordCheck:
    standing = [event for event in live if event.step is step]
    if not standing:
        ever = any(event.step is step and not event.is_undo for event in history)
        reason = "every record of it is already undone" if ever else "it has no record"
        verdict.refusals.append(
            RecordProblem(
                code=RecordCode.NOTHING_TO_UNDO,
                step=step,
                message=f"there is no record of {step} to undo: {reason}",
            )
        )
        return RecordCheck(step=step, refusals=tuple(verdict.refusals))
    target = standing[-1]
    remaining = [event for event in live if event.id != target.id]
    if not any(event.step is step for event in remaining):
        for rule in STEPS:
            dependants = [e for e in remaining if e.step is rule.step]
            if step in rule.needs and dependants:
                verdict.warnings.append(
                    RecordProblem(
                        code=RecordCode.UNDO_BREAKS_ORDER,
                        step=rule.step,
                        message=f"{rule.step} is still recorded (event {dependants[-1].id}) and needs {step}",
                    )
                )
    return RecordCheck(
        step=step,
        refusals=tuple(verdict.refusals),
        warnings=tuple(verdict.warnings),
        undo_of=target.id,
    )


def _missing_needs(
    *, step: Step, at: dt.datetime, live: tuple[Event, ...]
) -> list[tuple[Step, RecordProblem]]:
    """The steps ``step`` needs that have no standing record done at or before ``at``."""
    missing = []
    for need in RULES[step].needs:
        records = [event for event in live if event.step is need]
        if not records:
            why = f"{need} is not recorded"
        elif all(event.at > at for event in records):
            first = min(event.at for event in records)
            why = f"{need} is recorded at {format_moment(first)}, after {format_moment(at)}"
        else:
            continue
        missing.append(
            (
                need,
                RecordProblem(
                    code=RecordCode.STEP_ORDER,
                    step=need,
                    message=f"{step} needs {need} first: {why}",
                ),
            )
        )
    return missing


def _require_aware(moment: dt.datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {moment!r}")


def _require_one_account(events: Sequence[Event]) -> None:
    accounts = {(event.handle, event.platform) for event in events}
    if len(accounts) > 1:
        raise ValueError(f"events of one account expected, got {sorted(accounts)}")
