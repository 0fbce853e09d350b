"""The library entry points: load -> check (validate and resolve) -> plan. No printing, no exiting."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from nypconsol.config import InputFile, LoadedConfig, load_config, locate_config, read_input
from nypconsol.findings import Finding, sort_findings
from nypconsol.inventory import parse_record, read_records, records_from_document
from nypconsol.models import FORCE_ID, Account, Config, Plan, PlanEntry, RawRecord
from nypconsol.parsing import at_handle
from nypconsol.platforms import PLATFORMS, skeleton
from nypconsol.resolve import Resolver
from nypconsol.safeload import LoadFailed
from nypconsol.schedule import next_working_monday, wave_dates


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything read from disk, before any checking beyond what reading needs."""

    config_file: InputFile | None
    inventory_file: InputFile | None
    config: Config | None
    records: list[RawRecord]
    findings: list[Finding]


@dataclass(frozen=True, slots=True)
class Checked:
    """The inputs checked and resolved: one entry per identifiable account, and all findings."""

    inputs: Inputs  # as loaded, less the raw records
    entries: list[PlanEntry]
    findings: list[Finding]
    record_count: int  # how many records the inventory had

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]


class InputsHaveErrors(Exception):
    """A plan was asked for, but the inputs have errors."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"{sum(f.is_error for f in findings)} error(s) in the inputs")
        self.findings = findings


def load_inputs(
    config: str | None = None,
    inventory: str | None = None,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Inputs:
    """Find and read the config and the inventory: -i when given (the config's own
    ``accounts:`` list is then not used), else the config's ``accounts:``."""
    environ = os.environ if environ is None else environ
    findings: list[Finding] = []
    config_file: InputFile | None = None
    loaded = LoadedConfig(None, None, [])
    try:
        config_file = locate_config(config, environ)
        loaded = load_config(config_file)
    except LoadFailed as failed:
        findings.extend(failed.findings)
    findings.extend(loaded.findings)

    inventory_file: InputFile | None = None
    records: list[RawRecord] = []
    try:
        if inventory is not None:
            inventory_file = read_input(inventory, "-i")
            records, more = read_records(inventory_file, sheet=sheet, encoding=encoding)
            findings.extend(more)
        elif loaded.accounts is not None and config_file is not None:
            records, more = records_from_document(loaded.accounts, config_file.display)
            findings.extend(more)
        # No accounts at all: an empty inventory, or none given (a forgotten -i).
        source = inventory_file or config_file
        if source is not None and not records and not any(f.is_error for f in findings):
            if inventory_file is None and loaded.accounts is None:
                message = "no inventory was given: pass -i inventory.csv, or list the accounts under accounts: in the config"
            else:
                message = "the inventory lists no accounts: add rows (handle, platform, area, ...)"
            findings.append(Finding("empty-inventory", message, source.display, None))
    except LoadFailed as failed:
        findings.extend(failed.findings)
    return Inputs(config_file, inventory_file, loaded.config, records, findings)


def check(inputs: Inputs) -> Checked:
    """Validate every record, then resolve districts, destinations and actions."""
    findings = list(inputs.findings)
    accounts: list[Account] = []
    for record in inputs.records:
        account, more = parse_record(record)
        if more:
            findings.extend(more)
        if account is not None:
            accounts.append(account)
    config = inputs.config
    unique = _unique_accounts(accounts, config, findings)

    entries: list[PlanEntry] = []
    if config is not None:
        resolver = Resolver(config)
        # Plan order: districts as configured (force-wide last), then platform, then handle.
        # Sorting each (district, platform) group by key alone is twice as fast as sorting
        # every entry by a tuple.
        groups: dict[tuple[str, str], list[tuple[str, PlanEntry]]] = {}
        for account, key in unique:
            entry, more = _resolve(account, key, resolver)
            if more:
                findings.extend(more)
            if entry is not None:
                group = groups.get((entry.district, account.platform))
                if group is None:
                    group = groups[(entry.district, account.platform)] = []
                group.append((key, entry))  # keys are unique in a group: entries never compared
        district_order = [d.id for d in config.districts] + [FORCE_ID]
        for district in district_order:
            for platform in sorted(p for d, p in groups if d == district):
                entries.extend(entry for _, entry in sorted(groups[(district, platform)]))
    # The raw records are not needed past this point: let them go (a large inventory's
    # records take more memory than its accounts).
    kept = replace(inputs, records=[])
    return Checked(kept, entries, sort_findings(findings), len(inputs.records))


