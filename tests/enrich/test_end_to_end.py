"""Whole enrichments as the command will run them: inventory in, enriched inventory out, the plan
reading it, and the token nowhere to be seen."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from pathlib import Path

import pytest
from werkzeug import Response

from nypconsol.enrich import EnrichError, enrich_inventory, summary_lines
from nypconsol.enrich.cache import LookupCache
from nypconsol.enrich.errors import OutputRefused, TokenRejected

from .conftest import FAST, X_FOLLOWERS, FakeClock, assert_no_token, echo, normal, status

EXAMPLE = Path(__file__).resolve().parents[2] / "nypconsol" / "data" / "example-inventory.csv"


def drive(inventory, output, **options):
    """What the enrich command will do: progress and countdown on stderr, the summary after,
    an EnrichError as one message (and here, the worst case, its traceback with locals)."""

    def progress(p):
        print(f"{p.platform}: {p.done}/{p.total}", file=sys.stderr)

    def countdown(c):
        print(f"waiting {c.remaining_seconds} s for {c.platform}", file=sys.stderr)

    clock = FakeClock()
    options = {"settings": FAST, "clock": clock, "sleep": clock.sleep, **options}
    try:
        result = enrich_inventory(
            inventory, output, on_progress=progress, on_countdown=countdown, **options
        )
    except EnrichError as exc:
        print(f"nypconsol enrich: {exc} (exit {exc.exit_code})", file=sys.stderr)
        print(
            "".join(traceback.TracebackException.from_exception(exc, capture_locals=True).format()),
            file=sys.stderr,
        )
        return exc
    for row in result.run.results:
        print(f"{row.line}: {row.platform} {row.handle}: {row.lookup.status} {row.lookup.detail}")
    for line in summary_lines(result.run, inventory=str(inventory), cache_path=result.cache_path):
        print(line, file=sys.stderr)
    return result


@pytest.fixture
def token_env(monkeypatch, env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def test_enriching_the_example_then_planning_it(fake_x, token_env, tmp_path, capsys):
    from click.testing import CliRunner

    from nypconsol.cli import cli

    for handle, count in X_FOLLOWERS.items():
        fake_x.add(handle, count)
    inventory = tmp_path / "inventory.csv"
    inventory.write_bytes(EXAMPLE.read_bytes())
    result = drive(inventory, tmp_path / "enriched.csv")
    assert result.run.complete
    assert len(fake_x.calls) == 1
    counts = result.run.summary.platforms[0]
    assert (counts.found, counts.not_found, counts.error) == (13, 1, 0)
    err = capsys.readouterr().err
    assert "X: 13 found, 1 not found, 0 suspended, 0 protected, 0 errors" in err
    assert "X OldSettleBeat (" in err and "line 19): https://x.com/OldSettleBeat" in err
    assert "register or park" in err
    assert f"Cache: {tmp_path / 'enriched.csv.nypconsol-cache.sqlite'}" in err

    enriched = (tmp_path / "enriched.csv").read_bytes()
    original = EXAMPLE.read_bytes()
    assert enriched.startswith(b"\xef\xbb\xbfhandle,platform,owner,collar_number")
    assert enriched.count(b"\r\n") == original.count(b"\r\n")  # line ends as they were
    lines = enriched.decode("utf-8-sig").splitlines()
    assert lines[0].endswith(",lookup_status,lookup_detail,lookup_at")
    assert lines[3] == original.decode("utf-8-sig").splitlines()[3] + ",,,"  # a Facebook row

    runner = CliRunner()
    outcome = runner.invoke(
        cli,
        ["plan", "-i", str(tmp_path / "enriched.csv"), "--start", "2027-01-11", "--format", "json"],
    )
    assert outcome.exit_code == 0, outcome.output
    plan = json.loads(outcome.stdout)
    by_handle = {a["handle"]: a["followers"] for a in plan["accounts"]}
    assert by_handle["PC_Skipton_Ali"] == 2400
    assert by_handle["NYP_Roads"] == 48100
    assert by_handle["NorthallertonSNT"] == 3980  # Facebook: not looked up, kept
    assert by_handle["OldSettleBeat"] == 120  # not found: the figure is left as it was
    validated = runner.invoke(cli, ["validate", "-i", str(tmp_path / "enriched.csv")])
    assert validated.exit_code == 0, validated.output


def test_a_second_run_uses_the_cache_and_refresh_asks_again(fake_x, token_env, tmp_path):
    fake_x.add("a_beat", 1)
    inventory = tmp_path / "inv.csv"
    inventory.write_text("handle,platform\na_beat,x\n")
    drive(inventory, tmp_path / "out.csv")
    second = drive(inventory, tmp_path / "out.csv")
    assert second.run.results[0].from_cache and len(fake_x.calls) == 1
    fake_x.add("a_beat", 2)
    third = drive(inventory, tmp_path / "out.csv", refresh=True)
    assert third.run.results[0].lookup.followers == 2 and len(fake_x.calls) == 2
    assert (tmp_path / "out.csv").read_text().splitlines()[1].startswith("a_beat,x,2,found,")


def test_refusals_come_before_any_request(fake_x, token_env, tmp_path):
    inventory = tmp_path / "inv.csv"
    inventory.write_text("handle,platform\na_beat,x\n")
    assert isinstance(drive(inventory, inventory), OutputRefused)
    assert isinstance(drive(inventory, tmp_path / "out.csv", api_bases=["nonsense"]), EnrichError)
    assert isinstance(drive(inventory, tmp_path / "out.csv", cache_path=inventory), EnrichError)
    assert fake_x.calls == []
    assert inventory.read_text() == "handle,platform\na_beat,x\n"


def test_a_rate_limit_stop_still_writes_output_and_the_next_run_finishes(
    fake_x, token_env, tmp_path, capsys
):
    handles = [f"beat_{n:03d}" for n in range(120)]
    for handle in handles:
        fake_x.add(handle, 5)
    inventory = tmp_path / "inv.csv"
    inventory.write_text("handle,platform\n" + "".join(f"{h},x\n" for h in handles))
    fake_x.fail_next(normal, status(429, headers={"x-rate-limit-reset": str(1_800_000_000 + 900)}))
    first = drive(inventory, tmp_path / "out.csv")
    assert not first.run.complete
    assert "Stopped: X (" in capsys.readouterr().err
    rows = (tmp_path / "out.csv").read_text().splitlines()
    assert rows[1].startswith("beat_000,x,5,found,")
    assert rows[-1].startswith(
        'beat_119,x,,error,"not looked up: X limits requests until 2027-01-15T08:15:01Z'
    )
    second = drive(inventory, tmp_path / "out.csv")
    assert second.run.complete
    assert [c["usernames"][0].count(",") + 1 for c in fake_x.calls] == [100, 20, 20]


def test_the_token_is_nowhere(
    fake_x, fake_mastodon, fake_bluesky, token_env, tmp_path, capsys, caplog
):
    """Every fault, with the token in the environment and a server echoing it: the token must not
    appear in output, logs, messages, tracebacks (with their locals) or any file written."""
    caplog.set_level(logging.DEBUG)
    fake_x.add("a_beat", 1)
    fake_mastodon.add("m", 2)
    fake_bluesky.add("b.bsky.social", 3)
    inventory = tmp_path / "inv.csv"
    inventory.write_text(
        "handle,platform\na_beat,x\nb_beat,x\nm@one.social,mastodon\nb.bsky.social,bluesky\n"
    )
    outputs = []

    # 5xx echoing the token until the retries are spent; then a body that is not JSON.
    fake_x.fail_next(echo(500), echo(502), echo(503))
    outputs.append(drive(inventory, tmp_path / "out1.csv"))
    fake_x.fail_next(echo(200))
    outputs.append(drive(inventory, tmp_path / "out2.csv", refresh=True))
    # 4xx with the token in the problem document; a 429 echoing it, then success.
    fake_x.fail_next(echo(400))
    outputs.append(drive(inventory, tmp_path / "out3.csv", refresh=True))
    fake_x.fail_next(
        lambda r: Response(echo(429)(r).get_data(), status=429, headers={"retry-after": "1"})
    )
    outputs.append(drive(inventory, tmp_path / "out4.csv", refresh=True))
    # The token rejected, the rejection echoing it.
    fake_x.fail_next(echo(401))
    outputs.append(drive(inventory, tmp_path / "out5.csv", refresh=True))
    # A connection that fails (nobody listening), and a token that is refused outright.
    outputs.append(
        drive(inventory, tmp_path / "out6.csv", refresh=True, api_bases=["x=http://127.0.0.1:1"])
    )
    fake_x.token = "a-different-token-entirely-0123456789"
    outputs.append(drive(inventory, tmp_path / "out7.csv", refresh=True))

    assert [type(o).__name__ for o in outputs] == [
        "EnrichResult",
        "EnrichResult",
        "EnrichResult",
        "EnrichResult",
        "TokenRejected",
        "EnrichResult",
        "TokenRejected",
    ]
    assert isinstance(outputs[4], TokenRejected)
    details = [r.lookup.detail for o in outputs[:4] for r in o.run.results]
    assert any("[redacted]" in d for d in details)  # the echo was seen, and scrubbed

    captured = capsys.readouterr()
    texts = {
        "stdout": captured.out,
        "stderr": captured.err,
        "log": caplog.text + "\n".join(r.getMessage() for r in caplog.records),
        "results": repr(outputs),
        "messages": "\n".join(str(o) for o in outputs if isinstance(o, Exception)),
    }
    for path in tmp_path.rglob("*"):
        if path.is_file():
            texts[str(path)] = path.read_bytes().decode("latin-1")
    assert len([p for p in texts if p.endswith(".sqlite")]) >= 1
    assert_no_token(texts)
    # The scrubbed echoes did reach the output: the test saw what it guards against.
    assert "[redacted]" in captured.out


def test_a_cache_from_an_interrupted_run_is_used_by_the_command(fake_x, token_env, tmp_path):
    for n in range(150):
        fake_x.add(f"beat_{n:03d}", n)
    inventory = tmp_path / "inv.csv"
    inventory.write_text("handle,platform\n" + "".join(f"beat_{n:03d},x\n" for n in range(150)))

    def interrupt(progress):
        if progress.done == 100:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        enrich_inventory(inventory, tmp_path / "out.csv", settings=FAST, on_progress=interrupt)
    assert not (tmp_path / "out.csv").exists()  # Ctrl-C: no half-written OUTPUT
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    with LookupCache(tmp_path / "out.csv.nypconsol-cache.sqlite") as cache:
        assert cache.count() == 100
    result = enrich_inventory(inventory, tmp_path / "out.csv", settings=FAST)
    assert [r.lookup.followers for r in result.run.results] == list(range(150))
    assert len(fake_x.calls) == 2
