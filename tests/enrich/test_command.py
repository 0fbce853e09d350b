"""``nypconsol enrich`` as people run it: CliRunner in-process, against the loopback servers that
answer like X, Mastodon and Bluesky, with the token in the environment."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nypconsol.cli import cli
from nypconsol.core.errors import ExitCode

from .conftest import (
    FAST,
    X_FOLLOWERS,
    assert_no_token,
    body,
    echo,
    hang,
    normal,
    rate_limited,
    status,
)

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "nypconsol" / "data" / "example-inventory.csv"
CONFIG = REPO / "config" / "accounts.yaml"

# Rows added to a copy of the example: Mastodon and Bluesky accounts, one of each gone.
EXTRA_ROWS = (
    "SkiptonBeat@mastodon.social,mastodon,PC 2232 Kim Lee,2232,Neighbourhood officer,Skipton,,"
    "150,2026-10-01,active,,\r\n"
    "OldYorkBeat@mastodon.social,Mastodon,PC 77 Retired,77,Neighbourhood officer,York,,"
    "40,2024-01-01,active,,\r\n"
    "@nyp-selby.bsky.social,Bluesky,Selby SNT,,Safer Neighbourhood Team,Selby,,"
    ",2026-11-01,active,,\r\n"
    "oldbeat.bsky.social,bsky,PC 12 Gone,12,Neighbourhood officer,Malton,,5,2025-02-02,active,,\r\n"
)


@pytest.fixture
def token_env(monkeypatch, env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def fast(monkeypatch):
    """Short timeouts and no jitter for the command's requests (the defaults wait 30 s)."""
    import nypconsol.enrich.http as http

    monkeypatch.setattr(http, "HttpSettings", lambda: FAST)


@pytest.fixture
def world(fake_x, fake_mastodon, fake_bluesky):
    """Every platform answering for the example's accounts and the extra rows."""
    for handle, count in X_FOLLOWERS.items():
        fake_x.add(handle, count)
    fake_mastodon.add("SkiptonBeat", 812)
    fake_bluesky.add("nyp-selby.bsky.social", 233)
    return fake_x, fake_mastodon, fake_bluesky


def enrich(*args: str, input: str | None = None):
    result = CliRunner().invoke(cli, ["enrich", *args], input=input)
    assert "Traceback" not in result.stderr
    return result


def rows_of(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["handle"]: row for row in csv.DictReader(handle)}


def example_inventory(folder: Path) -> Path:
    path = folder / "inventory.csv"
    path.write_bytes(EXAMPLE.read_bytes() + EXTRA_ROWS.encode())
    return path


def config_with_every_platform(folder: Path) -> Path:
    """The shipped mapping, with force-wide Mastodon and Bluesky accounts to move to."""
    text = CONFIG.read_text(encoding="utf-8").replace(
        "    tiktok: northyorkspolice\n",
        "    tiktok: northyorkspolice\n    mastodon: nypolice@mastodon.social\n"
        "    bluesky: northyorkspolice.bsky.social\n",
    )
    path = folder / "config" / "accounts.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_every_account_of_the_example_is_looked_up_and_the_plan_reads_the_result(
    world, token_env, tmp_path
):
    fake_x, fake_mastodon, _ = world
    inventory = example_inventory(tmp_path)
    config_with_every_platform(tmp_path)
    result = enrich("-i", "inventory.csv", "-o", "enriched.csv")
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout == ""  # data goes to OUTPUT, messages to stderr

    rows = rows_of(tmp_path / "enriched.csv")
    original = rows_of(inventory)
    assert list(rows) == list(original)  # every row, in order
    for handle, count in X_FOLLOWERS.items():
        row = rows["@" + handle] if handle == "PC_Skipton_Ali" else rows[handle]
        assert (row["followers"], row["lookup_status"]) == (str(count), "found")
        assert row["lookup_at"].endswith("Z") and row["lookup_at"][:2] == "20"
    assert rows["OldSettleBeat"]["lookup_status"] == "not_found"
    assert rows["OldSettleBeat"]["followers"] == "120"  # a gone account keeps the figure
    assert rows["SkiptonBeat@mastodon.social"]["followers"] == "812"
    assert "last status 2026-11-20" in rows["SkiptonBeat@mastodon.social"]["lookup_detail"]
    assert rows["OldYorkBeat@mastodon.social"]["lookup_status"] == "not_found"
    assert rows["@nyp-selby.bsky.social"]["followers"] == "233"
    assert rows["oldbeat.bsky.social"]["lookup_status"] == "not_found"
    for other in ("NorthallertonSNT", "RiponPolice", "HelmsleyPolice", "TadcasterPCSO"):
        assert rows[other] == {**original[other], "lookup_status": "", "lookup_detail": "",
                               "lookup_at": ""}  # fmt: skip
    # One X request for the 14 accounts, one Mastodon lookup each, one getProfiles batch.
    assert len(fake_x.calls) == 1 and len(fake_mastodon.calls) == 2

    err = result.stderr
    assert "X: 13 found, 1 not found, 0 suspended, 0 protected, 0 errors" in err
    assert "Mastodon: 1 found, 1 not found, 0 suspended, 0 protected, 0 errors" in err
    assert "Bluesky: 1 found, 1 not found, 0 suspended, 0 protected, 0 errors" in err
    assert "register or park each one" in err
    assert "  X OldSettleBeat (inventory.csv line 19): https://x.com/OldSettleBeat" in err
    assert "  Mastodon OldYorkBeat@mastodon.social (inventory.csv line 21): " in err
    assert "  Bluesky oldbeat.bsky.social (inventory.csv line 23): " in err
    assert "Cache: enriched.csv.nypconsol-cache.sqlite (use --refresh to ask again)" in err
    assert (
        "Wrote enriched.csv: 18 accounts looked up; 4 on other platforms left as they were." in err
    )

    planned = CliRunner().invoke(
        cli, ["plan", "-i", "enriched.csv", "--start", "2027-01-11", "--format", "json"]
    )
    assert planned.exit_code == 0, planned.output
    followers = {a["handle"]: a["followers"] for a in json.loads(planned.stdout)["accounts"]}
    assert followers["PC_Skipton_Ali"] == 2400 and followers["nyp-selby.bsky.social"] == 233
    assert followers["NorthallertonSNT"] == 3980  # Facebook: not looked up, kept
    assert CliRunner().invoke(cli, ["validate", "-i", "enriched.csv"]).exit_code == 0


