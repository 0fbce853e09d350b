"""``nypconsol notices -o DIR``: the folder's files (texts, schedule, calendar, Hootsuite and
Sprout files) in the formats the tools take, written safely; and the JSON envelope."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import os
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from nypconsol.cli import cli
from nypconsol.core.errors import ExitCode
from nypconsol.render.noticefiles import fold_line, ics_text
from nypconsol.schemas import load_schema

GOLDEN = Path(__file__).resolve().parent / "golden" / "notices"


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), prog_name="nypconsol")


@pytest.fixture
def golden_inputs(write) -> list[str]:
    write("config.yaml", (GOLDEN / "config.yaml").read_text(encoding="utf-8"))
    write("inventory.csv", (GOLDEN / "inventory.csv").read_text(encoding="utf-8"))
    return ["-c", "config.yaml", "-i", "inventory.csv"]


def files_in(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".nypconsol-")
    }


@pytest.fixture
def written(golden_inputs) -> dict[str, bytes]:
    result = run("notices", *golden_inputs, "-o", "out")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # with -o, nothing is printed unless --format is given
    assert "Wrote the closure notices of 13 accounts to out: 69 written" in result.stderr
    return files_in(Path("out"))


# --- the folder --------------------------------------------------------------------------------


def test_the_folder_holds_every_text_by_district_and_the_schedules(written):
    texts = sorted(name for name in written if name.endswith(".txt"))
    assert len(texts) == 39
    assert "craven/x-PC_Skipton_Ali.announcement.txt" in texts
    assert "richmondshire/mastodon-richmondbeat_at_mastodon.online.final.txt" in texts
    assert "force/tiktok-ScarboroughTok.bio.txt" in texts
    assert {name.split("/")[0] for name in texts} == {"craven", "richmondshire", "force"}
    assert {"schedule.csv", "schedule.md", "schedule.ics"} <= set(written)
    assert len([n for n in written if n.startswith("hootsuite/")]) == 13
    assert len([n for n in written if n.startswith("sprout/")]) == 13
    text = written["craven/x-PC_Skipton_Ali.announcement.txt"].decode()
    assert text.startswith("This account closes on Wednesday 29 September 2027.")
    assert text.endswith("/ro/report/\n")


def test_the_schedule_csv_lists_every_text_in_order_for_excel(written):
    data = written["schedule.csv"]
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["date", "time", "account", "platform", "text_kind", "file"]
    assert len(rows) == 1 + 39
    assert rows[1] == [
        "2027-09-15",
        "09:00",
        "SettlePolice",
        "Facebook",
        "announcement",
        "craven/facebook-SettlePolice.announcement.txt",
    ]
    dates = [row[0] for row in rows[1:]]
    assert dates == sorted(dates)
    assert {row[4] for row in rows[1:] if row[0] == "2027-09-15"} == {"announcement"}
    assert all(row[5] in written for row in rows[1:])


def test_the_schedule_markdown_is_a_checklist_by_day(written):
    text = written["schedule.md"].decode()
    assert "## Wednesday 15 September 2027" in text and "## Wednesday 29 September 2027" in text
    assert (
        "- [ ] 09:00 Post and pin the announcement: X @PC\\_Skipton\\_Ali (Craven): "
        "`craven/x-PC_Skipton_Ali.announcement.txt` (238 of 280 characters as X counts them)"
    ) in text
    assert text.count("- [ ] ") == 39


def test_the_calendar_parses_back_with_one_event_per_post(written):
    from icalendar import Calendar

    data = written["schedule.ics"]
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"")
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 26  # announcement and final post of 13 accounts: bios are no posts
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == 26
    by_uid = {str(e["uid"]): e for e in events}
    announcement = by_uid["announcement-x-PC_Skipton_Ali@nypconsol"]
    # 09:00 in England on 15 September 2027 is 08:00 UTC (summer time)
    assert announcement["dtstart"].dt == dt.datetime(2027, 9, 15, 8, 0, tzinfo=dt.UTC)
    assert str(announcement["summary"]) == (
        "Post and pin the announcement: X @PC_Skipton_Ali (Craven)"
    )
    text = written["craven/x-PC_Skipton_Ali.announcement.txt"].decode().rstrip("\n")
    assert str(announcement["description"]).startswith(text + "\n\nFile: craven/")
    final = by_uid["final-x-PC_Skipton_Ali@nypconsol"]
    bio = written["craven/x-PC_Skipton_Ali.bio.txt"].decode().rstrip("\n")
    assert str(final["description"]).endswith("replace the profile text (bio) with:\n" + bio)
    moved = by_uid["final-mastodon-richmondbeat_at_mastodon.online@nypconsol"]
    assert "has moved to @richmondshire@mastodon.social" in str(moved["description"])


def test_a_winter_calendar_time_is_utc_as_it_is():
    from nypconsol.core.models import Source
    from nypconsol.core.notices import Notice, NoticeKind
    from nypconsol.render.noticefiles import ScheduledNotice, schedule_ics

    notice = Notice(
        handle="A",
        platform="x",
        district="craven",
        district_name="Craven",
        target="B",
        kind=NoticeKind.FINAL,
        date=dt.date(2027, 1, 25),
        text="Hello, world; \\ bye",
        length=19,
        limit=280,
        template="t",
        source=Source("f", 1),
    )
    item = ScheduledNotice(notice=notice, at=dt.datetime(2027, 1, 25, 9, 0), file="craven/a.txt")
    data = schedule_ics([item], dt.date(2027, 1, 11))
    assert b"DTSTART:20270125T090000Z\r\n" in data
    assert b"DESCRIPTION:Hello\\, world\\; \\\\ bye\\n\\n" in data


def test_ics_lines_fold_at_75_octets_without_splitting_a_character():
    line = "DESCRIPTION:" + "Siân 日本 👍🏽 " * 20
    folded = fold_line(line)
    parts = folded[:-2].split(b"\r\n ")
    assert all(len(p) <= 75 for p in parts)
    assert b"".join(parts).decode("utf-8") == line  # every part is whole UTF-8
    assert ics_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_hootsuite_files_have_no_header_uk_dates_and_five_minute_times(written):
    data = written["hootsuite/x-PC_Skipton_Ali.csv"]
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert [(row[0], row[2]) for row in rows] == [
        ("15/09/2027 09:00", ""),
        ("29/09/2027 09:00", ""),
    ]
    assert rows[0][1] == written["craven/x-PC_Skipton_Ali.announcement.txt"].decode().rstrip("\n")
    for name, content in written.items():
        if name.startswith("hootsuite/"):
            for row in csv.reader(io.StringIO(content.decode("utf-8"))):
                assert len(row) == 3
                assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d[05]", row[0])


def test_sprout_files_have_their_headers_at_most_350_rows_ten_minutes_apart(written):
    for name, content in written.items():
        if not name.startswith("sprout/"):
            continue
        assert not content.startswith(b"\xef\xbb\xbf")  # the header is read as written
        rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
        assert rows[0] == ["date", "time_24hr", "message_text"]
        assert 1 <= len(rows) - 1 <= 350
        times = [dt.datetime.strptime(f"{d} {t}", "%d/%m/%Y %H:%M") for d, t, _ in rows[1:]]
        assert all(b - a >= dt.timedelta(minutes=10) for a, b in itertools.pairwise(times))
    rows = list(csv.reader(io.StringIO(written["sprout/x-PC_Skipton_Ali.csv"].decode())))
    assert [row[:2] for row in rows[1:]] == [["15/09/2027", "09:00"], ["29/09/2027", "09:00"]]


def test_the_posting_time_comes_from_the_config(golden_inputs):
    Path("config.yaml").write_text(
        Path("config.yaml").read_text() + 'notices:\n  time: "14:35"\n', encoding="utf-8"
    )
    assert run("notices", *golden_inputs, "-o", "out").exit_code == 0
    hootsuite = Path("out/hootsuite/x-PC_Skipton_Ali.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(hootsuite)))
    assert rows[0][0] == "15/09/2027 14:35"
    assert b"DTSTART:20270915T133500Z" in Path("out/schedule.ics").read_bytes()


def test_the_same_inputs_give_the_same_bytes(golden_inputs, written):
    again = run("notices", *golden_inputs, "-o", "again")
    assert again.exit_code == 0
    assert files_in(Path("again")) == written


def test_a_rerun_refreshes_its_files_and_removes_its_stale_ones(golden_inputs, written):
    Path("out/notes.txt").write_text("mine")  # a file of the user's: never touched
    inventory = Path("inventory.csv").read_text().splitlines(keepends=True)
    Path("inventory.csv").write_text(
        "".join(line for line in inventory if "SettlePolice" not in line)
    )
    result = run("notices", *golden_inputs, "-o", "out")
    assert result.exit_code == 0, result.output
    assert "5 stale removed" in result.stderr  # its 3 texts, its Hootsuite and Sprout files
    now = files_in(Path("out"))
    assert not any("SettlePolice" in name for name in now)
    assert now["notes.txt"] == b"mine"
    assert b"SettlePolice" not in now["schedule.csv"]


def test_a_file_that_is_not_ours_is_never_overwritten(golden_inputs):
    Path("out/craven").mkdir(parents=True)
    Path("out/craven/x-PC_Skipton_Ali.announcement.txt").write_text("my own draft")
    result = run("notices", *golden_inputs, "-o", "out")
    assert result.exit_code == ExitCode.FAILURE
    assert "not written by nypconsol notices: nothing was written" in result.stderr
    assert Path("out/craven/x-PC_Skipton_Ali.announcement.txt").read_text() == "my own draft"
    assert sorted(p.name for p in Path("out").rglob("*")) == [
        "craven",
        "x-PC_Skipton_Ali.announcement.txt",
    ]


def test_a_symlink_out_of_the_folder_is_refused(golden_inputs, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    Path("out").mkdir()
    os.symlink(elsewhere, "out/craven")
    result = run("notices", *golden_inputs, "-o", "out")
    assert result.exit_code == ExitCode.FAILURE
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("handle", ["../escape", "a/b", "..", "CON\\x"])
def test_a_path_like_handle_stops_before_anything_is_written(write, mini_config, handle):
    write("inv.csv", f"handle,platform,area\n{handle},x,Skipton\nGoodBeat,x,Skipton\n")
    result = run("notices", "-c", mini_config, "-i", "inv.csv", "-o", "out")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert "invalid-handle" in result.stderr
    assert not Path("out").exists() and not Path("escape").exists()


def test_errors_in_the_inputs_write_nothing(write, mini_config):
    write("inv.csv", "handle,platform,area\nGoodBeat,x,Skiptn\n")
    result = run("notices", "-c", mini_config, "-i", "inv.csv", "-o", "out")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert "unknown-area" in result.stderr and "No notices were written" in result.stderr
    assert not Path("out").exists() and result.stdout == ""


def test_dash_is_not_a_folder(golden_inputs):
    result = run("notices", *golden_inputs, "-o", "-")
    assert result.exit_code == ExitCode.USAGE


def test_with_format_and_output_both_are_given(golden_inputs):
    result = run("notices", *golden_inputs, "-o", "out", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["kind"] == "notices"
    assert Path("out/schedule.ics").is_file()


# --- safe for spreadsheets and terminals --------------------------------------------------------


def test_spreadsheet_cells_never_start_a_formula(write, mini_config):
    write("inv.csv", "handle,platform,area\nSkiptonBeat,x,Skipton\n")
    assert run("notices", "-c", mini_config, "-i", "inv.csv", "-o", "out").exit_code == 0
    for path in Path("out").rglob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
            assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_the_terminal_never_gets_control_sequences(write, mini_config):
    """Control characters in the inputs are an error; the terminal form escapes the rest."""
    from nypconsol.render.notices import terminal_safe

    assert terminal_safe("a\x1b]52;c;aGk=\x07b\u202ec") == "a\\u001b]52;c;aGk=\\u0007b\\u202ec"
    assert terminal_safe("👨\u200d👩 é") == "👨\u200d👩 é"  # joiners that shape text stay
    write("inv.csv", "handle,platform,area,sign_off\nSkiptonBeat,x,Skipton,PC \x1b[2J1\n")
    result = run("notices", "-c", mini_config, "-i", "inv.csv")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert "\x1b" not in result.stdout + result.stderr


# --- JSON ----------------------------------------------------------------------------------------


def test_the_json_envelope_has_the_documented_keys_and_validates(golden_inputs):
    result = run("notices", *golden_inputs, "--format", "json")
    document = json.loads(result.stdout)
    assert list(document) == ["format_version", "kind", "tool", "notices"]
    assert (document["format_version"], document["kind"]) == ("1.0", "notices")
    assert list(document["notices"][0]) == [
        "handle",
        "platform",
        "district",
        "target",
        "kind",
        "date",
        "text",
        "length",
        "limit",
    ]
    jsonschema.Draft202012Validator(load_schema("notices")).validate(document)


def test_the_shipped_example_validates_and_every_text_fits():
    result = run("notices", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(load_schema("notices")).validate(document)
    assert len(document["notices"]) == 3 * 16
    assert all(n["length"] <= n["limit"] for n in document["notices"])


def test_the_schema_refuses_what_the_tool_never_writes(golden_inputs):
    document = json.loads(run("notices", *golden_inputs, "--format", "json").stdout)
    validator = jsonschema.Draft202012Validator(load_schema("notices"))
    document["notices"][0]["kind"] = "pinned"
    del document["notices"][1]["length"]
    assert len(list(validator.iter_errors(document))) == 2


def test_schema_notices_prints_the_schema():
    result = run("schema", "notices")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["properties"]["kind"] == {"const": "notices"}


def _sprout_rows(content: bytes) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert rows[0] == ["date", "time_24hr", "message_text"]
    assert not content.startswith(b"\xef\xbb\xbf")
    return rows[1:]


def test_sprout_csv_holds_every_post_for_one_import(written):
    rows = _sprout_rows(written["sprout.csv"])
    per_account = [
        row
        for name, content in sorted(written.items())
        if name.startswith("sprout/")
        for row in _sprout_rows(content)
    ]
    assert sorted(row[2] for row in rows) == sorted(row[2] for row in per_account)
    times = [dt.datetime.strptime(f"{d} {t}", "%d/%m/%Y %H:%M") for d, t, _ in rows]
    assert times == sorted(times)
    assert all(b - a >= dt.timedelta(minutes=10) for a, b in itertools.pairwise(times))
    assert times[0].strftime("%H:%M") == "09:00"


def test_sprout_csv_continues_in_more_files_at_350_rows_or_a_full_day(write):
    from conftest import MINI_CONFIG

    rows = "".join(f"Beat{n:03d},x,Skipton\n" for n in range(200))
    config = write("config.yaml", MINI_CONFIG)
    inventory = write("inventory.csv", "handle,platform,area\n" + rows)
    result = run("notices", "-c", config, "-i", inventory, "-o", "out")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in Path("out").glob("sprout*.csv"))
    assert names[0] == "sprout-2.csv" and "sprout.csv" in names and len(names) >= 3
    texts = []
    for name in names:
        rows = _sprout_rows(Path("out", name).read_bytes())
        assert 1 <= len(rows) <= 350
        times = [dt.datetime.strptime(f"{d} {t}", "%d/%m/%Y %H:%M") for d, t, _ in rows]
        assert all(b - a >= dt.timedelta(minutes=10) for a, b in itertools.pairwise(times))
        assert all(t.date() == dt.date(t.year, t.month, t.day) for t in times)  # before midnight
        texts += [text for _, _, text in rows]
    assert len(texts) == 400  # 200 announcements and 200 final posts, each once
