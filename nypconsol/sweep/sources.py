"""Read the files inside an archive (a zip or the folder it was extracted to) safely: sizes are
checked before anything is decompressed, nothing is extracted to disk, and paths inside are only
names to match, never places to write."""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Limits:
    """What one archive may make the sweep read. Real exports sit far inside these; zip bombs
    and hand-made traps do not. Each file is read whole, so ``max_member_bytes`` is also what
    bounds memory."""

    max_member_bytes: int = 1 << 30  # one data file; X and Meta split long ones into parts
    max_total_bytes: int = 16 << 30  # all the data files read from one archive together
    max_ratio: int = 200  # uncompressed / compressed, for members larger than ratio_floor
    ratio_floor_bytes: int = 1 << 20  # small files may compress far better than this
    max_members: int = 2_000_000  # entries in one zip's directory


class MemberError(Exception):
    """A file inside an archive could not be read; ``code`` is the finding code to report.

    The message names what is wrong in the tool's words only: never text from the file.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class SourceError(Exception):
    """The archive as a whole cannot be opened (not a zip, damaged directory, unreadable)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Member:
    name: str  # the path inside the archive, '/'-separated, as the archive names it
    size: int  # uncompressed size, as declared
    compressed: int  # compressed size (the size again for a folder)


@dataclass(frozen=True, slots=True)
class Rejected:
    """An entry skipped before reading: a path no export would use, or one not to follow."""

    name: str
    reason: str


def safe_member_name(raw: str) -> str | None:
    """The entry's path with '/' separators, or None when it is absolute or climbs out with '..'.

    Nothing is ever written from these names; a rejected one is skipped so that a crafted
    ``../data/account.js`` cannot pose as the archive's own file.
    """
    name = raw.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or "\x00" in name:
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts or not parts:
        return None
    return "/".join(parts)


class ArchiveSource:
    """The files of one archive, read one at a time within ``Limits``."""

    kind = "archive"

    def __init__(self, path: Path, display: str, limits: Limits) -> None:
        self.path = path
        self.display = display
        self.limits = limits
        self.spent = 0  # bytes read so far, against max_total_bytes

    def members(self) -> tuple[Member, ...]:
        raise NotImplementedError

    def rejected(self) -> tuple[Rejected, ...]:
        raise NotImplementedError

    def sha256(self) -> str:
        raise NotImplementedError

    def read(self, member: Member) -> bytearray:
        """The member's bytes, after checking its size against the limits."""
        self._check(member)
        self.spent += member.size
        return self._read(member)

    def read_head(self, member: Member, size: int) -> bytes:
        """At most ``size`` bytes from the start of the member (not counted against the total)."""
        self._check(member)
        return self._read_head(member, size)

    def _check(self, member: Member) -> None:
        limits = self.limits
        if member.size > limits.max_member_bytes:
            raise MemberError(
                "archive-too-large",
                f"declares {member.size:,} bytes, more than the {limits.max_member_bytes:,} "
                "a data file may have; it was not read",
            )
        if member.size > limits.ratio_floor_bytes and member.size > limits.max_ratio * max(
            member.compressed, 1
        ):
            raise MemberError(
                "archive-too-large",
                f"would expand {member.compressed:,} compressed bytes to {member.size:,} "
                f"(more than {limits.max_ratio} times, as zip bombs do); it was not read",
            )
        if self.spent + member.size > limits.max_total_bytes:
            raise MemberError(
                "archive-too-large",
                f"would take the data read from this archive past {limits.max_total_bytes:,} "
                "bytes; it and the files after it were not read",
            )

    def _read(self, member: Member) -> bytearray:
        raise NotImplementedError

    def _read_head(self, member: Member, size: int) -> bytes:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> ArchiveSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# zipfile decompresses these in bounded steps; bzip2 and LZMA chunks can expand without bound
# in one call, and no platform's export uses them.
_SAFE_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError)