def test_a_second_run_comes_from_the_cache_and_refresh_asks_again(world, token_env, tmp_path):
    fake_x = world[0]
    example_inventory(tmp_path)
    assert enrich("-i", "inventory.csv", "-o", "out.csv").exit_code == 0
    first = (tmp_path / "out.csv").read_bytes()
    again = enrich("-i", "inventory.csv", "-o", "out.csv")
    assert again.exit_code == 0
    assert "X: 13 found, 1 not found, 0 suspended, 0 protected, 0 errors (14 from the cache)" in (
        again.stderr
    )
    assert (tmp_path / "out.csv").read_bytes() == first  # same answers, same times, same bytes
    assert len(fake_x.calls) == 1
    fake_x.add("HarrogateCops", 5800)
    refreshed = enrich("-i", "inventory.csv", "-o", "out.csv", "--refresh", "--platform", "x")
    assert refreshed.exit_code == 0 and len(fake_x.calls) == 2
    assert "Mastodon" not in refreshed.stderr
    assert rows_of(tmp_path / "out.csv")["HarrogateCops"]["followers"] == "5800"
    # --cache names another file: nothing in it yet, so X is asked again.
    assert enrich("-i", "inventory.csv", "-o", "out.csv", "--cache", "c.sqlite").exit_code == 0
    assert len(fake_x.calls) == 3 and (tmp_path / "c.sqlite").is_file()


def test_faults_the_command_survives(world, token_env, fast, tmp_path):
    fake_x, fake_mastodon, fake_bluesky = world
    example_inventory(tmp_path)
    # X: a 500, then success. Mastodon: a hung answer, then success. Bluesky: a 502 then 200.
    fake_x.fail_next(status(500))
    fake_mastodon.fail_next(hang(1.0))
    fake_bluesky.fail_next(status(502))
    result = enrich("-i", "inventory.csv", "-o", "out.csv")
    assert result.exit_code == 0, result.output
    rows = rows_of(tmp_path / "out.csv")
    assert rows["HarrogateCops"]["followers"] == "5700"
    assert rows["SkiptonBeat@mastodon.social"]["followers"] == "812"
    assert rows["@nyp-selby.bsky.social"]["followers"] == "233"
    assert len(fake_x.calls) == 2


