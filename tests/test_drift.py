"""CI dry runs (issue 4): plan --check, diff, plan files, drift reports, annotations, job summary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from nypconsol.cli import cli
from nypconsol.core.drift import (
    AccountDrift,
    Drift,
    FieldChange,
    PlanFile,
    PlanFileError,
    compare_plans,
)
from nypconsol.core.errors import ExitCode
from nypconsol.loaders.planfile import load_plan, read_plan
from nypconsol.render.github import (
    append_step_summary,
    drift_annotations,
    escape_data,
    escape_property,
)
from nypconsol.render.markdown import drift_markdown
from nypconsol.render.text import drift_text

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_INVENTORY = REPO / "nypconsol" / "data" / "example-inventory.csv"
SHIPPED_CONFIG = REPO / "config" / "accounts.yaml"
NYPCONSOL = [sys.executable, "-m", "nypconsol"]

# The example's 16 migrated accounts, by key, with the district each is in.
MIGRATED = [
    ("craven", "x:grassingtonpcso"),
    ("craven", "x:pc_skipton_ali"),
    ("hambleton", "facebook:northallertonsnt"),
    ("hambleton", "x:stokesleypolice"),
    ("harrogate", "instagram:riponpolice"),
    ("harrogate", "x:harrogatecops"),
    ("richmondshire", "x:catterickpcso"),
    ("richmondshire", "x:leyburnbeat"),
    ("ryedale", "facebook:helmsleypolice"),
    ("ryedale", "x:maltonnorton"),
    ("scarborough", "x:scarboroughpol"),
    ("scarborough", "x:whitbysnt"),
    ("selby", "facebook:tadcasterpcso"),
    ("selby", "x:selbypolice"),
    ("york", "x:acombpcso"),
    ("york", "x:yorkcentresnt"),
]


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args))


def assert_clean(result, code: int) -> None:  # type: ignore[no-untyped-def]
    """The exit code, and no traceback: the CLI ended the run itself."""
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def edit(path: str, old: str, new: str) -> None:
    text = Path(path).read_text(encoding="utf-8-sig")
    assert text.count(old) == 1, old
    Path(path).write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def committed(tmp_path: Path) -> str:
    """The example inventory as inv.csv and its committed plan as plan.json (start 2027-01-11)."""
    shutil.copy(EXAMPLE_INVENTORY, tmp_path / "inv.csv")
    result = run("plan", "-i", "inv.csv", "--start", "2027-01-11", "-o", "plan.json")
    assert_clean(result, 0)
    return "plan.json"


def check(*extra: str):  # type: ignore[no-untyped-def]
    return run("plan", "-i", "inv.csv", "--start", "2027-01-11", "--check", "plan.json", *extra)


def check_json(*extra: str) -> dict:
    result = check("--format", "json", *extra)
    assert_clean(result, ExitCode.DRIFT)
    return json.loads(result.stdout)


# --- plan --check: same plan -----------------------------------------------------------------


def test_check_of_an_unchanged_plan_exits_0_and_writes_nothing(committed, tmp_path):
    before = sorted(p.name for p in tmp_path.iterdir())
    result = check()
    assert_clean(result, 0)
    assert result.stdout == "No drift: plan.json and the rebuilt plan are the same plan.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_check_with_output_writes_the_rebuilt_plan_and_still_reports_drift(committed, tmp_path):
    edit("inv.csv", "AcombPCSO,x,PCSO 6455 Kai Moore", "AcombBeat,x,PCSO 6455 Kai Moore")
    original = (tmp_path / "plan.json").read_bytes()
    result = check("-o", "new.json")
    assert_clean(result, ExitCode.DRIFT)
    assert "Wrote the plan (18 accounts, json) to new.json" in result.stderr
    assert (tmp_path / "plan.json").read_bytes() == original
    assert "AcombBeat" in {a["handle"] for a in load_plan("new.json")["accounts"]}
    # The rebuilt plan is the one plan -o would write.
    assert_clean(run("plan", "-i", "inv.csv", "--start", "2027-01-11", "-o", "direct.json"), 0)
    assert (tmp_path / "direct.json").read_bytes() == (tmp_path / "new.json").read_bytes()


# --- plan --check: each kind of change -------------------------------------------------------


def test_account_added(committed):
    with open("inv.csv", "a", encoding="utf-8") as handle:
        handle.write("NewBeat,x,PC 1 New,1,PCSO,York,,10,,active,,\n")
    drift = check_json()
    assert drift["equal"] is False
    assert drift["summary"] == {
        "added": 1,
        "removed": 0,
        "changed": 0,
        "plan_changes": 0,
        "districts": {"york": {"added": 1, "removed": 0, "changed": 0}},
    }
    assert drift["added"] == [
        {
            "key": "x:newbeat",
            "platform": "x",
            "handle": "NewBeat",
            "district": "york",
            "account": {
                "handle": "NewBeat",
                "platform": "x",
                "district": "york",
                "action": "migrate",
                "target": "NYP_York",
                "note": "",
                "wave": 1,
                "notice_date": "2027-01-11",
                "close_date": "2027-01-25",
                "owner": "PC 1 New",
                "collar_number": "1",
                "role": "PCSO",
                "area": "York",
                "followers": 10,
                "status": "active",
                "last_post": None,
            },
        }
    ]
    assert (drift["removed"], drift["changed"], drift["plan_changes"]) == ([], [], {})


def test_account_removed_text_report(committed):
    edit(
        "inv.csv", "AcombPCSO,x,PCSO 6455 Kai Moore,6455,PCSO,Acomb,,955,2026-10-30,active,,\n", ""
    )
    result = check()
    assert_clean(result, ExitCode.DRIFT)
    assert result.stdout == (
        "Drift from plan.json to the rebuilt plan: 0 accounts added, 1 removed, 0 changed.\n"
        "\n"
        "District  Added  Removed  Changed\n"
        "york          0        1        0\n"
        "\n"
        "Removed:\n"
        "  - york x @AcombPCSO: was migrate to @NYP_York, announce 2027-01-11, close 2027-01-25\n"
    )


def test_account_moved_district(committed):
    edit("inv.csv", "Neighbourhood officer,Skipton,", "Neighbourhood officer,Tadcaster,")
    drift = check_json()
    assert drift["changed"] == [
        {
            "key": "x:pc_skipton_ali",
            "platform": "x",
            "handle": "PC_Skipton_Ali",
            "district": "selby",
            "fields": {
                "district": {"before": "craven", "after": "selby"},
                "target": {"before": "NYP_Craven", "after": "NYP_Selby"},
                "area": {"before": "Skipton", "after": "Tadcaster"},
            },
        }
    ]
    # A move counts as a change in both districts.
    assert drift["summary"]["districts"] == {
        "craven": {"added": 0, "removed": 0, "changed": 1},
        "selby": {"added": 0, "removed": 0, "changed": 1},
    }
    assert (drift["added"], drift["removed"]) == ([], [])


def test_platform_changed_is_a_different_account(committed):
    edit("inv.csv", "TadcasterPCSO,facebook,", "TadcasterPCSO,x,")
    drift = check_json()
    assert [(a["key"], a["account"]["target"]) for a in drift["added"]] == [
        ("x:tadcasterpcso", "NYP_Selby")
    ]
    assert [(a["key"], a["account"]["target"]) for a in drift["removed"]] == [
        ("facebook:tadcasterpcso", "NYPSelby")
    ]
    assert drift["changed"] == []


def test_new_start_shifts_every_migrated_account(committed):
    result = run(
        "plan", "-i", "inv.csv", "--start", "2027-01-18", "--check", "plan.json", "--format", "json"
    )
    assert_clean(result, ExitCode.DRIFT)
    drift = json.loads(result.stdout)
    assert drift["plan_changes"] == {"start": {"before": "2027-01-11", "after": "2027-01-18"}}
    assert [(c["district"], c["key"]) for c in drift["changed"]] == MIGRATED
    for change in drift["changed"]:
        assert change["fields"] == {
            "notice_date": {"before": "2027-01-11", "after": "2027-01-18"},
            "close_date": {"before": "2027-01-25", "after": "2027-02-01"},
        }
    assert (drift["added"], drift["removed"]) == ([], [])


def test_notice_period_changed(committed):
    shutil.copy(SHIPPED_CONFIG, "config.yaml")
    args = ("plan", "-c", "config.yaml", "-i", "inv.csv", "--start", "2027-01-11")
    assert_clean(run(*args, "-o", "plan.json"), 0)
    edit("config.yaml", "notice_days: 14 ", "notice_days: 21 ")
    result = run(*args, "--check", "plan.json", "--format", "json")
    assert_clean(result, ExitCode.DRIFT)
    drift = json.loads(result.stdout)
    assert drift["plan_changes"] == {"policy.notice_days": {"before": 14, "after": 21}}
    assert [(c["district"], c["key"]) for c in drift["changed"]] == MIGRATED
    for change in drift["changed"]:
        assert change["fields"] == {"close_date": {"before": "2027-01-25", "after": "2027-02-01"}}


def test_handle_compared_as_the_platform_compares_it(committed):
    # Same accounts: X ignores case, Facebook ignores case and dots. The spelling is a change.
    edit("inv.csv", "@PC_Skipton_Ali,", "pc_skipton_ali,")
    edit("inv.csv", "NorthallertonSNT,facebook", "Northallerton.SNT,facebook")
    drift = check_json()
    assert [(c["key"], c["fields"]) for c in drift["changed"]] == [
        ("x:pc_skipton_ali", {"handle": {"before": "PC_Skipton_Ali", "after": "pc_skipton_ali"}}),
        (
            "facebook:northallertonsnt",
            {"handle": {"before": "NorthallertonSNT", "after": "Northallerton.SNT"}},
        ),
    ]
    assert (drift["added"], drift["removed"]) == ([], [])


# --- what never causes drift ------------------------------------------------------------------


def test_row_order_paths_and_config_location_are_not_drift(committed, tmp_path):
    lines = (tmp_path / "inv.csv").read_text(encoding="utf-8-sig").splitlines(keepends=True)
    (tmp_path / "sub").mkdir()
    # Rows reversed (every source line changes), another path, an explicit copy of the config.
    (tmp_path / "sub" / "other.csv").write_text(lines[0] + "".join(reversed(lines[1:])))
    shutil.copy(SHIPPED_CONFIG, tmp_path / "sub" / "mapping.yaml")
    result = run(
        "plan",
        "-c",
        "sub/mapping.yaml",
        "-i",
        "sub/other.csv",
        "--start",
        "2027-01-11",
        "--check",
        "plan.json",
    )
    assert_clean(result, 0)


def test_unknown_fields_of_a_known_major_version_are_ignored(committed, tmp_path):
    document = load_plan("plan.json")
    document["format_version"] = "1.7"
    document["future_key"] = {"anything": [1, 2]}
    for account in document["accounts"]:
        account["future_field"] = "x"
    (tmp_path / "plan.json").write_text(json.dumps(document, indent=1))
    assert_clean(check(), 0)


def test_without_a_start_date_check_uses_the_committed_start(tmp_path):
    """The clock must not cause drift: with no --start and no policy.start, --check plans from
    the committed plan's start."""
    shutil.copy(SHIPPED_CONFIG, "config.yaml")
    edit("config.yaml", "  start: 2027-01-11 ", "  # start: none ")
    shutil.copy(EXAMPLE_INVENTORY, "inv.csv")
    args = ("plan", "-c", "config.yaml", "-i", "inv.csv")
    assert_clean(run(*args, "--start", "2031-03-03", "-o", "plan.json"), 0)
    result = run(*args, "--check", "plan.json")
    assert_clean(result, 0)
    assert "No start date set: using the start of plan.json, 2031-03-03." in result.stderr


