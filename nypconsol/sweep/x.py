"""Read an X archive ("Download an archive of your data"): the account from data/account.js,
direct messages (one-to-one and group, split parts included) and the account's own tweets."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from nypconsol.sweep.conversations import ReadContext
from nypconsol.sweep.decode import parse_manifest, parse_ytd, unescape_html
from nypconsol.sweep.sources import MemberError

# data/direct-messages.js, data/direct-messages-part1.js, data/tweets-part2.js, ...
_DATA_FILE = re.compile(r"data/(?P<base>[a-z-]+?)(?:-part(?P<part>[0-9]+))?\.js")
_DM_BASES = ("direct-messages", "direct-messages-group")
_TWEET_BASES = ("tweets", "tweet")  # tweet.js in archives before 2022
_MANIFEST_TYPES = {
    "directMessages": "direct-messages",
    "directMessagesGroup": "direct-messages-group",
    "tweets": "tweets",
    "tweet": "tweet",
}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MS = dt.timedelta(milliseconds=1)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}

X_MARKERS = ("data/account.js", "data/manifest.js", "data/direct-messages.js", "data/tweets.js")


def is_x_file(name: str) -> bool:
    return _DATA_FILE.fullmatch(name) is not None or name == "data/manifest.js"


@dataclass(frozen=True, slots=True)
class XIdentity:
    account_id: str | None
    username: str | None
    member: str | None  # the file that named the account


def iso_ms(text: str) -> int:
    """Milliseconds since 1970 for X's ``2021-03-01T20:15:00.123Z``."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return (moment - _EPOCH) // _MS


def tweet_ms(text: str) -> int:
    """Milliseconds since 1970 for a tweet's ``Mon Mar 01 20:20:00 +0000 2021`` (no locale)."""
    _, month, day, clock, zone, year = text.split()
    hour, minute, second = (int(p) for p in clock.split(":"))
    sign = -1 if zone.startswith("-") else 1
    offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * sign
    moment = dt.datetime(
        int(year), _MONTHS[month], int(day), hour, minute, second, tzinfo=dt.timezone(offset)
    )
    return (moment - _EPOCH) // _MS


def _parse(ctx: ReadContext, name: str, global_name: str):  # type: ignore[no-untyped-def]
    return ctx.parse(name, lambda data: parse_ytd(data, global_name))


def _manifest(ctx: ReadContext) -> dict | None:
    """The manifest, read once (a broken one is reported once)."""
    if "data/manifest.js" not in ctx.parsed:
        ctx.parsed["data/manifest.js"] = _read_manifest(ctx)
    return ctx.parsed["data/manifest.js"]  # type: ignore[return-value]


def _read_manifest(ctx: ReadContext) -> dict | None:
    data = ctx.read("data/manifest.js")
    if data is None:
        return None
    try:
        value = parse_manifest(data)
    except MemberError as error:
        ctx.finding(error.code, "data/manifest.js", error.message)
        return None
    if not isinstance(value, dict):
        ctx.finding("archive-layout", "data/manifest.js", "is not the manifest X writes")
        return None
    return value


def read_identity(ctx: ReadContext) -> XIdentity:
    """The account the archive belongs to: data/account.js, else the manifest's userInfo."""
    value = _parse(ctx, "data/account.js", "account") if "data/account.js" in ctx.files else None
    if isinstance(value, list):
        for entry in value:
            account = entry.get("account") if isinstance(entry, dict) else None
            if isinstance(account, dict) and isinstance(account.get("username"), str):
                account_id = account.get("accountId")
                return XIdentity(
                    account_id=account_id if isinstance(account_id, str) else None,
                    username=account["username"],
                    member=ctx.full_name("data/account.js"),
                )
        ctx.finding("archive-layout", "data/account.js", "names no account (no username in it)")
    manifest = _manifest(ctx) if "data/manifest.js" in ctx.files else None
    user = manifest.get("userInfo") if manifest else None
    if isinstance(user, dict) and isinstance(user.get("userName"), str):
        account_id = user.get("accountId")
        return XIdentity(
            account_id=account_id if isinstance(account_id, str) else None,
            username=user["userName"],
            member=ctx.full_name("data/manifest.js"),
        )
    return XIdentity(account_id=None, username=None, member=None)


def _data_files(ctx: ReadContext, bases: tuple[str, ...]) -> list[str]:
    """The archive's files of these kinds, split parts included, in order; and any part the
    manifest lists that is missing is a finding (those messages cannot be swept)."""
    found: dict[str, tuple[int, int]] = {}
    for name in ctx.files:
        match = _DATA_FILE.fullmatch(name)
        if match and match["base"] in bases:
            found[name] = (bases.index(match["base"]), int(match["part"] or 0))
    manifest = _manifest(ctx) if "data/manifest.js" in ctx.files else None
    types = manifest.get("dataTypes") if manifest else None
    if isinstance(types, dict):
        for type_name, base in _MANIFEST_TYPES.items():
            listed = types.get(type_name)
            if base not in bases or not isinstance(listed, dict):
                continue
            for entry in listed.get("files") or ():
                name = entry.get("fileName") if isinstance(entry, dict) else None
                if isinstance(name, str) and name not in ctx.files:
                    ctx.finding(
                        "archive-incomplete",
                        name,
                        "is listed in data/manifest.js but is not in the archive: the messages "
                        "in it were not swept; download the archive again",
                    )
    return sorted(found, key=lambda n: (found[n], n))


