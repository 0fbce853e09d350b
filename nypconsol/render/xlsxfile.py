"""An Excel workbook of the plan: the CSV's columns on an Accounts sheet (dates as Excel dates,
numbers as numbers) and the per-district summary on a Districts sheet; bold frozen headers,
filters and fitting column widths. Text stays text: a value such as ``=HYPERLINK(...)`` is
stored as a string, never as a formula, and the same plan always gives the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable

from nypconsol.core.fields import PLAN_ACCOUNT_FIELDS, FieldKind
from nypconsol.core.models import Plan
from nypconsol.core.parsing import printable
from nypconsol.core.plan import plan_summary
from nypconsol.core.work_progress import ProgressReport, reported
from nypconsol.render.csvfile import CSV_COLUMNS
from nypconsol.render.envelope import account_dicts

ACCOUNTS_SHEET = "Accounts"
DISTRICTS_SHEET = "Districts"
DISTRICT_COLUMNS = (
    "district",
    "district_name",
    "destinations",
    "accounts",
    "migrate",
    "retain",
    "skip",
    "followers_to_redirect",
    "notice_date",
    "close_date",
)
_DATES = {name for name, kind in PLAN_ACCOUNT_FIELDS.items() if kind is FieldKind.DATE}
_DATES |= {"notice_date", "close_date"}
MAX_WIDTH = 60  # wider columns help nobody: Excel shows the rest in the cell
DATE_WIDTH = 12  # "2027-01-11" as Excel shows a yyyy-mm-dd date, with room for the filter button
# The moment every workbook says it was made and every part of the file was stamped: the
# plan's bytes depend on its inputs alone, never on the clock.
STAMP = dt.datetime(2000, 1, 1)
# Characters XML 1.0 cannot hold (openpyxl refuses them): shown as escapes instead.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def plan_xlsx(
    plan: Plan, *, console: object = None, progress: ProgressReport | None = None
) -> list[bytes]:
    """The workbook's bytes (one chunk), for -o plan.xlsx; ``progress`` hears of the accounts
    written (a large workbook takes a while: 100,000 accounts, about 20 seconds)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "nypconsol"
    workbook.properties.created = workbook.properties.modified = STAMP

    def account_rows() -> Iterable[list]:
        for row in account_dicts(plan):
            row["source_file"], row["source_line"] = row["source"]["file"], row["source"]["line"]
            yield [_typed(column, row[column]) for column in CSV_COLUMNS]

    _add_sheet(workbook, ACCOUNTS_SHEET, CSV_COLUMNS, list(account_rows()), progress)
    summary = plan_summary(plan)
    district_rows = [
        [
            _typed(column, value)
            for column, value in zip(
                DISTRICT_COLUMNS,
                (
                    district_id,
                    row["name"],
                    ", ".join(f"{p}: @{h}" for p, h in row["destinations"].items()),
                    row["accounts"],
                    row["migrate"],
                    row["retain"],
                    row["skip"],
                    row["followers_to_redirect"],
                    row["notice_date"],
                    row["close_date"],
                ),
                strict=True,
            )
        ]
        for district_id, row in summary["districts"].items()
    ]
    _add_sheet(workbook, DISTRICTS_SHEET, DISTRICT_COLUMNS, district_rows)
    saved = io.BytesIO()
    workbook.save(saved)
    return [_restamped(saved.getvalue())]


def _typed(column: str, value: object) -> object:
    """A cell's value as Excel should hold it: dates as dates, numbers as numbers, text as
    text (with any character XML cannot hold shown as an escape)."""
    if value is None or value == "":
        return None
    if column in _DATES and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if isinstance(value, str):
        return _ILLEGAL.sub(lambda m: printable(m.group()), value)
    return value


def _add_sheet(
    workbook, title: str, columns: tuple[str, ...], rows: list[list], progress=None
) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    for index, column in enumerate(columns):
        width = _width(column, (row[index] for row in rows))
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    as_text = _text_cell(sheet, WriteOnlyCell)
    for row in reported(rows, progress, "Writing the workbook", len(rows)):
        # openpyxl would store text beginning "=" as a formula: keep it text.
        sheet.append([as_text(v) if isinstance(v, str) and v.startswith("=") else v for v in row])


def _text_cell(sheet, cell_type) -> Callable[[str], object]:  # type: ignore[no-untyped-def]
    def as_text(value: str) -> object:
        cell = cell_type(sheet, value=value)
        cell.data_type = "s"
        return cell

    return as_text


def _width(column: str, values: Iterable[object]) -> float:
    widest = len(column) + 3  # the header, and the filter button beside it
    for value in values:
        if isinstance(value, dt.date):
            widest = max(widest, DATE_WIDTH)
        elif value is not None:
            widest = max(widest, len(f"{value:,}" if isinstance(value, int) else str(value)) + 1)
    return float(min(widest, MAX_WIDTH))


def _restamped(data: bytes) -> bytes:
    """The same workbook with every part, and its 'modified' property (which openpyxl sets
    as it saves), stamped STAMP instead of the time it was saved."""
    out = io.BytesIO()
    modified = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                part = _MODIFIED.sub(rb"\g<1>" + modified + rb"\g<2>", part)
            stamped = zipfile.ZipInfo(info.filename, date_time=STAMP.timetuple()[:6])
            stamped.compress_type = zipfile.ZIP_DEFLATED
            stamped.external_attr = info.external_attr
            target.writestr(stamped, part)
    return out.getvalue()


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