def _resolve(
    account: Account, key: str, resolver: Resolver
) -> tuple[PlanEntry | None, list[Finding]]:
    district, findings = resolver.resolve_district(account)
    if district is None:
        return None, findings
    owner = resolver.destination_keys.get((account.platform, key))
    if owner is not None:
        findings.append(
            Finding(
                "destination-account",
                f"{at_handle(account.handle)} is the {resolver.config.district_name(owner)} destination "
                "account: it is skipped, never closed; remove it from the inventory",
                account.source.file,
                account.source.line,
            )
        )
        return PlanEntry(
            account, district, "skip", None, None, None, None, "destination account"
        ), findings
    if account.status == "closed":
        return PlanEntry(
            account, district, "skip", None, None, None, None, "already closed"
        ), findings
    if account.retain:
        return PlanEntry(
            account, district, "retain", None, None, None, None, account.reason
        ), findings
    target = resolver.destination(account.platform, district)
    if target is None:
        platform = PLATFORMS[account.platform].name
        article = "an" if platform[0] in "AEIOU" else "a"
        findings.append(
            Finding(
                "no-destination",
                f"neither {resolver.config.district_name(district)} nor the force has {article} {platform} "
                f"account to move {at_handle(account.handle)} to: add one under accounts: in the config, or "
                "mark the row retain: yes with a reason",
                account.source.file,
                account.source.line,
            )
        )
        return None, findings
    return PlanEntry(account, district, "migrate", target, None, None, None, ""), findings


def _unique_accounts(
    accounts: list[Account], config: Config | None, findings: list[Finding]
) -> list[tuple[Account, str]]:
    """Drop repeated accounts (an error naming both lines) and flag lookalike handles
    (warnings), against each other and against the destination accounts. Returns each
    remaining account with its comparison key."""
    trusted: dict[tuple[str, str], str] = {}
    if config is not None:
        for accounts_map in [config.force.accounts] + [d.accounts for d in config.districts]:
            for platform, handle in accounts_map.items():
                trusted[(platform, skeleton(handle))] = handle
    unique: list[tuple[Account, str]] = []
    first_by_key: dict[tuple[str, str], Account] = {}
    first_by_skeleton: dict[tuple[str, str], Account] = {}
    key_of = {platform_id: platform.key for platform_id, platform in PLATFORMS.items()}
    for account in accounts:
        platform = PLATFORMS[account.platform]
        key = key_of[account.platform](account.handle)
        first = first_by_key.get((account.platform, key))
        if first is not None:
            findings.append(
                Finding(
                    "duplicate-handle",
                    f"{platform.name} account {at_handle(account.handle)} is already listed at "
                    f"{first.source.file}:{first.source.line} ({at_handle(first.handle)}): keep one row",
                    account.source.file,
                    account.source.line,
                )
            )
            continue
        first_by_key[(account.platform, key)] = account
        unique.append((account, key))
        look = (account.platform, skeleton(account.handle))
        twin = first_by_skeleton.setdefault(look, account)
        if twin is not account:
            findings.append(
                Finding(
                    "lookalike-handle",
                    f"{at_handle(account.handle)} looks like {at_handle(twin.handle)} "
                    f"({twin.source.file}:{twin.source.line}): check neither is an impersonation",
                    account.source.file,
                    account.source.line,
                )
            )
        lookalike = trusted.get(look)
        if lookalike is not None and platform.handle_key(lookalike) != key:
            findings.append(
                Finding(
                    "lookalike-handle",
                    f"{at_handle(account.handle)} looks like the destination account {at_handle(lookalike)}: an "
                    "impersonation risk; check who runs it",
                    account.source.file,
                    account.source.line,
                )
            )
    return unique


def make_plan(
    checked: Checked,
    start: dt.date | None = None,
    today: dt.date | None = None,
    start_source: str = "--start",
) -> Plan:
    """Schedule every migrated account. ``start`` overrides the config's policy.start;
    ``start_source`` says where it came from."""
    if checked.errors or checked.inputs.config is None:
        raise InputsHaveErrors(checked.findings)
    config = checked.inputs.config
    policy = config.policy
    if start is not None:
        pass
    elif policy.start is not None:
        start, start_source = policy.start, "policy.start"
    else:
        start = next_working_monday(today or dt.date.today())
        start_source = "next working Monday"
    wave_of = {d: i for i, wave in enumerate(policy.waves) for d in wave}
    dates_of_wave = {
        wave: wave_dates(start, wave, policy.wave_gap_days, policy.notice_days)
        for wave in {0, *wave_of.values()}
    }
    entries = []
    for entry in checked.entries:
        if entry.action == "migrate":
            wave = wave_of.get(entry.district, 0)
            notice, close = dates_of_wave[wave]
            entry = PlanEntry(
                entry.account, entry.district, "migrate", entry.target, notice, close, wave + 1, ""
            )
        entries.append(entry)
    inputs = {
        "config": checked.inputs.config_file.ref() if checked.inputs.config_file else None,
        "inventory": checked.inputs.inventory_file.ref() if checked.inputs.inventory_file else None,
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
