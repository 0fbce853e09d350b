"""Resolve each account's district (from its district or area) and destination account."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from nypconsol.findings import Finding
from nypconsol.models import FORCE_ID, Account, Config
from nypconsol.parsing import quoted
from nypconsol.platforms import PLATFORMS

_NOT_ALNUM = re.compile(r"[\W_]+")


@lru_cache(maxsize=8192)  # inventories repeat the same few hundred towns
def area_key(text: str) -> str:
    """Compare place names ignoring case, spacing and punctuation: Brompton-on-Swale = brompton on swale."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _NOT_ALNUM.sub("", text)


@dataclass(frozen=True, slots=True)
class Resolution:
    district: str | None  # district id, "force", or None when it could not be resolved
    target: str | None  # destination handle on the account's platform, or None


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
