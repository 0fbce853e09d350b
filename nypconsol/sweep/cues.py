"""Find what a message holds: the lexicon's terms (misspellings read through rapidfuzz), its
patterns, facts such as a registration or a street, places, timing ("now", "last night") and
contexts (praise, news, a joke), as the cues a person reads. ``scoring`` turns them into a
priority."""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import NamedTuple

from nypconsol.sweep.lexicon import FACT_KINDS, Entry, Lexicon

_URL = re.compile(r"(?i)\bhttps?://|\bwww\.|\b[\w-]+\.(?:co\.uk|com|org|net|uk)/")
_UPPER_FACTS = ("registration", "postcode")  # shown in capitals
_DIGIT = re.compile(r"[0-9]")
_FUZZY_CACHE_SIZE = 1 << 16


class Matched(NamedTuple):
    """What one message holds, each with the cues (words as the message has them) that show it.
    A named tuple: one is made for every message, and it is the cheapest record to make."""

    found: dict[str, list[str]]  # category id -> cues
    contexts: dict[str, list[str]]  # context id -> cues
    facts: dict[str, list[str]]  # fact kind -> values
    places: list[str]
    signals: dict[str, list[str]]  # possible_report part (actors, actions, ...) -> cues
    now_cues: list[str]
    progressive: list[str]
    past_cues: list[str]
    now_explicit: bool  # "now", "right now", written in capitals
    past: bool
    now: bool  # said to happen now, or written as happening ("is kicking") and not past


def fuzzy(lexicon: Lexicon, word: str) -> Entry | None:
    """The category term a misspelt word stands for (same first letter, one edit, two for long
    words), or None. Cached: the same misspellings recur across a whole archive."""
    cache = lexicon.fuzzy_cache
    if word in cache:
        return cache[word]
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    result = None
    candidates = lexicon.fuzzy.get(word[0], ())
    if candidates:
        limit = 2 if len(word) >= lexicon.fuzzy_two_edits_length else 1
        choices = [e.words[0] for e in candidates if abs(len(e.words[0]) - len(word)) <= limit]
        if choices:
            best = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=limit)
            if best is not None:
                result = next(e for e in candidates if e.words[0] == best[0])
    if len(cache) >= _FUZZY_CACHE_SIZE:
        cache.clear()
    cache[word] = result
    return result


def _add(found: dict, key: Hashable, cue: str) -> None:
    cues = found.setdefault(key, [])
    if cue not in cues:
        cues.append(cue)


def _without_idioms(lexicon: Lexicon, words: list[str]) -> list[str]:
    """The words with each idiom replaced by "|", so that no term matches across it."""
    phrases = lexicon.idiom_phrases
    out: list[str] = []
    i, count = 0, len(words)
    while i < count:
        for idiom in phrases.get(words[i], ()):
            if tuple(words[i : i + len(idiom)]) == idiom:
                out.append("|")
                i += len(idiom)
                break
        else:
            out.append(words[i])
            i += 1
    if lexicon.idiom_patterns and out:
        joined = " ".join(out)
        word_set = set(out)
        changed = False
        for pattern in lexicon.idiom_patterns:
            while (match := pattern.search(joined, word_set)) is not None:
                joined = joined[: match.start()] + "|" + joined[match.end() :]
                changed = True
        if changed:
            out = joined.split()
    return out


