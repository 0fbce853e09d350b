"""Reading spreadsheets honestly (issue 10): formulas without saved values, hidden rows and
sheets, date-time and serial-number dates, a notes sheet or a title row before the header, a
workbook renamed .csv, and JSON inventories written on one line."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from nypconsol.core.findings import Severity

HEADER = ["handle", "platform", "area", "followers", "last_post"]


def _workbook(*sheets: tuple[str, list[list]], hidden: tuple[str, ...] = (), hide_rows=()):  # type: ignore[no-untyped-def]
    """An XLSX made by openpyxl: sheets of rows; some sheets or rows (first sheet) hidden."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    for row in hide_rows:
        workbook.worksheets[0].row_dimensions[row].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_saved_values(data: bytes, values: dict[str, str]) -> bytes:
    """The workbook with a saved (cached) value written for formula cells, as Excel saves
    them: openpyxl itself writes formulas with no value."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                for cell, value in values.items():
                    part, done = re.subn(
                        rf'(<c r="{cell}"[^>]*><f>[^<]*</f>)<v\s*/>'.encode(),
                        rb"\1<v>" + value.encode() + b"</v>",
                        part,
                    )
                    assert done == 1, cell
            target.writestr(info, part)
    return out.getvalue()


def _codes(result) -> list[tuple[str, Severity, int | None]]:  # type: ignore[no-untyped-def]
    return [(f.code, f.severity, f.line) for f in result.findings]


# --- formulas ----------------------------------------------------------------------------------


def test_a_formula_with_no_saved_value_is_a_finding_naming_the_cell(write, checked) -> None:
    data = _workbook(
        (
            "Accounts",
            [
                HEADER,
                ["PC_One", "x", "Skipton", "=2*600", None],
                ['=UPPER("pc_two")', "x", "Skipton", 5, None],
                ["PC_Three", "x", '=IF(TRUE,"Settle")', 7, None],
                ["PC_Four", "x", "Settle", 9, None],
            ],
        )
    )
    write("inv.xlsx", data)
    result = checked("inv.xlsx")
    found = [(f.code, f.line) for f in result.findings]
    assert found == [
        ("formula-without-value", 2),
        ("formula-without-value", 3),
        ("formula-without-value", 4),
    ]
    messages = [f.message for f in result.findings]
    assert messages[0].startswith("cell D2 holds the formula =2*600 but no saved value")
    assert "cell A3" in messages[1] and "cell C4" in messages[2]
    assert "save it in Excel or LibreOffice" in messages[0]
    # The rows with such a cell are not read: no "no handle" or "no area" on top.
    assert [e.account.handle for e in result.entries] == ["PC_Four"]


def test_a_formula_with_a_saved_value_reads_the_value(write, checked) -> None:
    data = _workbook(("Accounts", [HEADER, ["PC_One", "x", "Skipton", "=2*600", None]]))
    write("inv.xlsx", _with_saved_values(data, {"D2": "1200"}))
    result = checked("inv.xlsx")
    assert result.findings == []
    assert result.entries[0].account.followers == 1200


# --- hidden rows and sheets --------------------------------------------------------------------


def test_hidden_rows_are_read_with_a_warning_naming_them(write, checked) -> None:
    rows = [HEADER] + [[f"PC_{n}", "x", "Skipton", n, None] for n in range(2, 9)]
    write("inv.xlsx", _workbook(("Accounts", rows), hide_rows=(3, 5, 6, 7)))
    result = checked("inv.xlsx")
    assert len(result.entries) == 7
    assert _codes(result) == [("hidden-rows", Severity.WARNING, 3)]
    assert result.findings[0].message.startswith(
        "rows 3, 5-7 are hidden in the spreadsheet but were read"
    )


def test_a_hidden_sheet_that_is_read_gets_a_warning_naming_it(write, checked) -> None:
    rows = [HEADER, ["PC_One", "x", "Skipton", 1, None]]
    data = _workbook(("Old", rows), ("Accounts", rows), hidden=("Old",))
    write("inv.xlsx", data)
    result = checked("inv.xlsx")
    assert _codes(result) == [("hidden-sheet", Severity.WARNING, None)]
    message = result.findings[0].message
    assert message.startswith("the sheet 'Old' is hidden in the workbook but was read")
    assert "--sheet Accounts" in message
    assert checked("inv.xlsx", sheet="Accounts").findings == []


# --- dates -------------------------------------------------------------------------------------


def test_a_date_time_cell_is_a_date(write, checked) -> None:
    row = ["PC_One", "x", "Skipton", 1, dt.datetime(2026, 10, 1, 14, 30)]
    write("inv.xlsx", _workbook(("Accounts", [HEADER, row])))
    result = checked("inv.xlsx", today=dt.date(2026, 11, 30))
    assert result.findings == []
    assert result.entries[0].account.last_post == dt.date(2026, 10, 1)


def test_a_general_format_date_serial_is_understood(write, checked) -> None:
    from openpyxl.utils.datetime import to_excel

    serial = int(to_excel(dt.datetime(2026, 10, 1)))
    assert serial == 46296
    rows = [HEADER, ["PC_One", "x", "Skipton", 1, serial], ["PC_Two", "x", "Skipton", 2, 12]]
    write("inv.xlsx", _workbook(("Accounts", rows)))
    result = checked("inv.xlsx", today=dt.date(2026, 11, 30))
    accounts = {e.account.handle: e.account for e in result.entries}
    assert accounts["PC_One"].last_post == dt.date(2026, 10, 1)
    assert _codes(result) == [("bad-date", Severity.ERROR, 3)]
    assert "12" in result.findings[0].message


# --- where the header is -----------------------------------------------------------------------


def test_a_notes_sheet_first_gets_a_hint_naming_the_sheet(write, checked) -> None:
    notes = [["How to fill in this workbook"], ["One row per account."]]
    accounts = [HEADER, ["PC_One", "x", "Skipton", 1, None]]
    write("inv.xlsx", _workbook(("Read me", notes), ("Accounts", accounts)))
    result = checked("inv.xlsx")
    assert _codes(result) == [("missing-column", Severity.ERROR, 1)]
    assert "the sheet 'Accounts' has them: pass --sheet Accounts" in result.findings[0].message
    assert checked("inv.xlsx", sheet="Accounts").findings == []


def test_a_sheet_name_with_spaces_is_quoted_in_the_hint(write, checked) -> None:
    accounts = [HEADER, ["PC_One", "x", "Skipton", 1, None]]
    write("inv.xlsx", _workbook(("Notes", [["notes"]]), ("All accounts", accounts)))
    message = checked("inv.xlsx").findings[0].message
    assert "pass --sheet 'All accounts'" in message


def test_a_title_row_above_the_header_gets_a_hint_naming_the_header_row(write, checked) -> None:
    rows = [["North Yorkshire Police accounts"], [], HEADER, ["PC_One", "x", "Skipton", 1, None]]
    write("inv.xlsx", _workbook(("Accounts", rows)))
    result = checked("inv.xlsx")
    assert _codes(result) == [("missing-column", Severity.ERROR, 1)]
    assert "row 3 looks like the header: delete the rows above it" in result.findings[0].message


def test_a_title_row_above_a_csv_header_gets_the_same_hint(write, checked) -> None:
    write("inv.csv", "Accounts to close,,\nhandle,platform,area\nPC_One,x,Skipton\n")
    result = checked("inv.csv")
    assert _codes(result) == [("missing-column", Severity.ERROR, 1)]
    assert "row 2 looks like the header" in result.findings[0].message


# --- a workbook under another name -------------------------------------------------------------


def test_an_xlsx_renamed_csv_is_recognised_and_reported(write, checked) -> None:
    write("inv.csv", _workbook(("Accounts", [HEADER, ["PC_One", "x", "Skipton", 1, None]])))
    result = checked("inv.csv")
    assert _codes(result) == [("malformed-file", Severity.ERROR, None)]
    message = result.findings[0].message
    assert message.startswith("this is an Excel workbook (XLSX), not CSV text")
    assert "rename it to .xlsx" in message
    assert "encoding" not in message
    assert not checked("inv.csv", input_format="xlsx").findings


def test_an_old_xls_is_reported_as_one(write, checked) -> None:
    write("inv.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    [finding] = checked("inv.csv").findings
    assert finding.message.startswith("this is an Excel 97-2003 workbook (.xls)")


# --- JSON on one line --------------------------------------------------------------------------


def test_findings_in_one_line_json_name_the_record_and_handle_in_file_order(write, checked):
    records = [
        {"handle": "PC_Ok", "platform": "x", "area": "Skipton"},
        {"handle": "PC_Bad", "platform": "x", "area": "Skipton", "followers": "lots"},
        {"handle": "PC_Zed", "platform": "x", "area": "Nowhere"},
        {"handle": "PC_Aaa", "platform": "x", "area": "Skipton", "last_post": "soon"},
        {"handle": "pc_ok", "platform": "x", "area": "Skipton"},
    ]
    write("inv.json", json.dumps(records))
    result = checked("inv.json")
    assert [(f.code, f.line, f.record) for f in result.findings] == [
        ("bad-number", 1, 2),
        ("unknown-area", 1, 3),
        ("bad-date", 1, 4),
        ("duplicate-handle", 1, 5),
    ]
    assert [f.location() for f in result.findings] == [
        "inv.json:1 (record 2, @PC_Bad)",
        "inv.json:1 (record 3, @PC_Zed)",
        "inv.json:1 (record 4, @PC_Aaa)",
        "inv.json:1 (record 5, @pc_ok)",
    ]
    assert "already listed at inv.json:1 (record 1, @PC_Ok)" in result.findings[3].message


def test_json_with_a_record_per_line_is_reported_as_before(write, checked) -> None:
    records = [
        {"handle": "PC_Ok", "platform": "x", "area": "Skipton"},
        {"handle": "PC_Bad", "platform": "x", "area": "Skipton", "followers": "lots"},
    ]
    write("inv.json", "[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n")
    [finding] = checked("inv.json").findings
    assert (finding.line, finding.record, finding.location()) == (3, None, "inv.json:3")


def test_one_line_json_findings_in_every_output(write) -> None:
    from click.testing import CliRunner

    from nypconsol.cli import cli

    write("inv.json", json.dumps([{"handle": "A1", "platform": "x"}, {"handle": "B2"}]))
    text = CliRunner().invoke(cli, ["validate", "-i", "inv.json"]).stdout
    assert "inv.json:1 (record 2, @B2): error [missing-value]" in text
    document = json.loads(
        CliRunner().invoke(cli, ["validate", "-i", "inv.json", "--format", "json"]).stdout
    )
    finding = document["findings"][-1]
    assert (finding["line"], finding["record"], finding["handle"]) == (1, 2, "B2")
    github = CliRunner().invoke(cli, ["validate", "-i", "inv.json", "--format", "github"]).stdout
    assert "file=inv.json,line=1,title=missing-value::record 2 (@B2): " in github


# --- paths -------------------------------------------------------------------------------------


def test_a_symlink_loop_says_so(tmp_path: Path, checked) -> None:
    (tmp_path / "loop.csv").symlink_to(tmp_path / "loop.csv")
    [finding] = checked("loop.csv").findings
    assert finding.code == "unreadable-file"
    assert "symbolic link that leads back to itself" in finding.message
    assert "permission" not in finding.message


@pytest.mark.parametrize("command", [["plan", "--check"], ["diff", "plan.json"]])
def test_a_symlink_loop_as_a_plan_file_says_so(tmp_path: Path, command) -> None:
    from click.testing import CliRunner

    from nypconsol.cli import cli

    (tmp_path / "loop.json").symlink_to(tmp_path / "loop.json")
    CliRunner().invoke(cli, ["plan", "-o", "plan.json"])
    result = CliRunner().invoke(cli, [*command, "loop.json"])
    assert result.exit_code == 1
    assert "symbolic link that leads back to itself" in result.stderr


def test_a_formula_with_no_saved_value_in_a_column_not_read_does_not_matter(write, checked):
    header = [*HEADER, "Score"]
    data = _workbook(("Accounts", [header, ["PC_One", "x", "Skipton", 5, None, "=LEN(A2)"]]))
    write("inv.xlsx", data)
    result = checked("inv.xlsx")
    assert result.findings == []
    assert [e.account.handle for e in result.entries] == ["PC_One"]
