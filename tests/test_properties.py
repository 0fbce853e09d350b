"""Property tests for handle and area normalisation."""

from __future__ import annotations

import datetime as dt
import string
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nypconsol.core import platforms
from nypconsol.core.models import RawRecord, Source
from nypconsol.core.platforms import PLATFORMS, normalise_handle, platform_id, skeleton
from nypconsol.core.resolve import area_key

PLATFORM_IDS = sorted(PLATFORMS)


def is_plain_ascii(char: str) -> bool:
    return char.isascii() and char.isprintable()


# Characters no handle on any platform may hold: controls, format characters (zero-width,
# bidi marks), non-ASCII letters and digits, and spacing.
bad_chars = st.one_of(
    st.characters(codec="utf-8", exclude_categories=[], min_codepoint=0x80),
    st.characters(max_codepoint=0x1F),
    st.sampled_from(["\x7f", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202e", "\ufeff"]),
    st.sampled_from(["\u0430", "\u043e", "\u0456", "\u0661", "\uff21", "\u00e9", "\u00a0"]),
)
ascii_handle_chars = st.sampled_from(string.ascii_letters + string.digits + "._@-")


@given(
    platform=st.sampled_from(PLATFORM_IDS),
    before=st.text(ascii_handle_chars, max_size=10),
    bad=bad_chars,
    after=st.text(ascii_handle_chars, max_size=10),
)
def test_no_platform_accepts_a_control_or_non_ascii_character(platform, before, bad, after):
    handle = normalise_handle(before + bad + after)
    assert bad in handle  # normalising never silently drops the bad character
    assert not PLATFORMS[platform].is_valid(handle)


@given(platform=st.sampled_from(PLATFORM_IDS), text=st.text(max_size=40))
def test_a_valid_handle_is_printable_ascii_without_spaces(platform, text):
    handle = normalise_handle(text)
    if PLATFORMS[platform].is_valid(handle):
        assert all(is_plain_ascii(c) for c in handle)
        assert " " not in handle
        assert not handle.startswith("@")


@given(text=st.text(max_size=40))
def test_describe_bad_characters_names_every_non_ascii_code_point(text):
    from nypconsol.core.platforms import describe_bad_characters

    described = describe_bad_characters(text)
    for char in text:
        label = f"U+{ord(char):04X}"
        assert (label in described) == (not is_plain_ascii(char))


def valid_handles(platform: str):
    rules = PLATFORMS[platform]
    # The pattern, within the platform's length limit (a domain name is at most 253 characters).
    return st.from_regex(rules.pattern, fullmatch=True).filter(rules.is_valid)


@pytest.mark.parametrize("platform", PLATFORM_IDS)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), left=st.integers(0, 4), right=st.integers(0, 4), at=st.booleans())
def test_valid_handles_survive_at_and_spaces(platform, data, left, right, at):
    handle = data.draw(valid_handles(platform))
    written = " " * left + ("@" if at else "") + handle + " " * right
    assert normalise_handle(written) == handle
    assert PLATFORMS[platform].is_valid(normalise_handle(written))
    # Normalising twice changes nothing more.
    assert normalise_handle(normalise_handle(written)) == handle


@pytest.mark.parametrize("platform", PLATFORM_IDS)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_parse_record_keeps_a_valid_handle_exactly(platform, data):
    from nypconsol.core.inventory import parse_record

    handle = data.draw(valid_handles(platform))
    record = RawRecord(
        {"handle": f" @{handle} ", "platform": f"  {platform.upper()} ", "district": "force"},
        Source("inv.csv", 2),
    )
    account, findings = parse_record(record)
    assert findings == []
    assert account is not None
    assert (account.handle, account.platform) == (handle, platform)


@pytest.mark.parametrize("platform", PLATFORM_IDS)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_handle_key_ignores_case(platform, data):
    rule = PLATFORMS[platform]
    handle = data.draw(valid_handles(platform))
    assert rule.handle_key(handle.upper()) == rule.handle_key(handle.lower())


@given(st.text(max_size=20))
def test_skeleton_is_stable(text):
    assert skeleton(skeleton(text)) == skeleton(text)


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=30))
def test_the_ascii_skeleton_shortcut_agrees_with_the_full_table(text):
    assert skeleton(text) == text.casefold().translate(platforms._CONFUSABLES)


ALIASES = {
    "x": "x",
    "twitter": "x",
    "x (twitter)": "x",
    "facebook": "facebook",
    "fb": "facebook",
    "instagram": "instagram",
    "ig": "instagram",
    "insta": "instagram",
    "tiktok": "tiktok",
    "mastodon": "mastodon",
}


@given(
    alias=st.sampled_from(sorted(ALIASES)),
    flips=st.lists(st.booleans(), min_size=12, max_size=12),
    left=st.text(" \t", max_size=3),
    right=st.text(" \t", max_size=3),
)
def test_platform_aliases_ignore_case_and_outer_spaces(alias, flips, left, right):
    cased = "".join(c.upper() if flip else c for c, flip in zip(alias, flips, strict=False))
    assert platform_id(left + cased + right) == ALIASES[alias]


@given(st.text(max_size=20))
def test_platform_id_is_a_known_platform_or_none(text):
    assert platform_id(text) in {*PLATFORMS, None}


@given(st.text(alphabet=st.characters(min_codepoint=0x80), min_size=1, max_size=10))
def test_platform_id_never_accepts_non_ascii(text):
    # A Cyrillic "х" for "x" or fullwidth letters must not name a platform.
    assert platform_id(text) is None


