"""Collect what one archive's readers find into the sweep's store: the inbound messages kept for
triage, and the account's own messages and posts, to tell which conversations it answered."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from nypconsol.sweep.decode import parse_json_file
from nypconsol.sweep.model import ArchiveFinding
from nypconsol.sweep.sources import ArchiveSource, Member, MemberError
from nypconsol.sweep.store import SweepStore


class ConversationLog:
    """Messages of one archive as they are read, sent to the sweep's store (which keeps the first
    of two with the same id in a conversation); only counts and times stay in memory.

    The account's own messages are stored too, without their text: they decide which
    conversations it answered, and two downloads of an archive count each message once.
    """

    def __init__(self, archive: str, store: SweepStore) -> None:
        self.archive = archive
        self.store = store
        self.number = -1  # the archive's number in the store, once tied to its account
        self.account = -1
        self.own_posts = 0  # public posts (tweets, Mastodon statuses): not conversations
        self.first_ms: int | None = None  # of the posts; the messages' are the store's
        self.last_ms: int | None = None

    def belongs_to(self, number: int, account: int) -> None:
        """The archive's number and its account's, before any message is logged."""
        self.number, self.account = number, account

    def message(
        self,
        *,
        conversation: str,
        message_id: str,
        sent_ms: int,
        sender: str,
        text: str,
        own: bool,
        attachments: tuple[str, ...] = (),
        counted: bool = True,
    ) -> None:
        """One message; ``counted`` False for the account's own message already counted as one
        of its posts (a Mastodon direct message is in its export's outbox too)."""
        if self.number < 0:
            raise RuntimeError("a message was logged before the archive was tied to its account")
        self.store.message(
            self.number,
            self.account,
            conversation,
            message_id,
            sent_ms,
            sender,
            text,
            attachments,
            own,
            counted,
        )

    def own_post(
        self, *, sent_ms: int, replies_to: tuple[str, ...] = (), counted: bool = True
    ) -> None:
        """A public post by the account; ``replies_to`` are the user ids it replied to.
        ``counted`` False for one already counted (read from the export and the API alike)."""
        self.own_posts += counted
        if self.first_ms is None or sent_ms < self.first_ms:
            self.first_ms = sent_ms
        if self.last_ms is None or sent_ms > self.last_ms:
            self.last_ms = sent_ms
        for user in replies_to:
            self.store.public_reply(self.account, user, sent_ms)

    def counts(self) -> LogCounts:
        """What the archive held, once it has been read."""
        conversations, own, inbound, first, last = self.store.archive_counts(self.number)
        firsts = [t for t in (first, self.first_ms) if t is not None]
        lasts = [t for t in (last, self.last_ms) if t is not None]
        return LogCounts(
            conversations=conversations,
            messages=inbound + own + self.own_posts,
            inbound=inbound,
            own=own + self.own_posts,
            first_ms=min(firsts) if firsts else None,
            last_ms=max(lasts) if lasts else None,
        )


@dataclass(frozen=True, slots=True)
class LogCounts:
    conversations: int
    messages: int  # every message read, the account's own included
    inbound: int
    own: int  # own messages and posts
    first_ms: int | None
    last_ms: int | None


def meta_message_id(sent_ms: int, sender: str, text: str) -> str:
    """A stable id for a Meta message, which has none: the time and a short digest, so the same
    message in two downloads of an archive is one message."""
    digest = hashlib.blake2b(f"{sender}\x00{text}".encode(), digest_size=5).hexdigest()
    return f"{sent_ms}-{digest}"


@dataclass
class ReadContext:
    """One archive being read: its files by name (relative to the export's root), the log, and
    the findings, so that a reader reports a bad file and goes on with the next."""

    source: ArchiveSource
    root: str  # the folder inside the archive the export's files sit under ("" or "name/")
    log: ConversationLog
    findings: list[ArchiveFinding]
    files: dict[str, Member] = field(default_factory=dict)
    parsed: dict[str, object] = field(default_factory=dict)  # files read once, e.g. a manifest

    def __post_init__(self) -> None:
        if not self.files:
            cut = len(self.root)
            self.files = {
                m.name[cut:]: m for m in self.source.members() if m.name.startswith(self.root)
            }

    def full_name(self, name: str) -> str:
        return self.root + name

    def finding(self, code: str, name: str | None, message: str) -> None:
        self.findings.append(
            ArchiveFinding(
                code=code,
                archive=self.source.display,
                member=None if name is None else self.full_name(name),
                message=message,
            )
        )

    def read(self, name: str) -> bytearray | None:
        """The file's bytes, or None after recording why it could not be read."""
        member = self.files.get(name)
        if member is None:
            return None
        try:
            return self.source.read(member)
        except MemberError as error:
            self.finding(error.code, name, error.message)
            return None

    def parse(
        self, name: str, parse: Callable[[bytearray], object] = parse_json_file
    ) -> object | None:
        """The value of the file as ``parse`` reads it (JSON by default), or None after recording
        why it could not be read or parsed."""
        data = self.read(name)
        if data is None:
            return None
        try:
            return parse(data)
        except MemberError as error:
            self.finding(error.code, name, error.message)
            return None
        finally:
            del data  # the bytes go before the caller walks what they parsed into

    def read_head(self, name: str, size: int) -> bytes | None:
        member = self.files.get(name)
        if member is None:
            return None
        try:
            return self.source.read_head(member, size)
        except MemberError as error:
            self.finding(error.code, name, error.message)
            return None