def test_a_server_that_never_answers_gives_error_statuses_and_exit_4(world, token_env, fast):
    fake_x, *_ = world
    Path("inv.csv").write_text("handle,platform\nHarrogateCops,x\nWhitbySNT,x\n")
    fake_x.fail_next(hang(1.0), hang(1.0), hang(1.0))
    result = enrich("-i", "inv.csv", "-o", "out.csv")
    assert result.exit_code == ExitCode.FAILURE
    rows = rows_of(Path("out.csv"))
    assert rows["HarrogateCops"]["lookup_status"] == "error"
    assert "did not answer within 0.4 s (tried 3 times)" in rows["HarrogateCops"]["lookup_detail"]
    assert "2 accounts could not be looked up (lookup_detail says why): run the same command " in (
        result.stderr
    )
    # The errors are not cached: the next run asks for them, and finishes.
    again = enrich("-i", "inv.csv", "-o", "out.csv")
    assert again.exit_code == 0 and rows_of(Path("out.csv"))["WhitbySNT"]["followers"] == "6130"


def test_a_body_that_is_not_json_gives_error_statuses_not_a_crash(world, token_env):
    fake_x, *_ = world
    Path("inv.csv").write_text("handle,platform\nHarrogateCops,x\n")
    fake_x.fail_next(body("<html>Service busy</html>", content_type="text/html"))
    result = enrich("-i", "inv.csv", "-o", "out.csv")
    assert result.exit_code == ExitCode.FAILURE
    row = rows_of(Path("out.csv"))["HarrogateCops"]
    assert row["lookup_status"] == "error"
    assert row["lookup_detail"] == (
        "the X API sent a body that is not JSON (HTTP 200, text/html): '<html>Service busy</html>'"
    )
    fake_x.fail_next(body('{"data": "not a list"}'))
    assert enrich("-i", "inv.csv", "-o", "out.csv").exit_code == ExitCode.FAILURE
    assert (
        "'data' or 'errors' that is not a list"
        in rows_of(Path("out.csv"))["HarrogateCops"]["lookup_detail"]
    )


def test_a_rejected_token_stops_at_once_with_exit_4(world, token_env, tmp_path):
    fake_x, *_ = world
    example_inventory(tmp_path)
    fake_x.token = "another-token-0123456789abcdef"
    result = enrich("-i", "inventory.csv", "-o", "out.csv")
    assert result.exit_code == ExitCode.FAILURE
    assert result.stderr.startswith("Error: token rejected: the X API answered HTTP 401")
    assert len(fake_x.calls) == 1  # no retry loop
    assert not (tmp_path / "out.csv").exists()


def test_a_missing_token_says_where_to_put_it(world, token_env, monkeypatch):
    monkeypatch.delenv("NYPCONSOL_X_BEARER_TOKEN")
    Path("inv.csv").write_text("handle,platform\nHarrogateCops,x\nnyp-selby.bsky.social,bluesky\n")
    result = enrich("-i", "inv.csv", "-o", "out.csv")
    assert result.exit_code == ExitCode.FAILURE
    assert "needs an app bearer token in NYPCONSOL_X_BEARER_TOKEN" in result.stderr
    assert not Path("out.csv").exists()
    # Leaving X out needs no token.
    result = enrich("-i", "inv.csv", "-o", "out.csv", "--platform", "bluesky")
    assert result.exit_code == 0, result.output
    assert rows_of(Path("out.csv"))["HarrogateCops"]["lookup_status"] == ""


def test_a_short_rate_limit_is_waited_out(world, token_env):
    import time

    fake_x, *_ = world
    Path("inv.csv").write_text("handle,platform\nHarrogateCops,x\n")
    fake_x.fail_next(rate_limited({"x-rate-limit-reset": str(int(time.time()) + 2)}))
    started = time.monotonic()
    result = enrich("-i", "inv.csv", "-o", "out.csv")
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 1.5
    assert (
        "X (http://127.0.0.1:" in result.stderr and ") limits requests: waiting " in result.stderr
    )
    assert rows_of(Path("out.csv"))["HarrogateCops"]["followers"] == "5700"
    assert len(fake_x.calls) == 2


def test_a_long_rate_limit_stops_cleanly_and_the_next_run_finishes(world, token_env):
    import time

    fake_x, *_ = world
    handles = [f"beat_{n:03d}" for n in range(150)]
    for handle in handles:
        fake_x.add(handle, 7)
    Path("inv.csv").write_text("handle,platform\n" + "".join(f"{h},x\n" for h in handles))
    reset = int(time.time()) + 900
    fake_x.fail_next(normal, rate_limited({"x-rate-limit-reset": str(reset)}))
    result = enrich("-i", "inv.csv", "-o", "out.csv", "--max-wait", "60")
    assert result.exit_code == ExitCode.FAILURE
    assert "Stopped: X (http://127.0.0.1:" in result.stderr
    assert "50 accounts not looked up: run again after then" in result.stderr
    rows = rows_of(Path("out.csv"))
    assert rows["beat_000"]["followers"] == "7"
    assert rows["beat_149"]["lookup_detail"].startswith("not looked up: X limits requests until ")
    again = enrich("-i", "inv.csv", "-o", "out.csv")
    assert again.exit_code == 0
    assert "(100 from the cache)" in again.stderr
    assert [len(c["usernames"][0].split(",")) for c in fake_x.calls] == [100, 50, 50]


