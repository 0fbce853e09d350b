"""An inventory read for enrichment and written back in its own format: the rows to look up,
and OUTPUT with followers and the lookup columns filled in."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from nypconsol.core.errors import NypconsolError, OutputError
from nypconsol.enrich.errors import (
    EnrichError,
    InventoryFileError,
    OutputRefused,
    refused_inventory,
)
from nypconsol.enrich.models import AccountRow, RowResult
from nypconsol.enrich.rewrite import read_text_inventory, updates_from
from nypconsol.loaders.located import LoadFailed
from nypconsol.loaders.tables import FORMATS


@dataclass(frozen=True, slots=True)
class InventoryDocument:
    """An inventory as read for rewriting: its rows and what is needed to write it back."""

    path: Path
    display: str  # the name as the user gave it, for messages
    format: str  # "csv", "xlsx", "yaml" or "json"
    rows: tuple[AccountRow, ...]
    state: Any  # the format's own record of the file (CsvInventory, ...)
    # The config's accounts: list (enrich/configfile.py): OUTPUT is an inventory of its own,
    # and may never be the config itself.
    from_config: bool = False

    @property
    def warnings(self) -> tuple[str, ...]:
        """What writing it back may not keep (an XLSX's drawings), for the user to check."""
        return getattr(self.state, "warnings", ())


def inventory_format(name: str | os.PathLike[str]) -> str | None:
    """``csv``, ``xlsx``, ``yaml`` or ``json`` from a file name, as the inventory reader decides."""
    return FORMATS.get(PurePath(name).suffix.casefold())


def read_inventory(
    path: str | os.PathLike[str],
    *,
    sheet: str | None = None,
    encoding: str | None = None,
) -> InventoryDocument:
    """Read an inventory for enrichment. Raises InventoryFileError (exit 1) naming the file and
    line when it cannot be read or rewritten safely."""
    target = Path(path)
    display = os.fspath(path)
    kind = inventory_format(target)
    if kind is None:
        raise InventoryFileError(
            "cannot tell the inventory's format from its name: use a .csv, .xlsx, .yaml or "
            ".json file",
            display,
        )
    data = _read_bytes(display)
    state: Any
    if kind == "csv":
        from nypconsol.enrich.csvfile import read_csv

        rows, state = read_csv(data, display, encoding)
    elif kind == "xlsx":
        from nypconsol.enrich.xlsxfile import read_xlsx

        keep_vba = target.suffix.casefold() == ".xlsm"
        rows, state = read_xlsx(data, display, sheet, keep_vba=keep_vba)
    else:
        rows, state = read_text_inventory(data, display, kind, encoding)
    return InventoryDocument(
        path=target, display=display, format=kind, rows=tuple(rows), state=state
    )


def _read_bytes(display: str) -> bytes:
    """The file's bytes, read as the inventory reader reads them: a missing file or a folder is
    an input error (exit 1), a file that cannot be read an I/O failure (exit 4)."""
    from nypconsol.loaders.sources import read_input

    try:
        return read_input(display, "-i").data
    except LoadFailed as failed:
        raise refused_inventory(failed.findings, display) from None
    except NypconsolError as exc:
        raise EnrichError(str(exc)) from None


def enriched_bytes(document: InventoryDocument, results: Iterable[RowResult]) -> bytes:
    """The inventory with the lookups written in, in the input's format."""
    updates = updates_from(results)
    if document.format == "csv":
        from nypconsol.enrich.csvfile import render_csv

        return render_csv(document.state, updates)
    if document.format == "xlsx":
        from nypconsol.enrich.xlsxfile import render_xlsx

        return render_xlsx(document.state, updates)
    if document.format == "yaml":
        from nypconsol.enrich.yamlfile import render_yaml

        return render_yaml(document.state, updates)
    from nypconsol.enrich.jsonfile import render_json

    return render_json(document.state, updates)


def check_output(
    document: InventoryDocument, output: str | os.PathLike[str], *, overwrite_input: bool = False
) -> Path:
    """OUTPUT as a path, or OutputRefused: it must have the input's format, and may be the input
    itself only with ``overwrite_input`` (the CLI's ``--force`` with OUTPUT naming the input).

    Call it before any lookup, so that a refusal costs no requests.
    """
    target = Path(output)
    kind = inventory_format(target)
    if kind != document.format:
        suffix = {"csv": ".csv", "xlsx": ".xlsx", "yaml": ".yaml", "json": ".json"}[document.format]
        raise OutputRefused(
            f"{os.fspath(output)}: the enriched inventory is written in the input's format "
            f"({document.format}): give OUTPUT a {suffix} name"
        )
    if target.is_dir():
        raise OutputRefused(f"{os.fspath(output)} is a folder: name a file")
    if not target.parent.is_dir() if str(target.parent) else False:
        raise OutputRefused(f"{os.fspath(output)}: the folder {target.parent} does not exist")
    if document.from_config and same_file(document.path, target):
        raise OutputRefused(
            f"{os.fspath(output)} is the config: the accounts are written as an inventory of "
            "their own, which would replace the district mapping; name another file"
        )
    if same_file(document.path, target) and not overwrite_input:
        raise OutputRefused(
            f"{os.fspath(output)} is the input inventory: refusing to overwrite it; name another "
            "file, or give --force to replace the input"
        )
    return target


def write_enriched(
    document: InventoryDocument,
    results: Iterable[RowResult],
    output: str | os.PathLike[str],
    *,
    overwrite_input: bool = False,
) -> Path:
    """Write the enriched inventory to ``output`` atomically (temporary file in the same folder,
    fsync, rename); returns the path written. Raises OutputRefused, writing nothing, when
    ``output`` is the input and ``overwrite_input`` is false, or has another format."""
    from nypconsol.loaders.writing import atomic_write

    target = check_output(document, output, overwrite_input=overwrite_input)
    data = enriched_bytes(document, results)
    try:
        atomic_write(target, data)
    except OutputError as exc:
        raise OutputRefused(str(exc)) from None
    return target


def same_file(a: Path, b: Path) -> bool:
    """The same file (a link to it included); for paths not yet made, the same resolved path."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()
