"""Look up every inventory row on its platform: the cache first, then the APIs in batches,
waiting out short rate limits and stopping cleanly at long ones."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from nypconsol.core.platforms import normalise_handle, platform_id
from nypconsol.enrich.cache import LookupCache
from nypconsol.enrich.clients import PlatformClient
from nypconsol.enrich.errors import LookupFailed, RateLimited
from nypconsol.enrich.handles import LOOKUP_PLATFORMS, Handle, parse_handle, platform_name
from nypconsol.enrich.models import (
    AccountRow,
    Answer,
    Countdown,
    Lookup,
    LookupRun,
    LookupStatus,
    MissingAccount,
    PlatformSummary,
    Progress,
    RateLimitStop,
    RowResult,
    Summary,
    utc_timestamp,
)
from nypconsol.enrich.ratelimit import DEFAULT_WAIT_SECONDS, reset_time
from nypconsol.enrich.secrets import clean_text

DEFAULT_MAX_WAIT = 300.0
# A second past the reset: the platform's clock and ours differ a little, and asking a moment
# early earns another 429.
RESET_MARGIN_SECONDS = 1.0
# A server that keeps answering 429 with resets already past would otherwise hold us forever.
MAX_WAITS_PER_BATCH = 5


@dataclass
class _Account:
    """One distinct account of the run and the rows that name it."""

    handle: Handle
    rows: list[int] = field(default_factory=list)
    lookup: Lookup | None = None
    from_cache: bool = False


def lookup_accounts(
    rows: Iterable[AccountRow],
    *,
    platforms: Collection[str],
    clients: Mapping[str, PlatformClient],
    cache: LookupCache | None = None,
    refresh: bool = False,
    max_wait: float = DEFAULT_MAX_WAIT,
    on_progress: Callable[[Progress], None] | None = None,
    on_countdown: Callable[[Countdown], None] | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> LookupRun:
    """Look up the rows whose platform is in ``platforms`` (ids: x, mastodon, bluesky).

    Answers already in ``cache`` are used unless ``refresh``; every new definitive answer is
    stored as soon as it arrives. A 429 whose reset is at most ``max_wait`` seconds away is
    waited out (``on_countdown`` each second); a longer one stops that platform (or Mastodon
    instance): its remaining accounts get ``error`` and the summary's ``stopped`` says when to
    run again. TokenMissing and TokenRejected propagate (answers so far stay in the cache), as
    does KeyboardInterrupt.
    """
    row_list = list(rows)
    results: dict[int, RowResult] = {}
    accounts: dict[str, dict[str, _Account]] = {p: {} for p in LOOKUP_PLATFORMS}
    selected = [p for p in LOOKUP_PLATFORMS if p in platforms]

    for index, row in enumerate(row_list):
        platform = platform_id(row.platform)
        if platform not in selected:
            continue
        handle = parse_handle(platform, row.handle)
        if isinstance(handle, str):
            results[index] = RowResult(
                key=row.key,
                platform=platform,
                handle=clean_text(normalise_handle(row.handle), 100),  # safe to print
                lookup=Lookup(
                    status=LookupStatus.ERROR,
                    followers=None,
                    detail=clean_text(handle),
                    looked_up_at=utc_timestamp(clock()),
                ),
                from_cache=False,
                line=row.line,
                invalid_handle=True,
            )
            continue
        account = accounts[platform].setdefault(handle.key, _Account(handle))
        account.rows.append(index)

    stops: list[RateLimitStop] = []
    for platform in selected:
        if accounts[platform]:
            stops += _lookup_platform(
                platform,
                accounts[platform],
                client=_client(clients, platform),
                cache=cache,
                refresh=refresh,
                max_wait=max_wait,
                on_progress=on_progress,
                on_countdown=on_countdown,
                clock=clock,
                sleep=sleep,
            )

    for platform_accounts in accounts.values():
        for account in platform_accounts.values():
            assert account.lookup is not None  # every account is answered, failed or stopped
            for index in account.rows:
                row = row_list[index]
                results[index] = RowResult(
                    key=row.key,
                    platform=account.handle.platform,
                    handle=account.handle.text,
                    lookup=account.lookup,
                    from_cache=account.from_cache,
                    line=row.line,
                )
    ordered = tuple(results[i] for i in sorted(results))
    return LookupRun(
        results=ordered, summary=_summarise(ordered, selected, row_list, accounts, stops)
    )


def _client(clients: Mapping[str, PlatformClient], platform: str) -> PlatformClient:
    try:
        return clients[platform]
    except KeyError:
        raise ValueError(f"no client given for {platform}") from None


def _lookup_platform(
    platform: str,
    accounts: dict[str, _Account],
    *,
    client: PlatformClient,
    cache: LookupCache | None,
    refresh: bool,
    max_wait: float,
    on_progress: Callable[[Progress], None] | None,
    on_countdown: Callable[[Countdown], None] | None,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> list[RateLimitStop]:
    by_scope: dict[str, list[_Account]] = {}
    for account in accounts.values():
        by_scope.setdefault(client.scope(account.handle), []).append(account)

    total = len(accounts)
    done = 0
    if cache is not None and not refresh:
        for scope, members in by_scope.items():
            cached = cache.fetch(platform, scope, (a.handle.key for a in members))
            for account in members:
                if (lookup := cached.get(account.handle.key)) is not None:
                    account.lookup, account.from_cache = lookup, True
                    done += 1
    if on_progress is not None:
        on_progress(Progress(platform=platform, done=done, total=total))

    stops: dict[str, tuple[float, float]] = {}  # scope -> (reset time, when we stopped)
    for scope, members in by_scope.items():
        todo = [a for a in members if a.lookup is None]
        for start in range(0, len(todo), client.batch_size):
            if scope in stops:
                break
            batch = todo[start : start + client.batch_size]
            answers = _ask(client, scope, batch, max_wait, on_countdown, clock, sleep, stops)
            if answers is None:
                break
            at = utc_timestamp(clock())
            fresh: dict[str, tuple[str, Lookup]] = {}
            for account in batch:
                answer = answers.get(account.handle.key) or Answer(
                    status=LookupStatus.ERROR, detail="no answer for this account"
                )
                account.lookup = Lookup(
                    status=answer.status,
                    followers=answer.followers,
                    detail=answer.detail,
                    looked_up_at=at,
                )
                fresh[account.handle.key] = (account.handle.text, account.lookup)
            if cache is not None:
                cache.store(platform, scope, fresh)
            done += len(batch)
            if on_progress is not None:
                on_progress(Progress(platform=platform, done=done, total=total))

    result: list[RateLimitStop] = []
    for scope, (reset, stopped_at) in stops.items():
        left = [a for a in by_scope[scope] if a.lookup is None]
        resume_at = utc_timestamp(math.ceil(reset + RESET_MARGIN_SECONDS))
        wait = max(0, math.ceil(reset + RESET_MARGIN_SECONDS - stopped_at))
        detail = (
            f"not looked up: {platform_name(platform)} limits requests until {resume_at} "
            f"({_duration(wait)} away, longer than the wait allowed); run again after then, "
            "and the answers so far come from the cache"
        )
        for account in left:
            account.lookup = Lookup(
                status=LookupStatus.ERROR,
                followers=None,
                detail=detail,
                looked_up_at=utc_timestamp(stopped_at),
            )
        result.append(
            RateLimitStop(
                platform=platform,
                scope=scope,
                resume_at=resume_at,
                wait_seconds=wait,
                not_looked_up=len(left),
            )
        )
    return result


def _ask(
    client: PlatformClient,
    scope: str,
    batch: list[_Account],
    max_wait: float,
    on_countdown: Callable[[Countdown], None] | None,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    stops: dict[str, tuple[float, float]],
) -> dict[str, Answer] | None:
    """One batch's answers, waiting out short rate limits; None when a long one stops it."""
    handles = [a.handle for a in batch]
    waits = 0
    while True:
        try:
            return client.lookup(handles)
        except LookupFailed as failed:
            return {h.key: Answer(status=LookupStatus.ERROR, detail=failed.detail) for h in handles}
        except RateLimited as limited:
            now = clock()
            reset = reset_time(limited.headers, now)
            if reset is None:
                reset = now + DEFAULT_WAIT_SECONDS
            if reset - now > max_wait or waits >= MAX_WAITS_PER_BATCH:
                stops[scope] = (reset, now)
                return None
            waits += 1
            _wait_until(
                reset + RESET_MARGIN_SECONDS, client.platform, scope, on_countdown, clock, sleep
            )


