"""Reports that fit CI (issue 10): on a start-date change, the Markdown diff, the job summary and
the workflow annotations stay within GitHub's limits (10 error and 10 warning annotations per
step, a 1 MiB summary, a 65,536-character comment), most important changes first, the rest
counted, saying how to get every change; the JSON drift is never cut."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from nypconsol.cli import cli
from nypconsol.core.drift import ChangeKind, by_importance, compare_plans
from nypconsol.core.errors import ExitCode
from nypconsol.render.limits import COMMENT_CHARACTERS, STEP_SUMMARY_BYTES
from tests.conftest import DEFAULT_CONFIG

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate

COUNT = 600


def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args), prog_name="nypconsol", env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """A 600-account plan, the same plan a week later, and one with accounts removed and
    moved: the start-date change of the issue, and a mixed one."""
    folder = tmp_path_factory.mktemp("ci")
    rows = generate.generate(COUNT)
    generate.write(rows, "csv", folder / "inventory.csv")
    lines = (folder / "inventory.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    # The first 40 rows removed; those in Skipton and Settle moved to Selby's district.
    mixed = [lines[0], *lines[41:]]
    moved = "".join(mixed).replace(",Skipton,", ",Tadcaster,").replace(",Settle,", ",Selby,")
    (folder / "mixed.csv").write_text(moved, encoding="utf-8")
    config = str(DEFAULT_CONFIG)
    for name, inventory, start in (
        ("old.json", "inventory.csv", "2027-01-11"),
        ("later.json", "inventory.csv", "2027-02-01"),
        ("mixed.json", "mixed.csv", "2027-02-01"),
    ):
        result = run(
            "plan", "-c", config, "-i", str(folder / inventory), "--start", start,
            "-o", str(folder / name),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    return folder


def _annotations(text: str) -> dict[str, list[str]]:
    lines = text.splitlines()
    return {
        level: [line for line in lines if line.startswith(f"::{level} ")]
        for level in ("error", "warning")
    }


def test_a_start_date_change_on_600_accounts_fits_a_comment(plans: Path) -> None:
    result = run("diff", str(plans / "old.json"), str(plans / "later.json"), "--format", "markdown")
    assert result.exit_code == ExitCode.DRIFT
    text = result.stdout
    assert len(text) < COMMENT_CHARACTERS
    assert len(text.encode()) < COMMENT_CHARACTERS
    assert "| start | 2027-01-11 | 2027-02-01 |" in text
    assert "### Changed dates" in text
    tail = text.rstrip("\n").splitlines()[-1]
    assert tail.startswith("**Not shown**, to keep this report within GitHub's limits: ")
    assert " accounts with changed dates. " in tail
    assert tail.endswith(
        "Run nypconsol diff with --format json (or --format text) to list every change."
    )
    shown = text.count("| notice\\_date |")
    hidden = int(tail.split(": ", 1)[1].split(" ")[0].replace(",", ""))
    document = json.loads(
        run("diff", str(plans / "old.json"), str(plans / "later.json"), "--format", "json").stdout
    )
    assert shown + hidden == len(document["changed"]) == document["summary"]["changed"]


def test_the_json_drift_is_never_cut(plans: Path) -> None:
    document = json.loads(
        run("diff", str(plans / "old.json"), str(plans / "later.json"), "--format", "json").stdout
    )
    old = json.loads((plans / "old.json").read_text(encoding="utf-8"))
    migrated = sum(1 for a in old["accounts"] if a["action"] == "migrate")
    assert len(document["changed"]) == migrated
    text = run("diff", str(plans / "old.json"), str(plans / "later.json")).stdout
    assert text.count("\n  ~ ") == migrated  # nor the text report


def test_markdown_puts_removed_then_destinations_then_dates(plans: Path) -> None:
    text = run(
        "diff", str(plans / "old.json"), str(plans / "mixed.json"), "--format", "markdown"
    ).stdout
    assert len(text.encode()) < COMMENT_CHARACTERS
    titles = ("Removed", "Changed destination", "Changed dates")
    positions = [text.find(f"### {title}\n") for title in titles]
    assert -1 < positions[0] < positions[1] < positions[2]
    tail = text.rstrip("\n").splitlines()[-1]
    assert tail.startswith("**Not shown**, to keep this report within GitHub's limits: ")
    assert "accounts with changed dates. " in tail  # the least important were left out
    drift = compare_plans(
        json.loads((plans / "old.json").read_text(encoding="utf-8")),
        json.loads((plans / "mixed.json").read_text(encoding="utf-8")),
    )
    groups = dict(by_importance(drift))
    assert len(groups[ChangeKind.REMOVED]) == 40
    assert groups[ChangeKind.DESTINATION]  # Skipton -> Tadcaster: a new district
    assert text.count("| removed |") == 0
    for item in groups[ChangeKind.REMOVED]:
        assert f"| @{item.handle.replace('_', chr(92) + '_')} |" in text


def test_a_small_drift_is_shown_whole(plans: Path, tmp_path: Path) -> None:
    old = json.loads((plans / "old.json").read_text(encoding="utf-8"))
    new = json.loads(json.dumps(old))
    removed = new["accounts"].pop(0)
    new["accounts"][0]["owner"] = "Someone Else"
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    (tmp_path / "new.json").write_text(json.dumps(new), encoding="utf-8")
    text = run(
        "diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--format", "markdown"
    ).stdout
    assert "Not shown" not in text
    assert text.index("### Removed") < text.index("### Other changes")
    assert f"@{removed['handle']}".replace("_", "\\_") in text


def test_annotations_and_summary_of_a_check_stay_within_the_limits(plans: Path, tmp_path) -> None:
    summary = tmp_path / "summary.md"
    result = run(
        "plan", "-c", str(DEFAULT_CONFIG), "-i", str(plans / "mixed.csv"), "--start", "2027-02-01",
        "--check", str(plans / "old.json"), "--format", "github",
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )  # fmt: skip
    assert result.exit_code == ExitCode.DRIFT
    found = _annotations(result.stdout)
    assert len(found["error"]) == 10
    assert len(found["warning"]) <= 10
    details = found["error"][:-1]
    assert "start changed: 2027-01-11 -> 2027-02-01" in details[0]
    assert all(" removed (was " in line for line in details[1:])  # removed come first
    last = found["error"][-1]
    assert "title=plan out of date::" in last
    assert "Not shown here (GitHub shows 10 annotations per step): 32 removed accounts" in last
    assert "The same nypconsol plan --check command with --format json" in last
    assert summary.stat().st_size < STEP_SUMMARY_BYTES
    assert len(summary.read_text(encoding="utf-8")) < COMMENT_CHARACTERS


def test_many_findings_give_ten_annotations_of_each_level_and_say_how_many_more(tmp_path):
    rows = ["handle,platform,area,last_post"]
    rows += [f"Bad{n},x,Nowhere{n}," for n in range(30)]  # 30 errors
    rows += [f"Later{n},x,Skipton,2999-01-0{n % 9 + 1}" for n in range(25)]  # 25 warnings
    (tmp_path / "inv.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    summary = tmp_path / "summary.md"
    result = run(
        "validate", "-c", str(DEFAULT_CONFIG), "-i", str(tmp_path / "inv.csv"), "--format",
        "github", env={"GITHUB_STEP_SUMMARY": str(summary)},
    )  # fmt: skip
    found = _annotations(result.stdout)
    assert len(found["error"]) == 10
    assert len(found["warning"]) == 10
    assert found["error"][-1] == (
        "::error title=more errors::21 more errors not shown here (GitHub shows 10 per step), "
        "30 in all: nypconsol validate with --format json (or --format text) lists every finding."
    )
    assert found["warning"][-1].startswith("::warning title=more warnings::17 more warnings ")
    assert all("line=" in line for line in found["error"][:-1])


def test_a_few_findings_are_annotated_as_before(tmp_path) -> None:
    (tmp_path / "inv.csv").write_text("handle,platform,area\nBad,x,Nowhere\n", encoding="utf-8")
    result = run(
        "validate", "-c", str(DEFAULT_CONFIG), "-i", str(tmp_path / "inv.csv"), "--format", "github"
    )
    assert result.stdout.count("\n") == 2  # the error and the placeholder warning
    assert "more errors" not in result.stdout


def test_the_findings_summary_keeps_errors_first_within_its_budget(tmp_path) -> None:
    from nypconsol.core.findings import Finding
    from nypconsol.render.markdown import findings_markdown

    warnings = [Finding("future-date", f"w{n} " + "x" * 200, "inv.csv", n) for n in range(1, 400)]
    errors = [Finding("bad-date", f"e{n} " + "y" * 200, "inv.csv", 1000 + n) for n in range(400)]
    text = findings_markdown(warnings + errors, 799, budget=20_000)
    assert len(text.encode()) <= 20_000
    assert "| warning |" not in text  # the errors filled the report
    assert text.rstrip().endswith("lists every finding.")
    assert "**Not shown**, to keep this report within GitHub's limits: " in text
    shown = text.count("| error |")
    assert f"{400 - shown} errors and 399 warnings" in text
