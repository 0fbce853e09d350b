"""The plan at a terminal (issue 10): at 80, 100 and 120 columns no handle, date, platform,
action or number is split or cut; accounts are grouped by district; notes are numbered under
each district; only the owner is shortened; columns are dropped in the documented order; and
no control sequence from the inputs reaches the terminal."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nypconsol.core.models import Action
from nypconsol.render.fit import ColumnSpec, Give, fit_columns
from nypconsol.render.terminal import ACCOUNT_SPECS, print_plan
from tests.conftest import MINI_CONFIG

WIDTHS = [80, 100, 120]
SGR = re.compile(r"\x1b\[[0-9;]*m")
OSC52 = "\x1b]52;c;SGVsbG8=\x07"
COLOUR = "\x1b[31mred\x1b[0m"
BLUESKY_CONFIG = MINI_CONFIG.replace(
    "facebook: NorthYorkshirePolice}", "facebook: NorthYorkshirePolice, bluesky: nyp.bsky.social}"
)


def _plan(checked, inventory: str | None = None, start: str = "2027-01-11", config=None):  # type: ignore[no-untyped-def]
    from nypconsol.pipeline import make_plan

    result = checked(inventory, config) if inventory else None
    if result is None:
        from nypconsol.pipeline import check, load_inputs

        result = check(load_inputs(None, None, environ={}))
    assert not result.errors, result.errors
    return make_plan(result, dt.date.fromisoformat(start))


def _draw(plan, width: int, *, colour: bool = False) -> str:  # type: ignore[no-untyped-def]
    from rich.console import Console

    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        force_terminal=True,
        color_system="truecolor" if colour else None,
        no_color=not colour,
        markup=False,
        emoji=False,
        highlight=False,
    )
    print_plan(plan, console)
    return out.getvalue()


def _lines(text: str) -> list[str]:
    return [SGR.sub("", line) for line in text.splitlines()]


def _words(lines: list[str]) -> set[str]:
    """Every word shown, without the punctuation that follows it in a sentence."""
    return {word.rstrip(".,;:") for line in lines for word in line.split()}


def _values_that_stay_whole(plan) -> set[str]:  # type: ignore[no-untyped-def]
    values = set()
    for entry in plan.entries:
        values.add("@" + entry.account.handle)
        values.add(entry.account.platform)
        values.add(entry.action.value)
        if entry.target:
            values.add("@" + entry.target)
        for day in (entry.notice_date, entry.close_date):
            if day:
                values.add(day.isoformat())
    return values


@pytest.mark.parametrize("width", WIDTHS)
def test_the_shipped_example_fits_and_nothing_is_split(width: int) -> None:
    plan = _plan(None)
    lines = _lines(_draw(plan, width))
    assert max(len(line) for line in lines) <= width
    words = _words(lines)
    for value in _values_that_stay_whole(plan):
        assert value in words, (width, value)
    # Every follower count is whole where the Followers column is shown.
    if width >= 100:
        for entry in plan.entries:
            assert f"{entry.account.followers:,}" in words
    else:
        assert "Not shown at this width: Followers (" in " ".join(lines)


def test_grouped_by_district_with_a_heading_each() -> None:
    plan = _plan(None)
    text = "\n".join(_lines(_draw(plan, 100)))
    names = [plan.config.district_name(d.id) for d in plan.config.districts]
    positions = [text.index(f"\n{name} ──") for name in names]
    assert positions == sorted(positions)
    assert "\nNorth Yorkshire Police (force-wide) ──" in text
    craven = text.split("\nCraven ──", 1)[1].split("\nHambleton ──", 1)[0]
    assert "3 accounts: 2 to migrate, 1 to skip. Announce 2027-01-11, close 2027-01-25." in craven
    assert "@OldSettleBeat" in craven and "@YorkCentreSNT" not in craven


def test_reasons_are_numbered_notes_on_their_own_line() -> None:
    lines = _lines(_draw(_plan(None), 80))
    row = next(line for line in lines if line.startswith("@NYP_Roads "))
    assert " retain [1] " in row
    assert "Specialist" not in row
    assert "[1] retained: Specialist channel approved for road safety campaigns" in lines
    assert "[1] skipped: already closed" in lines


def test_only_the_owner_is_shortened_with_an_ellipsis(checked, write) -> None:
    owner = "Detective Chief Inspector Alexandra Montgomery-Smythe of the Roads Unit"
    write("inv.csv", f"handle,platform,area,owner,followers\nPC_Owner,x,Skipton,{owner},5\n")
    lines = _lines(_draw(_plan(checked, "inv.csv"), 80))
    row = next(line for line in lines if line.startswith("@PC_Owner "))
    assert row.rstrip().endswith("…")
    assert "Detective Chief" in row
    assert "@NYP_Craven" in row.split()


@pytest.mark.parametrize("width", WIDTHS)
def test_long_handles_stay_whole_and_columns_drop_in_order(checked, write, width: int) -> None:
    config = write("bsky.yaml", BLUESKY_CONFIG)
    facebook = "Harrogate.Neighbourhood.Policing.Team.North.Yorks"  # 50: the longest allowed
    bluesky = "harrogate-neighbourhood-policing.example.bsky.social"
    write(
        "inv.csv",
        "handle,platform,area,owner,followers\n"
        f"{facebook},facebook,Skipton,Someone,12345678\n"
        f"{bluesky},bluesky,Skipton,Someone Else,\n"
        "Short,x,Settle,A Person,3\n",
    )
    plan = _plan(checked, "inv.csv", config=config)
    lines = _lines(_draw(plan, width))
    assert max(len(line) for line in lines) <= width
    words = _words(lines)
    assert "@" + facebook in words
    assert "@" + bluesky in words
    text = " ".join(lines)
    if width == 80:
        assert "Not shown at this width: Followers, Owner, Platform (" in text
    elif width == 100:
        assert "Not shown at this width: Followers, Owner (" in text
    else:
        assert "Not shown" not in text
        assert "12,345,678" in words


def test_a_handle_too_long_for_any_table_is_listed_whole(checked, write) -> None:
    bluesky = "a" * 60 + ".bsky.social"
    write("inv.csv", f"handle,platform,area\n{bluesky},bluesky,Skipton\n")
    config = write("bsky.yaml", BLUESKY_CONFIG)
    lines = _lines(_draw(_plan(checked, "inv.csv", config=config), 60))
    assert "@" + bluesky in lines
    assert any(line.startswith("    Platform: bluesky; Action: migrate") for line in lines)


def test_date_columns_appear_when_a_districts_dates_differ(checked, write) -> None:
    write("inv.csv", "handle,platform,area\nOne,x,Skipton\nTwo,x,Settle\n")
    plan = _plan(checked, "inv.csv")
    later = plan.entries[1]._replace(
        notice_date=dt.date(2027, 2, 1), close_date=dt.date(2027, 2, 15)
    )
    plan = dataclasses.replace(plan, entries=(plan.entries[0], later))
    lines = _lines(_draw(plan, 100))
    header = next(line for line in lines if line.startswith("Handle "))
    assert "Announce" in header and "Close" in header
    assert any("2027-02-01" in line and "2027-02-15" in line for line in lines)
    assert "2 accounts: 2 to migrate." in lines


@pytest.mark.parametrize("colour", [True, False])
def test_control_sequences_in_the_inventory_are_shown_not_sent(checked, write, colour) -> None:
    write(
        "inv.csv",
        "handle,platform,area,owner,retain,reason\n"
        f'Osc,x,Skipton,"{OSC52}",yes,"{COLOUR} reason"\n'
        f'Red,x,Settle,"{COLOUR}",,\n',
    )
    text = _draw(_plan(checked, "inv.csv"), 120, colour=colour)
    assert "\x1b]" not in text
    assert "\x07" not in text
    assert "\x1b[31m" not in text
    assert "\\x1b]52;c;SGVsbG8=\\x07" in text
    assert "\\x1b[31mred\\x1b[0m" in text
    if not colour:
        assert "\x1b" not in text


def test_the_summary_labels_followers_to_redirect() -> None:
    lines = _lines(_draw(_plan(None), 120))
    header = next(line for line in lines if line.startswith("District "))
    assert header.split("  ")[-1].strip() == "Followers to redirect"


# --- the fitting itself ----------------------------------------------------------------------


def test_fit_drops_in_rank_order_and_never_narrows_kept_values() -> None:
    specs = [
        ColumnSpec("Handle"),
        ColumnSpec("Extra", drop=2),
        ColumnSpec("Number", "right", drop=1),
        ColumnSpec("Owner", give=Give.SHORTEN, drop=3),
    ]
    rows = [["@abcdefghij", "x" * 12, "1,234,567", "A very long owner name indeed"]]
    wide = fit_columns(specs, rows, 200)
    assert (wide.kept, wide.dropped, wide.fits) == ((0, 1, 2, 3), (), True)
    assert wide.widths == (11, 12, 9, 29)
    narrow = fit_columns(specs, rows, 40)
    assert narrow.dropped == ("Number",)
    assert narrow.widths[:2] == (11, 12)
    assert narrow.widths[2] == 40 - 11 - 12 - 4
    tiny = fit_columns(specs, rows, 12)
    assert tiny.dropped == ("Number", "Extra", "Owner")
    assert tiny.fits
    assert not fit_columns(specs, rows, 5).fits


def test_every_account_column_but_handle_and_action_can_be_dropped() -> None:
    never = {spec.header for spec in ACCOUNT_SPECS.values() if spec.drop is None}
    assert never == {"Handle", "Action"}
    ranks = [spec.drop for spec in ACCOUNT_SPECS.values() if spec.drop is not None]
    assert sorted(ranks) == list(range(1, len(ranks) + 1))


# --- a real terminal -------------------------------------------------------------------------


def _at_a_terminal(args: list[str], cwd: Path, **env: str) -> str:
    """Run the CLI with stdout on a pseudo-terminal; what it drew."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NYPCONSOL")}
    environment.pop("NO_COLOR", None)
    environment.update({"TERM": "xterm-256color", **env})
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "nypconsol", *args],
            cwd=cwd,
            env=environment,
            stdout=follower,
            stderr=subprocess.PIPE,
            timeout=120,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks).decode("utf-8")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("no_color", [True, False])
