"""Turn the bytes of an export's data files into Python values and its strings into the text
people wrote: X's ``window.YTD`` JavaScript, JSON, Meta's mojibake and X's HTML escaping."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from typing import Any

import orjson

from nypconsol.sweep.sources import MemberError

# window.YTD.direct_messages.part0 = [ ... ]  (the name is the file's, hyphens as underscores)
_YTD_PREFIX = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*window\.YTD\.([A-Za-z0-9_]+)\.part([0-9]+)\s*=")
_THAR_PREFIX = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*window\.__THAR_CONFIG\s*=")
_BOM = b"\xef\xbb\xbf"


# JSON may escape half of a UTF-16 pair (\ud83d) on its own, as when an emoji is cut short:
# orjson refuses it; json reads it into a str that no encoding, SQLite's included, can hold.
# Such halves become U+FFFD, as a browser shows them.
_HALF_PAIR = re.compile(rb"\\u[dD][89a-fA-F]")


def has_half_pairs(data: bytes) -> bool:
    """Whether JSON text escapes any UTF-16 surrogate (whole pairs too: a cheap first look)."""
    return _HALF_PAIR.search(data) is not None


def whole_characters(value: Any) -> Any:
    """A decoded JSON value with every lone surrogate in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [whole_characters(v) for v in value]
    if isinstance(value, dict):
        return {whole_characters(k): whole_characters(v) for k, v in value.items()}
    return value


def parse_json(data: bytes | bytearray | memoryview, *, offset: int = 0, prefix_lines: int = 0):  # type: ignore[no-untyped-def]
    """The JSON value in ``data``; a MemberError (``archive-truncated``) naming the line and
    column when it is cut short or broken. The message never quotes the file."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        line, column, position = error.lineno, error.colno, error.pos
        reason = str(error).split(":", 1)[0]  # orjson's own words, before the location
    if "surrogate" in reason:  # half of a UTF-16 pair, escaped on its own (an emoji cut short)
        try:
            return whole_characters(json.loads(bytes(data)))
        except (ValueError, RecursionError):
            pass
    if reason.startswith("str is not valid UTF-8"):
        what = "is not UTF-8 text"
    elif position >= len(data) - 1 or reason.startswith("unexpected end of data"):
        what = "stops before its JSON ends (cut short)"
    else:
        what = "is not valid JSON"
    if line == 1:
        column += offset
    line += prefix_lines
    raise MemberError(
        "archive-truncated",
        f"{what} at line {line}, column {column}; download the archive again",
    )


def parse_ytd(data: bytearray, expected: str):  # type: ignore[no-untyped-def]
    """The value of an X data file, ``window.YTD.<name>.part<N> = <JSON>``."""
    match = _YTD_PREFIX.match(data)
    if match is None:
        raise MemberError(
            "archive-not-ytd",
            f"does not start with 'window.YTD.{expected}.part0 =' as X's data files do; "
            "it is not an X archive file, or it was edited",
        )
    end = match.end()
    return parse_json(memoryview(data)[end:], offset=end, prefix_lines=data.count(b"\n", 0, end))


def parse_manifest(data: bytearray):  # type: ignore[no-untyped-def]
    """The value of X's ``data/manifest.js`` (``window.__THAR_CONFIG = {...}``)."""
    match = _THAR_PREFIX.match(data)
    if match is None:
        raise MemberError(
            "archive-not-ytd",
            "does not start with 'window.__THAR_CONFIG =' as X's manifest does",
        )
    end = match.end()
    return parse_json(memoryview(data)[end:], offset=end, prefix_lines=data.count(b"\n", 0, end))


def strip_bom(data: bytearray) -> memoryview:
    view = memoryview(data)
    return view[3:] if data.startswith(_BOM) else view


def parse_json_file(data: bytearray):  # type: ignore[no-untyped-def]
    """The value of a JSON data file (Meta's, Mastodon's), a byte-order mark allowed."""
    return parse_json(strip_bom(data))


def unmojibake(text: str) -> str:
    """Meta's export text as written: each UTF-8 byte was escaped as its own character.

    ``"Thereâ\\x80\\x99s"`` becomes ``"There’s"``. A string that is not such mojibake (pure
    ASCII, or real Latin-1 letters that do not form UTF-8) is returned as it is.
    """
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def unescape_html(text: str) -> str:
    """X's escaped text (``&amp;``, ``&lt;``, ``&gt;``) as written."""
    return html.unescape(text) if "&" in text else text


class _TextOfHtml(HTMLParser):
    """The text of a Mastodon status's HTML: paragraphs and line breaks kept, entities decoded,
    every tag (and so every link's target) dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(markup: str) -> str:
    """What a person wrote in a Mastodon status, from its HTML."""
    if "<" not in markup and "&" not in markup:
        return markup.strip()
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    return _BLANK_LINES.sub("\n\n", "".join(parser.parts)).strip()
