"""Build the sweep document (``kind: sweep``) from what was read and how it was triaged, and the
keyed pseudonyms that stand for senders wherever a person's handle must not be shown."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from nypconsol.sweep.lexicon import Lexicon
from nypconsol.sweep.lexicon_build import load_lexicon
from nypconsol.sweep.memory import collector_paused
from nypconsol.sweep.model import ArchiveCoverage, InboundMessage, Priority, SweepInput, Triage
from nypconsol.sweep.triage import triage

FORMAT_VERSION = "1.0"
PSEUDONYM_ENV = "NYPCONSOL_PSEUDONYM_KEY"
_MIN_KEY_LENGTH = 16
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
FORCE = "force"  # the force-wide "district", listed last like the plan does


class PseudonymKeyError(ValueError):
    """The pseudonym key given is too short to keep senders' handles from being guessed."""


@dataclass(frozen=True, slots=True)
class PseudonymKey:
    """The HMAC key for sender pseudonyms. ``stable`` is False for a key made up for one run
    (no key in the environment): its pseudonyms match only within that run."""

    key: bytes = field(repr=False)
    stable: bool

    def pseudonym(self, sender: str, namespace: str = "") -> str:
        return pseudonym(sender, self.key, namespace=namespace)


def pseudonym_key(
    key: str | bytes | None = None, environ: Mapping[str, str] | None = None
) -> PseudonymKey:
    """The key from ``key``, else from NYPCONSOL_PSEUDONYM_KEY, else a random one for this run.

    A key shorter than 16 characters is refused (PseudonymKeyError); the message never holds it.
    """
    environ = os.environ if environ is None else environ
    raw = key if key is not None else environ.get(PSEUDONYM_ENV)
    if raw is None or raw == "":
        return PseudonymKey(key=secrets.token_bytes(32), stable=False)
    data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    if len(data) < _MIN_KEY_LENGTH:
        where = "the key given" if key is not None else PSEUDONYM_ENV
        raise PseudonymKeyError(
            f"{where} is shorter than {_MIN_KEY_LENGTH} characters; use a long random value "
            "(for example the output of: python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    return PseudonymKey(key=data, stable=True)


def pseudonym(sender: str, key: bytes | str, *, namespace: str = "", length: int = 10) -> str:
    """A short, stable stand-in for a sender: ``s-`` and the first hex digits of
    HMAC-SHA256(key, namespace NUL sender). Without the key it cannot be turned back into the
    handle, unlike a plain hash of a handle, which anyone can recompute."""
    secret = key.encode("utf-8") if isinstance(key, str) else key
    digest = hmac.new(secret, f"{namespace}\x00{sender}".encode(), hashlib.sha256).hexdigest()
    return "s-" + digest[:length]


def iso(ms: int | None) -> str | None:
    """UTC ISO 8601 to the second, ``2026-01-05T21:00:00Z``."""
    if ms is None:
        return None
    moment = _EPOCH + dt.timedelta(milliseconds=ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _district_order(district: str) -> tuple[int, str]:
    return (district == FORCE, district)


def triage_input(sweep: SweepInput, lexicon: Lexicon | None = None) -> tuple[Triage, ...]:
    """Triage every message of a sweep, with follow-ups tied within each account's conversation
    (an account's archives may be several: two downloads, or the parts of one)."""
    account_of = {a.path: a.account.key() for a in sweep.archives}

    def conversation_of(message: InboundMessage) -> Hashable:
        return (account_of[message.archive], message.conversation)

    return triage(sweep.messages, lexicon or load_lexicon(), conversation_of=conversation_of)


def _archive_record(coverage: ArchiveCoverage, complete: bool) -> dict:
    return {
        "path": coverage.path,
        "platform": coverage.platform,
        "account": coverage.account.handle,
        "district": coverage.account.district,
        "conversations": coverage.conversations,
        "messages": coverage.messages,
        "first": iso(coverage.first_ms),
        "last": iso(coverage.last_ms),
        "not_covered": list(coverage.not_covered),
        "inbound": coverage.inbound,
        "own": coverage.own,
        "sha256": coverage.sha256,
        "matched_by": coverage.matched_by.value,
        "layout": coverage.layout,
        "complete": complete,
    }


def sweep_document(
    sweep: SweepInput,
    triaged: Sequence[Triage] | None = None,
    *,
    since: dt.date | None = None,
    pseudonyms: PseudonymKey | None = None,
    tool_version: str | None = None,
) -> dict:
    """The sweep as a JSON-ready document (nypconsol/schemas/sweep.schema.json).

    ``triaged`` is ``triage_input(sweep)`` (worked out here when not given). Items are every
    inbound message, none left out: ordered by priority, then unanswered first, then oldest
    first (then archive, conversation and message id, so the order never depends on reading).
    ``since`` leaves out messages sent before that day (UTC), counted in the summary.
    ``sender`` is the platform's own id for the sender (X user id, Meta display name), because
    the triage team must be able to reply; the file is for them only (written 0600). With
    ``pseudonyms`` each item also carries ``sender_pseudonym``, the name used in summaries.
    """
    if triaged is None:
        triaged = triage_input(sweep)
    with collector_paused():
        return _document(sweep, triaged, since, pseudonyms, tool_version)


def _document(
    sweep: SweepInput,
    triaged: Sequence[Triage],
    since: dt.date | None,
    pseudonyms: PseudonymKey | None,
    tool_version: str | None,
) -> dict:
    if len(triaged) != len(sweep.messages):
        raise ValueError("triaged must hold one result per message, in the same order")
    if tool_version is None:
        from nypconsol import __version__ as tool_version
    by_path = {a.path: a for a in sweep.archives}
    archive_order = {a.path: n for n, a in enumerate(sweep.archives)}
    failed = {f.archive for f in sweep.findings if f.as_finding().is_error}
    since_ms = (
        None
        if since is None
        else (dt.datetime(since.year, since.month, since.day, tzinfo=dt.UTC) - _EPOCH)
        // dt.timedelta(milliseconds=1)
    )
    follow_ups: dict[tuple[str, str, str], list[str]] = {}
    for message, result in zip(sweep.messages, triaged, strict=True):
        if result.follows is not None:
            head = (message.archive, message.conversation, result.follows)
            follow_ups.setdefault(head, []).append(message.message_id)

    rows: list[tuple[tuple, dict]] = []
    before_since = 0
    # A sweep holds every message: items of one account share their "account" mapping and
    # items triaged alike share their lists, so a million items do not hold a million copies.
    # Treat the document as read-only.
    accounts = {
        a.path: {
            "handle": a.account.handle,
            "platform": a.account.platform,
            "district": a.account.district,
        }
        for a in sweep.archives
    }
    shared_lists: dict[tuple, list] = {(): []}

    def shared(values: tuple) -> list:
        found = shared_lists.get(values)
        if found is None:
            found = shared_lists[values] = list(values)
        return found

    for message, result in zip(sweep.messages, triaged, strict=True):
        if since_ms is not None and message.sent_ms < since_ms:
            before_since += 1
            continue
        account = by_path[message.archive].account
        item = {
            "account": accounts[message.archive],
            "archive": message.archive,
            "conversation": message.conversation,
            "message_id": message.message_id,
            "sent_at": iso(message.sent_ms),
            "sender": message.sender,
            "text": message.text,
            "priority": result.priority.value,
            "categories": shared(result.categories),
            "cues": shared(result.cues),
            "answered": message.answered,
            "answered_by": message.answered_by,
            "follows": result.follows,
            "follow_ups": follow_ups.get(
                (message.archive, message.conversation, message.message_id), shared(())
            ),
            "attachments": shared(message.attachments),
        }
        if pseudonyms is not None:
            item["sender_pseudonym"] = pseudonyms.pseudonym(message.sender, account.platform)
        key = (
            result.priority.rank,
            message.answered,
            message.sent_ms,
            archive_order[message.archive],
            message.conversation,
            message.message_id,
        )
        rows.append((key, item))
    rows.sort(key=lambda row: row[0])
    items = [item for _, item in rows]
    return {
        "format_version": FORMAT_VERSION,
        "kind": "sweep",
        "tool": {"name": "nypconsol", "version": tool_version},
        "since": None if since is None else since.isoformat(),
        "archives": [_archive_record(a, a.path not in failed) for a in sweep.archives],
        "items": items,
        "summary": _summary(sweep, items, before_since),
        "findings": [f.as_dict() for f in sweep.findings],
    }


def _summary(sweep: SweepInput, items: list[dict], before_since: int) -> dict:
    levels = [p.value for p in Priority]

    def empty() -> dict:
        return {level: {"answered": 0, "unanswered": 0} for level in levels}

    districts: dict[str, dict] = {}
    for coverage in sweep.archives:
        districts.setdefault(coverage.account.district, empty())
    totals = empty()
    for item in items:
        state = "answered" if item["answered"] else "unanswered"
        districts[item["account"]["district"]][item["priority"]][state] += 1
        totals[item["priority"]][state] += 1
    unanswered_reports = totals["P1"]["unanswered"] + totals["P2"]["unanswered"]
    return {
        "archives": len(sweep.archives),
        "items": len(items),
        "before_since": before_since,
        "unanswered_reports": unanswered_reports,
        "by_priority": totals,
        "districts": {d: districts[d] for d in sorted(districts, key=_district_order)},
        "findings": {
            "errors": sum(1 for f in sweep.findings if f.as_finding().is_error),
            "warnings": sum(1 for f in sweep.findings if not f.as_finding().is_error),
        },
    }


def has_unanswered_reports(document: Mapping) -> bool:
    """True when any P1 or P2 item is unanswered (``--check`` exits 3 then)."""
    return document["summary"]["unanswered_reports"] > 0
