"""The length of a text as its platform counts it, the platform's limit, and whether it fits.

How each platform counts is a column of the platform table (``Platform.counting``), and so are
the limits (``post_limit``, ``bio_limit``); a config may change a limit (a Mastodon server's
own, say) under ``notices: limits:``. X: twitter-text's weighted count (core/xtext.py).
Mastodon: user-perceived characters (grapheme clusters), where every ``https://`` link counts
23 and ``@user@domain`` counts as ``@user``. Bluesky: grapheme clusters. The others: Unicode
characters (code points).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from nypconsol.core.platforms import PLATFORMS, Counting

MASTODON_URL_WEIGHT = 23
# Control characters but the line break: a post holding one would be posted with it as it is.
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# Mastodon's mention pattern (app/models/account.rb): the @user part of @user@domain is kept.
_MASTODON_MENTION = re.compile(
    r"(?<![=/\w])@(([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@[\w.-]+\w+)?)", re.IGNORECASE
)


class TextKind(StrEnum):
    """What a text is, for its limit: a post, or the profile text (bio)."""

    POST = "post"
    BIO = "bio"


@dataclass(frozen=True, slots=True)
class Measure:
    """A text measured for a platform: ``{"platform", "kind", "length", "limit", "valid"}``."""

    platform: str
    kind: TextKind
    length: int
    limit: int
    valid: bool  # not empty, within the limit, and no character the platform refuses
    problem: str = ""  # why it is not valid, for people: "empty", "too long", ...

    @property
    def over(self) -> int:
        """How far over the limit (0 when it fits)."""
        return max(0, self.length - self.limit)

    def as_dict(self) -> dict:
        return {
            "platform": self.platform,
            "kind": self.kind.value,
            "length": self.length,
            "limit": self.limit,
            "valid": self.valid,
        }


def limit_for(
    platform: str, kind: TextKind, overrides: Mapping[tuple[str, str], int] | None = None
) -> int:
    """The platform's limit for a post or a bio, or the config's own (``notices: limits:``)."""
    if overrides and (platform, kind.value) in overrides:
        return overrides[(platform, kind.value)]
    table = PLATFORMS[platform]
    return table.post_limit if kind is TextKind.POST else table.bio_limit


def text_length(text: str, counting: Counting) -> int:
    """The length of ``text`` counted the way ``counting`` says."""
    if counting is Counting.X:
        from nypconsol.core.xtext import weighted_length

        return weighted_length(text)
    if counting is Counting.MASTODON:
        return grapheme_count(mastodon_countable(text))
    if counting is Counting.GRAPHEMES:
        return grapheme_count(text)
    return len(text)


def measure(
    text: str,
    platform: str,
    kind: TextKind = TextKind.POST,
    limits: Mapping[tuple[str, str], int] | None = None,
) -> Measure:
    """Measure ``text`` for ``platform`` (an id from the platform table)."""
    counting = PLATFORMS[platform].counting
    length = text_length(text, counting)
    limit = limit_for(platform, kind, limits)
    problem = ""
    if not text.strip():
        problem = "empty"
    elif length > limit:
        problem = "too long"
    elif controls := control_characters(text):
        problem = (
            f"holds control characters ({', '.join(controls)}), which would be posted as they "
            "are: remove them"
        )
    elif counting is Counting.X:
        from nypconsol.core.xtext import INVALID_CHARACTERS

        refused = sorted({f"U+{ord(c):04X}" for c in text if c in INVALID_CHARACTERS})
        problem = f"holds {', '.join(refused)}, which X refuses" if refused else ""
    return Measure(
        platform=platform,
        kind=kind,
        length=length,
        limit=limit,
        valid=not problem,
        problem=problem,
    )


def control_characters(text: str) -> list[str]:
    """The control characters in ``text`` (line breaks aside), as ``U+001B``, in order."""
    return [f"U+{ord(c):04X}" for c in sorted(set(_CONTROLS.findall(text)))]


@lru_cache(maxsize=1)
def _grapheme():  # type: ignore[no-untyped-def]
    import regex

    return regex.compile(r"\X")


def grapheme_count(text: str) -> int:
    """User-perceived characters (extended grapheme clusters): ``é`` written as e + accent is
    one, a family emoji is one."""
    if text.isascii():  # every ASCII character is its own cluster, except CR LF
        return len(text) - text.count("\r\n")
    return len(_grapheme().findall(text))


def mastodon_countable(text: str) -> str:
    """The text as Mastodon counts it: each ``https://`` link as 23 characters, each
    ``@user@domain`` as ``@user`` (a link that holds an ``@`` stays a link)."""
    from nypconsol.core.xtext import find_urls

    urls = find_urls(text, without_protocol=False)
    parts: list[str] = []
    position = 0
    for start, end in urls:
        parts.append(_short_mentions(text[position:start]))
        parts.append("x" * MASTODON_URL_WEIGHT)
        position = end
    parts.append(_short_mentions(text[position:]))
    return "".join(parts)


def _short_mentions(text: str) -> str:
    return _MASTODON_MENTION.sub(lambda m: "@" + m.group(2), text) if "@" in text else text
