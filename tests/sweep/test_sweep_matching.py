"""Tying archives to inventory accounts (the archive itself, then its file or folder name, then
--account), folders of archives, and an account's several archives read as one."""

from __future__ import annotations

from sweepkit import (
    ACCOUNTS,
    WHITBY_ID,
    conversation,
    dm,
    fb_message,
    folder_archive,
    mastodon_actor,
    mastodon_outbox,
    thread,
    x_account,
    ytd,
    zip_archive,
)

from nypconsol.sweep.archives import read_archives
from nypconsol.sweep.model import MatchedBy, SweepAccount

T0 = 1_767_000_000_000


def meta_files(person: str = "Resident", text: str = "hello") -> dict[str, str]:
    return {
        "your_facebook_activity/messages/inbox/r_1/message_1.json": thread(
            [person, "Malton Police"],
            [fb_message("Malton Police", T0 + 10, "ok"), fb_message(person, T0, text)],
            person,
            "inbox/r_1",
        )
    }


def x_files(username: str = "WhitbyPolice", account_id: str = WHITBY_ID) -> dict[str, str]:
    return {
        "data/account.js": x_account(account_id, username),
        "data/direct-messages.js": ytd(
            "direct_messages",
            [
                conversation(
                    f"{account_id}-222",
                    dm("1", "222", account_id, "hi", "2026-01-01T10:00:00.000Z"),
                )
            ],
        ),
    }


def matched(result) -> list[tuple[str, str, str]]:
    return [(a.account.handle, a.account.platform, a.matched_by.value) for a in result.archives]


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


def test_the_archive_naming_itself_wins_over_its_folder_and_the_option(tmp_path):
    archive = zip_archive(tmp_path / "SelbyCops" / "x.zip", x_files())
    result = read_archives([str(archive)], ACCOUNTS, account_hint="SelbyCops")
    assert matched(result) == [("WhitbyPolice", "x", "archive")]


def test_the_folder_it_sits_in(tmp_path):
    archive = zip_archive(tmp_path / "maltonpolice" / "facebook-2026.zip", meta_files())
    result = read_archives([str(archive)], ACCOUNTS)
    assert matched(result) == [("MaltonPolice", "facebook", "name")]


def test_its_own_file_name_as_meta_names_downloads(tmp_path):
    archive = zip_archive(tmp_path / "facebook-MALTONPOLICE-2026-01-10-AbCd.zip", meta_files())
    assert matched(read_archives([str(archive)], ACCOUNTS)) == [
        ("MaltonPolice", "facebook", "name")
    ]


def test_facebook_handles_compare_without_dots(tmp_path):
    archive = zip_archive(tmp_path / "Malton.Police" / "fb.zip", meta_files())
    assert matched(read_archives([str(archive)], ACCOUNTS)) == [
        ("MaltonPolice", "facebook", "name")
    ]


def test_the_account_option_last(tmp_path):
    archive = zip_archive(tmp_path / "download.zip", meta_files())
    result = read_archives([str(archive)], ACCOUNTS, account_hint="@maltonpolice")
    assert matched(result) == [("MaltonPolice", "facebook", "account option")]


def test_a_name_matching_the_wrong_platform_falls_through_to_the_option(tmp_path):
    archive = zip_archive(tmp_path / "WhitbyPolice" / "fb.zip", meta_files())
    result = read_archives([str(archive)], ACCOUNTS, account_hint="MaltonPolice")
    assert matched(result) == [("MaltonPolice", "facebook", "account option")]


def test_the_wrong_platform_is_a_finding_naming_both(tmp_path):
    archive = zip_archive(tmp_path / "WhitbyPolice" / "fb.zip", meta_files())
    result = read_archives([str(archive)], ACCOUNTS)
    assert codes(result) == ["archive-wrong-platform"]
    assert result.findings[0].archive == str(archive)
    assert "WhitbyPolice" in result.findings[0].message
    assert "is an X account" in result.findings[0].message
    option = read_archives([str(archive)], ACCOUNTS, account_hint="SkiptonPCSO")
    assert codes(option) == ["archive-wrong-platform"]
    assert "SkiptonPCSO (--account) is a TikTok account" in option.findings[0].message


def test_an_archive_of_an_account_not_in_the_inventory(tmp_path):
    archive = zip_archive(tmp_path / "x.zip", x_files("ScarboroughCops", "777"))
    result = read_archives([str(archive)], ACCOUNTS)
    assert codes(result) == ["archive-unmatched"]
    assert "@ScarboroughCops" in result.findings[0].message
    assert "data/account.js" in result.findings[0].message
    assert result.archives == () and result.messages == ()


