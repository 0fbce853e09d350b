"""The handover document as data: for each district (and the force-wide accounts) the accounts
that fold into it, the voices who will post through it, the checklist for every account and the
sign-off, with an index across them; built from a plan, optionally with the ledger's progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from nypconsol.core.config import district_file_stem
from nypconsol.core.models import FORCE_ID, Action, InputRef, Plan, PlanEntry, Source
from nypconsol.core.platforms import PLATFORMS, Closure
from nypconsol.core.progress import StepStatus
from nypconsol.core.steps import STEPS, Step, due_date
from nypconsol.core.totals import Totals, add_totals, totals_of

_ORDER = {platform_id: n for n, platform_id in enumerate(PLATFORMS)}


class ChecklistStep(NamedTuple):
    """One step of an account's checklist (a NamedTuple, as the per-row records of
    core/models.py: there are seven per account)."""

    step: Step
    number: int  # 1-based, in checklist order
    title: str
    detail: str  # what the step means for this account ("" when the title says it all)
    due_date: dt.date
    due_text: str  # when it is due, in words
    progress: StepProgress | None  # None: no progress given for this account


@dataclass(frozen=True, slots=True)
class Destination:
    """An account that a report's accounts move to."""

    platform: str
    platform_name: str
    handle: str
    as_written: str
    url: str
    force_wide: bool  # the force's account, used where the district has none on the platform
    accounts: int  # how many of the report's accounts move to it


@dataclass(frozen=True, slots=True)
class HandoverAccount:
    """One individual account of a report: consolidated, retained or skipped."""

    handle: str
    platform: str
    platform_name: str
    as_written: str
    url: str
    owner: str
    collar_number: str
    role: str
    area: str
    sign_off: str
    followers: int | None
    last_post: dt.date | None
    status: str
    action: Action
    note: str  # why it is retained or skipped
    target: str | None
    target_as_written: str | None
    target_url: str | None
    wave: int | None
    notice_date: dt.date | None
    close_date: dt.date | None
    closure: Closure | None  # how it closes (migrated accounts only)
    closure_steps: str
    closure_why: str
    source: Source
    checklist: tuple[ChecklistStep, ...]  # empty unless migrated


@dataclass(frozen=True, slots=True)
class Voice:
    """An officer or team who will post through the district's accounts instead of their own."""

    owner: str
    collar_number: str
    role: str
    sign_off: str  # the name they will post under, where given
    accounts: tuple[HandoverAccount, ...]  # their accounts that close
    access: tuple[Destination, ...]  # the accounts they need access to


@dataclass(frozen=True, slots=True)
class SignOff:
    outgoing: tuple[Voice, ...]  # each outgoing owner signs for their accounts
    receiving: str  # who signs for the district, e.g. "Craven district lead"


@dataclass(frozen=True, slots=True)
class DistrictHandover:
    """The report for one district, or for the force-wide accounts (``id == "force"``)."""

    id: str
    name: str
    stem: str  # its file name without the extension: the district id, never "index"
    destinations: tuple[Destination, ...]
    consolidated: tuple[HandoverAccount, ...]
    retained: tuple[HandoverAccount, ...]
    skipped: tuple[HandoverAccount, ...]
    voices: tuple[Voice, ...]
    totals: Totals
    sign_off: SignOff

    @property
    def force_wide(self) -> bool:
        return self.id == FORCE_ID


@dataclass(frozen=True, slots=True)
class Handover:
    """Every report, in config order (force-wide last), and the index's totals across them."""

    force_name: str
    start: dt.date
    start_source: str
    notice_days: int
    inputs: Mapping[str, InputRef | None]
    placeholders: bool  # the destination handles are examples still to be replaced
    warnings: int  # how many warnings the plan has
    with_progress: bool  # the ledger's progress was given
    reports: tuple[DistrictHandover, ...]
    totals: Totals  # the sum of the reports' totals


def report_ids(plan: Plan) -> tuple[str, ...]:
    """Every district in config order, then ``force`` when the plan has force-wide accounts."""
    ids = [d.id for d in plan.config.districts]
    if any(e.district == FORCE_ID for e in plan.entries):
        ids.append(FORCE_ID)
    return tuple(ids)


# --- the progress ledger's hook ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepProgress:
    """What the ledger recorded for one step of one account."""

    state: StepStatus
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
    if hasattr(value, "state") and hasattr(value, "done_at"):  # the ledger's StepState
        return StepProgress(state=StepStatus(value.state), done_at=value.done_at, by=value.by or "")
    if isinstance(value, str):  # the state alone
        return StepProgress(state=StepStatus(value))
    state, done_at, by = (*value, None, None)[:3]
    return StepProgress(state=StepStatus(state), done_at=done_at, by=by or "")


