"""The checklist every migrated account goes through, in order: the one list of step names that
the handover reports, the progress ledger and ``status`` share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Step(StrEnum):
    ANNOUNCED = "announced"
    SWEPT = "swept"
    ACCESS_GRANTED = "access_granted"
    FINAL_POSTED = "final_posted"
    CLOSED = "closed"
    CREDENTIALS_RESET = "credentials_reset"
    ARCHIVED = "archived"


class DueFrom(StrEnum):
    """Which plan date a step's due date is counted from."""

    NOTICE = "notice_date"
    CLOSE = "close_date"


@dataclass(frozen=True, slots=True)
class StepRule:
    step: Step
    title: str  # the checklist line, as a person reads it
    due_from: DueFrom
    days: int  # due this many calendar days after (negative: before) the date it counts from
    needs: tuple[Step, ...]  # steps that must be recorded first
    due_text: str  # when it is due, in words


# In checklist order. "before close_date" is due the day before the close date; "within 7 days
# after close_date" is due seven days after it.
STEPS: tuple[StepRule, ...] = (
    StepRule(
        Step.ANNOUNCED,
        "Announcement posted and pinned",
        DueFrom.NOTICE,
        0,
        (),
        "on the notice date",
    ),
    StepRule(
        Step.SWEPT,
        "Inbox, message requests and mentions checked for crime reports and intelligence, each passed on",
        DueFrom.CLOSE,
        -1,
        (),
        "before the close date",
    ),
    StepRule(
        Step.ACCESS_GRANTED,
        "Owner given access to the district account",
        DueFrom.CLOSE,
        -1,
        (),
        "before the close date",
    ),
    StepRule(
        Step.FINAL_POSTED, "Final post", DueFrom.CLOSE, 0, (Step.ANNOUNCED,), "on the close date"
    ),
    StepRule(
        Step.CLOSED,
        "Account closed (parked, or moved on Mastodon)",
        DueFrom.CLOSE,
        0,
        (Step.FINAL_POSTED, Step.SWEPT),
        "on the close date",
    ),
    StepRule(
        Step.CREDENTIALS_RESET,
        "Password and two-factor reset, and the account removed from personal devices",
        DueFrom.CLOSE,
        7,
        (),
        "within 7 days after the close date",
    ),
    StepRule(
        Step.ARCHIVED,
        "Data archive downloaded and kept under the force's retention schedule",
        DueFrom.CLOSE,
        7,
        (),
        "within 7 days after the close date",
    ),
)
RULES: dict[Step, StepRule] = {rule.step: rule for rule in STEPS}
STEP_NAMES: tuple[str, ...] = tuple(rule.step.value for rule in STEPS)


def due_date(step: Step, notice_date: dt.date, close_date: dt.date) -> dt.date:
    """The date a step is due for an account with these plan dates."""
    rule = RULES[step]
    start = notice_date if rule.due_from is DueFrom.NOTICE else close_date
    return start + dt.timedelta(days=rule.days)


def plan_date(step: Step, notice_date: dt.date, close_date: dt.date) -> dt.date:
    """The plan date a step belongs to: recording it before this date gives a warning."""
    return notice_date if RULES[step].due_from is DueFrom.NOTICE else close_date
