"""Find, read and check the district mapping (config/accounts.yaml)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from nypconsol.errors import NypconsolError
from nypconsol.findings import Finding
from nypconsol.models import BUILT_IN, FORCE_ID, Config, District, Force, InputRef, Policy, Source
from nypconsol.parsing import FIRST_YEAR, LAST_YEAR, parse_start_date, parse_yes_no, quoted
from nypconsol.platforms import PLATFORMS, normalise_handle, platform_id
from nypconsol.safeload import LoadFailed, LocatedDict, LocatedList, line_of, load_yaml

ENV_VAR = "NYPCONSOL_CONFIG"
LOCAL_CONFIG = Path("config") / "accounts.yaml"
DEFAULT_NOTICE_DAYS = 14
DEFAULT_WAVE_GAP_DAYS = 7
REPORTING_KEYS = ("emergency", "non_emergency", "online")
_DISTRICT_ID = re.compile(r"[a-z][a-z0-9_-]*", re.ASCII)


@dataclass(frozen=True, slots=True)
class InputFile:
    """An input's bytes with the name to show for it and how it was found."""

    display: str
    data: bytes
    found_by: str

    def ref(self) -> InputRef:
        return InputRef(self.display, hashlib.sha256(self.data).hexdigest(), self.found_by)


@dataclass(frozen=True, slots=True)
class LoadedConfig:
    config: Config | None  # None when the mapping is too broken to resolve against
    accounts: object  # the config's own ``accounts:`` list, if any
    findings: list[Finding]


def built_in_config() -> bytes:
    """The default mapping shipped in the package (or, in a source checkout, config/)."""
    from importlib import resources

    packaged = resources.files("nypconsol") / "data" / "accounts.yaml"
    if packaged.is_file():
        return packaged.read_bytes()
    # Editable installs and source checkouts keep the single copy in config/.
    return (Path(__file__).resolve().parent.parent / LOCAL_CONFIG).read_bytes()


def read_input(path: str, found_by: str) -> InputFile:
    """Read a file the user named.

    A path that names no file is a problem with the inputs (an ``unreadable-file`` finding,
    exit 1); a file that exists but cannot be read is an I/O failure (exit 4).
    """
    try:
        return InputFile(path, Path(path).read_bytes(), found_by)
    except FileNotFoundError:
        problem = "no such file"
    except IsADirectoryError:
        problem = "it is a folder, not a file"
    except OSError as exc:
        raise NypconsolError(
            f"cannot read {path}: {exc.strerror or exc}; check its permissions"
        ) from None
    raise LoadFailed(
        [Finding("unreadable-file", f"cannot read {path} ({problem}): check the path", path, None)]
    )


def locate_config(option: str | None, environ: Mapping[str, str]) -> InputFile:
    """-c/--config, then $NYPCONSOL_CONFIG, then ./config/accounts.yaml, then the built-in one."""
    if option:
        return read_input(option, "--config")
    if environ.get(ENV_VAR):
        return read_input(environ[ENV_VAR], ENV_VAR)
    if LOCAL_CONFIG.is_file():
        return read_input(LOCAL_CONFIG.as_posix(), "./config/accounts.yaml")
    return InputFile(BUILT_IN, built_in_config(), "built-in")


def decode_text(data: bytes, file: str, encoding: str | None = None) -> str:
    """Bytes to text: UTF-8 (a BOM is fine) unless told otherwise; never silently garbled."""
    try:
        # A UTF-8 byte-order mark says what the file is, whatever encoding was named; and a
        # byte-order mark is never part of the data.
        if data.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8-sig"
        return data.decode(encoding or "utf-8-sig").removeprefix("\ufeff")
    except LookupError:
        raise LoadFailed(
            [
                Finding(
                    "bad-encoding",
                    f"unknown encoding {encoding!r}: try utf-8 or cp1252",
                    file,
                    None,
                )
            ]
        ) from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = data[exc.start : exc.start + 1].hex().upper()
        name = encoding or "UTF-8"
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise LoadFailed(
                [
                    Finding(
                        "bad-encoding",
                        "the file is UTF-16 (Excel's 'Unicode Text'): save it as 'CSV UTF-8' "
                        "instead, or pass --encoding utf-16",
                        file,
                        1,
                    )
                ]
            ) from None
        raise LoadFailed(
            [
                Finding(
                    "bad-encoding",
                    f"the file is not {name}: byte 0x{bad} at column {column} cannot be read; "
                    "save it as 'CSV UTF-8' from Excel, or pass --encoding cp1252 if it came from "
                    "an older Excel",
                    file,
                    line,
                )
            ]
        ) from None


def load_config(source: InputFile) -> LoadedConfig:
    """Parse and check the mapping. Findings are collected, not raised."""
    file = source.display
    try:
        document, findings = load_yaml(decode_text(source.data, file), file)
    except LoadFailed as failed:
        return LoadedConfig(None, None, failed.findings)
    checker = _ConfigChecker(file, findings)
    config = checker.check(document)
    accounts = document.get("accounts") if isinstance(document, dict) else None
    return LoadedConfig(config, accounts, checker.findings)


