"""Write output files atomically, and only where the user asked."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from nypconsol.core.errors import OutputError


def atomic_write(path: str | Path, data: bytes | Iterable[bytes]) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over the target.

    ``data`` may come in chunks, so a large plan is never held in memory whole. An interrupted
    run (Ctrl-C, a full disk) leaves the old file, or none, never half of one.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder; name a file")
    if target.exists() and not target.is_file():
        # A pipe or a device: renaming over it would replace it, not write to it.
        raise OutputError(
            f"cannot write {path}: it is not a regular file; use -o - for standard output"
        )
    if not folder.is_dir():
        raise OutputError(f"cannot write {path}: the folder {folder} does not exist")
    temp_name = None
    try:
        fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.fchmod(fd, _mode_for(target))
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
        temp_name = None
    except OSError as exc:
        raise OutputError(
            f"cannot write {path}: {exc.strerror or exc}; nothing was written"
        ) from None
    finally:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)


def _mode_for(target: Path) -> int:
    """An existing file keeps its permissions; a new one gets 0666 less the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def check_inside(folder: Path, target: Path) -> None:
    """Refuse a target that resolves outside ``folder`` (for instance through a symlink)."""
    root = folder.resolve()
    resolved = target.resolve()
    if resolved != root and root not in resolved.parents:
        raise OutputError(
            f"refusing to write {target}: it resolves to {resolved}, outside {folder}"
        )
