"""Build the sweep document (``kind: sweep``) from what was read and how it was triaged: its
head, and its items made in the store (``sweep_result``, for a sweep of any size) or, for a small
one, in memory (``sweep_document``); and the keyed pseudonyms that stand for senders wherever a
person's handle must not be shown."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from nypconsol.sweep.archives import ArchivesRead
from nypconsol.sweep.items import PRIORITIES, ItemCounts, iso, load_triaged, triage_into
from nypconsol.sweep.lexicon import Lexicon
from nypconsol.sweep.lexicon_build import load_lexicon
from nypconsol.sweep.memory import collector_paused
from nypconsol.sweep.model import (
    ArchiveCoverage,
    ArchiveFinding,
    InboundMessage,
    SweepInput,
    Triage,
)
from nypconsol.sweep.store import SweepStore
from nypconsol.sweep.stored import StoredSweep
from nypconsol.sweep.triage import triage

FORMAT_VERSION = "1.0"
PSEUDONYM_ENV = "NYPCONSOL_PSEUDONYM_KEY"
_MIN_KEY_LENGTH = 16


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


def document_head(
    archives: Sequence[ArchiveCoverage],
    findings: Sequence[ArchiveFinding],
    counts: ItemCounts,
    *,
    since: dt.date | None = None,
    tool_version: str | None = None,
) -> dict:
    """The sweep document (nypconsol/schemas/sweep.schema.json) with an empty ``items`` list in
    its place: the items are drawn from the store (``StoredSweep.items``)."""
    if tool_version is None:
        from nypconsol import __version__ as tool_version
    failed = {f.archive for f in findings if f.as_finding().is_error}
    return {
        "format_version": FORMAT_VERSION,
        "kind": "sweep",
        "tool": {"name": "nypconsol", "version": tool_version},
        "since": None if since is None else since.isoformat(),
        "archives": [_archive_record(a, a.path not in failed) for a in archives],
        "items": [],
        "summary": _summary(archives, findings, counts),
        "findings": [f.as_dict() for f in findings],
    }


def _summary(
    archives: Sequence[ArchiveCoverage], findings: Sequence[ArchiveFinding], counts: ItemCounts
) -> dict:
    totals = {level: {"answered": 0, "unanswered": 0} for level in PRIORITIES}
    for by_priority in counts.by_district.values():
        for level, row in by_priority.items():
            for state, n in row.items():
                totals[level][state] += n
    return {
        "archives": len(archives),
        "items": counts.items,
        "before_since": counts.before_since,
        "unanswered_reports": totals["P1"]["unanswered"] + totals["P2"]["unanswered"],
        "by_priority": totals,
        "districts": {d: counts.by_district[d] for d in counts.districts},
        "findings": {
            "errors": sum(1 for f in findings if f.as_finding().is_error),
            "warnings": sum(1 for f in findings if not f.as_finding().is_error),
        },
    }


def sweep_result(
    store: SweepStore,
    read: ArchivesRead,
    lexicon: Lexicon | None = None,
    *,
    since: dt.date | None = None,
    pseudonyms: PseudonymKey | None = None,
    tool_version: str | None = None,
) -> StoredSweep:
    """Triage what ``read_into`` read into ``store`` and make the items there: the sweep of any
    size, its items drawn from the store as the outputs are written (valid while it is open).

    Items are every inbound message, none left out, as ``sweep_document`` says.
    """
    with collector_paused():
        counts = triage_into(
            store, read.archives, lexicon or load_lexicon(), since=since, pseudonyms=pseudonyms
        )
    head = document_head(
        read.archives, read.findings, counts, since=since, tool_version=tool_version
    )
    return StoredSweep(store, head, read.archives, counts)


def sweep_document(
    sweep: SweepInput,
    triaged: Sequence[Triage] | None = None,
    *,
    since: dt.date | None = None,
    pseudonyms: PseudonymKey | None = None,
    tool_version: str | None = None,
) -> dict:
    """The sweep as a JSON-ready document (nypconsol/schemas/sweep.schema.json), in memory: for
    a sweep read with ``read_archives``. (A sweep of any size uses ``sweep_result``.)

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
    with collector_paused(), SweepStore() as store:
        counts = load_triaged(store, sweep, triaged, since=since, pseudonyms=pseudonyms)
        head = document_head(
            sweep.archives, sweep.findings, counts, since=since, tool_version=tool_version
        )
        return StoredSweep(store, head, sweep.archives, counts).document()


def has_unanswered_reports(document: Mapping) -> bool:
    """True when any P1 or P2 item is unanswered (``--check`` exits 3 then)."""
    return document["summary"]["unanswered_reports"] > 0
