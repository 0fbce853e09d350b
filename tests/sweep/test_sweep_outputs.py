"""The worklists ``sweep -o DIR`` writes: self-contained HTML that escapes everything from the
archives, CSV that Excel opens safely (formulas, long ids, control characters, cell size), and
the worklist order: urgent, then unanswered, then oldest, each follow-up under its report."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sweepcli import KEY, sweep, write_inputs
from sweepkit import WHITBY_ID, conversation, dm, x_account, ytd, zip_archive

from nypconsol.render.csvfile import excel_safe

SCRIPT = "<script>alert(1)</script> lad with a knife outside the co-op right now"
FORMULAS = [
    '=HYPERLINK("http://evil.invalid","click") my car was broken into last night',
    "+44 7700 900123 ring me my shed was broken into",
    "-1+1 someone stole my bike from the station",
    "@SUM(1) my garage was broken into",
    "\tsomeone stole my bike from outside the shop",
    "\rsomeone stole my bike from outside the pub",
]


def _at(minute: int) -> str:
    return f"2026-11-01T{10 + minute // 60:02d}:{minute % 60:02d}:00.000Z"


@pytest.fixture
def worklist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One X archive holding a report with a follow-up, answered and unanswered messages, the
    traps above, and a very long message; swept into tmp_path/out."""
    monkeypatch.setenv("NYPCONSOL_PSEUDONYM_KEY", KEY)
    write_inputs(tmp_path)
    conversations = [
        conversation(
            f"{WHITBY_ID}-222",
            dm("14", "222", WHITBY_ID, "he has gone into the alley behind the co-op", _at(3)),
            dm("13", "222", WHITBY_ID, SCRIPT, _at(0)),
        ),
        conversation(
            f"{WHITBY_ID}-333",
            dm("22", WHITBY_ID, "333", "Thanks, passed on", _at(40)),
            dm("21", "333", WHITBY_ID, "someone broke into my van last night", _at(20)),
        ),
        conversation(
            f"{WHITBY_ID}-444",
            dm("31", "444", WHITBY_ID, "my shed was broken into on tuesday", _at(30)),
        ),
        conversation(
            "1860000000000000077-1860000000000000099",
            dm(
                "1860000000000000123",
                "1860000000000000099",
                WHITBY_ID,
                "love the dog pics \x1b[31m\u202e",
                _at(50),
            ),
        ),
        conversation(
            f"{WHITBY_ID}-555",
            *(
                dm(str(60 + n), "555", WHITBY_ID, text, _at(60 + n))
                for n, text in enumerate(FORMULAS)
            ),
        ),
        conversation(
            f"{WHITBY_ID}-666",
            dm("70", "666", WHITBY_ID, "someone stole my bike " + "a" * 40_000, _at(90)),
        ),
    ]
    zip_archive(
        tmp_path / "x.zip",
        {
            "data/account.js": x_account(),
            "data/direct-messages.js": ytd("direct_messages", conversations),
        },
    )
    result = sweep("x.zip", "-o", "out")
    assert result.exit_code == 0, result.stderr
    return tmp_path / "out"


def rows(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "Excel reads UTF-8 only with a byte-order mark"
    text = data[3:].decode("utf-8")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline="")))


# --- CSV ----------------------------------------------------------------------------------------


def test_the_csv_lists_urgent_then_unanswered_then_oldest_with_follow_ups_under_reports(worklist):
    listed = rows(worklist / "scarborough.csv")
    assert [(r["priority"], r["answered"], r["message_id"]) for r in listed[:4]] == [
        ("P1", "no", "13"),
        ("P1", "no", "14"),  # the follow-up, under its report
        ("P2", "no", "31"),
        ("P2", "no", "61"),
    ]
    assert listed[1]["follows"] == "13"
    answered = [r for r in listed if r["answered"] == "yes"]
    assert [r["message_id"] for r in answered] == ["21"]
    p2 = [r for r in listed if r["priority"] == "P2"]
    assert p2[-1]["message_id"] == "21"  # answered after every unanswered P2
    assert all(r["outcome"] == "" and r["reviewed_by"] == "" for r in listed)


