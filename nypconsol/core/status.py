"""Where the migration stands on a day: every migrated account's checklist steps from the plan
and the ledger's events (``status``), per district, what needs attention, and the same states
keyed by account for the handover reports."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from nypconsol.core.lookup import account_key
from nypconsol.core.models import FORCE_ID, Action, Plan, PlanEntry
from nypconsol.core.progress import Event, StepState, StepStatus, step_states
from nypconsol.core.steps import STEP_NAMES, Step

# (handle, platform) as the ledger holds them -> that account's events, oldest first
EventsByAccount = Mapping[tuple[str, str], Sequence[Event]]


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountStatus:
    """One migrated account's checklist on the day."""

    handle: str  # as the plan spells it
    platform: str
    district: str
    notice_date: dt.date
    close_date: dt.date
    source_file: str  # the inventory row it comes from, for annotations
    source_line: int | None
    steps: tuple[StepState, ...]  # in checklist order

    def count(self, state: StepStatus) -> int:
        return sum(1 for step in self.steps if step.state is state)

    @property
    def complete(self) -> bool:
        return all(step.state is StepStatus.DONE for step in self.steps)


@dataclass(frozen=True, slots=True, kw_only=True)
class DistrictProgress:
    """One district's (or the force-wide accounts') steps, counted by state."""

    id: str
    name: str
    accounts: int
    done: int
    due: int
    overdue: int
    not_yet: int
    complete: int  # accounts with every step done

    @property
    def steps(self) -> int:
        return self.done + self.due + self.overdue + self.not_yet


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusReport:
    today: dt.date
    accounts: tuple[AccountStatus, ...]  # in plan order
    districts: tuple[DistrictProgress, ...]  # those chosen, in the mapping's order
    unmatched_events: int  # ledger events of accounts this plan does not migrate
    ledger: str = ""  # the ledger's name as output may show it

    def attention(self, state: StepStatus) -> tuple[tuple[AccountStatus, StepState], ...]:
        """The steps in ``state`` (overdue or due), longest waiting first, then plan order."""
        found = [
            (position, account, step)
            for position, account in enumerate(self.accounts)
            for step in account.steps
            if step.state is state
        ]
        found.sort(key=lambda item: (item[2].due, item[0], STEP_NAMES.index(item[2].step)))
        return tuple((account, step) for _, account, step in found)

    def count(self, state: StepStatus) -> int:
        return sum(account.count(state) for account in self.accounts)


def match_events(
    entries: Iterable[PlanEntry], events_by_account: EventsByAccount
) -> tuple[dict[tuple[str, str], tuple[Event, ...]], int]:
    """Each migrated account's events, keyed by ``account_key``, found as the platform compares
    handles (a handle whose case was corrected in the inventory keeps its history) and carrying
    the plan's spelling; and how many events belong to no account the plan migrates."""
    by_key: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for (handle, platform), events in events_by_account.items():
        by_key[account_key(platform, handle)].extend(events)
    matched: dict[tuple[str, str], tuple[Event, ...]] = {}
    for entry in entries:
        if entry.action is not Action.MIGRATE:
            continue
        handle, platform = entry.account.handle, entry.account.platform
        key = account_key(platform, handle)
        events = sorted(by_key.get(key, ()), key=lambda event: event.id)
        matched[key] = tuple(
            event if event.handle == handle else dataclasses.replace(event, handle=handle)
            for event in events
        )
    unmatched = sum(len(events) for key, events in by_key.items() if key not in matched)
    return matched, unmatched