def test_at_a_real_terminal(tmp_path: Path, width: int, no_color: bool) -> None:
    (tmp_path / "config.yaml").write_text(MINI_CONFIG, encoding="utf-8")
    (tmp_path / "inv.csv").write_text(
        "handle,platform,area,owner,followers\n"
        f'PC_Skipton,x,Skipton,"{OSC52}",1234\n'
        f'GrassingtonPCSO,facebook,Grassington,"{COLOUR}",\n'
        "LeyburnBeat,x,Leyburn,PC 955 Owen Price,301\n",
        encoding="utf-8",
    )
    env = {"COLUMNS": str(width)}
    if no_color:
        env["NO_COLOR"] = "1"
    drawn = _at_a_terminal(["plan", "-c", "config.yaml", "-i", "inv.csv"], tmp_path, **env)
    assert "\x1b]" not in drawn and "\x1b[31m" not in drawn and "\x07" not in drawn
    if no_color:
        assert "\x1b" not in drawn
    else:
        assert "\x1b[1m" in drawn  # bold headers: it is a terminal
    lines = _lines(drawn.replace("\r\n", "\n"))
    assert max(len(line) for line in lines) <= width
    words = _words(lines)
    for value in ("@PC_Skipton", "@GrassingtonPCSO", "@LeyburnBeat", "2027-01-11", "2027-01-25"):
        assert value in words
    assert "Richmondshire ──" in "\n".join(lines)
    assert Action.MIGRATE.value in words


