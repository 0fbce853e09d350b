"""YAML inventories rewritten with ruamel.yaml's round trip, which keeps comments, key order,
quoting and scalars as written; the result is checked value by value before it is used."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nypconsol.core.inventory import column_key
from nypconsol.enrich.errors import InventoryFileError, OutputRefused
from nypconsol.enrich.models import AccountRow
from nypconsol.enrich.rewrite import WRITTEN_COLUMNS, RowUpdate

_BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class YamlInventory:
    display: str
    text: str  # without a BOM
    bom: bool
    crlf: bool
    in_mapping: bool  # the records are the ``accounts:`` list of a mapping
    record_count: int


def _yaml() -> Any:
    from ruamel.yaml import YAML

    # Round trip ("rt") builds plain maps, lists and scalars only: no tag runs code.
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line that was not folded
    yaml.allow_duplicate_keys = False
    return yaml


# Far deeper than any inventory; ruamel's parser slows to minutes on "[" nested 20,000 deep,
# so depth is checked first with PyYAML's C event parser, which takes milliseconds.
MAX_DEPTH = 64


def _check_events(text: str, display: str) -> None:
    """Refuse aliases, several documents and deep nesting before ruamel reads the text."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth = documents = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InventoryFileError(
                        f"the YAML is nested more than {MAX_DEPTH} levels deep: an inventory is "
                        "a list of accounts",
                        display,
                        event.start_mark.line + 1,
                    )
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                raise InventoryFileError(
                    "aliases (*name) are not allowed in an inventory: write the values out",
                    display,
                    event.start_mark.line + 1,
                )
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise InventoryFileError(
                        "the file holds more than one YAML document (a second '---'): keep one",
                        display,
                        event.start_mark.line + 1,
                    )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(exc.problem or exc.context or "").split())
        raise InventoryFileError(
            f"not valid YAML: {problem}", display, mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise InventoryFileError(f"not valid YAML: {' '.join(str(exc).split())}", display) from None


def _compose(text: str, display: str) -> Any:
    """The document's node tree (scalars as written), refusing what inventories may not hold."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    _check_events(text, display)
    yaml = _yaml()
    try:
        root = yaml.compose(io.StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = " ".join(str(exc.problem or exc.context or "").split())
        raise InventoryFileError(f"not valid YAML: {problem}", display, line) from None
    except YAMLError as exc:
        raise InventoryFileError(f"not valid YAML: {' '.join(str(exc).split())}", display) from None
    except RecursionError:
        raise InventoryFileError("the YAML is nested too deeply to read", display) from None
    _check_duplicate_keys(root, display)
    return root


def _check_duplicate_keys(node: Any, display: str) -> None:
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                line = key.start_mark.line + 1
                if key.value in seen:
                    raise InventoryFileError(
                        f"the key {key.value!r} appears twice in one mapping (lines "
                        f"{seen[key.value]} and {line}): keep one",
                        display,
                        line,
                    )
                seen[key.value] = line
            _check_duplicate_keys(value, display)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _check_duplicate_keys(item, display)


def _records_node(root: Any, display: str) -> tuple[Any, bool]:
    """The sequence node holding the accounts, and whether it sits under ``accounts:``."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    if root is None:
        return None, False
    if isinstance(root, MappingNode):
        for key, value in root.value:
            if isinstance(key, ScalarNode) and key.value == "accounts":
                if isinstance(value, SequenceNode):
                    return value, True
                if isinstance(value, ScalarNode) and value.value in ("", "~", "null"):
                    return None, True
                break
    elif isinstance(root, SequenceNode):
        return root, False
    raise InventoryFileError(
        "expected a list of accounts (or a mapping with an 'accounts:' list)",
        display,
        root.start_mark.line + 1,
    )


def read_yaml(data: bytes, display: str) -> tuple[list[AccountRow], YamlInventory]:
    from ruamel.yaml.nodes import MappingNode, ScalarNode

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InventoryFileError("the file is not UTF-8: save it as UTF-8", display, line) from None
    bom = text.startswith(_BOM)
    text = text.removeprefix(_BOM)
    root = _compose(text, display)
    records, in_mapping = _records_node(root, display)
    rows: list[AccountRow] = []
    count = 0
    if records is not None:
        count = len(records.value)
        for index, item in enumerate(records.value):
            if not isinstance(item, MappingNode):
                continue
            values: dict[str, str] = {}
            for key, value in item.value:
                if isinstance(key, ScalarNode) and isinstance(value, ScalarNode):
                    values.setdefault(column_key(str(key.value)), str(value.value))
            rows.append(
                AccountRow(
                    key=index,
                    platform=values.get("platform", ""),
                    handle=values.get("handle", ""),
                    line=item.start_mark.line + 1,
                )
            )
    inventory = YamlInventory(
        display=display,
        text=text,
        bom=bom,
        crlf="\r\n" in text,
        in_mapping=in_mapping,
        record_count=count,
    )
    return rows, inventory


def render_yaml(inventory: YamlInventory, updates: Mapping[object, RowUpdate]) -> bytes:
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
                    _apply(records[index], update)
            out = io.StringIO()
            yaml.dump(document, out)
        except (YAMLError, RecursionError, TypeError, ValueError) as exc:
            raise OutputRefused(
                f"cannot rewrite {inventory.display} as YAML ({type(exc).__name__}); nothing was "
                "written: convert the inventory to CSV and enrich that"
            ) from None
        output = out.getvalue()
        _check_same(root_node, _compose(output, inventory.display), updates, inventory)
    if inventory.crlf:
        output = output.replace("\r\n", "\n").replace("\n", "\r\n")
    return ((_BOM if inventory.bom else "") + output).encode("utf-8")


def _apply(record: Any, update: RowUpdate) -> None:
    names = {column_key(str(k)): k for k in record}
    for name, value in update.cells.items():
        record[names.get(name, name)] = value


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
    before: Any, after: Any, updates: Mapping[object, RowUpdate], inventory: YamlInventory
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

    def records_of(root: Any) -> Any:
        return _records_node(root, inventory.display)[0]

    before_records, after_records = records_of(before), records_of(after)
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
