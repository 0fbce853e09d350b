"""Triage a whole sweep: every inbound message scored (``scoring.classify``), then follow-ups tied
to the report they add facts to, within the same conversation."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from nypconsol.sweep.lexicon import Lexicon
from nypconsol.sweep.lexicon_build import load_lexicon
from nypconsol.sweep.memory import collector_paused
from nypconsol.sweep.model import InboundMessage, Priority, Triage
from nypconsol.sweep.scoring import classify


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
