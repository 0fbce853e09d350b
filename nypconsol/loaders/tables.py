"""Read inventories into raw records (column -> text, with the file and line a person sees):
CSV as Excel writes it, XLSX, and YAML or JSON documents."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from pathlib import PurePath

from nypconsol.core.findings import Finding
from nypconsol.core.inventory import COLUMNS, REQUIRED_COLUMNS, column_key
from nypconsol.core.models import RawRecord, Source
from nypconsol.core.parsing import quoted
from nypconsol.core.work_progress import ProgressReport, reported
from nypconsol.loaders.located import LoadFailed, LocatedDict, LocatedList
from nypconsol.loaders.sources import STDIN_NAME, InputFile, decode_text
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
_ZIP = b"PK\x03\x04"  # an XLSX workbook is a zip archive
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old Excel 97-2003 .xls
_YAML_START = re.compile(r"(---|- |-$|[A-Za-z_][\w -]*:(\s|$))")
# Fields of a few hundred KB are nonsense but must be reported, not crash csv's 128 KB limit.
csv.field_size_limit(64 * 1024 * 1024)


def read_records(
    source: InputFile,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    input_format: str | None = None,
    progress: ProgressReport | None = None,
) -> tuple[list[RawRecord], list[Finding]]:
    """Read an inventory file into raw records. Raises LoadFailed when nothing can be read.

    The format is ``input_format`` when given, else the file's extension; standard input's
    is recognised from its first bytes. ``progress`` hears of the rows read."""
    kind = input_format or FORMATS.get(PurePath(source.display).suffix.casefold())
    if kind is None and source.display == STDIN_NAME:
        kind = sniff_format(source.data)
    if kind is None:
        where = "standard input" if source.display == STDIN_NAME else "its name"
        raise LoadFailed(
            [
                Finding(
                    "unreadable-file",
                    f"cannot tell the inventory's format from {where}: use a .csv, .xlsx, "
                    ".yaml or .json file, or give --input-format csv, xlsx, yaml or json",
                    source.display,
                    None,
                )
            ]
        )
    if source.data.startswith(_OLE):
        raise LoadFailed(
            [
                Finding(
                    "malformed-file",
                    "this is an Excel 97-2003 workbook (.xls), which nypconsol does not read: "
                    "save it from Excel as .xlsx, or as CSV UTF-8",
                    source.display,
                    None,
                )
            ]
        )
    if kind != "xlsx" and source.data.startswith(_ZIP):
        raise LoadFailed([_workbook_as_text(source, kind)])
    if kind == "xlsx":
        from nypconsol.loaders.workbook import read_xlsx

        return read_xlsx(source, sheet, _records_from_rows, progress)
    if progress is not None:
        progress(f"Reading {source.display}", 0, None)
    text = decode_text(source.data, source.display, encoding)
    if kind == "csv":
        return _read_csv(text, source.display, progress)
    if kind == "yaml":
        loader = load_yaml
    else:
        from nypconsol.loaders.jsonfile import load_json as loader
    document, findings = loader(text, source.display)
    records, more = records_from_document(document, source.display, progress)
    return records, findings + more


def sniff_format(data: bytes) -> str | None:
    """The format of an inventory with no name (standard input), from its first bytes: XLSX,
    JSON, YAML, else CSV when its first line has a separator; None when it cannot be told."""
    if data.startswith(_ZIP):
        return "xlsx"
    text = data[:65536].decode("utf-8", "replace").removeprefix("\ufeff")
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    if not lines:
        return None
    if lines[0][0] in "{[":
        return "json"
    if _YAML_START.match(lines[0]):
        return "yaml"
    if any(separator in lines[0] for separator in ",;\t"):
        return "csv"
    return None


def _workbook_as_text(source: InputFile, kind: str) -> Finding:
    """A zip archive named as a text file (an XLSX renamed .csv): say what it is, instead of
    reporting its bytes as a text encoding problem."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(source.data)) as archive:
            is_workbook = "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        is_workbook = False
    said = "given as" if source.display == STDIN_NAME else "named as"
    if not is_workbook:
        return Finding(
            "malformed-file",
            f"this is a zip archive, not {kind.upper()} text ({said} {kind}): give the "
            "inventory itself",
            source.display,
            None,
        )
    return Finding(
        "malformed-file",
        f"this is an Excel workbook (XLSX), not {kind.upper()} text ({said} {kind}): rename "
        "it to .xlsx (or pass --input-format xlsx), or save it from Excel as CSV UTF-8",
        source.display,
        None,
    )


def records_from_document(
    document: object, file: str, progress: ProgressReport | None = None
) -> tuple[list[RawRecord], list[Finding]]:
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
    lines = [
        getattr(item, "line", None) or (item_lines[index] if item_lines else None)
        for index, item in enumerate(document)
    ]
    # Records that share a line (JSON written on one line) are told apart by their number.
    counts = Counter(lines)
    shared = (
        {line for line, times in counts.items() if times > 1} if len(counts) < len(lines) else ()
    )
    records: list[RawRecord] = []
    findings: list[Finding] = []
    pairs = reported(zip(document, lines, strict=True), progress, f"Reading {file}", len(lines))
    for index, (item, line) in enumerate(pairs):
        number = index + 1 if line in shared else None
        if not isinstance(item, dict):
            findings.append(
                Finding(
                    "bad-record",
                    f"account {index + 1} is {quoted(str(item))}, not a mapping such as "
                    "{handle: ..., platform: ...}",
                    file,
                    line,
                    record=number,
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
                        record=number,
                        handle=str(item.get("handle") or "").strip(" @") or None,
                    )
                )
                continue
            values[column] = None if value is None else str(value)
        records.append(RawRecord(values=values, source=Source(file=file, line=line, record=number)))
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
            if any(f.code == "missing-column" for f in header_findings):
                return [], findings + [_with_header_hint(f, rows) for f in header_findings]
            findings.extend(header_findings)
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


def _with_header_hint(finding: Finding, rows) -> Finding:  # type: ignore[no-untyped-def]
    """A missing-column finding, naming the row below that looks like the header (a title or
    notes above it)."""
    from dataclasses import replace

    from nypconsol.loaders.workbook import LOOK_AHEAD, header_like

    if finding.code != "missing-column":
        return finding
    for line, cells in itertools.islice(rows, LOOK_AHEAD):
        if header_like(cells):
            hint = (
                f"; row {line} looks like the header: delete the rows above it (a title or "
                "notes), so that the header is the first row"
            )
            return replace(finding, message=finding.message + hint)
    return finding


def csv_delimiter(text: str) -> str:
    """Commas, unless the first line has none and has semicolons (Excel in much of Europe) or
    tabs."""
    first_line = text.split("\n", 1)[0]
    if "," in first_line:
        return ","
    return ";" if ";" in first_line else "\t" if "\t" in first_line else ","


def _read_csv(
    text: str, file: str, progress: ProgressReport | None = None
) -> tuple[list[RawRecord], list[Finding]]:
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

    # Lines, not rows (a cell may hold a line break): near enough for a progress bar.
    total = text.count("\n") if progress is not None else None
    records, findings = _records_from_rows(
        reported(rows(), progress, f"Reading {file}", total), file
    )
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
