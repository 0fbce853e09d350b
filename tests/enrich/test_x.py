"""X API v2 lookups against a loopback server that answers like X."""

from __future__ import annotations

import time

import pytest

from nypconsol.enrich.errors import TokenInvalid, TokenMissing, TokenRejected
from nypconsol.enrich.lookup import lookup_accounts
from nypconsol.enrich.models import AccountRow, LookupStatus

from .conftest import TOKEN, body, hang, status


def rows(*handles: str, platform: str = "x") -> list[AccountRow]:
    return [
        AccountRow(key=i, platform=platform, handle=h, line=i + 2) for i, h in enumerate(handles)
    ]


def statuses(run) -> dict[str, tuple[str, int | None]]:
    return {r.handle: (str(r.lookup.status), r.lookup.followers) for r in run.results}


def test_found_protected_not_found_and_suspended(fake_x, clients, clock):
    fake_x.add("PC_Skipton_Ali", 2310)
    fake_x.add("HiddenBeat", 40, protected=True)
    fake_x.suspended.add("badbeat")
    run = lookup_accounts(
        rows("@PC_Skipton_Ali", " HiddenBeat ", "GoneBeat", "BadBeat"),
        platforms=["x"],
        clients=clients(["x"]),
        clock=clock,
        sleep=clock.sleep,
    )
    assert statuses(run) == {
        "PC_Skipton_Ali": ("found", 2310),
        "HiddenBeat": ("protected", 40),
        "GoneBeat": ("not_found", None),
        "BadBeat": ("suspended", None),
    }
    details = {r.handle: r.lookup.detail for r in run.results}
    assert details["PC_Skipton_Ali"] == "created 2012-03-04"
    assert "protected" in details["HiddenBeat"]
    assert details["GoneBeat"] == "X has no account with this handle"
    assert details["BadBeat"].startswith("suspended by X")
    assert all(r.lookup.looked_up_at == "2027-01-15T08:00:00Z" for r in run.results)
    assert len(fake_x.calls) == 1
    assert fake_x.calls[0]["usernames"] == ["PC_Skipton_Ali,HiddenBeat,GoneBeat,BadBeat"]
    summary = run.summary.platforms[0]
    assert (summary.found, summary.protected, summary.not_found, summary.suspended) == (1, 1, 1, 1)
    assert [(m.handle, m.lines, m.profile_url) for m in run.summary.not_found] == [
        ("GoneBeat", (4,), "https://x.com/GoneBeat")
    ]


def test_batches_over_100_are_split(fake_x, clients, clock):
    handles = [f"beat_{n:04d}" for n in range(250)]
    for n, handle in enumerate(handles):
        if n % 7:
            fake_x.add(handle, n)
    run = lookup_accounts(
        rows(*handles), platforms=["x"], clients=clients(["x"]), clock=clock, sleep=clock.sleep
    )
    sent = [call["usernames"][0].split(",") for call in fake_x.calls]
    assert [len(batch) for batch in sent] == [100, 100, 50]
    assert [name for batch in sent for name in batch] == handles  # each once, in order
    found = {r.handle: r.lookup.followers for r in run.results if r.lookup.status == "found"}
    assert found == {h: n for n, h in enumerate(handles) if n % 7}
    assert run.summary.platforms[0].not_found == len([n for n in range(250) if not n % 7])


def test_the_same_account_twice_is_asked_once(fake_x, clients, clock):
    fake_x.add("YorkCentreSNT", 12300)
    run = lookup_accounts(
        rows("YorkCentreSNT", "@yorkcentresnt"),
        platforms=["x"],
        clients=clients(["x"]),
        clock=clock,
        sleep=clock.sleep,
    )
    assert fake_x.calls[0]["usernames"] == ["YorkCentreSNT"]
    assert [r.lookup.followers for r in run.results] == [12300, 12300]
    assert [r.key for r in run.results] == [0, 1]


def test_an_invalid_handle_is_not_sent(fake_x, clients, clock):
    fake_x.add("ok_beat", 1)
    run = lookup_accounts(
        rows("ok_beat", "no spaces allowed", "x\u200bbeat", ""),
        platforms=["x"],
        clients=clients(["x"]),
        clock=clock,
        sleep=clock.sleep,
    )
    assert fake_x.calls[0]["usernames"] == ["ok_beat"]
    errors = [r.lookup.detail for r in run.results if r.lookup.status == "error"]
    assert len(errors) == 3
    assert "not a valid X handle" in errors[0]
    assert "U+200B ZERO WIDTH SPACE" in errors[1]
    assert "no handle" in errors[2]


