"""The records the sweep passes between reading archives, triage and the sweep document."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from nypconsol.core.findings import Finding


class Platform(StrEnum):
    """The platforms whose archives the sweep reads (ids as in the inventory's platform table)."""

    X = "x"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    MASTODON = "mastodon"


PLATFORM_NAMES = {
    Platform.X: "X",
    Platform.FACEBOOK: "Facebook",
    Platform.INSTAGRAM: "Instagram",
    Platform.MASTODON: "Mastodon",
}


class Priority(StrEnum):
    """How soon a person must look at a message (issue 14's definitions, in the lexicon)."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    NONE = "none"

    @property
    def rank(self) -> int:
        """0 for P1 ... 3 for none: the order items are listed in."""
        return _RANK[self]


# The times a message can carry: years 1 to 9999, in milliseconds since 1970 (what the
# document's UTC times can show). A corrupted number outside them is no time at all.
EARLIEST_MS = -62_135_596_800_000
LATEST_MS = 253_402_300_799_999


_RANK = {Priority.P1: 0, Priority.P2: 1, Priority.P3: 2, Priority.NONE: 3}


class MatchedBy(StrEnum):
    """How an archive was tied to its inventory account, in the order they are tried."""

    ARCHIVE = "archive"  # the archive names its account (account.js, personal information)
    NAME = "name"  # the archive's file or folder name, or the folder it sits in, is a handle
    ACCOUNT_OPTION = "account option"  # --account


@dataclass(frozen=True, slots=True)
class SweepAccount:
    """An inventory account an archive can belong to (the CLI adapts its plan entries to this)."""

    handle: str
    platform: str  # a platform id: x, facebook, instagram, mastodon, ...
    district: str  # the district id the account's messages are triaged for

    def key(self) -> tuple[str, str]:
        return (self.platform, handle_key(self.platform, self.handle))


def handle_key(platform: str, handle: str) -> str:
    """A handle as the platform compares them: no leading @, any case; Facebook ignores dots."""
    text = handle.strip()
    text = text.removeprefix("@")
    if platform == Platform.FACEBOOK:
        text = text.replace(".", "")
    return text.casefold()


@dataclass(frozen=True, slots=True)
class ArchiveFinding:
    """Something wrong with an archive, naming the archive and the file inside it, never text."""

    code: str
    archive: str  # the archive's path as given (zip or folder)
    member: str | None  # the file inside the archive, as the archive names it
    message: str  # what is wrong and what to do; never a member of the public's words

    def as_finding(self) -> Finding:
        """The tool's common finding: the archive as the file, the member at the message's start."""
        prefix = f"{self.member}: " if self.member else ""
        return Finding(code=self.code, message=prefix + self.message, file=self.archive)

    def as_dict(self) -> dict:
        finding = self.as_finding()
        return {
            "severity": finding.severity.value,
            "code": self.code,
            "archive": self.archive,
            "member": self.member,
            "message": self.message,
        }


def archive_finding(
    code: str, archive: str, message: str, member: str | None = None
) -> ArchiveFinding:
    return ArchiveFinding(code=code, archive=archive, member=member, message=message)


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One message a member of the public sent the account: a candidate for triage."""

    archive: str  # the first archive (in the order given) that holds it
    conversation: str
    message_id: str
    sent_ms: int  # milliseconds since 1970-01-01 UTC
    sender: str  # the platform's id for the sender (X user id, Meta display name)
    text: str  # as the person wrote it: mojibake undone, HTML entities decoded
    attachments: tuple[str, ...] = ()  # kinds: photo, video, audio, file, gif, sticker, link
    answered: bool = False
    answered_by: str | None = None  # "message" (in the conversation) or "public reply" (X)


@dataclass(frozen=True, slots=True)
class Triage:
    """What triage says about one message; ``cues`` say why, in words a person reads."""

    priority: Priority
    categories: tuple[str, ...]
    cues: tuple[str, ...]
    follows: str | None = None  # the message id of the report this one adds facts to
    facts: tuple[str, ...] = ()  # the kinds of fact found (registration, street, ...)
    now: bool = False


@dataclass(frozen=True, slots=True)
class ArchiveCoverage:
    """What one archive held and what it cannot show: the triage team must know what was not swept."""

    path: str
    sha256: str
    platform: str
    account: SweepAccount
    matched_by: MatchedBy
    layout: str  # e.g. "x", "facebook (your_facebook_activity/messages)"
    conversations: int
    messages: int  # every message read, the account's own included
    inbound: int  # messages from others: the triage candidates
    own: int  # the account's own messages and posts (read only to decide "answered")
    first_ms: int | None
    last_ms: int | None
    not_covered: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ApiStatus:
    """A Mastodon status as the API gives it, reduced to what the sweep reads."""

    id: str
    created_ms: int
    account_id: str  # the sender's id at the account's instance
    acct: str  # the sender as user@instance
    html: str  # the content as the API gives it (HTML), content warning first
    visibility: str  # public, unlisted, private, direct
    in_reply_to_id: str | None = None
    in_reply_to_account_id: str | None = None
    mentions: tuple[str, ...] = ()  # user@instance of every account it mentions
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MastodonInbox:
    """What the Mastodon API holds for an account that its export does not: direct messages
    (each thread whole), mentions, and the account's own posts back to the oldest of them
    (to tell which were answered). ``problem`` says why it could not be read (then nothing
    else is filled in); ``not_seen`` what even the API could not show."""

    source: str  # the instance asked, as shown: https://mastodon.social
    own_id: str | None = None
    threads: tuple[tuple[str, tuple[ApiStatus, ...]], ...] = ()  # conversation id -> statuses
    mentions: tuple[ApiStatus, ...] = ()
    own_statuses: tuple[ApiStatus, ...] = ()
    problem: str | None = None
    not_seen: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SweepInput:
    """Every archive read, the inbound messages they hold (deduplicated), and what went wrong."""

    archives: tuple[ArchiveCoverage, ...]
    messages: tuple[InboundMessage, ...]
    findings: tuple[ArchiveFinding, ...]

    @property
    def read_anything(self) -> bool:
        """True when at least one archive was read (exit 1 only when nothing could be)."""
        return bool(self.archives)
