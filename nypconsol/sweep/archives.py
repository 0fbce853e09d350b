"""Find the archives in the paths given, tie each to its inventory account, read it with its
platform's reader, and gather the inbound messages of all of them with ``answered`` decided."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

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
    mastodon_api: MastodonApi | None,
) -> _ArchiveRead | None:
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
    not_covered = NOT_COVERED[Platform(platform)]
    described = layout.description
    if platform == Platform.MASTODON and mastodon_api is not None:
        inbox = mastodon_api(account)  # after the archive is closed: this may take a while
        not_covered = mastodon.read_inbox(ctx, inbox)
        described += f" + API {inbox.source}"
    coverage = ArchiveCoverage(
        path=display,
        sha256=digest,
        platform=platform,
        account=account,
        matched_by=matched_by,
        layout=described,
        conversations=len(log.conversations),
        messages=log.messages,
        inbound=len(log.inbound),
        own=log.own + log.own_posts,
        first_ms=log.first_ms,
        last_ms=log.last_ms,
        not_covered=not_covered,
    )
    return _ArchiveRead(coverage=coverage, log=log)


def read_archives(
    paths: Sequence[str],
    accounts: Iterable[SweepAccount],
    account_hint: str | None = None,
    limits: Limits | None = None,
    *,
    not_swept: Iterable[tuple[SweepAccount, str]] = (),
    mastodon_api: MastodonApi | None = None,
) -> SweepInput:
    """Read every archive in ``paths`` (zips, extracted folders, folders of archives).

    Each is tied to one of ``accounts``; a bad archive, or a bad file in one, becomes a finding
    and the rest are still read. Messages found in two archives of the same account (two
    downloads, or the parts of one) are kept once, under the first archive given.
    ``not_swept`` are inventory accounts that are not swept, with why (``retain: ...``): an
    archive of one is a finding that says so. ``mastodon_api``, when given, is asked for what
    the Mastodon API holds for each Mastodon account swept (its mentions and direct messages);
    it must not raise, but report a problem in the inbox it returns.
    """
    with collector_paused():
        index = AccountIndex(accounts, not_swept)
        return _read_all(paths, index, account_hint, limits or Limits(), mastodon_api)


def _read_all(
    paths: Sequence[str],
    index: AccountIndex,
    account_hint: str | None,
    limits: Limits,
    mastodon_api: MastodonApi | None,
) -> SweepInput:
    candidates, findings = discover(paths)
    seen: dict[str, str] = {}
    reads = []
    for candidate in candidates:
        try:
            read = _read_one(candidate, index, account_hint, limits, seen, findings, mastodon_api)
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
