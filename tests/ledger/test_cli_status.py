"""``nypconsol status`` on SQLite and PostgreSQL: every migrated account's steps as done (by
whom, when), due, overdue or not_yet; ``--check`` before and after the close dates; the JSON
exactly as issue 15 spells it and true to its schema; CSV safe for Excel; Markdown; GitHub
annotations within the runner's limits; districts; the job summary; 80 columns at a terminal."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import jsonschema
import pytest

from nypconsol.core.errors import ExitCode
from nypconsol.core.progress import StepStatus
from nypconsol.core.status import build_status
from nypconsol.core.steps import STEP_NAMES
from nypconsol.ledger import open_ledger
from nypconsol.render.markdown import md_escape
from nypconsol.render.status import status_table
from nypconsol.render.terminal import make_console
from nypconsol.schemas import load_schema

from .cli_helpers import MIGRATED, TODAY, record, run, status, write_inputs


@pytest.fixture
def inputs(clean_env):
    return write_inputs(clean_env)


@pytest.fixture
def started(backend, inputs):
    """A ledger where SkiptonCops was announced and swept (by pc.smith) and LeyburnBeat
    announced (by its owner)."""
    at = f"{inputs.notice} 09:30"
    for handle, step, by in (
        ("SkiptonCops", "announced", "pc.smith"),
        ("SkiptonCops", "swept", "pc.smith"),
        ("LeyburnBeat", "announced", "PC 2 O Price"),
    ):
        result = record(backend, inputs, handle, step, "--at", at, "--by", by)
        assert result.exit_code == 0, result.stderr
    return inputs


def as_json(backend, inputs, *more):  # type: ignore[no-untyped-def]
    result = status(backend, inputs, "--format", "json", *more)
    assert result.exit_code in (0, 3), result.stderr
    return json.loads(result.stdout)


def test_the_json_is_exactly_the_issues_and_true_to_its_schema(backend, started):
    today = started.close + dt.timedelta(days=2)
    document = as_json(backend, started, "--today", today.isoformat())
    jsonschema.Draft202012Validator(load_schema("status")).validate(document)
    assert list(document) == ["format_version", "kind", "today", "accounts", "summary"]
    assert document["format_version"] == "1.0" and document["kind"] == "status"
    assert document["today"] == today.isoformat()
    assert len(document["accounts"]) == MIGRATED
    first = document["accounts"][0]
    assert list(first) == ["handle", "platform", "district", "steps"]
    assert (first["handle"], first["platform"], first["district"]) == (
        "Settle.Beat.Team",
        "facebook",
        "craven",
    )
    skipton = next(a for a in document["accounts"] if a["handle"] == "SkiptonCops")
    assert [list(step) for step in skipton["steps"]] == [
        ["step", "state", "due", "done_at", "by"]
    ] * 7
    assert [s["step"] for s in skipton["steps"]] == list(STEP_NAMES)
    announced, swept, access, final, closed, reset, archived = skipton["steps"]
    assert announced["state"] == "done" and announced["by"] == "pc.smith"
    assert announced["done_at"].endswith("Z") and announced["due"] == started.notice.isoformat()
    assert swept["state"] == "done"
    assert access == {
        "step": "access_granted",
        "state": "overdue",
        "due": (started.close - dt.timedelta(days=1)).isoformat(),
        "done_at": None,
        "by": None,
    }
    assert final["state"] == closed["state"] == "overdue"
    assert reset["state"] == archived["state"] == "not_yet"
    assert reset["due"] == (started.close + dt.timedelta(days=7)).isoformat()


def test_the_summary_counts_by_state_step_and_district(backend, started):
    today = started.close + dt.timedelta(days=2)
    summary = as_json(backend, started, "--today", today.isoformat())["summary"]
    assert summary["accounts"] == MIGRATED and summary["steps"] == 7 * MIGRATED
    assert summary["done"] == 3
    assert summary["done"] + summary["due"] + summary["overdue"] + summary["not_yet"] == 42
    # SkiptonCops 3, LeyburnBeat 4, and 5 for each of the four with nothing recorded
    assert summary["overdue"] == 3 + 4 + 4 * 5
    assert summary["accounts_overdue"] == MIGRATED and summary["accounts_complete"] == 0
    assert summary["by_step"]["announced"] == {"done": 2, "due": 0, "overdue": 4, "not_yet": 0}
    assert list(summary["districts"]) == ["craven", "richmondshire", "selby"]
    assert summary["districts"]["richmondshire"] == {
        "name": "Richmondshire",
        "accounts": 1,
        "accounts_complete": 0,
        "steps": 7,
        "done": 1,
        "due": 0,
        "overdue": 4,
        "not_yet": 2,
    }
    assert summary["unmatched_events"] == 0


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown", "github"])
def test_check_passes_before_the_close_dates_and_fails_after(backend, started, fmt):
    before = status(
        backend, started, "--check", "--format", fmt, "--today", started.notice.isoformat()
    )
    assert before.exit_code == ExitCode.OK, before.stderr
    assert before.stderr.endswith("Nothing is overdue.\n")
    after = started.close + dt.timedelta(days=1)
    late = status(backend, started, "--check", "--format", fmt, "--today", after.isoformat())
    assert late.exit_code == ExitCode.DRIFT == 3
    assert late.stderr.endswith("27 steps overdue in 6 accounts: exit 3.\n")


def test_on_the_close_date_its_steps_are_due_and_the_day_before_overdue(backend, started):
    document = as_json(backend, started, "--today", started.close.isoformat())
    leyburn = next(a for a in document["accounts"] if a["handle"] == "LeyburnBeat")
    states = {s["step"]: s["state"] for s in leyburn["steps"]}
    assert states == {
        "announced": "done",
        "swept": "overdue",
        "access_granted": "overdue",
        "final_posted": "due",
        "closed": "due",
        "credentials_reset": "not_yet",
        "archived": "not_yet",
    }
    assert status(backend, started, "--check", "--today", started.close.isoformat()).exit_code == 3


def test_an_undone_record_is_not_done(backend, started):
    assert record(backend, started, "SkiptonCops", "swept", "--undo").exit_code == 0
    document = as_json(backend, started, "--today", started.notice.isoformat())
    skipton = next(a for a in document["accounts"] if a["handle"] == "SkiptonCops")
    assert skipton["steps"][1]["state"] == "not_yet"


def test_a_handle_whose_case_changed_in_the_inventory_keeps_its_history(backend, started):
    text = (started.folder / "inventory.csv").read_text().replace("SkiptonCops", "SKIPTONCOPS")
    (started.folder / "inventory.csv").write_text(text)
    document = as_json(backend, started, "--today", started.notice.isoformat())
    skipton = next(a for a in document["accounts"] if a["handle"] == "SKIPTONCOPS")
    assert [s["state"] for s in skipton["steps"][:2]] == ["done", "done"]


def test_events_of_accounts_no_longer_migrated_are_counted(backend, started):
    text = (
        (started.folder / "inventory.csv")
        .read_text()
        .replace(
            "LeyburnBeat,x,PC 2 O Price,Leyburn,active,,",
            "LeyburnBeat,x,PC 2 O Price,Leyburn,closed,,",
        )
    )
    (started.folder / "inventory.csv").write_text(text)
    document = as_json(backend, started)
    assert document["summary"]["unmatched_events"] == 1
    assert document["summary"]["accounts"] == MIGRATED - 1
    table = status(backend, started)
    assert (
        "Ledger events of accounts this plan does not migrate: 1 (nypconsol log lists every "
        "event)." in table.stdout
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["craven"], ["craven"]),
        (["Selby", "CRAVEN"], ["craven", "selby"]),
        (["selby,richmondshire"], ["richmondshire", "selby"]),
    ],
)
def test_district_chooses_by_id_or_name(backend, started, given, expected):
    options = [item for name in given for item in ("--district", name)]
    document = as_json(backend, started, *options)
    assert list(document["summary"]["districts"]) == expected
    assert {a["district"] for a in document["accounts"]} == set(expected)


def test_an_unknown_district_is_a_usage_error_naming_the_choices(backend, started):
    result = status(backend, started, "--district", "cravn", "--district", "Atlantis")
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr.endswith(
        "Error: Invalid value for '--district': no district 'cravn', 'Atlantis': use one of "
        "craven, richmondshire, selby, force\n"
    )


def test_the_csv_has_a_row_per_step_and_is_safe_for_excel(backend, inputs):
    result = record(backend, inputs, "SkiptonCops", "announced", "--by", '=HYPERLINK("x")')
    assert result.exit_code == 0
    out = status(backend, inputs, "--format", "csv", "--today", inputs.notice.isoformat())
    assert out.exit_code == 0
    text = out.stdout_bytes.decode("utf-8")
    assert text.startswith("district,handle,platform,step,state,due,done_at,by\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 7 * MIGRATED
    done = next(r for r in rows if r["state"] == "done")
    assert done["by"] == '\'=HYPERLINK("x")' and done["handle"] == "SkiptonCops"
    assert out.stderr == f"Ledger: {backend.location} (--ledger)\n"


def test_the_markdown_shows_every_account_and_who_did_what(backend, started):
    result = status(backend, started, "--format", "markdown", "--today", started.close.isoformat())
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("## nypconsol status\n\nStatus on ")
    assert f"in the ledger {md_escape(backend.location)}" in text
    assert "| District | Accounts | Done | Steps | Overdue | Due today | Complete |" in text
    assert "### Overdue: " in text and "### Due today: " in text
    accounts = text.split("### Accounts\n", 1)[1]
    row = next(line for line in accounts.splitlines() if line.startswith("| @SkiptonCops (x) |"))
    assert "done " in row and "by pc.smith" in row
    assert row.count("|") == len(STEP_NAMES) + 3
    assert row.startswith("| @SkiptonCops (x) | Craven |")  # the name, as in every table
    attention = text.split("### Overdue: ", 1)[1].split("### Accounts", 1)[0]
    assert "| craven |" not in attention and "| Craven |" in attention


def test_the_plain_table_lists_districts_then_what_needs_attention(backend, started):
    result = status(backend, started, "--today", started.close.isoformat())
    assert result.exit_code == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Status on {started.close.strftime('%a %d %b %Y')} in the ledger ")
    assert "By district" in lines
    assert any(line.startswith("Craven ") and "2/28 (7%)" in line for line in lines)
    assert any(line.startswith("Overdue: ") for line in lines)
    assert any(line.startswith("Due today: ") for line in lines)
    assert any(
        line.startswith("@LeyburnBeat (x)") and "swept, access_granted" in line for line in lines
    )


def test_a_terminal_shows_it_within_80_columns(backend, started):
    with open_ledger(backend.location) as ledger:
        events = ledger.events_by_account()
    report = build_status(started.plan, events, today=started.close, ledger=backend.location)
    out = io.StringIO()
    assert status_table(report, console=make_console(out, no_color=True, width=80)) == ""
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any("█" in line and "Craven" in line for line in lines)
    assert report.count(StepStatus.OVERDUE) > 0


@pytest.mark.parametrize("width", [60, 80, 100])
def test_a_terminal_never_splits_a_handle_or_a_date(clean_env, width):
    """A long handle (a Facebook page may have 50 characters) stays whole at every width, as
    in the plan: the platform and the steps wrap at spaces instead."""
    long = "NorthYorkshirePolice.Settle.Neighbourhood.Team01"
    inputs = write_inputs(
        clean_env,
        "handle,platform,owner,area,status,retain,reason\n"
        f"{long},facebook,Settle SNT,Settle,active,,\nSkiptonCops,x,PC 1,Skipton,active,,\n",
    )
    report = build_status(inputs.plan, {}, today=TODAY)
    out = io.StringIO()
    status_table(report, console=make_console(out, no_color=True, width=width))
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= width, out.getvalue()
    words = {word for line in lines for word in line.split()}
    assert f"@{long}" in words, out.getvalue()
    assert "@SkiptonCops" in words
    dates = {e.notice_date.isoformat() for e in inputs.plan.entries if e.notice_date}
    shown_dates = {w for w in words if w[:1].isdigit() and "-" in w}
    assert shown_dates <= dates  # a date is shown whole, or left out and said so
    if width >= 100:
        assert dates <= words
    else:
        assert "Not shown at this width" in out.getvalue() or dates <= words


def test_a_terminal_caps_long_lists_and_says_how_many_more(clean_env):
    from nypconsol.render import status as render_status

    rows = "\n".join(f"Beat{n:03d},x,PC {n},Skipton,active,," for n in range(60))
    inputs = write_inputs(
        clean_env, "handle,platform,owner,area,status,retain,reason\n" + rows + "\n"
    )
    report = build_status(inputs.plan, {}, today=TODAY)
    out = io.StringIO()
    render_status.status_table(report, console=make_console(out, no_color=True, width=80))
    text = out.getvalue()
    assert f"Overdue: {60 - render_status.TERMINAL_ROWS} more accounts not shown here." in text
    assert "@Beat039 (x)" in text and "@Beat040 (x)" not in text


def test_github_annotations_stay_within_the_runners_limits(clean_env):
    from nypconsol.render.status import status_annotations

    rows = "\n".join(f"Beat{n:03d},x,PC {n},Skipton,active,," for n in range(25))
    inputs = write_inputs(
        clean_env, "handle,platform,owner,area,status,retain,reason\n" + rows + "\n"
    )
    overdue = build_status(inputs.plan, {}, today=inputs.close + dt.timedelta(days=1))
    lines = status_annotations(overdue).splitlines()
    assert len([line for line in lines if line.startswith("::error ")]) == 10
    assert not [line for line in lines if line.startswith("::warning ")]
    assert lines[0].startswith(
        "::error file=inventory.csv,line=2,title=step overdue::@Beat000 (x), craven: overdue: announced (due "
    )
    assert lines[9] == (
        "::error title=steps overdue::and 80 more steps overdue in 16 more accounts: for the "
        "full report run nypconsol status --format csv (or markdown, json)"
    )
    due = build_status(inputs.plan, {}, today=inputs.notice)
    lines = status_annotations(due).splitlines()
    assert len(lines) == 10 and all(line.startswith("::warning ") for line in lines)
    assert lines[-1].startswith(
        "::warning title=steps due today::and 16 more steps due today in 16 more accounts"
    )


def test_github_annotations_with_few_accounts_name_each(backend, started):
    result = status(backend, started, "--format", "github", "--today", started.close.isoformat())
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert len(errors) == MIGRATED and len(warnings) == MIGRATED
    assert any(
        line.startswith(
            "::error file=inventory.csv,line=6,title=step overdue::@LeyburnBeat (x), richmondshire: overdue: swept (due "
        )
        for line in errors
    )


def test_the_job_summary_is_appended(backend, started, clean_env, monkeypatch):
    summary = clean_env / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = status(
        backend, started, "--check", "--format", "github", "--today", started.close.isoformat()
    )
    assert result.exit_code == 3
    text = summary.read_text()
    assert text.startswith("earlier step\n## nypconsol status\n")
    assert "### Overdue: " in text


def test_status_without_a_ledger_is_exit_4_and_says_how_to_start_one(clean_env, backend):
    inputs = write_inputs(clean_env)
    result = status(backend, inputs)
    assert result.exit_code == ExitCode.FAILURE
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: there is no ledger at {backend.location} yet: `nypconsol record` starts one; "
        "or name an existing one with --ledger or NYPCONSOL_LEDGER\n"
    )


def test_status_reads_from_the_environment_and_names_the_ledger(clean_env, backend, monkeypatch):
    inputs = write_inputs(clean_env)
    assert record(backend, inputs, "SkiptonCops", "announced").exit_code == 0
    monkeypatch.setenv("NYPCONSOL_LEDGER", backend.location)
    result = run("status", *inputs.args, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == f"Ledger: {backend.location} (NYPCONSOL_LEDGER)\n"
    assert json.loads(result.stdout)["summary"]["done"] == 1


def test_the_same_ledger_and_day_give_the_same_bytes(backend, started):
    day = ("--today", started.close.isoformat())
    for fmt in ("table", "json", "csv", "markdown", "github"):
        first = status(backend, started, "--format", fmt, *day).stdout
        assert first == status(backend, started, "--format", fmt, *day).stdout
