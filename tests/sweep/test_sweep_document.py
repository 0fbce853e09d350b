"""The sweep document: real output against the shipped schema, item order, the summary, --since,
and sender pseudonyms."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
from sweepkit import (
    ACCOUNTS,
    WHITBY_ID,
    conversation,
    dm,
    fb_message,
    mastodon_actor,
    mastodon_outbox,
    thread,
    x_account,
    ytd,
    zip_archive,
)

from nypconsol.schemas import load_schema
from nypconsol.sweep.archives import read_archives
from nypconsol.sweep.document import (
    PSEUDONYM_ENV,
    PseudonymKeyError,
    has_unanswered_reports,
    pseudonym,
    pseudonym_key,
    sweep_document,
    triage_input,
)

T0 = 1_767_600_000_000  # 2026-01-05T08:00:00Z
KEY = "k" * 32


def _x_archive(tmp_path):
    return zip_archive(
        tmp_path / "twitter-2026.zip",
        {
            "data/account.js": x_account(),
            "data/direct-messages.js": ytd(
                "direct_messages",
                [
                    conversation(
                        f"{WHITBY_ID}-222",
                        dm(
                            "12",
                            "222",
                            WHITBY_ID,
                            "its a silver corsa YK19 ABC",
                            "2026-01-05T21:04:00.000Z",
                        ),
                        dm(
                            "11",
                            "222",
                            WHITBY_ID,
                            "lad trying car doors on church st right now",
                            "2026-01-05T21:00:00.000Z",
                        ),
                    ),
                    conversation(
                        f"{WHITBY_ID}-333",
                        dm(
                            "22",
                            WHITBY_ID,
                            "333",
                            "Thanks, passed to the team",
                            "2026-01-03T10:00:00.000Z",
                        ),
                        dm(
                            "21",
                            "333",
                            WHITBY_ID,
                            "someone keyed my car in the co-op car park last night",
                            "2026-01-03T09:00:00.000Z",
                        ),
                    ),
                    conversation(
                        f"{WHITBY_ID}-444",
                        dm(
                            "31",
                            "444",
                            WHITBY_ID,
                            "love the posts &amp; the dog pics",
                            "2026-01-01T09:00:00.000Z",
                        ),
                    ),
                    conversation(
                        f"{WHITBY_ID}-555",
                        dm(
                            "41",
                            "555",
                            WHITBY_ID,
                            "how do i get a crime number for my insurance?",
                            "2025-12-20T09:00:00.000Z",
                        ),
                    ),
                ],
            ),
        },
    )


def _meta_archive(tmp_path):
    return zip_archive(
        tmp_path / "MaltonPolice" / "facebook.zip",
        {
            "your_facebook_activity/messages/inbox/sian_1/message_1.json": thread(
                ["Siân Jones", "Malton Police"],
                [
                    fb_message("Malton Police", T0 + 60_000, "On our way"),
                    fb_message(
                        "Siân Jones",
                        T0,
                        "there’s a man with a knife outside the co-op on wheelgate",
                    ),
                ],
                "Siân Jones",
                "inbox/sian_1",
            ),
            "your_facebook_activity/messages/inbox/bob_2/message_1.json": thread(
                ["Bob", "Malton Police"],
                [fb_message("Bob", T0 - 86_400_000, "my bike got nicked from the station")],
                "Bob",
                "inbox/bob_2",
            ),
        },
    )


@pytest.fixture
def sweep(tmp_path):
    mastodon = zip_archive(
        tmp_path / "mastodon.zip",
        {"actor.json": mastodon_actor(), "outbox.json": mastodon_outbox("2026-01-02T10:00:00Z")},
    )
    return read_archives(
        [str(_x_archive(tmp_path)), str(_meta_archive(tmp_path)), str(mastodon)], ACCOUNTS
    )


def test_real_output_is_valid_against_the_schema(sweep):
    document = sweep_document(sweep, pseudonyms=pseudonym_key(KEY))
    jsonschema.Draft202012Validator(load_schema("sweep")).validate(document)
    # and survives JSON unchanged
    assert json.loads(json.dumps(document, ensure_ascii=False)) == document


def test_the_contract_keys_are_there(sweep):
    document = sweep_document(sweep)
    assert (document["format_version"], document["kind"]) == ("1.0", "sweep")
    archive_keys = {
        "path",
        "platform",
        "account",
        "district",
        "conversations",
        "messages",
        "first",
        "last",
        "not_covered",
    }
    item_keys = {
        "account",
        "archive",
        "conversation",
        "message_id",
        "sent_at",
        "sender",
        "text",
        "priority",
        "categories",
        "cues",
        "answered",
    }
    assert all(archive_keys <= set(a) for a in document["archives"])
    assert all(item_keys <= set(i) for i in document["items"])
    assert all(set(i["account"]) == {"handle", "platform", "district"} for i in document["items"])


def test_archives_say_what_they_held_and_what_they_cannot_show(sweep):
    document = sweep_document(sweep)
    by_platform = {a["platform"]: a for a in document["archives"]}
    x = by_platform["x"]
    assert (x["account"], x["district"], x["conversations"], x["messages"]) == (
        "WhitbyPolice",
        "scarborough",
        4,
        6,
    )
    assert (x["first"], x["last"]) == ("2025-12-20T09:00:00Z", "2026-01-05T21:04:00Z")
    mastodon = by_platform["mastodon"]
    assert (mastodon["messages"], mastodon["conversations"]) == (1, 0)
    assert any(
        "only the Mastodon API" in line and "direct messages" in line
        for line in mastodon["not_covered"]
    )
    assert any("mentions" in line for line in mastodon["not_covered"])
    assert all(a["complete"] for a in document["archives"])


def test_items_by_priority_then_unanswered_then_oldest(sweep):
    items = sweep_document(sweep)["items"]
    order = [(i["priority"], i["answered"], i["sent_at"], i["message_id"]) for i in items]
    rank = {"P1": 0, "P2": 1, "P3": 2, "none": 3}
    assert order == sorted(order, key=lambda o: (rank[o[0]], o[1], o[2], o[3]))
    # the two unanswered P1s (oldest first), then the answered one though it is older
    assert [(i["priority"], i["answered"], i["text"]) for i in items[:3]] == [
        ("P1", False, "lad trying car doors on church st right now"),
        ("P1", False, "its a silver corsa YK19 ABC"),
        ("P1", True, "there’s a man with a knife outside the co-op on wheelgate"),
    ]
    first = {i["message_id"]: i for i in items}
    # the registration sent four minutes after the report is its follow-up, and stays P1
    follow_up = next(i for i in items if i["text"] == "its a silver corsa YK19 ABC")
    report = first["11"]
    assert (follow_up["priority"], follow_up["follows"]) == ("P1", "11")
    assert report["follow_ups"] == ["12"]
    knife = items[2]  # answered by "On our way"
    assert knife["answered_by"] == "message"
    assert items[-1]["text"] == "love the posts & the dog pics"  # entities decoded, none last


def test_mojibake_is_undone_in_the_document(sweep):
    texts = [i["text"] for i in sweep_document(sweep)["items"]]
    assert "there’s a man with a knife outside the co-op on wheelgate" in texts
    senders = [i["sender"] for i in sweep_document(sweep)["items"]]
    assert "Siân Jones" in senders


def test_summary_counts_per_district_answered_and_unanswered(sweep):
    summary = sweep_document(sweep)["summary"]
    assert list(summary["districts"]) == ["ryedale", "scarborough", "force"]
    assert summary["districts"]["ryedale"]["P1"] == {"answered": 1, "unanswered": 0}
    assert summary["districts"]["ryedale"]["P2"] == {"answered": 0, "unanswered": 1}
    assert summary["districts"]["scarborough"]["P1"] == {"answered": 0, "unanswered": 2}
    assert summary["districts"]["scarborough"]["P2"] == {"answered": 1, "unanswered": 0}
    assert summary["districts"]["scarborough"]["P3"] == {"answered": 0, "unanswered": 1}
    assert summary["districts"]["scarborough"]["none"] == {"answered": 0, "unanswered": 1}
    assert summary["districts"]["force"]["P1"] == {"answered": 0, "unanswered": 0}
    assert summary["items"] == 7
    assert summary["unanswered_reports"] == 3
    assert has_unanswered_reports(sweep_document(sweep))


def test_since_leaves_older_messages_out_and_counts_them(sweep):
    document = sweep_document(sweep, since=dt.date(2026, 1, 3))
    assert document["since"] == "2026-01-03"
    assert document["summary"]["before_since"] == 2  # 20 December and 1 January
    assert all(i["sent_at"] >= "2026-01-03" for i in document["items"])


def test_same_input_same_bytes(tmp_path):
    first = sweep_document(read_archives([str(_x_archive(tmp_path))], ACCOUNTS))
    again = sweep_document(read_archives([str(_x_archive(tmp_path))], ACCOUNTS))
    assert json.dumps(first, ensure_ascii=False) == json.dumps(again, ensure_ascii=False)


def test_triage_input_ties_follow_ups_per_account(sweep):
    results = triage_input(sweep)
    assert len(results) == len(sweep.messages)
    assert sum(1 for r in results if r.follows) == 1


# --- pseudonyms ---------------------------------------------------------------------------------


def test_pseudonyms_are_keyed_short_and_stable():
    first = pseudonym("222", KEY)
    assert first == pseudonym("222", KEY)
    assert first.startswith("s-") and len(first) == 12
    assert first != pseudonym("222", "x" * 32)
    assert first != pseudonym("223", KEY)
    assert first != pseudonym("222", KEY, namespace="facebook")


def test_the_key_comes_from_the_argument_then_the_environment_else_one_run():
    env = {PSEUDONYM_ENV: "e" * 40}
    assert pseudonym_key(KEY, env).stable
    assert pseudonym_key(None, env).pseudonym("a") == pseudonym("a", "e" * 40, namespace="")
    per_run = pseudonym_key(None, {})
    assert not per_run.stable
    assert per_run.pseudonym("a") != pseudonym_key(None, {}).pseudonym("a")


def test_a_short_key_is_refused_without_showing_it():
    with pytest.raises(PseudonymKeyError) as caught:
        pseudonym_key(None, {PSEUDONYM_ENV: "hunter2"})
    assert "hunter2" not in str(caught.value)
    assert PSEUDONYM_ENV in str(caught.value)


def test_the_key_is_not_in_its_repr():
    key = pseudonym_key(KEY)
    assert KEY not in repr(key)


def test_items_carry_the_pseudonym_and_the_raw_sender_for_the_triage_team(sweep):
    items = sweep_document(sweep, pseudonyms=pseudonym_key(KEY))["items"]
    item = next(i for i in items if i["sender"] == "222")
    assert item["sender_pseudonym"] == pseudonym("222", KEY, namespace="x")
