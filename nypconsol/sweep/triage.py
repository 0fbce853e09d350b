"""Triage what the public sent: each inbound message gets categories, the cues that matched (so a
person sees why), a priority (P1, P2, P3 or none) and, for a message adding facts to a report
just before it, the report it follows. Driven by a reviewed lexicon the force can extend."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from nypconsol.sweep.memory import collector_paused
from nypconsol.sweep.model import InboundMessage, Priority

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_URL = re.compile(r"(?i)\bhttps?://|\bwww\.|\b[\w-]+\.(?:co\.uk|com|org|net|uk)/")
_FACT_KINDS = ("registration", "postcode", "time", "street", "direction", "description")
_UPPER_FACTS = ("registration", "postcode")  # shown in capitals
_BRACES = re.compile(r"\{([^{}]*)\}")
_DIGIT = re.compile(r"[0-9]")
_REPORTS = "reports"
_ENQUIRIES = "enquiries"
_OVERRIDES = ("now", "registration", "postcode", "time")
_FUZZY_CACHE_SIZE = 1 << 16
_RESULT_CACHE_SIZE = 1 << 16


class LexiconError(ValueError):
    """The lexicon or an override of it is not in the expected shape; the message says where."""


# --- loading and merging ------------------------------------------------------------------------


def default_lexicon_data() -> dict:
    """The lexicon shipped in the package (nypconsol/sweep/lexicon.yaml), as data."""
    from importlib import resources

    import yaml

    text = (resources.files(__package__) / "lexicon.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def merge_lexicon(base: Mapping, override: Mapping) -> dict:
    """The lexicon with the force's ``override`` merged in: mappings are merged key by key, lists
    are added to (without repeats), other values replaced; ``<key>_remove: [...]`` takes items
    out of the list ``<key>``. Neither argument is changed."""
    if not isinstance(override, Mapping):
        raise LexiconError("the lexicon override must be a mapping of the lexicon's sections")
    return _merge(dict(base), override, "")


def _merge(base: dict, override: Mapping, where: str) -> dict:
    merged = dict(base)
    removals = {}
    for key, value in override.items():
        if not isinstance(key, str):
            raise LexiconError(f"{where}{key!r}: keys must be text")
        if key.endswith("_remove"):
            removals[key.removesuffix("_remove")] = value
            continue
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = _merge(dict(current), value, f"{where}{key}.")
        elif isinstance(current, list) and isinstance(value, list):
            merged[key] = current + [v for v in value if v not in current]
        else:
            merged[key] = value
    for key, value in removals.items():
        current = merged.get(key)
        if not isinstance(current, list) or not isinstance(value, list):
            raise LexiconError(f"{where}{key}_remove: removes items from a list, so give a list")
        merged[key] = [v for v in current if v not in value]
    return merged


def load_lexicon(override: Mapping | None = None) -> Lexicon:
    """The shipped lexicon, compiled, with the force's override merged in when given."""
    if override is None:
        return _default_lexicon()
    return compile_lexicon(merge_lexicon(default_lexicon_data(), override))


@lru_cache(maxsize=1)
def _default_lexicon() -> Lexicon:
    return compile_lexicon(default_lexicon_data())


# --- the compiled lexicon -----------------------------------------------------------------------


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
class _Entry:
    """One lexicon term: what it marks when its words appear."""

    words: tuple[str, ...]
    kind: str  # category, group, now, progressive, past, habitual, context, place, question
    key: Hashable  # category id, (category id, rule, group), context id, ...
    label: str  # the term as the lexicon writes it, shown in cues
    inflected: bool = False  # another verb form of a lexicon word, added when compiled


@dataclass(frozen=True, slots=True)
class _Pattern:
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


def _gated(regex: str, kind: str, key: Hashable) -> _Pattern:
    boundary = regex.startswith("\\b")
    body = regex[2:] if boundary else regex
    triggers = None
    if boundary:
        match = _FIRST_WORDS.match(body)
        if match:
            triggers = frozenset(alt.split()[0] for alt in match[1].split("|") if alt.strip())
        elif match := _FIRST_WORD.match(body):
            triggers = frozenset({match[1]})
    return _Pattern(re.compile(body), boundary, triggers, kind, key)


