"""Resolve each account: repeated and lookalike handles, its district (from its district or area),
its action and its destination account."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

from nypconsol.core.findings import Finding, about_record, record_label
from nypconsol.core.models import FORCE_ID, Account, Action, Config, PlanEntry
from nypconsol.core.parsing import at_handle, quoted
from nypconsol.core.platforms import PLATFORMS, skeleton
from nypconsol.core.work_progress import ProgressReport, reported

_NOT_ALNUM = re.compile(r"[\W_]+")


@lru_cache(maxsize=8192)  # inventories repeat the same few hundred towns
def area_key(text: str) -> str:
    """Compare place names ignoring case, spacing and punctuation: Brompton-on-Swale = brompton on swale."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _NOT_ALNUM.sub("", text)


class Resolver:
    """Looks up districts by id, name or area in constant time per account."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.by_name: dict[str, str] = {FORCE_ID: FORCE_ID}
        for district in config.districts:
            self.by_name[district.id.casefold()] = district.id
            self.by_name[area_key(district.name)] = district.id
        self.by_area: dict[str, list[str]] = {}
        self.area_names: dict[str, str] = {}
        for district in config.districts:
            for area in district.areas:
                key = area_key(area)
                claimed_by = self.by_area.setdefault(key, [])
                if district.id not in claimed_by:
                    claimed_by.append(district.id)
                self.area_names.setdefault(key, area)
        # A district's own name works as an area too ("Richmondshire"), unless a town claims it.
        for district in config.districts:
            self.by_area.setdefault(area_key(district.name), [district.id])
            self.area_names.setdefault(area_key(district.name), district.name)
        owners = [(FORCE_ID, config.force.accounts)] + [
            (d.id, d.accounts) for d in config.districts
        ]
        # (platform, district) -> where its accounts go: the district's own, else the force's.
        self.destinations: dict[tuple[str, str], str] = {}
        # (platform, handle key) -> owner of every destination account, to spot them in inventories.
        self.destination_keys: dict[tuple[str, str], str] = {}
        for owner, accounts in owners:
            for platform in PLATFORMS:
                target = accounts.get(platform, config.force.accounts.get(platform))
                if target is not None:
                    self.destinations[(platform, owner)] = target
            for platform, handle in accounts.items():
                key = (platform, PLATFORMS[platform].handle_key(handle))
                self.destination_keys.setdefault(key, owner)

    def resolve_district(self, account: Account) -> tuple[str | None, list[Finding]]:
        if account.area and not account.district:  # the common case, answered first
            area_districts = self.by_area.get(area_key(account.area))
            if area_districts is not None and len(area_districts) == 1:
                return area_districts[0], []
        file, line = account.source.file, account.source.line
        findings: list[Finding] = []
        area_districts: list[str] = []
        if account.area:
            area_districts = self.by_area.get(area_key(account.area), [])
        if account.district:
            district = self.by_name.get(account.district.casefold()) or self.by_name.get(
                area_key(account.district)
            )
            if district is None:
                choices = [d.id for d in self.config.districts] + [FORCE_ID]
                hint = _did_you_mean(account.district.casefold(), choices)
                return None, [
                    Finding(
                        "unknown-district",
                        f"district {quoted(account.district)} is not configured;{hint} use one of "
                        f"{', '.join(choices)}",
                        file,
                        line,
                    )
                ]
            if area_districts and district not in area_districts and district != FORCE_ID:
                findings.append(
                    Finding(
                        "area-district-mismatch",
                        f"area {quoted(account.area)} is in {', '.join(area_districts)}, but the row says "
                        f"{district}; the district column wins: check which is right",
                        file,
                        line,
                    )
                )
            return district, findings
        if not account.area:
            return None, [
                Finding(
                    "no-area",
                    "the row has no area and no district: add the town it covers, or a district",
                    file,
                    line,
                )
            ]
        if len(area_districts) == 1:
            return area_districts[0], findings
        if len(area_districts) > 1:
            return None, [
                Finding(
                    "ambiguous-area",
                    f"area {quoted(account.area)} is listed under {' and '.join(area_districts)}: fill in "
                    "the district column for this row, or keep the area in one district only",
                    file,
                    line,
                )
            ]
        hint = _did_you_mean(area_key(account.area), list(self.area_names), self.area_names)
        return None, [
            Finding(
                "unknown-area",
                f"area {quoted(account.area)} is in no district;{hint} add it to a district's areas "
                "in the config, or fill in the district column",
                file,
                line,
            )
        ]

    def destination(self, platform: str, district: str) -> str | None:
        """The district's account on the platform, else the force-wide one, else None."""
        return self.destinations.get((platform, district))


