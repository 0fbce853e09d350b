"""The versioned JSON envelopes (plan, findings, districts, drift) as plain dicts, shared by the
JSON, YAML and CSV writers. Within a major ``format_version`` keys are only added."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from operator import attrgetter
from typing import TYPE_CHECKING

from nypconsol import __version__
from nypconsol.core.findings import Finding, count
from nypconsol.core.models import ACTION_TEXT
from nypconsol.core.plan import plan_summary
from nypconsol.core.platforms import PLATFORMS

if TYPE_CHECKING:
    from nypconsol.core.drift import AccountDrift, Drift, FieldChange
    from nypconsol.core.models import Config, Plan

FORMAT_VERSION = "1.0"  # bump the major for changes that break consumers; add keys freely
TOOL = {"name": "nypconsol", "version": __version__}


class _IsoDates(dict):
    """date -> its ISO text, each distinct date formatted once (a plan has a few hundred)."""

    def __missing__(self, day: dt.date) -> str:
        text = self[day] = day.isoformat()
        return text


# One C call per record for the fields a plan account shows, by name.
_ENTRY_FIELDS = attrgetter(
    "account", "district", "action", "target", "notice_date", "close_date", "wave", "note"
)
_ACCOUNT_FIELDS = attrgetter(
    "handle",
    "platform",
    "owner",
    "collar_number",
    "role",
    "area",
    "followers",
    "status",
    "last_post",
    "source",
)


def account_dicts(plan: Plan) -> Iterator[dict]:
    """Each account of the plan, in plan order, as the JSON, YAML and CSV outputs show it."""
    district_name = plan.config.district_name
    iso = _IsoDates({None: None})
    action_text = ACTION_TEXT
    profile_url = {platform_id: p.profile_url for platform_id, p in PLATFORMS.items()}
    for entry in plan.entries:
        account, district, action, target, notice, close, wave, note = _ENTRY_FIELDS(entry)
        (
            handle,
            platform,
            owner,
            collar_number,
            role,
            area,
            followers,
            status,
            last_post,
            (file, line, _),
        ) = _ACCOUNT_FIELDS(account)
        url = profile_url[platform]
        yield {
            "handle": handle,
            "platform": platform,
            "owner": owner,
            "collar_number": collar_number,
            "role": role,
            "area": area,
            "district": district,
            "district_name": district_name(district),
            "action": action_text[action],
            "note": note,
            "target": target,
            "url": url(handle),
            "target_url": url(target) if target else None,
            "wave": wave,
            "notice_date": iso[notice],
            "close_date": iso[close],
            "followers": followers,
            "status": status,
            "last_post": iso[last_post],
            "source": {"file": file, "line": line},
        }


def plan_document(plan: Plan) -> dict:
    """The whole plan envelope, accounts included."""
    document = plan_envelope(plan)
    document["accounts"] = list(account_dicts(plan))
    return document


def plan_envelope(plan: Plan) -> dict:
    """Everything but the accounts list, which the JSON writer streams one per line."""
    policy = plan.config.policy
    return {
        "format_version": FORMAT_VERSION,
        "kind": "plan",
        "tool": TOOL,
        "inputs": {name: ref.as_dict() if ref else None for name, ref in plan.inputs.items()},
        "start": plan.start.isoformat(),
        "start_source": plan.start_source,
        "policy": {
            "notice_days": policy.notice_days,
            "waves": [list(w) for w in policy.waves],
            "wave_gap_days": policy.wave_gap_days,
        },
        "reporting": dict(plan.config.force.reporting),
        "summary": plan_summary(plan),
        "warnings": [f.as_dict() for f in plan.warnings],
    }


def findings_envelope(findings: list[Finding], checked_accounts: int | None = None) -> dict:
    summary: dict = count(findings)
    if checked_accounts is not None:
        summary["accounts"] = checked_accounts
    return {
        "format_version": FORMAT_VERSION,
        "kind": "findings",
        "tool": TOOL,
        "findings": [f.as_dict() for f in findings],
        "summary": summary,
    }


def districts_envelope(config: Config, config_path: str) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "kind": "districts",
        "tool": TOOL,
        "config": config_path,
        "force": {
            "name": config.force.name,
            "accounts": dict(config.force.accounts),
            "reporting": dict(config.force.reporting),
        },
        "districts": [
            {"id": d.id, "name": d.name, "accounts": dict(d.accounts), "areas": list(d.areas)}
            for d in config.districts
        ],
    }


def _fields(changes: tuple[FieldChange, ...]) -> dict:
    return {c.name: {"before": c.before, "after": c.after} for c in changes}


def _account_record(item: AccountDrift) -> dict:
    return {
        "key": item.key,
        "platform": item.platform,
        "handle": item.handle,
        "district": item.district,
        "account": item.account,
    }


def drift_envelope(drift: Drift) -> dict:
    """``{"format_version", "kind": "drift", "equal", "old", "new", "summary", "plan_changes",
    "added", "removed", "changed"}``; see the drift schema (nypconsol schema drift)."""
    return {
        "format_version": FORMAT_VERSION,
        "kind": "drift",
        "tool": TOOL,
        "equal": drift.equal,
        "old": drift.old_name,
        "new": drift.new_name,
        "summary": {
            "added": len(drift.added),
            "removed": len(drift.removed),
            "changed": len(drift.changed),
            "plan_changes": len(drift.plan_changes),
            "districts": drift.per_district(),
        },
        "plan_changes": _fields(drift.plan_changes),
        "added": [_account_record(i) for i in drift.added],
        "removed": [_account_record(i) for i in drift.removed],
        "changed": [
            {
                "key": i.key,
                "platform": i.platform,
                "handle": i.handle,
                "district": i.district,
                "fields": _fields(i.fields),
            }
            for i in drift.changed
        ],
    }