def build_handover(
    plan: Plan,
    *,
    districts: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> Handover:
    """The handover reports for ``districts`` (ids, ``force`` for the force-wide accounts;
    default: ``report_ids(plan)``), in config order.

    ``progress`` is the ledger's hook: per account, keyed ``(platform id, handle)`` (handles
    compared as the platform compares them), a mapping of step name (``announced`` ...
    ``archived``) to ``StepProgress`` or ``(state, done_at, by)`` with state ``done``, ``due``,
    ``overdue`` or ``not_yet``. The checklist shows it where given, else the due dates only.
    """
    config = plan.config
    known = [d.id for d in config.districts] + [FORCE_ID]
    wanted = report_ids(plan) if districts is None else tuple(dict.fromkeys(districts))
    unknown = [d for d in wanted if d not in known]
    if unknown:
        raise ValueError(f"no such district: {', '.join(unknown)} (known: {', '.join(known)})")
    chosen = [d for d in known if d in wanted]
    lookup = progress_lookup(progress) if progress is not None else None
    entries: dict[str, list[PlanEntry]] = {d: [] for d in chosen}
    for entry in plan.entries:
        if entry.district in entries:
            entries[entry.district].append(entry)
    checklists = _Checklists()
    reports = tuple(_report(plan, d, entries[d], lookup, checklists) for d in chosen)
    return Handover(
        force_name=config.force.name,
        start=plan.start,
        start_source=plan.start_source,
        notice_days=plan.notice_days,
        inputs=dict(plan.inputs),
        placeholders=config.placeholders,
        warnings=len(plan.warnings),
        with_progress=progress is not None,
        reports=reports,
        totals=add_totals([r.totals for r in reports]),
    )


def file_stem(district_id: str) -> str:
    """A report's file name without extension (core/config.district_file_stem)."""
    return district_file_stem(district_id)


def _report(
    plan: Plan,
    district_id: str,
    entries: list[PlanEntry],
    lookup: dict[tuple[str, str], dict[Step, StepProgress]] | None,
    checklists: _Checklists,
) -> DistrictHandover:
    config = plan.config
    district = config.district(district_id)
    own = district.accounts if district else config.force.accounts
    arriving: dict[tuple[str, str], int] = {}
    for entry in entries:
        if entry.action is Action.MIGRATE and entry.target is not None:
            key = (entry.account.platform, entry.target)
            arriving[key] = arriving.get(key, 0) + 1
    destinations = _destinations(own, config.force.accounts, arriving)
    by_key = {(d.platform, d.handle): d for d in destinations}
    accounts = [_account(entry, lookup, checklists) for entry in entries]
    consolidated = tuple(a for a in accounts if a.action is Action.MIGRATE)
    voices = _voices(consolidated, by_key)
    name = district.name if district else config.force.name
    return DistrictHandover(
        id=district_id,
        name=config.district_name(district_id),
        stem=file_stem(district_id),
        destinations=destinations,
        consolidated=consolidated,
        retained=tuple(a for a in accounts if a.action is Action.RETAIN),
        skipped=tuple(a for a in accounts if a.action is Action.SKIP),
        voices=voices,
        totals=totals_of(accounts),
        sign_off=SignOff(
            outgoing=voices,
            receiving=f"{name} district lead" if district else f"{name} force-wide accounts lead",
        ),
    )


def _destinations(
    own: Mapping[str, str], force: Mapping[str, str], arriving: Mapping[tuple[str, str], int]
) -> tuple[Destination, ...]:
    """The report's own destination accounts, and any force-wide ones its accounts move to, in
    the platform table's order."""
    found = []
    for platform_id, platform in PLATFORMS.items():
        handles = []
        if platform_id in own:
            handles.append((own[platform_id], False))
        fallback = force.get(platform_id)
        if fallback is not None and (platform_id, fallback) in arriving and platform_id not in own:
            handles.append((fallback, True))
        found += [
            Destination(
                platform=platform_id,
                platform_name=platform.name,
                handle=handle,
                as_written=platform.as_written(handle),
                url=platform.profile_url(handle),
                force_wide=force_wide,
                accounts=arriving.get((platform_id, handle), 0),
            )
            for handle, force_wide in handles
        ]
    return tuple(found)


def _account(
    entry: PlanEntry,
    lookup: dict[tuple[str, str], dict[Step, StepProgress]] | None,
    checklists: _Checklists,
) -> HandoverAccount:
    account = entry.account
    platform = PLATFORMS[account.platform]
    target = entry.target
    migrating = entry.action is Action.MIGRATE
    checklist: tuple[ChecklistStep, ...] = ()
    if migrating and entry.notice_date is not None and entry.close_date is not None:
        recorded = None
        if lookup is not None:
            recorded = lookup.get((account.platform, platform.handle_key(account.handle)))
        checklist = checklists.get(
            account.platform, target, entry.notice_date, entry.close_date, recorded
        )
    return HandoverAccount(
        handle=account.handle,
        platform=account.platform,
        platform_name=platform.name,
        as_written=platform.as_written(account.handle),
        url=platform.profile_url(account.handle),
        owner=account.owner,
        collar_number=account.collar_number,
        role=account.role,
        area=account.area,
        sign_off=account.sign_off,
        followers=account.followers,
        last_post=account.last_post,
        status=account.status,
        action=entry.action,
        note=entry.note,
        target=target,
        target_as_written=platform.as_written(target) if target else None,
        target_url=platform.profile_url(target) if target else None,
        wave=entry.wave,
        notice_date=entry.notice_date,
        close_date=entry.close_date,
        closure=platform.closure if migrating else None,
        closure_steps=platform.closure_steps if migrating else "",
        closure_why=platform.closure_why if migrating else "",
        source=account.source,
        checklist=checklist,
    )


class _Checklists:
    """The checklist of every account, made once for each platform, destination and pair of
    dates: accounts without recorded progress share one immutable tuple (a district's accounts
    mostly move in one wave to a few destinations, so a 10,000-account plan needs a few dozen)."""

    def __init__(self) -> None:
        self._made: dict[tuple, tuple[ChecklistStep, ...]] = {}

    def get(
        self,
        platform_id: str,
        target: str | None,
        notice: dt.date,
        close: dt.date,
        recorded: Mapping[Step, StepProgress] | None,
    ) -> tuple[ChecklistStep, ...]:
        key = (platform_id, target, notice, close)
        shared = self._made.get(key)
        if shared is None:
            shared = self._made[key] = self._make(platform_id, target, notice, close)
        if not recorded:
            return shared
        return tuple(step._replace(progress=recorded.get(step.step)) for step in shared)

    @staticmethod
    def _make(
        platform_id: str, target: str | None, notice: dt.date, close: dt.date
    ) -> tuple[ChecklistStep, ...]:
        platform = PLATFORMS[platform_id]
        details = {
            Step.ACCESS_GRANTED: f"{platform.as_written(target)} on {platform.name}"
            if target
            else "",
            Step.CLOSED: f"on {platform.name}: {platform.closure_steps}",
        }
        return tuple(
            ChecklistStep(
                step=rule.step,
                number=number,
                title=rule.title,
                detail=details.get(rule.step, ""),
                due_date=due_date(rule.step, notice, close),
                due_text=rule.due_text,
                progress=None,
            )
            for number, rule in enumerate(STEPS, start=1)
        )


def _voices(
    accounts: tuple[HandoverAccount, ...], destinations: Mapping[tuple[str, str], Destination]
) -> tuple[Voice, ...]:
    """One voice per owner (same name and collar number, ignoring case and spacing); accounts
    with no owner recorded each stand alone, so that nobody is left out of the sign-off."""
    groups: dict[tuple[str, str, str], list[HandoverAccount]] = {}
    for account in accounts:
        owner = " ".join(account.owner.split()).casefold()
        collar = account.collar_number.strip().casefold()
        key = (owner, collar, "" if owner or collar else f"{account.platform}:{account.handle}")
        groups.setdefault(key, []).append(account)
    voices = []
    for key in sorted(groups):
        group = groups[key]
        access = {}
        for account in group:
            if account.target is not None:
                place = destinations.get((account.platform, account.target))
                if place is not None:
                    access[(place.platform, place.handle)] = place
        voices.append(
            Voice(
                owner=group[0].owner,
                collar_number=group[0].collar_number,
                role=_distinct(a.role for a in group),
                sign_off=_distinct(a.sign_off for a in group),
                accounts=tuple(group),
                access=tuple(sorted(access.values(), key=lambda d: _ORDER[d.platform])),
            )
        )
    return tuple(voices)


def _distinct(values: Iterable[str]) -> str:
    return "; ".join(dict.fromkeys(v for v in values if v))
