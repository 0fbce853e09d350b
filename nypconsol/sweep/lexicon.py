"""The compiled lexicon: the terms, patterns, facts, contexts and categories of
``lexicon.yaml`` (and the force's override) in the shape the matcher looks them up in."""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field

from nypconsol.sweep.model import Priority, Triage

TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
FACT_KINDS = ("registration", "postcode", "time", "street", "direction", "description")
REPORTS = "reports"
ENQUIRIES = "enquiries"
OVERRIDES = ("now", "registration", "postcode", "time")


# The start of a LexiconError's message: the entry it is about, categories.violence.terms[3].
_WHERE = re.compile(r"([A-Za-z_][\w-]*(?:\[[0-9]+\])*(?:\.[\w-]+(?:\[[0-9]+\])*)*): ")


class LexiconError(ValueError):
    """The lexicon or an override of it is not in the expected shape; the message starts with
    where (``categories.violence.terms[3]: ...``)."""

    @property
    def where(self) -> tuple[str | int, ...]:
        """The entry the message is about as keys and list positions, () when it names none:
        ``("categories", "violence", "terms", 3)``."""
        match = _WHERE.match(str(self))
        if match is None:
            return ()
        path: list[str | int] = []
        for part in match[1].split("."):
            name, *positions = part.split("[")
            path.append(name)
            path += [int(p.rstrip("]")) for p in positions]
        return tuple(path)


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    label: str
    priority: Priority
    now: Priority | None
    past: Priority | None
    suppressible: bool
    when_facts: tuple[str, ...]
    groups: int  # how many all_of groups (in the one all_of rule; several rules are ORed)
    order: int


@dataclass(frozen=True, slots=True)
class Context:
    id: str
    label: str
    suppresses: frozenset[str]
    unless: tuple[str, ...]
    emoji: tuple[str, ...]
    urls: bool


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon term: what it marks when its words appear."""

    words: tuple[str, ...]
    kind: str  # category, group, now, progressive, past, habitual, context, place, question
    key: Hashable  # category id, (category id, rule, group), context id, ...
    label: str  # the term as the lexicon writes it, shown in cues
    inflected: bool = False  # another verb form of a lexicon word, added when compiled


@dataclass(frozen=True, slots=True)
class Pattern:
    """A lexicon regular expression, run only when the message has one of its first words.

    A leading \\b is taken off (and checked by hand) so that re can skip ahead to the
    pattern's first letters; one alternation of every pattern was several times slower.
    """

    regex: re.Pattern[str]
    boundary: bool  # the pattern began with \\b
    triggers: frozenset[str] | None  # words one of which it must start with; None: always run
    kind: str
    key: Hashable

    def search(self, joined: str, words: set[str]) -> re.Match[str] | None:
        if self.triggers is not None and self.triggers.isdisjoint(words):
            return None
        for match in self.regex.finditer(joined):
            start = match.start()
            if not (self.boundary and start and joined[start - 1] != " "):
                return match
        return None


_FIRST_WORDS = re.compile(r"\(\?:([a-z ]+(?:\|[a-z ]+)*)\)[ (]")
_FIRST_WORD = re.compile(r"([a-z]+) ")


def gated(regex: str, kind: str, key: Hashable) -> Pattern:
    boundary = regex.startswith("\\b")
    body = regex[2:] if boundary else regex
    triggers = None
    if boundary:
        match = _FIRST_WORDS.match(body)
        if match:
            triggers = frozenset(alt.split()[0] for alt in match[1].split("|") if alt.strip())
        elif match := _FIRST_WORD.match(body):
            triggers = frozenset({match[1]})
    return Pattern(re.compile(body), boundary, triggers, kind, key)


@dataclass(frozen=True)
class Lexicon:
    normaliser: Normaliser
    spellings: dict[str, tuple[str, ...]]
    idiom_phrases: dict[str, tuple[tuple[str, ...], ...]]  # first word -> idioms, longest first
    idiom_patterns: tuple[Pattern, ...]
    singles: dict[str, tuple[Entry, ...]]  # one-word terms by their word
    pairs: dict[tuple[str, str], tuple[Entry, ...]]  # longer terms by their first two words
    fuzzy: dict[str, tuple[Entry, ...]]  # first letter -> single-word category terms
    known_words: frozenset[str]
    patterns: tuple[Pattern, ...]
    triggered: dict[str, tuple[int, ...]]  # word -> the patterns that can start with it
    trigger_words: frozenset[str]
    untriggered: tuple[int, ...]  # patterns run on every message
    fact_categories: tuple[tuple[str, tuple[str, ...]], ...]  # categories a fact alone raises
    facts: dict[str, re.Pattern[str]]  # over the text as written; all need a digit
    street_suffixes: frozenset[str]
    categories: dict[str, Category]
    all_of: dict[str, tuple[int, ...]]  # category -> group count of each of its rules
    contexts: dict[str, Context]
    question_words: frozenset[str]
    possible_report: tuple[Priority, Priority] | None  # (priority, when urgent)
    fuzzy_min_length: int
    fuzzy_two_edits_length: int
    follow_up_ms: int
    fuzzy_cache: dict[str, Entry | None] = field(default_factory=dict)
    result_cache: dict[Triage, Triage] = field(default_factory=dict)


class Normaliser:
    """Words as the lexicon compares them: lower case, no apostrophes, spellings applied, and a
    dropped g put back ("beatin" -> "beating") where that makes a lexicon word."""

    def __init__(
        self, spellings: dict[str, tuple[str, ...]], known: frozenset[str] = frozenset()
    ) -> None:
        self.spellings = spellings
        self.known = known

    def words(self, text: str) -> list[str]:
        spelt = self.spellings
        known = self.known
        out: list[str] = []
        for token in TOKEN.findall(text.casefold()):
            token = token.replace("'", "").replace("’", "")
            replacement = spelt.get(token)
            if replacement is not None:
                out.extend(replacement)
            elif known and token.endswith("in") and token not in known and token + "g" in known:
                out.append(token + "g")
            else:
                out.append(token)
        return out
