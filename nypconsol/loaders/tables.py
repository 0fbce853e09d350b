"""Read inventories into raw records (column -> text, with the file and line a person sees):
CSV as Excel writes it, XLSX, and YAML or JSON documents."""

from __future__ import annotations

import csv
import io
from pathlib import PurePath

from nypconsol.core.findings import Finding
from nypconsol.core.inventory import COLUMNS, REQUIRED_COLUMNS, column_key
from nypconsol.core.models import RawRecord, Source
from nypconsol.core.parsing import quoted
from nypconsol.loaders.located import LoadFailed, LocatedDict, LocatedList
from nypconsol.loaders.sources import InputFile, decode_text
from nypconsol.loaders.yamlfile import load_yaml

FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
}
# Fields of a few hundred KB are nonsense but must be reported, not crash csv's 128 KB limit.
csv.field_size_limit(64 * 1024 * 1024)


def read_records(
    source: InputFile, *, sheet: str | None = None, encoding: str | None = None
) -> tuple[list[RawRecord], list[Finding]]:
    """Read an inventory file into raw records. Raises LoadFailed when nothing can be read."""
    kind = FORMATS.get(PurePath(source.display).suffix.casefold())
    if kind is None:
        raise LoadFailed(
            [
                Finding(
                    "unreadable-file",
                    "cannot tell the inventory's format from its name: use a .csv, .xlsx, .yaml "
                    "or .json file",
                    source.display,
                    None,
                )
            ]
        )
    if kind == "xlsx":
        return _read_xlsx(source, sheet)
    text = decode_text(source.data, source.display, encoding)
    if kind == "csv":
        return _read_csv(text, source.display)
    if kind == "yaml":
        loader = load_yaml
    else:
        from nypconsol.loaders.jsonfile import load_json as loader
    document, findings = loader(text, source.display)
    records, more = records_from_document(document, source.display)
    return records, findings + more


def records_from_document(document: object, file: str) -> tuple[list[RawRecord], list[Finding]]:
    """Records from a YAML/JSON document: a list of mappings, or a mapping with ``accounts:``."""
    if isinstance(document, LocatedDict) and "accounts" in document:
        document = document["accounts"]
    if document is None:
        return [], []
    if not isinstance(document, list):
        raise LoadFailed(
            [
                Finding(
                    "bad-record",
                    "expected a list of accounts (or a mapping with an 'accounts:' list)",
                    file,
                    getattr(document, "line", 1),
                )
            ]
        )
    item_lines = document.item_lines if isinstance(document, LocatedList) else []
    records: list[RawRecord] = []
    findings: list[Finding] = []
    for index, item in enumerate(document):
        line = getattr(item, "line", None) or (item_lines[index] if item_lines else None)
        if not isinstance(item, dict):
            findings.append(
                Finding(
                    "bad-record",
                    f"account {index + 1} is {quoted(str(item))}, not a mapping such as "
                    "{handle: ..., platform: ...}",
                    file,
                    line,
                )
            )
            continue
        values: dict[str, str | None] = {}
        for key, value in item.items():
            column = column_key(str(key))
            if isinstance(value, (dict, list)):
                findings.append(
                    Finding(
                        "bad-record",
                        f"{key!r} must be a single value, not a list or mapping",
                        file,
                        line,
                    )
                )
                continue
            values[column] = None if value is None else str(value)
        records.append(RawRecord(values=values, source=Source(file=file, line=line)))
    return records, findings


def header_columns(
    header: list[str], file: str, line: int
) -> tuple[list[str | None], list[Finding]]:
    """Map header cells to known columns (None for ignored ones) and check the required ones
    (and that no column is there twice)."""
    findings: list[Finding] = []
    columns: list[str | None] = []
    seen: set[str] = set()
    for cell in header:
        key = column_key(cell or "")
        if not key:  # a blank header cell: Excel leaves them after the last column
            columns.append(None)
            continue
        if key in seen:
            findings.append(
                Finding(
                    "duplicate-column", f"the column {cell!r} appears twice: keep one", file, line
                )
            )
            columns.append(None)
            continue
        seen.add(key)
        columns.append(key if key in COLUMNS else None)
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        hint = ""
        if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
            hint = " (the file seems to use another separator than commas: save it as CSV UTF-8)"
        findings.append(
            Finding(
                "missing-column",
                f"the header has no {' or '.join(repr(m) for m in missing)} column{hint}; columns "
                f"found: {', '.join(repr(h) for h in header if h) or 'none'}",
                file,
                line,
            )
        )
    return columns, findings