def test_no_color_flag_at_a_real_terminal(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(MINI_CONFIG, encoding="utf-8")
    (tmp_path / "inv.csv").write_text(
        f'handle,platform,area,owner\nPC_Skipton,x,Skipton,"{OSC52}{COLOUR}"\n', encoding="utf-8"
    )
    drawn = _at_a_terminal(
        ["plan", "-c", "config.yaml", "-i", "inv.csv", "--no-color"], tmp_path, COLUMNS="80"
    )
    assert "\x1b" not in drawn
    assert "\\x1b]52;c;SGVsbG8=\\x07" in drawn


def test_data_at_a_terminal_shows_control_characters_as_escapes(tmp_path: Path) -> None:
    """CSV is data, written as it is to a file or a pipe; shown at a terminal, a cell holding
    OSC 52 would write the clipboard: there its control characters are shown as escapes."""
    (tmp_path / "config.yaml").write_text(MINI_CONFIG, encoding="utf-8")
    (tmp_path / "inv.csv").write_text(
        f'handle,platform,area,owner\nPC_Skipton,x,Skipton,"{OSC52}{COLOUR}"\n', encoding="utf-8"
    )
    drawn = _at_a_terminal(
        ["plan", "-c", "config.yaml", "-i", "inv.csv", "--format", "csv"], tmp_path, COLUMNS="80"
    )
    assert "\x1b" not in drawn and "\x07" not in drawn
    assert "\\u001b]52;c;SGVsbG8=\\u0007\\u001b[31mred\\u001b[0m" in drawn
    assert drawn.count("\r\n") >= 2 and "\\u000d" not in drawn  # line ends stay line ends


def test_data_on_standard_output_is_the_files_bytes(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Piped, CSV keeps every byte of the inputs, as in a file: colour codes were stripped
    from standard output (by click.echo), so `> plan.csv` and `-o plan.csv` differed."""
    from click.testing import CliRunner

    from nypconsol.cli import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.yaml").write_text(MINI_CONFIG, encoding="utf-8")
    (tmp_path / "inv.csv").write_text(
        f'handle,platform,area,owner\nPC_Skipton,x,Skipton,"{OSC52}{COLOUR}"\n', encoding="utf-8"
    )
    args = ["plan", "-c", "config.yaml", "-i", "inv.csv", "--start", "2027-01-11"]
    piped = CliRunner().invoke(cli, [*args, "--format", "csv"])
    assert CliRunner().invoke(cli, [*args, "-o", "plan.csv"]).exit_code == 0
    assert piped.stdout_bytes == (tmp_path / "plan.csv").read_bytes().removeprefix(b"\xef\xbb\xbf")
    assert COLOUR.encode() in piped.stdout_bytes