def test_rows_of_other_platforms_get_no_result(fake_x, clients, clock):
    fake_x.add("a_beat", 5)
    inventory = [
        AccountRow(key="a", platform="Twitter", handle="a_beat"),
        AccountRow(key="b", platform="facebook", handle="SomePage"),
        AccountRow(key="c", platform="carrier pigeon", handle="coo"),
        AccountRow(key="d", platform="mastodon", handle="a@b.social"),
    ]
    run = lookup_accounts(
        inventory, platforms=["x"], clients=clients(["x"]), clock=clock, sleep=clock.sleep
    )
    assert [r.key for r in run.results] == ["a"]
    assert [p.platform for p in run.summary.platforms] == ["x"]


def test_401_is_token_rejected_with_no_retry(fake_x, clients, clock, env):
    fake_x.token = "another-token-altogether-1234567890"
    with pytest.raises(TokenRejected) as caught:
        lookup_accounts(
            rows("a_beat", "b_beat"),
            platforms=["x"],
            clients=clients(["x"]),
            clock=clock,
            sleep=clock.sleep,
        )
    message = str(caught.value)
    assert message.startswith("token rejected: the X API answered HTTP 401 UNAUTHORIZED")
    assert "NYPCONSOL_X_BEARER_TOKEN" in message
    assert TOKEN not in message
    assert caught.value.exit_code == 4
    assert len(fake_x.calls) == 1  # no retry loop
    assert clock.sleeps == []


def test_403_is_token_rejected(fake_x, clients, clock):
    fake_x.fail_next(
        lambda request: status(
            403,
            '{"title":"Client Forbidden","detail":"This request must be made using an approved developer account"}',
        )(request)
    )
    with pytest.raises(TokenRejected, match="Client Forbidden: This request must be made"):
        lookup_accounts(
            rows("a_beat"), platforms=["x"], clients=clients(["x"]), clock=clock, sleep=clock.sleep
        )
    assert len(fake_x.calls) == 1


def test_no_token_is_a_clear_error_before_any_request(fake_x, clients, clock, env):
    del env["NYPCONSOL_X_BEARER_TOKEN"]
    with pytest.raises(TokenMissing, match="NYPCONSOL_X_BEARER_TOKEN"):
        lookup_accounts(
            rows("a_beat"), platforms=["x"], clients=clients(["x"]), clock=clock, sleep=clock.sleep
        )
    assert fake_x.calls == []


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("Qz7kW", "too short"),
        ("has a space in the middle of it", "spaces"),
        ("tok\x1b]52;en" * 3, "control"),
    ],
)
def test_a_token_that_cannot_be_one_is_refused_without_showing_it(clients, env, value, problem):
    env["NYPCONSOL_X_BEARER_TOKEN"] = value
    with pytest.raises(TokenInvalid) as caught:
        clients(["x"])
    assert problem in str(caught.value)
    assert value not in str(caught.value)


def test_a_500_then_success(fake_x, clients, clock):
    fake_x.add("a_beat", 7)
    fake_x.fail_next(status(500), status(503))
    run = lookup_accounts(
        rows("a_beat"), platforms=["x"], clients=clients(["x"]), clock=clock, sleep=clock.sleep
    )
    assert statuses(run) == {"a_beat": ("found", 7)}
    assert len(fake_x.calls) == 3
    assert clock.sleeps == [0.01, 0.02]  # exponential backoff, no jitter


def test_5xx_every_time_gives_error_after_the_attempts(fake_x, clients, clock):
    fake_x.fail_next(
        status(502, "bad gateway"), status(502, "bad gateway"), status(502, "bad gateway")
    )
    run = lookup_accounts(
        rows("a_beat", "b_beat"),
        platforms=["x"],
        clients=clients(["x"]),
        clock=clock,
        sleep=clock.sleep,
    )
    assert [str(r.lookup.status) for r in run.results] == ["error", "error"]
    assert run.results[0].lookup.detail == (
        "the X API: HTTP 502 BAD GATEWAY: 'bad gateway' (tried 3 times)"
    )
    assert len(fake_x.calls) == 3
    assert run.summary.platforms[0].error == 2


