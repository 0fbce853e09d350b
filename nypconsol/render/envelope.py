"""The versioned JSON envelopes (plan, findings, districts) as plain dicts, shared by JSON and YAML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from nypconsol import __version__
from nypconsol.findings import Finding, count
from nypconsol.models import FORCE_ID, Config, Plan
from nypconsol.platforms import PLATFORMS

FORMAT_VERSION = "1.0"  # bump the major for changes that break consumers; add keys freely
TOOL = {"name": "nypconsol", "version": __version__}


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


class _IsoDates(dict):
    """date -> its ISO text, each distinct date formatted once (a plan has a few hundred)."""

    def __missing__(self, day: dt.date) -> str:
        text = self[day] = day.isoformat()
        return text


def account_dicts(plan: Plan) -> Iterator[dict]:
    """Each account of the plan, in plan order, as the JSON, YAML and CSV outputs show it."""
    district_name = plan.config.district_name
    iso = _IsoDates({None: None})
    profile_url = {platform_id: p.profile_url for platform_id, p in PLATFORMS.items()}
    for account, district, action, target, notice, close, wave, note in plan.entries:
        # Unpacked at once: each NamedTuple attribute would cost a lookup, per account.
        handle, platform, owner, collar_number, role, area, _, followers, last_post, status = (
            account[:10]
        )
        file, line = account.source
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
            "action": action,
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
        row[entry.action] += 1
        if entry.action == "migrate":
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


# The tables people read (terminal, Markdown, job summaries) share these columns and cells.
DISTRICT_COLUMNS = (
    "District",
    "Accounts",
    "Migrate",
    "Retain",
    "Skip",
    "Followers",
    "Announce",
    "Close",
)
ACCOUNT_COLUMNS = (
    "District",
    "Handle",
    "Platform",
    "Owner",
    "Action",
    "Moves to",
    "Announce",
    "Close",
    "Followers",
)


def district_rows(summary: dict) -> list[list[str]]:
    """One row per district of a plan summary (``plan_summary`` or a plan file's)."""
    return [
        [
            row["name"],
            str(row["accounts"]),
            str(row["migrate"]),
            str(row["retain"]),
            str(row["skip"]),
            f"{row['followers_to_redirect']:,}",
            row["notice_date"] or "-",
            row["close_date"] or "-",
        ]
        for row in summary["districts"].values()
    ]


def account_rows(plan: Plan) -> list[list[str]]:
    """One row per account: where it goes and when."""
    return [
        [
            plan.config.district_name(e.district),
            "@" + e.account.handle,
            e.account.platform,
            e.account.owner,
            f"retain ({e.note})" if e.action == "retain" else e.action,
            "@" + e.target if e.target else "-",
            _date(e.notice_date) or "-",
            _date(e.close_date) or "-",
            "?" if e.account.followers is None else f"{e.account.followers:,}",
        ]
        for e in plan.entries
    ]


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