def build_status(
    plan: Plan,
    events_by_account: EventsByAccount,
    *,
    today: dt.date,
    districts: Sequence[str] | None = None,
    ledger: str = "",
) -> StatusReport:
    """Every migrated account's steps on ``today`` (in the ``districts`` given, ids in the
    mapping's order; all by default), from the plan's dates and the ledger's events."""
    matched, unmatched = match_events(plan.entries, events_by_account)
    chosen = None if districts is None else set(districts)
    accounts = []
    for entry in plan.entries:
        if entry.action is not Action.MIGRATE or (
            chosen is not None and entry.district not in chosen
        ):
            continue
        account = entry.account
        assert entry.notice_date is not None and entry.close_date is not None
        accounts.append(
            AccountStatus(
                handle=account.handle,
                platform=account.platform,
                district=entry.district,
                notice_date=entry.notice_date,
                close_date=entry.close_date,
                source_file=account.source.file,
                source_line=account.source.line,
                steps=step_states(
                    events=matched[account_key(account.platform, account.handle)],
                    notice_date=entry.notice_date,
                    close_date=entry.close_date,
                    today=today,
                ),
            )
        )
    return StatusReport(
        today=today,
        accounts=tuple(accounts),
        districts=_district_progress(plan, accounts, districts),
        unmatched_events=unmatched,
        ledger=ledger,
    )


def _district_progress(
    plan: Plan, accounts: Sequence[AccountStatus], districts: Sequence[str] | None
) -> tuple[DistrictProgress, ...]:
    order = [d.id for d in plan.config.districts] + [FORCE_ID]
    if districts is None:  # every district that has accounts to migrate
        present = {account.district for account in accounts}
        wanted = [d for d in order if d in present]
    else:  # the districts asked for, even one with none
        wanted = [d for d in order if d in set(districts)]
    grouped: dict[str, list[AccountStatus]] = {district: [] for district in wanted}
    for account in accounts:
        grouped[account.district].append(account)
    return tuple(
        DistrictProgress(
            id=district,
            name=plan.config.district_name(district),
            accounts=len(members),
            done=sum(a.count(StepStatus.DONE) for a in members),
            due=sum(a.count(StepStatus.DUE) for a in members),
            overdue=sum(a.count(StepStatus.OVERDUE) for a in members),
            not_yet=sum(a.count(StepStatus.NOT_YET) for a in members),
            complete=sum(1 for a in members if a.complete),
        )
        for district, members in grouped.items()
    )


def status_summary(report: StatusReport) -> dict:
    """The JSON's ``summary``: totals, then per step and per district, counted by state."""

    def states(counts: Mapping[StepStatus, int]) -> dict[str, int]:
        return {state.value: counts.get(state, 0) for state in StepStatus}

    by_step: dict[Step, dict[StepStatus, int]] = {Step(name): {} for name in STEP_NAMES}
    for account in report.accounts:
        for step in account.steps:
            counts = by_step[step.step]
            counts[step.state] = counts.get(step.state, 0) + 1
    totals = {state: report.count(state) for state in StepStatus}
    return {
        "accounts": len(report.accounts),
        "accounts_complete": sum(1 for a in report.accounts if a.complete),
        "accounts_overdue": sum(1 for a in report.accounts if a.count(StepStatus.OVERDUE)),
        "steps": sum(totals.values()),
        **states(totals),
        "unmatched_events": report.unmatched_events,
        "by_step": {step.value: states(counts) for step, counts in by_step.items()},
        "districts": {
            d.id: {
                "name": d.name,
                "accounts": d.accounts,
                "accounts_complete": d.complete,
                "steps": d.steps,
                "done": d.done,
                "due": d.due,
                "overdue": d.overdue,
                "not_yet": d.not_yet,
            }
            for d in report.districts
        },
    }


def ledger_states(
    plan: Plan, events_by_account: EventsByAccount, *, today: dt.date
) -> dict[tuple[str, str], dict[Step, StepState]]:
    """Every migrated account's steps on ``today``, keyed ``(platform id, handle)`` with the
    handle as the plan spells it (for the handover reports)."""
    report = build_status(plan, events_by_account, today=today)
    return {
        (account.platform, account.handle): {state.step: state for state in account.steps}
        for account in report.accounts
    }
