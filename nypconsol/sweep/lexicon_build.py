"""Check a lexicon's shape and compile it (``compile_lexicon``); load the shipped lexicon, with
the force's override merged in (``load_lexicon``). A LexiconError names where a problem is."""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from functools import lru_cache

from nypconsol.sweep.lexicon import (
    ENQUIRIES,
    FACT_KINDS,
    OVERRIDES,
    REPORTS,
    Category,
    Context,
    Entry,
    Lexicon,
    LexiconError,
    Normaliser,
    gated,
)
from nypconsol.sweep.model import Priority

_BRACES = re.compile(r"\{([^{}]*)\}")
_VOWELS = set("aeiou")


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


def _flag(value: object, default: bool, where: str) -> bool:
    """yes or no: YAML's own true and false, or the words as a config keeps them."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    word = str(value).strip().casefold()
    if word in ("yes", "true", "on"):
        return True
    if word in ("no", "false", "off"):
        return False
    raise LexiconError(f"{where}: {value!r} is not yes or no")


def _whole(value: object, default: int, where: str) -> int:
    if value is None:
        return default
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.strip().isdigit() and int(value) > 0:
        return int(value)
    raise LexiconError(f"{where}: {value!r} is not a whole number above 0")


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as error:
        raise LexiconError(f"{where}: not a valid regular expression ({error.msg})") from None


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
    normaliser = Normaliser(spellings)

    def words(term: str) -> tuple[str, ...]:
        return tuple(normaliser.words(term))

    entries: list[Entry] = []

    def add_terms(terms: list[str], kind: str, key: Hashable, where: str) -> None:
        """``where`` is the list's own path: a problem names the item's place in it."""
        for i, written in enumerate(terms):
            for term in _expand(written):
                split = words(term)
                if not split:
                    raise LexiconError(f"{where}[{i}]: {written!r} has no words")
                entries.append(Entry(words=split, kind=kind, key=key, label=term))

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
        gated(_compile(regex, f"idiom_patterns[{i}]").pattern, "idiom", "idiom")
        for i, regex in enumerate(_list(data.get("idiom_patterns"), "idiom_patterns"))
    )

    timing = _mapping(data.get("timing"), "timing")
    for kind in ("now", "progressive", "past", "habitual"):
        section = _mapping(timing.get(kind), f"timing.{kind}")
        add_terms(
            _list(section.get("terms"), f"timing.{kind}.terms"), kind, kind, f"timing.{kind}.terms"
        )
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
        if set(unless) - set(OVERRIDES):
            raise LexiconError(f"{where}.unless: use any of {', '.join(OVERRIDES)}")
        contexts[context_id] = Context(
            id=context_id,
            label=_text(section.get("label", context_id), f"{where}.label"),
            suppresses=suppresses,
            unless=unless,
            emoji=tuple(_list(section.get("emoji"), f"{where}.emoji")),
            urls=_flag(section.get("urls"), False, f"{where}.urls"),
        )
        add_terms(
            _list(section.get("terms"), f"{where}.terms"), "context", context_id, f"{where}.terms"
        )

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
        if set(when_facts) - set(FACT_KINDS):
            raise LexiconError(f"{where}.when_facts: use any of {', '.join(FACT_KINDS)}")
        categories[category_id] = Category(
            id=category_id,
            label=_text(section.get("label", category_id), f"{where}.label"),
            priority=_priority(section["priority"], f"{where}.priority"),
            now=_priority(section["now"], f"{where}.now") if "now" in section else None,
            past=_priority(section["past"], f"{where}.past") if "past" in section else None,
            suppressible=_flag(section.get("suppressible"), True, f"{where}.suppressible"),
            when_facts=when_facts,
            groups=len(rules),
            order=order,
        )
        add_terms(
            _list(section.get("terms"), f"{where}.terms"), "category", category_id, f"{where}.terms"
        )
        add_terms(
            _list(section.get("when_question"), f"{where}.when_question"),
            "question",
            category_id,
            f"{where}.when_question",
        )
        add_patterns(
            _list(section.get("patterns"), f"{where}.patterns"),
            "category",
            category_id,
            f"{where}.patterns",
        )

    for context in contexts.values():
        unknown = context.suppresses - {REPORTS, ENQUIRIES} - set(categories)
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
        if kind not in FACT_KINDS:
            raise LexiconError(f"facts.patterns.{kind}: use any of {', '.join(FACT_KINDS)}")
        items = _list(regexes, f"facts.patterns.{kind}")
        for i, regex in enumerate(items):
            _compile(regex, f"facts.patterns.{kind}[{i}]")
        if items:
            facts[kind] = re.compile("|".join(f"(?:{r})" for r in items))
    for kind, terms in _mapping(facts_section.get("terms"), "facts.terms").items():
        if kind not in FACT_KINDS:
            raise LexiconError(f"facts.terms.{kind}: use any of {', '.join(FACT_KINDS)}")
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
                        Entry(
                            words=(form,),
                            kind=entry.kind,
                            key=entry.key,
                            label=entry.label,
                            inflected=True,
                        )
                    )
    singles: dict[str, list[Entry]] = {}
    pairs: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        if len(entry.words) == 1:
            singles.setdefault(entry.words[0], []).append(entry)
        else:
            pairs.setdefault(entry.words[:2], []).append(entry)
    min_length = _whole(settings.get("fuzzy_min_length"), 6, "settings.fuzzy_min_length")
    fuzzy: dict[str, list[Entry]] = {}
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
    compiled_patterns = tuple(gated(regex, kind, key) for _, kind, key, _, regex in patterns)
    triggered: dict[str, set[int]] = {}
    for position, pattern in enumerate(compiled_patterns):
        for word in pattern.triggers or ():
            triggered.setdefault(word, set()).add(position)
    return Lexicon(
        idiom_phrases={k: tuple(sorted(v, key=len, reverse=True)) for k, v in idioms.items()},
        idiom_patterns=idiom_patterns,
        normaliser=Normaliser(spellings, frozenset(known)),
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
        fuzzy_two_edits_length=_whole(
            settings.get("fuzzy_two_edits_length"), 10, "settings.fuzzy_two_edits_length"
        ),
        follow_up_ms=_whole(settings.get("follow_up_minutes"), 180, "settings.follow_up_minutes")
        * 60_000,
    )
