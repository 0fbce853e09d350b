"""Plan documents and drift: check that a plan document can be compared, and compare two plans
account by account. (Reading a plan file is nypconsol.loaders.planfile's job.)

Exit codes for a plan file the user names (``plan --check PLAN``, ``diff OLD NEW``):

* 1 (``ExitCode.INPUT_ERRORS``): the file does not exist, is a folder, is empty, is not UTF-8
  JSON, is truncated, is another kind of file, has an unknown major ``format_version``, or
  lacks or garbles a key the comparison needs. The message names the file (and the JSON line
  and column where there is one).
* 4 (``ExitCode.FAILURE``): the file exists but cannot be read (permissions, an I/O error).

What counts as drift: accounts (keyed by platform and handle, compared as the platform does:
case-insensitively, and for Facebook ignoring dots) added, removed, or with any of
``ACCOUNT_FIELDS`` changed; and the plan settings in ``PLAN_FIELDS``. Never drift: ``inputs``
(paths, hashes), each account's ``source`` (file and line), ``tool``, ``warnings``,
``summary`` and ``start_source``, the derived ``district_name``/``url``/``target_url``, and
any field this version does not know (a newer 1.x minor may add fields).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from nypconsol.core.errors import ExitCode, InputError, NypconsolError
from nypconsol.core.fields import PLAN_ACCOUNT_FIELDS, FieldKind
from nypconsol.core.models import FORCE_ID
from nypconsol.core.platforms import PLATFORMS

SUPPORTED_MAJOR = 1
PLAN_KIND = "plan"
REGENERATE_HINT = "regenerate it with: nypconsol plan --format json -o PLAN.json"

# The account fields (core/fields.py, less the derived ones and the source) a change in which is
# drift, in the order reports list them.
ACCOUNT_FIELDS = (
    "handle",
    "platform",
    "district",
    "action",
    "target",
    "note",
    "wave",
    "notice_date",
    "close_date",
    "owner",
    "collar_number",
    "role",
    "area",
    "followers",
    "status",
    "last_post",
)
_REQUIRED_ACCOUNT_FIELDS = ("handle", "platform", "district", "action")
_DATE_FIELDS = {n for n in ACCOUNT_FIELDS if PLAN_ACCOUNT_FIELDS[n] is FieldKind.DATE}
_INT_FIELDS = {n for n in ACCOUNT_FIELDS if PLAN_ACCOUNT_FIELDS[n] is FieldKind.NUMBER}

# Plan settings: the report name -> the path to it in the plan document.
PLAN_FIELDS: dict[str, tuple[str, ...]] = {
    "start": ("start",),
    "policy.notice_days": ("policy", "notice_days"),
    "policy.waves": ("policy", "waves"),
    "policy.wave_gap_days": ("policy", "wave_gap_days"),
    "reporting": ("reporting",),
}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_VERSION = re.compile(r"(\d+)\.(\d+)", re.ASCII)


class PlanFileError(InputError):
    """A plan file is missing or is not a plan this version can read (exit 1)."""

    exit_code = ExitCode.INPUT_ERRORS


class PlanFileUnreadable(NypconsolError):
    """A plan file exists but cannot be read: permissions or an I/O error (exit 4)."""

    exit_code = ExitCode.FAILURE


@dataclass(frozen=True, slots=True)
class PlanFile:
    """A plan read from disk, with the lines its accounts and settings are on (for annotations)."""

    path: str
    document: dict
    account_lines: dict[str, int] = field(default_factory=dict)  # account key -> line
    field_lines: dict[str, int] = field(default_factory=dict)  # PLAN_FIELDS name -> line


# --- checking plan documents -------------------------------------------------------------


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def validate_plan(document: Any, name: str, account_lines: list[int] | None = None) -> None:
    """Refuse what cannot be compared; unknown keys are ignored (a newer 1.x may add some).

    ``account_lines`` (the line of each account in the file) lets messages name the line.
    """

    def fail(problem: str, index: int | None = None) -> PlanFileError:
        if index is not None and account_lines and index < len(account_lines):
            return PlanFileError(f"{name}:{account_lines[index]}: {problem}")
        return PlanFileError(f"{name}: {problem}")

    if not isinstance(document, dict):
        raise fail(f"not a plan file: it holds {_type_name(document)}, not a JSON object")
    kind = document.get("kind")
    if kind != PLAN_KIND:
        if isinstance(kind, str):
            raise fail(
                f'is a "{kind}" file, not a plan (its "kind" should be "plan"); {REGENERATE_HINT}'
            )
        raise fail(f'not a plan file: it has no "kind": "plan"; {REGENERATE_HINT}')
    version = document.get("format_version")
    match = _VERSION.fullmatch(version) if isinstance(version, str) else None
    if match is None:
        raise fail(
            f'"format_version" must be text like "1.0", not {json.dumps(version)}; {REGENERATE_HINT}'
        )
    if int(match.group(1)) != SUPPORTED_MAJOR:
        raise fail(
            f"plan format_version {version} is not supported: this nypconsol reads format "
            f"{SUPPORTED_MAJOR}.x only; use the nypconsol that wrote it, or {REGENERATE_HINT}"
        )
    if "start" not in document:
        raise fail('the plan has no "start" date')
    if not _is_date(document["start"]):
        raise fail(f'"start" must be a date like "2027-01-11", not {json.dumps(document["start"])}')
    policy = document.get("policy")
    if policy is not None and not isinstance(policy, dict):
        raise fail(f'"policy" must be an object, not {_type_name(policy)}')
    for key in ("notice_days", "wave_gap_days"):
        value = (policy or {}).get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise fail(f'"policy.{key}" must be a whole number, not {json.dumps(value)}')
    accounts = document.get("accounts")
    if accounts is None:
        raise fail('the plan has no "accounts" list')
    if not isinstance(accounts, list):
        raise fail(f'"accounts" must be a list, not {_type_name(accounts)}')
    seen: dict[str, int] = {}
    for index, account in enumerate(accounts):
        where = f"accounts[{index}]"
        if not isinstance(account, dict):
            raise fail(f"{where} must be an object, not {_type_name(account)}", index)
        for key in _REQUIRED_ACCOUNT_FIELDS:
            value = account.get(key)
            if not isinstance(value, str) or not value:
                raise fail(f'{where} has no "{key}" (it must be non-empty text)', index)
        for key in ACCOUNT_FIELDS:
            value = account.get(key)
            if value is None:
                continue
            if key in _DATE_FIELDS:
                if not _is_date(value):
                    raise fail(
                        f'{where}.{key} must be a date like "2027-01-11" or null, not '
                        f"{json.dumps(value)}",
                        index,
                    )
            elif key in _INT_FIELDS:
                if not isinstance(value, int) or isinstance(value, bool):
                    raise fail(
                        f"{where}.{key} must be a whole number or null, not {json.dumps(value)}",
                        index,
                    )
            elif not isinstance(value, str):
                raise fail(f"{where}.{key} must be text or null, not {json.dumps(value)}", index)
        key = account_key(account["platform"], account["handle"])
        if key in seen:
            raise fail(
                f"{where} (@{account['handle']}) is the same {account['platform']} account as "
                f"accounts[{seen[key]}]: a plan lists each account once",
                index,
            )
        seen[key] = index


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


# --- comparing plans -----------------------------------------------------------------------


def account_key(platform: str, handle: str) -> str:
    """``platform:handle`` with the handle compared as the platform compares it."""
    known = PLATFORMS.get(platform)
    return f"{platform}:{known.handle_key(handle) if known else handle.casefold()}"


@dataclass(frozen=True, slots=True)
class FieldChange:
    name: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class AccountDrift:
    """One account added, removed or changed. ``account`` is the plan's record of it (the new
    one, except for a removed account); ``fields`` lists what changed."""

    key: str
    account: dict
    old_district: str | None = None  # where a changed account was before, when it moved
    fields: tuple[FieldChange, ...] = ()

    @property
    def platform(self) -> str:
        return self.account["platform"]

    @property
    def handle(self) -> str:
        return self.account["handle"]

    @property
    def district(self) -> str:
        return self.account["district"]


@dataclass(frozen=True, slots=True)
class Drift:
    old_name: str
    new_name: str
    plan_changes: tuple[FieldChange, ...]
    added: tuple[AccountDrift, ...]
    removed: tuple[AccountDrift, ...]
    changed: tuple[AccountDrift, ...]

    @property
    def equal(self) -> bool:
        return not (self.plan_changes or self.added or self.removed or self.changed)

    def per_district(self) -> dict[str, dict[str, int]]:
        """Counts by district id (sorted, force last); an account that moved counts as changed
        in both its old and its new district. Districts without changes are left out."""
        counts: dict[str, dict[str, int]] = {}

        def bump(district: str, what: str) -> None:
            row = counts.setdefault(district, {"added": 0, "removed": 0, "changed": 0})
            row[what] += 1

        for item in self.added:
            bump(item.district, "added")
        for item in self.removed:
            bump(item.district, "removed")
        for item in self.changed:
            bump(item.district, "changed")
            if item.old_district is not None:
                bump(item.old_district, "changed")
        return {d: counts[d] for d in sorted(counts, key=_district_order)}


def _district_order(district: str) -> tuple[bool, str]:
    return (district == FORCE_ID, district)


def _sort_key(item: AccountDrift) -> tuple:
    return (*_district_order(item.district), item.key)


def _get(document: dict, path: tuple[str, ...]) -> Any:
    value: Any = document
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _known_fields(account: dict) -> dict:
    return {name: account.get(name) for name in ACCOUNT_FIELDS}


def compare_plans(
    old: dict,
    new: dict,
    *,
    old_name: str = "old plan",
    new_name: str = "new plan",
    checked: bool = False,
) -> Drift:
    """What changed from ``old`` to ``new``. Both are checked first (PlanFileError if not
    plans) unless ``checked`` says that was done (by read_plan, or the tool wrote them)."""
    if not checked:
        validate_plan(old, old_name)
        validate_plan(new, new_name)
    plan_changes = tuple(
        FieldChange(name, _get(old, path), _get(new, path))
        for name, path in PLAN_FIELDS.items()
        if _get(old, path) != _get(new, path)
    )
    old_accounts = {account_key(a["platform"], a["handle"]): a for a in old["accounts"]}
    new_accounts = {account_key(a["platform"], a["handle"]): a for a in new["accounts"]}
    added = [
        AccountDrift(key, _known_fields(a))
        for key, a in new_accounts.items()
        if key not in old_accounts
    ]
    removed = [
        AccountDrift(key, _known_fields(a))
        for key, a in old_accounts.items()
        if key not in new_accounts
    ]
    changed = []
    for key, account in new_accounts.items():
        if key not in old_accounts:
            continue
        before, after = _known_fields(old_accounts[key]), _known_fields(account)
        fields = tuple(
            FieldChange(name, before[name], after[name])
            for name in ACCOUNT_FIELDS
            if before[name] != after[name]
        )
        if fields:
            moved = before["district"] if before["district"] != after["district"] else None
            changed.append(AccountDrift(key, after, moved, fields))
    return Drift(
        old_name,
        new_name,
        plan_changes,
        tuple(sorted(added, key=_sort_key)),
        tuple(sorted(removed, key=_sort_key)),
        tuple(sorted(changed, key=_sort_key)),
    )


# --- what matters most -----------------------------------------------------------------------


class ChangeKind(StrEnum):
    """What happened to an account between two plans, most important first (the order in
    which reports that must be short show them)."""

    REMOVED = "removed"
    DESTINATION = "destination"  # its district, destination account or action changed
    DATES = "dates"  # its announcement or closure date (or wave) changed
    ADDED = "added"
    DETAILS = "details"  # anything else: owner, role, followers, ...


DESTINATION_FIELDS = frozenset({"district", "target", "action"})
DATE_FIELDS = frozenset({"notice_date", "close_date", "wave"})


def by_importance(drift: Drift) -> list[tuple[ChangeKind, tuple[AccountDrift, ...]]]:
    """The accounts that changed, grouped by kind in order of importance (a changed account
    counts under its most important change); each group in the drift's own order."""
    groups: dict[ChangeKind, list[AccountDrift]] = {kind: [] for kind in ChangeKind}
    groups[ChangeKind.REMOVED].extend(drift.removed)
    groups[ChangeKind.ADDED].extend(drift.added)
    for item in drift.changed:
        names = {change.name for change in item.fields}
        if names & DESTINATION_FIELDS:
            groups[ChangeKind.DESTINATION].append(item)
        elif names & DATE_FIELDS:
            groups[ChangeKind.DATES].append(item)
        else:
            groups[ChangeKind.DETAILS].append(item)
    return [(kind, tuple(items)) for kind, items in groups.items()]
