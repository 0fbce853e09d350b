"""Which inventory platforms can be looked up (the platform table's ``lookup`` column), and
handles made ready to send to each API."""

from __future__ import annotations

from dataclasses import dataclass

from nypconsol.core.platforms import (
    PLATFORMS,
    describe_bad_characters,
    normalise_handle,
    platform_id,
)

# The lookup APIs nypconsol has a client for, by the name the platform table's ``lookup`` uses.
X = "x"
MASTODON = "mastodon"
BLUESKY = "bluesky"
# The platforms whose accounts can be looked up, in table order (also the order a run asks them).
LOOKUP_PLATFORMS = tuple(p.id for p in PLATFORMS.values() if p.lookup is not None)


def platform_name(platform: str) -> str:
    """``X``, ``Mastodon``, ``Bluesky``: the platform's name for messages."""
    return PLATFORMS[platform].name


def platform_choice(text: str) -> str:
    """A ``--platform`` value (``x``, ``twitter``, ``Mastodon``, ``bsky``) as a platform id.

    Raises ValueError with a message listing the choices.
    """
    found = platform_id(text)
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
    key: str  # casefolded, as the APIs compare handles: "pc_skipton_ali"

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
        return PLATFORMS[self.platform].profile_url(self.text)


def parse_handle(platform: str, written: str) -> Handle | str:
    """The handle as written in the inventory (``@Name``, `` Name ``) checked against the
    platform table's rule: a Handle, or a message saying why it cannot be looked up."""
    text = normalise_handle(written)
    if not text:
        return "the row has no handle: fill it in to look it up"
    rules = PLATFORMS[platform]
    if not rules.is_valid(text):
        bad = describe_bad_characters(text)
        because = f": it contains {bad}" if bad else ""
        return (
            f"not looked up: {text!r} is not a valid {rules.name} handle{because}; {rules.name} "
            f"handles are {rules.rule}"
        )
    return Handle(platform=platform, text=text, key=text.casefold())
