"""Reading X archives: the account, one-to-one and group direct messages, split parts, the
account's own tweets, and which messages were answered."""

from __future__ import annotations

import json

from sweepkit import (
    ACCOUNTS,
    WHITBY_ID,
    conversation,
    dm,
    tweet,
    x_account,
    ytd,
    zip_archive,
)

from nypconsol.sweep.archives import read_archives
from nypconsol.sweep.model import MatchedBy

RESIDENT = "222"
OTHER = "333"


def _messages(result):
    return [(m.conversation, m.message_id, m.sender, m.text, m.answered) for m in result.messages]


def test_inbound_messages_only_newest_first_in_the_file_and_answered_when_the_account_wrote_later(
    tmp_path,
):
    archive = zip_archive(
        tmp_path / "twitter-2026-01-10-abc123.zip",
        {
            "data/account.js": x_account(),
            "data/direct-messages.js": ytd(
                "direct_messages",
                [
                    conversation(
                        f"{WHITBY_ID}-{RESIDENT}",
                        # newest first, as X writes them
                        dm(
                            "1003",
                            RESIDENT,
                            WHITBY_ID,
                            "its a silver corsa",
                            "2026-01-05T21:10:00.000Z",
                        ),
                        dm(
                            "1002",
                            WHITBY_ID,
                            RESIDENT,
                            "Thanks, can you tell us more?",
                            "2026-01-05T21:05:00.000Z",
                        ),
                        dm(
                            "1001",
                            RESIDENT,
                            WHITBY_ID,
                            "lad trying car doors on church st",
                            "2026-01-05T21:00:00.000Z",
                        ),
                    )
                ],
            ),
            "Your archive.html": "<html></html>",
        },
    )
    result = read_archives([str(archive)], ACCOUNTS)
    assert result.findings == ()
    [coverage] = result.archives
    assert (coverage.platform, coverage.account.handle, coverage.matched_by) == (
        "x",
        "WhitbyPolice",
        MatchedBy.ARCHIVE,
    )
    assert (coverage.conversations, coverage.messages, coverage.inbound, coverage.own) == (
        1,
        3,
        2,
        1,
    )
    assert coverage.first_ms == 1767646800000  # 2026-01-05T21:00:00Z
    assert coverage.last_ms == 1767647400000
    assert len(coverage.sha256) == 64
    assert any("replies and mentions" in line for line in coverage.not_covered)
    assert sorted(_messages(result)) == [
        ("111-222", "1001", RESIDENT, "lad trying car doors on church st", True),
        ("111-222", "1003", RESIDENT, "its a silver corsa", False),
    ]


def test_a_conversation_split_over_entries_and_parts_is_one_with_each_message_once(tmp_path):
    first = conversation(
        f"{WHITBY_ID}-{RESIDENT}",
        dm("2002", RESIDENT, WHITBY_ID, "still there now", "2026-02-01T10:05:00.000Z"),
        dm("2001", RESIDENT, WHITBY_ID, "someone in my shed", "2026-02-01T10:00:00.000Z"),
    )
    again = conversation(
        f"{WHITBY_ID}-{RESIDENT}",
        dm("2001", RESIDENT, WHITBY_ID, "someone in my shed", "2026-02-01T10:00:00.000Z"),
    )
    later = conversation(
        f"{WHITBY_ID}-{RESIDENT}",
        dm("2003", WHITBY_ID, RESIDENT, "Officers on the way", "2026-02-01T10:07:00.000Z"),
    )
    manifest = "window.__THAR_CONFIG = " + json.dumps(
        {
            "userInfo": {"accountId": WHITBY_ID, "userName": "WhitbyPolice", "displayName": "W"},
            "dataTypes": {
                "directMessages": {
                    "files": [
                        {
                            "fileName": "data/direct-messages.js",
                            "globalName": "YTD.direct_messages.part0",
                            "count": "2",
                        },
                        {
                            "fileName": "data/direct-messages-part1.js",
                            "globalName": "YTD.direct_messages.part1",
                            "count": "1",
                        },
                    ]
                }
            },
        },
        indent=2,
    )
    archive = zip_archive(
        tmp_path / "x.zip",
        {
            "data/manifest.js": manifest,
            "data/account.js": x_account(),
            "data/direct-messages.js": ytd("direct_messages", [first, again]),
            "data/direct-messages-part1.js": ytd("direct_messages", [later], part=1),
        },
    )
    result = read_archives([str(archive)], ACCOUNTS)
    assert result.findings == ()
    assert sorted((m.message_id, m.answered) for m in result.messages) == [
        ("2001", True),
        ("2002", True),
    ]
    assert result.archives[0].messages == 3