def _did_you_mean(word: str, choices: list[str], labels: dict[str, str] | None = None) -> str:
    matches = difflib.get_close_matches(word, choices, n=2, cutoff=0.75)
    if not matches:
        return ""
    shown = " or ".join(repr(labels[m] if labels else m) for m in matches)
    return f" did you mean {shown}?"


def _resolve(
    account: Account, key: str, resolver: Resolver
) -> tuple[PlanEntry | None, list[Finding]]:
    """The account's district, action and destination, with the findings on the way."""
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
        return _unscheduled(account, district, Action.SKIP, "destination account"), findings
    if account.status == "closed":
        return _unscheduled(account, district, Action.SKIP, "already closed"), findings
    if account.retain:
        return _unscheduled(account, district, Action.RETAIN, account.reason), findings
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
    entry = PlanEntry(
        account=account,
        district=district,
        action=Action.MIGRATE,
        target=target,
        notice_date=None,  # dates come with the plan's start (make_plan)
        close_date=None,
        wave=None,
        note="",
    )
    return entry, findings


def _unscheduled(account: Account, district: str, action: Action, note: str) -> PlanEntry:
    return PlanEntry(
        account=account,
        district=district,
        action=action,
        target=None,
        notice_date=None,
        close_date=None,
        wave=None,
        note=note,
    )


def unique_accounts(
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

    def found(finding: Finding) -> None:  # about the account in hand
        findings.extend(about_record([finding], account.source.record, account.handle))

    for account in accounts:
        platform = PLATFORMS[account.platform]
        key = key_of[account.platform](account.handle)
        first = first_by_key.get((account.platform, key))
        if first is not None:
            found(
                Finding(
                    "duplicate-handle",
                    f"{platform.name} account {at_handle(account.handle)} is already listed at "
                    f"{_place(first)}: keep one row",
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
            found(
                Finding(
                    "lookalike-handle",
                    f"{at_handle(account.handle)} looks like {at_handle(twin.handle)} "
                    f"({_place(twin, with_handle=False)}): check neither is an impersonation",
                    account.source.file,
                    account.source.line,
                )
            )
        lookalike = trusted.get(look)
        if lookalike is not None and platform.handle_key(lookalike) != key:
            found(
                Finding(
                    "lookalike-handle",
                    f"{at_handle(account.handle)} looks like the destination account {at_handle(lookalike)}: an "
                    "impersonation risk; check who runs it",
                    account.source.file,
                    account.source.line,
                )
            )
    return unique


def _place(account: Account, *, with_handle: bool = True) -> str:
    """Where an account was read, for a message about another: ``file:line (@handle)``, or
    ``file:line (record n, @handle)`` where the line alone does not say."""
    source = account.source
    where = f"{source.file}:{source.line}"
    if source.record is not None:
        handle = account.handle if with_handle else None
        return f"{where} ({record_label(source.record, handle)})"
    return f"{where} ({at_handle(account.handle)})" if with_handle else where


def resolve_accounts(
    accounts: list[Account], config: Config | None, progress: ProgressReport | None = None
) -> tuple[list[PlanEntry], list[Finding]]:
    """Drop repeated accounts, flag lookalikes, then give every account its district, action and
    destination, in plan order: districts as configured (force-wide last), then platform, then
    handle. Without a config, only the accounts' own findings can be made."""
    findings: list[Finding] = []
    unique = unique_accounts(accounts, config, findings)
    entries: list[PlanEntry] = []
    if config is None:
        return entries, findings
    resolver = Resolver(config)
    # Sorting each (district, platform) group by key alone is twice as fast as sorting every
    # entry by a tuple.
    groups: dict[tuple[str, str], list[tuple[str, PlanEntry]]] = {}
    for account, key in reported(unique, progress, "Resolving", len(unique)):
        entry, more = _resolve(account, key, resolver)
        if more:
            findings.extend(about_record(more, account.source.record, account.handle))
        if entry is not None:
            group = groups.get((entry.district, account.platform))
            if group is None:
                group = groups[(entry.district, account.platform)] = []
            group.append((key, entry))  # keys are unique in a group: entries never compared
    for district in [d.id for d in config.districts] + [FORCE_ID]:
        for platform in sorted(p for d, p in groups if d == district):
            entries.extend(entry for _, entry in sorted(groups[(district, platform)]))
    return entries, findings