def test_no_name_and_no_option_says_what_to_do(tmp_path):
    archive = zip_archive(tmp_path / "download.zip", meta_files())
    result = read_archives([str(archive)], ACCOUNTS)
    assert codes(result) == ["archive-unmatched"]
    assert "--account" in result.findings[0].message


def test_facebook_or_instagram_when_the_export_does_not_say(tmp_path):
    accounts = (
        SweepAccount(handle="RyedalePolice", platform="facebook", district="ryedale"),
        SweepAccount(handle="ryedalepolice", platform="instagram", district="ryedale"),
    )
    bare = {
        "messages/inbox/r_1/message_1.json": meta_files()[
            "your_facebook_activity/messages/inbox/r_1/message_1.json"
        ]
    }
    archive = zip_archive(tmp_path / "RyedalePolice" / "export.zip", bare)
    result = read_archives([str(archive)], accounts)
    assert codes(result) == ["archive-unmatched"]
    assert "Facebook or Instagram" in result.findings[0].message


def test_mastodon_from_actor_json_with_only_its_own_posts(tmp_path):
    archive = zip_archive(
        tmp_path / "export.zip",
        {
            "actor.json": mastodon_actor("NYPolice", "mastodon.social"),
            "outbox.json": mastodon_outbox("2026-01-02T10:00:00Z", "2026-01-03T10:00:00Z"),
            "likes.json": "{}",
        },
    )
    result = read_archives([str(archive)], ACCOUNTS)
    assert matched(result) == [("nypolice@mastodon.social", "mastodon", "archive")]
    [coverage] = result.archives
    assert (coverage.messages, coverage.own, coverage.inbound) == (2, 2, 0)
    assert result.messages == ()
    assert len(coverage.not_covered) == 2
    assert all("API" in line for line in coverage.not_covered)


def test_a_folder_of_archives_is_read_whole(tmp_path):
    root = tmp_path / "archives"
    zip_archive(root / "MaltonPolice" / "facebook-2026.zip", meta_files(text="from the zip"))
    folder_archive(root / "WhitbyPolice" / "twitter-2026-01-10", x_files())
    zip_archive(root / "deeper" / "still" / "selby.zip", x_files("SelbyCops", "500"))
    (root / "README.txt").write_text("the archives, by account\n", encoding="utf-8")
    result = read_archives([str(root)], ACCOUNTS)
    assert codes(result) == []
    assert sorted(matched(result)) == [
        ("MaltonPolice", "facebook", "name"),
        ("SelbyCops", "x", "archive"),
        ("WhitbyPolice", "x", "archive"),
    ]
    assert {a.path for a in result.archives} == {
        str(root / "MaltonPolice" / "facebook-2026.zip"),
        str(root / "WhitbyPolice" / "twitter-2026-01-10"),
        str(root / "deeper" / "still" / "selby.zip"),
    }


def test_an_empty_folder_is_a_finding(tmp_path):
    (tmp_path / "empty").mkdir()
    result = read_archives([str(tmp_path / "empty")], ACCOUNTS)
    assert codes(result) == ["archive-layout"]


def test_two_archives_of_one_account_are_one_set_of_messages(tmp_path):
    """An older and a newer download overlap: each message once, answered across both."""
    older = {
        "your_facebook_activity/messages/inbox/r_1/message_1.json": thread(
            ["Resident", "Malton Police"],
            [fb_message("Resident", T0, "a van with no plates again")],
            "Resident",
            "inbox/r_1",
        )
    }
    newer = {
        "your_facebook_activity/messages/inbox/r_1/message_1.json": thread(
            ["Resident", "Malton Police"],
            [
                fb_message("Malton Police", T0 + 60_000, "Thanks, passed on"),
                fb_message("Resident", T0, "a van with no plates again"),
            ],
            "Resident",
            "inbox/r_1",
        )
    }
    first = zip_archive(tmp_path / "MaltonPolice" / "old.zip", older)
    second = zip_archive(tmp_path / "MaltonPolice" / "new.zip", newer)
    result = read_archives([str(first), str(second)], ACCOUNTS)
    assert codes(result) == []
    [message] = result.messages
    assert (message.archive, message.answered) == (str(first), True)
    assert [a.inbound for a in result.archives] == [1, 1]
    assert matched(result)[0][2] == MatchedBy.NAME.value
