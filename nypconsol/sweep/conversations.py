"""Collect what one archive's readers find: the inbound messages kept for triage, and the
account's own messages kept only as times, to tell which conversations it answered."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from nypconsol.sweep.decode import parse_json_file
from nypconsol.sweep.model import ArchiveFinding
from nypconsol.sweep.sources import ArchiveSource, Member, MemberError


class ConversationLog:
    """Messages of one archive as they are read, de-duplicated by conversation and id.

    Inbound messages are kept as plain tuples (cheap to hold a million of); the account's own
    messages only move the conversation's "last written by the account" time forward.
    """

    def __init__(self, archive: str) -> None:
        self.archive = archive
        # (conversation, message_id, sent_ms, sender, text, attachments)
        self.inbound: list[tuple[str, str, int, str, str, tuple[str, ...]]] = []
        self.own_last: dict[str, int] = {}  # conversation -> newest own message (ms)
        self.public_replies: dict[str, int] = {}  # sender id -> newest own public reply (X)
        self.conversations: set[str] = set()
        self.own = 0
        self.own_posts = 0  # public posts (tweets, Mastodon statuses): not conversations
        self.duplicates = 0
        self.first_ms: int | None = None
        self.last_ms: int | None = None
        self._seen: set[tuple[str, str]] = set()
        self._names: dict[str, str] = {}

    def _when(self, sent_ms: int) -> None:
        if self.first_ms is None or sent_ms < self.first_ms:
            self.first_ms = sent_ms
        if self.last_ms is None or sent_ms > self.last_ms:
            self.last_ms = sent_ms

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
        key = (conversation, message_id)
        if key in self._seen:
            self.duplicates += 1
            return
        self._seen.add(key)
        self.conversations.add(conversation)
        self._when(sent_ms)
        if own:
            self.own += counted
            if sent_ms > self.own_last.get(conversation, -1):
                self.own_last[conversation] = sent_ms
            return
        sender = self._names.setdefault(sender, sender)
        self.inbound.append((conversation, message_id, sent_ms, sender, text, attachments))

    def own_post(
        self, *, sent_ms: int, replies_to: tuple[str, ...] = (), counted: bool = True
    ) -> None:
        """A public post by the account; ``replies_to`` are the user ids it replied to.
        ``counted`` False for one already counted (read from the export and the API alike)."""
        self.own_posts += counted
        self._when(sent_ms)
        for user in replies_to:
            if sent_ms > self.public_replies.get(user, -1):
                self.public_replies[user] = sent_ms

    @property
    def messages(self) -> int:
        return len(self.inbound) + self.own + self.own_posts


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
