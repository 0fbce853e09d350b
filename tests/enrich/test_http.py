"""The transport on its own: what is retried, backoff, jitter, size cap, redacted failures."""

from __future__ import annotations

import pytest

from nypconsol.enrich.errors import LookupFailed
from nypconsol.enrich.http import HttpSettings, Transport
from nypconsol.enrich.secrets import Redactor, Secret

from .conftest import TOKEN, FakeClock


def test_backoff_doubles_up_to_the_cap():
    settings = HttpSettings(backoff=1.0, backoff_cap=5.0, jitter=False)
    assert [settings.delay(n, lambda: 0.5) for n in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_jitter_spreads_between_half_and_the_whole_delay():
    settings = HttpSettings(backoff=2.0, jitter=True)
    assert settings.delay(1, lambda: 0.0) == 2.0
    assert settings.delay(1, lambda: 1.0) == 4.0


@pytest.mark.parametrize("code", [500, 502, 503, 504, 599])
def test_5xx_is_retried(server, base, code):
    server.expect_oneshot_request("/thing").respond_with_data("down", status=code)
    server.expect_oneshot_request("/thing").respond_with_json({"ok": True})
    clock = FakeClock()
    transport = Transport(HttpSettings(attempts=2, backoff=0.5, jitter=False), sleep=clock.sleep)
    reply = transport.get(f"{base}/thing", what="the test API")
    assert (reply.status, reply.json()) == (200, {"ok": True})
    assert clock.sleeps == [0.5]


@pytest.mark.parametrize("code", [400, 401, 403, 404, 409, 429])
def test_4xx_is_returned_not_retried(server, base, code):
    server.expect_oneshot_request("/thing").respond_with_data("no", status=code)
    clock = FakeClock()
    transport = Transport(HttpSettings(attempts=4, jitter=False), sleep=clock.sleep)
    assert transport.get(f"{base}/thing", what="the test API").status == code
    assert clock.sleeps == []
    assert len(server.log) == 1


def test_a_body_over_the_cap_is_not_read(server, base):
    server.expect_request("/big").respond_with_data(b"x" * (3 * 1024 * 1024))
    transport = Transport(HttpSettings(max_body_bytes=1024 * 1024, jitter=False))
    with pytest.raises(LookupFailed, match="sent more than 1 MB"):
        transport.get(f"{base}/big", what="the test API")


def test_a_bad_url_is_not_retried_and_says_why():
    clock = FakeClock()
    transport = Transport(HttpSettings(jitter=False), sleep=clock.sleep)
    with pytest.raises(LookupFailed, match="the request could not be made"):
        transport.get("http://exa mple.invalid:abc/x", what="the test API")
    assert clock.sleeps == []


def test_a_failure_message_never_holds_the_token():
    transport = Transport(HttpSettings(attempts=1), redactor=Redactor([Secret(TOKEN)]))
    # A header value requests refuses: its error message would quote the header.
    with pytest.raises(LookupFailed) as caught:
        transport.get(
            f"http://127.0.0.1:1/{TOKEN}", token=Secret(TOKEN + "\n"), what="the test API"
        )
    assert TOKEN not in str(caught.value)
    assert caught.value.__suppress_context__


def test_the_user_agent_names_nypconsol(server, base):
    server.expect_request("/ua").respond_with_json({})
    Transport().get(f"{base}/ua", what="the test API")
    request, _ = server.log[-1]
    assert request.headers["User-Agent"].startswith("nypconsol/")


def test_proxy_variables_are_honoured_though_read_once_per_host(server, base, monkeypatch):
    """Proxies come from the environment as requests reads them (HTTP_PROXY, NO_PROXY, ...),
    looked up once per host rather than for every request."""
    import requests

    server.expect_request("/thing").respond_with_json({"ok": True})
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:1")  # nobody listens there
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    transport = Transport(HttpSettings(attempts=1, jitter=False))
    with pytest.raises(
        LookupFailed,
        match=r"the proxy for 127\.0\.0\.1:\d+ failed \(Connection refused\); check HTTPS_PROXY",
    ):
        transport.get(f"{base}/thing", what="the test API")

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    transport = Transport(HttpSettings(attempts=1, jitter=False))
    reads = []
    original = requests.sessions.get_environ_proxies
    monkeypatch.setattr(
        requests.sessions,
        "get_environ_proxies",
        lambda *args, **kwargs: reads.append(1) or original(*args, **kwargs),
    )
    for _ in range(5):
        assert transport.get(f"{base}/thing", what="the test API").status == 200
    assert len(reads) == 1  # for the first request only
