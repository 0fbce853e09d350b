"""Check the district mapping (config/accounts.yaml, as loaded) and build the Config from it.

The mapping comes as loaders give it: dicts that know their ``line`` and ``key_lines``, lists
that know their ``line`` and ``item_lines``. Plain dicts and lists work too (without lines).
"""

from __future__ import annotations

import re

from nypconsol.core.findings import Finding
from nypconsol.core.models import FORCE_ID, Config, District, Force, NoticeSettings, Policy, Source
from nypconsol.core.parsing import FIRST_YEAR, LAST_YEAR, parse_start_date, parse_yes_no, quoted
from nypconsol.core.platforms import PLATFORMS, normalise_handle, platform_id
from nypconsol.core.resolve import area_key

DEFAULT_NOTICE_DAYS = 14
DEFAULT_WAVE_GAP_DAYS = 7
REPORTING_KEYS = ("emergency", "non_emergency", "online")
_DISTRICT_ID = re.compile(r"[a-z][a-z0-9_-]*", re.ASCII)
# Names no file or folder may have on Windows, whatever its extension (devices).
_WINDOWS_DEVICES = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])", re.ASCII)
INDEX_STEM = "index"  # the handover index's file name, without its extension


def district_file_stem(district_id: str) -> str:
    """The name of a district's file or folder in an output folder (handover reports, notices):
    its id, or ``district.<id>`` for an id that cannot be one: ``index`` (the index's) and the
    names Windows keeps for devices (``con``, ``nul``, ``lpt1``, ...), where the folder is
    often a shared drive. A district id holds no dot, so no other district can have that
    name."""
    if district_id == INDEX_STEM or _WINDOWS_DEVICES.fullmatch(district_id):
        return f"district.{district_id}"
    return district_id


def check_config(document: object, file: str) -> tuple[Config | None, list[Finding]]:
    """The Config a mapping describes, and every finding about it. The Config is None when the
    mapping has an error that leaves nothing sound to resolve against."""
    checker = _ConfigChecker(file)
    return checker.check(document), checker.findings


def _line(value: object, default: int | None = None) -> int | None:
    return getattr(value, "line", default)


def _key_line(mapping: dict, key: str) -> int | None:
    return getattr(mapping, "key_lines", {}).get(key, _line(mapping))


def _item_lines(items: list) -> list[int | None]:
    return getattr(items, "item_lines", None) or [_line(items)] * len(items)


