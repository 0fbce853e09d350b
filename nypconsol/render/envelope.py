"""The versioned JSON envelopes (plan, findings, districts) as plain dicts, shared by JSON and YAML."""

from __future__ import annotations

import datetime as dt

from nypconsol import __version__
from nypconsol.findings import Finding, count
from nypconsol.models import FORCE_ID, Config, Plan, PlanEntry
from nypconsol.platforms import PLATFORMS

FORMAT_VERSION = "1.0"  # bump the major for changes that break consumers; add keys freely
TOOL = {"name": "nypconsol", "version": __version__}


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def entry_dict(entry: PlanEntry, config: Config) -> dict:
    account = entry.account
    platform = PLATFORMS[account.platform]
    return {
        "handle": account.handle,
        "platform": account.platform,
        "owner": account.owner,
        "collar_number": account.collar_number,
        "role": account.role,
        "area": account.area,
        "district": entry.district,
        "district_name": config.district_name(entry.district),
        "action": entry.action,
        "note": entry.note,
        "target": entry.target,
        "url": platform.profile_url(account.handle),
        "target_url": platform.profile_url(entry.target) if entry.target else None,
        "wave": entry.wave,
        "notice_date": _date(entry.notice_date),
        "close_date": _date(entry.close_date),
        "followers": account.followers,
        "status": account.status,
        "last_post": _date(account.last_post),
        "source": account.source.as_dict(),
    }


def plan_summary(plan: Plan) -> dict:
    config = plan.config
    district_ids = [d.id for d in config.districts] + [FORCE_ID]
    per_district: dict[str, dict] = {}
    for district_id in district_ids:
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
    for entry in plan.entries:
        row = per_district[entry.district]
        row["accounts"] += 1
        row[entry.action] += 1
        if entry.action == "migrate":
            row["followers_to_redirect"] += entry.account.followers or 0
            notice, close = _date(entry.notice_date), _date(entry.close_date)
            row["notice_date"] = min(filter(None, [row["notice_date"], notice]))
            row["close_date"] = max(filter(None, [row["close_date"], close]))
    migrating = [e for e in plan.entries if e.action == "migrate"]
    return {
        "accounts": len(plan.entries),
        "migrate": len(migrating),
        "retain": sum(e.action == "retain" for e in plan.entries),
        "skip": sum(e.action == "skip" for e in plan.entries),
        "followers_to_redirect": sum(e.account.followers or 0 for e in migrating),
        "followers_unknown": sum(e.account.followers is None for e in migrating),
        "first_notice": _date(min((e.notice_date for e in migrating), default=None)),
        "last_close": _date(max((e.close_date for e in migrating), default=None)),
        "warnings": len(plan.warnings),
        "districts": per_district,
    }


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
