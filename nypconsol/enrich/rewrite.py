"""What rewriting an inventory needs in every format: the columns written, the row updates made
from lookups, cells made safe for Excel, and the atomic write."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nypconsol.core.inventory import column_key
from nypconsol.enrich.errors import OutputRefused
from nypconsol.enrich.models import RowResult

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


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(text: str) -> str:
    """A cell Excel will show, not run: ``=HYPERLINK(...)`` becomes ``'=HYPERLINK(...)``."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, fsync, then rename over ``path``: an
    interrupted run leaves the old file or none, never half of one."""
    folder = path.parent
    if path.is_dir():
        raise OutputRefused(f"cannot write {path}: it is a folder; name a file")
    if path.exists() and not path.is_file():
        raise OutputRefused(f"cannot write {path}: it is not a regular file")
    if not folder.is_dir():
        raise OutputRefused(f"cannot write {path}: the folder {folder} does not exist")
    temp_name = None
    try:
        fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
        temp_name = None
    except OSError as exc:
        raise OutputRefused(
            f"cannot write {path}: {exc.strerror or exc}; nothing was written"
        ) from None
    finally:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)


def _mode_for(path: Path) -> int:
    """An existing file keeps its permissions; a new one gets 0666 less the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
