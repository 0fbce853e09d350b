"""Files people open (issue 10): -o plan.xlsx is a real workbook, an -o name whose extension
says no format is a usage error, and - reads standard input for -i, -c, --check and diff."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from nypconsol.cli import cli
from nypconsol.core.errors import ExitCode
from nypconsol.core.parsing import printable
from nypconsol.render.csvfile import CSV_COLUMNS
from nypconsol.render.xlsxfile import DISTRICT_COLUMNS
from tests.conftest import MINI_CONFIG, SAMPLE_CSV


def run(*args: str, input: bytes | str | None = None):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args), prog_name="nypconsol", input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "config.yaml").write_text(MINI_CONFIG, encoding="utf-8")
    (tmp_path / "inv.csv").write_text(
        "handle,platform,owner,area,followers,last_post,retain,reason\n"
        'PC_Skipton,x,"=HYPERLINK(""https://e.vil"")",Skipton,"1,234",2026-10-01,,\n'
        "Grassington.Police,facebook,+44 1234,Grassington,,01/09/2026,,\n"
        "LeyburnBeat,x,-minus,Leyburn,301,,yes,Keep it\n"
        'SelbyTeam,x,"Team \x1b]52;c;SGk=\x07",Selby,7,,,\n',
        encoding="utf-8",
    )
    return tmp_path


# --- -o plan.xlsx ----------------------------------------------------------------------------


def _workbook(path: Path):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    return load_workbook(path)


def test_xlsx_is_a_real_workbook_with_the_csvs_columns_and_typed_cells(project: Path) -> None:
    result = run("plan", "-c", "config.yaml", "-i", "inv.csv", "-o", "plan.xlsx")
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith("Wrote the plan (4 accounts, xlsx) to plan.xlsx\n")
    workbook = _workbook(project / "plan.xlsx")
    assert workbook.sheetnames == ["Accounts", "Districts"]
    sheet = workbook["Accounts"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == CSV_COLUMNS
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:U{len(rows)}"
    # The same rows as the CSV output, value for value.
    assert run("plan", "-c", "config.yaml", "-i", "inv.csv", "-o", "plan.csv").exit_code == 0
    with (project / "plan.csv").open(encoding="utf-8-sig", newline="") as handle:
        csv_rows = list(csv.reader(handle))
    assert len(csv_rows) == len(rows)
    by_name = [dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]]
    first = next(row for row in by_name if row["handle"] == "PC_Skipton")
    assert first["handle"] == "PC_Skipton"
    assert first["followers"] == 1234 and isinstance(first["followers"], int)
    assert first["notice_date"] == dt.datetime(2027, 1, 11)
    assert first["last_post"] == dt.datetime(2026, 10, 1)
    assert first["wave"] == 1 and first["source_line"] == 2
    for xlsx_row, csv_row in zip(by_name, csv_rows[1:], strict=True):
        for column, text in zip(CSV_COLUMNS, csv_row, strict=True):
            value = xlsx_row[column]
            if isinstance(value, dt.datetime):
                value = value.date().isoformat()
            shown = "" if value is None else str(value)
            # CSV cells keep control characters; XML cannot hold them, so XLSX shows them.
            assert printable(text) in (shown, "'" + shown), (column, text, value)
    # Dates are Excel dates, shown as 2027-01-11; counts are numbers.
    date_cell = sheet.cell(
        row=by_name.index(first) + 2, column=CSV_COLUMNS.index("notice_date") + 1
    )
    assert (date_cell.is_date, date_cell.number_format) == (True, "yyyy-mm-dd")
    assert sheet.cell(row=2, column=CSV_COLUMNS.index("followers") + 1).data_type == "n"
    # Text that looks like a formula stays text; control characters are shown, not stored.
    owner = sheet.cell(row=by_name.index(first) + 2, column=CSV_COLUMNS.index("owner") + 1)
    assert (owner.value, owner.data_type) == ('=HYPERLINK("https://e.vil")', "s")
    owners = {row["handle"]: row["owner"] for row in by_name}
    assert owners["SelbyTeam"] == "Team \\x1b]52;c;SGk=\\x07"


def test_xlsx_columns_are_wide_enough_for_their_values(project: Path) -> None:
    run("plan", "-c", "config.yaml", "-i", "inv.csv", "-o", "plan.xlsx")
    sheet = _workbook(project / "plan.xlsx")["Accounts"]
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(CSV_COLUMNS, start=1):
        width = sheet.column_dimensions[get_column_letter(index)].width
        values = [c for (c,) in sheet.iter_rows(min_col=index, max_col=index, values_only=True)]
        longest = max(len(str(v.date() if isinstance(v, dt.datetime) else v)) for v in values)
        assert longest <= width <= 60, (column, width, longest)


def test_xlsx_district_sheet_is_the_summary(project: Path) -> None:
    run("plan", "-c", "config.yaml", "-i", "inv.csv", "-o", "plan.xlsx")
    sheet = _workbook(project / "plan.xlsx")["Districts"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == DISTRICT_COLUMNS
    assert sheet.freeze_panes == "A2" and all(cell.font.b for cell in sheet[1])
    craven = dict(zip(DISTRICT_COLUMNS, rows[1], strict=True))
    assert craven["district"] == "craven"
    assert craven["accounts"] == 2 and craven["followers_to_redirect"] == 1234
    assert craven["notice_date"] == dt.datetime(2027, 1, 11)
    assert [row[0] for row in rows[1:]] == ["craven", "richmondshire", "selby", "force"]


def test_xlsx_bytes_depend_on_the_plan_not_the_clock(project: Path, monkeypatch) -> None:
    assert run("plan", "-c", "config.yaml", "-i", "inv.csv", "-o", "one.xlsx").exit_code == 0
    later = time.time() + 86400 * 400
    monkeypatch.setattr(time, "time", lambda: later)
    assert run("plan", "-c", "config.yaml", "-i", "inv.csv", "-o", "two.xlsx").exit_code == 0
    assert (project / "one.xlsx").read_bytes() == (project / "two.xlsx").read_bytes()


def test_xlsx_needs_a_file(project: Path) -> None:
    for extra in ([], ["-o", "-"]):
        result = run("plan", "-c", "config.yaml", "-i", "inv.csv", "--format", "xlsx", *extra)
        assert result.exit_code == ExitCode.USAGE
        assert result.stdout == ""
        assert "--format xlsx writes a workbook: name the file with -o plan.xlsx" in result.stderr


def test_xlsx_of_the_plan_beside_a_check(project: Path) -> None:
    run("plan", "-c", "config.yaml", "-i", "inv.csv", "-o", "plan.json")
    result = run(
        "plan", "-c", "config.yaml", "-i", "inv.csv", "--check", "plan.json", "-o", "new.xlsx"
    )
    assert result.exit_code == 0
    assert _workbook(project / "new.xlsx").sheetnames == ["Accounts", "Districts"]


# --- -o with an extension that names no format -----------------------------------------------


@pytest.mark.parametrize("name", ["plan.html", "plan", "plan.xls", "plan.jsonl"])
def test_an_unknown_output_extension_is_a_usage_error(project: Path, name: str) -> None:
    result = run("plan", "-c", "config.yaml", "-i", "inv.csv", "-o", name)
    assert result.exit_code == ExitCode.USAGE == 2
    assert result.stdout == ""
    assert f"cannot tell the plan's format from the name -o {name}" in result.stderr
    assert ".json, .yaml, .yml, .md, .markdown, .csv, .xlsx, .txt" in result.stderr
    assert not (project / name).exists()


def test_an_unknown_extension_with_a_check_is_a_usage_error_before_any_work(project) -> None:
    run("plan", "-c", "config.yaml", "-i", "inv.csv", "-o", "plan.json")
    result = run(
        "plan", "-c", "config.yaml", "-i", "inv.csv", "--check", "plan.json", "-o", "new.html"
    )
    assert result.exit_code == 2
    # Without an extension the rebuilt plan is JSON, as documented.
    result = run(
        "plan", "-c", "config.yaml", "-i", "inv.csv", "--check", "plan.json", "-o", "rebuilt"
    )
    assert result.exit_code == 0
    assert json.loads((project / "rebuilt").read_text(encoding="utf-8"))["kind"] == "plan"


def test_an_explicit_format_names_any_file(project: Path) -> None:
    result = run("plan", "-c", "config.yaml", "-i", "inv.csv", "--format", "json", "-o", "p.out")
    assert result.exit_code == 0
    assert json.loads((project / "p.out").read_text(encoding="utf-8"))["kind"] == "plan"


# --- standard input --------------------------------------------------------------------------


def _plan_of(*args: str, input=None) -> dict:  # type: ignore[no-untyped-def]
    result = run("plan", "--format", "json", "--start", "2027-01-11", *args, input=input)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    document.pop("inputs")
    for account in document["accounts"]:
        account["source"].pop("file")
    for warning in document["warnings"]:
        warning.pop("file")
    return document


def test_inventory_csv_from_standard_input(project: Path) -> None:
    data = (project / "inv.csv").read_bytes()
    from_file = _plan_of("-c", "config.yaml", "-i", "inv.csv")
    assert _plan_of("-c", "config.yaml", "-i", "-", input=data) == from_file
    assert _plan_of("-c", "config.yaml", "-i", "-", "--input-format", "csv", input=data) == (
        from_file
    )
    result = run("plan", "-c", "config.yaml", "-i", "-", "--format", "json", input=data)
    assert json.loads(result.stdout)["inputs"]["inventory"]["path"] == "<stdin>"


@pytest.mark.parametrize("fmt", ["json", "yaml", "xlsx"])
def test_other_inventory_formats_from_standard_input_are_recognised(project, fmt) -> None:
    rows = [{"handle": "PC_Skipton", "platform": "x", "area": "Skipton", "followers": "12"}]
    if fmt == "json":
        data = json.dumps(rows).encode()
    elif fmt == "yaml":
        data = b"# the accounts\n- handle: PC_Skipton\n  platform: x\n  area: Skipton\n  followers: 12\n"
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        workbook.active.append(["handle", "platform", "area", "followers"])
        workbook.active.append(["PC_Skipton", "x", "Skipton", 12])
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    document = _plan_of("-c", "config.yaml", "-i", "-", input=data)
    assert [(a["handle"], a["followers"]) for a in document["accounts"]] == [("PC_Skipton", 12)]


def test_standard_input_that_says_nothing_of_its_format(project: Path) -> None:
    result = run("validate", "-c", "config.yaml", "-i", "-", input=b"just some words\n")
    assert result.exit_code == 1
    assert "<stdin>: error [unreadable-file] cannot tell the inventory's format from standard " in (
        result.stdout
    )
    assert "--input-format csv, xlsx, yaml or json" in result.stdout


def test_config_from_standard_input(project: Path) -> None:
    from_file = _plan_of("-c", "config.yaml", "-i", "inv.csv")
    piped = _plan_of("-c", "-", "-i", "inv.csv", input=MINI_CONFIG.encode())
    assert piped == from_file


def test_only_one_thing_can_come_from_standard_input(project: Path) -> None:
    result = run("plan", "-c", "-", "-i", "-", input=b"")
    assert result.exit_code == 2
    assert "can be read once" in result.stderr
    result = run("plan", "-c", "config.yaml", "-i", "-", "--check", "-", input=b"")
    assert result.exit_code == 2
    assert run("diff", "-", "-", input=b"").exit_code == 2


def test_check_and_diff_read_a_plan_from_standard_input(project: Path) -> None:
    run("plan", "-c", "config.yaml", "-i", "inv.csv", "-o", "plan.json")
    committed = (project / "plan.json").read_bytes()
    same = run("plan", "-c", "config.yaml", "-i", "inv.csv", "--check", "-", input=committed)
    assert same.exit_code == 0, same.output
    assert same.stdout == "No drift: <stdin> and the rebuilt plan are the same plan.\n"
    assert run("diff", "-", "plan.json", input=committed).exit_code == 0
    assert run("diff", "plan.json", "-", input=committed).exit_code == 0
    changed = committed.replace(b'"2027-01-25"', b'"2027-01-26"')
    drift = run("diff", "-", "plan.json", input=changed)
    assert drift.exit_code == ExitCode.DRIFT
    assert drift.stdout.startswith("Drift from <stdin> to plan.json: ")
    broken = run("diff", "-", "plan.json", input=b"{")
    assert broken.exit_code == 1
    assert broken.stderr.startswith("Error: <stdin>:1:2: ")


def test_input_format_overrides_the_extension(project: Path) -> None:
    (project / "accounts.export").write_bytes((project / "inv.csv").read_bytes())
    assert run("validate", "-c", "config.yaml", "-i", "accounts.export").exit_code == 1
    done = run("validate", "-c", "config.yaml", "-i", "accounts.export", "--input-format", "csv")
    assert done.exit_code == 0, done.output


def test_input_format_needs_an_inventory() -> None:
    result = run("validate", "--input-format", "csv")
    assert result.exit_code == 2
    assert "--input-format applies to an inventory given with -i" in result.stderr


def test_the_shipped_example_reads_the_same_from_standard_input() -> None:
    data = SAMPLE_CSV.read_bytes()
    assert _plan_of("-i", "-", input=data) == _plan_of("-i", str(SAMPLE_CSV))


def test_standard_input_at_a_terminal_is_a_usage_error(tmp_path: Path) -> None:
    """With a terminal as standard input, - would wait for typing: say what to do instead."""
    import os
    import pty
    import subprocess
    import sys

    (tmp_path / "plan.json").write_text("{}", encoding="utf-8")
    for args in (["validate", "-i", "-"], ["plan", "-c", "-"], ["diff", "-", "plan.json"]):
        leader, follower = pty.openpty()
        try:
            done = subprocess.run(
                [sys.executable, "-m", "nypconsol", *args], cwd=tmp_path, stdin=follower,
                capture_output=True, text=True, timeout=60,
            )  # fmt: skip
        finally:
            os.close(follower)
            os.close(leader)
        assert done.returncode == ExitCode.USAGE, (args, done.stderr)
        assert "- reads standard input, which is a terminal here" in done.stderr
