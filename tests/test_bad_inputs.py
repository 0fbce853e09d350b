"""Bad inputs found in review: each gives a clear finding or message, the documented exit code,
and no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nypconsol.cli import cli
from tests.conftest import MINI_CONFIG


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def codes(findings):
    return [(f.code, f.file, f.line) for f in findings]


def test_an_input_that_exists_but_cannot_be_read_is_an_io_failure(write, monkeypatch):
    write("inv.csv", "handle,platform,area\nAbc,x,Skipton\n")
    original = Path.read_bytes

    def refuse(self):
        if self.name == "inv.csv":
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    result = run("validate", "-i", "inv.csv")
    assert result.exit_code == 4
    assert result.stderr == "Error: cannot read inv.csv: Permission denied; check its permissions\n"


def test_header_findings_name_the_header_line_after_blank_rows(write, checked):
    result = checked(write("lead.csv", "\n\nhandle,plat\nAbc_1,x\n"))
    assert codes(result.findings) == [("missing-column", "lead.csv", 3)]


@pytest.mark.parametrize("date", ["9999-12-31", "31/12/1899"])
def test_a_start_date_out_of_range_is_a_usage_error(date):
    result = run("plan", "--start", date)
    assert result.exit_code == 2
    assert "is not a date like 2027-01-11 or 11/01/2027 (years 2000 to 2099)" in result.stderr
    assert "Traceback" not in result.output


def test_a_policy_start_out_of_range_is_bad_date(write, checked):
    write("c.yaml", MINI_CONFIG.replace("start: 2027-01-11", "start: 9999-12-30"))
    result = checked(write("inv.csv", "handle,platform,area\nAbc_1,x,Skipton\n"), "c.yaml")
    assert codes(result.findings) == [("bad-date", "c.yaml", 19)]


def test_long_areas_are_cut_short_in_messages(write, checked):
    area = "Z" * 200_000
    result = checked(write("inv.csv", f"handle,platform,area\nAbc_1,x,{area}\n"))
    messages = [f.message for f in result.findings]
    assert [f.code for f in result.findings] == ["unknown-area", "value-too-long"]
    assert all(len(m) < 300 for m in messages), [len(m) for m in messages]


def test_control_and_bidi_characters_are_escaped_in_every_message(write, checked):
    handle = "ab\x1b[31mRED\u202e"
    result = checked(
        write(
            "inv.json",
            json.dumps(
                [
                    {"handle": handle, "platform": "x", "area": "Skipton"},
                    {"handle": handle.upper(), "platform": "x", "area": "Skipton"},
                ]
            ),
        )
    )
    assert {f.code for f in result.findings} == {"invalid-handle", "duplicate-handle"}
    for finding in result.findings:
        assert "\x1b" not in finding.message and "\u202e" not in finding.message
        assert "\\u202e" in finding.message


def test_messages_escape_a_newline_once():
    from nypconsol.core.parsing import quoted

    assert quoted("x\n") == "'x\\n'"  # shown as 'x\n', not 'x\\n'
    assert quoted("ab\u200bc") == "'ab\\u200bc'"


def test_two_names_for_one_platform_in_the_config_is_bad_config(write, checked):
    config = MINI_CONFIG.replace(
        "accounts: {x: NYorksPolice, facebook: NorthYorkshirePolice}",
        "accounts: {x: NYorksPolice, twitter: Other, facebook: NorthYorkshirePolice}",
    )
    write("c.yaml", config)
    result = checked(write("inv.csv", "handle,platform,area\nAbc_1,x,Skipton\n"), "c.yaml")
    assert codes(result.findings) == [("bad-config", "c.yaml", 3)]
    assert "'twitter' names the X account a second time" in result.findings[0].message


def test_a_utf8_bom_wins_over_a_named_encoding(write, checked):
    data = "handle,platform,area\r\nSkiptonCops,x,Skipton\r\n".encode("utf-8-sig")
    result = checked(write("bom.csv", data), encoding="cp1252")
    assert codes(result.findings) == []
    assert [e.account.handle for e in result.entries] == ["SkiptonCops"]


@pytest.mark.parametrize(
    ("platform", "handle"),
    [
        ("instagram", ".."),
        ("instagram", "."),
        ("tiktok", "a."),
        ("instagram", "a..b"),
        ("facebook", "....."),
    ],
)
def test_dot_only_and_badly_dotted_handles_are_invalid(write, checked, platform, handle):
    result = checked(write("inv.csv", f"handle,platform,area\n{handle},{platform},Skipton\n"))
    assert ("invalid-handle", "inv.csv", 2) in codes(result.findings)


def test_an_empty_waves_list_means_one_wave(write, checked):
    write("c.yaml", MINI_CONFIG + "  waves: []\n")
    result = checked(write("inv.csv", "handle,platform,area\nAbc_1,x,Skipton\n"), "c.yaml")
    assert codes(result.findings) == []


def test_check_without_a_start_keeps_the_committed_start_source(write):
    write("c.yaml", MINI_CONFIG.replace("  start: 2027-01-11\n", ""))
    write("inv.csv", "handle,platform,area\nAbc_1,x,Skipton\n")
    assert (
        run(
            "plan", "-c", "c.yaml", "-i", "inv.csv", "--start", "2027-01-11", "-o", "committed.json"
        ).exit_code
        == 0
    )
    result = run(
        "plan", "-c", "c.yaml", "-i", "inv.csv", "--check", "committed.json", "-o", "rebuilt.json"
    )
    assert result.exit_code == 0, result.output
    rebuilt = json.loads(Path("rebuilt.json").read_text())
    assert (rebuilt["start"], rebuilt["start_source"]) == ("2027-01-11", "--start")


def test_a_piped_table_lists_every_account(write):
    rows = "".join(f"Acct{i},x,Skipton\n" for i in range(600))
    write("inv.csv", "handle,platform,area\n" + rows)
    result = run("plan", "-c", write("c.yaml", MINI_CONFIG), "-i", "inv.csv")
    assert result.exit_code == 0
    assert result.stdout.count("@NYP_Craven") == 600


def test_sheet_on_a_csv_and_encoding_on_an_xlsx_are_usage_errors(write):
    write("inv.csv", "handle,platform,area\nAbc_1,x,Skipton\n")
    result = run("validate", "-i", "inv.csv", "--sheet", "Accounts")
    assert result.exit_code == 2
    assert "--sheet applies to an .xlsx inventory" in result.stderr
    result = run("validate", "-i", "inv.xlsx", "--encoding", "cp1252")
    assert result.exit_code == 2
    assert "--encoding applies to text inventories" in result.stderr


def test_no_color_turns_off_bold_too(monkeypatch):
    from nypconsol.render.terminal import make_console

    monkeypatch.setenv("NO_COLOR", "1")
    assert make_console().color_system is None
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert make_console().color_system is None
    monkeypatch.setenv("TERM", "xterm-256color")
    assert make_console(no_color=True).color_system is None


def test_the_console_script_handles_ctrl_c_during_start_up(monkeypatch, capsys):
    import nypconsol.cli.app
    from nypconsol import cli as entry

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(nypconsol.cli.app, "main", interrupted)
    with pytest.raises(SystemExit) as exit_info:
        entry.run()
    assert exit_info.value.code == 130
    assert capsys.readouterr().err == "Interrupted: nothing was written.\n"


def test_a_reader_that_stops_early_is_not_a_failure(write):
    import subprocess
    import sys

    rows = "".join(f"Acct{i},x,Skipton\n" for i in range(3000))
    write("inv.csv", "handle,platform,area\n" + rows)
    write("c.yaml", MINI_CONFIG)
    command = f"{sys.executable} -m nypconsol plan -c c.yaml -i inv.csv --format json | head -1"
    result = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command} >/dev/null"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_output_onto_a_pipe_or_device_is_refused(write):
    import os

    write("inv.csv", "handle,platform,area\nAbc_1,x,Skipton\n")
    write("c.yaml", MINI_CONFIG)
    os.mkfifo("p.json")
    result = run("plan", "-c", "c.yaml", "-i", "inv.csv", "-o", "p.json")
    assert result.exit_code == 4
    assert result.stderr.endswith(
        "Error: cannot write p.json: it is not a regular file; use -o - for standard output\n"
    )
    assert Path("p.json").is_fifo()


def test_no_inventory_at_all_is_an_empty_inventory_warning(write, checked):
    result = checked(None)  # MINI_CONFIG has no accounts: list, and no -i
    assert codes(result.findings) == [("empty-inventory", "config.yaml", None)]
    assert result.findings[0].message.startswith("no inventory was given: pass -i inventory.csv")


def test_plain_tables_show_control_characters_as_escapes(write):
    write(
        "inv.json",
        json.dumps(
            [
                {
                    "handle": "Abc_1",
                    "platform": "x",
                    "area": "Skipton",
                    "owner": "bell\x07 Evil\x1b[2J",
                }
            ]
        ),
    )
    # Markdown escapes the escape's backslash, which renders as one.
    for fmt, shown in (("table", "bell\\x07 Evil\\x1b[2J"), ("markdown", "bell\\\\x07 Evil")):
        result = run("plan", "-c", write("c.yaml", MINI_CONFIG), "-i", "inv.json", "--format", fmt)
        assert result.exit_code == 0
        assert "\x07" not in result.stdout and "\x1b" not in result.stdout
        assert shown in result.stdout


def test_check_with_a_borrowed_start_does_not_also_claim_next_monday(write):
    write("c.yaml", MINI_CONFIG.replace("  start: 2027-01-11\n", ""))
    write("inv.csv", "handle,platform,area\nAbc_1,x,Skipton\n")
    assert run("plan", "-c", "c.yaml", "-i", "inv.csv", "-o", "plan.json").exit_code == 0
    result = run("plan", "-c", "c.yaml", "-i", "inv.csv", "--check", "plan.json")
    assert result.exit_code == 0
    assert "using the start of plan.json" in result.stderr
    assert "next working Monday" not in result.stderr


def test_lone_surrogate_escapes_in_json_are_findings_on_their_objects_lines(write, checked):
    # json decodes "\ud800" to half a character, which no file can hold: every one is found.
    text = (
        '[\n  {"handle": "A1", "platform": "x", "area": "York", "owner": "PC \\ud800"},\n'
        '  {"handle": "A2", "platform": "x", "area": "York", "owner": "PC \\ud83d\\ude00"},\n'
        '  {"handle": "A3", "platform": "x", "area": "York", "\\udc00": "x"}\n]\n'
    )
    result = checked(write("inv.json", text))
    assert codes(result.findings) == [
        ("malformed-file", "inv.json", 2),
        ("malformed-file", "inv.json", 4),
    ]
    assert result.findings[0].message == (
        "the text 'PC \\ud800' holds half of a character (a lone \\ud800 escape): fix or remove it"
    )


def test_follower_counts_beyond_anyone_are_bad_numbers_not_an_internal_error(write):
    # 20 digits: more than a 64-bit integer, which the JSON plan (and most readers) cannot hold.
    write(
        "inv.csv",
        "handle,platform,area,followers\nAbc1,x,Selby,99999999999999999999\n"
        'Abc2,x,Selby,10000000001\nAbc3,x,Selby,"10,000,000,000"\n',
    )
    result = run("plan", "-c", write("c.yaml", MINI_CONFIG), "-i", "inv.csv", "--format", "json")
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[:2] == [
        "inv.csv:2: error [bad-number] followers '99999999999999999999' is more than any account "
        "has (at most 10,000,000,000): check the cell",
        "inv.csv:3: error [bad-number] followers '10000000001' is more than any account "
        "has (at most 10,000,000,000): check the cell",
    ]
    assert "inv.csv:4" not in result.stderr
    assert "Traceback" not in result.output