def match(text: str, lexicon: Lexicon) -> Matched:
    """Every cue in ``text``, sorted into what the scoring rules read."""
    words = _without_idioms(lexicon, lexicon.normaliser.words(text) if text else [])
    joined = " ".join(words)
    word_set = set(words)

    hits: dict[tuple[str, Hashable], list[str]] = {}
    singles, pairs = lexicon.singles, lexicon.pairs
    known = lexicon.known_words
    last = len(words) - 1
    for i, word in enumerate(words):
        matched = False
        entries = singles.get(word)
        if entries:
            matched = True
            for entry in entries:
                _add(hits, (entry.kind, entry.key), entry.label)
        if i < last:
            entries = pairs.get((word, words[i + 1]))
            if entries:
                for entry in entries:
                    size = len(entry.words)
                    if size == 2 or tuple(words[i : i + size]) == entry.words:
                        _add(hits, (entry.kind, entry.key), entry.label)
                        matched = True
        if (
            not matched
            and len(word) >= lexicon.fuzzy_min_length
            and word not in known
            and word.isalpha()
        ):
            entry = fuzzy(lexicon, word)
            if entry is not None:
                _add(hits, (entry.kind, entry.key), f"{word} (read as {entry.label})")
    if joined:
        candidates = set(lexicon.untriggered)
        for word in word_set & lexicon.trigger_words:
            candidates.update(lexicon.triggered[word])
        for position in sorted(candidates):  # lexicon order: the same cues in the same order
            pattern = lexicon.patterns[position]
            match = pattern.search(joined, word_set)
            if match is not None:
                _add(hits, (pattern.kind, pattern.key), match.group())

    facts: dict[str, list[str]] = {}
    if _DIGIT.search(text):
        for kind, regex in lexicon.facts.items():
            for match in regex.finditer(text):
                value = match.group().strip()
                _add(facts, kind, value.upper() if kind in _UPPER_FACTS else value)
    suffixes = lexicon.street_suffixes
    for i in range(1, len(words)):
        if words[i] in suffixes and words[i - 1] != "|" and not words[i - 1].isdigit():
            _add(facts, "street", f"{words[i - 1]} {words[i]}")
    for kind in FACT_KINDS:
        for label in hits.pop(("fact", kind), ()):
            _add(facts, kind, label)
    places = hits.pop(("place", "place"), [])
    signals = {
        part: hits.pop(("signal", part), []) for part in ("actors", "actions", "victim", "urgent")
    }
    capitals = False
    if text != text.lower():  # only then count: most messages are in lower or mixed case
        letters = sum(map(str.isalpha, text))
        capitals = letters >= 20 and sum(map(str.isupper, text)) >= 0.8 * letters

    now_cues = hits.pop(("now", "now"), [])
    progressive = hits.pop(("progressive", "progressive"), [])
    past_cues = hits.pop(("past", "past"), []) + hits.pop(("habitual", "habitual"), [])
    if capitals:
        now_cues.append("written in capitals")
    now_explicit = bool(now_cues)
    past = bool(past_cues) and not now_explicit
    now = now_explicit or (bool(progressive) and not past_cues)

    found: dict[str, list[str]] = {}
    groups: dict[tuple[str, int], dict[int, list[str]]] = {}
    question_hits: dict[str, list[str]] = {}
    contexts: dict[str, list[str]] = {}
    for (kind, key), cues in hits.items():
        if kind == "category":
            found.setdefault(key, []).extend(cues)  # type: ignore[arg-type]
        elif kind == "group":
            category, rule, group = key  # type: ignore[misc]
            groups.setdefault((category, rule), {})[group] = cues
        elif kind == "question":
            question_hits.setdefault(key, []).extend(cues)  # type: ignore[arg-type]
        elif kind == "context":
            contexts[key] = list(cues)  # type: ignore[index]
    for (category, rule), matched in groups.items():
        if len(matched) == lexicon.all_of[category][rule]:
            for group in sorted(matched):
                found.setdefault(category, []).extend(matched[group])
    if facts:
        for category_id, kinds in lexicon.fact_categories:
            for kind in kinds:
                if kind in facts:
                    found.setdefault(category_id, []).extend(f"{kind}: {v}" for v in facts[kind])
    if question_hits and ("?" in text or (words and words[0] in lexicon.question_words)):
        for category_id, cues in question_hits.items():
            found.setdefault(category_id, []).extend(cues)
    if not text.isascii():
        for context in lexicon.contexts.values():
            if context.emoji and any(e in text for e in context.emoji):
                contexts.setdefault(context.id, []).extend(e for e in context.emoji if e in text)
    if ("." in text or "/" in text) and _URL.search(text):
        for context in lexicon.contexts.values():
            if context.urls:
                contexts.setdefault(context.id, []).append("a link")
    return Matched(
        found=found,
        contexts=contexts,
        facts=facts,
        places=places,
        signals=signals,
        now_cues=now_cues,
        progressive=progressive,
        past_cues=past_cues,
        now_explicit=now_explicit,
        past=past,
        now=now,
    )
