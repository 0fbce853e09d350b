"""Find the archives in the paths given, tie each to its inventory account, read it with its
platform's reader into the sweep's store, and decide which inbound messages were answered."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from nypconsol.sweep import mastodon, meta, x
from nypconsol.sweep.conversations import ConversationLog, ReadContext
from nypconsol.sweep.discover import Candidate, detect_layout, discover
from nypconsol.sweep.matching import AccountIndex, match_account
from nypconsol.sweep.memory import collector_paused
from nypconsol.sweep.model import (
    ArchiveCoverage,
    ArchiveFinding,
    InboundMessage,
    MastodonInbox,
    Platform,
    SweepAccount,
    SweepInput,
    archive_finding,
)
from nypconsol.sweep.sources import (
    ArchiveSource,
    FolderSource,
    Limits,
    SourceError,
    ZipSource,
)
from nypconsol.sweep.store import StoreError, SweepStore

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
    Platform.MASTODON: mastodon.NOT_COVERED,
}


MastodonApi = Callable[[SweepAccount], MastodonInbox]


class SweepError(RuntimeError):
    """A fault while reading an archive (never bad input, which is a finding); the message
    names the archive and the kind of fault only, never what the archive holds."""


@dataclass(frozen=True, slots=True)
class ArchivesRead:
    """What ``read_into`` read into the store: each archive read (in the order read, which is
    its number in the store), and what went wrong."""

    archives: tuple[ArchiveCoverage, ...]
    findings: tuple[ArchiveFinding, ...]

    @property
    def read_anything(self) -> bool:
        """True when at least one archive was read (exit 1 only when nothing could be)."""
        return bool(self.archives)


@dataclass
class _Reading:
    """The state of reading several archives into one store."""

    store: SweepStore
    index: AccountIndex
    account_hint: str | None
    limits: Limits
    mastodon_api: MastodonApi | None
    seen: dict[str, str] = field(default_factory=dict)  # SHA-256 -> the archive shown
    findings: list[ArchiveFinding] = field(default_factory=list)
    accounts: dict[tuple[str, str], int] = field(default_factory=dict)  # key -> its number
    read: list[ArchiveCoverage] = field(default_factory=list)

    def number(self, account: SweepAccount) -> int:
        return self.accounts.setdefault(account.key(), len(self.accounts))


def _read_one(candidate: Candidate, reading: _Reading) -> ArchiveCoverage | None:
    limits, seen, findings = reading.limits, reading.seen, reading.findings
    index, account_hint, mastodon_api = reading.index, reading.account_hint, reading.mastodon_api
    display = candidate.display
    try:
        source: ArchiveSource = (
            ZipSource(candidate.path, display, limits)
            if candidate.is_zip
            else FolderSource(candidate.path, display, limits)
        )
    except SourceError as error:
        findings.append(archive_finding(error.code, display, error.message))
        return None
    with source:
        for rejected in source.rejected():
            findings.append(
                archive_finding("archive-bad-path", display, rejected.reason, rejected.name)
            )
        try:
            digest = source.sha256()
        except OSError:
            findings.append(archive_finding("archive-unreadable", display, "cannot be read"))
            return None
        if digest in seen:
            findings.append(
                archive_finding(
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
                archive_finding(
                    "archive-layout",
                    display,
                    "is not an export layout this version knows (X data/ files, Facebook or "
                    "Instagram messages/ in JSON, Mastodon outbox.json)",
                )
            )
            return None
        if layout.meta is not None and layout.meta.html_only:
            findings.append(
                archive_finding(
                    "archive-layout",
                    display,
                    "is a Facebook or Instagram export in HTML format; download your information "
                    "again choosing the JSON format",
                )
            )
            return None
        log = ConversationLog(display, reading.store)
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
        log.belongs_to(len(reading.read), reading.number(account))
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
    not_covered = NOT_COVERED[Platform(platform)]
    described = layout.description
    if platform == Platform.MASTODON and mastodon_api is not None:
        inbox = mastodon_api(account)  # after the archive is closed: this may take a while
        not_covered = mastodon.read_inbox(ctx, inbox)
        described += f" + API {inbox.source}"
    counts = log.counts()
    return ArchiveCoverage(
        path=display,
        sha256=digest,
        platform=platform,
        account=account,
        matched_by=matched_by,
        layout=described,
        conversations=counts.conversations,
        messages=counts.messages,
        inbound=counts.inbound,
        own=counts.own,
        first_ms=counts.first_ms,
        last_ms=counts.last_ms,
        not_covered=not_covered,
    )


def read_archives(
    paths: Sequence[str],
    accounts: Iterable[SweepAccount],
    account_hint: str | None = None,
    limits: Limits | None = None,
    *,
    not_swept: Iterable[tuple[SweepAccount, str]] = (),
    mastodon_api: MastodonApi | None = None,
) -> SweepInput:
    """Read every archive in ``paths`` (zips, extracted folders, folders of archives), with
    every inbound message in memory: for a few archives, and for tests. A sweep of any size
    reads into a ``SweepStore`` with ``read_into`` instead, which holds none of them.

    Each archive is tied to one of ``accounts``; a bad archive, or a bad file in one, becomes a
    finding and the rest are still read. Messages found in two archives of the same account (two
    downloads, or the parts of one) are kept once, under the first archive given.
    ``not_swept`` are inventory accounts that are not swept, with why (``retain: ...``): an
    archive of one is a finding that says so. ``mastodon_api``, when given, is asked for what
    the Mastodon API holds for each Mastodon account swept (its mentions and direct messages);
    it must not raise, but report a problem in the inbox it returns.
    """
    with SweepStore() as store:
        read = read_into(
            store,
            paths,
            accounts,
            account_hint,
            limits,
            not_swept=not_swept,
            mastodon_api=mastodon_api,
        )
        paths_of = [coverage.path for coverage in read.archives]
        messages = tuple(
            InboundMessage(
                archive=paths_of[archive],
                conversation=conversation,
                message_id=message_id,
                sent_ms=sent_ms,
                sender=sender,
                text=text,
                attachments=attachments,
                answered=answered_by is not None,
                answered_by=answered_by,
            )
            for _, archive, _, conversation, message_id, sent_ms, sender, text, attachments, answered_by in store.inbound(
                "read"
            )
        )
    return SweepInput(archives=read.archives, messages=messages, findings=read.findings)


def read_into(
    store: SweepStore,
    paths: Sequence[str],
    accounts: Iterable[SweepAccount],
    account_hint: str | None = None,
    limits: Limits | None = None,
    *,
    not_swept: Iterable[tuple[SweepAccount, str]] = (),
    mastodon_api: MastodonApi | None = None,
) -> ArchivesRead:
    """Read every archive in ``paths`` into ``store`` (as ``read_archives`` says), one file in
    memory at a time; the store then holds every message, and which were answered."""
    with collector_paused():
        reading = _Reading(
            store=store,
            index=AccountIndex(accounts, not_swept),
            account_hint=account_hint,
            limits=limits or Limits(),
            mastodon_api=mastodon_api,
        )
        _read_all(paths, reading)
        store.finish_reading([reading.number(c.account) for c in reading.read])
        return ArchivesRead(archives=tuple(reading.read), findings=tuple(reading.findings))


def _read_all(paths: Sequence[str], reading: _Reading) -> None:
    candidates, findings = discover(paths)
    reading.findings.extend(findings)
    for candidate in candidates:
        try:
            coverage = _read_one(candidate, reading)
        except (KeyboardInterrupt, MemoryError, StoreError):
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
        if coverage is not None:
            reading.read.append(coverage)
