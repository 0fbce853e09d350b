"""JSON inventories rewritten with the standard library: key order, indentation, BOM and line
ends as the file had them; numbers are written back as Python writes them (``1.50`` -> ``1.5``)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nypconsol.core.inventory import column_key
from nypconsol.enrich.errors import InventoryFileError
from nypconsol.enrich.models import AccountRow
from nypconsol.enrich.rewrite import RowUpdate

_BOM = "\ufeff"
_INDENT = re.compile(r"\n([ \t]+)\S")


@dataclass(frozen=True, slots=True)
class JsonInventory:
    display: str
    text: str  # without a BOM
    bom: bool


class _DuplicateKey(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _load(text: str, display: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_pairs)
    except _DuplicateKey as exc:
        raise InventoryFileError(
            f"the key {exc.args[0]!r} appears twice in one object: keep one", display
        ) from None
    except json.JSONDecodeError as exc:
        raise InventoryFileError(f"not valid JSON: {exc.msg}", display, exc.lineno) from None
    except RecursionError:
        raise InventoryFileError("the JSON is nested too deeply to read", display) from None


def _records(document: Any, display: str) -> list[Any] | None:
    if isinstance(document, dict) and "accounts" in document:
        document = document["accounts"]
    if document is None:
        return None
    if not isinstance(document, list):
        raise InventoryFileError(
            "expected a list of accounts (or an object with an 'accounts' list)", display, 1
        )
    return document


def read_json(data: bytes, display: str) -> tuple[list[AccountRow], JsonInventory]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InventoryFileError("the file is not UTF-8: save it as UTF-8", display, line) from None
    bom = text.startswith(_BOM)
    text = text.removeprefix(_BOM)
    records = _records(_load(text, display), display) or []
    lines = _record_lines(text)
    rows = []
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            continue
        values: dict[str, str] = {}
        for key, value in record.items():
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                values.setdefault(column_key(key), str(value))
        rows.append(
            AccountRow(
                key=index,
                platform=values.get("platform", ""),
                handle=values.get("handle", ""),
                line=lines[index] if index < len(lines) else None,
            )
        )
    return rows, JsonInventory(display=display, text=text, bom=bom)


def render_json(inventory: JsonInventory, updates: Mapping[object, RowUpdate]) -> bytes:
    text = inventory.text
    if updates:
        document = _load(text, inventory.display)
        records = _records(document, inventory.display) or []
        for index, update in updates.items():
            if isinstance(index, int) and 0 <= index < len(records):
                record = records[index]
                names = {column_key(k): k for k in record}
                for name, value in update.cells.items():
                    record[names.get(name, name)] = value
        match = _INDENT.search(text)
        indent = match.group(1) if match else None
        # Keep \u escapes if the file used them for everything outside ASCII.
        ascii_only = text.isascii() and "\\u" in text
        separators = (",", ": ") if indent is not None else (", ", ": ")
        if indent is None and '":' in text and '": ' not in text:
            separators = (",", ":")
        dumped = json.dumps(document, indent=indent, ensure_ascii=ascii_only, separators=separators)
        trailing = text[len(text.rstrip()) :]
        text = dumped + trailing
        if "\r\n" in inventory.text:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return ((_BOM if inventory.bom else "") + text).encode("utf-8")


def _record_lines(text: str) -> list[int]:
    """The line where each account's ``{`` stands, for messages: the objects directly inside the
    accounts list (the top list, or the list under the top object's ``"accounts"`` key)."""
    lines: list[int] = []
    depth = 0
    line = 1
    target_depth = None  # the depth of the accounts list's items
    last_key = None
    position = 0
    size = len(text)
    while position < size:
        char = text[position]
        if char == "\n":
            line += 1
        elif char == '"':
            end = position + 1
            while end < size and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            if depth == 1:
                last_key = text[position + 1 : end]
            line += text.count("\n", position, end)
            position = end
        elif char in "[{":
            if char == "[" and target_depth is None:
                if depth == 0 or (depth == 1 and last_key == "accounts"):
                    target_depth = depth + 1
            elif char == "{" and depth == target_depth:
                lines.append(line)
            depth += 1
        elif char in "]}":
            depth -= 1
            if target_depth is not None and depth < target_depth - 1:
                break
        position += 1
    return lines
