"""Platform rules: names, aliases, handle patterns and profile URLs, in one table."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache


def _casefold(handle: str) -> str:
    return handle.casefold()


def _facebook_key(handle: str) -> str:
    # Facebook ignores dots and case in page names: a.b.c and ABC are one page.
    return handle.replace(".", "").casefold()


@dataclass(frozen=True, slots=True)
class Platform:
    id: str
    name: str
    aliases: tuple[str, ...]
    pattern: re.Pattern[str]
    rule: str  # the handle rule in words, for messages
    url: str  # profile URL template with {handle}, {user} and {instance}
    key: Callable[[str], str] = _casefold  # how two handles are compared

    def is_valid(self, handle: str) -> bool:
        return self.pattern.fullmatch(handle) is not None

    def handle_key(self, handle: str) -> str:
        return self.key(handle)

    def profile_url(self, handle: str) -> str:
        prefix, _, suffix = self.url.partition("{handle}")
        if _:  # the usual form, built by concatenation: this runs once per account
            return prefix + handle + suffix
        user, _, instance = handle.partition("@")
        return self.url.format(user=user, instance=instance)


# Instagram and TikTok: dots allowed, but not first, last or two together (so never ".." or ".").
_DOTTED = r"(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9._]{{1,{}}}"


def _rule(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


PLATFORMS: dict[str, Platform] = {
    p.id: p
    for p in (
        Platform(
            "x",
            "X",
            ("twitter", "x (twitter)", "x/twitter", "twitter/x", "x.com"),
            _rule(r"[A-Za-z0-9_]{1,15}"),
            "1 to 15 letters, digits or underscores",
            "https://x.com/{handle}",
        ),
        Platform(
            "facebook",
            "Facebook",
            ("fb", "face book", "facebook page"),
            _rule(r"(?=[A-Za-z0-9.]*[A-Za-z0-9])[A-Za-z0-9.]{5,50}"),
            "5 to 50 letters, digits or dots (not only dots)",
            "https://www.facebook.com/{handle}",
            _facebook_key,
        ),
        Platform(
            "instagram",
            "Instagram",
            ("ig", "insta"),
            _rule(_DOTTED.format(30)),
            "1 to 30 letters, digits, dots or underscores, with no dot first, last or doubled",
            "https://www.instagram.com/{handle}/",
        ),
        Platform(
            "tiktok",
            "TikTok",
            ("tik tok", "tik-tok"),
            _rule(_DOTTED.format(24)),
            "1 to 24 letters, digits, dots or underscores, with no dot first, last or doubled",
            "https://www.tiktok.com/@{handle}",
        ),
        Platform(
            "mastodon",
            "Mastodon",
            ("fediverse",),
            _rule(
                r"[A-Za-z0-9_]{1,30}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
            ),
            "user@instance, e.g. nypolice@mastodon.social",
            "https://{instance}/@{user}",
        ),
    )
}

_ALIASES: dict[str, str] = {}
for _p in PLATFORMS.values():
    _ALIASES[_p.id] = _p.id
    _ALIASES[_p.name.casefold()] = _p.id
    for _alias in _p.aliases:
        _ALIASES[_alias] = _p.id


@lru_cache(maxsize=256)  # a few spellings recur on every row
def platform_id(text: str) -> str | None:
    """The platform id for a name as people write it (``Twitter``, ``X``, ``fb``), or None."""
    return _ALIASES.get(" ".join(text.split()).casefold())


def normalise_handle(text: str) -> str:
    """Trim spaces and one leading ``@``: what people paste is ``@Name`` or `` Name ``.

    Only spaces are trimmed: a stray newline or tab is reported, not silently dropped.
    """
    handle = text.strip(" ")
    return handle[1:] if handle.startswith("@") else handle


def describe_bad_characters(handle: str) -> str:
    """Name the characters no handle may hold, by code point, e.g. ``U+200B ZERO WIDTH SPACE``."""
    seen: list[str] = []
    for char in handle:
        if char.isascii() and char.isprintable():
            continue
        name = unicodedata.name(char, "") or (
            "control character" if unicodedata.category(char) == "Cc" else "unnamed character"
        )
        label = f"U+{ord(char):04X} {name}"
        if label not in seen:
            seen.append(label)
    return ", ".join(seen)


# Characters that render like others: a handle that differs from a trusted one only by these
# is an impersonation risk. Latin letters and digits map to the letter they are mistaken for.
_CONFUSABLES = str.maketrans(
    {
        "0": "o",
        "1": "l",
        "i": "l",
        "5": "s",
        "_": "",
        ".": "",
        "-": "",
        # Cyrillic and Greek letters that look Latin
        "а": "a",
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "у": "y",
        "х": "x",
        "і": "l",
        "ј": "j",
        "ѕ": "s",
        "к": "k",
        "м": "m",
        "т": "t",
        "в": "b",
        "н": "h",
        "α": "a",
        "ο": "o",
        "ρ": "p",
        "ν": "v",
        "τ": "t",
        "κ": "k",
        "ι": "l",
    }
)


# The ASCII part of the same table for bytes.translate, five times faster than str.translate with
# a dict, and run once per account.
_ASCII_PAIRS = {chr(k): v for k, v in _CONFUSABLES.items() if k < 128}
_ASCII_CONFUSABLES = bytes.maketrans(
    "".join(k for k, v in _ASCII_PAIRS.items() if v).encode(),
    "".join(v for v in _ASCII_PAIRS.values() if v).encode(),
)
_ASCII_DROPPED = "".join(k for k, v in _ASCII_PAIRS.items() if not v).encode()


def skeleton(handle: str) -> str:
    """A form under which lookalike handles (``NYP_Craven`` with Cyrillic ``а``, ``l``/``I``) are equal."""
    if handle.isascii():  # the common case: no compatibility forms or invisible characters
        return handle.lower().encode().translate(_ASCII_CONFUSABLES, _ASCII_DROPPED).decode()
    text = unicodedata.normalize("NFKC", handle).casefold()
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return text.translate(_CONFUSABLES)
