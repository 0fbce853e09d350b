"""429s: wait out a short reset with a countdown, stop cleanly at a long one."""

from __future__ import annotations

import time

import pytest

from nypconsol.enrich.cache import LookupCache
from nypconsol.enrich.lookup import lookup_accounts
from nypconsol.enrich.models import AccountRow, LookupStatus
from nypconsol.enrich.ratelimit import reset_time

from .conftest import normal, rate_limited

NOW = 1_800_000_000.0


def rows(*handles: str, platform: str = "x") -> list[AccountRow]:
    return [
        AccountRow(key=i, platform=platform, handle=h, line=i + 2) for i, h in enumerate(handles)
    ]


def test_x_reset_within_max_wait_is_waited_with_a_countdown(fake_x, clients, clock):
    fake_x.add("a_beat", 11)
    fake_x.fail_next(
        rate_limited({"x-rate-limit-reset": str(int(NOW) + 4), "x-rate-limit-remaining": "0"})
    )
    countdown = []
    run = lookup_accounts(
        rows("a_beat"),
        platforms=["x"],
        clients=clients(["x"]),
        clock=clock,
        sleep=clock.sleep,
        on_countdown=countdown.append,
    )
    assert run.results[0].lookup.status is LookupStatus.FOUND
    assert run.complete
    # Four seconds to the reset and one of margin, counted down each second.
    assert [c.remaining_seconds for c in countdown] == [5, 4, 3, 2, 1]
    assert {c.resume_at for c in countdown} == {"2027-01-15T08:00:05Z"}
    assert {(c.platform, c.scope) for c in countdown} == {("x", fake_x_base(clients))}
    assert clock.sleeps == [1.0] * 5
    assert len(fake_x.calls) == 2


def fake_x_base(clients) -> str:
    return clients(["x"])["x"].base


def test_x_reset_beyond_max_wait_stops_cleanly_keeping_what_was_done(
    fake_x, clients, clock, tmp_path
):
    handles = [f"beat_{n:03d}" for n in range(150)]
    for handle in handles:
        fake_x.add(handle, 1)
    # The first batch of 100 is answered; the second meets a 15-minute window.
    fake_x.fail_next(normal, rate_limited({"x-rate-limit-reset": str(int(NOW) + 900)}))
    client = clients(["x"])
    with LookupCache(tmp_path / "c.sqlite") as cache:
        run = lookup_accounts(
            rows(*handles),
            platforms=["x"],
            clients=client,
            cache=cache,
            max_wait=300,
            clock=clock,
            sleep=clock.sleep,
        )
        assert cache.count() == 100
    assert not run.complete
    [stop] = run.summary.stopped
    assert (stop.platform, stop.resume_at, stop.wait_seconds, stop.not_looked_up) == (
        "x",
        "2027-01-15T08:15:01Z",
        901,
        50,
    )
    assert clock.sleeps == []  # nothing waited
    by_status = [str(r.lookup.status) for r in run.results]
    assert by_status == ["found"] * 100 + ["error"] * 50
    assert run.results[-1].lookup.detail.startswith(
        "not looked up: X limits requests until 2027-01-15T08:15:01Z (15 min away"
    )
    assert run.summary.platforms[0].error == 50


def test_max_wait_zero_never_waits(fake_x, clients, clock):
    fake_x.fail_next(rate_limited({"x-rate-limit-reset": str(int(NOW) + 1)}))
    run = lookup_accounts(
        rows("a_beat"),
        platforms=["x"],
        clients=clients(["x"]),
        max_wait=0,
        clock=clock,
        sleep=clock.sleep,
    )
    assert run.summary.stopped[0].not_looked_up == 1
    assert clock.sleeps == []


def test_a_server_that_keeps_answering_429_is_given_up_on(fake_x, clients, clock):
    fake_x.fail_next(*[rate_limited({"retry-after": "1"})] * 10)
    run = lookup_accounts(
        rows("a_beat"), platforms=["x"], clients=clients(["x"]), clock=clock, sleep=clock.sleep
    )
    assert not run.complete
    assert len(fake_x.calls) == 6  # the first try and five waits
    assert len(clock.sleeps) == 10  # two seconds each (one, and one of margin)


