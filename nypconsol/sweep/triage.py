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
        rule = FollowUpRule(lexicon.follow_up_ms)
        for position in positions:
            message = messages[position]
            results[position], _ = rule.next(
                message.sender, message.sent_ms, message.message_id, results[position], position
            )
    return tuple(results)


class FollowUpRule:
    """Follow-ups within one conversation, its messages given oldest first (then by id): a
    message from the sender of an open P1 or P2 report, within ``follow_up_ms`` of the report or
    of its last follow-up, that adds facts (or says "now") and is not itself more urgent, takes
    the report's priority and categories and names it in ``follows``. Holds only the open
    reports, one per sender, so a conversation of any length is taken a message at a time."""

    __slots__ = ("_follow_up_ms", "_open")

    def __init__(self, follow_up_ms: int) -> None:
        self._follow_up_ms = follow_up_ms
        # sender -> (the report's triage, its time, its id, its token, the latest message's time)
        self._open: dict[str, tuple[Triage, int, str, object, int]] = {}

    def next(
        self, sender: str, sent_ms: int, message_id: str, result: Triage, token: object
    ) -> tuple[Triage, object]:
        """The message's triage under the rule, and the token of the report it follows (None
        when it follows none). ``token`` is what the caller knows the message by."""
        head = self._open.get(sender)
        if head is not None:
            report, report_ms, report_id, report_token, last_ms = head
            in_time = sent_ms - last_ms <= self._follow_up_ms
            adds_facts = bool(result.facts) or result.now
            if in_time and adds_facts and result.priority.rank >= report.priority.rank:
                minutes = (sent_ms - report_ms) // 60_000
                self._open[sender] = (report, report_ms, report_id, report_token, sent_ms)
                followed = Triage(
                    priority=report.priority,
                    categories=tuple(dict.fromkeys(report.categories + result.categories)),
                    cues=(
                        f"follow-up: adds facts to the report sent {minutes} min before",
                        *result.cues,
                    ),
                    follows=report_id,
                    facts=result.facts,
                    now=result.now,
                )
                return followed, report_token
        if result.priority in (Priority.P1, Priority.P2):
            self._open[sender] = (result, sent_ms, message_id, token, sent_ms)
        return result, None
