"""Lengths as each platform counts them (X's weighted count against twitter-text's conformance
cases, Mastodon, Bluesky, the rest), the limits, and ``nypconsol measure``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from nypconsol.cli import cli
from nypconsol.core.errors import ExitCode
from nypconsol.core.measure import (
    TextKind,
    grapheme_count,
    limit_for,
    mastodon_countable,
    measure,
    text_length,
)
from nypconsol.core.platforms import PLATFORMS, Counting
from nypconsol.core.xtext import find_urls, has_invalid_characters, weighted_length

CONFORMANCE = yaml.safe_load(
    (Path(__file__).parent / "data" / "twitter-text-conformance.yaml").read_text(encoding="utf-8")
)
ZWJ = "\u200d"
FAMILY = "\U0001f468" + ZWJ + "\U0001f469" + ZWJ + "\U0001f467" + ZWJ + "\U0001f466"


def _text(value: str | list) -> str:
    return value if isinstance(value, str) else "".join(piece * times for piece, times in value)


# --- X: twitter-text's conformance cases -------------------------------------------------------


@pytest.mark.parametrize("case", CONFORMANCE["weighted"], ids=lambda c: c["description"])
def test_x_weighted_length_passes_twitter_text_conformance(case):
    text = _text(case["text"])
    assert weighted_length(text) == case["weighted_length"]
    result = measure(text, "x")
    assert result.length == case["weighted_length"]
    assert result.valid is case["valid"]


@pytest.mark.parametrize("case", CONFORMANCE["urls"], ids=lambda c: c["description"])
def test_x_finds_urls_as_twitter_text_extracts_them(case):
    text = case["text"]
    assert [text[start:end] for start, end in find_urls(text)] == case["expected"]


def test_the_conformance_selection_is_substantial():
    """A representative selection, not a token one: every group of the published file."""
    assert len(CONFORMANCE["weighted"]) >= 20 and len(CONFORMANCE["urls"]) >= 30


# --- X: the cases the notices meet -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("northyorkshire.police.uk", 23),  # a bare domain is a link
        ("Report online at northyorkshire.police.uk/ro/report today", 17 + 23 + 6),
        ("https://www.northyorkshire.police.uk/ro/report/", 23),
        ("call 101 or https://www.northyorkshire.police.uk/ro/report/.", 12 + 23 + 1),
        ("Siân", 4),  # Latin accents weigh 1
        ("Zoë O'Neill-Brontë", 18),
        ("Siobha\u0301n", 7),  # a combining accent is composed first (NFC)
        ("日本語", 6),  # CJK weighs 2
        ("Привет", 6),  # Cyrillic is below U+10FF: 1 each
        ("🚓", 2),
        ("👍🏽", 2),  # a skin tone is part of its emoji
        (FAMILY, 2),  # so is a family sequence
        ("🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", 2),  # England's flag
        ("🇬🇧", 2),
        ("1\ufe0f\u20e3", 2),  # a keycap
        ("\u263a", 2),  # text-style smiley: not an emoji, but outside the light ranges
        ("\u2018quoted\u2019 \u2013 dash", 15),  # general punctuation weighs 1
        ("@NYP_Craven", 11),  # a mention counts as written
        ("foo.jp", 6),  # a country domain with no subdomain or path is not a link
    ],
)
def test_x_counts_links_accents_cjk_and_emoji(text, length):
    assert weighted_length(text) == length


def test_x_limit_is_280_for_posts_and_160_for_bios():
    assert measure("x" * 280, "x").valid
    assert not measure("x" * 281, "x").valid
    assert measure("x" * 160, "x", TextKind.BIO).valid
    assert not measure("x" * 161, "x", TextKind.BIO).valid
    assert measure("日" * 140, "x").valid and not measure("日" * 141, "x").valid


def test_x_refuses_its_invalid_characters():
    assert has_invalid_characters("a\ufffeb")
    assert not measure("fine\uffff", "x").valid
    assert measure("fine", "x").valid


def test_crlf_counts_as_one_line_break_on_x():
    assert weighted_length("a\r\nb") == weighted_length("a\nb") == 3


# --- Mastodon, Bluesky, the rest -------------------------------------------------------------


def test_mastodon_counts_links_as_23_and_remote_mentions_as_local():
    text = "Moved to @richmondshire@mastodon.social see https://www.northyorkshire.police.uk/ro/report/"
    assert mastodon_countable(text) == "Moved to @richmondshire see " + "x" * 23
    assert text_length(text, Counting.MASTODON) == len("Moved to @richmondshire see ") + 23


def test_mastodon_does_not_count_bare_domains_as_links():
    assert text_length("northyorkshire.police.uk", Counting.MASTODON) == 24


def test_mastodon_keeps_a_link_that_holds_an_at_sign_whole():
    text = "see https://mastodon.social/@nypolice now"
    assert mastodon_countable(text) == "see " + "x" * 23 + " now"


def test_mastodon_counts_graphemes():
    assert text_length(f"Hi {FAMILY} Siân", Counting.MASTODON) == len("Hi x Siân")
    assert text_length("e\u0301", Counting.MASTODON) == 1


def test_bluesky_counts_graphemes_with_links_in_full():
    assert text_length(FAMILY + "👍🏽🇬🇧", Counting.GRAPHEMES) == 3
    url = "https://www.northyorkshire.police.uk/ro/report/"
    assert text_length(url, Counting.GRAPHEMES) == len(url)
    assert measure("é" * 300, "bluesky").valid
    assert not measure("é" * 301, "bluesky").valid


def test_graphemes_of_ascii_treat_crlf_as_one():
    assert grapheme_count("a\r\nb") == 3


@pytest.mark.parametrize("platform", ["facebook", "instagram", "tiktok", "threads"])
def test_the_others_count_unicode_characters(platform):
    assert measure("Siân 日本 👍🏽", platform).length == len("Siân 日本 👍🏽") == 10


@pytest.mark.parametrize(
    ("platform", "post", "bio"),
    [
        ("x", 280, 160),
        ("mastodon", 500, 500),
        ("bluesky", 300, 256),
        ("threads", 500, 150),
        ("instagram", 2200, 150),
        ("tiktok", 2200, 80),
        ("facebook", 63206, 101),
    ],
)
def test_limits_are_the_issues_table(platform, post, bio):
    assert limit_for(platform, TextKind.POST) == PLATFORMS[platform].post_limit == post
    assert limit_for(platform, TextKind.BIO) == PLATFORMS[platform].bio_limit == bio


def test_a_config_limit_overrides_the_table():
    overrides = {("mastodon", "post"): 1000}
    assert limit_for("mastodon", TextKind.POST, overrides) == 1000
    assert limit_for("mastodon", TextKind.BIO, overrides) == 500
    assert measure("x" * 900, "mastodon", limits=overrides).valid


@pytest.mark.parametrize("text", ["", " ", "\n\n"])
def test_an_empty_text_is_not_valid(text):
    assert not measure(text, "facebook").valid


# --- nypconsol measure -----------------------------------------------------------------------


def run(*args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["measure", *args], input=input)


def test_measure_json_is_the_documented_document():
    result = run("--platform", "x", "--format", "json", "Hi http://test.co")
    assert result.exit_code == 0
    assert result.stdout == (
        '{"platform": "x", "kind": "post", "length": 26, "limit": 280, "valid": true}\n'
    )


def test_measure_text_says_whether_it_fits():
    result = run("--platform", "Twitter", "Siân 🚓")
    assert (result.exit_code, result.stdout) == (
        0,
        "X post: 7 of 280 characters as X counts them: it fits.\n",
    )


def test_measure_exits_1_when_too_long_and_says_by_how_much():
    result = run("--platform", "tiktok", "--kind", "bio", "x" * 85)
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert (
        result.stdout
        == "TikTok bio: 85 of 80 characters as TikTok counts them: 5 too many: shorten it.\n"
    )


def test_measure_exits_1_for_an_empty_text():
    result = run("--platform", "x", "--format", "json", "")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert json.loads(result.stdout) == {
        "platform": "x",
        "kind": "post",
        "length": 0,
        "limit": 280,
        "valid": False,
    }


def test_measure_reads_standard_input_without_its_last_line_break():
    result = run("--platform", "bsky", "--format", "json", "-", input="Hello 👍🏽\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["length"] == 7


def test_measure_refuses_standard_input_that_is_not_utf8():
    result = run("--platform", "x", "-", input=b"caf\xe9\n")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert "not UTF-8" in result.stderr and "Traceback" not in result.output


def test_measure_names_the_platforms_for_an_unknown_one():
    result = run("--platform", "myspace", "text")
    assert result.exit_code == ExitCode.USAGE
    assert "x, facebook, instagram, tiktok, mastodon, bluesky, threads" in result.stderr


def test_measure_text_shows_no_control_characters():
    result = run("--platform", "x", "\x1b]52;c;aGk=\x07")
    assert "\x1b" not in result.stdout


def test_measure_says_why_a_text_is_refused():
    assert run("--platform", "x", "ok\ufffe").stdout.endswith(
        ": it holds U+FFFE, which X refuses.\n"
    )
    assert run("--platform", "facebook", "   ").stdout.endswith(
        ": it is empty, and an empty text is not valid.\n"
    )


@pytest.mark.parametrize("platform", ["x", "facebook", "mastodon", "bluesky"])
def test_a_draft_with_control_characters_is_not_valid_as_notices_refuse_them(platform):
    """A control character (an escape sequence pasted from a terminal, a tab) would be posted
    as it is: `notices` refuses such a text (notice-unsafe-text), and so does measure."""
    measured = measure("Follow us\x1b[31m now\x07", platform)
    assert not measured.valid
    assert measured.problem == (
        "holds control characters (U+0007, U+001B), which would be posted as they are: remove them"
    )
    assert measure("line one\nline two", platform).valid  # line breaks are text
    result = run("--platform", platform, "tab\there")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stdout.endswith(
        ": it holds control characters (U+0009), which would be posted as they are: remove them.\n"
    )


def test_measure_at_a_terminal_says_how_to_end_the_draft(monkeypatch):
    """`-` with standard input at a terminal waits for the draft: say so, rather than seem to
    hang."""
    import nypconsol.cli.measure as command

    monkeypatch.setattr(command, "_stdin_at_terminal", lambda: True)
    result = run("--platform", "x", "-", input="Hello\n")
    assert result.exit_code == 0
    assert result.stderr == (
        "Type or paste the draft, then press Ctrl-D at the start of a line to measure it.\n"
    )
    assert result.stdout == "X post: 5 of 280 characters as X counts them: it fits.\n"
    monkeypatch.setattr(command, "_stdin_at_terminal", lambda: False)
    assert run("--platform", "x", "-", input="Hello\n").stderr == ""
