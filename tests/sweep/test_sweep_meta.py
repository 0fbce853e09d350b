"""Reading Facebook and Instagram exports: every messages root and folder, threads continued
over pages, the end-to-end-encrypted schema, mojibake, and which participant is the account."""

from __future__ import annotations

import pytest
from sweepkit import (
    ACCOUNTS,
    fb_message,
    folder_archive,
    instagram_personal,
    meta_json,
    mojibake,
    thread,
    zip_archive,
)

from nypconsol.sweep.archives import read_archives
from nypconsol.sweep.decode import unmojibake
from nypconsol.sweep.model import MatchedBy

PAGE = "Malton Police"
T0 = 1_767_000_000_000  # ms


@pytest.mark.parametrize(
    "root",
    [
        "messages",
        "your_activity_across_facebook/messages",
        "your_facebook_activity/messages",
    ],
)
def test_every_facebook_root_and_folder_is_read(tmp_path, root):
    files = {}
    for n, folder in enumerate(
        ["inbox", "message_requests", "filtered_threads", "archived_threads"]
    ):
        name = f"resident{n}_1020304{n}"
        files[f"{root}/{folder}/{name}/message_1.json"] = thread(
            [f"Resident {n}", PAGE],
            [fb_message(f"Resident {n}", T0 + n * 1000, f"message {n}", type="Generic")],
            f"Resident {n}",
            f"{folder}/{name}",
        )
    files["your_facebook_activity/profile_information/placeholder.txt"] = "x"
    archive = zip_archive(tmp_path / "MaltonPolice" / "facebook-maltonpolice-2026.zip", files)
    result = read_archives([str(archive)], ACCOUNTS)
    assert [f.code for f in result.findings] == []
    [coverage] = result.archives
    assert (coverage.platform, coverage.account.handle) == ("facebook", "MaltonPolice")
    assert coverage.matched_by == MatchedBy.NAME
    assert coverage.conversations == 4
    assert sorted(m.conversation for m in result.messages) == [
        "archived_threads/resident3_10203043",
        "filtered_threads/resident2_10203042",
        "inbox/resident0_10203040",
        "message_requests/resident1_10203041",
    ]


def test_mojibake_is_undone_in_text_and_names():
    assert mojibake("There’s") == "There\u00e2\u0080\u0099s"
    assert unmojibake("There\u00e2\u0080\u0099s") == "There’s"
    assert unmojibake("café") == "café"  # real Latin-1 text that is not mojibake stays
    assert unmojibake("plain") == "plain"


def test_a_thread_continued_over_pages_with_mojibake_and_answered(tmp_path):
    base = "your_facebook_activity/messages/inbox/sianjones_55501"
    newest = thread(
        ["Siân Jones", PAGE],
        [
            fb_message("Siân Jones", T0 + 50_000, "There’s still a van outside 🚐", type="Generic"),
            fb_message(PAGE, T0 + 40_000, "Thanks Siân, we’re looking into it.", type="Generic"),
        ],
        "Siân Jones",
        "inbox/sianjones_55501",
    )
    oldest = thread(
        ["Siân Jones", PAGE],
        [
            fb_message(
                "Siân Jones",
                T0 + 30_000,
                "don’t know who to tell – a man’s been at the door",
                type="Generic",
            ),
            fb_message(
                "Siân Jones",
                T0 + 20_000,
                None,
                type="Generic",
                photos=[{"uri": "photo.jpg", "creation_timestamp": 1}],
            ),
            fb_message("Siân Jones", T0 + 10_000, None, type="Generic", is_unsent=True),
            fb_message(
                "Siân Jones", T0 + 5_000, "Siân Jones called you.", type="Call", call_duration=0
            ),
        ],
        "Siân Jones",
        "inbox/sianjones_55501",
    )
    assert "\\u00e2\\u0080\\u0099" in newest  # the file holds the mojibake escapes
    archive = folder_archive(
        tmp_path / "MaltonPolice",
        {
            f"{base}/message_1.json": newest,
            f"{base}/message_2.json": oldest,
            "your_facebook_activity/messages/inbox/other_1/message_1.json": thread(
                ["Bob", PAGE], [fb_message("Bob", T0, "hi", type="Generic")], "Bob", "inbox/other_1"
            ),
        },
    )
    result = read_archives([str(archive)], ACCOUNTS)
    assert result.findings == ()
    got = sorted(
        (m.sent_ms - T0, m.sender, m.text, m.attachments, m.answered) for m in result.messages
    )
    assert got == [
        (0, "Bob", "hi", (), False),
        (20_000, "Siân Jones", "", ("photo",), True),
        (30_000, "Siân Jones", "don’t know who to tell – a man’s been at the door", (), True),
        (50_000, "Siân Jones", "There’s still a van outside 🚐", (), False),
    ]
    assert result.archives[0].own == 1


