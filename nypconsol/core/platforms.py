"""The one platform table: names, aliases, handle rules, profile URLs, how an account closes,
text limits and how they are counted, and which lookup API answers for it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


def _casefold(handle: str) -> str:
    return handle.casefold()


def _facebook_key(handle: str) -> str:
    # Facebook ignores dots and case in page names: a.b.c and ABC are one page.
    return handle.replace(".", "").casefold()


class Closure(StrEnum):
    """How an individual account is closed on its platform."""

    PARK = "park"  # kept, locked and marked not monitored, so that nobody else can take the handle
    MOVE = "move"  # the platform moves followers to the destination itself (Mastodon)


class Counting(StrEnum):
    """How the platform counts the length of a text (core/measure.py does the counting)."""

    X = "x"  # twitter-text's weighted count: URLs 23, CJK and emoji 2
    MASTODON = "mastodon"  # graphemes; URLs 23; @user@domain counts as @user
    GRAPHEMES = "graphemes"  # user-perceived characters
    CHARACTERS = "characters"  # Unicode code points


@dataclass(frozen=True, slots=True)
class Platform:
    id: str
    name: str
    aliases: tuple[str, ...]
    pattern: re.Pattern[str]
    rule: str  # the handle rule in words, for messages
    url: str  # profile URL template with {handle}, {user} and {instance}
    mention: str  # the handle as written on the platform, with {handle}
    closure: Closure
    closure_steps: str  # what closing means there, for the handover checklist
    closure_why: str  # why it is done that way
    post_limit: int  # the longest post, as the platform counts
    bio_limit: int  # the longest profile text
    counting: Counting
    lookup: str | None = None  # the API that nypconsol enrich asks, if any
    key: Callable[[str], str] = _casefold  # how two handles are compared
    max_length: int = 253  # beyond what the pattern says (a domain name is at most 253)

    def is_valid(self, handle: str) -> bool:
        return len(handle) <= self.max_length and self.pattern.fullmatch(handle) is not None

    def handle_key(self, handle: str) -> str:
        return self.key(handle)

    def profile_url(self, handle: str) -> str:
        prefix, _, suffix = self.url.partition("{handle}")
        if _:  # the usual form, built by concatenation: this runs once per account
            return prefix + handle + suffix
        user, _, instance = handle.partition("@")
        return self.url.format(user=user, instance=instance)

    def as_written(self, handle: str) -> str:
        """The handle as people write it on the platform: ``@NYP_Craven`` on X."""
        return self.mention.format(handle=handle)


# Instagram, Threads and TikTok: dots allowed, but not first, last or two together.
_DOTTED = r"(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9._]{{1,{}}}"
# A domain name: labels of letters, digits and hyphens (not first or last), a letter TLD.
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
_PARK_STEPS = "park: update the bio to say it is not monitored and where to go, keep the login"


def _rule(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


PLATFORMS: dict[str, Platform] = {
    p.id: p
    for p in (
        Platform(
            id="x",
            name="X",
            aliases=("twitter", "x (twitter)", "x/twitter", "twitter/x", "x.com"),
            pattern=_rule(r"[A-Za-z0-9_]{1,15}"),
            rule="1 to 15 letters, digits or underscores",
            url="https://x.com/{handle}",
            mention="@{handle}",
            closure=Closure.PARK,
            closure_steps="lock the account (protect posts), update the bio, keep the handle; "
            "never deactivate",
            closure_why="a deactivated X account is deleted after 30 days, and its handle can "
            "then be claimed by someone else",
            post_limit=280,
            bio_limit=160,
            counting=Counting.X,
            lookup="x",
        ),
        Platform(
            id="facebook",
            name="Facebook",
            aliases=("fb", "face book", "facebook page"),
            pattern=_rule(r"(?=[A-Za-z0-9.]*[A-Za-z0-9])[A-Za-z0-9.]{5,50}"),
            rule="5 to 50 letters, digits or dots (not only dots)",
            url="https://www.facebook.com/{handle}",
            mention="facebook.com/{handle}",
            closure=Closure.PARK,
            closure_steps=_PARK_STEPS,
            closure_why="merging Pages is only possible for true duplicates (same name and "
            "address) and deletes the merged Page's posts",
            post_limit=63206,
            bio_limit=101,
            counting=Counting.CHARACTERS,
            key=_facebook_key,
        ),
        Platform(
            id="instagram",
            name="Instagram",
            aliases=("ig", "insta"),
            pattern=_rule(_DOTTED.format(30)),
            rule="1 to 30 letters, digits, dots or underscores, with no dot first, last or doubled",
            url="https://www.instagram.com/{handle}/",
            mention="@{handle}",
            closure=Closure.PARK,
            closure_steps=_PARK_STEPS,
            closure_why="a deleted account's username can be taken by someone else",
            post_limit=2200,
            bio_limit=150,
            counting=Counting.CHARACTERS,
        ),
        Platform(
            id="tiktok",
            name="TikTok",
            aliases=("tik tok", "tik-tok"),
            pattern=_rule(_DOTTED.format(24)),
            rule="1 to 24 letters, digits, dots or underscores, with no dot first, last or doubled",
            url="https://www.tiktok.com/@{handle}",
            mention="@{handle}",
            closure=Closure.PARK,
            closure_steps=_PARK_STEPS,
            closure_why="a deleted account's username can be taken by someone else",
            post_limit=2200,
            bio_limit=80,
            counting=Counting.CHARACTERS,
        ),
        Platform(
            id="mastodon",
            name="Mastodon",
            aliases=("fediverse",),
            pattern=_rule(r"[A-Za-z0-9_]{1,30}@" + _DOMAIN),
            rule="user@instance, e.g. nypolice@mastodon.social",
            url="https://{instance}/@{user}",
            mention="@{handle}",
            closure=Closure.MOVE,
            closure_steps="set an alias (alsoKnownAs) to this account on the destination "
            "account, then Move this account to the destination (30-day cooldown)",
            closure_why="a Move transfers the followers automatically and the old profile shows "
            "where the account went",
            post_limit=500,
            bio_limit=500,
            counting=Counting.MASTODON,
            lookup="mastodon",
        ),
        Platform(
            id="bluesky",
            name="Bluesky",
            aliases=("bsky", "blue sky", "bsky.app"),
            pattern=_rule(_DOMAIN),
            rule="a domain name, e.g. name.bsky.social",
            url="https://bsky.app/profile/{handle}",
            mention="@{handle}",
            closure=Closure.PARK,
            closure_steps=_PARK_STEPS,
            closure_why="a deleted account's handle can be registered again by someone else",
            post_limit=300,
            bio_limit=256,
            counting=Counting.GRAPHEMES,
            lookup="bluesky",
        ),
        Platform(
            id="threads",
            name="Threads",
            aliases=("threads.net", "instagram threads"),
            pattern=_rule(_DOTTED.format(30)),
            rule="1 to 30 letters, digits, dots or underscores, with no dot first, last or doubled "
            "(the Instagram username)",
            url="https://www.threads.com/@{handle}",
            mention="@{handle}",
            closure=Closure.PARK,
            closure_steps=_PARK_STEPS,
            closure_why="a Threads profile is tied to its Instagram account; deleting it is "
            "permanent",
            post_limit=500,
            bio_limit=150,
            counting=Counting.CHARACTERS,
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
