"""The checklist every migrated account goes through, in order: the one list of step names that
the handover reports, the progress ledger and ``status`` share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from nypconsol.core.schedule import next_working_day, previous_working_day


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
    opens: DueFrom  # the plan date before which recording the step gives a warning


# In checklist order. "before close_date" is due on the last working day before the close date;
# "within 7 days after close_date" seven days after it (see due_date).
STEPS: tuple[StepRule, ...] = (
    StepRule(
        step=Step.ANNOUNCED,
        title="Announcement posted and pinned",
        due_from=DueFrom.NOTICE,
        days=0,
        needs=(),
        due_text="on the notice date",
        opens=DueFrom.NOTICE,
    ),
    StepRule(
        step=Step.SWEPT,
        title="Inbox, message requests and mentions checked for crime reports and intelligence, each passed on",
        due_from=DueFrom.CLOSE,
        days=-1,
        needs=(),
        due_text="before the close date",
        opens=DueFrom.NOTICE,
    ),
    StepRule(
        step=Step.ACCESS_GRANTED,
        title="Owner given access to the district account",
        due_from=DueFrom.CLOSE,
        days=-1,
        needs=(),
        due_text="before the close date",
        opens=DueFrom.NOTICE,
    ),
    StepRule(
        step=Step.FINAL_POSTED,
        title="Final post",
        due_from=DueFrom.CLOSE,
        days=0,
        needs=(Step.ANNOUNCED,),
        due_text="on the close date",
        opens=DueFrom.CLOSE,
    ),
    StepRule(
        step=Step.CLOSED,
        title="Account closed (parked, or moved on Mastodon)",
        due_from=DueFrom.CLOSE,
        days=0,
        needs=(Step.FINAL_POSTED, Step.SWEPT),
        due_text="on the close date",
        opens=DueFrom.CLOSE,
    ),
    StepRule(
        step=Step.CREDENTIALS_RESET,
        title="Password and two-factor reset, and the account removed from personal devices",
        due_from=DueFrom.CLOSE,
        days=7,
        needs=(),
        due_text="within 7 days after the close date",
        opens=DueFrom.CLOSE,
    ),
    StepRule(
        step=Step.ARCHIVED,
        title="Data archive downloaded and kept under the force's retention schedule",
        due_from=DueFrom.CLOSE,
        days=7,
        needs=(),
        due_text="within 7 days after the close date",
        opens=DueFrom.CLOSE,
    ),
)
RULES: dict[Step, StepRule] = {rule.step: rule for rule in STEPS}
STEP_NAMES: tuple[str, ...] = tuple(rule.step.value for rule in STEPS)


def due_date(step: Step, notice_date: dt.date, close_date: dt.date) -> dt.date:
    """The date a step is due for an account with these plan dates, on a working day in
    England: a step due before a date falls on the last working day before it (the day before
    a Monday close is the Friday, not the Sunday); one due after a date, on the first working
    day on or after the day counted."""
    rule = RULES[step]
    start = notice_date if rule.due_from is DueFrom.NOTICE else close_date
    day = start + dt.timedelta(days=rule.days)
    return previous_working_day(day) if rule.days < 0 else next_working_day(day)


def opens_on(step: Step, notice_date: dt.date, close_date: dt.date) -> dt.date:
    """The plan date from which a step is expected: recording it earlier gives a warning."""
    return notice_date if RULES[step].opens is DueFrom.NOTICE else close_date
