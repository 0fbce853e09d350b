"""Find the archives in the paths given (each zip, each extracted export folder, and those inside
a folder of archives) and tell which platform's export each one is."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nypconsol.sweep import mastodon, meta, x
from nypconsol.sweep.model import ArchiveFinding, Platform, archive_finding
from nypconsol.sweep.sources import ArchiveSource

_ROOT_DIRS = (
    "messages",
    "your_activity_across_facebook",
    "your_facebook_activity",
    "your_instagram_activity",
    "personal_information",
)
_ROOT_FILES = ("outbox.json", "actor.json", *x.X_MARKERS)
_MAX_DEPTH = 4  # how deep a folder of archives is searched


@dataclass(frozen=True, slots=True)
class Candidate:
    """An archive found in the paths given: a zip or an extracted folder."""

    path: Path
    display: str  # as the user gave it, or joined onto what they gave
    is_zip: bool


@dataclass(frozen=True, slots=True)
class Layout:
    platforms: tuple[str, ...]
    root: str  # "" or the one folder the export sits in, "name/"
    description: str
    meta: meta.MetaLayout | None = None


def _looks_like_export(folder: Path) -> bool:
    return any((folder / name).is_file() for name in _ROOT_FILES) or any(
        (folder / name).is_dir() for name in _ROOT_DIRS
    )


def _is_zip(path: Path) -> bool:
    return path.suffix.casefold() == ".zip" or zipfile.is_zipfile(path)


def discover(paths: Sequence[str]) -> tuple[list[Candidate], list[ArchiveFinding]]:
    """The archives in the paths given: each zip, each extracted export folder, and every one
    of those inside a folder of archives (searched a few levels deep, links not followed)."""
    found: list[Candidate] = []
    findings: list[ArchiveFinding] = []
    for given in paths:
        path = Path(given)
        try:
            if path.is_symlink() and not path.exists():
                findings.append(archive_finding("archive-unreadable", given, "is a broken link"))
            elif path.is_file():
                lowered = path.name.casefold()
                if lowered.endswith((".tar.gz", ".tgz", ".tar")):
                    findings.append(
                        archive_finding(
                            "archive-layout",
                            given,
                            "is a tar archive (older Mastodon exports); this version reads zips "
                            "and folders: extract it and give the folder",
                        )
                    )
                elif _is_zip(path):
                    found.append(Candidate(path=path, display=given, is_zip=True))
                else:
                    findings.append(
                        archive_finding("archive-layout", given, "is neither a zip nor a folder")
                    )
            elif path.is_dir():
                before = len(found)
                _search(path, given, 0, found)
                if len(found) == before:
                    findings.append(
                        archive_finding(
                            "archive-layout",
                            given,
                            "holds no archive: no zip, and none of the files an X, Facebook, "
                            "Instagram or Mastodon export has",
                        )
                    )
            else:
                findings.append(archive_finding("archive-unreadable", given, "does not exist"))
        except PermissionError:
            findings.append(
                archive_finding("archive-unreadable", given, "cannot be read (permission denied)")
            )
    return found, findings


def _search(folder: Path, display: str, depth: int, found: list[Candidate]) -> None:
    if _looks_like_export(folder):
        found.append(Candidate(path=folder, display=display, is_zip=False))
        return
    if depth >= _MAX_DEPTH:
        return
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        child = Path(entry.path)
        shown = os.path.join(display, entry.name)
        if entry.is_symlink():
            continue
        if entry.is_dir():
            _search(child, shown, depth + 1, found)
        elif entry.is_file() and entry.name.casefold().endswith(".zip"):
            found.append(Candidate(path=child, display=shown, is_zip=True))


def _common_folder(names: Iterable[str]) -> str | None:
    top = None
    for name in names:
        head, sep, _ = name.partition("/")
        if not sep or (top is not None and head != top):
            return None
        top = head
    return None if top is None else top + "/"


def detect_layout(source: ArchiveSource) -> Layout | None:
    """Which export this is (X, Facebook, Instagram, Mastodon), at its root or in one folder."""
    names = [m.name for m in source.members()]
    roots = [""]
    wrapper = _common_folder(names)
    if wrapper:
        roots.append(wrapper)
    for root in roots:
        files = {n[len(root) :]: None for n in names if n.startswith(root)}
        if any(x.is_x_file(n) for n in files):
            return Layout(platforms=(Platform.X,), root=root, description="x")
        found = meta.detect(files)
        if found is not None:
            where = ", ".join(found.roots) or "no messages folder"
            return Layout(
                platforms=found.platforms,
                root=root,
                description=f"meta ({where})",
                meta=found,
            )
        if any(n in mastodon.MARKERS for n in files):
            return Layout(platforms=(Platform.MASTODON,), root=root, description="mastodon")
    return None