def _derive_account_id(ctx: ReadContext, files: list[str]) -> str | None:
    """The one user id in every one-to-one conversation id (``low-high``), when no file names
    the account: read once more, for ids only."""
    common: set[str] | None = None
    for name in files:
        if _DATA_FILE.fullmatch(name)["base"] != "direct-messages":  # type: ignore[index]
            continue
        value = _parse(ctx, name, "direct_messages")
        for entry in value if isinstance(value, list) else ():
            conversation = entry.get("dmConversation") if isinstance(entry, dict) else None
            cid = conversation.get("conversationId") if isinstance(conversation, dict) else None
            if isinstance(cid, str) and cid.count("-") == 1:
                ids = set(cid.split("-"))
                common = ids if common is None else common & ids
    return next(iter(common)) if common and len(common) == 1 else None


def read_messages(ctx: ReadContext, identity: XIdentity) -> None:
    """Every direct message into the log (own or inbound), then the account's own tweets."""
    dm_files = _data_files(ctx, _DM_BASES)
    account_id = identity.account_id
    if account_id is None and dm_files:
        account_id = _derive_account_id(ctx, dm_files)
        if account_id is None:
            ctx.finding(
                "archive-owner-unknown",
                None,
                "names no account id (no data/account.js), so the account's own messages cannot "
                "be told apart: every message is listed as inbound and none as answered",
            )
    for name in dm_files:
        base = _DATA_FILE.fullmatch(name)["base"]  # type: ignore[index]
        _read_dm_file(ctx, name, base.replace("-", "_"), account_id)
    for name in _data_files(ctx, _TWEET_BASES):
        base = _DATA_FILE.fullmatch(name)["base"]  # type: ignore[index]
        _read_tweet_file(ctx, name, base, account_id)


def _attachments(create: dict) -> tuple[str, ...]:
    kinds = []
    if create.get("mediaUrls"):
        kinds.append("media")
    if create.get("urls"):
        kinds.append("link")
    return tuple(kinds)


def _read_dm_file(ctx: ReadContext, name: str, global_name: str, account_id: str | None) -> None:
    value = _parse(ctx, name, global_name)
    if value is None:
        return
    if not isinstance(value, list):
        ctx.finding("archive-layout", name, "is not a list of conversations as X writes it")
        return
    log = ctx.log
    skipped = 0
    for entry in value:
        conversation = entry.get("dmConversation") if isinstance(entry, dict) else None
        cid = conversation.get("conversationId") if isinstance(conversation, dict) else None
        items = conversation.get("messages") if isinstance(conversation, dict) else None
        if not isinstance(cid, str) or not isinstance(items, list):
            skipped += 1
            continue
        for item in items:
            create = item.get("messageCreate") if isinstance(item, dict) else None
            if create is None:
                # joinConversation, participantsJoin/Leave, conversationNameUpdate: events
                skipped += not isinstance(item, dict)
                continue
            try:
                sender = create["senderId"]
                message_id = create["id"]
                sent_ms = iso_ms(create["createdAt"])
                text = create.get("text") or ""
                if not (isinstance(sender, str) and isinstance(message_id, str)):
                    raise TypeError
                if not isinstance(text, str):
                    raise TypeError
            except (KeyError, TypeError, ValueError, AttributeError):
                skipped += 1
                continue
            own = sender == account_id
            log.message(
                conversation=cid,
                message_id=message_id,
                sent_ms=sent_ms,
                sender=sender,
                text="" if own else unescape_html(text),
                own=own,
                attachments=() if own else _attachments(create),
            )
    if skipped:
        ctx.finding(
            "archive-skipped-entries",
            name,
            f"{skipped:,} entries were not in the shape X writes and were skipped",
        )


def _read_tweet_file(ctx: ReadContext, name: str, global_name: str, account_id: str | None) -> None:
    value = _parse(ctx, name, global_name)
    if value is None:
        return
    if not isinstance(value, list):
        ctx.finding("archive-layout", name, "is not a list of tweets as X writes it")
        return
    skipped = 0
    for entry in value:
        tweet = entry.get("tweet", entry) if isinstance(entry, dict) else None
        try:
            sent_ms = tweet_ms(tweet["created_at"])  # type: ignore[index]
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            skipped += 1
            continue
        if str(tweet.get("full_text", "")).startswith("RT @"):  # type: ignore[union-attr]
            ctx.log.own_post(sent_ms=sent_ms)  # a retweet answers nobody
            continue
        users = set()
        reply_to = tweet.get("in_reply_to_user_id_str")  # type: ignore[union-attr]
        if isinstance(reply_to, str) and reply_to != account_id:
            users.add(reply_to)
        entities = tweet.get("entities")  # type: ignore[union-attr]
        for mention in entities.get("user_mentions", ()) if isinstance(entities, dict) else ():
            user = mention.get("id_str") if isinstance(mention, dict) else None
            if isinstance(user, str) and user != account_id:
                users.add(user)
        ctx.log.own_post(sent_ms=sent_ms, replies_to=tuple(sorted(users)))
    if skipped:
        ctx.finding(
            "archive-skipped-entries",
            name,
            f"{skipped:,} entries were not in the shape X writes and were skipped",
        )
