"""What rewriting an inventory needs in every format: the columns written, where the columns
are, and the row updates made from lookups."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any

from nypconsol.core.inventory import column_key
from nypconsol.enrich.errors import refused_inventory
from nypconsol.enrich.models import AccountRow, RowResult

FOLLOWERS = "followers"
STATUS_COLUMN = "lookup_status"
DETAIL_COLUMN = "lookup_detail"
AT_COLUMN = "lookup_at"
LOOKUP_COLUMNS = (STATUS_COLUMN, DETAIL_COLUMN, AT_COLUMN)
WRITTEN_COLUMNS = (FOLLOWERS, *LOOKUP_COLUMNS)


@dataclass(frozen=True, slots=True)
class RowUpdate:
    """The cells one row gets: followers (None leaves the cell as it is) and the lookup columns."""

    followers: int | None
    status: str
    detail: str
    at: str

    @property
    def cells(self) -> dict[str, str | int]:
        values: dict[str, str | int] = {}
        if self.followers is not None:
            values[FOLLOWERS] = self.followers
        values[STATUS_COLUMN] = self.status
        values[DETAIL_COLUMN] = self.detail
        values[AT_COLUMN] = self.at
        return values

    def apply_to(self, record: MutableMapping[Any, Any]) -> None:
        """Write the cells into a YAML or JSON record, under the record's own spelling of each
        column (``Lookup Status``) where it has one, at the end where it has none."""
        names = {column_key(str(k)): k for k in record}
        for name, value in self.cells.items():
            record[names.get(name, name)] = value


def updates_from(results: Iterable[RowResult]) -> dict[object, RowUpdate]:
    """Row key -> update. Followers change only where the platform gave a count."""
    return {
        result.key: RowUpdate(
            followers=result.lookup.followers,
            status=str(result.lookup.status),
            detail=result.lookup.detail,
            at=result.lookup.looked_up_at,
        )
        for result in results
    }


def find_columns(headers: Iterable[object]) -> dict[str, int]:
    """Positions of the columns nypconsol reads or writes, by header, compared as the inventory
    reader does (``Lookup Status`` = ``lookup_status``); the first of two wins."""
    positions: dict[str, int] = {}
    for position, header in enumerate(headers):
        key = column_key(str(header)) if header is not None else ""
        if key and key not in positions:
            positions[key] = position
    return positions


def check_header(cells: list[str], display: str, line: int) -> dict[str, int]:
    """The header's column positions (``find_columns``), refused as the inventory reader refuses
    it: without a handle or platform column, or with a column twice (which one to fill in?)."""
    from nypconsol.loaders.tables import header_columns

    _, findings = header_columns(cells, display, line)
    if findings:
        raise refused_inventory(findings, display)
    return find_columns(cells)


def document_rows(document: object, display: str) -> tuple[list[AccountRow], bool]:
    """The rows of a YAML or JSON inventory as loaded by the inventory reader (loaders/): the
    document's list, or its mapping's ``accounts:`` list; each row's key is its place in that
    list. Also whether the list sits under ``accounts:``. Items that are not mappings are no
    accounts and are left alone."""
    from nypconsol.loaders.located import LoadFailed, LocatedList
    from nypconsol.loaders.tables import records_from_document

    in_mapping = isinstance(document, dict) and "accounts" in document
    records = document["accounts"] if in_mapping else document  # type: ignore[index]
    if records is None:
        return [], in_mapping
    if not isinstance(records, list):
        try:  # the reader's own refusal, with its words and line
            records_from_document(document, display)
        except LoadFailed as failed:
            raise refused_inventory(failed.findings, display) from None
    lines = records.item_lines if isinstance(records, LocatedList) else []
    rows = []
    for index, item in enumerate(records):
        if not isinstance(item, dict):
            continue
        values: dict[str, str] = {}
        for key, value in item.items():
            if isinstance(value, str):
                values.setdefault(column_key(str(key)), value)
        rows.append(
            AccountRow(
                key=index,
                platform=values.get("platform", ""),
                handle=values.get("handle", ""),
                line=getattr(item, "line", None) or (lines[index] if lines else None),
            )
        )
    return rows, in_mapping


_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class TextInventory:
    """A YAML or JSON inventory as read, with what writing it back needs."""

    display: str
    text: str  # decoded, without a BOM
    bom: bool
    encoding: str  # what the output is encoded with: the input's
    in_mapping: bool  # the records are the ``accounts:`` list of a mapping

    def encode(self, text: str) -> bytes:
        """``text`` written as the input was: its line ends, byte-order mark and encoding (a
        character the encoding lacks, only ever in a lookup detail, becomes ``?``)."""
        if "\r\n" in self.text:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        return (_BOM if self.bom else b"") + text.encode(self.encoding, "replace")


def read_text_inventory(
    data: bytes, display: str, kind: str, encoding: str | None = None
) -> tuple[list[AccountRow], TextInventory]:
    """A YAML or JSON (``kind``) inventory read by the inventory reader (loaders/), refused
    with its findings as validate would report them."""
    from nypconsol.loaders.located import LoadFailed
    from nypconsol.loaders.sources import decode_text

    if kind == "yaml":
        from nypconsol.loaders.yamlfile import load_yaml as load
    else:
        from nypconsol.loaders.jsonfile import load_json as load
    try:
        text = decode_text(data, display, encoding)
        document, findings = load(text, display)
    except LoadFailed as failed:
        raise refused_inventory(failed.findings, display) from None
    if errors := [f for f in findings if f.is_error]:
        raise refused_inventory(errors, display)
    rows, in_mapping = document_rows(document, display)
    bom = data.startswith(_BOM)
    inventory = TextInventory(
        display=display,
        text=text,
        bom=bom,
        encoding="utf-8" if bom or not encoding else encoding,
        in_mapping=in_mapping,
    )
    return rows, inventory
