"""Check the inputs and plan the migration: every account's action, destination and dates,
and the plan's summary per district."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nypconsol.core.findings import Finding, about_record, sort_findings
from nypconsol.core.inventory import parse_record
from nypconsol.core.models import (
    ACTION_TEXT,
    FORCE_ID,
    Account,
    Action,
    Config,
    InputSource,
    Plan,
    PlanEntry,
    RawRecord,
)
from nypconsol.core.platforms import normalise_handle
from nypconsol.core.resolve import resolve_accounts
from nypconsol.core.schedule import next_working_monday, wave_dates
from nypconsol.core.work_progress import ProgressReport, reported

# Where a plan's start date came from (the plan's "start_source").
START_OPTION = "--start"
START_POLICY = "policy.start"
START_NEXT_MONDAY = "next working Monday"


@dataclass(frozen=True, slots=True)
class Checked:
    """The inputs checked and resolved: one entry per identifiable account, and all findings."""

    config: Config | None  # None when the mapping is too broken to resolve against
    config_file: InputSource | None
    inventory_file: InputSource | None
    entries: list[PlanEntry]
    findings: list[Finding]
    record_count: int  # how many records the inventory had

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]


class InputsHaveErrors(Exception):
    """A plan was asked for, but the inputs have errors."""

    def __init__(self, findings: list[Finding]) -> None:
        errors = sum(f.is_error for f in findings)
        super().__init__(f"{errors} {'error' if errors == 1 else 'errors'} in the inputs")
        self.findings = findings


def check(
    config: Config | None,
    records: list[RawRecord],
    findings: list[Finding],
    *,
    config_file: InputSource | None = None,
    inventory_file: InputSource | None = None,
    today: dt.date | None = None,
    progress: ProgressReport | None = None,
) -> Checked:
    """Validate every record, then resolve districts, destinations and actions. ``findings``
    are those already made while loading; a last_post after ``today`` (default: the clock's
    date) is a warning."""
    findings = list(findings)
    accounts: list[Account] = []
    today = today or dt.date.today()
    for record in reported(records, progress, "Checking", len(records)):
        account, more = parse_record(record, today)
        if more:
            if record.source.record is not None:
                handle = normalise_handle(record.values.get("handle") or "")
                more = about_record(more, record.source.record, handle)
            findings.extend(more)
        if account is not None:
            accounts.append(account)
    entries, more = resolve_accounts(accounts, config, progress)
    findings.extend(more)
    return Checked(
        config=config,
        config_file=config_file,
        inventory_file=inventory_file,
        entries=entries,
        findings=sort_findings(findings),
        record_count=len(records),
    )


def make_plan(
    checked: Checked,
    start: dt.date | None = None,
    today: dt.date | None = None,
    start_source: str = START_OPTION,
) -> Plan:
    """Schedule every migrated account. ``start`` overrides the config's policy.start;
    ``start_source`` says where it came from."""
    if checked.errors or checked.config is None:
        raise InputsHaveErrors(checked.findings)
    config = checked.config
    policy = config.policy
    if start is not None:
        pass
    elif policy.start is not None:
        start, start_source = policy.start, START_POLICY
    else:
        start = next_working_monday(today or dt.date.today())
        start_source = START_NEXT_MONDAY
    wave_of = {d: i for i, wave in enumerate(policy.waves) for d in wave}
    dates_of_wave = {
        wave: wave_dates(start, wave, policy.wave_gap_days, policy.notice_days)
        for wave in {0, *wave_of.values()}
    }
    entries = []
    for entry in checked.entries:
        if entry.action is Action.MIGRATE:
            wave = wave_of.get(entry.district, 0)
            notice, close = dates_of_wave[wave]
            entry = entry._replace(notice_date=notice, close_date=close, wave=wave + 1)
        entries.append(entry)
    inputs = {
        "config": checked.config_file.ref() if checked.config_file else None,
        "inventory": checked.inventory_file.ref() if checked.inventory_file else None,
    }
    return Plan(
        start=start,
        start_source=start_source,
        inputs=inputs,
        entries=tuple(entries),
        config=config,
        notice_days=policy.notice_days,
        warnings=tuple(f for f in checked.findings if not f.is_error),
    )


def committed_start(
    committed: dict, start: dt.date | None, config: Config
) -> tuple[dt.date, str] | None:
    """When checking a plan against a committed plan document with no start date set (neither
    --start nor policy.start): the committed plan's own start and its source, so that the clock
    never causes drift. None when a start date is set."""
    if start is not None or config.policy.start is not None:
        return None
    source = str(committed.get("start_source") or START_NEXT_MONDAY)
    return dt.date.fromisoformat(committed["start"]), source


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def plan_summary(plan: Plan) -> dict:
    """Counts, followers and dates per district (config order, force-wide last) and in total."""
    config = plan.config
    per_district: dict[str, dict] = {}
    for district_id in [d.id for d in config.districts] + [FORCE_ID]:
        district = config.district(district_id)
        per_district[district_id] = {
            "name": config.district_name(district_id),
            "destinations": dict(district.accounts if district else config.force.accounts),
            "accounts": 0,
            "migrate": 0,
            "retain": 0,
            "skip": 0,
            "followers_to_redirect": 0,
            "notice_date": None,
            "close_date": None,
        }
    notices: dict[str, set] = {}  # district -> its distinct dates (one per wave: a handful)
    closes: dict[str, set] = {}
    unknown_followers = 0
    for entry in plan.entries:
        row = per_district[entry.district]
        row["accounts"] += 1
        row[ACTION_TEXT[entry.action]] += 1
        if entry.action is Action.MIGRATE:
            followers = entry.account.followers
            if followers is None:
                unknown_followers += 1
            else:
                row["followers_to_redirect"] += followers
            notices.setdefault(entry.district, set()).add(entry.notice_date)
            closes.setdefault(entry.district, set()).add(entry.close_date)
    for district_id, dates in notices.items():
        per_district[district_id]["notice_date"] = _date(min(dates))
        per_district[district_id]["close_date"] = _date(max(closes[district_id]))
    rows = per_district.values()
    return {
        "accounts": len(plan.entries),
        "migrate": sum(r["migrate"] for r in rows),
        "retain": sum(r["retain"] for r in rows),
        "skip": sum(r["skip"] for r in rows),
        "followers_to_redirect": sum(r["followers_to_redirect"] for r in rows),
        "followers_unknown": unknown_followers,
        "first_notice": min((r["notice_date"] for r in rows if r["notice_date"]), default=None),
        "last_close": max((r["close_date"] for r in rows if r["close_date"]), default=None),
        "warnings": len(plan.warnings),
        "districts": per_district,
    }
