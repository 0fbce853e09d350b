"""The small frozen records of a lookup run: statuses, answers, rows in and results out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass
from enum import StrEnum


class LookupStatus(StrEnum):
    """What a platform said about an account: the values of the ``lookup_status`` column."""

    FOUND = "found"
    NOT_FOUND = "not_found"
    SUSPENDED = "suspended"
    PROTECTED = "protected"
    ERROR = "error"


# Answers the platform gave about the account itself: kept in the cache. An error is about the
# lookup (a timeout, a bad body, a rate limit), so the next run asks again.
DEFINITIVE = frozenset(
    {LookupStatus.FOUND, LookupStatus.NOT_FOUND, LookupStatus.SUSPENDED, LookupStatus.PROTECTED}
)


def utc_timestamp(epoch_seconds: float) -> str:
    """``2026-11-30T09:15:00Z``: the form of ``lookup_at``, to the second, always UTC."""
    moment = dt.datetime.fromtimestamp(int(epoch_seconds), tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Answer:
    """What one lookup found out about one account (before it gets its time)."""

    status: LookupStatus
    followers: int | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Lookup:
    """An answer with the time it was obtained (``lookup_at``), as written to the inventory."""

    status: LookupStatus
    followers: int | None
    detail: str
    looked_up_at: str  # utc_timestamp()


@dataclass(frozen=True, slots=True)
class AccountRow:
    """One inventory row to look up: its key (any hashable the caller picks), platform and handle
    as written in the inventory (``@Name``, ``Twitter``, `` name.bsky.social ``), and the line a
    person sees, for messages."""

    key: Hashable
    platform: str
    handle: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class RowResult:
    """The lookup for one row: its platform id and normalised handle, and what was found."""

    key: Hashable
    platform: str  # "x", "mastodon" or "bluesky"
    handle: str  # normalised: no "@", no surrounding spaces
    lookup: Lookup
    from_cache: bool
    line: int | None = None
    # The inventory's handle breaks the platform's rule (or is missing): not asked, ``error``.
    invalid_handle: bool = False


@dataclass(frozen=True, slots=True)
class RateLimitStop:
    """A rate limit longer than the caller would wait: where and when to run again."""

    platform: str
    scope: str  # the API base or Mastodon instance that is limited
    resume_at: str  # utc_timestamp() of the reset
    wait_seconds: int  # from when the run stopped
    not_looked_up: int  # accounts left for the next run


@dataclass(frozen=True, slots=True)
class PlatformSummary:
    platform: str
    found: int = 0
    not_found: int = 0
    suspended: int = 0
    protected: int = 0
    error: int = 0  # invalid handles included
    from_cache: int = 0
    invalid_handle: int = 0  # errors because the handle cannot be one: fix the inventory

    @property
    def accounts(self) -> int:
        return self.found + self.not_found + self.suspended + self.protected + self.error


@dataclass(frozen=True, slots=True)
class MissingAccount:
    """An account the platform does not know: its handle may be free for anyone to register."""

    platform: str
    handle: str
    profile_url: str
    lines: tuple[int, ...]  # the inventory rows that name it
    detail: str


NOT_FOUND_ADVICE = (
    "these handles may be free for anyone to register and pass off as the police: register or "
    "park each one (or check the handle in the inventory for a typing mistake)"
)


@dataclass(frozen=True, slots=True)
class Summary:
    platforms: tuple[PlatformSummary, ...]  # in the order x, mastodon, bluesky; only those asked
    not_found: tuple[MissingAccount, ...]
    stopped: tuple[RateLimitStop, ...]
    advice: str = NOT_FOUND_ADVICE


@dataclass(frozen=True, slots=True)
class LookupRun:
    """Everything a run found out: one result per looked-up row, in input order, and a summary.

    Rows of platforms that were not selected (or that nypconsol cannot look up) have no result.
    """

    results: tuple[RowResult, ...]
    summary: Summary

    @property
    def complete(self) -> bool:
        """False when a rate limit stopped a platform early: run again later to finish."""
        return not self.summary.stopped

    @property
    def failed_lookups(self) -> int:
        """Accounts with ``error`` because asking failed (network, server, an answer not
        understood, a rate limit): a later run asks them again."""
        return sum(p.error - p.invalid_handle for p in self.summary.platforms)

    @property
    def invalid_handles(self) -> int:
        """Rows not asked because their handle cannot be one (or is missing)."""
        return sum(p.invalid_handle for p in self.summary.platforms)


@dataclass(frozen=True, slots=True)
class Progress:
    """Sent after every request (and once per platform for answers from the cache)."""

    platform: str
    done: int  # accounts of this platform with an answer so far
    total: int  # accounts of this platform to look up


@dataclass(frozen=True, slots=True)
class Countdown:
    """Sent every second while waiting for a rate limit to reset."""

    platform: str
    scope: str
    remaining_seconds: int
    resume_at: str  # utc_timestamp()