# --- areas --------------------------------------------------------------------------------------

LETTERS = string.ascii_letters + "éèêëôöüñçåøÉÖ"
words = st.lists(st.text(st.sampled_from(LETTERS), min_size=1, max_size=8), min_size=1, max_size=5)
separators = st.sampled_from([" ", "  ", "-", " - ", "_", "'", ".", ". ", ",", "\t", "/", "&"])


@given(words=words, data=st.data())
def test_area_key_ignores_case_spacing_hyphens_and_punctuation(words, data):
    plain = " ".join(words)
    seps = [data.draw(separators) for _ in words[1:]]
    mixed = words[0] + "".join(sep + word for sep, word in zip(seps, words[1:], strict=True))
    mixed = data.draw(st.sampled_from([mixed, mixed.upper(), mixed.lower(), mixed.title()]))
    padding = data.draw(st.sampled_from(["", " ", "  ", ".", "\u00a0"]))
    assert area_key(padding + mixed + padding) == area_key(plain)


@given(words=words)
def test_area_key_keeps_every_letter(words):
    key = area_key(" ".join(words))
    assert key == unicodedata.normalize("NFKC", "".join(words)).casefold()


@given(text=st.text(max_size=30))
def test_area_key_is_idempotent(text):
    assert area_key(area_key(text)) == area_key(text)


@given(st.text(st.sampled_from(" -_.,'/&\t"), max_size=10))
def test_punctuation_alone_is_no_area(text):
    assert area_key(text) == ""


@given(words=words, data=st.data())
def test_resolver_places_any_spelling_of_a_configured_area(words, data):
    from nypconsol.core.models import Account, Config, District, Force, Policy
    from nypconsol.core.resolve import Resolver

    area = "-".join(words)
    config = Config(
        Force("Force", {"x": "Force"}, {}),
        (
            District("one", "One", {"x": "One"}, (area,), Source("c.yaml", 1)),
            District("two", "Two", {"x": "Two"}, ("Zzzqqq",), Source("c.yaml", 2)),
        ),
        Policy(None, 14, (), 7),
        False,
    )
    if area_key(area) in {"zzzqqq", "one", "two"}:
        return
    written = data.draw(st.sampled_from([" ".join(words).upper(), " ".join(words).lower(), area]))
    account = Account(
        handle="h",
        platform="x",
        owner="",
        collar_number="",
        role="",
        area=written,
        district="",
        followers=None,
        last_post=None,
        status="active",
        retain=False,
        reason="",
        sign_off="",
        source=Source("i.csv", 2),
    )
    assert Resolver(config).resolve_district(account) == ("one", [])


# --- what people type into spreadsheets -----------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**12))
def test_counts_with_and_without_thousands_separators(n):
    from nypconsol.core.parsing import parse_count

    assert parse_count(f"{n:,}") == n
    assert parse_count(str(n)) == n
    assert parse_count(f" {n} ") == n


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_iso_and_uk_dates(day):
    from nypconsol.core.parsing import parse_date

    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(f"{day.day}/{day.month}/{day.year:04d}") == day


cell_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(owner=cell_text, role=cell_text, bom=st.booleans(), crlf=st.booleans())
def test_any_cell_text_survives_an_excel_style_csv(tmp_path, owner, role, bom, crlf):
    import csv
    import io

    from nypconsol.pipeline import load_inputs

    buffer = io.StringIO(newline="")
    # Excel ends rows with CRLF and quotes cells with line breaks; with LF row ends, quote
    # everything (Python's writer would leave a lone CR unquoted, which no reader could undo).
    if crlf:
        writer = csv.writer(buffer, lineterminator="\r\n")
    else:
        writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerows([["handle", "platform", "owner", "role"], ["One", "x", owner, role]])
    writer.writerow(["Two", "x", "", ""])
    data = buffer.getvalue().encode("utf-8")
    path = tmp_path / "inv.csv"
    path.write_bytes(b"\xef\xbb\xbf" + data if bom else data)
    inputs = load_inputs(None, str(path), environ={})
    assert [f for f in inputs.findings if f.file == str(path)] == []
    first, second = inputs.records
    assert (first.values.get("owner"), first.values.get("role")) == (owner, role)
    assert (first.source.line, second.source.line) == (2, 3)
    assert second.values["handle"] == "Two"


account_values = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=10_000_000_000),
    st.text(),  # any code point but half a character, which no input can hold
)


@given(st.dictionaries(st.text(max_size=12), account_values, max_size=8), account_values)
def test_both_account_encoders_write_the_same_bytes(account, line):
    # Small plans are encoded by json, large ones by orjson: a plan's bytes must not depend on
    # its size.
    from nypconsol.render.data import ORJSON_FROM, account_encoder

    account = {**account, "source": {"file": "inv.csv", "line": line}}
    assert account_encoder(ORJSON_FROM)(account) == account_encoder(0)(account)


def test_a_large_plan_is_written_as_a_small_one_would_be(monkeypatch):
    from nypconsol.pipeline import check, load_inputs, make_plan
    from nypconsol.render import data as files

    plan = make_plan(check(load_inputs(None, None, environ={})), dt.date(2027, 1, 11))
    monkeypatch.setattr(files, "ORJSON_FROM", 10**9)
    small = b"".join(files.plan_json_chunks(plan, batch=5))
    monkeypatch.setattr(files, "ORJSON_FROM", 1)
    large = b"".join(files.plan_json_chunks(plan, batch=5))
    assert large == small
    assert small.count(b'\n    {"handle":"') == len(plan.entries) > 5