def test_end_to_end_encrypted_flat_files(tmp_path):
    flat = meta_json(
        {
            "participants": ["Resident C", PAGE],
            "threadName": "Resident C",
            "messages": [
                {
                    "isUnsent": False,
                    "media": [],
                    "reactions": [],
                    "senderName": PAGE,
                    "text": "On our way",
                    "timestamp": T0 + 2000,
                    "type": "text",
                },
                {
                    "isUnsent": False,
                    "media": [],
                    "reactions": [],
                    "senderName": "Resident C",
                    "text": "man shouting at his wife outside no 4",
                    "timestamp": T0 + 1000,
                    "type": "text",
                },
                {
                    "isUnsent": False,
                    "media": [{"uri": "x.jpg"}],
                    "reactions": [],
                    "senderName": "Resident C",
                    "text": "",
                    "timestamp": T0 + 3000,
                    "type": "media",
                },
            ],
        }
    )
    archive = zip_archive(
        tmp_path / "MaltonPolice.zip",
        {
            "your_facebook_activity/messages/ResidentC_7.json": flat,
            "your_facebook_activity/messages/inbox/d_1/message_1.json": thread(
                ["Resident D", PAGE],
                [fb_message("Resident D", T0, "hello", type="Generic")],
                "D",
                "inbox/d_1",
            ),
            "your_facebook_activity/messages/autofill_information.json": "{}",
        },
    )
    result = read_archives([str(archive)], ACCOUNTS)
    assert result.findings == ()
    assert sorted((m.conversation, m.text, m.attachments, m.answered) for m in result.messages) == [
        ("e2ee/ResidentC_7", "", ("media",), False),
        ("e2ee/ResidentC_7", "man shouting at his wife outside no 4", (), True),
        ("inbox/d_1", "hello", (), False),
    ]


def test_instagram_account_from_personal_information(tmp_path):
    root = "your_instagram_activity/messages/inbox"
    archive = zip_archive(
        tmp_path / "instagram-export.zip",
        {
            "personal_information/personal_information/personal_information.json": instagram_personal(
                "malton.police", "Malton Police Ryedale"
            ),
            f"{root}/resident_1/message_1.json": thread(
                ["Resident", "Malton Police Ryedale"],
                [
                    fb_message("Malton Police Ryedale", T0 + 10, "Please ring 101"),
                    fb_message("Resident", T0, "my bike got nicked"),
                ],
                "Resident",
                "inbox/resident_1",
            ),
        },
    )
    result = read_archives([str(archive)], ACCOUNTS)
    assert result.findings == ()
    [coverage] = result.archives
    assert (coverage.platform, coverage.account.handle, coverage.matched_by) == (
        "instagram",
        "malton.police",
        MatchedBy.ARCHIVE,
    )
    assert [(m.text, m.answered) for m in result.messages] == [("my bike got nicked", True)]


def test_with_one_thread_the_account_is_the_participant_most_like_the_handle(tmp_path):
    archive = zip_archive(
        tmp_path / "MaltonPolice" / "fb.zip",
        {
            "messages/inbox/resident_1/message_1.json": thread(
                ["Resident", "Malton Police"],
                [fb_message("Malton Police", T0 + 10, "ok"), fb_message("Resident", T0, "help")],
                "Resident",
                "inbox/resident_1",
            ),
            "profile_information/profile_information.json": "{}",
        },
    )
    result = read_archives([str(archive)], ACCOUNTS)
    assert result.findings == ()
    assert [(m.sender, m.answered) for m in result.messages] == [("Resident", True)]


def test_when_the_account_cannot_be_told_every_message_is_inbound_with_a_warning(tmp_path):
    archive = zip_archive(
        tmp_path / "MaltonPolice" / "fb.zip",
        {
            "messages/inbox/resident_1/message_1.json": thread(
                ["Resident A", "Resident B"],
                [fb_message("Resident B", T0 + 10, "ok"), fb_message("Resident A", T0, "help")],
                "Resident",
                "inbox/resident_1",
            ),
            "profile_information/profile_information.json": "{}",
        },
    )
    result = read_archives([str(archive)], ACCOUNTS)
    assert [(f.code, f.member) for f in result.findings] == [("archive-owner-unknown", None)]
    assert sorted(m.sender for m in result.messages) == ["Resident A", "Resident B"]


def test_an_html_export_is_a_finding_saying_to_download_json(tmp_path):
    archive = zip_archive(
        tmp_path / "MaltonPolice.zip",
        {"your_facebook_activity/messages/inbox/a_1/message_1.html": "<html></html>"},
    )
    result = read_archives([str(archive)], ACCOUNTS)
    assert [f.code for f in result.findings] == ["archive-layout"]
    assert "JSON format" in result.findings[0].message
    assert result.archives == ()


@pytest.mark.parametrize("when", [10**20, 2**63, -(10**17), 10**16])
def test_a_time_no_calendar_holds_is_a_skipped_message_not_a_crash(tmp_path, when):
    """A corrupted timestamp_ms (beyond year 9999, or before year 1) skips that message with
    the finding that says so; the others are swept, and the document can be written."""
    from nypconsol.sweep import sweep_document

    files = {
        "messages/inbox/resident_1/message_1.json": thread(
            ["Resident", PAGE],
            [
                fb_message("Resident", when, "a time from nowhere"),
                fb_message("Resident", T0, "a time from the calendar"),
            ],
            "Resident",
            "inbox/resident_1",
        )
    }
    archive = zip_archive(tmp_path / "MaltonPolice" / "facebook-maltonpolice-2026.zip", files)
    result = read_archives([str(archive)], ACCOUNTS)
    assert [f.code for f in result.findings] == ["archive-skipped-entries"]
    assert [m.text for m in result.messages] == ["a time from the calendar"]
    assert [i["text"] for i in sweep_document(result)["items"]] == ["a time from the calendar"]
