"""Input files: read what the user named (or find the config), and decode text honestly."""

from __future__ import annotations

import errno
import hashlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from nypconsol.core.errors import NypconsolError
from nypconsol.core.findings import Finding
from nypconsol.core.models import BUILT_IN, InputRef
from nypconsol.loaders.located import LoadFailed

ENV_VAR = "NYPCONSOL_CONFIG"
LOCAL_CONFIG = Path("config") / "accounts.yaml"
STDIN = "-"  # the path that means standard input
STDIN_NAME = "<stdin>"  # how findings and the plan's inputs name it


@dataclass(frozen=True, slots=True)
class InputFile:
    """An input's bytes with the name to show for it and how it was found."""

    display: str
    data: bytes
    found_by: str

    def ref(self) -> InputRef:
        return InputRef(
            path=self.display, sha256=hashlib.sha256(self.data).hexdigest(), found_by=self.found_by
        )


def built_in_config() -> bytes:
    """The default mapping shipped in the package (or, in a source checkout, config/)."""
    from importlib import resources

    packaged = resources.files("nypconsol") / "data" / "accounts.yaml"
    if packaged.is_file():
        return packaged.read_bytes()
    # Editable installs and source checkouts keep the single copy in config/.
    return (Path(__file__).resolve().parents[2] / LOCAL_CONFIG).read_bytes()


def read_input(path: str, found_by: str) -> InputFile:
    """Read a file the user named (``-``: standard input, named ``<stdin>``).

    A path that names no file is a problem with the inputs (an ``unreadable-file`` finding,
    exit 1); a file that exists but cannot be read is an I/O failure (exit 4).
    """
    if path == STDIN:
        return InputFile(display=STDIN_NAME, data=read_stdin(), found_by=found_by)
    try:
        return InputFile(display=path, data=Path(path).read_bytes(), found_by=found_by)
    except FileNotFoundError:
        problem = "no such file"
    except IsADirectoryError:
        problem = "it is a folder, not a file"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            problem = "it is a symbolic link that leads back to itself (a loop)"
        else:
            raise NypconsolError(f"cannot read {path}: {why_unreadable(exc)}") from None
    raise LoadFailed(
        [Finding("unreadable-file", f"cannot read {path} ({problem}): check the path", path, None)]
    )


def why_unreadable(exc: OSError) -> str:
    """What an OSError reading a file means, and what to do: permissions only when it is
    about permissions."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{reason}; check its permissions"
    if exc.errno == errno.ELOOP:
        return f"{reason}: a symbolic link leads back to itself; point it at the real file"
    return reason


def read_stdin() -> bytes:
    """All of standard input, as bytes."""
    if sys.stdin is None:
        raise NypconsolError("standard input is closed: there is nothing to read from -")
    stream = getattr(sys.stdin, "buffer", None)
    if sys.stdin.isatty():
        raise NypconsolError(
            "standard input is a terminal: pipe the file in (... < inventory.csv) or name it"
        )
    try:
        return stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
    except OSError as exc:
        raise NypconsolError(f"cannot read standard input: {why_unreadable(exc)}") from None


def locate_config(option: str | None, environ: Mapping[str, str]) -> InputFile:
    """-c/--config, then $NYPCONSOL_CONFIG, then ./config/accounts.yaml, then the built-in one."""
    if option:
        return read_input(option, "--config")
    if environ.get(ENV_VAR):
        return read_input(environ[ENV_VAR], ENV_VAR)
    if LOCAL_CONFIG.is_file():
        return read_input(LOCAL_CONFIG.as_posix(), "./config/accounts.yaml")
    return InputFile(display=BUILT_IN, data=built_in_config(), found_by="built-in")


def decode_text(data: bytes, file: str, encoding: str | None = None) -> str:
    """Bytes to text: UTF-8 (a BOM is fine) unless told otherwise; never silently garbled."""
    # A UTF-8 byte-order mark says what the file is, whatever encoding was named; and a
    # byte-order mark is never part of the data.
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding or "utf-8-sig").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise LoadFailed([_undecodable(data, file, encoding, exc)]) from None
    except (LookupError, UnicodeError):  # no such codec, or one that decodes nothing
        raise LoadFailed(
            [
                Finding(
                    "bad-encoding",
                    f"unknown encoding {encoding!r}: try utf-8 or cp1252",
                    file,
                    None,
                )
            ]
        ) from None


def _undecodable(data: bytes, file: str, encoding: str | None, exc: UnicodeDecodeError) -> Finding:
    """The finding for the first byte that cannot be decoded, naming its line and column."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return Finding(
            "bad-encoding",
            "the file is UTF-16 (Excel's 'Unicode Text'): save it as 'CSV UTF-8' instead, or "
            "pass --encoding utf-16",
            file,
            1,
        )
    line = data.count(b"\n", 0, exc.start) + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    bad = data[exc.start : exc.start + 1].hex().upper()
    name = encoding or "UTF-8"
    return Finding(
        "bad-encoding",
        f"the file is not {name}: byte 0x{bad} at column {column} cannot be read; save it as "
        "'CSV UTF-8' from Excel, or pass --encoding cp1252 if it came from an older Excel",
        file,
        line,
    )
