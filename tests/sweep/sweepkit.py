"""Build small archives for the sweep's tests, in the platforms' real structures: X's
``window.YTD`` files, Meta's JSON with its mojibake, Mastodon's outbox. Every person, handle,
message and place in them is invented."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from nypconsol.sweep.model import SweepAccount

ACCOUNTS = (
    SweepAccount(handle="WhitbyPolice", platform="x", district="scarborough"),
    SweepAccount(handle="MaltonPolice", platform="facebook", district="ryedale"),
    SweepAccount(handle="malton.police", platform="instagram", district="ryedale"),
    SweepAccount(handle="SelbyCops", platform="x", district="selby"),
    SweepAccount(handle="nypolice@mastodon.social", platform="mastodon", district="force"),
    SweepAccount(handle="SkiptonPCSO", platform="tiktok", district="craven"),
)

WHITBY_ID = "111"


def zip_archive(
    path: Path, files: dict[str, str | bytes], compression: int = zipfile.ZIP_DEFLATED
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path


def folder_archive(path: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_bytes(content)
    return path


# --- X ------------------------------------------------------------------------------------------


def ytd(name: str, value: object, part: int = 0) -> str:
    """An X data file as X writes it (two-space JSON after the prefix)."""
    body = json.dumps(value, indent=2, ensure_ascii=False)
    return f"window.YTD.{name}.part{part} = {body}"


def x_account(account_id: str = WHITBY_ID, username: str = "WhitbyPolice") -> str:
    return ytd(
        "account",
        [
            {
                "account": {
                    "email": "comms@example.invalid",
                    "createdVia": "web",
                    "username": username,
                    "accountId": account_id,
                    "createdAt": "2012-05-01T09:00:00.000Z",
                    "accountDisplayName": "Whitby Police",
                }
            }
        ],
    )


def dm(
    message_id: str,
    sender: str,
    recipient: str | None,
    text: str,
    created: str,
    *,
    reactions: list | None = None,
    urls: list | None = None,
) -> dict:
    create = {
        "recipientId": recipient,
        "reactions": reactions or [],
        "urls": urls or [],
        "text": text,
        "mediaUrls": [],
        "senderId": sender,
        "id": message_id,
        "createdAt": created,
    }
    if recipient is None:  # group messages have no recipient
        del create["recipientId"]
    return {"messageCreate": create}


def conversation(conversation_id: str, *messages: dict) -> dict:
    """One dmConversation; pass messages newest first, as X writes them."""
    return {"dmConversation": {"conversationId": conversation_id, "messages": list(messages)}}


def tweet(
    tweet_id: str,
    created_at: str,
    text: str,
    *,
    reply_to_user: str | None = None,
    mentions: tuple[tuple[str, str], ...] = (),
) -> dict:
    body: dict = {
        "edit_info": {"initial": {"editTweetIds": [tweet_id]}},
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com">Twitter Web App</a>',
        "entities": {
            "hashtags": [],
            "symbols": [],
            "user_mentions": [
                {"name": n, "screen_name": n, "indices": ["0", "5"], "id_str": i, "id": i}
                for n, i in mentions
            ],
            "urls": [],
        },
        "favorite_count": "0",
        "id_str": tweet_id,
        "id": tweet_id,
        "created_at": created_at,
        "full_text": text,
        "lang": "en",
    }
    if reply_to_user:
        body["in_reply_to_user_id_str"] = reply_to_user
        body["in_reply_to_user_id"] = reply_to_user
        body["in_reply_to_status_id_str"] = "1400000000000000000"
    return {"tweet": body}


# --- Meta ---------------------------------------------------------------------------------------


def mojibake(text: str) -> str:
    """What Meta writes: each UTF-8 byte of the text as its own \\u00XX character."""
    return text.encode("utf-8").decode("latin-1")


def _mojibake_all(value: object) -> object:
    if isinstance(value, str):
        return mojibake(value)
    if isinstance(value, list):
        return [_mojibake_all(v) for v in value]
    if isinstance(value, dict):
        return {k: _mojibake_all(v) for k, v in value.items()}
    return value


def meta_json(value: object) -> str:
    """JSON as Meta writes it: ASCII only, non-ASCII text as mojibake escapes."""
    return json.dumps(_mojibake_all(value), indent=2, ensure_ascii=True)


def thread(participants: list[str], messages: list[dict], title: str, path: str) -> str:
    """A message_N.json; pass messages newest first, as Meta writes them."""
    return meta_json(
        {
            "participants": [{"name": p} for p in participants],
            "messages": messages,
            "title": title,
            "is_still_participant": True,
            "thread_path": path,
            "magic_words": [],
        }
    )


def fb_message(sender: str, timestamp_ms: int, content: str | None = None, **extra: object) -> dict:
    message: dict = {"sender_name": sender, "timestamp_ms": timestamp_ms}
    if content is not None:
        message["content"] = content
    message.update(extra)
    message.setdefault("is_geoblocked_for_viewer", False)
    return message


def instagram_personal(username: str, name: str) -> str:
    return meta_json(
        {
            "profile_user": [
                {
                    "media_map_data": {},
                    "string_map_data": {
                        "Email": {"href": "", "value": "comms@example.invalid", "timestamp": 0},
                        "Name": {"href": "", "value": name, "timestamp": 0},
                        "Username": {"href": "", "value": username, "timestamp": 0},
                    },
                }
            ]
        }
    )


# --- Mastodon -----------------------------------------------------------------------------------


def mastodon_actor(user: str = "nypolice", instance: str = "mastodon.social") -> str:
    return json.dumps(
        {
            "@context": ["https://www.w3.org/ns/activitystreams"],
            "id": f"https://{instance}/users/{user}",
            "type": "Person",
            "preferredUsername": user,
            "name": "North Yorkshire Police",
            "outbox": "outbox.json",
        }
    )


def mastodon_outbox(*published: str) -> str:
    return json.dumps(
        {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": "outbox.json",
            "type": "OrderedCollection",
            "totalItems": len(published),
            "orderedItems": [
                {
                    "id": f"https://mastodon.social/users/nypolice/statuses/{n}/activity",
                    "type": "Create",
                    "actor": "https://mastodon.social/users/nypolice",
                    "published": when,
                    "to": ["https://www.w3.org/ns/activitystreams#Public"],
                    "object": {
                        "id": f"https://mastodon.social/users/nypolice/statuses/{n}",
                        "type": "Note",
                        "published": when,
                        "content": "<p>Road closed at Sutton Bank this morning.</p>",
                    },
                }
                for n, when in enumerate(published, 1)
            ],
        }
    )