def test_no_reset_header_waits_a_minute(fake_x, clients, clock):
    fake_x.add("a_beat", 1)
    fake_x.fail_next(rate_limited({}))
    run = lookup_accounts(
        rows("a_beat"), platforms=["x"], clients=clients(["x"]), clock=clock, sleep=clock.sleep
    )
    assert run.complete
    assert sum(clock.sleeps) == 61


def test_real_two_second_reset_then_success(fake_x, clients):
    """The one test that waits for real: X's epoch-seconds reset, two seconds ahead."""
    fake_x.add("a_beat", 42)
    fake_x.fail_next(
        lambda request: rate_limited({"x-rate-limit-reset": str(int(time.time()) + 2)})(request)
    )
    seen = []
    started = time.monotonic()
    run = lookup_accounts(
        rows("a_beat"),
        platforms=["x"],
        clients=clients(["x"], sleep=time.sleep),
        on_countdown=lambda c: seen.append(c.remaining_seconds),
    )
    elapsed = time.monotonic() - started
    assert run.results[0].lookup.status is LookupStatus.FOUND
    assert run.results[0].lookup.followers == 42
    assert 1.0 <= elapsed < 5.0
    assert seen and seen == sorted(seen, reverse=True) and seen[-1] == 1
    assert len(fake_x.calls) == 2


def test_mastodon_iso_reset_stops_only_that_instance(fake_mastodon, clients, clock, base):
    fake_mastodon.add("alice", 10)
    fake_mastodon.add("bob", 20)
    fake_mastodon.fail_next(rate_limited({"X-RateLimit-Reset": "2027-01-15T09:00:00.000Z"}))
    run = lookup_accounts(
        rows("alice@one.social", "bob@one.social", platform="mastodon"),
        platforms=["mastodon"],
        clients=clients(["mastodon"]),
        clock=clock,
        sleep=clock.sleep,
    )
    [stop] = run.summary.stopped
    assert (stop.platform, stop.scope, stop.not_looked_up) == ("mastodon", base, 2)
    assert stop.resume_at == "2027-01-15T09:00:01Z"
    assert len(fake_mastodon.calls) == 1


def test_bluesky_ratelimit_reset_header(fake_bluesky, clients, clock):
    fake_bluesky.add("nyp.bsky.social", 300)
    fake_bluesky.fail_next(
        rate_limited({"ratelimit-reset": str(int(NOW) + 2), "ratelimit-remaining": "0"})
    )
    run = lookup_accounts(
        rows("nyp.bsky.social", platform="bluesky"),
        platforms=["bluesky"],
        clients=clients(["bluesky"]),
        clock=clock,
        sleep=clock.sleep,
    )
    assert run.results[0].lookup.followers == 300
    assert sum(clock.sleeps) == 3


class TestResetTime:
    def headers(self, **values: str):
        from requests.structures import CaseInsensitiveDict

        return CaseInsensitiveDict({k.replace("_", "-"): v for k, v in values.items()})

    def test_x_epoch_seconds(self):
        assert reset_time(self.headers(x_rate_limit_reset="1800000900"), NOW) == 1_800_000_900

    def test_retry_after_seconds_wins(self):
        headers = self.headers(retry_after="30", x_ratelimit_reset="1800000900")
        assert reset_time(headers, NOW) == NOW + 30

    def test_retry_after_http_date(self):
        headers = self.headers(retry_after="Fri, 15 Jan 2027 08:01:00 GMT")
        assert reset_time(headers, NOW) == NOW + 60

    def test_mastodon_iso_time(self):
        headers = self.headers(X_RateLimit_Reset="2027-01-15T08:05:00.123456Z")
        assert reset_time(headers, NOW) == pytest.approx(NOW + 300.123456)

    def test_small_numbers_are_seconds_from_now(self):
        assert reset_time(self.headers(RateLimit_Reset="45"), NOW) == NOW + 45

    @pytest.mark.parametrize("value", ["soon", "-5", "nan", "inf", "1e999", ""])
    def test_nonsense_is_ignored(self, value):
        assert reset_time(self.headers(x_rate_limit_reset=value), NOW) is None

    def test_nothing(self):
        assert reset_time(self.headers(), NOW) is None