def _wait_until(
    target: float,
    platform: str,
    scope: str,
    on_countdown: Callable[[Countdown], None] | None,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> None:
    resume_at = utc_timestamp(math.ceil(target))
    while (remaining := target - clock()) > 0:
        if on_countdown is not None:
            on_countdown(
                Countdown(
                    platform=platform,
                    scope=scope,
                    remaining_seconds=math.ceil(remaining),
                    resume_at=resume_at,
                )
            )
        sleep(min(1.0, remaining))


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def _summarise(
    results: tuple[RowResult, ...],
    selected: list[str],
    rows: list[AccountRow],
    accounts: dict[str, dict[str, _Account]],
    stops: list[RateLimitStop],
) -> Summary:
    counts: dict[str, dict[str, int]] = {p: {} for p in selected}
    for result in results:
        tally = counts[result.platform]
        tally[result.lookup.status] = tally.get(result.lookup.status, 0) + 1
        if result.from_cache:
            tally["from_cache"] = tally.get("from_cache", 0) + 1
        if result.invalid_handle:
            tally["invalid_handle"] = tally.get("invalid_handle", 0) + 1
    platforms = tuple(
        PlatformSummary(
            platform=p,
            found=counts[p].get(LookupStatus.FOUND, 0),
            not_found=counts[p].get(LookupStatus.NOT_FOUND, 0),
            suspended=counts[p].get(LookupStatus.SUSPENDED, 0),
            protected=counts[p].get(LookupStatus.PROTECTED, 0),
            error=counts[p].get(LookupStatus.ERROR, 0),
            from_cache=counts[p].get("from_cache", 0),
            invalid_handle=counts[p].get("invalid_handle", 0),
        )
        for p in selected
    )
    missing = []
    for platform in selected:
        for account in accounts[platform].values():
            lookup = account.lookup
            if lookup is not None and lookup.status is LookupStatus.NOT_FOUND:
                lines = tuple(
                    sorted(line for i in account.rows if (line := rows[i].line) is not None)
                )
                missing.append(
                    MissingAccount(
                        platform=platform,
                        handle=account.handle.text,
                        profile_url=account.handle.profile_url,
                        lines=lines,
                        detail=lookup.detail,
                    )
                )
    return Summary(platforms=platforms, not_found=tuple(missing), stopped=tuple(stops))
