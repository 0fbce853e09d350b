"""The command line contract (issue 3): commands, options, JSON keys, streams and exit codes."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import types
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from nypconsol import __version__
from nypconsol.cli import cli
from nypconsol.core.errors import ExitCode

REPO = Path(__file__).resolve().parent.parent
SHIPPED_CONFIG = REPO / "config" / "accounts.yaml"
EXAMPLE_INVENTORY = REPO / "nypconsol" / "data" / "example-inventory.csv"

# A small, warning-free mapping so that stderr is empty on success and outputs are exact.
CONFIG = """\
placeholders: no
force:
  name: Test Force
  accounts: {x: TestForce, facebook: TestForcePage}
  reporting: {emergency: "999", non_emergency: "101", online: "https://example.org/report"}
districts:
  craven:
    name: Craven
    accounts: {x: CravenDest}
    areas: [Skipton, Settle]
  york:
    name: York
    accounts: {x: YorkDest, facebook: YorkDestPage}
    areas: [York, Acomb]
policy:
  start: 2027-01-11
  notice_days: 14
"""
INVENTORY = 'handle,platform,owner,area,followers\n@SkiptonPC,Twitter,Ali,Skipton,"1,234"\nYorkSNT,fb,York SNT,York,\n'
BAD_INVENTORY = (
    "handle,platform,owner,area\n"
    "bad!,x,a,York\n"
    "Good1,myspace,b,York\n"
    "Good2,x,c,Nowhere\n"
    "Good3,x,d,Skipton\n"
    "good3,x,e,Skipton\n"
)
PLAN_ACCOUNT_KEYS = {
    "handle",
    "platform",
    "owner",
    "district",
    "action",
    "target",
    "notice_date",
    "close_date",
    "followers",
    "source",
}
VERSION_LINE = f"nypconsol, version {__version__}\n"
ERROR_PREFIX = "Error: "


def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args), prog_name="nypconsol", env=env)
    # Every outcome is an exit code, never an escaped exception.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "cfg.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "inv.csv").write_text(INVENTORY, encoding="utf-8")
    (tmp_path / "bad.csv").write_text(BAD_INVENTORY, encoding="utf-8")
    return tmp_path


def write_inventory(path: Path, rows: list[dict[str, str]]) -> None:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)


def plan_json(*args: str) -> dict:
    result = run("plan", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- help and version ------------------------------------------------------------------------

COMMANDS = ["validate", "plan", "districts", "init"]
ALL_COMMANDS = sorted(cli.commands)  # the contract's four and any added since


def test_the_contract_commands_exist() -> None:
    assert set(COMMANDS) <= set(ALL_COMMANDS)


@pytest.mark.parametrize("command", ALL_COMMANDS)
def test_the_command_table_summaries_are_the_commands_own(command: str) -> None:
    """The group's --help lists commands from the table (without importing them): each
    summary must be the first paragraph of the command's own help."""
    from nypconsol.cli.app import COMMANDS as TABLE

    module, summary = TABLE[command]
    own = cli.commands[command]
    assert own.callback.__module__ == f"nypconsol.cli.{module}"
    assert summary == own.help.split("\n\n")[0].replace("\n", " ").strip()


@pytest.mark.parametrize("option", ["--help", "-h"])
def test_group_help(option: str) -> None:
    result = run(option)
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: nypconsol [OPTIONS] COMMAND [ARGS]...\n")
    for command in ALL_COMMANDS:
        assert f"  {command} " in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("command", ALL_COMMANDS)
def test_command_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: nypconsol {command} [OPTIONS]")
    assert "--version" in result.stdout
    assert "-h, --help" in result.stdout
    assert result.stderr == ""


def test_init_usage_names_the_directory() -> None:
    assert run("init", "--help").stdout.startswith("Usage: nypconsol init [OPTIONS] [DIRECTORY]\n")


@pytest.mark.parametrize("args", [[], *([c] for c in ALL_COMMANDS)])
def test_version_everywhere(args: list[str]) -> None:
    result = run(*args, "--version")
    assert result.exit_code == 0
    assert result.stdout == VERSION_LINE


def test_version_matches_installed_metadata() -> None:
    assert metadata.version("nypconsol") == __version__


