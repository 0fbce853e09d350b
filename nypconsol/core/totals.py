"""The totals of handover reports: accounts by action and platform, followers to redirect (known
and unknown) and the first and last dates, for one report and added up across reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nypconsol.core.models import Action
from nypconsol.core.platforms import PLATFORMS

if TYPE_CHECKING:
    from nypconsol.core.handover import HandoverAccount


@dataclass(frozen=True, slots=True)
class PlatformTotal:
    platform: str
    platform_name: str
    accounts: int
    migrate: int
    retain: int
    skip: int
    followers_to_redirect: int  # known followers of the accounts that migrate
    followers_unknown: int  # accounts that migrate with no follower count


@dataclass(frozen=True, slots=True)
class Totals:
    accounts: int
    migrate: int
    retain: int
    skip: int
    followers_to_redirect: int
    followers_unknown: int
    first_notice: dt.date | None
    last_close: dt.date | None
    by_platform: tuple[PlatformTotal, ...]


def totals_of(accounts: Sequence[HandoverAccount]) -> Totals:
    """Counts, followers and dates of a report's accounts, in total and per platform."""
    rows = {}
    for platform_id, platform in PLATFORMS.items():
        mine = [a for a in accounts if a.platform == platform_id]
        if mine:
            rows[platform_id] = _count(mine, platform_id, platform.name)
    notices = [a.notice_date for a in accounts if a.notice_date is not None]
    closes = [a.close_date for a in accounts if a.close_date is not None]
    by_platform = tuple(rows.values())
    return Totals(
        accounts=len(accounts),
        migrate=sum(r.migrate for r in by_platform),
        retain=sum(r.retain for r in by_platform),
        skip=sum(r.skip for r in by_platform),
        followers_to_redirect=sum(r.followers_to_redirect for r in by_platform),
        followers_unknown=sum(r.followers_unknown for r in by_platform),
        first_notice=min(notices, default=None),
        last_close=max(closes, default=None),
        by_platform=by_platform,
    )


def _count(accounts: list[HandoverAccount], platform_id: str, name: str) -> PlatformTotal:
    migrating = [a for a in accounts if a.action is Action.MIGRATE]
    return PlatformTotal(
        platform=platform_id,
        platform_name=name,
        accounts=len(accounts),
        migrate=len(migrating),
        retain=sum(a.action is Action.RETAIN for a in accounts),
        skip=sum(a.action is Action.SKIP for a in accounts),
        followers_to_redirect=sum(a.followers or 0 for a in migrating),
        followers_unknown=sum(a.followers is None for a in migrating),
    )


def add_totals(parts: Sequence[Totals]) -> Totals:
    """The totals of several reports together (the index)."""
    platforms: dict[str, list[PlatformTotal]] = {}
    for part in parts:
        for row in part.by_platform:
            platforms.setdefault(row.platform, []).append(row)
    by_platform = tuple(
        PlatformTotal(
            platform=platform_id,
            platform_name=PLATFORMS[platform_id].name,
            accounts=sum(r.accounts for r in rows),
            migrate=sum(r.migrate for r in rows),
            retain=sum(r.retain for r in rows),
            skip=sum(r.skip for r in rows),
            followers_to_redirect=sum(r.followers_to_redirect for r in rows),
            followers_unknown=sum(r.followers_unknown for r in rows),
        )
        for platform_id in PLATFORMS
        if (rows := platforms.get(platform_id))
    )
    return Totals(
        accounts=sum(p.accounts for p in parts),
        migrate=sum(p.migrate for p in parts),
        retain=sum(p.retain for p in parts),
        skip=sum(p.skip for p in parts),
        followers_to_redirect=sum(p.followers_to_redirect for p in parts),
        followers_unknown=sum(p.followers_unknown for p in parts),
        first_notice=min((p.first_notice for p in parts if p.first_notice), default=None),
        last_close=max((p.last_close for p in parts if p.last_close), default=None),
        by_platform=by_platform,
    )