@dataclass(frozen=True)
class Lexicon:
    normaliser: _Normaliser
    spellings: dict[str, tuple[str, ...]]
    idiom_phrases: dict[str, tuple[tuple[str, ...], ...]]  # first word -> idioms, longest first
    idiom_patterns: tuple[_Pattern, ...]
    singles: dict[str, tuple[_Entry, ...]]  # one-word terms by their word
    pairs: dict[tuple[str, str], tuple[_Entry, ...]]  # longer terms by their first two words
    fuzzy: dict[str, tuple[_Entry, ...]]  # first letter -> single-word category terms
    known_words: frozenset[str]
    patterns: tuple[_Pattern, ...]
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
    _fuzzy_cache: dict[str, _Entry | None] = field(default_factory=dict)
    _results: dict[Triage, Triage] = field(default_factory=dict)


def _text(value: object, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise LexiconError(
            f"{where}: {value!r} is not text; write words in quotes "
            "(YAML reads bare yes, no, on and off as true or false)"
        )
    return str(value)


def _list(value: object, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise LexiconError(f"{where}: should be a list")
    return [_text(v, f"{where}[{i}]") for i, v in enumerate(value)]


def _mapping(value: object, where: str) -> Mapping:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise LexiconError(f"{where}: should be a mapping")
    return value


def _priority(value: object, where: str) -> Priority:
    try:
        return Priority(_text(value, where))
    except ValueError:
        raise LexiconError(f"{where}: {value!r} is not P1, P2, P3 or none") from None


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as error:
        raise LexiconError(f"{where}: not a valid regular expression ({error.msg})") from None


class _Normaliser:
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
        for token in _TOKEN.findall(text.casefold()):
            token = token.replace("'", "").replace("’", "")
            replacement = spelt.get(token)
            if replacement is not None:
                out.extend(replacement)
            elif known and token.endswith("in") and token not in known and token + "g" in known:
                out.append(token + "g")
            else:
                out.append(token)
        return out


_VOWELS = set("aeiou")


def _expand(term: str) -> list[str]:
    """Every spelling a term with {a,b} choices stands for: "{red,blue} van" is two terms."""
    match = _BRACES.search(term)
    if match is None:
        return [term]
    return [
        spelled
        for choice in match[1].split(",")
        for spelled in _expand(term[: match.start()] + choice.strip() + term[match.end() :])
    ]


def _inflections(word: str) -> tuple[str, ...]:
    """The other verb form of a lexicon word: "dragged" also matches "dragging" and the other
    way round. Only -ed and -ing, never the bare stem ("dealing" must not match "deal")."""
    if word.endswith("ing") and len(word) > 5:
        stem = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        stem = word[:-2]
    else:
        return ()
    forms = {stem + "ed", stem + "ing"}
    if stem.endswith("e"):
        forms |= {stem + "d", stem[:-1] + "ing"}
    elif len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
        forms |= {stem[:-1] + "ed", stem[:-1] + "ing"}  # stabbed, stabbing
    elif len(stem) > 2 and stem[-1] not in _VOWELS and stem[-2] in _VOWELS:
        forms |= {stem + stem[-1] + "ed", stem + stem[-1] + "ing"}
    forms.discard(word)
    return tuple(sorted(forms))


def compile_lexicon(data: Mapping) -> Lexicon:
    """Check the lexicon's shape and build the matcher; a LexiconError names what is wrong."""
    data = _mapping(data, "lexicon")
    settings = _mapping(data.get("settings"), "settings")
    spellings: dict[str, tuple[str, ...]] = {}
    for key, value in _mapping(data.get("spellings"), "spellings").items():
        word = _text(key, "spellings").casefold().replace("'", "")
        spellings[word] = tuple(_text(value, f"spellings.{key}").casefold().split())
    normaliser = _Normaliser(spellings)

    def words(term: str) -> tuple[str, ...]:
        return tuple(normaliser.words(term))

    entries: list[_Entry] = []

    def add_terms(terms: list[str], kind: str, key: Hashable, where: str) -> None:
        for written in terms:
            for term in _expand(written):
                split = words(term)
                if not split:
                    raise LexiconError(f"{where}: {written!r} has no words")
                entries.append(_Entry(words=split, kind=kind, key=key, label=term))

    patterns: list[tuple[str, str, Hashable, str, str]] = []  # (name, kind, key, label, regex)

    def add_patterns(items: list[str], kind: str, key: Hashable, where: str) -> None:
        for i, regex in enumerate(items):
            _compile(regex, f"{where}[{i}]")
            patterns.append((f"p{len(patterns)}", kind, key, regex, regex))

    # idioms: taken out of the words before anything is matched
    idioms: dict[str, list[tuple[str, ...]]] = {}
    for written in _list(data.get("idioms"), "idioms"):
        for term in _expand(written):
            split = words(term)
            if split:
                idioms.setdefault(split[0], []).append(split)
    idiom_patterns = tuple(
        _gated(_compile(regex, f"idiom_patterns[{i}]").pattern, "idiom", "idiom")
        for i, regex in enumerate(_list(data.get("idiom_patterns"), "idiom_patterns"))
    )

    timing = _mapping(data.get("timing"), "timing")
    for kind in ("now", "progressive", "past", "habitual"):
        section = _mapping(timing.get(kind), f"timing.{kind}")
        add_terms(_list(section.get("terms"), f"timing.{kind}.terms"), kind, kind, f"timing.{kind}")
        add_patterns(
            _list(section.get("patterns"), f"timing.{kind}.patterns"),
            kind,
            kind,
            f"timing.{kind}.patterns",
        )

    contexts: dict[str, Context] = {}
    for context_id, raw in _mapping(data.get("contexts"), "contexts").items():
        where = f"contexts.{context_id}"
        section = _mapping(raw, where)
        suppresses = frozenset(_list(section.get("suppresses"), f"{where}.suppresses"))
        unless = tuple(_list(section.get("unless"), f"{where}.unless"))
        if set(unless) - set(_OVERRIDES):
            raise LexiconError(f"{where}.unless: use any of {', '.join(_OVERRIDES)}")
        contexts[context_id] = Context(
            id=context_id,
            label=_text(section.get("label", context_id), f"{where}.label"),
            suppresses=suppresses,
            unless=unless,
            emoji=tuple(_list(section.get("emoji"), f"{where}.emoji")),
            urls=bool(section.get("urls", False)),
        )
        add_terms(_list(section.get("terms"), f"{where}.terms"), "context", context_id, where)

    categories: dict[str, Category] = {}
    all_of: dict[str, tuple[int, ...]] = {}
    for order, (category_id, raw) in enumerate(
        _mapping(data.get("categories"), "categories").items()
    ):
        where = f"categories.{category_id}"
        section = _mapping(raw, where)
        if "priority" not in section:
            raise LexiconError(f"{where}: has no priority")
        rules = section.get("all_of") or []
        if not isinstance(rules, list):
            raise LexiconError(f"{where}.all_of: should be a list of rules (lists of groups)")
        counts = []
        for r, rule in enumerate(rules):
            if not isinstance(rule, list) or len(rule) < 2:
                raise LexiconError(f"{where}.all_of[{r}]: should list two or more groups of terms")
            for g, group in enumerate(rule):
                add_terms(
                    _list(group, f"{where}.all_of[{r}][{g}]"),
                    "group",
                    (category_id, r, g),
                    f"{where}.all_of[{r}][{g}]",
                )
            counts.append(len(rule))
        all_of[category_id] = tuple(counts)
        when_facts = tuple(_list(section.get("when_facts"), f"{where}.when_facts"))
        if set(when_facts) - set(_FACT_KINDS):
            raise LexiconError(f"{where}.when_facts: use any of {', '.join(_FACT_KINDS)}")
        categories[category_id] = Category(
            id=category_id,
            label=_text(section.get("label", category_id), f"{where}.label"),
            priority=_priority(section["priority"], f"{where}.priority"),
            now=_priority(section["now"], f"{where}.now") if "now" in section else None,
            past=_priority(section["past"], f"{where}.past") if "past" in section else None,
            suppressible=bool(section.get("suppressible", True)),
            when_facts=when_facts,
            groups=len(rules),
            order=order,
        )
        add_terms(_list(section.get("terms"), f"{where}.terms"), "category", category_id, where)
        add_terms(
            _list(section.get("when_question"), f"{where}.when_question"),
            "question",
            category_id,
            where,
        )
        add_patterns(
            _list(section.get("patterns"), f"{where}.patterns"),
            "category",
            category_id,
            f"{where}.patterns",
        )

    for context in contexts.values():
        unknown = context.suppresses - {_REPORTS, _ENQUIRIES} - set(categories)
        if unknown:
            raise LexiconError(
                f"contexts.{context.id}.suppresses: {', '.join(sorted(unknown))} is not reports, "
                "enquiries or a category"
            )

    possible = _mapping(data.get("possible_report"), "possible_report")
    for part in ("actors", "actions", "victim", "urgent"):
        add_terms(
            _list(possible.get(part), f"possible_report.{part}"),
            "signal",
            part,
            f"possible_report.{part}",
        )
    possible_report = (
        (
            _priority(possible.get("priority", "P2"), "possible_report.priority"),
            _priority(possible.get("urgent_priority", "P1"), "possible_report.urgent_priority"),
        )
        if possible
        else None
    )

    add_terms(_list(data.get("places"), "places"), "place", "place", "places")

    facts_section = _mapping(data.get("facts"), "facts")
    facts: dict[str, re.Pattern[str]] = {}
    for kind, regexes in _mapping(facts_section.get("patterns"), "facts.patterns").items():
        if kind not in _FACT_KINDS:
            raise LexiconError(f"facts.patterns.{kind}: use any of {', '.join(_FACT_KINDS)}")
        items = _list(regexes, f"facts.patterns.{kind}")
        for i, regex in enumerate(items):
            _compile(regex, f"facts.patterns.{kind}[{i}]")
        if items:
            facts[kind] = re.compile("|".join(f"(?:{r})" for r in items))
    for kind, terms in _mapping(facts_section.get("terms"), "facts.terms").items():
        if kind not in _FACT_KINDS:
            raise LexiconError(f"facts.terms.{kind}: use any of {', '.join(_FACT_KINDS)}")
        add_terms(_list(terms, f"facts.terms.{kind}"), "fact", kind, f"facts.terms.{kind}")
    street_suffixes = frozenset(
        w
        for t in _list(facts_section.get("street_suffixes"), "facts.street_suffixes")
        for w in words(t)
    )

    present = {e.words for e in entries}
    for entry in list(entries):
        if entry.kind in ("category", "group", "signal") and len(entry.words) == 1:
            for form in _inflections(entry.words[0]):
                if (form,) not in present:
                    present.add((form,))
                    entries.append(
                        _Entry(
                            words=(form,),
                            kind=entry.kind,
                            key=entry.key,
                            label=entry.label,
                            inflected=True,
                        )
                    )
    singles: dict[str, list[_Entry]] = {}
    pairs: dict[tuple[str, str], list[_Entry]] = {}
    for entry in entries:
        if len(entry.words) == 1:
            singles.setdefault(entry.words[0], []).append(entry)
        else:
            pairs.setdefault(entry.words[:2], []).append(entry)
    min_length = int(settings.get("fuzzy_min_length", 6))
    fuzzy: dict[str, list[_Entry]] = {}
    for entry in entries:
        if (
            entry.kind == "category"
            and not entry.inflected
            and len(entry.words) == 1
            and len(entry.words[0]) >= min_length
        ):
            fuzzy.setdefault(entry.words[0][0], []).append(entry)
    known = {w for e in entries for w in e.words}
    known |= {w for replacement in spellings.values() for w in replacement}
    known |= set(spellings)
    known |= {w for t in _list(data.get("not_misspellings"), "not_misspellings") for w in words(t)}
    compiled_patterns = tuple(_gated(regex, kind, key) for _, kind, key, _, regex in patterns)
    triggered: dict[str, set[int]] = {}
    for position, pattern in enumerate(compiled_patterns):
        for word in pattern.triggers or ():
            triggered.setdefault(word, set()).add(position)
    return Lexicon(
        idiom_phrases={k: tuple(sorted(v, key=len, reverse=True)) for k, v in idioms.items()},
        idiom_patterns=idiom_patterns,
        normaliser=_Normaliser(spellings, frozenset(known)),
        spellings=spellings,
        singles={k: tuple(v) for k, v in singles.items()},
        pairs={k: tuple(v) for k, v in pairs.items()},
        fuzzy={k: tuple(v) for k, v in fuzzy.items()},
        known_words=frozenset(known),
        patterns=compiled_patterns,
        triggered={w: tuple(sorted(v)) for w, v in triggered.items()},
        trigger_words=frozenset(triggered),
        untriggered=tuple(n for n, p in enumerate(compiled_patterns) if p.triggers is None),
        fact_categories=tuple((c.id, c.when_facts) for c in categories.values() if c.when_facts),
        facts=facts,
        street_suffixes=street_suffixes,
        categories=categories,
        all_of=all_of,
        contexts=contexts,
        question_words=frozenset(words(" ".join(_list(data.get("question_words"), "q")))),
        possible_report=possible_report,
        fuzzy_min_length=min_length,
        fuzzy_two_edits_length=int(settings.get("fuzzy_two_edits_length", 10)),
        follow_up_ms=int(settings.get("follow_up_minutes", 180)) * 60_000,
    )


# --- one message --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Triage:
    """What triage says about one message; ``cues`` say why, in words a person reads."""

    priority: Priority
    categories: tuple[str, ...]
    cues: tuple[str, ...]
    follows: str | None = None  # the message id of the report this one adds facts to
    facts: tuple[str, ...] = ()  # the kinds of fact found (registration, street, ...)
    now: bool = False


def _fuzzy(lexicon: Lexicon, word: str) -> _Entry | None:
    """The category term a misspelt word stands for (same first letter, one edit, two for long
    words), or None. Cached: the same misspellings recur across a whole archive."""
    cache = lexicon._fuzzy_cache
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


def classify(text: str, lexicon: Lexicon | None = None) -> Triage:
    """Triage one message on its own (follow-ups need the conversation: see ``triage``)."""
    lexicon = lexicon or load_lexicon()
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
            entry = _fuzzy(lexicon, word)
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
    for kind in _FACT_KINDS:
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

    overrides = {
        "now": now_explicit,
        "registration": "registration" in facts,
        "postcode": "postcode" in facts,
        "time": "time" in facts,
    }
    kept: list[tuple[int, int, str, Priority]] = []
    set_aside: list[str] = []
    for category_id, cues in found.items():
        category = lexicon.categories[category_id]
        if now and category.now is not None:
            priority = category.now
        elif past and category.past is not None:
            priority = category.past
        else:
            priority = category.priority
        scope = _ENQUIRIES if priority is Priority.P3 else _REPORTS
        by = None
        if category.suppressible and priority is not Priority.NONE:
            for context_id, context in lexicon.contexts.items():
                if (
                    context_id in contexts
                    and (scope in context.suppresses or category_id in context.suppresses)
                    and not any(overrides[u] for u in context.unless)
                ):
                    by = context
                    break
        if by is not None:
            set_aside.append(f"set aside as {by.label}: {category_id}: {', '.join(cues)}")
            continue
        kept.append((priority.rank, category.order, category_id, priority))
    # The safety net: no report category, no context saying it is not a report, but someone
    # doing something harmful to someone or something ("a fella keeps dragging her to a car").
    reported = any(p in (Priority.P1, Priority.P2) for _, _, _, p in kept)
    possible_cues: list[str] = []
    if (
        lexicon.possible_report is not None
        and not reported
        and not contexts
        and signals["actions"]
        and (signals["actors"] or signals["victim"])
    ):
        urgent = bool(signals["urgent"]) or now
        level = lexicon.possible_report[1 if urgent else 0]
        kept.append((level.rank, len(lexicon.categories), "possible_report", level))
        found["possible_report"] = []
        possible_cues = [
            "possible report: "
            + "; ".join(
                f"{part} {', '.join(signals[part])}"
                for part in ("actors", "victim", "actions", "urgent")
                if signals[part]
            )
        ]
    kept.sort()
    priority = Priority(kept[0][3]) if kept else Priority.NONE

    cue_list: list[str] = list(possible_cues)
    for _, _, category_id, _ in kept:
        cue_list.extend(f"{category_id}: {c}" for c in found[category_id])
    cue_list.extend(f"now: {c}" for c in now_cues)
    if now and not now_explicit:
        cue_list.extend(f"happening as written: {c}" for c in progressive)
    cue_list.extend(f"past: {c}" for c in past_cues)
    for kind in _FACT_KINDS:
        if kind in facts:
            cue_list.extend(f"{kind}: {v}" for v in facts[kind])
    cue_list.extend(f"place: {p}" for p in places)
    for context_id, cues in contexts.items():
        cue_list.append(f"{lexicon.contexts[context_id].label}: {', '.join(cues)}")
    cue_list.extend(set_aside)
    fact_kinds = tuple(k for k in _FACT_KINDS if k in facts) + (("place",) if places else ())
    result = Triage(
        priority=priority,
        categories=tuple(category_id for _, _, category_id, _ in kept),
        cues=tuple(dict.fromkeys(cue_list)),
        facts=fact_kinds,
        now=now_explicit,
    )
    # Many messages triage alike: hold one copy of each result (a sweep keeps them all).
    shared = lexicon._results
    if len(shared) >= _RESULT_CACHE_SIZE:
        shared.clear()
    return shared.setdefault(result, result)


# --- a whole sweep ------------------------------------------------------------------------------


def triage(
    messages: Sequence[InboundMessage],
    lexicon: Lexicon | None = None,
    *,
    conversation_of: Callable[[InboundMessage], Hashable] | None = None,
) -> tuple[Triage, ...]:
    """Triage every message (results in the same order), then tie follow-ups to their report:
    a later message from the same sender in the same conversation, within the lexicon's
    ``follow_up_minutes`` of the report or of its last follow-up, that adds facts (a
    registration, an address, a place, a time, a description, "now") and is not itself more
    urgent, takes the report's priority and categories and names it in ``follows``.

    ``conversation_of`` says which messages share a conversation; by default the archive and
    conversation id (pass one keyed by account when an account's archives are several).
    """
    lexicon = lexicon or load_lexicon()
    with collector_paused():
        return _triage(messages, lexicon, conversation_of)


def _triage(
    messages: Sequence[InboundMessage],
    lexicon: Lexicon,
    conversation_of: Callable[[InboundMessage], Hashable] | None,
) -> tuple[Triage, ...]:
    results = [classify(m.text, lexicon) for m in messages]
    key_of = conversation_of or (lambda m: (m.archive, m.conversation))
    threads: dict[Hashable, list[int]] = {}
    for position, message in enumerate(messages):
        threads.setdefault(key_of(message), []).append(position)
    for positions in threads.values():
        if len(positions) < 2:
            continue
        positions.sort(key=lambda p: (messages[p].sent_ms, messages[p].message_id))
        # sender -> (the report's position, the time of its latest message)
        open_reports: dict[str, tuple[int, int]] = {}
        for position in positions:
            message, result = messages[position], results[position]
            head = open_reports.get(message.sender)
            if head is not None:
                report_position, last_ms = head
                report = results[report_position]
                in_time = message.sent_ms - last_ms <= lexicon.follow_up_ms
                adds_facts = bool(result.facts) or result.now
                if in_time and adds_facts and result.priority.rank >= report.priority.rank:
                    minutes = (message.sent_ms - messages[report_position].sent_ms) // 60_000
                    results[position] = Triage(
                        priority=report.priority,
                        categories=tuple(dict.fromkeys(report.categories + result.categories)),
                        cues=(
                            f"follow-up: adds facts to the report sent {minutes} min before",
                            *result.cues,
                        ),
                        follows=messages[report_position].message_id,
                        facts=result.facts,
                        now=result.now,
                    )
                    open_reports[message.sender] = (report_position, message.sent_ms)
                    continue
            if result.priority in (Priority.P1, Priority.P2):
                open_reports[message.sender] = (position, message.sent_ms)
    return tuple(results)
