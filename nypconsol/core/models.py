"""The data classes that flow through load -> validate -> resolve -> plan -> render.

Records made once per inventory row (Source, RawRecord, Account, PlanEntry) are NamedTuples:
immutable like frozen data classes, but several times cheaper to create, which matters at
100,000 rows. The few per-run objects are frozen data classes. Every record is built by keyword,
never by position, so that a new field cannot shift the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple, Protocol

FORCE_ID = "force"  # the district id used for force-wide accounts
BUILT_IN = "(built-in default)"  # the name shown for the mapping packaged with the tool


class Source(NamedTuple):
    """Where a record came from: the file as the user named it, and the line a person sees;
    ``record``, its number in the file, only where the line alone cannot tell records apart
    (a JSON inventory written on one line)."""

    file: str
    line: int | None
    record: int | None = None

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line}


@dataclass(frozen=True, slots=True)
class InputRef:
    """An input file as given, how it was found, and the SHA-256 of its bytes."""

    path: str
    sha256: str
    found_by: str  # "--config", "NYPCONSOL_CONFIG", "./config/accounts.yaml", "built-in", "-i"

    def as_dict(self) -> dict:
        return {"path": self.path, "sha256": self.sha256, "found_by": self.found_by}


class InputSource(Protocol):
    """An input file as the loaders hold it: its name to show, how it was found, and its
    reference (path and SHA-256) for the plan, made when asked."""

    @property
    def display(self) -> str: ...

    @property
    def found_by(self) -> str: ...

    def ref(self) -> InputRef: ...


@dataclass(frozen=True, slots=True)
class District:
    id: str
    name: str
    accounts: dict[str, str]  # platform id -> destination handle
    areas: tuple[str, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class Force:
    name: str
    accounts: dict[str, str]
    reporting: dict[str, str]


@dataclass(frozen=True, slots=True)
class Policy:
    start: dt.date | None
    notice_days: int
    waves: tuple[tuple[str, ...], ...]  # district ids (and "force") announced together
    wave_gap_days: int  # calendar days between one wave's announcement and the next's


@dataclass(frozen=True, slots=True)
class TemplateSource:
    """A template written in the config (``notices: templates:``), and where it was written."""

    name: str  # the shipped template it replaces, e.g. "notices/mastodon/final.txt"
    key: str  # where it sits in the config, e.g. "notices.templates.mastodon.final"
    text: str
    file: str
    line: int | None  # the line of the config file that holds its first line


DEFAULT_POSTING_TIME = dt.time(9, 0)


@dataclass(frozen=True, slots=True)
class NoticeSettings:
    """The config's ``notices:`` section: when posts go out, templates, limits."""

    time: dt.time = DEFAULT_POSTING_TIME  # the posting time on each notice's day
    templates: tuple[TemplateSource, ...] = ()
    limits: dict[tuple[str, str], int] = field(default_factory=dict)  # (platform, kind) -> limit


@dataclass(frozen=True, slots=True)
class Config:
    force: Force
    districts: tuple[District, ...]
    policy: Policy
    placeholders: bool  # the destination handles are examples still to be replaced
    notices: NoticeSettings = field(default_factory=NoticeSettings)
    # Lookups asked once per account when rendering: built once here.
    _by_id: dict[str, District] = field(init=False, repr=False, compare=False)
    _names: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id = {d.id: d for d in self.districts}
        names = {d.id: d.name for d in self.districts}
        names[FORCE_ID] = f"{self.force.name} (force-wide)"
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_names", names)

    def district(self, district_id: str) -> District | None:
        return self._by_id.get(district_id)

    def district_name(self, district_id: str) -> str:
        return self._names.get(district_id, district_id)


class RawRecord(NamedTuple):
    """One inventory row as read: normalised column names to the text written (or None)."""

    values: dict[str, str | None]
    source: Source


class Account(NamedTuple):
    """One inventory row, parsed: the individual account to be moved, kept or skipped.

    Its fields (less ``source``) are the inventory's columns, in the order the README lists them.
    """

    handle: str
    platform: str
    owner: str
    collar_number: str
    role: str
    area: str
    district: str  # as written in the inventory, before resolution
    followers: int | None
    last_post: dt.date | None
    status: str  # active, dormant or closed
    retain: bool
    reason: str
    sign_off: str  # the name the owner posts under on the destination ("PC 1234 Jane Smith")
    source: Source


class Action(StrEnum):
    """What the plan does with an account."""

    MIGRATE = "migrate"  # announce, then close and send its followers to the destination
    RETAIN = "retain"  # kept open, for the reason given in the inventory
    SKIP = "skip"  # already closed, or itself a destination account


# Each action's text, looked up in a dict: an enum member's ``.value`` is a property, read
# once per account in the plan's summary and documents.
ACTION_TEXT: dict[Action, str] = {action: action.value for action in Action}


class PlanEntry(NamedTuple):
    """What happens to one account: where it goes and when."""

    account: Account
    district: str  # district id or "force"
    action: Action
    target: str | None
    notice_date: dt.date | None
    close_date: dt.date | None
    wave: int | None  # 1-based, for migrated accounts
    note: str  # why an account is retained or skipped


@dataclass(frozen=True, slots=True)
class Plan:
    start: dt.date
    start_source: str  # "--start", "policy.start" or "next working Monday"
    inputs: dict[str, InputRef | None]
    entries: tuple[PlanEntry, ...]
    config: Config
    notice_days: int
    warnings: tuple = field(default=())
