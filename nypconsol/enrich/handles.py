"""Which inventory platforms can be looked up, and handles made ready to send to each API."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nypconsol.core.platforms import (
    PLATFORMS,
    describe_bad_characters,
    normalise_handle,
    platform_id,
)

X = "x"
MASTODON = "mastodon"
BLUESKY = "bluesky"
LOOKUP_PLATFORMS = (X, MASTODON, BLUESKY)  # also the order in which a run asks them
PLATFORM_NAMES = {X: "X", MASTODON: "Mastodon", BLUESKY: "Bluesky"}

# Bluesky is not in the platform table yet; until it is, its spellings are recognised here.
_BLUESKY_SPELLINGS = frozenset({"bluesky", "blue sky", "bsky", "bsky.app", "bsky.social"})
# A Bluesky handle is a domain name (atproto's handle syntax): labels of letters, digits and
# hyphens, the last not starting with a digit, 253 characters at most.
_BLUESKY_HANDLE = re.compile(
    r"(?=.{1,253}\Z)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?",
    re.ASCII,
)


def lookup_platform(text: str) -> str | None:
    """The platform id for a platform as written in an inventory (``Twitter``, ``X``, ``Bluesky``),
    or None when it is no platform nypconsol knows. Ids other than x, mastodon and bluesky are
    returned too (``facebook``): the caller skips those."""
    found = platform_id(text)
    if found is None and " ".join(text.split()).casefold() in _BLUESKY_SPELLINGS:
        return BLUESKY
    return found


def platform_choice(text: str) -> str:
    """A ``--platform`` value (``x``, ``twitter``, ``Mastodon``, ``bluesky``) as a platform id.

    Raises ValueError with a message listing the choices.
    """
    found = lookup_platform(text)
    if found not in LOOKUP_PLATFORMS:
        raise ValueError(
            f"cannot look up accounts on {text!r}: choose from {', '.join(LOOKUP_PLATFORMS)}"
        )
    return found


@dataclass(frozen=True, slots=True)
class Handle:
    """A handle ready for an API: as normalised, and the key two spellings of it share."""

    platform: str
    text: str  # "PC_Skipton_Ali", "nypolice@mastodon.social", "nyp.bsky.social"
    key: str  # casefolded: "pc_skipton_ali"

    @property
    def user(self) -> str:
        """The part before ``@instance`` (Mastodon); the whole handle elsewhere."""
        return self.text.partition("@")[0] if self.platform == MASTODON else self.text

    @property
    def instance(self) -> str:
        """The Mastodon instance (``mastodon.social``), lower case; empty elsewhere."""
        return self.text.partition("@")[2].casefold() if self.platform == MASTODON else ""

    @property
    def profile_url(self) -> str:
        if self.platform == BLUESKY:
            return f"https://bsky.app/profile/{self.text}"
        return PLATFORMS[self.platform].profile_url(self.text)


def parse_handle(platform: str, written: str) -> Handle | str:
    """The handle as written in the inventory (``@Name``, `` Name ``) checked for ``platform``:
    a Handle, or a message saying why it cannot be looked up."""
    text = normalise_handle(written)
    if platform == BLUESKY:
        text = text.removesuffix(".")  # a fully qualified domain name is the same handle
        valid = _BLUESKY_HANDLE.fullmatch(text) is not None
        rule = "a domain name such as name.bsky.social"
        name = "Bluesky"
    else:
        rules = PLATFORMS[platform]
        valid = rules.is_valid(text)
        rule = rules.rule
        name = rules.name
    if not text:
        return "the row has no handle: fill it in to look it up"
    if not valid:
        bad = describe_bad_characters(text)
        because = f": it contains {bad}" if bad else ""
        return (
            f"not looked up: {text!r} is not a valid {name} handle{because}; {name} handles are "
            f"{rule}"
        )
    return Handle(platform=platform, text=text, key=text.casefold())