def test_group_conversations_events_are_not_messages_and_reactions_are_not_replies(tmp_path):
    group = {
        "dmConversation": {
            "conversationId": "1480000000000000000",
            "messages": [
                {
                    "conversationNameUpdate": {
                        "initiatingUserId": OTHER,
                        "name": "Street watch",
                        "createdAt": "2026-03-01T09:10:00.000Z",
                    }
                },
                dm(
                    "3002",
                    OTHER,
                    None,
                    "kids on scramblers on the beach again",
                    "2026-03-01T09:05:00.000Z",
                    reactions=[
                        {
                            "senderId": WHITBY_ID,
                            "reactionKey": "like",
                            "eventId": "9",
                            "createdAt": "2026-03-01T09:30:00.000Z",
                        }
                    ],
                ),
                {
                    "participantsJoin": {
                        "initiatingUserId": OTHER,
                        "userIds": [WHITBY_ID],
                        "createdAt": "2026-03-01T09:00:00.000Z",
                    }
                },
                {
                    "joinConversation": {
                        "initiatingUserId": OTHER,
                        "participantsSnapshot": [],
                        "createdAt": "2026-03-01T08:59:00.000Z",
                    }
                },
            ],
        }
    }
    archive = zip_archive(
        tmp_path / "x.zip",
        {
            "data/account.js": x_account(),
            "data/direct-messages-group.js": ytd("direct_messages_group", [group]),
        },
    )
    result = read_archives([str(archive)], ACCOUNTS)
    assert result.findings == ()
    [message] = result.messages
    assert (message.message_id, message.sender, message.answered) == ("3002", OTHER, False)
    assert result.archives[0].messages == 1


def test_html_entities_in_x_text_are_decoded(tmp_path):
    archive = zip_archive(
        tmp_path / "x.zip",
        {
            "data/account.js": x_account(),
            "data/direct-messages.js": ytd(
                "direct_messages",
                [
                    conversation(
                        f"{WHITBY_ID}-{RESIDENT}",
                        dm(
                            "4001",
                            RESIDENT,
                            WHITBY_ID,
                            "fish &amp; chip shop &gt; lads &lt;3 it&#39;s",
                            "2026-01-01T12:00:00.000Z",
                        ),
                    )
                ],
            ),
        },
    )
    [message] = read_archives([str(archive)], ACCOUNTS).messages
    assert message.text == "fish & chip shop > lads <3 it's"


def test_a_public_reply_tweet_to_the_sender_answers_the_message(tmp_path):
    archive = zip_archive(
        tmp_path / "x.zip",
        {
            "data/account.js": x_account(),
            "data/direct-messages.js": ytd(
                "direct_messages",
                [
                    conversation(
                        f"{WHITBY_ID}-{RESIDENT}",
                        dm(
                            "5001",
                            RESIDENT,
                            WHITBY_ID,
                            "road flooded at sandsend",
                            "2026-01-02T08:00:00.000Z",
                        ),
                    ),
                    conversation(
                        f"{WHITBY_ID}-{OTHER}",
                        dm(
                            "5002", OTHER, WHITBY_ID, "is the a171 open", "2026-01-02T09:00:00.000Z"
                        ),
                    ),
                ],
            ),
            # tweets.js: a reply to RESIDENT after the message; a mention of OTHER before theirs
            "data/tweets.js": ytd(
                "tweets",
                [
                    tweet(
                        "9001",
                        "Fri Jan 02 08:30:00 +0000 2026",
                        "@resident thanks, passed on",
                        reply_to_user=RESIDENT,
                    ),
                    tweet(
                        "9002",
                        "Fri Jan 02 08:45:00 +0000 2026",
                        "Roads update @other",
                        mentions=(("other", OTHER),),
                    ),
                    tweet(
                        "9003",
                        "Fri Jan 02 10:00:00 +0000 2026",
                        "RT @other: is the a171 open",
                        mentions=(("other", OTHER),),
                    ),
                ],
            ),
        },
    )
    result = read_archives([str(archive)], ACCOUNTS)
    by_id = {m.message_id: (m.answered, m.answered_by) for m in result.messages}
    assert by_id == {"5001": (True, "public reply"), "5002": (False, None)}
    assert result.archives[0].own == 3


