"""JSON inventories rewritten with the standard library: key order, indentation, BOM and line
ends as the file had them; numbers are written back as Python writes them (``1.50`` -> ``1.5``)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from nypconsol.enrich.rewrite import RowUpdate, TextInventory

_INDENT = re.compile(r"\n([ \t]+)\S")


def render_json(inventory: TextInventory, updates: Mapping[object, RowUpdate]) -> bytes:
    text = inventory.text
    if updates:
        # Read again as plain values to write back: the reader has checked the text.
        document = json.loads(text)
        records = document["accounts"] if isinstance(document, dict) else document
        for index, update in updates.items():
            if isinstance(index, int) and 0 <= index < len(records):
                update.apply_to(records[index])
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
    return inventory.encode(text)
