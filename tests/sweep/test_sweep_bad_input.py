"""Every bad archive becomes a finding naming the archive and the file inside it, reading goes on
with the other archives, nothing is written, and no message text reaches a finding, a log
record or an exception."""

from __future__ import annotations

import json
import logging
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sweepkit import (
    ACCOUNTS,
    WHITBY_ID,
    conversation,
    dm,
    fb_message,
    thread,
    x_account,
    ytd,
    zip_archive,
)

from nypconsol.core.findings import CODES
from nypconsol.sweep.archives import read_archives
from nypconsol.sweep.sources import Limits

DEFAULT_LIMITS = Limits()
SECRET = "SECRETWORDS lad with a machete behind the chippy"  # must never leave the items


def dms(*texts: str, part: int = 0) -> str:
    return ytd(
        "direct_messages",
        [
            conversation(
                f"{WHITBY_ID}-222",
                *(
                    dm(str(900 + n), "222", WHITBY_ID, text, f"2026-01-0{n + 1}T10:00:00.000Z")
                    for n, text in enumerate(texts)
                ),
            )
        ],
        part=part,
    )


def good_x(root: Path, name: str = "good.zip") -> Path:
    return zip_archive(
        root / name, {"data/account.js": x_account(), "data/direct-messages.js": dms(SECRET)}
    )


