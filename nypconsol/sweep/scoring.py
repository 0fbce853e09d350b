"""Score one message from its cues: each category's priority (raised when it is happening now,
lowered when it is past), set aside in a context that says it is not a report (praise, news, a
joke) unless a fact outweighs it, the safety net for a possible report, and the cues in the
order a person reads them."""

from __future__ import annotations

from nypconsol.sweep.cues import match
from nypconsol.sweep.lexicon import ENQUIRIES, FACT_KINDS, REPORTS, Lexicon
from nypconsol.sweep.lexicon_build import load_lexicon
from nypconsol.sweep.model import Priority, Triage

_RESULT_CACHE_SIZE = 1 << 16


def classify(text: str, lexicon: Lexicon | None = None) -> Triage:
    """Triage one message on its own (follow-ups need the conversation: see ``triage``)."""
    lexicon = lexicon or load_lexicon()
    (
        found,
        contexts,
        facts,
        places,
        signals,
        now_cues,
        progressive,
        past_cues,
        now_explicit,
        past,
        now,
    ) = match(text, lexicon)

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
        scope = ENQUIRIES if priority is Priority.P3 else REPORTS
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
    for kind in FACT_KINDS:
        if kind in facts:
            cue_list.extend(f"{kind}: {v}" for v in facts[kind])
    cue_list.extend(f"place: {p}" for p in places)
    for context_id, cues in contexts.items():
        cue_list.append(f"{lexicon.contexts[context_id].label}: {', '.join(cues)}")
    cue_list.extend(set_aside)
    fact_kinds = tuple(k for k in FACT_KINDS if k in facts) + (("place",) if places else ())
    result = Triage(
        priority=priority,
        categories=tuple(category_id for _, _, category_id, _ in kept),
        cues=tuple(dict.fromkeys(cue_list)),
        facts=fact_kinds,
        now=now_explicit,
    )
    # Many messages triage alike: hold one copy of each result (a sweep keeps them all).
    shared = lexicon.result_cache
    if len(shared) >= _RESULT_CACHE_SIZE:
        shared.clear()
    return shared.setdefault(result, result)
