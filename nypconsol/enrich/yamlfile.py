"""YAML inventories rewritten with ruamel.yaml's round trip, which keeps comments, key order,
quoting and scalars as written; the result is checked value by value before it is used."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from nypconsol.core.inventory import column_key
from nypconsol.enrich.errors import OutputRefused
from nypconsol.enrich.rewrite import WRITTEN_COLUMNS, RowUpdate, TextInventory


def _yaml() -> Any:
    from ruamel.yaml import YAML

    # Round trip ("rt") builds plain maps, lists and scalars only: no tag runs code.
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line that was not folded
    yaml.allow_duplicate_keys = False
    return yaml


def _compose(text: str, display: str) -> Any:
    """The document's node tree (scalars as written) by ruamel, which writes it back. Only text
    the inventory reader has accepted (no aliases, tags, repeated keys, deep nesting) gets here."""
    from ruamel.yaml.error import YAMLError

    try:
        return _yaml().compose(io.StringIO(text))
    except (YAMLError, RecursionError) as exc:
        raise OutputRefused(
            f"cannot rewrite {display} as YAML ({type(exc).__name__}); nothing was written: "
            "convert the inventory to CSV and enrich that"
        ) from None


def _records_node(root: Any) -> Any:
    """The sequence node holding the accounts (the document, or its ``accounts:``), or None."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    if isinstance(root, MappingNode):
        for key, value in root.value:
            if isinstance(key, ScalarNode) and key.value == "accounts":
                return value if isinstance(value, SequenceNode) else None
    return root if isinstance(root, SequenceNode) else None


def render_yaml(inventory: TextInventory, updates: Mapping[object, RowUpdate]) -> bytes:
    from ruamel.yaml.error import YAMLError

    if not updates:
        output = inventory.text
    else:
        yaml = _yaml()
        root_node = _compose(inventory.text, inventory.display)
        mapping, sequence, offset = _indents(root_node)
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        yaml.explicit_start = inventory.text.lstrip().startswith("---")
        try:
            document = yaml.load(inventory.text)
            records = document["accounts"] if inventory.in_mapping else document
            for index, update in updates.items():
                if isinstance(index, int) and 0 <= index < len(records):
                    update.apply_to(records[index])
            out = io.StringIO()
            yaml.dump(document, out)
        except (YAMLError, RecursionError, TypeError, ValueError) as exc:
            raise OutputRefused(
                f"cannot rewrite {inventory.display} as YAML ({type(exc).__name__}); nothing was "
                "written: convert the inventory to CSV and enrich that"
            ) from None
        output = out.getvalue()
        _check_same(root_node, _compose(output, inventory.display), updates, inventory)
    return inventory.encode(output)


def _indents(root: Any) -> tuple[int, int, int]:
    """The file's own indentation (mapping, sequence, dash offset) for ruamel's emitter, read
    from the first nested mapping and sequence; 2, 2, 0 where the file shows none."""
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    mapping = sequence = offset = None

    def visit(node: Any, column: int) -> None:
        nonlocal mapping, sequence, offset
        if isinstance(node, MappingNode) and not node.flow_style:
            for key, value in node.value:
                if isinstance(value, MappingNode) and not value.flow_style and value.value:
                    if mapping is None:
                        mapping = value.value[0][0].start_mark.column - key.start_mark.column
                    visit(value, key.start_mark.column)
                elif isinstance(value, SequenceNode) and not value.flow_style and value.value:
                    if offset is None:
                        offset = value.start_mark.column - key.start_mark.column
                        item = value.value[0]
                        if isinstance(item, MappingNode) and item.value and not item.flow_style:
                            sequence = item.value[0][0].start_mark.column - key.start_mark.column
                    visit(value, key.start_mark.column)
        elif isinstance(node, SequenceNode) and not node.flow_style:
            for item in node.value:
                if isinstance(item, MappingNode) and item.value and not item.flow_style:
                    if offset is None:
                        offset = node.start_mark.column - column
                        sequence = item.value[0][0].start_mark.column - column
                    visit(item, item.value[0][0].start_mark.column)

    if root is not None:
        visit(root, 0)
    offset = max(0, offset or 0)
    sequence = max(sequence or 2, offset + 2)
    return max(2, mapping or 2), sequence, offset


def _check_same(
    before: Any, after: Any, updates: Mapping[object, RowUpdate], inventory: TextInventory
) -> None:
    """Refuse output in which anything but the written cells reads differently."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    written = set(WRITTEN_COLUMNS)

    def same(a: Any, b: Any, record_update: RowUpdate | None = None) -> bool:
        if type(a) is not type(b) or a.tag != b.tag:
            return False
        if isinstance(a, ScalarNode):
            return a.value == b.value
        if isinstance(a, SequenceNode):
            return len(a.value) == len(b.value) and all(map(same, a.value, b.value))
        if isinstance(a, MappingNode):
            if record_update is None:
                return len(a.value) == len(b.value) and all(
                    same(ka, kb) and same(va, vb)
                    for (ka, va), (kb, vb) in zip(a.value, b.value, strict=True)
                )
            kept_a = [(k, v) for k, v in a.value if column_key(str(k.value)) not in written]
            kept_b = [(k, v) for k, v in b.value if column_key(str(k.value)) not in written]
            if len(kept_a) != len(kept_b) or not all(
                same(ka, kb) and same(va, vb)
                for (ka, va), (kb, vb) in zip(kept_a, kept_b, strict=True)
            ):
                return False
            got = {column_key(str(k.value)): v for k, v in b.value}
            return all(
                isinstance(got.get(name), ScalarNode) and got[name].value == str(value)
                for name, value in record_update.cells.items()
            )
        return True

    before_records, after_records = _records_node(before), _records_node(after)
    problem = None
    if before_records is None or after_records is None:
        problem = "the accounts list"
    elif len(before_records.value) != len(after_records.value):
        problem = "the number of accounts"
    else:
        for index, (a, b) in enumerate(zip(before_records.value, after_records.value, strict=True)):
            if not same(a, b, updates.get(index)):
                problem = f"the account at line {a.start_mark.line + 1}"
                break
        else:
            if inventory.in_mapping and not _same_outside(before, after, same):
                problem = "the settings around the accounts list"
    if problem is not None:
        raise OutputRefused(
            f"cannot rewrite {inventory.display} as YAML without changing {problem}; nothing "
            "was written: convert the inventory to CSV and enrich that"
        )


def _same_outside(before: Any, after: Any, same: Any) -> bool:
    """The top mapping's other keys are unchanged (the accounts list is checked on its own)."""
    others_a = [(k, v) for k, v in before.value if k.value != "accounts"]
    others_b = [(k, v) for k, v in after.value if k.value != "accounts"]
    return len(others_a) == len(others_b) and all(
        same(ka, kb) and same(va, vb) for (ka, va), (kb, vb) in zip(others_a, others_b, strict=True)
    )