def _records_from_rows(rows, file: str) -> tuple[list[RawRecord], list[Finding]]:  # type: ignore[no-untyped-def]
    """Rows of text cells with their line numbers (header first) -> records and findings."""
    records: list[RawRecord] = []
    findings: list[Finding] = []
    columns: list[str | None] | None = None
    width = 0
    ignored = False
    append = records.append
    for line, cells in rows:
        if not "".join(cells).strip():
            continue  # blank rows, as Excel leaves at the end
        if columns is None:
            columns, header_findings = header_columns(cells, file, line)
            findings.extend(header_findings)
            if any(f.code == "missing-column" for f in header_findings):
                return [], findings
            width = len(columns)
            ignored = None in columns
            continue
        if len(cells) > width and "".join(cells[width:]).strip():
            findings.append(
                Finding(
                    "extra-cells",
                    f"the row has {len(cells)} cells but the header has {width}: a value with a "
                    "comma (such as 2,310) needs quotes; fix the row so nothing is lost",
                    file,
                    line,
                )
            )
            continue
        values = dict(zip(columns, cells, strict=False))  # short rows just lack keys
        if ignored:
            values.pop(None, None)  # the cells of columns nobody reads
        append(RawRecord(values=values, source=Source(file=file, line=line)))
    if columns is None:
        findings.append(
            Finding("empty-file", "the file has no header row and no accounts", file, 1)
        )
    return records, findings


def csv_delimiter(text: str) -> str:
    """Commas, unless the first line has none and has semicolons (Excel in much of Europe) or
    tabs."""
    first_line = text.split("\n", 1)[0]
    if "," in first_line:
        return ","
    return ";" if ";" in first_line else "\t" if "\t" in first_line else ","


def _read_csv(text: str, file: str) -> tuple[list[RawRecord], list[Finding]]:
    delimiter = csv_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    failures: list[Finding] = []

    def rows():  # type: ignore[no-untyped-def]
        # The line reported is the row a spreadsheet shows (header = 1): a cell with line
        # breaks spans several lines of text but one row, so count records, not lines.
        start = 1
        text_line = 1  # where the record begins in the text, for quoting problems
        try:
            for cells in reader:
                yield start, cells
                start += 1
                text_line = reader.line_num + 1
        except csv.Error as exc:
            failures.append(
                Finding(
                    "malformed-file",
                    f"broken CSV in row {start} (text line {text_line}: {exc}): "
                    "look for a stray or unclosed '\"'; the rest of the file was not read",
                    file,
                    start,
                )
            )

    records, findings = _records_from_rows(rows(), file)
    return records, findings + failures


def xlsx_text(value: object) -> str:
    """A cell's value as text, as a person sees it in Excel (``2310.0`` is ``2310``)."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def open_workbook(data: bytes, file: str, **options: object):  # type: ignore[no-untyped-def]
    """An openpyxl workbook (``options`` for ``load_workbook``), or LoadFailed for a file that
    is not one."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(io.BytesIO(data), **options)  # type: ignore[arg-type]
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise LoadFailed(
            [
                Finding(
                    "malformed-file",
                    f"not a readable Excel workbook ({exc.__class__.__name__}): save it as .xlsx "
                    "from Excel, or export CSV UTF-8",
                    file,
                    None,
                )
            ]
        ) from None


def choose_sheet(workbook, sheet: str | None, file: str):  # type: ignore[no-untyped-def]
    """The first sheet, or the one named (Excel itself ignores case in sheet names); LoadFailed
    naming the workbook's sheets when there is none of that name."""
    if sheet is None:
        return workbook.worksheets[0]
    if matches := [n for n in workbook.sheetnames if n.casefold() == sheet.casefold()]:
        return workbook[matches[0]]
    raise LoadFailed(
        [
            Finding(
                "unknown-sheet",
                f"the workbook has no sheet {sheet!r}; its sheets are "
                f"{', '.join(repr(n) for n in workbook.sheetnames)}",
                file,
                None,
            )
        ]
    )


def _read_xlsx(source: InputFile, sheet: str | None) -> tuple[list[RawRecord], list[Finding]]:
    file = source.display
    workbook = open_workbook(source.data, file, read_only=True, data_only=True)
    try:
        worksheet = choose_sheet(workbook, sheet, file)
        rows = (
            (line, [xlsx_text(v) for v in values])
            for line, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
        )
        return _records_from_rows(rows, file)
    finally:
        workbook.close()
