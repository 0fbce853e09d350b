"""Write output files atomically, and only where the user asked; keep the list of files this
command has written completely (``JOURNAL``), so that an interrupt can say so truthfully."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from nypconsol.core.errors import OutputError

# The files this command has written completely, as named to the user, in order. A file is
# added in the same moment as it is renamed into place (interrupts held off in between).
JOURNAL: list[str] = []

_HELD = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold off Ctrl-C, SIGTERM and SIGHUP for a few system calls: a file is renamed into
    place and recorded in JOURNAL together, or neither. A signal that comes meanwhile is
    delivered at the end.

    In the main thread the signals' Python handlers are swapped for one that only notes the
    signal: blocking them there would not do, as the system hands a signal sent to the process
    to any thread that does not block it (one of a thread pool's, just ending), and Python
    then runs the handler in the main thread all the same."""
    if threading.current_thread() is not threading.main_thread():
        with _blocked():
            yield
        return
    came: list[int] = []
    previous = {}
    for signum in _HELD:
        with contextlib.suppress(ValueError, OSError):
            previous[signum] = signal.signal(signum, lambda signum, frame: came.append(signum))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if came:
            _deliver(came[0], previous.get(came[0]))


@contextlib.contextmanager
def _blocked() -> Iterator[None]:
    held = hasattr(signal, "pthread_sigmask")
    if held:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        if held:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _deliver(signum: int, handler: object) -> None:
    """The signal held off, to the handler it would have had."""
    if callable(handler):
        handler(signum, None)
    elif handler == signal.SIG_DFL:
        os.kill(os.getpid(), signum)


def atomic_write(path: str | Path, data: bytes | Iterable[bytes]) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over the target.

    ``data`` may come in chunks, so a large plan is never held in memory whole. An interrupted
    run (Ctrl-C, SIGTERM, a full disk) leaves the old file, or none, never half of one, and no
    temporary file.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    _check_target(target, folder, str(path))
    temp_name = None
    try:
        with interrupts_held():  # the file is never made without its name being kept
            fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            # mkstemp makes the file private (0600); give it the mode a plain open() would.
            os.fchmod(fd, _mode_for(target))
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
        with interrupts_held():
            os.replace(temp_name, target)
            temp_name = None
            JOURNAL.append(str(path))
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_why(exc)}; nothing was written") from None
    finally:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)


def write_files(files: Mapping[Path, bytes], *, shown: Mapping[Path, str] | None = None) -> None:
    """Write several files all or none: each to a temporary file beside it first (a full disk
    stops here, leaving every target as it was), then all renamed into place with interrupts
    held off. Folders this call made are removed again if nothing could be written."""
    shown = shown or {}
    names = {target: shown.get(target, str(target)) for target in files}
    for target in files:
        _check_target(target, None, names[target])
    made: list[Path] = []
    staged: list[tuple[Path, str]] = []
    done = False
    try:
        for target in files:
            made.extend(_make_folders(target.parent))
        for target, data in files.items():
            _stage(target, data, staged)
        with interrupts_held():
            _rename_all(staged)
            staged = []
            JOURNAL.extend(names.values())
            done = True
    except OSError as exc:
        shown_names = " and ".join(names.values())
        raise OutputError(f"cannot write {shown_names}: {_why(exc)}; nothing was written") from None
    finally:
        for _, temp in staged:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        if not done:
            for folder in reversed(made):
                with contextlib.suppress(OSError):
                    folder.rmdir()


def _rename_all(staged: list[tuple[Path, str]]) -> None:
    """Rename every staged file into place; if one rename fails, put back what the earlier
    ones replaced (kept as hard links until the end), so that it is all or none."""
    done: list[tuple[Path, str | None]] = []  # renamed, with the backup of what it replaced
    backups: list[str] = []
    try:
        for target, temp in staged:
            backup = None
            if target.is_file():
                backup = temp + ".old"
                os.link(target, backup)
                backups.append(backup)
            os.replace(temp, target)
            done.append((target, backup))
    except OSError:
        for target, backup in reversed(done):
            with contextlib.suppress(OSError):
                if backup is None:
                    os.unlink(target)
                else:
                    os.replace(backup, target)
        raise
    finally:
        for backup in backups:
            with contextlib.suppress(OSError):
                os.unlink(backup)


def _stage(target: Path, data: bytes, staged: list[tuple[Path, str]]) -> None:
    """Write ``data`` to a temporary file beside ``target``, listed in ``staged`` the moment
    it exists (so that it is removed whatever happens next)."""
    with interrupts_held():
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        staged.append((target, name))
    with os.fdopen(fd, "wb") as handle:  # closed whatever happens; the caller removes it
        os.fchmod(fd, _mode_for(target))
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _make_folders(folder: Path) -> list[Path]:
    """Make ``folder`` and its missing parents; the ones made, outermost first."""
    missing = [f for f in (folder, *folder.parents) if not f.exists()]
    made = []
    for path in reversed(missing):
        path.mkdir()
        made.append(path)
    return made


def _check_target(target: Path, folder: Path | None, name: str) -> None:
    if target.is_dir():
        raise OutputError(f"cannot write {name}: it is a folder; name a file")
    if target.exists() and not target.is_file():
        # A pipe or a device: renaming over it would replace it, not write to it.
        raise OutputError(
            f"cannot write {name}: it is not a regular file; use -o - for standard output"
        )
    if folder is not None and not folder.is_dir():
        try:
            os.stat(folder)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise OutputError(f"cannot write {name}: {_why(exc)}") from None
        raise OutputError(f"cannot write {name}: the folder {folder} does not exist")


def _why(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link on the way leads back to itself (a loop)"
    return exc.strerror or str(exc)


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
    try:
        root = folder.resolve()
        resolved = target.resolve()
    except RuntimeError:  # a symlink loop (Python 3.11 raises this, not OSError)
        raise OutputError(
            f"refusing to write {target}: a symbolic link on the way leads back to itself"
        ) from None
    if resolved != root and root not in resolved.parents:
        raise OutputError(
            f"refusing to write {target}: it resolves to {resolved}, outside {folder}"
        )