def test_csv_cells_are_safe_for_excel(worklist):
    listed = {r["message_id"]: r for r in rows(worklist / "scarborough.csv")}
    for number, text in enumerate(FORMULAS):
        cell = listed[str(60 + number)]["text"]
        assert cell == excel_safe(text) and cell.startswith("'"), cell
    for row in listed.values():
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_long_ids_stay_text_in_excel(worklist):
    row = next(r for r in rows(worklist / "scarborough.csv") if "dog pics" in r["text"])
    assert row["message_id"] == "'1860000000000000123"
    assert row["sender"] == "'1860000000000000099"
    assert row["conversation"] == "1860000000000000077-1860000000000000099"


def test_control_characters_are_shown_in_csv_and_html(worklist):
    row = next(r for r in rows(worklist / "scarborough.csv") if "dog pics" in r["text"])
    assert row["text"] == "love the dog pics \\x1b[31m\\u202e"
    html = (worklist / "scarborough.html").read_text(encoding="utf-8")
    assert "love the dog pics \\x1b[31m\\u202e" in html
    assert "\x1b" not in html and "\u202e" not in html


def test_a_message_longer_than_an_excel_cell_is_cut_and_says_where_the_rest_is(worklist):
    row = next(r for r in rows(worklist / "scarborough.csv") if r["message_id"] == "70")
    assert len(row["text"]) < 32_767
    assert row["text"].endswith("[…cut: the whole message is in sweep.json]")
    assert "a" * 40_000 in (worklist / "sweep.json").read_text(encoding="utf-8")


# --- HTML ---------------------------------------------------------------------------------------


class Page(HTMLParser):
    """Every tag, attribute and piece of text of a page, to check what it holds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]
        self._in_style = tag == "style"

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        self._in_style = False

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        (self.styles if self._in_style else self.text).append(data)


def parsed(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def test_the_html_is_self_contained(worklist):
    page = parsed(worklist / "scarborough.html")
    assert page.tags[0] == "html" and "main" in page.tags
    assert not {"script", "link", "img", "iframe", "object", "embed", "form", "base"} & set(
        page.tags
    )
    for tag, name, value in page.attributes:
        assert not name.startswith("on"), (tag, name)
        if name in ("href", "src", "action", "srcset", "poster", "data"):
            assert value is not None and value.startswith("#"), (tag, name, value)
    style = "".join(page.styles)
    assert "url(" not in style and "@import" not in style and "@font-face" not in style


def test_everything_from_an_archive_is_escaped(worklist):
    html = (worklist / "scarborough.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = parsed(worklist / "scarborough.html")
    assert any("<script>alert(1)</script> lad with a knife" in text for text in page.text)
    assert "script" not in page.tags


def test_the_html_groups_follow_ups_under_their_report(worklist):
    html = (worklist / "scarborough.html").read_text(encoding="utf-8")
    report = html.index("lad with a knife outside the co-op")
    follow_up = html.index("he has gone into the alley")
    article_end = html.index("</article>", report)
    assert report < follow_up < article_end
    assert html.index('class="follow-up"', report) < follow_up


def test_a_page_lists_at_most_so_many_unflagged_messages(tmp_path, monkeypatch):
    from nypconsol.render import sweep_html

    monkeypatch.setattr(sweep_html, "MAX_UNFLAGGED", 2)
    monkeypatch.setenv("NYPCONSOL_PSEUDONYM_KEY", KEY)
    write_inputs(tmp_path)
    chat = [
        conversation(
            f"{WHITBY_ID}-{900 + n}",
            dm(str(n), str(900 + n), WHITBY_ID, f"good morning {n}", _at(n)),
        )
        for n in range(5)
    ]
    zip_archive(
        tmp_path / "x.zip",
        {"data/account.js": x_account(), "data/direct-messages.js": ytd("direct_messages", chat)},
    )
    assert sweep("x.zip", "-o", "out").exit_code == 0
    html = (tmp_path / "out" / "scarborough.html").read_text(encoding="utf-8")
    assert len(re.findall(r"good morning \d", html)) == 2
    assert (
        "3 more not flagged: too many for one page; they are in scarborough.csv and sweep.json"
        in html
    )
    assert len(rows(tmp_path / "out" / "scarborough.csv")) == 5
