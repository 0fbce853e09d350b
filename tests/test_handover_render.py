"""The handover reports as HTML, Markdown and JSON: each section's content, hostile text escaped
in every field, HTML that parses and references nothing outside itself, the index's totals, the
ledger's states shown, and the JSON true to its schema."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from html.parser import HTMLParser

import jsonschema
import pytest

from nypconsol.core.handover import build_handover
from nypconsol.core.plan import make_plan
from nypconsol.render.handover import handover_json, handover_json_all, handover_table
from nypconsol.render.handover_html import MAX_BARS, bar_chart, handover_html
from nypconsol.render.handover_markdown import handover_markdown
from nypconsol.schemas import load_schema
from tests.test_handover import HANDOVER_CONFIG, HANDOVER_INVENTORY


@pytest.fixture
def plan_of(checked, write):  # type: ignore[no-untyped-def]
    def _plan(config: str = HANDOVER_CONFIG, inventory: str = HANDOVER_INVENTORY):  # type: ignore[no-untyped-def]
        result = checked(write("inv.csv", inventory), write("handover.yaml", config))
        assert not result.errors, [f.message for f in result.errors]
        return make_plan(result)

    return _plan


@pytest.fixture
def handover(plan_of):  # type: ignore[no-untyped-def]
    return build_handover(plan_of())


class Page(HTMLParser):
    """An HTML page as parsed: every tag with its attributes, and the text of each section."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.sections: dict[str, list[str]] = {}
        self.text: list[str] = []
        self.style = ""
        self._section: str | None = None
        self._in_style = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "section":
            self._section = attributes.get("id")
            self.sections[self._section or ""] = []
        self._in_style = tag == "style"

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "section":
            self._section = None
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._in_style:
            self.style += data
            return
        self.text.append(data)
        if self._section is not None:
            self.sections[self._section].append(data)

    def section(self, name: str) -> str:
        return " ".join(" ".join(self.sections[name]).split())

    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "footer", "section", "h1",
    "h2", "h3", "p", "div", "span", "b", "strong", "code", "a", "table", "thead", "tbody", "tfoot",
    "tr", "th", "td", "figure", "figcaption", "svg", "text", "rect",
}  # fmt: skip


def assert_self_contained(html: str) -> Page:
    """The page parses, holds only the tags we write, runs nothing and fetches nothing."""
    page = Page(html)
    assert html.startswith("<!DOCTYPE html>")
    assert {tag for tag, _ in page.tags} <= ALLOWED_TAGS
    lowered = html.lower()
    for banned in ("<script", "@import", "url(", "<link", "<img", "<iframe"):
        assert banned not in lowered, banned
    for tag, attributes in page.tags:
        assert not any(name.startswith("on") for name in attributes), (tag, attributes)
        assert not any("javascript" in (value or "").lower() for value in attributes.values())
        assert "src" not in attributes and "style" not in attributes
        href = attributes.get("href")
        if href is not None:
            assert tag == "a" and re.fullmatch(r"[a-z0-9._-]+\.html", href), href
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*https?:", lowered)
    return page


# --- content per section -----------------------------------------------------------------------


def test_html_district_report_holds_every_section(handover):
    html = handover_html(handover)["craven.html"].decode()
    page = assert_self_contained(html)
    assert list(page.sections) == [
        "destinations", "accounts", "retained", "skipped", "voices", "totals", "checklist", "sign-off",
    ]  # fmt: skip
    assert page.section("destinations") == (
        "Destination accounts Platform Account Profile Accounts moving in "
        "X @NYP_Craven https://x.com/NYP_Craven 2 "
        "Facebook facebook.com/NYPCraven https://www.facebook.com/NYPCraven 1"
    )
    accounts = page.section("accounts")
    assert (
        "@PC_Ann X PC 1 Ann Lee Neighbourhood officer 100 2026-10-01 migrate park @NYP_Craven "
        "2027-01-11 2027-01-25" in accounts
    )
    assert (
        "facebook.com/AnnLeeSkipton Facebook PC 1 Ann Lee Neighbourhood officer unknown "
        "2026-09-01 migrate park facebook.com/NYPCraven" in accounts
    )
    assert "KeepMe" not in accounts and "OldBeat" not in accounts
    assert "@KeepMe X Craven Events Events team 900 Approved events channel" in page.section(
        "retained"
    )
    assert "@OldBeat X PC 9 Old Neighbourhood officer 7 already closed" in page.section("skipped")
    assert (
        "PC 1 Ann Lee 1 Neighbourhood officer PC 1 Ann X (@NYP_Craven), Facebook "
        "(facebook.com/NYPCraven)" in page.section("voices")
    )
    totals = page.section("totals")
    assert (
        "5 accounts: 3 to migrate, 1 to retain, 1 to skip; 150 followers to redirect, and 1 "
        in (totals)
    )
    assert "X 4 2 1 1 150 0 Facebook 1 1 0 0 0 1" in totals
    checklist = page.section("checklist")
    assert checklist.count("1. Announcement posted and pinned") == 3
    assert "5. Account closed (parked, or moved on Mastodon) on X: lock the account" in checklist
    assert "2027-01-22 before the close date" in checklist
    assert "date ________ initials ____" in checklist
    sign_off = page.section("sign-off")
    assert (
        "Outgoing owner PC 1 Ann Lee posts as PC 1 Ann facebook.com/AnnLeeSkipton (Facebook), "
        "@PC_Ann (X)" in sign_off
    )
    assert "Outgoing owner Settle SNT @SettleSNT (X)" in sign_off
    assert "Craven district lead @NYP_Craven (X), facebook.com/NYPCraven (Facebook)" in sign_off
    # print: the checklist and the sign-off each start a new A4 page
    assert "@page { size: A4;" in page.style and ".new-page { break-before: page;" in page.style
    assert '<section id="checklist" class="new-page">' in html
    assert '<section id="sign-off" class="new-page">' in html


