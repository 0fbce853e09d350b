"""The end-of-run summary lines the command prints."""

from __future__ import annotations

from nypconsol.enrich.models import (
    LookupRun,
    MissingAccount,
    PlatformSummary,
    RateLimitStop,
    Summary,
)
from nypconsol.enrich.summary import summary_lines


def test_counts_not_found_stops_and_the_cache():
    run = LookupRun(
        results=(),
        summary=Summary(
            platforms=(
                PlatformSummary(
                    platform="x", found=12, not_found=2, protected=1, error=1, from_cache=4
                ),
                PlatformSummary(platform="bluesky", found=3),
            ),
            not_found=(
                MissingAccount(
                    platform="x",
                    handle="OldSettleBeat",
                    profile_url="https://x.com/OldSettleBeat",
                    lines=(19,),
                    detail="",
                ),
                MissingAccount(
                    platform="x",
                    handle="Gone",
                    profile_url="https://x.com/Gone",
                    lines=(4, 9),
                    detail="",
                ),
            ),
            stopped=(
                RateLimitStop(
                    platform="x",
                    scope="https://api.x.com",
                    resume_at="2027-01-15T08:15:01Z",
                    wait_seconds=901,
                    not_looked_up=50,
                ),
            ),
        ),
    )
    assert summary_lines(
        run, inventory="inventory.csv", cache_path="out.csv.nypconsol-cache.sqlite"
    ) == [
        "X: 12 found, 2 not found, 0 suspended, 1 protected, 1 error (4 from the cache)",
        "Bluesky: 3 found, 0 not found, 0 suspended, 0 protected, 0 errors",
        "Not found: these handles may be free for anyone to register and pass off as the police: "
        "register or park each one (or check the handle in the inventory for a typing mistake):",
        "  X OldSettleBeat (inventory.csv line 19): https://x.com/OldSettleBeat",
        "  X Gone (inventory.csv lines 4, 9): https://x.com/Gone",
        "Stopped: X (https://api.x.com) limits requests until 2027-01-15T08:15:01Z; 50 accounts not "
        "looked up: run again after then (answers so far are in the cache)",
        "Cache: out.csv.nypconsol-cache.sqlite (use --refresh to ask again)",
    ]
    assert not run.complete


def test_nothing_to_look_up():
    run = LookupRun(results=(), summary=Summary(platforms=(), not_found=(), stopped=()))
    assert summary_lines(run) == ["no accounts on the platforms looked up"]
    assert run.complete


def test_platforms_with_no_accounts_in_the_inventory_are_not_listed():
    """The shipped example has only X and Facebook accounts: no 'Mastodon: 0 found, 0 not
    found, ...' lines for the platforms it has none on."""
    run = LookupRun(
        results=(),
        summary=Summary(
            platforms=(
                PlatformSummary(platform="x", found=13, not_found=1),
                PlatformSummary(platform="mastodon"),
                PlatformSummary(platform="bluesky"),
            ),
            not_found=(),
            stopped=(),
        ),
    )
    assert summary_lines(run) == ["X: 13 found, 1 not found, 0 suspended, 0 protected, 0 errors"]
    empty = LookupRun(
        results=(),
        summary=Summary(platforms=(PlatformSummary(platform="bluesky"),), not_found=(), stopped=()),
    )
    assert summary_lines(empty) == ["no accounts on the platforms looked up"]