class _ConfigChecker:
    def __init__(self, file: str, findings: list[Finding]) -> None:
        self.file = file
        self.findings = findings
        self.broken = False

    def problem(self, code: str, message: str, line: int | None) -> None:
        self.findings.append(Finding(code, message, self.file, line))
        if code != "duplicate-area" and code != "placeholder-accounts":
            self.broken = True

    def mapping(
        self, parent: LocatedDict, key: str, what: str, required: bool = True
    ) -> LocatedDict | None:
        value = parent.get(key)
        line = parent.key_lines.get(key, parent.line)
        if value is None:
            if required:
                self.problem("bad-config", f"{what} is missing: add a '{key}:' section", line)
            return None
        if not isinstance(value, LocatedDict):
            self.problem("bad-config", f"{what} must be a mapping of names to values", line)
            return None
        return value

    def text(self, parent: LocatedDict, key: str, what: str) -> str:
        value = parent.get(key)
        if not isinstance(value, str) or not value.strip():
            line = parent.key_lines.get(key, parent.line)
            self.problem("bad-config", f"{what} must be given as text", line)
            return ""
        return value.strip()

    def check(self, document: object) -> Config | None:
        if not isinstance(document, LocatedDict):
            self.problem(
                "bad-config",
                "the config must be a mapping with force:, districts: and policy:",
                line_of(document, 1),
            )
            return None
        force = self.check_force(document)
        districts = self.check_districts(document)
        policy = self.check_policy(document, districts)
        placeholders = self.check_placeholders(document)
        if self.broken or force is None:
            return None
        return Config(force, districts, policy, placeholders)

    def check_accounts(self, parent: LocatedDict, owner: str) -> dict[str, str]:
        accounts = self.mapping(parent, "accounts", f"{owner} accounts", required=False)
        result: dict[str, str] = {}
        if accounts is None:
            return result
        for name, raw in accounts.items():
            line = accounts.key_lines[name]
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

    def check_force(self, document: LocatedDict) -> Force | None:
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
        return Force(name, accounts, reporting)

    def check_districts(self, document: LocatedDict) -> tuple[District, ...]:
        section = self.mapping(document, "districts", "the districts section")
        if section is None:
            return ()
        districts: list[District] = []
        area_owner: dict[str, tuple[str, int]] = {}
        from nypconsol.resolve import area_key

        for district_id, body in section.items():
            line = section.key_lines[district_id]
            if not _DISTRICT_ID.fullmatch(district_id) or district_id == FORCE_ID:
                self.problem(
                    "bad-config",
                    f"district id {district_id!r} must be lower-case letters, digits, - or _ (and not 'force')",
                    line,
                )
                continue
            if not isinstance(body, LocatedDict):
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
            if not isinstance(areas_node, LocatedList):
                self.problem(
                    "bad-config",
                    f"districts.{district_id}.areas must be a list of towns and villages",
                    body.key_lines.get("areas", line),
                )
            else:
                for area, area_line in zip(areas_node, areas_node.item_lines, strict=True):
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
                District(district_id, name, accounts, tuple(areas), Source(self.file, line))
            )
        if not districts and not self.broken:
            self.problem("bad-config", "no districts are configured", section.line)
        return tuple(districts)

    def check_policy(self, document: LocatedDict, districts: tuple[District, ...]) -> Policy:
        section = self.mapping(document, "policy", "the policy section", required=False)
        if section is None:
            return Policy(None, DEFAULT_NOTICE_DAYS, (), DEFAULT_WAVE_GAP_DAYS)
        start = None
        if section.get("start") is not None:
            try:
                start = parse_start_date(str(section["start"]))
            except ValueError:
                self.problem(
                    "bad-date",
                    f"policy.start {quoted(str(section['start']))} is not a date like 2027-01-11 "
                    f"(years {FIRST_YEAR} to {LAST_YEAR})",
                    section.key_lines["start"],
                )
        notice_days = self.whole_number(section, "notice_days", DEFAULT_NOTICE_DAYS)
        gap_days = self.whole_number(section, "wave_gap_days", DEFAULT_WAVE_GAP_DAYS)
        waves = self.check_waves(section, districts)
        return Policy(start, notice_days, waves, gap_days)

    def whole_number(self, section: LocatedDict, key: str, default: int) -> int:
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
            section.key_lines[key],
        )
        return default

    def check_waves(
        self, section: LocatedDict, districts: tuple[District, ...]
    ) -> tuple[tuple[str, ...], ...]:
        raw = section.get("waves")
        if raw is None:
            return ()
        line = section.key_lines["waves"]
        if isinstance(raw, LocatedList) and not raw:
            return ()  # an empty list: one wave, as when waves is not given
        if not isinstance(raw, LocatedList) or not all(isinstance(w, LocatedList) for w in raw):
            self.problem(
                "bad-config",
                "policy.waves must be a list of lists of district ids, e.g. [[craven, selby], [york]]",
                line,
            )
            return ()
        known = {d.id for d in districts} | {FORCE_ID}
        placed: list[str] = []
        waves = []
        for wave, wave_line in zip(raw, raw.item_lines, strict=True):
            ids = []
            for item in wave:
                district_id = str(item).strip().casefold()
                if district_id not in known:
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
        if missing and not self.broken:
            self.problem(
                "bad-config",
                f"policy.waves leaves out {', '.join(missing)}: every district (and force) needs a wave",
                line,
            )
        return tuple(waves)

    def check_placeholders(self, document: LocatedDict) -> bool:
        raw = document.get("placeholders")
        if raw is None:
            return False
        try:
            flag = parse_yes_no(str(raw))
        except ValueError:
            self.problem(
                "bad-config", "placeholders must be yes or no", document.key_lines["placeholders"]
            )
            return False
        if flag:
            self.problem(
                "placeholder-accounts",
                "the destination handles are placeholders: replace them with the real district "
                "accounts, then set placeholders: no",
                document.key_lines["placeholders"],
            )
        return flag