def test_html_chart_is_inline_svg_of_followers_by_account(handover):
    page = Page(handover_html(handover)["craven.html"].decode())
    texts = [t for t in page.text if t.strip()]
    rects = [a for tag, a in page.tags if tag == "rect"]
    assert len(rects) == 2  # the accounts with known followers
    start = texts.index("Followers to redirect, by account")
    assert texts[start + 1 : start + 5] == ["@PC_Ann (X)", "100", "@SettleSNT (X)", "50"]
    assert "Not shown: 1 account whose followers are unknown." in texts


def test_the_chart_adds_up_the_smallest_beyond_its_bars():
    chart = bar_chart("t", [(f"a{n}", n) for n in range(1, 21)])
    assert len(chart.bars) == MAX_BARS
    assert (chart.bars[0].label, chart.bars[0].value, chart.bars[0].width) == ("a20", "20", "160.0")
    assert (chart.bars[-1].label, chart.bars[-1].value, chart.bars[-1].width) == (
        "9 more",
        "45",
        "360.0",
    )
    assert [bar.y for bar in chart.bars] == [n * 22 for n in range(MAX_BARS)]
    assert bar_chart("t", [("a", 0)]) is None


def test_markdown_district_report_holds_the_same_sections(handover):
    text = handover_markdown(handover)["craven.md"].decode()
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# Handover: Craven", "## Destination accounts", "## Accounts coming in", "## Retained",
        "## Skipped", "## Voices", "## Totals", "## Checklist", "### facebook.com/AnnLeeSkipton (Facebook)",
        "### @PC\\_Ann (X)", "### @SettleSNT (X)", "## Sign-off",
    ]  # fmt: skip
    assert "| X | @NYP\\_Craven | https://x.com/NYP\\_Craven | 2 |" in text
    assert (
        "| @PC\\_Ann | X | PC 1 Ann Lee | Neighbourhood officer | 100 | 2026-10-01 | migrate | "
        "park | @NYP\\_Craven | 2027-01-11 | 2027-01-25 |" in text
    )
    assert "| @KeepMe | X | Craven Events | Events team | 900 | Approved events channel |" in text
    assert "| @OldBeat | X | PC 9 Old | Neighbourhood officer | 7 | already closed |" in text
    assert (
        "| PC 1 Ann Lee | 1 | Neighbourhood officer | PC 1 Ann | X (@NYP\\_Craven), Facebook "
        "(facebook.com/NYPCraven) |" in text
    )
    assert "| Facebook | 1 | 1 | 0 | 0 | 0 | 1 |" in text
    assert (
        "- [ ] 5. Account closed (parked, or moved on Mastodon): on X: lock the account "
        "(protect posts), update the bio, keep the handle; never deactivate. Due 2027-01-25 "
        "(on the close date)." in text
    )
    assert "| Craven district lead |   |   |   |" in text


def test_a_district_with_nothing_coming_in_says_so(handover):
    text = handover_markdown(handover)["selby.md"].decode()
    assert "No accounts fold in." in text and "No accounts to close." in text
    html = handover_html(handover)["selby.html"].decode()
    page = assert_self_contained(html)
    assert page.section("accounts") == "Accounts coming in No accounts fold in."
    assert "new-page" not in html.split("</style>")[1]  # no page left nearly empty in print
    assert not [tag for tag, _ in page.tags if tag == "svg"]