def patch_zip_flag(path: Path) -> None:
    """Mark every entry as encrypted, in its local header and in the central directory."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (at := data.find(signature, start)) != -1:
            data[at + offset] |= 0x1
            start = at + 4
    path.write_bytes(bytes(data))


def flip_stored_content(path: Path, needle: bytes) -> None:
    data = path.read_bytes()
    at = data.index(needle)
    path.write_bytes(data[:at] + b"X" + data[at + 1 :])


@dataclass(frozen=True)
class Case:
    name: str
    code: str
    build: Callable[[Path], list[str]]  # makes the inputs, returns the paths to sweep
    archive: str  # the archive the finding must name (relative to the test folder)
    member: str | None  # the file inside it the finding must name
    limits: Limits = DEFAULT_LIMITS


def _missing(root: Path) -> list[str]:
    return [str(root / "nowhere.zip")]


def _not_a_zip(root: Path) -> list[str]:
    (root / "x.zip").write_bytes(b"this is not a zip file " + SECRET.encode())
    return [str(root / "x.zip")]


def _cut_short(root: Path) -> list[str]:
    path = good_x(root, "x.zip")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return [str(path)]


def _bad_crc(root: Path) -> list[str]:
    path = zip_archive(
        root / "x.zip",
        {"data/account.js": x_account(), "data/direct-messages.js": dms(SECRET)},
        compression=zipfile.ZIP_STORED,
    )
    flip_stored_content(path, SECRET.encode()[:11])
    return [str(path)]


def _bzip2(root: Path) -> list[str]:
    path = root / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data/account.js", x_account())
        archive.writestr("data/direct-messages.js", dms(SECRET), compress_type=zipfile.ZIP_BZIP2)
    return [str(path)]


def _encrypted(root: Path) -> list[str]:
    path = good_x(root, "x.zip")
    patch_zip_flag(path)
    return [str(path)]


def _bomb(root: Path) -> list[str]:
    # 64 MiB of spaces after the prefix compress to ~64 KiB: a thousand to one
    path = root / "x.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data/account.js", x_account())
        with archive.open("data/direct-messages.js", "w") as member:
            member.write(b"window.YTD.direct_messages.part0 = [")
            block = b" " * (1 << 20)
            for _ in range(64):
                member.write(block)
            member.write(b"]")
    return [str(path)]


def _declared_too_big(root: Path) -> list[str]:
    return [str(good_x(root, "x.zip"))]


def _budget(root: Path) -> list[str]:
    return [str(good_x(root, "x.zip"))]


def _unknown_layout(root: Path) -> list[str]:
    return [str(zip_archive(root / "x.zip", {"notes.txt": SECRET, "photos/a.jpg": b"\xff\xd8"}))]


def _tar(root: Path) -> list[str]:
    (root / "archive-nypolice.tar.gz").write_bytes(b"\x1f\x8b" + b"\x00" * 20)
    return [str(root / "archive-nypolice.tar.gz")]


def _wrong_shape(root: Path) -> list[str]:
    shaped = "window.YTD.direct_messages.part0 = " + json.dumps({"messages": SECRET})
    return [
        str(
            zip_archive(
                root / "x.zip",
                {"data/account.js": x_account(), "data/direct-messages.js": shaped},
            )
        )
    ]


def _not_ytd(root: Path) -> list[str]:
    plain = json.dumps([{"dmConversation": {"conversationId": "1-2", "messages": [SECRET]}}])
    return [
        str(
            zip_archive(
                root / "x.zip", {"data/account.js": x_account(), "data/direct-messages.js": plain}
            )
        )
    ]


def _truncated_js(root: Path) -> list[str]:
    text = dms(SECRET)
    cut = text[: text.index(SECRET) + 20]  # stops inside the message text
    return [
        str(
            zip_archive(
                root / "x.zip", {"data/account.js": x_account(), "data/direct-messages.js": cut}
            )
        )
    ]


def _truncated_meta(root: Path) -> list[str]:
    text = thread(
        ["Resident", "Malton Police"], [fb_message("Resident", 1, SECRET)], "R", "inbox/r_1"
    )
    cut = text[: text.index("SECRET") + 25]
    return [
        str(
            zip_archive(
                root / "MaltonPolice" / "fb.zip",
                {"your_facebook_activity/messages/inbox/r_1/message_1.json": cut},
            )
        )
    ]


def _incomplete(root: Path) -> list[str]:
    manifest = "window.__THAR_CONFIG = " + json.dumps(
        {
            "userInfo": {"accountId": WHITBY_ID, "userName": "WhitbyPolice"},
            "dataTypes": {
                "directMessages": {
                    "files": [
                        {
                            "fileName": "data/direct-messages.js",
                            "globalName": "YTD.direct_messages.part0",
                            "count": "1",
                        },
                        {
                            "fileName": "data/direct-messages-part1.js",
                            "globalName": "YTD.direct_messages.part1",
                            "count": "9",
                        },
                    ]
                }
            },
        }
    )
    return [
        str(
            zip_archive(
                root / "x.zip",
                {
                    "data/manifest.js": manifest,
                    "data/account.js": x_account(),
                    "data/direct-messages.js": dms(SECRET),
                },
            )
        )
    ]


def _not_in_inventory(root: Path) -> list[str]:
    return [
        str(
            zip_archive(
                root / "x.zip",
                {
                    "data/account.js": x_account("999", "SomeoneElse"),
                    "data/direct-messages.js": dms(SECRET),
                },
            )
        )
    ]


def _nameless(root: Path) -> list[str]:
    return [str(zip_archive(root / "archive.zip", {"data/direct-messages.js": dms(SECRET)}))]


def _wrong_platform(root: Path) -> list[str]:
    return [
        str(
            zip_archive(
                root / "x.zip",
                {
                    "data/account.js": x_account("999", "MaltonPolice"),
                    "data/direct-messages.js": dms(SECRET),
                },
            )
        )
    ]


def _unsafe_path(root: Path) -> list[str]:
    path = root / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data/account.js", x_account())
        archive.writestr("data/direct-messages.js", dms("hello"))
        archive.writestr("../data/direct-messages-part1.js", dms(SECRET, part=1))
    return [str(path)]


def _absolute_path(root: Path) -> list[str]:
    path = root / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data/account.js", x_account())
        archive.writestr(zipfile.ZipInfo("/tmp/evil.js"), SECRET)
    return [str(path)]


def _twice_in_zip(root: Path) -> list[str]:
    path = root / "x.zip"
    with pytest.warns(UserWarning), zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data/account.js", x_account())
        archive.writestr("data/direct-messages.js", dms("hello"))
        archive.writestr("data/direct-messages.js", dms(SECRET))
    return [str(path)]


def _symlink(root: Path) -> list[str]:
    folder = root / "WhitbyPolice"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "account.js").write_text(x_account(), encoding="utf-8")
    outside = root / "outside.js"
    outside.write_text(dms(SECRET), encoding="utf-8")
    os.symlink(outside, folder / "data" / "direct-messages.js")
    return [str(folder)]


def _skipped(root: Path) -> list[str]:
    text = ytd(
        "direct_messages",
        [
            conversation(
                f"{WHITBY_ID}-222",
                {"messageCreate": {"senderId": "222", "text": SECRET}},  # no id, no time
                dm("1", "222", WHITBY_ID, "hello", "2026-01-01T10:00:00.000Z"),
            )
        ],
    )
    return [
        str(
            zip_archive(
                root / "x.zip", {"data/account.js": x_account(), "data/direct-messages.js": text}
            )
        )
    ]


def _owner_unknown(root: Path) -> list[str]:
    return [
        str(
            zip_archive(
                root / "MaltonPolice" / "fb.zip",
                {
                    "messages/inbox/a_1/message_1.json": thread(
                        ["Resident A", "Resident B"],
                        [fb_message("Resident A", 1, SECRET)],
                        "A",
                        "inbox/a_1",
                    ),
                    "profile_information/profile_information.json": "{}",
                },
            )
        )
    ]


def _duplicate(root: Path) -> list[str]:
    first = good_x(root, "a.zip")
    second = root / "copy-of-a.zip"
    second.write_bytes(first.read_bytes())
    return [str(first), str(second)]


CASES = [
    Case("missing path", "archive-unreadable", _missing, "nowhere.zip", None),
    Case("not a zip", "archive-corrupt", _not_a_zip, "x.zip", None),
    Case("zip cut short", "archive-corrupt", _cut_short, "x.zip", None),
    Case("checksum mismatch", "archive-corrupt", _bad_crc, "x.zip", "data/direct-messages.js"),
    Case("bzip2 member", "archive-corrupt", _bzip2, "x.zip", "data/direct-messages.js"),
    Case("encrypted", "archive-corrupt", _encrypted, "x.zip", "data/account.js"),
    Case("zip bomb ratio", "archive-too-large", _bomb, "x.zip", "data/direct-messages.js"),
    Case(
        "declared size",
        "archive-too-large",
        _declared_too_big,
        "x.zip",
        "data/direct-messages.js",
        Limits(max_member_bytes=400),
    ),
    Case(
        "total budget",
        "archive-too-large",
        _budget,
        "x.zip",
        "data/direct-messages.js",
        Limits(max_total_bytes=600),
    ),
    Case("unknown layout", "archive-layout", _unknown_layout, "x.zip", None),
    Case("tar archive", "archive-layout", _tar, "archive-nypolice.tar.gz", None),
    Case("wrong shape", "archive-layout", _wrong_shape, "x.zip", "data/direct-messages.js"),
    Case("no window.YTD", "archive-not-ytd", _not_ytd, "x.zip", "data/direct-messages.js"),
    Case("truncated .js", "archive-truncated", _truncated_js, "x.zip", "data/direct-messages.js"),
    Case(
        "truncated Meta JSON",
        "archive-truncated",
        _truncated_meta,
        "MaltonPolice/fb.zip",
        "your_facebook_activity/messages/inbox/r_1/message_1.json",
    ),
    Case(
        "missing part", "archive-incomplete", _incomplete, "x.zip", "data/direct-messages-part1.js"
    ),
    Case("not in inventory", "archive-unmatched", _not_in_inventory, "x.zip", None),
    Case("names no account", "archive-unmatched", _nameless, "archive.zip", None),
    Case("wrong platform", "archive-wrong-platform", _wrong_platform, "x.zip", None),
    Case(
        "'..' in a path",
        "archive-bad-path",
        _unsafe_path,
        "x.zip",
        "../data/direct-messages-part1.js",
    ),
    Case("absolute path", "archive-bad-path", _absolute_path, "x.zip", "/tmp/evil.js"),
    Case("path twice", "archive-bad-path", _twice_in_zip, "x.zip", "data/direct-messages.js"),
    Case("symbolic link", "archive-bad-path", _symlink, "WhitbyPolice", "data/direct-messages.js"),
    Case(
        "skipped entries", "archive-skipped-entries", _skipped, "x.zip", "data/direct-messages.js"
    ),
    Case("owner unknown", "archive-owner-unknown", _owner_unknown, "MaltonPolice/fb.zip", None),
    Case("same archive twice", "archive-duplicate", _duplicate, "copy-of-a.zip", None),
]


# The Mastodon API's failures have their own tests, against a loopback server
# (tests/sweep/test_sweep_mastodon_api.py).
API_CODES = {"archive-api-failed"}


def test_every_archive_code_has_a_case():
    archive_codes = {code for code in CODES if code.startswith("archive-")}
    assert {c.code for c in CASES} == archive_codes - API_CODES


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(tmp_path, caplog, case):
    work = tmp_path / "work"
    work.mkdir()
    paths = case.build(work)
    other = zip_archive(  # another account's archive, read despite the bad one
        tmp_path / "other" / "selby.zip",
        {"data/account.js": x_account("500", "SelbyCops"), "data/direct-messages.js": dms("hi")},
    )
    before = _tree(tmp_path)
    caplog.set_level(logging.DEBUG)
    result = read_archives([*paths, str(other)], ACCOUNTS, limits=case.limits)
    assert _tree(tmp_path) == before, "reading wrote something"
    found = [f for f in result.findings if f.code == case.code]
    assert found, [f.as_dict() for f in result.findings]
    finding = found[0]
    assert finding.archive == str(work / case.archive)
    assert finding.member == case.member
    assert finding.message and "\n" not in finding.message
    assert str(other) in {a.path for a in result.archives}
    # privacy: no message text in any finding, log record or warning
    for f in result.findings:
        assert "SECRETWORDS" not in f.message and "machete" not in f.message
        assert "SECRETWORDS" not in f.as_finding().message
    for record in caplog.records:
        assert "SECRETWORDS" not in record.getMessage()


def test_the_duplicate_is_read_once(tmp_path):
    paths = _duplicate(tmp_path)
    result = read_archives(paths, ACCOUNTS)
    assert [a.path for a in result.archives] == [paths[0]]
    assert [m.text for m in result.messages] == [SECRET]


def test_a_zip_bomb_is_refused_before_it_is_decompressed(tmp_path, monkeypatch):
    paths = _bomb(tmp_path)
    opened = []
    real_open = zipfile.ZipFile.open

    def spying_open(self, name, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(name if isinstance(name, str) else name.filename)
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spying_open)
    result = read_archives(paths, ACCOUNTS)
    assert [f.code for f in result.findings] == ["archive-too-large"]
    assert "data/direct-messages.js" not in opened


def test_the_unsafe_member_is_not_read_as_the_real_one(tmp_path):
    result = read_archives(_unsafe_path(tmp_path), ACCOUNTS)
    assert [m.text for m in result.messages] == ["hello"]


def test_the_first_copy_of_a_repeated_member_is_read(tmp_path):
    result = read_archives(_twice_in_zip(tmp_path), ACCOUNTS)
    assert [m.text for m in result.messages] == ["hello"]


def test_a_symbolic_link_is_not_followed(tmp_path):
    result = read_archives(_symlink(tmp_path), ACCOUNTS)
    assert result.messages == ()
    assert result.archives[0].account.handle == "WhitbyPolice"


def test_a_truncated_file_names_line_and_column(tmp_path):
    result = read_archives(_truncated_js(tmp_path), ACCOUNTS)
    [finding] = result.findings
    assert "cut short" in finding.message
    assert "line " in finding.message and "column " in finding.message


def test_no_message_text_in_exceptions_raised_while_reading(tmp_path):
    """The readers turn every bad file into a finding; nothing escapes, so nothing can carry the
    text out in a traceback. Run every case and check nothing is raised."""
    for n, case in enumerate(CASES):
        folder = tmp_path / str(n)
        folder.mkdir()
        try:
            read_archives(case.build(folder), ACCOUNTS, limits=case.limits)
        except Exception as error:  # pragma: no cover - the failure this test exists for
            pytest.fail(f"{case.name}: {type(error).__name__} escaped: {error}")


def test_a_fault_in_a_reader_names_the_archive_but_not_what_it_read(tmp_path, monkeypatch):
    from nypconsol.sweep import x
    from nypconsol.sweep.archives import SweepError

    def broken(ctx, identity):  # type: ignore[no-untyped-def]
        int(SECRET)  # ValueError: invalid literal for int() with base 10: 'SECRETWORDS ...'

    monkeypatch.setattr(x, "read_messages", broken)
    path = good_x(tmp_path)
    with pytest.raises(SweepError) as caught:
        read_archives([str(path)], ACCOUNTS)
    assert str(path) in str(caught.value) and "ValueError" in str(caught.value)
    assert "SECRETWORDS" not in str(caught.value)
    assert caught.value.__suppress_context__ and caught.value.__cause__ is None
    import traceback

    shown = "".join(traceback.format_exception(caught.value))
    assert "SECRETWORDS" not in shown
