"""Bad inputs through ``nypconsol sweep``: every archive finding of the readers reached through
the command (naming the archive and the file inside it, the rest still read, exit 1 only when
nothing could be read), the lexicon override in the config (findings naming its line), and no
message text in a log record, an error or a warning."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sweepcli import CONFIG, sweep, write_inputs, x_zip
from test_sweep_bad_input import API_CODES, CASES, DEFAULT_LIMITS, SECRET, good_x

from nypconsol.core.findings import CODES

# The command reads with the default limits; the cases that need smaller ones to trip are
# covered by the zip bomb, which trips the default ratio.
CLI_CASES = [case for case in CASES if case.limits == DEFAULT_LIMITS]


def test_every_archive_code_is_reached_through_the_command():
    archive_codes = {code for code in CODES if code.startswith("archive-")}
    assert {case.code for case in CLI_CASES} == archive_codes - API_CODES


@pytest.mark.parametrize("case", CLI_CASES, ids=[case.name for case in CLI_CASES])
def test_a_bad_archive_is_a_finding_through_the_command(tmp_path, caplog, case):
    caplog.set_level(logging.DEBUG)
    write_inputs(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    paths = case.build(work)
    good = good_x(tmp_path / "good", "WhitbyPolice.zip")  # read whatever else is wrong
    result = sweep(*paths, str(good), "--format", "json", "-o", "out")
    archive = str(work / case.archive)
    severity = CODES[case.code][0].value
    assert f"{archive}: {severity} [{case.code}] " in result.stderr, result.stderr
    line = next(text for text in result.stderr.splitlines() if f"[{case.code}]" in text)
    if case.member is not None:
        assert f"[{case.code}] {case.member}: " in line
    assert result.exit_code == 0, result.stderr  # the good archive was read
    assert (tmp_path / "out" / "sweep.json").is_file()
    for text in (result.stderr, caplog.text):
        assert "SECRETWORDS" not in text and "machete" not in text


@pytest.mark.parametrize("case", CLI_CASES, ids=[case.name for case in CLI_CASES])
def test_with_nothing_readable_the_command_exits_1(tmp_path, case):
    write_inputs(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    paths = case.build(work)
    result = sweep(*paths, "--format", "json")
    assert f"[{case.code}]" in result.stderr
    nothing_read = "Nothing could be read" in result.stderr
    assert result.exit_code == (1 if nothing_read else 0)
    assert (result.stdout == "") == nothing_read


def test_no_message_text_reaches_a_log_even_at_debug(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    write_inputs(tmp_path)
    good_x(tmp_path, "WhitbyPolice.zip")
    result = sweep("WhitbyPolice.zip", "-o", "out", "--format", "json")
    assert result.exit_code == 0
    assert SECRET in result.stdout  # it is a P1 item: the JSON and the worklists hold it
    assert SECRET not in result.stderr and "machete" not in caplog.text


def test_a_reader_fault_is_exit_4_naming_the_archive_and_no_text(tmp_path, monkeypatch):
    from nypconsol.sweep import x

    def broken(ctx, identity):  # type: ignore[no-untyped-def]
        raise ValueError(f"invalid literal: {SECRET!r}")

    monkeypatch.setattr(x, "read_messages", broken)
    write_inputs(tmp_path)
    good_x(tmp_path, "WhitbyPolice.zip")
    result = sweep("WhitbyPolice.zip")
    assert result.exit_code == 4
    assert (
        "reading WhitbyPolice.zip failed (ValueError); this is a fault in nypconsol"
        in result.stderr
    )
    assert "SECRETWORDS" not in result.stderr + result.stdout


# --- the lexicon override in the config --------------------------------------------------------

OVERRIDE = """\
sweep:
  lexicon:
    categories:
      rural_crime:
        label: rural crime
        priority: P2
        terms: [sheep rustling, quad bike taken]
"""


def _config(tmp_path: Path, extra: str) -> None:
    (tmp_path / "cfg.yaml").write_text(CONFIG + extra, encoding="utf-8")


def _x_with(tmp_path: Path, text: str) -> None:
    x_zip(tmp_path / "x.zip", ("1", "2", text, "2026-11-01T10:00:00.000Z"))


def test_the_config_extends_the_lexicon(tmp_path):
    import json

    write_inputs(tmp_path)
    _x_with(tmp_path, "there was sheep rustling up on the moor road again")
    before = json.loads(sweep("x.zip", "--format", "json").stdout)["items"][0]
    assert before["priority"] == "none"
    _config(tmp_path, OVERRIDE)
    after = json.loads(sweep("x.zip", "--format", "json").stdout)["items"][0]
    assert (after["priority"], after["categories"]) == ("P2", ["rural_crime"])
    assert "rural_crime: sheep rustling" in after["cues"]


CONFIG_LINES = CONFIG.count("\n")


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        (
            "sweep:\n  lexicon:\n    categories:\n      weapons:\n        priority: P9\n",
            CONFIG_LINES + 5,
            "sweep.lexicon.categories.weapons.priority: 'P9' is not P1, P2, P3 or none",
        ),
        (
            "sweep:\n  lexicon:\n    categories:\n      new_one:\n        terms: [a]\n",
            CONFIG_LINES + 4,
            "sweep.lexicon.categories.new_one: has no priority",
        ),
        (
            "sweep:\n  lexicon:\n    places: [Whitby, '!!!']\n",
            CONFIG_LINES + 3,
            "sweep.lexicon.places[1]: '!!!' has no words",
        ),
        (
            "sweep:\n  lexicon:\n    contexts:\n      praise:\n        urls: maybe\n",
            CONFIG_LINES + 5,
            "sweep.lexicon.contexts.praise.urls: 'maybe' is not yes or no",
        ),
        (
            "sweep:\n  lexicon:\n    settings: {follow_up_minutes: soon}\n",
            CONFIG_LINES + 3,
            "sweep.lexicon.settings.follow_up_minutes: 'soon' is not a whole number above 0",
        ),
        (
            "sweep:\n  lexicon:\n    categories:\n      weapons:\n        patterns: ['(unclosed']\n",
            CONFIG_LINES + 5,
            "sweep.lexicon.categories.weapons.patterns[0]: not a valid regular expression",
        ),
        ("sweep:\n  lexicon: [knife]\n", CONFIG_LINES + 2, "sweep.lexicon: must be a mapping"),
        ("sweep: yes\n", CONFIG_LINES + 1, "sweep: must be a mapping holding lexicon:"),
        (
            "sweep:\n  lexcion: {}\n",
            CONFIG_LINES + 2,
            "sweep.lexcion: is not a setting of the sweep; it takes lexicon",
        ),
    ],
)
def test_a_bad_override_is_a_finding_naming_its_line(tmp_path, extra, line, message):
    write_inputs(tmp_path)
    _config(tmp_path, extra)
    _x_with(tmp_path, "lad with a knife outside right now")
    result = sweep("x.zip", "-o", "out")
    assert result.exit_code == 1
    assert f"cfg.yaml:{line}: error [bad-lexicon] {message}" in result.stderr, result.stderr
    assert "Nothing was swept" in result.stderr
    assert result.stdout == "" and not (tmp_path / "out").exists()


def test_other_commands_do_not_mind_the_sweep_section(tmp_path):
    from sweepcli import run

    write_inputs(tmp_path)
    _config(tmp_path, OVERRIDE)
    assert run("validate", "-c", "cfg.yaml", "-i", "inv.csv").exit_code == 0