def test_every_format_writes_the_index_and_one_file_per_report(handover):
    for files, ext in (
        (handover_html(handover), "html"),
        (handover_markdown(handover), "md"),
        (handover_json(handover), "json"),
    ):
        assert sorted(files) == sorted(
            f"{stem}.{ext}" for stem in ("index", "craven", "richmondshire", "selby")
        )


def test_the_same_plan_gives_the_same_bytes(plan_of):
    first, second = build_handover(plan_of()), build_handover(plan_of())
    for render in (handover_html, handover_markdown, handover_json):
        assert render(first) == render(second)


# --- the index ---------------------------------------------------------------------------------


def _columns(row: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def test_index_totals_equal_the_sum_of_the_districts_in_every_format(handover):
    index = json.loads(handover_json(handover)["index.json"])["index"]
    for name in (
        "accounts",
        "migrate",
        "retain",
        "skip",
        "followers_to_redirect",
        "followers_unknown",
    ):
        assert index["totals"][name] == sum(row[name] for row in index["districts"]), name
    assert index["totals"]["first_notice"] == min(
        r["first_notice"] for r in index["districts"] if r["first_notice"]
    )
    district_files = {
        r["id"]: json.loads(handover_json(handover)[r["file"]]) for r in index["districts"]
    }
    for row in index["districts"]:
        totals = district_files[row["id"]]["district"]["totals"]
        assert {k: totals[k] for k in row if k in totals} == {k: row[k] for k in row if k in totals}

    lines = handover_markdown(handover)["index.md"].decode().splitlines()
    rows = [
        _columns(line) for line in lines if line.startswith("| [") or line.startswith("| **Total")
    ]
    *districts, total = rows
    assert [r[0] for r in districts] == [
        "[Craven](craven.md)", "[Richmondshire](richmondshire.md)", "[Selby](selby.md)",
    ]  # fmt: skip
    for column in range(1, 7):
        assert int(total[column].replace(",", "")) == sum(
            int(r[column].replace(",", "")) for r in districts
        )

    page = assert_self_contained(handover_html(handover)["index.html"].decode())
    links = [a["href"] for tag, a in page.tags if tag == "a"]
    assert links == ["craven.html", "richmondshire.html", "selby.html"]
    districts_text = page.section("districts")
    assert "Total 3 reports 7 5 1 1 1,180 1 2027-01-11 2027-01-25" in districts_text
    assert "Craven craven.html 5 3 1 1 150 1 2027-01-11 2027-01-25" in districts_text


def test_the_terminal_summary_is_the_index(handover):
    text = handover_table(handover)
    assert "Craven                5        3       1     1        150        1  2027-01-11" in text
    total = next(line for line in text.splitlines() if line.startswith("Total"))
    assert total.split() == ["Total", "7", "5", "1", "1", "1,180", "1", "2027-01-11", "2027-01-25"]
    assert "3 reports: 5 accounts to hand over, 1,180 followers to redirect (1 account " in text


# --- hostile text ------------------------------------------------------------------------------

HOSTILE = {
    "owner": "<script>alert(1)</script>",
    "collar_number": "'\"<>&7",
    "role": "<img src=x onerror=alert(2)>",
    "sign_off": '"><svg onload=alert(3)> {{ 7*7 }}',
    "reason": "</td></tr></table><script>alert(4)</script> | [x](javascript:alert(5))",
    "district": "<i>Craven</i> & {% raw %}",
    "area": "<b>Skip</b>ton",
    "force": "Force <style>body{display:none}</style>",
}


def _hostile_plan(plan_of):  # type: ignore[no-untyped-def]
    config = (
        HANDOVER_CONFIG.replace("name: Test Force", f"name: '{HOSTILE['force']}'")
        .replace("name: Craven", f"name: '{HOSTILE['district']}'")
        .replace("areas: [Skipton, Settle]", f"areas: ['{HOSTILE['area']}', Settle]")
    )
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(
        ["handle", "platform", "owner", "collar_number", "role", "area", "followers", "retain", "reason", "sign_off"]
    )  # fmt: skip
    common = [HOSTILE["owner"], HOSTILE["collar_number"], HOSTILE["role"], HOSTILE["area"]]
    writer.writerow(["Moving1", "x", *common, "10", "", "", HOSTILE["sign_off"]])
    writer.writerow(["Kept1", "x", *common, "", "yes", HOSTILE["reason"], ""])
    return plan_of(config, rows.getvalue())


def test_hostile_text_is_escaped_in_every_html_field(plan_of):
    handover = build_handover(_hostile_plan(plan_of))
    files = handover_html(handover)
    for name in ("index.html", "craven.html"):
        html = files[name].decode()
        page = assert_self_contained(html)  # no script, img, svg onload, style injected
        text = page.all_text()
        assert HOSTILE["district"] in text and HOSTILE["force"] in text
    page = Page(files["craven.html"].decode())
    text = page.all_text()
    for field in ("owner", "collar_number", "role", "sign_off", "reason"):
        assert HOSTILE[field] in text, field  # as written: "{{ 7*7 }}" is never evaluated
    assert [tag for tag, _ in page.tags].count("svg") == 1  # only the chart's
    assert [tag for tag, _ in page.tags].count("style") == 1  # only ours


def test_hostile_text_is_escaped_in_every_markdown_field(plan_of):
    handover = build_handover(_hostile_plan(plan_of))
    for name, data in handover_markdown(handover).items():
        text = data.decode()
        assert "<" not in text.replace("&lt;", ""), name  # no raw HTML at all
        assert not re.search(r"(?<!\\)\]\(javascript", text), name  # never a link
        tables = re.findall(r"((?:^\|.*\n)+)", text, flags=re.M)
        for table in tables:
            widths = {len(_columns(row)) for row in table.splitlines()}
            assert len(widths) == 1, table  # a | in the data never adds a column
    craven = handover_markdown(handover)["craven.md"].decode()
    assert "{{ 7\\*7 }}" in craven  # as written, never evaluated
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in craven
    assert (
        "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;alert(4)&lt;/script&gt; \\| \\[x\\]"
        in craven
    )


def test_control_characters_from_the_inputs_are_shown_not_written_raw(plan_of):
    """An owner holding OSC 52 (which writes the clipboard of a terminal that shows the file)
    or colour codes: the HTML and Markdown show the characters as escapes, never the raw
    bytes, as the terminal, the plan's Markdown and the notices do."""
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(["handle", "platform", "owner", "role", "area", "sign_off"])
    writer.writerow(["Moving1", "x", "Evil\x1b]52;c;aGk=\x07Owner", "\x1b[31mPC\x1b[0m", "Skipton",
                     "Sign\u202eoff"])  # fmt: skip
    handover = build_handover(plan_of(HANDOVER_CONFIG, rows.getvalue()))
    files = {**handover_html(handover), **handover_markdown(handover)}
    for name in ("craven.html", "craven.md"):
        text = files[name].decode()
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", text), name
    html = files["craven.html"].decode()
    assert "Evil\\u001b]52;c;aGk=\\u0007Owner" in html
    assert "Sign\\u202eoff" in html


def test_hostile_text_is_plain_data_in_json(plan_of):
    handover = build_handover(_hostile_plan(plan_of))
    data = handover_json(handover)["craven.json"]
    document = json.loads(data)
    assert data == (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    district = document["district"]
    assert district["name"] == HOSTILE["district"]
    assert district["consolidated"][0]["owner"] == HOSTILE["owner"]
    assert district["retained"][0]["note"] == HOSTILE["reason"]


# --- the ledger's states -----------------------------------------------------------------------


def test_a_step_done_in_summer_shows_the_time_in_england(plan_of):
    """Done times read as `log` and `status` show them: the time in England with its zone (a
    step done at 09:30 UTC in June was done at 10:30 BST), never a UTC offset."""
    progress = {
        ("x", "PC_Ann"): {
            "announced": ("done", dt.datetime(2027, 6, 1, 9, 30, tzinfo=dt.UTC), "PC 1")
        }
    }
    handover = build_handover(plan_of(), progress=progress)
    assert (
        "**done 2027-06-01 10:30 BST by PC 1**" in handover_markdown(handover)["craven.md"].decode()
    )
    assert "done 2027-06-01 10:30 BST by PC 1" in handover_html(handover)["craven.html"].decode()


def test_progress_states_are_shown_in_every_format(plan_of):
    progress = {
        ("x", "PC_Ann"): {
            "announced": ("done", dt.datetime(2027, 1, 11, 9, 30, tzinfo=dt.UTC), "PC 1 Ann Lee"),
            "swept": ("overdue", None, ""),
            "access_granted": ("due",),
            "final_posted": ("not_yet",),
        }
    }
    handover = build_handover(plan_of(), progress=progress)
    markdown = handover_markdown(handover)["craven.md"].decode()
    assert (
        "- [x] 1. Announcement posted and pinned. Due 2027-01-11 (on the notice date). "
        "**done 2027-01-11 09:30 GMT by PC 1 Ann Lee**" in markdown
    )
    assert "- [ ] 2. Inbox" in markdown and "**overdue**" in markdown
    assert "**not yet**" in markdown
    page = Page(handover_html(handover)["craven.html"].decode())
    checklist = page.section("checklist")
    assert "done 2027-01-11 09:30 GMT by PC 1 Ann Lee" in checklist and "overdue" in checklist
    assert "The state of each step is as the progress ledger recorded it." in checklist
    classes = [a.get("class") for tag, a in page.tags if tag == "span"]
    assert "box done" in classes and "state state-overdue" in classes
    steps = json.loads(handover_json(handover)["craven.json"])["district"]["consolidated"][1]
    assert steps["handle"] == "PC_Ann"
    assert [(s["state"], s["done_at"], s["by"]) for s in steps["checklist"][:5]] == [
        ("done", "2027-01-11T09:30+00:00", "PC 1 Ann Lee"),
        ("overdue", None, ""),
        ("due", None, ""),
        ("not_yet", None, ""),
        (None, None, None),
    ]


# --- JSON --------------------------------------------------------------------------------------


def test_every_json_file_is_a_versioned_envelope_true_to_the_schema(plan_of):
    validator = jsonschema.Draft202012Validator(load_schema("handover"))
    handover = build_handover(plan_of(), districts=["craven", "force"])
    files = handover_json(handover)
    assert sorted(files) == ["craven.json", "force.json", "index.json"]
    for name, data in files.items():
        document = json.loads(data)
        assert (document["format_version"], document["kind"]) == ("1.0", "handover")
        assert document["report"] == ("index" if name == "index.json" else "district")
        validator.validate(document)
    everything = json.loads(handover_json_all(handover))
    assert everything["report"] == "all"
    assert [d["id"] for d in everything["districts"]] == ["craven", "force"]
    assert [r["file"] for r in everything["index"]["districts"]] == [None, None]
    validator.validate(everything)
    broken = json.loads(files["craven.json"])
    del broken["district"]
    assert not validator.is_valid(broken)


@pytest.mark.parametrize("width", [80, 100, 120])
def test_the_terminal_summary_fits_and_never_splits_a_value(width: int) -> None:
    """At a terminal the index fits its width: no district, number or date is split, every
    column that is left out is named."""
    from rich.console import Console

    from nypconsol.pipeline import check, load_inputs

    plan = make_plan(check(load_inputs(None, None, environ={})), dt.date(2027, 1, 11))
    handover = build_handover(plan)
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=True, color_system=None)
    console.markup = False
    handover_table(handover, console=console)
    lines = out.getvalue().splitlines()
    assert all(len(line) <= width for line in lines), "\n".join(lines)
    words = {word.rstrip(".,;:") for line in lines for word in line.split()}
    for report in handover.reports:
        assert f"{report.totals.followers_to_redirect:,}" in words
        assert set(report.name.split()) <= words, report.name
    assert {"2027-01-11", "2027-01-25", "Accounts", "Migrate", "Followers"} <= words
    if width == 80:
        assert any(line.startswith("Not shown at this width: ") for line in lines), lines


DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def test_chart_labels_fit_their_column_in_the_widest_fallback_font():
    """WeasyPrint (the PDF) draws the chart's labels in DejaVu Sans where the page's fonts are
    missing, wider than the browser's: a label cut to MAX_LABEL characters must still fit left
    of its bar (one ran off the page's left edge: 'acebook.com/NorthallertonSNT…')."""
    image_font = pytest.importorskip("PIL.ImageFont")
    import os

    from nypconsol.render.handover_html import LABEL_WIDTH

    if not os.path.exists(DEJAVU):
        pytest.skip(f"no {DEJAVU} here (Debian's fonts-dejavu-core)")
    font = image_font.truetype(DEJAVU, 12)
    labels = [
        "facebook.com/NorthallertonSNT (Facebook)",
        "@NYP_ScarboroughAndWhitbyNeighbourhood (X)",
        "facebook.com/NYPScarboroughWhitbyAndFiley (Facebook)",
        "@AAAAAAAAAAAAAAA (Instagram)",
        "North Yorkshire Police (force-wide)",
    ]
    chart = bar_chart("t", [(label, 10 + n) for n, label in enumerate(labels)])
    assert chart is not None
    for bar in chart.bars:
        assert font.getlength(bar.label) <= LABEL_WIDTH - 8, bar.label
