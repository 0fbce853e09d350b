"""Without ``-i``, the inventory is the config's own ``accounts:`` list, as for every command.
The config itself is never rewritten (writing it back would re-flow the district mapping): its
``accounts:`` list is taken out as written, comments and all, and OUTPUT becomes an inventory of
its own, ``accounts:`` and the list, for ``-i`` from then on."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from nypconsol.enrich.errors import NoInventory, refused_inventory
from nypconsol.enrich.inventory_file import InventoryDocument
from nypconsol.enrich.rewrite import read_text_inventory
from nypconsol.loaders.located import LoadFailed
from nypconsol.loaders.sources import InputFile


def read_config_accounts(config: InputFile) -> InventoryDocument:
    """The ``accounts:`` list of ``config`` as an inventory to enrich: rows with the config's
    own lines, and OUTPUT's text ``accounts:`` plus the list as the config writes it.

    Raises NoInventory when the config has no such list, InventoryFileError when the config
    cannot be read as the inventory reader reads it.
    """
    import yaml

    from nypconsol.loaders.sources import decode_text
    from nypconsol.loaders.yamlfile import load_yaml

    display = config.display
    try:
        text = decode_text(config.data, display)
        document, findings = load_yaml(text, display)
    except LoadFailed as failed:
        raise refused_inventory(failed.findings, display) from None
    if errors := [f for f in findings if f.is_error]:
        raise refused_inventory(errors, display)
    if not isinstance(document, dict) or not isinstance(document.get("accounts"), list):
        raise NoInventory(
            f"{display} has no accounts: list to enrich: name the inventory with -i INVENTORY"
        )
    # The reader has accepted the text; PyYAML's nodes say where the list starts and ends.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    root = yaml.compose(text, Loader=loader)
    key, value = next(
        (k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "accounts"
    )
    if key.start_mark.column != 0 or root.flow_style:
        raise NoInventory(
            f"{display}: the accounts: list can be enriched only from a config written as "
            "plain blocks (accounts: at the start of its line); move the list to an inventory "
            "file and name it with -i"
        )
    newline = "\r\n" if "\r\n" in text else "\n"
    listed = text[key.start_mark.index : value.end_mark.index].rstrip() + newline
    rows, state = read_text_inventory(listed.encode("utf-8"), display, "yaml")
    offset = key.start_mark.line  # the list's lines in the config, for messages
    return InventoryDocument(
        path=Path(display),
        display=display,
        format="yaml",
        rows=tuple(replace(r, line=r.line + offset if r.line else r.line) for r in rows),
        state=state,
        from_config=True,
    )