@pytest.mark.parametrize("code", [400, 404, 418])
def test_other_4xx_are_not_retried(fake_x, clients, clock, code):
    fake_x.fail_next(status(code, '{"title":"Nope","detail":"not today"}'))
    run = lookup_accounts(
        rows("a_beat"), platforms=["x"], clients=clients(["x"]), clock=clock, sleep=clock.sleep
    )
    assert run.results[0].lookup.status is LookupStatus.ERROR
    assert "Nope: not today" in run.results[0].lookup.detail
    assert len(fake_x.calls) == 1


def test_a_hung_answer_hits_the_timeout_then_succeeds(fake_x, clients, clock):
    fake_x.add("a_beat", 9)
    fake_x.fail_next(hang(3.0))
    started = time.monotonic()
    run = lookup_accounts(
        rows("a_beat"), platforms=["x"], clients=clients(["x"]), clock=clock, sleep=clock.sleep
    )
    assert time.monotonic() - started < 2.5  # the read timeout (0.4 s) cut the 3 s wait short
    assert statuses(run) == {"a_beat": ("found", 9)}
    assert len(fake_x.calls) == 2


def test_hung_every_time_gives_error(fake_x, clients, clock):
    fake_x.fail_next(hang(1.0), hang(1.0), hang(1.0))
    run = lookup_accounts(
        rows("a_beat"), platforms=["x"], clients=clients(["x"]), clock=clock, sleep=clock.sleep
    )
    lookup = run.results[0].lookup
    assert lookup.status is LookupStatus.ERROR
    assert lookup.detail.startswith("the X API: 127.0.0.1:")
    assert "did not answer within 0.4 s (tried 3 times)" in lookup.detail


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (body("<html>Bad gateway</html>", 200, "text/html"), "not JSON (HTTP 200, text/html"),
        (body('{"data": [', 200), "not JSON"),
        (body("[1, 2]", 200), "JSON that is not an object"),
        (body('{"data": {"username": "a_beat"}}', 200), "'data' or 'errors' that is not a list"),
        (body("", 200), "not JSON"),
        (body("[" * 100_000, 200), "not JSON"),
    ],
)
def test_a_body_that_is_not_the_json_expected_gives_error(fake_x, clients, clock, reply, expected):
    fake_x.fail_next(reply)
    run = lookup_accounts(
        rows("a_beat", "b_beat"),
        platforms=["x"],
        clients=clients(["x"]),
        clock=clock,
        sleep=clock.sleep,
    )
    assert [str(r.lookup.status) for r in run.results] == ["error", "error"]
    assert expected in run.results[0].lookup.detail


def test_a_user_without_metrics_is_an_error_and_the_others_are_fine(fake_x, clients, clock):
    fake_x.fail_next(
        body(
            '{"data": [{"username": "a_beat", "public_metrics": {"followers_count": "many"}},'
            ' {"username": "b_beat", "public_metrics": {"followers_count": 3}},'
            ' {"username": "someone_else", "public_metrics": {"followers_count": 3}}],'
            ' "errors": [{"value": "c_beat", "title": "Strange", "detail": "\\u001b[31mred"}]}'
        )
    )
    run = lookup_accounts(
        rows("a_beat", "b_beat", "c_beat", "d_beat"),
        platforms=["x"],
        clients=clients(["x"]),
        clock=clock,
        sleep=clock.sleep,
    )
    results = {r.handle: r.lookup for r in run.results}
    assert results["a_beat"].status is LookupStatus.ERROR
    assert "no follower count" in results["a_beat"].detail
    assert (results["b_beat"].status, results["b_beat"].followers) == (LookupStatus.FOUND, 3)
    assert results["c_beat"].status is LookupStatus.ERROR
    assert results["c_beat"].detail == "X said: [31mred"  # the escape character is gone
    assert results["d_beat"].detail == "the X API's answer did not mention this account"


def test_a_handle_written_in_another_case_says_so(fake_x, clients, clock):
    fake_x.add("HarrogateCops", 5600)
    run = lookup_accounts(
        rows("harrogatecops"),
        platforms=["x"],
        clients=clients(["x"]),
        clock=clock,
        sleep=clock.sleep,
    )
    assert run.results[0].lookup.detail == "written HarrogateCops on X; created 2012-03-04"


def test_an_invalid_handle_is_safe_to_print(fake_x, clients, clock):
    run = lookup_accounts(
        rows("evil\x1b]52;c;aGk=\x07beat"),
        platforms=["x"],
        clients=clients(["x"]),
        clock=clock,
        sleep=clock.sleep,
    )
    [result] = run.results
    assert "\x1b" not in result.handle and "\x07" not in result.handle
    assert "\x1b" not in result.lookup.detail
    assert "U+001B" in result.lookup.detail
