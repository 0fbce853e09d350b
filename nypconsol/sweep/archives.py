"""Find the archives in the paths given, tie each to its inventory account, read it with its
platform's reader, and gather the inbound messages of all of them with ``answered`` decided."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nypconsol.sweep import mastodon, meta, x
from nypconsol.sweep.conversations import ConversationLog, ReadContext
from nypconsol.sweep.memory import collector_paused
from nypconsol.sweep.model import (
    PLATFORM_NAMES,
    ArchiveCoverage,
    ArchiveFinding,
    InboundMessage,
    MatchedBy,
    Platform,
    SweepAccount,
    SweepInput,
    handle_key,
)
from nypconsol.sweep.sources import (
    ArchiveSource,
    FolderSource,
    Limits,
    SourceError,
    ZipSource,
)

# What each platform's archive cannot show (ARCHIVES.md, "Coverage, by platform"): the triage
# team must know what the sweep did not see, and check it another way before closing.
NOT_COVERED: dict[str, tuple[str, ...]] = {
    Platform.X: (
        "replies and mentions from other people: an X archive holds only the account's own tweets",
        "message requests and encrypted chats: whether an X archive holds them is not known",
    ),
    Platform.FACEBOOK: (
        "comments from other people on the account's posts: the export holds only the account's own comments",
        "replies and mentions from other people",
    ),
    Platform.INSTAGRAM: (
        "comments from other people on the account's posts: the export holds only the account's own comments",
        "replies and mentions from other people",
    ),
    Platform.MASTODON: (
        "direct messages to the account: only the Mastodon API has them, and this version does not call it",
        "mentions and replies from other people: only the Mastodon API has them, and this version does not call it",
    ),
}

_ROOT_DIRS = (
    "messages",
    "your_activity_across_facebook",
    "your_facebook_activity",
    "your_instagram_activity",
    "personal_information",
)
_ROOT_FILES = ("outbox.json", "actor.json", *x.X_MARKERS)
_MAX_DEPTH = 4  # how deep a folder of archives is searched
_NAME_SPLIT = re.compile(r"[-\s]+")


class SweepError(RuntimeError):
    """A fault while reading an archive (never bad input, which is a finding); the message
    names the archive and the kind of fault only, never what the archive holds."""


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


def _finding(code: str, archive: str, message: str, member: str | None = None) -> ArchiveFinding:
    return ArchiveFinding(code=code, archive=archive, member=member, message=message)


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
                findings.append(_finding("archive-unreadable", given, "is a broken link"))
            elif path.is_file():
                lowered = path.name.casefold()
                if lowered.endswith((".tar.gz", ".tgz", ".tar")):
                    findings.append(
                        _finding(
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
                        _finding("archive-layout", given, "is neither a zip nor a folder")
                    )
            elif path.is_dir():
                before = len(found)
                _search(path, given, 0, found)
                if len(found) == before:
                    findings.append(
                        _finding(
                            "archive-layout",
                            given,
                            "holds no archive: no zip, and none of the files an X, Facebook, "
                            "Instagram or Mastodon export has",
                        )
                    )
            else:
                findings.append(_finding("archive-unreadable", given, "does not exist"))
        except PermissionError:
            findings.append(
                _finding("archive-unreadable", given, "cannot be read (permission denied)")
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


class AccountIndex:
    """The inventory accounts by platform and handle as the platform compares them."""

    def __init__(self, accounts: Iterable[SweepAccount]) -> None:
        self._by_key: dict[tuple[str, str], SweepAccount] = {}
        for account in accounts:
            self._by_key.setdefault(account.key(), account)
        self._platforms = sorted({p for p, _ in self._by_key})

    def lookup(
        self, handle: str, platforms: tuple[str, ...]
    ) -> tuple[list[SweepAccount], list[SweepAccount]]:
        """(accounts of that handle on these platforms, accounts of it on other platforms)."""
        fits, others = [], []
        for platform in self._platforms:
            account = self._by_key.get((platform, handle_key(platform, handle)))
            if account is not None:
                (fits if platform in platforms else others).append(account)
        return fits, others


def _name_candidates(candidate: Candidate) -> list[tuple[str, str]]:
    """Handles the archive's own name and its folder's could be, with where each comes from."""
    path = candidate.path.absolute()
    own = (
        path.name[:-4] if candidate.is_zip and path.name.casefold().endswith(".zip") else path.name
    )
    names = [(own, "its name")]
    names += [(part, "its name") for part in _NAME_SPLIT.split(own) if part and part != own]
    if path.parent.name:
        names.append((path.parent.name, "the folder it is in"))
    return names


def _platforms_text(platforms: tuple[str, ...]) -> str:
    return " or ".join(PLATFORM_NAMES[Platform(p)] for p in platforms)


def match_account(
    candidate: Candidate,
    platforms: tuple[str, ...],
    named: tuple[str, str] | None,
    index: AccountIndex,
    account_hint: str | None,
) -> tuple[SweepAccount, MatchedBy] | ArchiveFinding:
    """The inventory account of an archive: named by the archive itself, else by its file or
    folder name, else by ``--account``. An archive of no inventory account, or tied to one on
    another platform, is a finding naming it."""
    archive = candidate.display
    kind = _platforms_text(platforms)
    if named is not None:
        handle, where = named
        fits, others = index.lookup(handle, platforms)
        if len(fits) == 1:
            return fits[0], MatchedBy.ARCHIVE
        if others:
            return _wrong_platform(archive, kind, handle, others[0], where)
        return _finding(
            "archive-unmatched",
            archive,
            f"is the {kind} archive of @{handle} (named in {where}), which is not in the "
            "inventory: add the account to the inventory, or leave the archive out",
        )
    wrong: tuple[str, SweepAccount, str] | None = None
    tried = [(name, where) for name, where in _name_candidates(candidate)]
    if account_hint:
        tried.append((account_hint, "--account"))
    for name, where in tried:
        fits, others = index.lookup(name, platforms)
        if len(fits) == 1:
            by = MatchedBy.ACCOUNT_OPTION if where == "--account" else MatchedBy.NAME
            return fits[0], by
        if len(fits) > 1:
            return _finding(
                "archive-unmatched",
                archive,
                f"could be the archive of {name} on "
                + " or ".join(PLATFORM_NAMES[Platform(a.platform)] for a in fits)
                + ", and the archive does not say which",
            )
        if others and (wrong is None or where == "--account"):
            wrong = (name, others[0], where)  # what the user said outright counts most
    if wrong is not None:
        return _wrong_platform(archive, kind, wrong[0], wrong[1], wrong[2])
    return _finding(
        "archive-unmatched",
        archive,
        f"does not say which {kind} account it is, and neither its name nor its folder's is an "
        "inventory handle: put it in a folder named after the account's handle, or pass --account",
    )


def _wrong_platform(
    archive: str, kind: str, handle: str, account: SweepAccount, where: str
) -> ArchiveFinding:
    other = _OTHER_NAMES.get(account.platform, account.platform)
    return _finding(
        "archive-wrong-platform",
        archive,
        f"is {_article(kind)} {kind} archive, but {handle} ({where}) is {_article(other)} {other} "
        "account in the inventory: "
        "check that the archive and the account belong together",
    )


def _article(name: str) -> str:
    return "an" if name[:1] in ("X", "I", "A", "E", "O", "U") else "a"


_OTHER_NAMES = {**{str(p): n for p, n in PLATFORM_NAMES.items()}, "tiktok": "TikTok"}


@dataclass
class _ArchiveRead:
    coverage: ArchiveCoverage
    log: ConversationLog


def _read_one(
    candidate: Candidate,
    index: AccountIndex,
    account_hint: str | None,
    limits: Limits,
    seen: dict[str, str],
    findings: list[ArchiveFinding],
) -> _ArchiveRead | None:
    display = candidate.display
    try:
        source: ArchiveSource = (
            ZipSource(candidate.path, display, limits)
            if candidate.is_zip
            else FolderSource(candidate.path, display, limits)
        )
    except SourceError as error:
        findings.append(_finding(error.code, display, error.message))
        return None
    with source:
        for rejected in source.rejected():
            findings.append(_finding("archive-bad-path", display, rejected.reason, rejected.name))
        try:
            digest = source.sha256()
        except OSError:
            findings.append(_finding("archive-unreadable", display, "cannot be read"))
            return None
        if digest in seen:
            findings.append(
                _finding(
                    "archive-duplicate",
                    display,
                    f"is the same archive as {seen[digest]} (same SHA-256); it was read once",
                )
            )
            return None
        seen[digest] = display
        layout = detect_layout(source)
        if layout is None:
            findings.append(
                _finding(
                    "archive-layout",
                    display,
                    "is not an export layout this version knows (X data/ files, Facebook or "
                    "Instagram messages/ in JSON, Mastodon outbox.json)",
                )
            )
            return None
        if layout.meta is not None and layout.meta.html_only:
            findings.append(
                _finding(
                    "archive-layout",
                    display,
                    "is a Facebook or Instagram export in HTML format; download your information "
                    "again choosing the JSON format",
                )
            )
            return None
        log = ConversationLog(display)
        ctx = ReadContext(source=source, root=layout.root, log=log, findings=findings)
        named: tuple[str, str] | None = None
        if layout.platforms == (Platform.X,):
            x_identity = x.read_identity(ctx)
            if x_identity.username:
                named = (x_identity.username, x_identity.member or "the archive")
        elif layout.platforms == (Platform.MASTODON,):
            m_identity = mastodon.read_identity(ctx)
            if m_identity.handle:
                named = (m_identity.handle, m_identity.member or "the archive")
        else:
            meta_identity = meta.read_identity(ctx)
            if meta_identity.username:
                named = (meta_identity.username, meta_identity.member or "the archive")
        matched = match_account(candidate, layout.platforms, named, index, account_hint)
        if isinstance(matched, ArchiveFinding):
            findings.append(matched)
            return None
        account, matched_by = matched
        platform = account.platform
        if layout.platforms == (Platform.X,):
            x.read_messages(ctx, x_identity)
        elif layout.platforms == (Platform.MASTODON,):
            mastodon.read_posts(ctx)
        else:
            assert layout.meta is not None
            owners = meta.account_names(ctx, layout.meta, meta_identity, account.handle)
            if not owners:
                ctx.finding(
                    "archive-owner-unknown",
                    None,
                    "does not show which participant is the account, so its own messages cannot "
                    "be told apart: every message is listed as inbound and none as answered",
                )
            meta.read_messages(ctx, layout.meta, owners)
    coverage = ArchiveCoverage(
        path=display,
        sha256=digest,
        platform=platform,
        account=account,
        matched_by=matched_by,
        layout=layout.description,
        conversations=len(log.conversations),
        messages=log.messages,
        inbound=len(log.inbound),
        own=log.own + log.own_posts,
        first_ms=log.first_ms,
        last_ms=log.last_ms,
        not_covered=NOT_COVERED[Platform(platform)],
    )
    return _ArchiveRead(coverage=coverage, log=log)


def read_archives(
    paths: Sequence[str],
    accounts: Iterable[SweepAccount],
    account_hint: str | None = None,
    limits: Limits | None = None,
) -> SweepInput:
    """Read every archive in ``paths`` (zips, extracted folders, folders of archives).

    Each is tied to one of ``accounts``; a bad archive, or a bad file in one, becomes a finding
    and the rest are still read. Messages found in two archives of the same account (two
    downloads, or the parts of one) are kept once, under the first archive given.
    """
    with collector_paused():
        return _read_all(paths, accounts, account_hint, limits or Limits())


def _read_all(
    paths: Sequence[str],
    accounts: Iterable[SweepAccount],
    account_hint: str | None,
    limits: Limits,
) -> SweepInput:
    index = AccountIndex(accounts)
    candidates, findings = discover(paths)
    seen: dict[str, str] = {}
    reads = []
    for candidate in candidates:
        try:
            read = _read_one(candidate, index, account_hint, limits, seen, findings)
        except (KeyboardInterrupt, MemoryError):
            raise
        except Exception as error:
            # A fault in a reader is a bug to report, but its message may quote what it was
            # reading (ValueError: invalid literal ... 'the text'): only the type goes on, and
            # the original is not chained, so no traceback can show a member of the public's
            # words.
            raise SweepError(
                f"reading {candidate.display} failed ({type(error).__name__}); "
                "this is a fault in nypconsol, please report it"
            ) from None
        if read is not None:
            reads.append(read)
    return SweepInput(
        archives=tuple(r.coverage for r in reads),
        messages=_inbound(reads),
        findings=tuple(findings),
    )


def _inbound(reads: list[_ArchiveRead]) -> tuple[InboundMessage, ...]:
    """Inbound messages of all archives, once each per account, with ``answered`` decided over
    every archive of the account (the account wrote later in the same conversation)."""
    own_last: dict[tuple, int] = {}
    public: dict[tuple, int] = {}
    for read in reads:
        key = read.coverage.account.key()
        for conversation, sent_ms in read.log.own_last.items():
            k = (key, conversation)
            own_last[k] = max(own_last.get(k, -1), sent_ms)
        for user, sent_ms in read.log.public_replies.items():
            k = (key, user)
            public[k] = max(public.get(k, -1), sent_ms)
    seen: set[tuple] = set()
    messages: list[InboundMessage] = []
    for read in reads:
        key = read.coverage.account.key()
        archive = read.coverage.path
        for conversation, message_id, sent_ms, sender, text, attachments in read.log.inbound:
            identity = (key, conversation, message_id)
            if identity in seen:
                continue
            seen.add(identity)
            if own_last.get((key, conversation), -1) > sent_ms:
                answered_by: str | None = "message"
            elif public.get((key, sender), -1) > sent_ms:
                answered_by = "public reply"
            else:
                answered_by = None
            messages.append(
                InboundMessage(
                    archive=archive,
                    conversation=conversation,
                    message_id=message_id,
                    sent_ms=sent_ms,
                    sender=sender,
                    text=text,
                    attachments=attachments,
                    answered=answered_by is not None,
                    answered_by=answered_by,
                )
            )
        read.log.inbound.clear()  # the tuples are now messages; do not hold both
    return tuple(messages)
