"""CSV inventories rewritten cell by cell: every byte of a cell nypconsol does not write stays as
it was (quoting, BOM, line ends, delimiter); new columns go at the end."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from nypconsol.enrich.errors import InventoryFileError, refused_inventory
from nypconsol.enrich.models import AccountRow
from nypconsol.enrich.rewrite import FOLLOWERS, WRITTEN_COLUMNS, RowUpdate, check_header
from nypconsol.loaders.located import LoadFailed
from nypconsol.loaders.sources import decode_text
from nypconsol.loaders.tables import csv_delimiter
from nypconsol.render.csvfile import excel_safe

_BOM = b"\xef\xbb\xbf"
# Lines as csv's reader sees them from io.StringIO(newline=""): ended by \r\n, \r or \n.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_TERMINATOR = re.compile(r"(?:\r\n|\r|\n)\Z")


@dataclass(frozen=True, slots=True)
class _Record:
    number: int  # the row a spreadsheet shows (the first record is 1), as the inventory reports
    cells: tuple[str, ...]  # parsed
    body: str  # the record's text without its line end
    end: str  # "\r\n", "\n", "\r" or "" (the last line of a file without one)

    @property
    def blank(self) -> bool:
        return not "".join(self.cells).strip()


@dataclass(frozen=True, slots=True)
class CsvInventory:
    display: str
    encoding: str  # what the output is encoded with
    bom: bool
    delimiter: str
    records: tuple[_Record, ...]
    header_index: int  # position of the header in records
    columns: Mapping[str, int]  # column key -> position


def read_csv(
    data: bytes, display: str, encoding: str | None = None
) -> tuple[list[AccountRow], CsvInventory]:
    bom = data.startswith(_BOM)
    # Decoded as the inventory reader decodes (a BOM says UTF-8 whatever --encoding says), and
    # written back in the same encoding.
    codec = "utf-8" if bom or not encoding else encoding
    try:
        text = decode_text(data, display, encoding)
    except LoadFailed as failed:
        raise refused_inventory(failed.findings, display) from None
    delimiter = csv_delimiter(text)

    records = list(_records(text, delimiter, display))
    header_index = next((i for i, r in enumerate(records) if not r.blank), None)
    if header_index is None:
        raise InventoryFileError("the file has no header row and no accounts", display, 1)
    header = records[header_index]
    columns = check_header(list(header.cells), display, header.number)
    width = len(header.cells)
    too_wide = [
        r.number
        for r in records[header_index + 1 :]
        if len(r.cells) > width and "".join(r.cells[width:]).strip()
    ]
    if too_wide:
        lines = ", ".join(map(str, too_wide[:10])) + (" ..." if len(too_wide) > 10 else "")
        raise InventoryFileError(
            f"{'rows' if len(too_wide) > 1 else 'row'} {lines} "
            f"{'have' if len(too_wide) > 1 else 'has'} more cells than the header: a value with a comma (such as "
            "2,310) needs quotes; fix those rows first, so that the new columns do not land on "
            "their cells",
            display,
            too_wide[0],
        )
    rows = [
        AccountRow(
            key=record.number,
            platform=_cell(record, columns["platform"]),
            handle=_cell(record, columns["handle"]),
            line=record.number,
        )
        for record in records[header_index + 1 :]
        if not record.blank
    ]
    inventory = CsvInventory(
        display=display,
        encoding=codec,
        bom=bom,
        delimiter=delimiter,
        records=tuple(records),
        header_index=header_index,
        columns=columns,
    )
    return rows, inventory


def render_csv(inventory: CsvInventory, updates: Mapping[object, RowUpdate]) -> bytes:
    """The inventory with ``updates`` (by row key) written in; other rows padded to the new width."""
    delimiter = inventory.delimiter
    header = inventory.records[inventory.header_index]
    positions = dict(inventory.columns)
    added = [name for name in WRITTEN_COLUMNS if name not in positions]
    width = len(header.cells)
    for offset, name in enumerate(added):
        positions[name] = width + offset
    new_width = width + len(added)

    out = io.StringIO()
    for index, record in enumerate(inventory.records):
        if index < inventory.header_index or (record.blank and index > inventory.header_index):
            out.write(record.body + record.end)
            continue
        cells = _raw_cells(record, delimiter)
        if index == inventory.header_index:
            cells += [_quote(name, delimiter) for name in added]
        else:
            cells += [""] * (new_width - len(cells))
            update = updates.get(record.number)
            if update is not None:
                for name, value in update.cells.items():
                    text = str(value) if name == FOLLOWERS else excel_safe(value)  # type: ignore[arg-type]
                    cells[positions[name]] = _quote(_encodable(text, inventory.encoding), delimiter)
        out.write(delimiter.join(cells) + record.end)
    encoded = out.getvalue().encode(inventory.encoding)
    return _BOM + encoded if inventory.bom else encoded


def _encodable(text: str, encoding: str) -> str:
    """Text the output's encoding can hold (a cp1252 file gets ``?`` for what it cannot)."""
    return text.encode(encoding, "replace").decode(encoding)


class _Lines:
    """Feeds csv's reader one line at a time and remembers the text each record took."""

    def __init__(self, text: str) -> None:
        self._lines = iter(_LINE.findall(text))
        self.taken: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.taken.append(line)
        return line


def _records(text: str, delimiter: str, display: str) -> Iterator[_Record]:
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    number = 1
    try:
        for cells in reader:
            raw = "".join(lines.taken)
            lines.taken.clear()
            match = _TERMINATOR.search(raw)
            end = match.group() if match else ""
            yield _Record(number, tuple(cells), raw[: len(raw) - len(end)], end)
            number += 1
    except csv.Error as exc:
        raise InventoryFileError(
            f"broken CSV ({exc}): look for a stray or unclosed '\"'", display, number
        ) from None


def _cell(record: _Record, position: int) -> str:
    return record.cells[position] if position < len(record.cells) else ""


def _quote(text: str, delimiter: str) -> str:
    """A cell as csv's QUOTE_MINIMAL writes it."""
    if any(c in text for c in (delimiter, '"', "\r", "\n")):
        return '"' + text.replace('"', '""') + '"'
    return text


def _raw_cells(record: _Record, delimiter: str) -> list[str]:
    """The record's cells as written in the file (quotes and all), so that rewriting one cell
    leaves the others' bytes alone. When the text cannot be split so that it means the same as
    csv's reading, the cells are quoted afresh (the values are the same)."""
    if not record.cells:
        return []
    if '"' not in record.body:  # nothing quoted: the cells are the text between delimiters
        return record.body.split(delimiter)
    split = _split(record.body, delimiter)
    if split is None or [_unquote(c) for c in split] != list(record.cells):
        return [_quote(c, delimiter) for c in record.cells]
    return split


def _split(body: str, delimiter: str) -> list[str] | None:
    cells: list[str] = []
    position, size = 0, len(body)
    while True:
        if body.startswith('"', position):
            scan = position + 1
            while True:
                close = body.find('"', scan)
                if close < 0:
                    return None
                if body.startswith('"', close + 1):
                    scan = close + 2
                    continue
                break
            end = close + 1
            if end < size and body[end] != delimiter:
                return None
        else:
            end = body.find(delimiter, position)
            if end < 0:
                end = size
        cells.append(body[position:end])
        if end >= size:
            return cells
        position = end + 1
        if position == size:  # a delimiter last: one more, empty cell
            cells.append("")
            return cells


def _unquote(cell: str) -> str:
    if len(cell) >= 2 and cell.startswith('"') and cell.endswith('"'):
        return cell[1:-1].replace('""', '"')
    return cell
