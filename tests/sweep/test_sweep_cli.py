"""``nypconsol sweep`` end to end on the example archives (X, Facebook, Instagram): the summary at
the terminal, every format on standard output, the worklist folder and its file modes,
``--check``, ``--since``, ``--account``, and what the summary never shows."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
from sweepcli import KEY, example_archives, run, sweep, write_inputs, x_zip
from sweepkit import WHITBY_ID, conversation, dm, x_account, ytd, zip_archive

from nypconsol.schemas import load_schema

# What the example archives hold that only the worklists may show: the text of every message
# that is not P1, and the senders' own names and ids.
NOT_P1_TEXT = [
    "Prospect Hill",
    "above the bookies",
    "lost my purse",
    "catching the burglars",
    "scramblers",
    "rude to my mum",
    "police dogs",
    "keyed my car",
    "raid in Ripon",
    "report a crime on here",
]
SENDERS = ["2210000001", "2210000003", "Siân Jones", "Dales Resident", "Mark Bell", "Zoë Clarke"]
P1_TEXT = [
    "lad with a knife outside the chippy on church st right now shouting at people",
    "my nan has dementia and has wandered off from the care home on Bondgate, shes 84 wearing "
    "a red coat",
    "i cant do this anymore im going to end it tonight",
]


@pytest.fixture
def examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NYPCONSOL_PSEUDONYM_KEY", KEY)
    example_archives(tmp_path)
    return tmp_path


def flat(text: str) -> str:
    return " ".join(text.split())


def example(*args: str):  # type: ignore[no-untyped-def]
    return run("sweep", "-i", "inventory.csv", "archives", *args)


def document_of(*args: str) -> dict:
    result = example("--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# --- the summary at the terminal ----------------------------------------------------------------


def test_the_summary_shows_counts_by_district_and_p1_in_full(examples):
    result = example()
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for district in ("Harrogate: 1 archive", "Ryedale: 1 archive", "Scarborough: 1 archive"):
        assert district in out
    assert "Swept 3 archives: 16 messages from the public in 14 conversations" in flat(out)
    assert "Unanswered reports (P1 and P2): 7." in flat(out)
    # Scarborough's counts: P1 2 unanswered (the report and its follow-up), P2 one of each
    scarborough = out.split("Scarborough: 1 archive")[1]
    assert re.search(r"P1\s+2\s+0\n\s+P2\s+1\s+1\n\s+P3\s+1\s+1\n\s+none\s+1\s+0", scarborough)
    for text in P1_TEXT:
        assert text in flat(out)
    assert "Follow-up" in out and "silver corsa YK19 ABC" in flat(out)  # under its report
    assert "P2: 2 (1 unanswered): burglary 1, drugs 1" in flat(out)
    assert re.findall(r"from (s-[0-9a-f]{10})", out)


def test_the_summary_shows_no_other_text_and_no_sender(examples):
    out = example().stdout
    for text in NOT_P1_TEXT + SENDERS:
        assert text not in flat(out), text


def test_what_was_not_covered_is_always_shown(examples):
    summary = flat(example().stdout)
    assert "Not covered: check these another way before the accounts close." in summary
    assert (
        "archives/WhitbySNT/twitter-2026-11-20-5f1c2a.zip (WhitbySNT on X, Scarborough)" in summary
    )
    assert "an X archive holds only the account's own tweets" in summary
    assert "the export holds only the account's own comments" in summary
    # with data on standard output, the same lines go to stderr
    result = example("--format", "json")
    assert "Not covered" in result.stderr and "an X archive holds only" in flat(result.stderr)


def test_the_summary_fits_80_columns(examples, tmp_path):
    long_word = "https://example.invalid/" + "x" * 150
    zip_archive(
        tmp_path / "archives" / "WhitbySNT" / "more.zip",
        {
            "data/account.js": x_account(WHITBY_ID, "WhitbySNT"),
            "data/direct-messages.js": ytd(
                "direct_messages",
                [
                    conversation(
                        f"{WHITBY_ID}-777",
                        dm(
                            "9",
                            "777",
                            WHITBY_ID,
                            f"man with a knife outside the station right now {long_word}",
                            "2026-11-19T22:00:00.000Z",
                        ),
                    )
                ],
            ),
        },
    )
    out = example().stdout
    assert long_word in "".join(out.split())  # shown whole, broken over lines
    assert max(len(line) for line in out.splitlines()) <= 80


def test_control_sequences_in_a_message_are_shown_never_sent(tmp_path, monkeypatch):
    write_inputs(tmp_path)
    text = "\x1b[2J\x1b]52;c;ZXZpbA==\x07 lad with a knife outside the co-op right now \u202eOHW"
    x_zip(tmp_path / "x.zip", ("1", "2", text, "2026-11-19T22:00:00.000Z"))
    result = sweep("x.zip")
    assert result.exit_code == 0, result.stderr
    assert "lad with a knife" in result.stdout
    assert "\\x1b[2J\\x1b]52;c;ZXZpbA==\\x07" in result.stdout
    assert "\\u202eOHW" in result.stdout
    for character in ("\x1b", "\x07", "\u202e"):
        assert character not in result.stdout + result.stderr


# --- formats on standard output -----------------------------------------------------------------


def test_json_is_the_sweep_document_and_validates(examples):
    document = document_of()
    jsonschema.validate(document, load_schema("sweep"))
    assert {(a["platform"], a["account"], a["district"]) for a in document["archives"]} == {
        ("x", "WhitbySNT", "scarborough"),
        ("facebook", "HelmsleyPolice", "ryedale"),
        ("instagram", "RiponPolice", "harrogate"),
    }
    texts = {item["text"] for item in document["items"]}
    # Meta's mojibake undone, X's entities decoded
    assert any("I don’t know who else to tell" in t for t in texts)
    assert any("took the mower & strimmer" in t for t in texts)
    senders = {item["sender"] for item in document["items"]}
    assert {"Siân Jones", "Zoë Clarke", "2210000001"} <= senders
    assert all(
        re.fullmatch(r"s-[0-9a-f]{10}", item["sender_pseudonym"]) for item in document["items"]
    )
    matched = {a["account"]: a["matched_by"] for a in document["archives"]}
    assert matched == {"WhitbySNT": "archive", "HelmsleyPolice": "name", "RiponPolice": "archive"}


def test_the_same_inputs_and_key_give_the_same_bytes(examples):
    first, second = example("--format", "json"), example("--format", "json")
    assert first.stdout == second.stdout


def test_csv_and_html_on_standard_output(examples):
    csv_result = example("--format", "csv")
    assert csv_result.exit_code == 0
    lines = csv_result.stdout.splitlines()
    assert lines[0].startswith("priority,answered,sent (UK time),district,account")
    assert not csv_result.stdout.startswith("\ufeff")
    assert len(lines) == 1 + 16
    html = example("--format", "html").stdout
    assert html.startswith("<!DOCTYPE html>")
    for district in ("Harrogate", "Ryedale", "Scarborough"):
        assert f"<h2>{district}</h2>" in html


# --- -o DIR ---------------------------------------------------------------------------------------


def test_the_folder_holds_a_worklist_per_district_owner_only(examples):
    old = os.umask(0)  # even with a permissive umask
    try:
        result = example("-o", "reports/sweep")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.stderr
    folder = examples / "reports" / "sweep"
    assert sorted(p.name for p in folder.iterdir()) == [
        ".nypconsol-sweep.json",
        "harrogate.csv",
        "harrogate.html",
        "ryedale.csv",
        "ryedale.html",
        "scarborough.csv",
        "scarborough.html",
        "sweep.json",
    ]
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for path in (folder, folder.parent):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    assert "readable only by you" in result.stderr
    assert json.loads((folder / "sweep.json").read_text()) == document_of()
    # the summary still goes to standard output
    assert "Scarborough: 1 archive" in result.stdout


def test_a_rerun_writes_the_same_bytes_and_removes_what_it_no_longer_writes(examples):
    assert example("-o", "out").exit_code == 0
    before = {p.name: p.read_bytes() for p in (examples / "out").iterdir()}
    again = example("-o", "out")
    assert "0 written, 7 unchanged" in again.stderr
    assert {p.name: p.read_bytes() for p in (examples / "out").iterdir()} == before
    only_x = run("sweep", "-i", "inventory.csv", "archives/WhitbySNT", "-o", "out")
    assert only_x.exit_code == 0
    assert sorted(p.name for p in (examples / "out").iterdir() if not p.name.startswith(".")) == [
        "scarborough.csv",
        "scarborough.html",
        "sweep.json",
    ]


def test_a_file_that_is_not_ours_is_never_overwritten(examples):
    (examples / "out").mkdir()
    (examples / "out" / "ryedale.csv").write_text("someone's own notes", encoding="utf-8")
    result = example("-o", "out")
    assert result.exit_code == 4
    assert "not written by nypconsol sweep" in result.stderr
    assert sorted(p.name for p in (examples / "out").iterdir()) == ["ryedale.csv"]


def test_o_dash_is_a_usage_error(examples):
    assert example("-o", "-").exit_code == 2


def test_a_shell_redirect_others_can_read_is_warned_about(examples):
    target = examples / "sweep.json"
    target.touch(mode=0o644)
    os.chmod(target, 0o644)
    with target.open("w") as stdout:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "nypconsol",
                "sweep",
                "-i",
                "inventory.csv",
                "archives",
                "--format",
                "json",
            ],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            cwd=examples,
            env={**os.environ, "NYPCONSOL_PSEUDONYM_KEY": KEY},
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    assert "standard output is a file that others can read (mode 0644)" in done.stderr
    assert json.loads(target.read_text())["kind"] == "sweep"


# --- --check, --since, --account ------------------------------------------------------------------


def test_check_exits_3_with_an_unanswered_report(examples):
    result = example("--check")
    assert result.exit_code == 3
    assert "Scarborough: 1 archive" in result.stdout  # the summary is still printed


def test_check_exits_0_when_every_report_was_answered(tmp_path):
    write_inputs(tmp_path)
    x_zip(
        tmp_path / "x.zip",
        (
            "1",
            "222",
            "someone smashed my car window on the high street last night",
            "2026-11-01T10:00:00.000Z",
        ),
        ("2", WHITBY_ID, "Sorry to hear that, please call 101", "2026-11-01T11:00:00.000Z"),
        ("3", "333", "love the dog pics", "2026-11-02T10:00:00.000Z"),
    )
    document = json.loads(sweep("x.zip", "--format", "json").stdout)
    assert document["summary"]["unanswered_reports"] == 0
    assert document["summary"]["by_priority"]["P2"]["answered"] == 1
    assert sweep("x.zip", "--check").exit_code == 0


def test_check_exits_1_when_an_archive_could_not_be_read(tmp_path):
    write_inputs(tmp_path)
    x_zip(tmp_path / "x.zip", ("3", "333", "love the dog pics", "2026-11-02T10:00:00.000Z"))
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    result = sweep("x.zip", "broken.zip", "--check")
    assert result.exit_code == 1
    assert "broken.zip: error [archive-corrupt]" in result.stderr
    assert "--check: an archive, or a file in one, could not be read" in result.stderr
    assert sweep("x.zip", "broken.zip").exit_code == 0  # without --check: what was read is shown


def test_since_leaves_out_older_messages_and_counts_them(examples):
    document = document_of("--since", "2026-11-15")
    assert document["since"] == "2026-11-15"
    assert document["summary"]["before_since"] == 6
    assert all(item["sent_at"] >= "2026-11-15" for item in document["items"])
    assert "6 sent before 2026-11-15 are left out" in flat(example("--since", "15/11/2026").stdout)
    assert example("--since", "yesterday").exit_code == 2


def test_account_names_an_archive_that_does_not_say_whose_it_is(tmp_path):
    write_inputs(tmp_path)
    x_zip(
        tmp_path / "download.zip",
        (
            "1",
            "222",
            "theres a lad going along the cars pulling door handles",
            "2026-11-01T10:00:00.000Z",
        ),
        account=False,
    )
    unmatched = sweep("download.zip")
    assert unmatched.exit_code == 1
    assert "download.zip: error [archive-unmatched]" in unmatched.stderr
    assert "pass --account" in unmatched.stderr
    result = sweep("download.zip", "--account", "@WhitbyPolice", "--format", "json")
    assert result.exit_code == 0, result.stderr
    [archive] = json.loads(result.stdout)["archives"]
    assert (archive["account"], archive["matched_by"]) == ("WhitbyPolice", "account option")


def test_account_must_name_an_account_the_plan_closes(tmp_path):
    write_inputs(tmp_path)
    x_zip(tmp_path / "x.zip", ("3", "333", "love the dog pics", "2026-11-02T10:00:00.000Z"))
    unknown = sweep("x.zip", "--account", "Nobody")
    assert unknown.exit_code == 2
    assert "'Nobody' is not the handle of an account the plan closes" in unknown.stderr
    kept = sweep("x.zip", "--account", "scarbororoads")
    assert kept.exit_code == 2
    assert "the plan does not close (retain: Road safety campaigns)" in flat(kept.stderr)


def test_an_archive_of_an_account_the_plan_keeps_says_so(tmp_path):
    write_inputs(tmp_path)
    zip_archive(
        tmp_path / "x.zip",
        {
            "data/account.js": x_account("5", "ScarboroRoads"),
            "data/direct-messages.js": ytd("direct_messages", []),
        },
    )
    result = sweep("x.zip")
    assert result.exit_code == 1
    assert "x.zip: error [archive-unmatched]" in result.stderr
    assert "an account the plan does not close (retain: Road safety campaigns)" in flat(
        result.stderr
    )


def test_nothing_readable_is_exit_1_and_nothing_on_stdout(tmp_path):
    write_inputs(tmp_path)
    result = sweep("nowhere.zip", "--format", "json", "-o", "out")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "nowhere.zip: error [archive-unreadable] does not exist" in result.stderr
    assert "Nothing could be read" in result.stderr
    assert not (tmp_path / "out").exists()


def test_errors_in_the_inventory_sweep_nothing(tmp_path):
    write_inputs(tmp_path)
    (tmp_path / "inv.csv").write_text(
        "handle,platform,area\nbad handle!,x,Whitby\n", encoding="utf-8"
    )
    x_zip(tmp_path / "x.zip", ("3", "333", "love the dog pics", "2026-11-02T10:00:00.000Z"))
    result = sweep("x.zip", "-o", "out")
    assert result.exit_code == 1
    assert "[invalid-handle]" in result.stderr
    assert "Nothing was swept: fix the errors above." in result.stderr
    assert result.stdout == "" and not (tmp_path / "out").exists()


def test_a_short_pseudonym_key_is_a_usage_error(examples, monkeypatch):
    monkeypatch.setenv("NYPCONSOL_PSEUDONYM_KEY", "short")
    result = example()
    assert result.exit_code == 2
    assert "NYPCONSOL_PSEUDONYM_KEY is shorter than 16 characters" in result.stderr
    assert "short" not in result.stderr.replace("shorter", "")


def test_without_a_key_pseudonyms_change_between_runs(examples, monkeypatch):
    monkeypatch.delenv("NYPCONSOL_PSEUDONYM_KEY")
    first = json.loads(example("--format", "json").stdout)["items"][0]["sender_pseudonym"]
    second = json.loads(example("--format", "json").stdout)["items"][0]["sender_pseudonym"]
    assert first != second


def test_archives_are_only_read(examples):
    archives = sorted((examples / "archives").rglob("*.zip"))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in archives}
    assert example("-o", "out").exit_code == 0
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in archives} == before
    for path in archives:
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
