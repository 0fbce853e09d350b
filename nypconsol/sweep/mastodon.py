"""Read a Mastodon account export (outbox.json, actor.json): it holds only the account's own
posts. Mentions and direct messages received come only from the API, which this version does
not call; the coverage report says so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from nypconsol.sweep.conversations import ReadContext

MARKERS = ("outbox.json", "actor.json")
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


def _ms(text: object) -> int | None:
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
    for activity in items:
        sent_ms = _ms(activity.get("published")) if isinstance(activity, dict) else None
        if sent_ms is None:
            skipped += 1
            continue
        ctx.log.own_post(sent_ms=sent_ms)
    if skipped:
        ctx.finding(
            "archive-skipped-entries",
            "outbox.json",
            f"{skipped:,} activities had no publication time and were skipped",
        )