def test_invalid_handles_are_not_asked_and_exit_1(world, token_env):
    Path("inv.csv").write_text(
        "handle,platform\nHarrogateCops,x\nthis is not a handle,x\n,bluesky\n"
    )
    result = enrich("-i", "inv.csv", "-o", "out.csv")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert "X: 1 found, 0 not found, 0 suspended, 0 protected, 1 error (1 handle not valid)" in (
        result.stderr
    )
    assert "2 rows not looked up: the handle is missing or not valid" in result.stderr
    rows = list(csv.DictReader(io.StringIO(Path("out.csv").read_text())))
    assert rows[1]["lookup_detail"].startswith("not looked up: 'this is not a handle' is not a")
    assert rows[2]["lookup_detail"] == "the row has no handle: fill it in to look it up"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-i", "inv.csv"], "Missing option '-o' / '--output'"),
        (["-i", "inv.csv", "-o", "o.csv", "--platform", "facebook"], "cannot look up accounts on"),
        (
            ["-i", "inv.csv", "-o", "o.csv", "--api-base", "http://127.0.0.1:9"],
            "say which platform",
        ),
        (
            ["-i", "inv.csv", "-o", "o.csv", "--api-base", "x=http://example.org"],
            "would send the X token unencrypted",
        ),
        (["-i", "inv.csv", "-o", "o.csv", "--sheet", "Accounts"], "--sheet applies to an .xlsx"),
        (["-i", "inv.csv", "-o", "o.csv", "--max-wait", "-1"], "--max-wait"),
        (["-o", "o.csv"], "name the inventory to enrich with -i INVENTORY"),
        (["-i", "-", "-o", "o.csv"], "enrich writes the inventory back into a file of its own"),
        (["-i", "inv.csv", "-o", "-"], "-o - would be standard output"),
    ],
)
def test_usage_errors_exit_2_before_any_request(fake_x, token_env, args, message):
    Path("inv.csv").write_text("handle,platform\nHarrogateCops,x\n")
    result = enrich(*args)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert message in result.stderr
    assert fake_x.calls == [] and not Path("o.csv").exists()


def test_the_input_is_replaced_only_when_output_names_it_and_force_is_given(world, token_env):
    Path("inv.csv").write_text("handle,platform\nHarrogateCops,x\n")
    refused = enrich("-i", "inv.csv", "-o", "./inv.csv")
    assert refused.exit_code == ExitCode.FAILURE
    assert "is the input inventory: refusing to overwrite it" in refused.stderr
    assert Path("inv.csv").read_text() == "handle,platform\nHarrogateCops,x\n"
    assert world[0].calls == []
    forced = enrich("-i", "inv.csv", "-o", "inv.csv", "--force")
    assert forced.exit_code == 0
    assert (
        Path("inv.csv")
        .read_text()
        .startswith(
            "handle,platform,followers,lookup_status,lookup_detail,lookup_at\nHarrogateCops,x,5700,"
        )
    )


def test_unreadable_inventories_exit_1_naming_the_file_and_line(token_env):
    assert "no such file" in enrich("-i", "missing.csv", "-o", "o.csv").stderr
    assert enrich("-i", "missing.csv", "-o", "o.csv").exit_code == ExitCode.INPUT_ERRORS
    Path("broken.csv").write_text('handle,platform\n"open,x\n')
    result = enrich("-i", "broken.csv", "-o", "o.csv")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stderr.startswith("Error: broken.csv:2: broken CSV")


def test_without_i_the_configs_accounts_become_an_inventory_of_their_own(
    world, token_env, tmp_path
):
    config = config_with_every_platform(tmp_path)
    before = config.read_bytes()
    result = enrich("-o", "enriched.yaml", "--platform", "x")
    assert result.exit_code == ExitCode.OK, result.output
    assert "  X OldSettleBeat (config/accounts.yaml line 92): https://x.com/OldSettleBeat" in (
        result.stderr
    )
    text = (tmp_path / "enriched.yaml").read_text()
    assert text.startswith('accounts:\n  - {handle: "@PC_Skipton_Ali", platform: Twitter, ')
    assert "followers: 2400, last_post: 14/10/2026, lookup_status: found" in text
    assert "districts" not in text and config.read_bytes() == before
    planned = CliRunner().invoke(cli, ["plan", "-i", "enriched.yaml", "--format", "json"])
    assert planned.exit_code == 0, planned.output
    assert {a["handle"]: a["followers"] for a in json.loads(planned.stdout)["accounts"]}[
        "NYP_Roads"
    ] == 48100
    # The config itself is never the OUTPUT, --force or not; -c names another config.
    refused = enrich("-o", "config/accounts.yaml", "--force")
    assert refused.exit_code == ExitCode.FAILURE and "is the config" in refused.stderr
    assert config.read_bytes() == before
    (tmp_path / "other.yaml").write_text("force: {name: X}\n")
    no_list = enrich("-c", "other.yaml", "-o", "o.yaml")
    assert no_list.exit_code == ExitCode.USAGE
    assert "other.yaml has no accounts: list to enrich" in no_list.stderr


