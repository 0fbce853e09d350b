"""Read a Mastodon account export (outbox.json, actor.json), which holds only the account's own
posts, and what the Mastodon API adds when the sweep was given a token (``MastodonInbox``, read
by nypconsol/enrich/mastodon_inbox.py): direct messages, mentions, and the account's own posts
that tell which of them were answered. Without the API the coverage report says what was not
seen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from nypconsol.sweep.conversations import ReadContext
from nypconsol.sweep.decode import html_to_text
from nypconsol.sweep.model import MastodonInbox, archive_finding

MARKERS = ("outbox.json", "actor.json")
TOKEN_VARIABLE = "NYPCONSOL_MASTODON_TOKEN"
_TOKEN_HINT = (
    f"set {TOKEN_VARIABLE} to a token of the account (scopes read:notifications and "
    "read:statuses) and sweep again"
)
# Without the API: what the export cannot show.
NOT_COVERED = (
    f"direct messages to the account: only the Mastodon API has them; {_TOKEN_HINT}",
    f"mentions and replies from other people: only the Mastodon API has them; {_TOKEN_HINT}",
)
API_FAILED = (
    "direct messages to the account: the Mastodon API could not be read (see the findings)",
    "mentions and replies from other people: the Mastodon API could not be read (see the findings)",
)
_OWN_IDS = "outbox.json ids"  # ctx.parsed: the ids of the posts the outbox holds
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MS = dt.timedelta(milliseconds=1)


@dataclass(frozen=True, slots=True)
class MastodonIdentity:
    handle: str | None  # user@instance
    member: str | None


def read_identity(ctx: ReadContext) -> MastodonIdentity:
    """``user@instance`` from actor.json: its preferredUsername and the host of its id."""
    if "actor.json" not in ctx.files:
        return MastodonIdentity(handle=None, member=None)
    actor = ctx.parse("actor.json")
    if not isinstance(actor, dict):
        if actor is not None:
            ctx.finding("archive-layout", "actor.json", "is not an ActivityPub actor")
        return MastodonIdentity(handle=None, member=None)
    user = actor.get("preferredUsername")
    actor_id = actor.get("id")
    host = urlsplit(actor_id).hostname if isinstance(actor_id, str) else None
    if not isinstance(user, str) or not host:
        ctx.finding("archive-layout", "actor.json", "has no preferredUsername and id")
        return MastodonIdentity(handle=None, member=None)
    return MastodonIdentity(handle=f"{user}@{host}", member=ctx.full_name("actor.json"))


def published_ms(text: object) -> int | None:
    """Milliseconds since 1970 of an ISO 8601 time (``2026-11-14T21:02:00.000Z``), or None."""
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return (moment - _EPOCH) // _MS


def read_posts(ctx: ReadContext) -> None:
    """The account's own posts from outbox.json: counted and dated, never items."""
    if "outbox.json" not in ctx.files:
        return
    outbox = ctx.parse("outbox.json")
    if outbox is None:
        return
    items = outbox.get("orderedItems") if isinstance(outbox, dict) else None
    if not isinstance(items, list):
        ctx.finding("archive-layout", "outbox.json", "has no orderedItems as Mastodon writes it")
        return
    skipped = 0
    own_ids: set[str] = set()
    ctx.parsed[_OWN_IDS] = own_ids
    for activity in items:
        sent_ms = published_ms(activity.get("published")) if isinstance(activity, dict) else None
        if sent_ms is None:
            skipped += 1
            continue
        ctx.log.own_post(sent_ms=sent_ms)
        post = activity.get("object")
        if isinstance(post, dict) and isinstance(post.get("id"), str):
            own_ids.add(post["id"].rstrip("/").rpartition("/")[2])
    if skipped:
        ctx.finding(
            "archive-skipped-entries",
            "outbox.json",
            f"{skipped:,} activities had no publication time and were skipped",
        )


def read_inbox(ctx: ReadContext, inbox: MastodonInbox) -> tuple[str, ...]:
    """The API's direct messages and mentions into the log (inbound, or the account's own), and
    its own posts as public replies to the people they mention; the account's posts already
    counted from the outbox are not counted again. Returns what was still not seen."""
    if inbox.problem is not None:
        ctx.findings.append(
            archive_finding("archive-api-failed", ctx.source.display, inbox.problem)
        )
        return API_FAILED
    counted: set[str] = ctx.parsed.get(_OWN_IDS, set())  # type: ignore[assignment]
    log = ctx.log
    in_threads: set[str] = set()
    for conversation_id, statuses in inbox.threads:
        for status in statuses:
            in_threads.add(status.id)
            own = status.account_id == inbox.own_id
            log.message(
                conversation=f"direct/{conversation_id}",
                message_id=status.id,
                sent_ms=status.created_ms,
                sender=status.acct,
                text="" if own else html_to_text(status.html),
                own=own,
                attachments=() if own else status.attachments,
                counted=not (own and status.id in counted),
            )
    for status in inbox.mentions:
        if status.id in in_threads or status.account_id == inbox.own_id:
            continue
        log.message(
            conversation=f"mentions/{status.acct}",
            message_id=status.id,
            sent_ms=status.created_ms,
            sender=status.acct,
            text=html_to_text(status.html),
            own=False,
            attachments=status.attachments,
        )
    for status in inbox.own_statuses:
        if status.id in in_threads:
            continue
        log.own_post(
            sent_ms=status.created_ms,
            replies_to=tuple(sorted(set(status.mentions))),
            counted=status.id not in counted,
        )
    return inbox.not_seen
