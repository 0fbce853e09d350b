"""Read an XLSX inventory honestly: what the workbook holds, and what a person would not see.

A formula with no saved value (a workbook saved by a program that does not calculate) is a
finding naming its cell, and its row is not read; hidden rows and a hidden sheet are read, with
a warning naming them; a date-time is a date, and a date typed into a General cell (a serial
number such as 46296) is read as the date it is; when the header is not where it should be, the
finding says which sheet or row holds it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from posixpath import join, normpath
from xml.etree.ElementTree import ParseError, iterparse

from nypconsol.core.findings import Finding
from nypconsol.core.inventory import COLUMNS, REQUIRED_COLUMNS, column_key
from nypconsol.core.models import RawRecord
from nypconsol.core.work_progress import ProgressReport, reported
from nypconsol.loaders.sources import InputFile
from nypconsol.loaders.tables import choose_sheet, open_workbook, xlsx_text

# Serial numbers of 1 January 1990 and 31 December 2100 in Excel's (1900) calendar: a number in
# a date column between these is a date typed into a cell formatted General.
FIRST_SERIAL, LAST_SERIAL = 32874, 73415
DATE_COLUMNS = ("last_post",)
LOOK_AHEAD = 20  # rows searched for a header below a title, or on another sheet
SHOWN_RANGES = 10  # hidden row ranges named in a warning; the rest are counted

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_HIDDEN = re.compile(rb"""\shidden=["'](?:1|true)["']""")
_COORDINATE = re.compile(r"([A-Z]+)([0-9]+)")

Rows = Iterable[tuple[int, list[str]]]
RecordsFromRows = Callable[[Rows, str], tuple[list[RawRecord], list[Finding]]]


@dataclass(frozen=True, slots=True)
class SheetScan:
    """What the sheet's XML says that openpyxl's values do not."""

    hidden_rows: frozenset[int] = frozenset()
    # row -> (column letter, formula) of each formula cell with no saved value
    unsaved: dict[int, list[tuple[str, str]]] = field(default_factory=dict)


def read_xlsx(
    source: InputFile,
    sheet: str | None,
    records_from_rows: RecordsFromRows,
    progress: ProgressReport | None = None,
) -> tuple[list[RawRecord], list[Finding]]:
    file = source.display
    workbook = open_workbook(source.data, file, read_only=True, data_only=True)
    try:
        worksheet = choose_sheet(workbook, sheet, file)
        findings: list[Finding] = []
        if worksheet.sheet_state != "visible":
            findings.append(_hidden_sheet(workbook, worksheet.title, file))
        scan = scan_sheet(source.data, worksheet.title)
        hidden_read: list[int] = []
        rows = _rows(worksheet, workbook.epoch, scan, findings, hidden_read, file)
        total = worksheet.max_row if progress is not None else None
        records, more = records_from_rows(reported(rows, progress, f"Reading {file}", total), file)
        if hidden_read:
            findings.append(_hidden_rows(hidden_read, file))
        if sheet is None and any(f.code == "missing-column" for f in more):
            more = [_with_sheet_hint(f, workbook, worksheet.title) for f in more]
        return records, findings + more
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A cell as text (loaders/tables.xlsx_text), but a date-time cell as its date: the date is
    what a plan uses."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return xlsx_text(value)


def _rows(worksheet, epoch, scan: SheetScan, findings, hidden_read, file) -> Rows:  # type: ignore[no-untyped-def]
    """The sheet's rows as text cells with their row numbers: rows holding a formula with no
    saved value in a column that is read left out (with a finding for each such cell; one in
    a column nypconsol ignores does not matter), date serials in date columns read as dates,
    and the hidden rows that hold data noted."""
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import from_excel

    date_indexes: list[int] | None = None  # known once the header has been read
    read_columns: set[str] | None = None  # the letters of the columns that are read
    for line, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        unsaved = scan.unsaved.get(line)
        if unsaved and read_columns is not None:
            unsaved = [(col, formula) for col, formula in unsaved if col in read_columns]
        if unsaved:
            findings.extend(_unsaved_formula(col, formula, file, line) for col, formula in unsaved)
            continue
        if date_indexes is None:
            cells = [_cell_text(v) for v in values]
            if "".join(cells).strip():
                keys = [column_key(c) for c in cells]
                date_indexes = [i for i, key in enumerate(keys) if key in DATE_COLUMNS]
                read_columns = {
                    get_column_letter(i + 1) for i, k in enumerate(keys) if k in COLUMNS
                }
            yield line, cells
            continue
        cells = [_cell_text(v) for v in values]
        for index in date_indexes:
            value = values[index] if index < len(values) else None
            is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if is_number and FIRST_SERIAL <= value <= LAST_SERIAL:
                cells[index] = from_excel(value, epoch).date().isoformat()
        if line in scan.hidden_rows and "".join(cells).strip():
            hidden_read.append(line)
        yield line, cells


def scan_sheet(data: bytes, title: str) -> SheetScan:
    """Hidden rows and formula cells with no saved value, from the sheet's own XML. The XML is
    walked only when it holds a hidden row or a formula at all (a quick search first)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = _sheet_part(archive, title)
            xml = archive.read(part) if part else b""
    except (zipfile.BadZipFile, KeyError, OSError, ParseError, ValueError):
        return SheetScan()
    has_formulas, has_hidden = bool(_FORMULA.search(xml)), bool(_HIDDEN.search(xml))
    if not (has_formulas or has_hidden):
        return SheetScan()
    hidden: set[int] = set()
    unsaved: dict[int, list[tuple[str, str]]] = {}
    row_number = 0
    try:
        for _, element in iterparse(io.BytesIO(xml), events=("end",)):
            tag = element.tag.rpartition("}")[2]
            if tag == "c" and has_formulas:
                formula = element.find(f"{{{_MAIN}}}f")
                if formula is not None:
                    saved = element.find(f"{{{_MAIN}}}v")
                    empty = saved is None or (not saved.text and element.get("t") != "str")
                    match = _COORDINATE.fullmatch(element.get("r") or "")
                    if empty and match:
                        text = "=" + (formula.text or "")
                        unsaved.setdefault(int(match.group(2)), []).append((match.group(1), text))
            elif tag == "row":
                row_number = int(element.get("r") or row_number + 1)
                if element.get("hidden") in ("1", "true"):
                    hidden.add(row_number)
                element.clear()
    except (ParseError, ValueError):
        return SheetScan()
    return SheetScan(hidden_rows=frozenset(hidden), unsaved=unsaved)


def _sheet_part(archive: zipfile.ZipFile, title: str) -> str | None:
    """The path inside the workbook of the sheet called ``title``."""
    from xml.etree.ElementTree import fromstring

    book = fromstring(archive.read("xl/workbook.xml"))
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{_RELS}}}Relationship")}
    for sheet in book.iter(f"{{{_MAIN}}}sheet"):
        if sheet.get("name") == title:
            target = targets.get(sheet.get(f"{{{_DOC_RELS}}}id"))
            if not target:
                return None
            return target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
    return None


def _unsaved_formula(column: str, formula: str, file: str, line: int) -> Finding:
    shown = formula if len(formula) <= 60 else formula[:59] + "…"
    return Finding(
        "formula-without-value",
        f"cell {column}{line} holds the formula {shown} but no saved value (the workbook was "
        "saved by a program that does not calculate): save it in Excel or LibreOffice, or "
        "paste the values; the row was not read",
        file,
        line,
    )


def _hidden_sheet(workbook, title: str, file: str) -> Finding:  # type: ignore[no-untyped-def]
    visible = [s.title for s in workbook.worksheets if s.sheet_state == "visible"]
    others = ", ".join(f"--sheet {sheet_option(name)}" for name in visible) or "none visible"
    return Finding(
        "hidden-sheet",
        f"the sheet {title!r} is hidden in the workbook but was read: check it is the right "
        f"one, or read another ({others})",
        file,
        None,
    )


def _hidden_rows(lines: list[int], file: str) -> Finding:
    ranges: list[str] = []
    start = previous = lines[0]
    for line in [*lines[1:], None]:
        if line is not None and line == previous + 1:
            previous = line
            continue
        ranges.append(str(start) if start == previous else f"{start}-{previous}")
        if line is not None:
            start = previous = line
    shown = ", ".join(ranges[:SHOWN_RANGES])
    if len(ranges) > SHOWN_RANGES:
        rest = len(lines) - sum(_range_size(r) for r in ranges[:SHOWN_RANGES])
        shown += f" and {rest:,} more"
    if len(lines) == 1:
        message = (
            f"row {shown} is hidden in the spreadsheet but was read: unhide it to check it "
            "belongs in the plan"
        )
    else:
        message = (
            f"rows {shown} are hidden in the spreadsheet but were read: unhide them to check "
            "they belong in the plan"
        )
    return Finding("hidden-rows", message, file, lines[0])


def _range_size(text: str) -> int:
    first, _, last = text.partition("-")
    return int(last or first) - int(first) + 1


def sheet_option(name: str) -> str:
    """A sheet name as typed after --sheet (quoted when it has spaces or quotes)."""
    if re.fullmatch(r"[\w.-]+", name):
        return name
    return "'" + name.replace("'", "'\\''") + "'"


def header_like(cells: list[str]) -> bool:
    keys = {column_key(cell) for cell in cells if cell}
    return all(column in keys for column in REQUIRED_COLUMNS)


def _with_sheet_hint(finding: Finding, workbook, read: str) -> Finding:  # type: ignore[no-untyped-def]
    """A missing-column finding, naming the sheet that has the header (a notes sheet first)."""
    if finding.code != "missing-column":
        return finding
    for worksheet in workbook.worksheets:
        if worksheet.title == read:
            continue
        for values in worksheet.iter_rows(max_row=LOOK_AHEAD, values_only=True):
            if header_like([_cell_text(v) for v in values]):
                hint = (
                    f"; the sheet {worksheet.title!r} has them: pass --sheet "
                    f"{sheet_option(worksheet.title)}"
                )
                return replace(finding, message=finding.message + hint)
    return finding