def test_the_token_is_nowhere_in_output_messages_or_files(world, token_env, fast, tmp_path):
    fake_x, *_ = world
    example_inventory(tmp_path)
    outputs = []
    fake_x.fail_next(echo(500), echo(502), echo(503))  # every retry echoes it
    outputs.append(enrich("-i", "inventory.csv", "-o", "out1.csv"))
    fake_x.fail_next(echo(400))
    outputs.append(enrich("-i", "inventory.csv", "-o", "out2.csv", "--refresh"))
    fake_x.fail_next(echo(401))
    outputs.append(enrich("-i", "inventory.csv", "-o", "out3.csv", "--refresh"))
    assert [o.exit_code for o in outputs] == [4, 4, 4]
    assert "[redacted]" in (tmp_path / "out1.csv").read_text()  # the echo was seen, and scrubbed
    texts = {f"run {n}": o.stdout + o.stderr for n, o in enumerate(outputs)}
    for path in tmp_path.rglob("*"):
        if path.is_file():
            texts[path.name] = path.read_bytes().decode("latin-1")
    assert_no_token(texts)


def test_an_xlsx_inventory_keeps_rich_text_and_warns_of_drawings(world, token_env):
    import zipfile

    from openpyxl import Workbook, load_workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["handle", "platform", "owner"])
    sheet.append(["HarrogateCops", "x", "Sgt Nair"])
    sheet["C2"] = CellRichText("Sgt ", TextBlock(InlineFont(b=True), "Nair"))
    workbook.save("inv.xlsx")
    result = enrich("-i", "inv.xlsx", "-o", "out.xlsx")
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stderr
    enriched = load_workbook("out.xlsx", rich_text=True).active
    assert enriched["D2"].value == 5700 and enriched["E2"].value == "found"
    owner = enriched["C2"].value
    assert isinstance(owner, CellRichText) and str(owner) == "Sgt Nair"
    assert owner[1].font.b  # the bold word stays bold

    with zipfile.ZipFile("inv.xlsx", "a") as archive:  # a picture openpyxl may not keep
        archive.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n")
    warned = enrich("-i", "inv.xlsx", "-o", "out.xlsx")
    assert warned.exit_code == 0
    assert warned.stderr.startswith(
        "Warning: inv.xlsx holds drawings (pictures, shapes or charts): the rewrite keeps charts"
    )


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "quiet", "expected"),
    [
        (io.StringIO, False, "one line a wait"),
        (io.StringIO, True, "nothing"),
        (Terminal, False, "a bar"),
        (Terminal, True, "nothing"),
    ],
)
def test_what_runs_on_stderr_while_looking_up(stream, quiet, expected, monkeypatch):
    from dataclasses import replace

    from nypconsol.cli.enrich import LookupDisplay
    from nypconsol.enrich.models import Countdown, Progress

    err = stream()
    monkeypatch.setattr("sys.stderr", err)  # click.echo(err=True) writes here too
    wait = Countdown(platform="x", scope="https://api.x.com", remaining_seconds=3, resume_at="T1")
    with LookupDisplay(quiet=quiet, no_color=True, stream=err) as display:
        display.progress(Progress(platform="x", done=0, total=40))
        for seconds in (3, 2, 1):
            display.countdown(replace(wait, remaining_seconds=seconds))
        display.progress(Progress(platform="x", done=40, total=40))
        display.countdown(replace(wait, resume_at="T2"))
    shown = err.getvalue()
    if expected == "nothing":
        assert shown == ""
    elif expected == "one line a wait":
        assert shown == (
            "X (https://api.x.com) limits requests: waiting 3 s, until T1\n"
            "X (https://api.x.com) limits requests: waiting 3 s, until T2\n"
        )
    else:
        # Drawn ten times a second: the last state is sure to be seen.
        assert "X: rate limited, 3 s to wait (until T2)" in shown and "40/40" in shown
