"""XLSX inventories rewritten with openpyxl: the followers cells updated, the lookup columns
added after the last used column, every other sheet, cell and format left as openpyxl keeps it."""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nypconsol.enrich.errors import InventoryFileError, refused_inventory
from nypconsol.enrich.models import AccountRow
from nypconsol.enrich.rewrite import (
    FOLLOWERS,
    WRITTEN_COLUMNS,
    RowUpdate,
    check_header,
)
from nypconsol.loaders.located import LoadFailed

# Widths for new columns, in Excel's character units: the detail is a sentence.
_NEW_WIDTHS = {FOLLOWERS: 12, "lookup_status": 14, "lookup_detail": 60, "lookup_at": 22}


@dataclass(frozen=True, slots=True)
class XlsxInventory:
    display: str
    data: bytes  # the original workbook, opened again (with formulas) for writing
    sheet: str
    header_row: int
    last_column: int  # the last column holding a value, in any row
    columns: Mapping[str, int]  # column key -> 1-based column
    keep_vba: bool
    warnings: tuple[str, ...] = ()  # what the rewrite may not keep, for the user to check


def _drawing_warnings(data: bytes, display: str) -> tuple[str, ...]:
    """openpyxl keeps charts, keeps pictures only with Pillow installed, and never keeps shapes
    (text boxes, arrows): say so when the workbook has any, rather than lose them unsaid."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    if not any(n.startswith(("xl/drawings/", "xl/media/")) for n in names):
        return ()
    return (
        f"{display} holds drawings (pictures, shapes or charts): the rewrite keeps charts, "
        "but may drop pictures and always drops shapes; check OUTPUT in Excel, or enrich a "
        "CSV export instead",
    )


def _open(data: bytes, display: str, **options: Any) -> Any:
    from nypconsol.loaders.tables import open_workbook

    try:
        return open_workbook(data, display, **options)
    except LoadFailed as failed:
        raise refused_inventory(failed.findings, display) from None


def read_xlsx(
    data: bytes, display: str, sheet: str | None = None, *, keep_vba: bool = False
) -> tuple[list[AccountRow], XlsxInventory]:
    from nypconsol.loaders.tables import choose_sheet, xlsx_text

    # Values as Excel last showed them (a formula's cached result), as the inventory reader
    # reads them; the workbook is opened again with its formulas to write.
    workbook = _open(data, display, read_only=True, data_only=True)
    try:
        try:
            worksheet = choose_sheet(workbook, sheet, display)
        except LoadFailed as failed:
            raise refused_inventory(failed.findings, display) from None
        header_row = None
        columns: dict[str, int] = {}
        rows: list[AccountRow] = []
        last_column = 0
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            texts = [xlsx_text(v) for v in values]
            used = [i for i, t in enumerate(texts, start=1) if t.strip()]
            if not used:
                continue
            last_column = max(last_column, used[-1])
            if header_row is None:
                header_row = number
                columns = {k: p + 1 for k, p in check_header(texts, display, number).items()}
                continue
            rows.append(
                AccountRow(
                    key=number,
                    platform=_at(texts, columns["platform"]),
                    handle=_at(texts, columns["handle"]),
                    line=number,
                )
            )
        if header_row is None:
            raise InventoryFileError("the sheet has no header row and no accounts", display, 1)
        inventory = XlsxInventory(
            display=display,
            data=data,
            sheet=worksheet.title,
            header_row=header_row,
            last_column=last_column,
            columns=columns,
            keep_vba=keep_vba,
            warnings=_drawing_warnings(data, display),
        )
        return rows, inventory
    finally:
        workbook.close()


def _at(texts: list[str], column: int) -> str:
    return texts[column - 1] if column <= len(texts) else ""


def render_xlsx(inventory: XlsxInventory, updates: Mapping[object, RowUpdate]) -> bytes:
    from openpyxl.utils import get_column_letter

    # rich_text: a cell with bold words in a sentence keeps them.
    workbook = _open(inventory.data, inventory.display, keep_vba=inventory.keep_vba, rich_text=True)
    worksheet = workbook[inventory.sheet]
    positions = dict(inventory.columns)
    added = [name for name in WRITTEN_COLUMNS if name not in positions]
    # A formula Excel never calculated reads as empty among the values: look at the cells
    # themselves too, so that no new column lands on one.
    last_column = max(
        [inventory.last_column]
        + [c.column for row in worksheet.iter_rows() for c in row if c.value not in (None, "")]
    )
    model = worksheet.cell(row=inventory.header_row, column=positions["handle"])
    for offset, name in enumerate(added, start=1):
        column = last_column + offset
        positions[name] = column
        cell = worksheet.cell(row=inventory.header_row, column=column, value=name)
        if model.has_style:  # the new headers look like the others (bold, fill, borders)
            cell._style = copy.copy(model._style)
        worksheet.column_dimensions[get_column_letter(column)].width = _NEW_WIDTHS[name]
    for row, update in updates.items():
        if not isinstance(row, int):
            continue
        for name, value in update.cells.items():
            cell = worksheet.cell(row=row, column=positions[name], value=value)
            if isinstance(value, str):
                # openpyxl reads a string starting "=" as a formula; this one is text.
                cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    workbook.close()
    return out.getvalue()