class ZipSource(ArchiveSource):
    kind = "zip"

    def __init__(self, path: Path, display: str, limits: Limits) -> None:
        super().__init__(path, display, limits)
        try:
            self._zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise SourceError("archive-unreadable", "does not exist") from None
        except PermissionError:
            raise SourceError("archive-unreadable", "cannot be read (permission denied)") from None
        except (*_ZIP_ERRORS, NotImplementedError, OSError):
            raise SourceError(
                "archive-corrupt",
                "is not a readable zip (damaged, cut short, or not a zip at all); "
                "download the archive again",
            ) from None
        infos = self._zip.infolist()
        if len(infos) > limits.max_members:
            self._zip.close()
            raise SourceError(
                "archive-too-large",
                f"lists {len(infos):,} files, more than the {limits.max_members:,} any export has",
            )
        self._members: list[Member] = []
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._rejected: list[Rejected] = []
        for info in infos:
            if info.is_dir():
                continue
            name = safe_member_name(info.filename)
            if name is None:
                self._rejected.append(
                    Rejected(info.filename, "has an absolute path or '..' in it; it was not read")
                )
                continue
            if name in self._infos:
                self._rejected.append(
                    Rejected(name, "appears twice in the archive; only the first copy was read")
                )
                continue
            self._infos[name] = info
            self._members.append(Member(name, info.file_size, info.compress_size))

    def members(self) -> tuple[Member, ...]:
        return tuple(self._members)

    def rejected(self) -> tuple[Rejected, ...]:
        return tuple(self._rejected)

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with open(self.path, "rb") as handle:
            for block in iter(lambda: handle.read(_CHUNK), b""):
                digest.update(block)
        return digest.hexdigest()

    def _open(self, member: Member):  # type: ignore[no-untyped-def]
        info = self._infos[member.name]
        if info.compress_type not in _SAFE_METHODS:
            raise MemberError(
                "archive-corrupt",
                f"is compressed with method {info.compress_type}, which no platform export "
                "uses; it was not read",
            )
        if info.flag_bits & 0x1:
            raise MemberError("archive-corrupt", "is encrypted; it was not read")
        return self._zip.open(info)

    def _read(self, member: Member) -> bytearray:
        buffer = bytearray(member.size)
        view = memoryview(buffer)
        position = 0
        try:
            with self._open(member) as stream:
                while position < member.size:
                    got = stream.readinto(view[position : position + _CHUNK])
                    if not got:
                        break
                    position += got
                # zipfile stops at the declared size; one more read checks the CRC at the end
                stream.read(1)
        except MemberError:
            raise
        except (*_ZIP_ERRORS, OSError):
            raise MemberError(
                "archive-corrupt",
                "is damaged (its data or checksum does not match the zip's directory); "
                "download the archive again",
            ) from None
        finally:
            view.release()
        if position != member.size:
            raise MemberError(
                "archive-corrupt",
                f"is cut short: {position:,} of {member.size:,} bytes; download the archive again",
            )
        return buffer

    def _read_head(self, member: Member, size: int) -> bytes:
        try:
            with self._open(member) as stream:
                return stream.read(min(size, member.size))
        except MemberError:
            raise
        except (*_ZIP_ERRORS, OSError):
            raise MemberError("archive-corrupt", "is damaged; download the archive again") from None

    def close(self) -> None:
        self._zip.close()


class FolderSource(ArchiveSource):
    """An archive already extracted by the user: read in place, symbolic links never followed."""

    kind = "folder"

    def __init__(self, path: Path, display: str, limits: Limits) -> None:
        super().__init__(path, display, limits)
        self._members: list[Member] = []
        self._rejected: list[Rejected] = []
        try:
            for name, entry_stat in _walk(path):
                if stat.S_ISLNK(entry_stat.st_mode):
                    self._rejected.append(Rejected(name, "is a symbolic link; it was not followed"))
                elif stat.S_ISREG(entry_stat.st_mode):
                    self._members.append(Member(name, entry_stat.st_size, entry_stat.st_size))
                if len(self._members) > limits.max_members:
                    raise SourceError(
                        "archive-too-large",
                        f"holds more than the {limits.max_members:,} files any export has",
                    )
        except PermissionError:
            raise SourceError("archive-unreadable", "cannot be read (permission denied)") from None
        self._members.sort(key=lambda m: m.name)

    def members(self) -> tuple[Member, ...]:
        return tuple(self._members)

    def rejected(self) -> tuple[Rejected, ...]:
        return tuple(self._rejected)

    def sha256(self) -> str:
        """SHA-256 over every file's path and SHA-256, in path order: the folder's identity."""
        digest = hashlib.sha256()
        for member in self._members:
            file_digest = hashlib.sha256()
            with self._open(member) as handle:
                for block in iter(lambda h=handle: h.read(_CHUNK), b""):
                    file_digest.update(block)
            digest.update(member.name.encode("utf-8", "surrogateescape") + b"\x00")
            digest.update(file_digest.digest())
        return digest.hexdigest()

    def _open(self, member: Member):  # type: ignore[no-untyped-def]
        # O_NOFOLLOW: a file swapped for a link after listing is refused, not followed.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
        try:
            descriptor = os.open(self.path / member.name, flags)
        except OSError:
            raise MemberError("archive-unreadable", "cannot be read") from None
        return os.fdopen(descriptor, "rb")

    def _read(self, member: Member) -> bytearray:
        with self._open(member) as handle:
            buffer = bytearray(member.size)
            try:
                got = handle.readinto(buffer)
                extra = handle.read(1)
            except OSError:
                raise MemberError("archive-unreadable", "cannot be read") from None
        if got != member.size or extra:
            raise MemberError(
                "archive-unreadable", "changed while it was being read; run the sweep again"
            )
        return buffer

    def _read_head(self, member: Member, size: int) -> bytes:
        with self._open(member) as handle:
            try:
                return handle.read(size)
            except OSError:
                raise MemberError("archive-unreadable", "cannot be read") from None


def _walk(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    """Every entry under root as (relative '/' path, lstat), without following links; a loop,
    not recursion, so no depth of folders can exhaust the stack."""
    pending = [(root, "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as entries:
            children = list(entries)
        for entry in children:
            name = f"{prefix}{entry.name}"
            entry_stat = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(entry_stat.st_mode):
                pending.append((Path(entry.path), name + "/"))
            else:
                yield name, entry_stat
