"""Read a Facebook or Instagram "Download your information" export (JSON format): every message
thread under whichever root the export uses, threads continued over message_2.json and beyond,
end-to-end-encrypted chats in their flat schema, and Meta's mojibake undone."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import orjson
from rapidfuzz import fuzz

from nypconsol.sweep.conversations import ReadContext, meta_message_id
from nypconsol.sweep.decode import unmojibake
from nypconsol.sweep.model import EARLIEST_MS, LATEST_MS, Platform

_ROOT = r"(?P<root>(?:your_activity_across_facebook/|your_facebook_activity/|your_instagram_activity/)?messages)"
_THREAD = re.compile(
    _ROOT
    + r"/(?P<folder>inbox|message_requests|filtered_threads|archived_threads)"
    + r"/(?P<thread>[^/]+)/message_(?P<page>[0-9]+)\.(?P<ext>json|html)"
)
# End-to-end-encrypted Messenger chats (2024 on): messages/<Name>_<N>.json, another schema.
_FLAT = re.compile(_ROOT + r"/(?P<name>[^/]+_[0-9]+)\.json")
_PERSONAL = (
    "personal_information/personal_information/personal_information.json",
    "personal_information/personal_information.json",
)
_INSTAGRAM_MARKERS = ("your_instagram_activity/", *_PERSONAL)
_FACEBOOK_MARKERS = (
    "your_facebook_activity/",
    "your_activity_across_facebook/",
    "profile_information/",
    "personal_information/profile_information/",
)
_PARTICIPANTS = re.compile(rb'"participants"\s*:\s*(\[[^\]]*\])')
_HEAD = 64 * 1024  # participants come first in a thread file; this is plenty
_SKIPPED_TYPES = {"Subscribe", "Unsubscribe"}  # people added to or leaving a group


@dataclass(frozen=True, slots=True)
class MetaLayout:
    platforms: tuple[str, ...]  # one platform, or both when the export does not say which
    roots: tuple[str, ...]  # the messages roots found, e.g. ("your_facebook_activity/messages",)
    threads: dict[str, tuple[str, ...]]  # conversation -> its page files, message_1.json first
    flat: dict[str, str]  # conversation -> the file (end-to-end-encrypted chats)
    html_only: bool  # the export was made in HTML, not JSON


@dataclass(frozen=True, slots=True)
class MetaIdentity:
    username: str | None  # Instagram's personal information
    names: tuple[str, ...]  # how the account appears as a sender
    member: str | None


def detect(files: dict) -> MetaLayout | None:
    """The Meta layout of these files (names relative to the export's root), or None."""
    threads: dict[str, list[tuple[int, str]]] = {}
    flat: dict[str, str] = {}
    roots: set[str] = set()
    html = False
    for name in files:
        match = _THREAD.fullmatch(name)
        if match:
            roots.add(match["root"])
            if match["ext"] == "html":
                html = True
                continue
            conversation = f"{match['folder']}/{match['thread']}"
            threads.setdefault(conversation, []).append((int(match["page"]), name))
            continue
        match = _FLAT.fullmatch(name)
        if match:
            roots.add(match["root"])
            flat[f"e2ee/{match['name']}"] = name
    instagram = any(n.startswith(_INSTAGRAM_MARKERS) for n in files)
    facebook = any(n.startswith(_FACEBOOK_MARKERS) for n in files)
    if not (threads or flat or html or instagram or facebook):
        return None
    if instagram and not facebook:
        platforms: tuple[str, ...] = (Platform.INSTAGRAM,)
    elif facebook and not instagram:
        platforms = (Platform.FACEBOOK,)
    else:
        platforms = (Platform.FACEBOOK, Platform.INSTAGRAM)
    return MetaLayout(
        platforms=platforms,
        roots=tuple(sorted(roots)),
        threads={c: tuple(n for _, n in sorted(pages)) for c, pages in sorted(threads.items())},
        flat=dict(sorted(flat.items())),
        html_only=html and not threads and not flat,
    )


def read_identity(ctx: ReadContext) -> MetaIdentity:
    """The account as Instagram's personal information names it (Facebook pages have none)."""
    for name in _PERSONAL:
        if name not in ctx.files:
            continue
        value = ctx.parse(name)
        users = value.get("profile_user") if isinstance(value, dict) else None
        user = users[0] if isinstance(users, list) and users else None
        fields = user.get("string_map_data") if isinstance(user, dict) else None
        if not isinstance(fields, dict):
            if value is not None:
                ctx.finding("archive-layout", name, "has no profile_user as Instagram writes it")
            continue
        names = []
        username = None
        for key in ("Username", "Name"):
            entry = fields.get(key)
            text = entry.get("value") if isinstance(entry, dict) else None
            if isinstance(text, str) and text.strip():
                text = unmojibake(text)
                names.append(text)
                if key == "Username":
                    username = text
        return MetaIdentity(username=username, names=tuple(names), member=ctx.full_name(name))
    return MetaIdentity(username=None, names=(), member=None)


def _participant_names(value: object) -> list[str]:
    names = []
    for entry in value if isinstance(value, list) else ():
        name = entry.get("name") if isinstance(entry, dict) else entry
        if isinstance(name, str):
            names.append(unmojibake(name))
    return names


def _participants(ctx: ReadContext, name: str) -> list[str]:
    """A thread's participants from the start of its file, without parsing the whole file."""
    head = ctx.read_head(name, _HEAD)
    match = _PARTICIPANTS.search(head) if head else None
    if match:
        try:
            return _participant_names(orjson.loads(match[1]))
        except orjson.JSONDecodeError:
            pass
    value = ctx.parse(name)
    return _participant_names(value.get("participants") if isinstance(value, dict) else None)


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def account_names(
    ctx: ReadContext, layout: MetaLayout, identity: MetaIdentity, handle: str
) -> frozenset[str]:
    """How the account appears as a sender: from the profile where the export has one, else the
    participant in every thread; when several are (one thread), the one most like the handle."""
    if identity.names:
        return frozenset(identity.names)
    counts: Counter[str] = Counter()
    first_pages = [pages[0] for pages in layout.threads.values()] + list(layout.flat.values())
    for name in first_pages:
        counts.update(set(_participants(ctx, name)))
    if not counts:
        return frozenset()
    top = max(counts.values())
    candidates = sorted(n for n, c in counts.items() if c == top)
    if len(candidates) == 1 and (top == len(first_pages) or len(first_pages) > 2):
        return frozenset(candidates)
    wanted = _squash(handle)
    scored = sorted(((fuzz.ratio(_squash(c), wanted), c) for c in candidates), reverse=True)
    if scored and scored[0][0] >= 80 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        return frozenset({scored[0][1]})
    return frozenset()


def _attachments(message: dict, flat: bool) -> tuple[str, ...]:
    if flat:
        media = message.get("media")
        return ("media",) if media else ()
    kinds = []
    for key, kind in (
        ("photos", "photo"),
        ("videos", "video"),
        ("audio_files", "audio"),
        ("files", "file"),
        ("gifs", "gif"),
        ("sticker", "sticker"),
        ("share", "link"),
    ):
        if message.get(key):
            kinds.append(kind)
    return tuple(kinds)


def read_messages(ctx: ReadContext, layout: MetaLayout, owners: frozenset[str]) -> None:
    """Every message of every thread into the log, as own (sent by one of ``owners``) or inbound."""
    for conversation, pages in layout.threads.items():
        for name in pages:
            _read_page(ctx, conversation, name, owners, flat=False)
    for conversation, name in layout.flat.items():
        _read_page(ctx, conversation, name, owners, flat=True)


def _read_page(
    ctx: ReadContext, conversation: str, name: str, owners: frozenset[str], *, flat: bool
) -> None:
    value = ctx.parse(name)
    if value is None:
        return
    messages = value.get("messages") if isinstance(value, dict) else None
    if not isinstance(messages, list):
        ctx.finding("archive-layout", name, "has no list of messages as Meta writes it")
        return
    sender_key, time_key, text_key, unsent_key = (
        ("senderName", "timestamp", "text", "isUnsent")
        if flat
        else ("sender_name", "timestamp_ms", "content", "is_unsent")
    )
    log = ctx.log
    skipped = 0
    for message in messages:
        sender = message.get(sender_key) if isinstance(message, dict) else None
        sent_ms = message.get(time_key) if isinstance(message, dict) else None
        if (
            not isinstance(sender, str)
            or type(sent_ms) is not int
            or not EARLIEST_MS <= sent_ms <= LATEST_MS
        ):
            skipped += 1
            continue
        if message.get(unsent_key) or message.get("type") in _SKIPPED_TYPES:
            continue
        sender = unmojibake(sender)
        own = sender in owners
        text = message.get(text_key)
        text = unmojibake(text) if isinstance(text, str) else ""
        attachments = () if own else _attachments(message, flat)
        if not own and (message.get("type") == "Call" or not (text or attachments)):
            continue  # a call or an empty event: nothing a person wrote
        log.message(
            conversation=conversation,
            message_id=meta_message_id(sent_ms, sender, text),
            sent_ms=sent_ms,
            sender=sender,
            text="" if own else text,
            own=own,
            attachments=attachments,
        )
    if skipped:
        ctx.finding(
            "archive-skipped-entries",
            name,
            f"{skipped:,} messages were not in the shape Meta writes and were skipped",
        )