class _ConfigChecker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.findings: list[Finding] = []

    def problem(self, code: str, message: str, line: int | None) -> None:
        self.findings.append(Finding(code, message, self.file, line))

    @property
    def has_errors(self) -> bool:
        return any(finding.is_error for finding in self.findings)

    def mapping(self, parent: dict, key: str, what: str, required: bool = True) -> dict | None:
        value = parent.get(key)
        line = _key_line(parent, key)
        if value is None:
            if required:
                self.problem("bad-config", f"{what} is missing: add a '{key}:' section", line)
            return None
        if not isinstance(value, dict):
            self.problem("bad-config", f"{what} must be a mapping of names to values", line)
            return None
        return value

    def text(self, parent: dict, key: str, what: str) -> str:
        value = parent.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problem("bad-config", f"{what} must be given as text", _key_line(parent, key))
            return ""
        return value.strip()

    def check(self, document: object) -> Config | None:
        if not isinstance(document, dict):
            self.problem(
                "bad-config",
                "the config must be a mapping with force:, districts: and policy:",
                _line(document, 1),
            )
            return None
        force = self.check_force(document)
        districts = self.check_districts(document)
        policy = self.check_policy(document, districts)
        placeholders = self.check_placeholders(document)
        notices = NoticeSettings()
        if "notices" in document:  # checked only when there: plan never loads the notice rules
            from nypconsol.core.noticeconfig import check_notices

            notices, findings = check_notices(document, self.file)
            self.findings.extend(findings)
        if self.has_errors or force is None:
            return None
        return Config(
            force=force,
            districts=districts,
            policy=policy,
            placeholders=placeholders,
            notices=notices,
        )

    def check_accounts(self, parent: dict, owner: str) -> dict[str, str]:
        accounts = self.mapping(parent, "accounts", f"{owner} accounts", required=False)
        result: dict[str, str] = {}
        if accounts is None:
            return result
        for name, raw in accounts.items():
            line = _key_line(accounts, name)
            platform = platform_id(name)
            if platform is None:
                known = ", ".join(PLATFORMS)
                self.problem(
                    "unknown-platform",
                    f"{owner}: unknown platform {name!r}; use one of {known}",
                    line,
                )
                continue
            if platform in result:
                self.problem(
                    "bad-config",
                    f"{owner}: {name!r} names the {PLATFORMS[platform].name} account a second time: keep one",
                    line,
                )
                continue
            handle = normalise_handle(raw) if isinstance(raw, str) else ""
            if not PLATFORMS[platform].is_valid(handle):
                rule = PLATFORMS[platform].rule
                self.problem(
                    "invalid-handle",
                    f"{owner}: {PLATFORMS[platform].name} handle {quoted(str(raw))} is not valid ({rule})",
                    line,
                )
                continue
            result[platform] = handle
        return result

    def check_force(self, document: dict) -> Force | None:
        force = self.mapping(document, "force", "the force section")
        if force is None:
            return None
        name = self.text(force, "name", "force.name")
        accounts = self.check_accounts(force, "force")
        reporting: dict[str, str] = {}
        section = self.mapping(force, "reporting", "force.reporting (999, 101, online)")
        if section is not None:
            for key in REPORTING_KEYS:
                reporting[key] = self.text(section, key, f"force.reporting.{key}")
        return Force(name=name, accounts=accounts, reporting=reporting)

    def check_districts(self, document: dict) -> tuple[District, ...]:
        section = self.mapping(document, "districts", "the districts section")
        if section is None:
            return ()
        districts: list[District] = []
        area_owner: dict[str, tuple[str, int | None]] = {}
        for district_id, body in section.items():
            line = _key_line(section, district_id)
            if not _DISTRICT_ID.fullmatch(district_id) or district_id == FORCE_ID:
                self.problem(
                    "bad-config",
                    f"district id {district_id!r} must be lower-case letters, digits, - or _ (and not 'force')",
                    line,
                )
                continue
            if not isinstance(body, dict):
                self.problem(
                    "bad-config",
                    f"district {district_id!r} must be a mapping with name:, accounts: and areas:",
                    line,
                )
                continue
            name = self.text(body, "name", f"districts.{district_id}.name")
            accounts = self.check_accounts(body, f"district {district_id}")
            areas_node = body.get("areas")
            areas: list[str] = []
            if not isinstance(areas_node, list):
                self.problem(
                    "bad-config",
                    f"districts.{district_id}.areas must be a list of towns and villages",
                    getattr(body, "key_lines", {}).get("areas", line),
                )
            else:
                for area, area_line in zip(areas_node, _item_lines(areas_node), strict=True):
                    if not isinstance(area, str) or not area_key(area):
                        self.problem(
                            "bad-config",
                            f"districts.{district_id}.areas: each area must be a place name",
                            area_line,
                        )
                        continue
                    key = area_key(area)
                    owner = area_owner.get(key)
                    if owner and owner[0] != district_id:
                        self.problem(
                            "duplicate-area",
                            f"area {area!r} is listed under both {owner[0]} (line {owner[1]}) and {district_id}: "
                            "rows with this area cannot be placed until it is in one district only",
                            area_line,
                        )
                    elif not owner:
                        area_owner[key] = (district_id, area_line)
                    areas.append(area.strip())
            districts.append(
                District(
                    id=district_id,
                    name=name,
                    accounts=accounts,
                    areas=tuple(areas),
                    source=Source(file=self.file, line=line),
                )
            )
        if not section:  # districts that are there but broken have findings of their own
            self.problem("bad-config", "no districts are configured", _line(section))
        return tuple(districts)

    def check_policy(self, document: dict, districts: tuple[District, ...]) -> Policy:
        section = self.mapping(document, "policy", "the policy section", required=False)
        if section is None:
            return Policy(
                start=None,
                notice_days=DEFAULT_NOTICE_DAYS,
                waves=(),
                wave_gap_days=DEFAULT_WAVE_GAP_DAYS,
            )
        start = None
        if section.get("start") is not None:
            try:
                start = parse_start_date(str(section["start"]))
            except ValueError:
                self.problem(
                    "bad-date",
                    f"policy.start {quoted(str(section['start']))} is not a date like 2027-01-11 "
                    f"(years {FIRST_YEAR} to {LAST_YEAR})",
                    _key_line(section, "start"),
                )
        notice_days = self.whole_number(section, "notice_days", DEFAULT_NOTICE_DAYS)
        gap_days = self.whole_number(section, "wave_gap_days", DEFAULT_WAVE_GAP_DAYS)
        waves = self.check_waves(section, districts)
        return Policy(start=start, notice_days=notice_days, waves=waves, wave_gap_days=gap_days)

    def whole_number(self, section: dict, key: str, default: int) -> int:
        raw = section.get(key)
        if raw is None:
            return default
        if (
            isinstance(raw, str)
            and raw.strip().isascii()
            and raw.strip().isdigit()
            and 0 < int(raw) <= 365
        ):
            return int(raw)
        self.problem(
            "bad-config",
            f"policy.{key} must be a whole number of days from 1 to 365, not {quoted(str(raw))}",
            _key_line(section, key),
        )
        return default

    def check_waves(
        self, section: dict, districts: tuple[District, ...]
    ) -> tuple[tuple[str, ...], ...]:
        raw = section.get("waves")
        if raw is None:
            return ()
        line = _key_line(section, "waves")
        if isinstance(raw, list) and not raw:
            return ()  # an empty list: one wave, as when waves is not given
        if not isinstance(raw, list) or not all(isinstance(w, list) for w in raw):
            self.problem(
                "bad-config",
                "policy.waves must be a list of lists of district ids, e.g. [[craven, selby], [york]]",
                line,
            )
            return ()
        known = {d.id for d in districts} | {FORCE_ID}
        placed: list[str] = []
        waves = []
        misnamed = False
        for number, (wave, wave_line) in enumerate(zip(raw, _item_lines(raw), strict=True), 1):
            if not wave:  # it would only delay the waves after it by wave_gap_days
                self.problem(
                    "bad-config",
                    f"policy.waves: wave {number} is empty; remove the [] or put districts in it",
                    wave_line,
                )
            ids = []
            for item in wave:
                district_id = str(item).strip().casefold()
                if district_id not in known:
                    misnamed = True
                    self.problem(
                        "bad-config",
                        f"policy.waves names {item!r}, which is not a district id ({', '.join(sorted(known))})",
                        wave_line,
                    )
                elif district_id in placed:
                    self.problem(
                        "bad-config", f"policy.waves lists {district_id!r} twice", wave_line
                    )
                else:
                    placed.append(district_id)
                    ids.append(district_id)
            waves.append(tuple(ids))
        missing = sorted(known - set(placed))
        if missing and not misnamed:  # a misspelt id already says what is wrong
            self.problem(
                "bad-config",
                f"policy.waves leaves out {', '.join(missing)}: every district (and force) needs a wave",
                line,
            )
        return tuple(waves)

    def check_placeholders(self, document: dict) -> bool:
        raw = document.get("placeholders")
        if raw is None:
            return False
        try:
            flag = parse_yes_no(str(raw))
        except ValueError:
            self.problem(
                "bad-config", "placeholders must be yes or no", _key_line(document, "placeholders")
            )
            return False
        if flag:
            self.problem(
                "placeholder-accounts",
                "the destination handles are placeholders: replace them with the real district "
                "accounts, then set placeholders: no",
                _key_line(document, "placeholders"),
            )
        return flag