def test_older_archives_tweet_js_without_the_wrapper(tmp_path):
    unwrapped = [
        tweet("9101", "Sat Jan 03 10:00:00 +0000 2026", "@r ok", reply_to_user=RESIDENT)["tweet"]
    ]
    archive = zip_archive(
        tmp_path / "x.zip",
        {
            "data/account.js": x_account(),
            "data/direct-messages.js": ytd(
                "direct_messages",
                [
                    conversation(
                        f"{WHITBY_ID}-{RESIDENT}",
                        dm("6001", RESIDENT, WHITBY_ID, "hello", "2026-01-03T09:00:00.000Z"),
                    )
                ],
            ),
            "data/tweet.js": ytd("tweet", unwrapped),
        },
    )
    [message] = read_archives([str(archive)], ACCOUNTS).messages
    assert message.answered_by == "public reply"


def test_account_from_the_manifest_when_account_js_is_missing(tmp_path):
    manifest = "window.__THAR_CONFIG = " + json.dumps(
        {
            "userInfo": {"accountId": WHITBY_ID, "userName": "whitbypolice", "displayName": "W"},
            "dataTypes": {},
        }
    )
    archive = zip_archive(
        tmp_path / "x.zip",
        {
            "data/manifest.js": manifest,
            "data/direct-messages.js": ytd(
                "direct_messages",
                [
                    conversation(
                        f"{WHITBY_ID}-{RESIDENT}",
                        dm("7002", WHITBY_ID, RESIDENT, "ok", "2026-01-04T09:01:00.000Z"),
                        dm("7001", RESIDENT, WHITBY_ID, "hi", "2026-01-04T09:00:00.000Z"),
                    )
                ],
            ),
        },
    )
    result = read_archives([str(archive)], ACCOUNTS)
    assert result.findings == ()
    assert result.archives[0].account.handle == "WhitbyPolice"  # compared in any case
    assert [(m.message_id, m.answered) for m in result.messages] == [("7001", True)]


def test_without_account_or_manifest_the_account_id_comes_from_the_conversation_ids(tmp_path):
    (tmp_path / "SelbyCops").mkdir()
    archive = zip_archive(
        tmp_path / "SelbyCops" / "twitter.zip",
        {
            "data/direct-messages.js": ytd(
                "direct_messages",
                [
                    conversation(
                        "500-600",
                        dm("8002", "500", "600", "reply", "2026-01-04T09:05:00.000Z"),
                        dm("8001", "600", "500", "report", "2026-01-04T09:00:00.000Z"),
                    ),
                    conversation(
                        "500-700", dm("8003", "700", "500", "another", "2026-01-04T10:00:00.000Z")
                    ),
                ],
            ),
        },
    )
    result = read_archives([str(archive)], ACCOUNTS)
    assert result.findings == ()
    assert result.archives[0].matched_by == MatchedBy.NAME
    assert sorted((m.message_id, m.sender, m.answered) for m in result.messages) == [
        ("8001", "600", True),
        ("8003", "700", False),
    ]


def test_an_archive_zipped_inside_one_folder_is_read(tmp_path):
    archive = zip_archive(
        tmp_path / "x.zip",
        {
            "twitter-2026-01-10/data/account.js": x_account(),
            "twitter-2026-01-10/data/direct-messages.js": ytd(
                "direct_messages",
                [
                    conversation(
                        f"{WHITBY_ID}-{RESIDENT}",
                        dm("1", RESIDENT, WHITBY_ID, "hi", "2026-01-04T09:00:00.000Z"),
                    )
                ],
            ),
        },
    )
    result = read_archives([str(archive)], ACCOUNTS)
    assert result.findings == ()
    assert len(result.messages) == 1


def test_half_of_a_utf16_pair_reads_as_a_replacement_character_not_a_lost_file(tmp_path):
    """X escapes text as JSON; an emoji cut in half leaves \\ud83d alone, which orjson refuses:
    the file is still read, the half shown as U+FFFD, every other message as it was."""
    body = ytd(
        "direct_messages",
        [
            conversation(
                f"{WHITBY_ID}-{RESIDENT}",
                dm("4002", RESIDENT, WHITBY_ID, "cut PLACEHOLDER here", "2026-01-01T12:05:00.000Z"),
                dm("4001", RESIDENT, WHITBY_ID, "whole \U0001f600", "2026-01-01T12:00:00.000Z"),
            )
        ],
    ).replace("PLACEHOLDER", "\\ud83d")
    archive = zip_archive(
        tmp_path / "x.zip", {"data/account.js": x_account(), "data/direct-messages.js": body}
    )
    read = read_archives([str(archive)], ACCOUNTS)
    assert [f.code for f in read.findings] == []
    assert sorted(m.text for m in read.messages) == ["cut \ufffd here", "whole \U0001f600"]