def _plan_in(folder: Path, inventory: str, tz: str) -> None:
    env = {**os.environ, "TZ": tz, "LC_ALL": "C", "NO_COLOR": "1"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    subprocess.run(
        [*NYPCONSOL, "plan", "-i", inventory, "--start", "2027-01-11", "-o", "plan.json"],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
    )


def test_no_drift_across_working_folders_and_time_zones(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "deep").mkdir(parents=True)
    shutil.copy(EXAMPLE_INVENTORY, tmp_path / "a" / "inv.csv")
    _plan_in(tmp_path / "a", "inv.csv", "Pacific/Kiritimati")  # UTC+14
    _plan_in(tmp_path / "b" / "deep", str(tmp_path / "a" / "inv.csv"), "Pacific/Pago_Pago")  # -11
    first, second = tmp_path / "a" / "plan.json", tmp_path / "b" / "deep" / "plan.json"
    assert first.read_bytes() != second.read_bytes()  # the paths differ ...
    result = run("diff", str(first), str(second))
    assert_clean(result, 0)  # ... and nothing else
    # plan --check from a third folder, in a third time zone, against the committed plan.
    env = {**os.environ, "TZ": "Asia/Kathmandu"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    checked = subprocess.run(
        [*NYPCONSOL, "plan", "-i", "a/inv.csv", "--start", "2027-01-11", "--check", str(second)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout == f"No drift: {second} and the rebuilt plan are the same plan.\n"


def test_reports_are_deterministic(committed, tmp_path):
    edit("inv.csv", "Neighbourhood officer,Skipton,", "Neighbourhood officer,Tadcaster,")
    assert_clean(run("plan", "-i", "inv.csv", "--start", "2027-01-18", "-o", "new.json"), 0)
    for fmt in ("text", "markdown", "json"):
        outputs = {run("diff", "plan.json", "new.json", "--format", fmt).stdout for _ in range(3)}
        assert len(outputs) == 1, fmt


# --- diff ----------------------------------------------------------------------------------


def test_diff_exit_codes_and_formats(committed, tmp_path):
    shutil.copy(tmp_path / "plan.json", tmp_path / "same.json")
    assert_clean(run("diff", "plan.json", "same.json"), 0)
    result = run("diff", "plan.json", "same.json", "--format", "json")
    assert_clean(result, 0)
    assert json.loads(result.stdout)["equal"] is True
    edit("inv.csv", "PC 771 Sam Ford", "PC 771 Sam | <b>Ford</b>")
    assert_clean(run("plan", "-i", "inv.csv", "--start", "2027-01-11", "-o", "new.json"), 0)
    result = run("diff", "plan.json", "new.json", "--format", "markdown")
    assert_clean(result, ExitCode.DRIFT)
    assert result.stdout == (
        "## nypconsol diff\n"
        "\n"
        "Drift from plan.json to new.json: 0 accounts added, 0 removed, 1 changed.\n"
        "\n"
        "| District | Added | Removed | Changed |\n"
        "| --- | --- | --- | --- |\n"
        "| ryedale | 0 | 0 | 1 |\n"
        "\n"
        "### Other changes\n"
        "\n"
        "| District | Account | Platform | Field | Before | After |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
        "| ryedale | @MaltonNorton | x | owner | PC 771 Sam Ford | "
        "PC 771 Sam \\| &lt;b&gt;Ford&lt;/b&gt; |\n"
    )
    result = run("diff", "plan.json", "new.json")
    assert_clean(result, ExitCode.DRIFT)
    assert result.stdout.endswith(
        "Changed:\n  ~ ryedale x @MaltonNorton\n      owner: PC 771 Sam Ford -> PC 771 Sam | <b>Ford</b>\n"
    )


def test_text_report_quotes_values_that_would_mislead():
    drift = Drift(
        "old.json",
        "new.json",
        (),
        (),
        (),
        (
            AccountDrift(
                "x:a",
                {"handle": "A", "platform": "x", "district": "york"},
                None,
                (FieldChange("owner", "Ann\nSmith", " "), FieldChange("followers", None, 12)),
            ),
        ),
    )
    assert drift_text(drift).splitlines()[-2:] == [
        '      owner: "Ann\\nSmith" -> " "',
        "      followers: (none) -> 12",
    ]


# --- GitHub annotations and the job summary --------------------------------------------------


def test_escaping_of_workflow_commands():
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("plans/a:b,c%.json\n") == "plans/a%3Ab%2Cc%25.json%0A"


def test_drift_annotations_escape_messages_and_properties():
    drift = Drift(
        "x",
        "y",
        (FieldChange("start", "2027-01-11", "2027-01-18"),),
        (),
        (),
        (
            AccountDrift(
                "x:a",
                {"handle": "A", "platform": "x", "district": "york"},
                None,
                (FieldChange("owner", "50% off,\r\nnow", "b:c"),),
            ),
        ),
    )
    committed = PlanFile(
        path="ci:plans,v1.json", document={}, account_lines={"x:a": 7}, field_lines={"start": 20}
    )
    text = drift_annotations(drift, committed=committed)
    assert text.splitlines() == [
        "::error file=ci%3Aplans%2Cv1.json,line=20,title=plan drift::start changed: "
        "2027-01-11 -> 2027-01-18",
        "::error file=ci%3Aplans%2Cv1.json,line=7,title=plan drift::york x @A changed: owner: "
        '"50%25 off,\\r\\nnow" -> b:c',
        "::error file=ci%3Aplans%2Cv1.json,title=plan out of date::Drift from x to y: 0 accounts "
        "added, 0 removed, 1 changed, 1 plan setting changed. Regenerate the plan (the same "
        "nypconsol plan command, with -o ci:plans,v1.json in place of --check) and commit it if "
        "the change is intended.",
    ]


def test_check_github_format_points_at_the_committed_plan_lines(committed, tmp_path):
    edit("inv.csv", "Neighbourhood officer,Skipton,", "Neighbourhood officer,Tadcaster,")
    edit(
        "inv.csv", "AcombPCSO,x,PCSO 6455 Kai Moore,6455,PCSO,Acomb,,955,2026-10-30,active,,\n", ""
    )
    result = check("--format", "github")
    assert_clean(result, ExitCode.DRIFT)
    plan_lines = (tmp_path / "plan.json").read_text().splitlines()
    acomb = 1 + next(i for i, line in enumerate(plan_lines) if '"handle":"AcombPCSO"' in line)
    skipton = 1 + next(
        i for i, line in enumerate(plan_lines) if '"handle":"PC_Skipton_Ali"' in line
    )
    assert result.stdout.splitlines() == [
        # The findings first (the shipped mapping's placeholder warning) ...
        "::warning title=placeholder-accounts::the destination "
        "handles are placeholders: replace them with the real district accounts, then set "
        "placeholders: no",
        # ... then the drift (settings, added, removed, changed) on the committed plan's lines.
        f"::error file=plan.json,line={acomb},title=plan drift::york x @AcombPCSO removed (was "
        "migrate to @NYP_York, announce 2027-01-11, close 2027-01-25)",
        f"::error file=plan.json,line={skipton},title=plan drift::selby x @PC_Skipton_Ali changed: "
        "district: craven -> selby; target: NYP_Craven -> NYP_Selby; area: Skipton -> Tadcaster",
        "::error file=plan.json,title=plan out of date::Drift from plan.json to the rebuilt plan: "
        "0 accounts added, 1 removed, 1 changed. Regenerate the plan (the same nypconsol plan "
        "command, with -o plan.json in place of --check) and commit it if the change is intended.",
    ]


def test_plan_github_format_annotates_findings_and_writes_only_to_o(tmp_path):
    shutil.copy(EXAMPLE_INVENTORY, "inv.csv")
    result = run("plan", "-i", "inv.csv", "--format", "github")
    assert_clean(result, 0)
    assert result.stdout.startswith("::warning title=placeholder-accounts::")
    assert "add -o FILE to write the plan" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inv.csv"]
    result = run("plan", "-i", "inv.csv", "--format", "github", "-o", "plan.json")
    assert_clean(result, 0)
    assert load_plan("plan.json")["kind"] == "plan"
    # With input errors: an annotation with file and line, exit 1, nothing written.
    with open("inv.csv", "a", encoding="utf-8") as handle:
        handle.write("bad%handle,x,Someone,,,Skipton,,,,active,,\n")
    result = run("plan", "-i", "inv.csv", "--format", "github", "-o", "again.json")
    assert_clean(result, ExitCode.INPUT_ERRORS)
    assert result.stdout.splitlines()[1] == (
        "::error file=inv.csv,line=20,title=invalid-handle::X handle 'bad%25handle' is not valid; "
        "X handles are 1 to 15 letters, digits or underscores"
    )
    assert not (tmp_path / "again.json").exists()


def test_step_summary_is_appended_never_truncated(committed, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step\n\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert_clean(check(), 0)
    edit("inv.csv", "PC 771 Sam Ford", "PC 771 Sam Ford-Smith")
    assert_clean(check(), ExitCode.DRIFT)
    assert_clean(run("validate", "-i", "inv.csv", "--format", "github"), 0)
    assert_clean(run("plan", "-i", "inv.csv", "--start", "2027-01-11", "-o", "new.json"), 0)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith(
        "# Earlier step\n"
        "\n"
        "## nypconsol plan --check\n"
        "\n"
        "No drift: plan.json and the rebuilt plan are the same plan.\n"
        "\n"
        "## nypconsol plan --check\n"
        "\n"
        "Drift from plan.json to the rebuilt plan: 0 accounts added, 0 removed, 1 changed.\n"
    )
    assert (
        "| ryedale | @MaltonNorton | x | owner | PC 771 Sam Ford | PC 771 Sam Ford-Smith |\n"
        in text
    )
    assert "## nypconsol validate\n\n18 accounts checked: 0 errors, 1 warning.\n" in text
    assert "## nypconsol plan\n\nStart 2027-01-11 (--start); notice period 14 days." in text
    assert "| Ryedale | 2 | 2 | 0 | 0 | 3,950 | 2027-01-11 | 2027-01-25 |" in text
    assert text.endswith("\n\n")


def test_step_summary_unset_or_unwritable(tmp_path):
    assert append_step_summary("x", {}) is None
    assert append_step_summary("x", {"GITHUB_STEP_SUMMARY": ""}) is None
    problem = append_step_summary("x", {"GITHUB_STEP_SUMMARY": str(tmp_path)})
    assert problem is not None and problem.startswith(
        f"could not append to GITHUB_STEP_SUMMARY ({tmp_path}): "
    )


def test_unwritable_step_summary_only_warns(committed, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a folder
    result = check()
    assert_clean(result, 0)
    assert "Warning: could not append to GITHUB_STEP_SUMMARY" in result.stderr


# --- bad plan files --------------------------------------------------------------------------


def _plan_text() -> str:
    return Path("plan.json").read_text(encoding="utf-8")


def _edited(change) -> str:  # type: ignore[no-untyped-def]
    document = json.loads(_plan_text())
    change(document)
    return json.dumps(document, indent=2)


BAD_PLANS = {
    "not-json": (
        lambda: "format_version: 1.0\nkind: plan\n",
        "bad.json:1:1: not valid JSON: Expecting value (plan files are JSON written by nypconsol "
        "plan --format json)",
    ),
    "truncated": (
        lambda: "\n".join(_plan_text().splitlines()[:30]),
        "bad.json:30:64: the plan file ends early (truncated?): Expecting ',' delimiter; "
        "regenerate it with: nypconsol plan --format json -o PLAN.json",
    ),
    "empty": (
        lambda: "  \n",
        "bad.json: the plan file is empty; regenerate it with: nypconsol plan --format json -o "
        "PLAN.json",
    ),
    "findings": (
        lambda: '{"format_version": "1.0", "kind": "findings", "findings": [], "summary": {}}',
        'bad.json: is a "findings" file, not a plan (its "kind" should be "plan"); regenerate it '
        "with: nypconsol plan --format json -o PLAN.json",
    ),
    "version-2": (
        lambda: _edited(lambda d: d.update(format_version="2.0")),
        "bad.json: plan format_version 2.0 is not supported: this nypconsol reads format 1.x "
        "only; use the nypconsol that wrote it, or regenerate it with: nypconsol plan --format "
        "json -o PLAN.json",
    ),
    "version-nonsense": (
        lambda: _edited(lambda d: d.update(format_version=1)),
        'bad.json: "format_version" must be text like "1.0", not 1; regenerate it with: '
        "nypconsol plan --format json -o PLAN.json",
    ),
    "list": (lambda: "[1, 2]", "bad.json: not a plan file: it holds a list, not a JSON object"),
    "no-accounts": (
        lambda: _edited(lambda d: d.pop("accounts")),
        'bad.json: the plan has no "accounts" list',
    ),
    "bad-start": (
        lambda: _edited(lambda d: d.update(start="next week")),
        'bad.json: "start" must be a date like "2027-01-11", not "next week"',
    ),
    "followers-text": (
        lambda: _edited(lambda d: d["accounts"][1].update(followers="lots")),
        'bad.json:208: accounts[1].followers must be a whole number or null, not "lots"',
    ),
    "no-handle": (
        lambda: _edited(lambda d: d["accounts"][0].pop("handle")),
        'bad.json:183: accounts[0] has no "handle" (it must be non-empty text)',
    ),
    "bad-date": (
        lambda: _edited(lambda d: d["accounts"][0].update(close_date="25/01/2027")),
        'bad.json:183: accounts[0].close_date must be a date like "2027-01-11" or null, not '
        '"25/01/2027"',
    ),
    "same-account-twice": (
        lambda: _edited(
            lambda d: d["accounts"].append(dict(d["accounts"][0], handle="GRASSINGTONpcso"))
        ),
        "bad.json:633: accounts[18] (@GRASSINGTONpcso) is the same x account as accounts[0]: a "
        "plan lists each account once",
    ),
    "duplicate-key": (
        lambda: '{"kind": "plan", "kind": "findings"}',
        "bad.json: not a usable plan file: the key 'kind' appears twice in one object",
    ),
    "nan": (
        lambda: _plan_text().replace('"followers":412', '"followers":NaN'),
        "bad.json: not a usable plan file: NaN is not a JSON number",
    ),
    "deep": (lambda: "[" * 100_000, "bad.json: not a plan file: the JSON is nested too deeply"),
}


@pytest.mark.parametrize("case", sorted(BAD_PLANS))
@pytest.mark.parametrize("command", ["check", "diff-old", "diff-new"])
def test_bad_plan_files_give_a_clear_message_and_exit_1(committed, tmp_path, case, command):
    make, message = BAD_PLANS[case]
    (tmp_path / "bad.json").write_text(make(), encoding="utf-8")
    if command == "check":
        result = run("plan", "-i", "inv.csv", "--check", "bad.json")
    elif command == "diff-old":
        result = run("diff", "bad.json", "plan.json")
    else:
        result = run("diff", "plan.json", "bad.json")
    assert_clean(result, ExitCode.INPUT_ERRORS)
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""


def test_not_utf8_missing_and_folder(committed, tmp_path):
    (tmp_path / "bin.json").write_bytes(b'{"kind": "plan\xff"}')
    (tmp_path / "folder.json").mkdir()
    for name, message in (
        (
            "bin.json",
            "bin.json: not a plan file: byte 0xFF at offset 14 is not UTF-8 (plan files are JSON "
            "written by nypconsol plan --format json)",
        ),
        (
            "missing.json",
            "missing.json: no such plan file; write one with: nypconsol plan --format json -o "
            "missing.json",
        ),
        ("folder.json", "folder.json: is a folder, not a plan file"),
    ):
        result = run("diff", "plan.json", name)
        assert_clean(result, ExitCode.INPUT_ERRORS)
        assert result.stderr == f"Error: {message}\n"


def test_unreadable_plan_file_exits_4(committed, monkeypatch):
    def denied(self):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    result = run("plan", "-i", "inv.csv", "--check", "plan.json")
    assert_clean(result, ExitCode.FAILURE)
    assert result.stderr == "Error: plan.json: cannot read the plan file: Permission denied\n"


def test_bad_plan_file_is_reported_before_any_work_and_nothing_is_written(committed, tmp_path):
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    result = run("plan", "-i", "inv.csv", "--check", "bad.json", "-o", "out.json")
    assert_clean(result, ExitCode.INPUT_ERRORS)
    assert not (tmp_path / "out.json").exists()


def test_input_errors_with_check_exit_1(committed, tmp_path):
    with open("inv.csv", "a", encoding="utf-8") as handle:
        handle.write("Nowhere1,x,Someone,,,Atlantis,,,,active,,\n")
    result = check("-o", "out.json")
    assert_clean(result, ExitCode.INPUT_ERRORS)
    assert "unknown-area" in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "yaml"], "--format yaml is not a drift report"),
        (["--format", "csv"], "--format csv is not a drift report"),
        (["-o", "-"], "-o - would mix the plan with the report on standard output"),
    ],
)
def test_check_usage_errors(committed, args, message):
    result = check(*args)
    assert_clean(result, ExitCode.USAGE)
    assert message in result.stderr


# --- the core API ------------------------------------------------------------------------------


def test_compare_plans_orders_by_district_force_last_then_key(committed):
    old = load_plan("plan.json")
    new = json.loads(json.dumps(old))
    for account in new["accounts"]:
        account["followers"] = (account["followers"] or 0) + 1
    drift = compare_plans(old, new)
    assert [item.district for item in drift.changed][-1] == "force"
    assert [(item.district, item.key) for item in drift.changed][:-1] == [
        ("craven", "x:grassingtonpcso"),
        ("craven", "x:oldsettlebeat"),
        *MIGRATED[1:],
    ]


def test_compare_plans_checks_both_documents():
    with pytest.raises(PlanFileError, match=r"^new plan: not a plan file: it holds a list"):
        compare_plans(
            {"format_version": "1.0", "kind": "plan", "start": "2027-01-11", "accounts": []}, []
        )


def test_read_plan_records_lines_for_annotations(committed):
    plan = read_plan("plan.json")
    lines = _plan_text().splitlines()
    assert lines[plan.field_lines["start"] - 1].startswith('  "start": ')
    assert lines[plan.field_lines["policy.notice_days"] - 1] == '    "notice_days": 14,'
    assert len(plan.account_lines) == 18
    for key, line in plan.account_lines.items():
        account = json.loads(lines[line - 1].strip().rstrip(","))
        assert key.endswith(account["handle"].casefold())


def test_markdown_heading_can_be_changed():
    drift = Drift("a", "b", (), (), (), ())
    assert drift_markdown(drift, heading="### Check") == (
        "### Check\n\nNo drift: a and b are the same plan.\n"
    )