def test_python_dash_m_version_and_help() -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    version = subprocess.run(
        [sys.executable, "-m", "nypconsol", "--version"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert (version.returncode, version.stdout, version.stderr) == (0, VERSION_LINE, "")
    helped = subprocess.run(
        [sys.executable, "-m", "nypconsol", "plan", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert helped.returncode == 0
    assert helped.stdout.startswith("Usage: nypconsol plan [OPTIONS]\n")


def test_unknown_command_and_option_are_usage_errors() -> None:
    assert run("frobnicate").exit_code == ExitCode.USAGE == 2
    assert run("plan", "--frobnicate").exit_code == 2
    result = run("plan", "--format", "html")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Invalid value for '--format'" in result.stderr


# --- validate --------------------------------------------------------------------------------

PLACEHOLDER_MESSAGE = (
    "the destination handles are placeholders: replace them with the real district accounts, "
    "then set placeholders: no"
)


def test_validate_text_clean_inputs(files: Path) -> None:
    result = run("validate", "-c", "cfg.yaml", "-i", "inv.csv")
    assert result.exit_code == 0
    assert result.stdout == "2 accounts checked: 0 errors, 0 warnings\n"


def test_validate_text_shipped_default_has_one_warning_and_exits_0() -> None:
    result = run("validate")
    assert result.exit_code == 0
    assert result.stdout == (
        f"(built-in default):8: warning [placeholder-accounts] {PLACEHOLDER_MESSAGE}\n"
        "18 accounts checked: 0 errors, 1 warning\n"
    )


def test_validate_strict_turns_warnings_into_exit_1() -> None:
    assert run("validate", "--strict").exit_code == 1
    assert run("validate", "--strict", "--format", "json").exit_code == 1
    assert run("validate", "--strict", "--format", "github").exit_code == 1


def test_validate_strict_without_findings_exits_0(files: Path) -> None:
    assert run("validate", "--strict", "-c", "cfg.yaml", "-i", "inv.csv").exit_code == 0


def test_validate_reports_every_finding_at_once_with_lines(files: Path) -> None:
    result = run("validate", "-c", "cfg.yaml", "-i", "bad.csv")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(" ", 3)[:3] for line in lines[:-1]] == [
        ["bad.csv:2:", "error", "[invalid-handle]"],
        ["bad.csv:3:", "error", "[unknown-platform]"],
        ["bad.csv:4:", "error", "[unknown-area]"],
        ["bad.csv:6:", "error", "[duplicate-handle]"],
    ]
    assert lines[-1] == "5 accounts checked: 4 errors, 0 warnings"
    # The duplicate names both lines.
    assert "bad.csv:5" in lines[3]


def test_validate_json_findings_envelope(files: Path) -> None:
    result = run("validate", "-c", "cfg.yaml", "-i", "bad.csv", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["format_version"] == "1.0"
    assert document["kind"] == "findings"
    assert {"format_version", "kind", "findings", "summary"} <= set(document)
    assert document["summary"]["errors"] == 4
    assert document["summary"]["warnings"] == 0
    for finding in document["findings"]:
        assert set(finding) == {"severity", "code", "message", "file", "line"}
        assert finding["severity"] == "error"
        assert finding["file"] == "bad.csv"
        assert finding["message"]
    assert [(f["code"], f["line"]) for f in document["findings"]] == [
        ("invalid-handle", 2),
        ("unknown-platform", 3),
        ("unknown-area", 4),
        ("duplicate-handle", 6),
    ]


def test_validate_json_clean_and_warning_only() -> None:
    result = run("validate", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["findings"] == [
        {
            "severity": "warning",
            "code": "placeholder-accounts",
            "message": PLACEHOLDER_MESSAGE,
            "file": "(built-in default)",
            "line": 8,
        }
    ]
    assert document["summary"]["errors"] == 0
    assert document["summary"]["warnings"] == 1


def test_validate_github_annotations(files: Path) -> None:
    result = run("validate", "-c", "cfg.yaml", "-i", "bad.csv", "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0] == (
        "::error file=bad.csv,line=2,title=invalid-handle::X handle 'bad!' is not valid; "
        "X handles are 1 to 15 letters, digits or underscores"
    )
    assert all(line.startswith("::error file=bad.csv,line=") for line in lines)
    # The count goes to stderr so that stdout holds only annotations.
    assert result.stderr == "5 accounts checked: 4 errors, 0 warnings\n"


def test_validate_github_warning_annotation() -> None:
    result = run("validate", "--format", "github")
    assert result.exit_code == 0
    assert result.stdout == (f"::warning title=placeholder-accounts::{PLACEHOLDER_MESSAGE}\n")


def test_validate_github_escapes_properties_and_data(files: Path) -> None:
    (files / "a,b:c.csv").write_text("handle,platform,area\n50%off,x,York\n", encoding="utf-8")
    result = run("validate", "-c", "cfg.yaml", "-i", "a,b:c.csv", "--format", "github")
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith("::error file=a%2Cb%3Ac.csv,line=2,title=invalid-handle::")
    data = line.split("::", 2)[2]
    assert "50%25off" in data
    assert "%" not in data.replace("%25", "")


# --- plan: formats and envelope --------------------------------------------------------------


def test_plan_json_envelope(files: Path) -> None:
    document = plan_json("-c", "cfg.yaml", "-i", "inv.csv")
    assert document["format_version"] == "1.0"
    assert document["kind"] == "plan"
    assert {"format_version", "kind", "inputs", "start", "summary", "accounts"} <= set(document)
    assert document["start"] == "2027-01-11"
    sha = {n: hashlib.sha256((files / n).read_bytes()).hexdigest() for n in ("cfg.yaml", "inv.csv")}
    assert document["inputs"]["config"]["path"] == "cfg.yaml"
    assert document["inputs"]["config"]["sha256"] == sha["cfg.yaml"]
    assert document["inputs"]["inventory"]["path"] == "inv.csv"
    assert document["inputs"]["inventory"]["sha256"] == sha["inv.csv"]
    assert document["summary"]["accounts"] == 2
    assert document["summary"]["migrate"] == 2
    assert document["summary"]["followers_to_redirect"] == 1234
    first, second = document["accounts"]
    assert set(first) >= PLAN_ACCOUNT_KEYS
    assert {k: first[k] for k in PLAN_ACCOUNT_KEYS} == {
        "handle": "SkiptonPC",
        "platform": "x",
        "owner": "Ali",
        "district": "craven",
        "action": "migrate",
        "target": "CravenDest",
        "notice_date": "2027-01-11",
        "close_date": "2027-01-25",
        "followers": 1234,
        "source": {"file": "inv.csv", "line": 2},
    }
    assert {k: second[k] for k in PLAN_ACCOUNT_KEYS} == {
        "handle": "YorkSNT",
        "platform": "facebook",
        "owner": "York SNT",
        "district": "york",
        "action": "migrate",
        "target": "YorkDestPage",
        "notice_date": "2027-01-11",
        "close_date": "2027-01-25",
        "followers": None,
        "source": {"file": "inv.csv", "line": 3},
    }


def test_plan_inputs_paths_are_as_given(files: Path) -> None:
    (files / "sub").mkdir()
    document = plan_json("-c", "./sub/../cfg.yaml", "-i", "sub/../inv.csv")
    assert document["inputs"]["config"]["path"] == "./sub/../cfg.yaml"
    assert document["inputs"]["inventory"]["path"] == "sub/../inv.csv"
    assert document["accounts"][0]["source"]["file"] == "sub/../inv.csv"


def test_plan_retain_skip_and_force_have_null_target(files: Path) -> None:
    write_inventory(
        files / "mixed.csv",
        [
            {"handle": "Kept1", "platform": "x", "area": "York", "retain": "yes", "reason": "Ops"},
            {"handle": "Gone1", "platform": "x", "area": "Acomb", "status": "closed"},
            {"handle": "ForceWide1", "platform": "fb", "district": "force"},
        ],
    )
    document = plan_json("-c", "cfg.yaml", "-i", "mixed.csv")
    by_handle = {a["handle"]: a for a in document["accounts"]}
    assert (by_handle["Kept1"]["action"], by_handle["Kept1"]["target"]) == ("retain", None)
    assert by_handle["Kept1"]["notice_date"] is None
    assert (by_handle["Gone1"]["action"], by_handle["Gone1"]["target"]) == ("skip", None)
    assert by_handle["Gone1"]["close_date"] is None
    assert by_handle["ForceWide1"]["district"] == "force"
    assert by_handle["ForceWide1"]["target"] == "TestForcePage"
    # Accounts come in config order, force last.
    assert [a["district"] for a in document["accounts"]] == ["york", "york", "force"]


def test_plan_yaml_is_the_same_document_as_json(files: Path) -> None:
    as_json = plan_json("-c", "cfg.yaml", "-i", "inv.csv")
    result = run("plan", "-c", "cfg.yaml", "-i", "inv.csv", "--format", "yaml")
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout) == as_json


def test_plan_csv_columns(files: Path) -> None:
    result = run("plan", "-c", "cfg.yaml", "-i", "inv.csv", "--format", "csv")
    assert result.exit_code == 0
    assert "\ufeff" not in result.stdout  # the BOM is for files, not pipes
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["handle"], r["district"], r["target"], r["notice_date"]) for r in rows] == [
        ("SkiptonPC", "craven", "CravenDest", "2027-01-11"),
        ("YorkSNT", "york", "YorkDestPage", "2027-01-11"),
    ]
    assert result.stdout_bytes.endswith(b"\r\n")


def test_plan_markdown(files: Path) -> None:
    result = run("plan", "-c", "cfg.yaml", "-i", "inv.csv", "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Migration plan\n")
    assert (
        "| Craven | @SkiptonPC | x | Ali | migrate | @CravenDest | 2027-01-11 | 2027-01-25 | 1,234 |"
        in result.stdout.replace("\\_", "_")
    )


def test_plan_table_default_format(files: Path) -> None:
    result = run("plan", "-c", "cfg.yaml", "-i", "inv.csv")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.startswith("Migration plan\n")
    assert "@SkiptonPC" in result.stdout
    assert "@CravenDest" in result.stdout
    assert "By district" in result.stdout
    assert "\x1b[" not in result.stdout


# --- plan: start date ------------------------------------------------------------------------


def test_start_overrides_policy_start(files: Path) -> None:
    document = plan_json("-c", "cfg.yaml", "-i", "inv.csv", "--start", "2027-03-15")
    assert document["start"] == "2027-03-15"
    # 14 days after 15 March 2027 is Easter Monday (29 March), a bank holiday in England.
    assert {(a["notice_date"], a["close_date"]) for a in document["accounts"]} == {
        ("2027-03-15", "2027-03-30")
    }


def test_start_accepts_uk_dates(files: Path) -> None:
    assert plan_json("-c", "cfg.yaml", "-i", "inv.csv", "--start", "15/03/2027")["start"] == (
        "2027-03-15"
    )


def test_start_on_a_bank_holiday_moves_to_the_next_working_day(files: Path) -> None:
    # Good Friday 26 March 2027, then a weekend, then Easter Monday.
    document = plan_json("-c", "cfg.yaml", "-i", "inv.csv", "--start", "2027-03-26")
    assert {(a["notice_date"], a["close_date"]) for a in document["accounts"]} == {
        ("2027-03-30", "2027-04-13")
    }


@pytest.mark.parametrize("bad", ["bogus", "2027-02-30", "31/31/2027", ""])
def test_bad_start_is_a_usage_error(files: Path, bad: str) -> None:
    result = run("plan", "-c", "cfg.yaml", "-i", "inv.csv", "--start", bad)
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert "Invalid value for '--start'" in result.stderr


class _FrozenDate(dt.date):
    @classmethod
    def today(cls):  # type: ignore[no-untyped-def]
        return cls(2027, 5, 28)  # a Friday; Monday 31 May 2027 is the Spring bank holiday


def test_no_start_anywhere_uses_next_working_monday(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nypconsol.core.plan

    monkeypatch.setattr(
        nypconsol.core.plan, "dt", types.SimpleNamespace(date=_FrozenDate, timedelta=dt.timedelta)
    )
    (files / "nostart.yaml").write_text(CONFIG.replace("  start: 2027-01-11\n", ""), "utf-8")
    result = run("plan", "-c", "nostart.yaml", "-i", "inv.csv", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["start"] == "2027-06-07"
    assert document["start_source"] == "next working Monday"
    assert result.stderr == (
        "No start date set: using the next working Monday, 2027-06-07. "
        "Set policy.start or --start for a repeatable plan.\n"
    )


def test_no_start_anywhere_real_clock(files: Path) -> None:
    (files / "nostart.yaml").write_text(CONFIG.replace("  start: 2027-01-11\n", ""), "utf-8")
    result = run("plan", "-c", "nostart.yaml", "-i", "inv.csv", "--format", "json")
    assert result.exit_code == 0
    start = dt.date.fromisoformat(json.loads(result.stdout)["start"])
    assert start.weekday() == 0
    assert start > dt.date.today()
    assert f"using the next working Monday, {start.isoformat()}" in result.stderr


# --- plan: -o, streams, errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("plan.json", lambda text: json.loads(text)["kind"] == "plan"),
        ("PLAN.JSON", lambda text: json.loads(text)["kind"] == "plan"),
        ("plan.yaml", lambda text: yaml.safe_load(text)["kind"] == "plan"),
        ("plan.yml", lambda text: yaml.safe_load(text)["kind"] == "plan"),
        ("plan.md", lambda text: text.startswith("# Migration plan\n")),
        ("plan.csv", lambda text: text.startswith("\ufeffdistrict,district_name,handle,")),
        ("plan.txt", lambda text: text.startswith("Migration plan\n")),
    ],
)
def test_output_format_from_extension(files: Path, name: str, check) -> None:  # type: ignore[no-untyped-def]
    result = run("plan", "-c", "cfg.yaml", "-i", "inv.csv", "-o", name)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.startswith("Wrote the plan (2 accounts, ")
    assert check((files / name).read_text(encoding="utf-8"))
    assert sorted(p.name for p in files.iterdir()) == sorted(
        ["cfg.yaml", "inv.csv", "bad.csv", name]
    )


def test_output_file_equals_stdout(files: Path) -> None:
    stdout = run("plan", "-c", "cfg.yaml", "-i", "inv.csv", "--format", "json").stdout
    assert run("plan", "-c", "cfg.yaml", "-i", "inv.csv", "-o", "p.json").exit_code == 0
    assert (files / "p.json").read_text(encoding="utf-8") == stdout


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv", "markdown"])
def test_plans_print_to_a_text_only_stdout(files: Path, fmt: str) -> None:
    # A notebook or redirect_stdout(StringIO) has no bytes buffer: the plan comes as text.
    import contextlib

    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        cli.main(
            ["plan", "-c", "cfg.yaml", "-i", "inv.csv", "--format", fmt], standalone_mode=False
        )
    expected = run("plan", "-c", "cfg.yaml", "-i", "inv.csv", "--format", fmt).stdout_bytes
    assert stdout.getvalue() == expected.decode("utf-8")


def test_format_option_beats_extension(files: Path) -> None:
    result = run("plan", "-c", "cfg.yaml", "-i", "inv.csv", "--format", "json", "-o", "p.csv")
    assert result.exit_code == 0
    assert json.loads((files / "p.csv").read_text(encoding="utf-8"))["kind"] == "plan"


def test_output_dash_is_stdout(files: Path) -> None:
    result = run("plan", "-c", "cfg.yaml", "-i", "inv.csv", "--format", "json", "-o", "-")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["kind"] == "plan"
    assert not (files / "-").exists()


def test_output_overwrites_existing_file_atomically(files: Path) -> None:
    (files / "p.json").write_text("old", encoding="utf-8")
    assert run("plan", "-c", "cfg.yaml", "-i", "inv.csv", "-o", "p.json").exit_code == 0
    assert json.loads((files / "p.json").read_text(encoding="utf-8"))["kind"] == "plan"
    assert not [p for p in files.iterdir() if p.name.endswith(".tmp")]


def test_output_file_gets_ordinary_permissions(files: Path) -> None:
    """A plan written for colleagues gets the same mode as any new file (0666 less the umask),
    not the 0600 of a temporary file."""
    umask = os.umask(0o022)
    try:
        assert run("plan", "-c", "cfg.yaml", "-i", "inv.csv", "-o", "p.json").exit_code == 0
        assert run("init", "proj").exit_code == 0
    finally:
        os.umask(umask)
    assert oct((files / "p.json").stat().st_mode & 0o777) == oct(0o644)
    assert oct((files / "proj" / "inventory.csv").stat().st_mode & 0o777) == oct(0o644)


def test_output_into_missing_folder_or_onto_a_folder_fails_with_4(files: Path) -> None:
    result = run("plan", "-c", "cfg.yaml", "-i", "inv.csv", "-o", "nowhere/p.json")
    assert result.exit_code == ExitCode.FAILURE == 4
    assert result.stderr.startswith(ERROR_PREFIX)
    assert "nowhere" in result.stderr
    (files / "adir").mkdir()
    result = run("plan", "-c", "cfg.yaml", "-i", "inv.csv", "-o", "adir")
    assert result.exit_code == 4
    assert list((files / "adir").iterdir()) == []


def test_output_never_overwrites_the_inventory(files: Path) -> None:
    """-o naming the input file would replace the user's inventory with the plan."""
    before = (files / "inv.csv").read_bytes()
    result = run("plan", "-c", "cfg.yaml", "-i", "inv.csv", "-o", "inv.csv")
    assert result.exit_code != 0
    assert (files / "inv.csv").read_bytes() == before


def test_plan_with_input_errors_writes_nothing(files: Path) -> None:
    result = run("plan", "-c", "cfg.yaml", "-i", "bad.csv", "-o", "p.json")
    assert result.exit_code == ExitCode.INPUT_ERRORS == 1
    assert result.stdout == ""
    assert "bad.csv:2: error [invalid-handle]" in result.stderr
    assert result.stderr.endswith(
        "No plan was written: fix the errors above (nypconsol validate lists them).\n"
    )
    assert sorted(p.name for p in files.iterdir()) == ["bad.csv", "cfg.yaml", "inv.csv"]


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_plan_with_input_errors_leaves_existing_output_unchanged(files: Path, fmt: str) -> None:
    (files / "p.out").write_bytes(b"previous plan\n")
    result = run("plan", "-c", "cfg.yaml", "-i", "bad.csv", "--format", fmt, "-o", "p.out")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (files / "p.out").read_bytes() == b"previous plan\n"
    assert not [p for p in files.iterdir() if p.name.endswith(".tmp")]


def test_plan_with_input_errors_prints_nothing_on_stdout(files: Path) -> None:
    for fmt in ("json", "yaml", "csv", "markdown", "table"):
        result = run("plan", "-c", "cfg.yaml", "-i", "bad.csv", "--format", fmt)
        assert result.exit_code == 1
        assert result.stdout == ""


def test_warnings_go_to_stderr_and_data_to_stdout() -> None:
    result = run("plan", "--format", "json")
    assert result.exit_code == 0
    json.loads(result.stdout)  # nothing but the document
    assert result.stderr == (
        f"(built-in default):8: warning [placeholder-accounts] {PLACEHOLDER_MESSAGE}\n"
        "0 errors, 1 warning\n"
    )


# --- user text is data, never markup or formulas ---------------------------------------------

MARKUP_OWNERS = ["[bold]x[/bold]", "[link=https://e.vil]y[/link]", "[red]Z[/]"]


def test_owner_markup_is_printed_literally_in_the_table(files: Path) -> None:
    write_inventory(
        files / "m.csv",
        [
            {"handle": f"Mark{i}", "platform": "x", "owner": owner, "area": "York"}
            for i, owner in enumerate(MARKUP_OWNERS)
        ],
    )
    result = run("plan", "-c", "cfg.yaml", "-i", "m.csv")
    assert result.exit_code == 0
    for owner in MARKUP_OWNERS:
        assert owner in result.stdout
    result = run("plan", "-c", "cfg.yaml", "-i", "m.csv", "--format", "json")
    assert [a["owner"] for a in json.loads(result.stdout)["accounts"]] == MARKUP_OWNERS


def test_markup_in_the_mapping_is_printed_literally_by_districts(files: Path) -> None:
    text = CONFIG.replace("name: Craven", "name: '[bold]Craven[/bold]'").replace(
        "[Skipton, Settle]", "[Skipton, Settle, '[link=https://e.vil]Gargrave[/link]']"
    )
    (files / "m.yaml").write_text(text, encoding="utf-8")
    result = run("districts", "-c", "m.yaml")
    assert result.exit_code == 0
    assert "[bold]Craven[/bold]" in result.stdout
    assert "[link=https://e.vil]Gargrave[/link]" in result.stdout


CSV_TRAPS = {
    "Cell1": ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    "Cell2": ("+44 1904 000000", "'+44 1904 000000"),
    "Cell3": ("-x", "'-x"),
    "Cell4": ("@h", "'@h"),
    "Cell5": ("Plain Owner", "Plain Owner"),
}


def test_csv_output_neutralises_formulas(files: Path) -> None:
    write_inventory(
        files / "f.csv",
        [
            {"handle": h, "platform": "x", "owner": owner, "role": owner, "area": "York"}
            for h, (owner, _) in CSV_TRAPS.items()
        ]
        + [
            {
                "handle": "Kept9",
                "platform": "x",
                "owner": "k",
                "area": "York",
                "retain": "yes",
                "reason": "=1+1",
            }
        ],
    )
    for output in ("-", "f-plan.csv"):
        result = run("plan", "-c", "cfg.yaml", "-i", "f.csv", "--format", "csv", "-o", output)
        assert result.exit_code == 0
        text = result.stdout if output == "-" else (files / output).read_text(encoding="utf-8-sig")
        rows = {r["handle"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}
        for handle, (_, expected) in CSV_TRAPS.items():
            assert rows[handle]["owner"] == expected
            assert rows[handle]["role"] == expected
        assert rows["Kept9"]["note"] == "'=1+1"
        # No cell anywhere starts a formula.
        for row in rows.values():
            for value in row.values():
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


@pytest.mark.parametrize(
    ("value", "expected"),
    [("\tx", "'\tx"), ("\rx", "'\rx"), ("=1", "'=1"), ("a=1", "a=1"), (None, ""), (5, "5")],
)
def test_excel_safe_tab_and_carriage_return(value: object, expected: str) -> None:
    # Leading tabs and CRs are trimmed from inventory cells, so they cannot reach the CLI.
    from nypconsol.render.csvfile import excel_safe

    assert excel_safe(value) == expected


def test_markdown_escapes_pipes_and_line_breaks(files: Path) -> None:
    write_inventory(
        files / "p.csv",
        [{"handle": "Pipe1", "platform": "x", "owner": "a|b\nc", "area": "York"}],
    )
    result = run("plan", "-c", "cfg.yaml", "-i", "p.csv", "--format", "markdown")
    assert result.exit_code == 0
    (row,) = [line for line in result.stdout.splitlines() if "@Pipe1" in line]
    assert " a\\|b c " in row
    # The row still has exactly the table's nine cells.
    assert row.replace("\\|", "").count("|") == 10


# --- config lookup order ---------------------------------------------------------------------


def _named_config(path: Path, name: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONFIG.replace("Test Force", name), encoding="utf-8")


@pytest.fixture
def three_configs(files: Path) -> Path:
    _named_config(files / "c" / "option.yaml", "Option Force")
    _named_config(files / "e" / "env.yaml", "Env Force")
    _named_config(files / "config" / "accounts.yaml", "Local Force")
    return files


def _config_used(document: dict) -> tuple[str, str, str]:
    ref = document["inputs"]["config"]
    return ref["path"], ref["found_by"], document["summary"]["districts"]["force"]["name"]


def test_config_option_beats_everything(three_configs: Path) -> None:
    document = plan_json("-c", "c/option.yaml", "-i", "inv.csv", "--start", "2027-01-11")
    assert _config_used(document) == ("c/option.yaml", "--config", "Option Force (force-wide)")
    env = {"NYPCONSOL_CONFIG": "e/env.yaml"}
    result = run("plan", "--format", "json", "-c", "c/option.yaml", "-i", "inv.csv", env=env)
    assert _config_used(json.loads(result.stdout))[1] == "--config"


def test_environment_beats_local_config(three_configs: Path) -> None:
    result = run(
        "plan", "--format", "json", "-i", "inv.csv", env={"NYPCONSOL_CONFIG": "e/env.yaml"}
    )
    assert result.exit_code == 0
    assert _config_used(json.loads(result.stdout)) == (
        "e/env.yaml",
        "NYPCONSOL_CONFIG",
        "Env Force (force-wide)",
    )


def test_local_config_beats_built_in(three_configs: Path) -> None:
    document = plan_json("-i", "inv.csv")
    assert _config_used(document) == (
        "config/accounts.yaml",
        "./config/accounts.yaml",
        "Local Force (force-wide)",
    )
    expected = hashlib.sha256((three_configs / "config" / "accounts.yaml").read_bytes())
    assert document["inputs"]["config"]["sha256"] == expected.hexdigest()


def test_built_in_default_last() -> None:
    document = plan_json()
    assert document["inputs"]["config"]["path"] == "(built-in default)"
    assert document["inputs"]["config"]["found_by"] == "built-in"
    assert (
        document["inputs"]["config"]["sha256"]
        == hashlib.sha256(SHIPPED_CONFIG.read_bytes()).hexdigest()
    )
    assert document["inputs"]["inventory"] is None


def test_missing_config_named_by_environment_is_an_error_not_a_fallback() -> None:
    result = run("plan", env={"NYPCONSOL_CONFIG": "no/such.yaml"})
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no/such.yaml: error [unreadable-file]" in result.stderr


def test_empty_environment_variable_is_ignored() -> None:
    document = json.loads(run("plan", "--format", "json", env={"NYPCONSOL_CONFIG": ""}).stdout)
    assert document["inputs"]["config"]["found_by"] == "built-in"


def test_missing_config_option_is_an_error() -> None:
    result = run("validate", "-c", "missing.yaml")
    assert result.exit_code == 1
    assert "missing.yaml: error [unreadable-file]" in result.stdout


# --- districts -------------------------------------------------------------------------------

DISTRICT_IDS = [
    "craven",
    "hambleton",
    "harrogate",
    "richmondshire",
    "ryedale",
    "scarborough",
    "selby",
    "york",
]


def test_districts_json_shipped_default() -> None:
    result = run("districts", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["format_version"] == "1.0"
    assert document["kind"] == "districts"
    assert document["config"] == "(built-in default)"
    assert [d["id"] for d in document["districts"]] == DISTRICT_IDS
    assert [d["name"] for d in document["districts"]] == [i.capitalize() for i in DISTRICT_IDS]
    for district in document["districts"]:
        assert len(district["areas"]) >= 6, district["id"]
        assert set(district["accounts"]) >= {"x", "facebook"}
    assert document["force"]["name"] == "North Yorkshire Police"
    assert document["force"]["reporting"]["emergency"] == "999"
    assert document["force"]["reporting"]["non_emergency"] == "101"


def test_districts_table() -> None:
    result = run("districts")
    assert result.exit_code == 0
    assert result.stdout.startswith("District mapping ((built-in default))")
    for district_id in DISTRICT_IDS:
        assert f"\n{district_id} " in result.stdout
    assert "x: @NYP_Craven" in result.stdout
    assert "force " in result.stdout
    assert "\x1b[" not in result.stdout


def test_districts_with_a_broken_config_exits_1(files: Path) -> None:
    (files / "broken.yaml").write_text("- a\n- b\n", encoding="utf-8")
    result = run("districts", "-c", "broken.yaml")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "broken.yaml:1: error [bad-config]" in result.stderr


# --- init ------------------------------------------------------------------------------------


def test_init_writes_the_starter_files_and_plan_works_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run("init", "proj")
    assert result.exit_code == 0
    assert result.stdout == ""
    project = tmp_path / "proj"
    assert (project / "config" / "accounts.yaml").read_bytes() == SHIPPED_CONFIG.read_bytes()
    assert (project / "inventory.csv").read_bytes() == EXAMPLE_INVENTORY.read_bytes()
    assert sorted(str(p.relative_to(project)) for p in project.rglob("*")) == [
        "config",
        "config/accounts.yaml",
        "inventory.csv",
    ]
    monkeypatch.chdir(project)
    document = plan_json("-i", "inventory.csv")
    assert document["inputs"]["config"]["found_by"] == "./config/accounts.yaml"
    assert document["inputs"]["inventory"]["path"] == "inventory.csv"
    assert document["summary"]["accounts"] == 18


def test_init_defaults_to_the_current_folder(tmp_path: Path) -> None:
    result = run("init")
    assert result.exit_code == 0
    assert (tmp_path / "config" / "accounts.yaml").is_file()
    assert (tmp_path / "inventory.csv").is_file()
    assert result.stderr.endswith("\nNext: nypconsol plan -i inventory.csv\n")  # no "cd ."


def test_init_says_the_next_command_as_a_shell_can_run_it(tmp_path: Path) -> None:
    result = run("init", "my project")
    assert result.exit_code == 0
    assert result.stderr.endswith("\nNext: cd 'my project' && nypconsol plan -i inventory.csv\n")


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "accounts.yaml").write_text("mine\n", encoding="utf-8")
    result = run("init")
    assert result.exit_code == ExitCode.INPUT_ERRORS  # as documented in the README
    assert result.stdout == ""
    assert result.stderr.startswith(ERROR_PREFIX)
    assert "already exist" in result.stderr
    assert "--force" in result.stderr
    assert (tmp_path / "config" / "accounts.yaml").read_text(encoding="utf-8") == "mine\n"
    # The file that did not exist is not created either: a refusal writes nothing.
    assert not (tmp_path / "inventory.csv").exists()


def test_init_force_overwrites(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "accounts.yaml").write_text("mine\n", encoding="utf-8")
    (tmp_path / "inventory.csv").write_text("mine\n", encoding="utf-8")
    result = run("init", "--force")
    assert result.exit_code == 0
    assert (tmp_path / "config" / "accounts.yaml").read_bytes() == SHIPPED_CONFIG.read_bytes()
    assert (tmp_path / "inventory.csv").read_bytes() == EXAMPLE_INVENTORY.read_bytes()
    assert not [p for p in tmp_path.rglob("*.tmp")]


@pytest.mark.parametrize("force", [False, True])
def test_init_refuses_a_symlink_out_of_the_folder(tmp_path: Path, force: bool) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.csv").write_text("keep\n", encoding="utf-8")
    project = tmp_path / "proj"
    project.mkdir()
    (project / "inventory.csv").symlink_to(outside / "precious.csv")
    result = run("init", "proj", *(["--force"] if force else []))
    assert result.exit_code == ExitCode.FAILURE  # as implemented: an OutputError
    assert "refusing to write" in result.stderr
    assert (outside / "precious.csv").read_text(encoding="utf-8") == "keep\n"
    assert sorted(p.name for p in outside.iterdir()) == ["precious.csv"]
    assert not (project / "config").exists()


def test_init_refuses_a_symlinked_config_folder_out_of_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    project = tmp_path / "proj"
    project.mkdir()
    (project / "config").symlink_to(outside, target_is_directory=True)
    result = run("init", "proj", "--force")
    assert result.exit_code == ExitCode.FAILURE
    assert "refusing to write" in result.stderr
    assert list(outside.iterdir()) == []
    assert not (project / "inventory.csv").exists()


def test_init_allows_a_symlink_inside_the_folder(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "real.csv").write_text("old\n", encoding="utf-8")
    (project / "inventory.csv").symlink_to(project / "real.csv")
    assert run("init", "proj", "--force").exit_code == 0
    assert (project / "config" / "accounts.yaml").read_bytes() == SHIPPED_CONFIG.read_bytes()


@pytest.mark.parametrize(
    "command",
    [
        ["notices", "--format", "json"],
        ["handover", "--format", "json"],
        ["record", "PC_Skipton_Ali", "announced", "--ledger", "ledger.sqlite"],
    ],
)
def test_commands_that_plan_take_input_format_for_standard_input(
    tmp_path: Path, command: list[str]
) -> None:
    """-i - --input-format works on every command that reads an inventory, as the README's
    inventory section says (validate and plan had it; notices, handover, record and status
    did not)."""
    records = [
        {"handle": "PC_Skipton_Ali", "platform": "x", "area": "Skipton"},
        {"handle": "SelbyPolice", "platform": "x", "area": "Selby"},
    ]
    yaml_text = "".join(f"- {json.dumps(r)}\n" for r in records)
    result = CliRunner().invoke(
        cli,
        [*command, "-i", "-", "--input-format", "yaml", "--start", "2026-11-02"],
        input=yaml_text,
    )
    assert result.exit_code == 0, result.output
    if command[0] != "record":
        assert "PC_Skipton_Ali" in result.stdout and "SelbyPolice" in result.stdout
    wrong = CliRunner().invoke(cli, [*command, "-i", "-", "--input-format", "csv"], input=yaml_text)
    assert wrong.exit_code == ExitCode.INPUT_ERRORS, wrong.output
