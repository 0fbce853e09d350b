"""The ledger's events as stored, the sweep details a ``swept`` event may carry, and the
canonical form whose SHA-256 chains each event to the one before it.

Canonical form of an event (what ``hash`` is the SHA-256 of, as lowercase hex): the JSON object

    {"at", "by", "db_user", "forced", "handle", "id", "note", "platform", "prev_hash",
     "recorded_at", "step", "undo_of"}  plus  "sweep": {"archive_sha256", "conversations",
     "messages", "p1", "p2", "p3", "unanswered"}  only on an event that carries sweep details

serialised with RFC 8785 (JSON Canonicalization Scheme): keys sorted, no whitespace, UTF-8,
strings escaped minimally. Every value is a string, an integer, true/false or null, so the JCS
rules reduce to ``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
encoded as UTF-8; any JCS library reproduces it. Times are UTC with microseconds,
``2027-01-11T09:30:00.000000Z``. ``note`` and ``undo_of`` are null when absent. ``prev_hash``
is the previous event's ``hash``, 64 zeros for event 1. ``sweep`` is absent (not null) on other
events, so events written before schema version 2 keep the hashes they were given.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from nypconsol.core.errors import InputError
from nypconsol.core.progress import Event

GENESIS_HASH = "0" * 64
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Text the tool stores: no NUL (PostgreSQL cannot hold it), no lone surrogates (not UTF-8).
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
MAX_TEXT = 2000  # characters in a note; handles, platforms and names are far shorter
MAX_NAME = 200


class InvalidRecord(InputError, ValueError):
    """A value given to record cannot be stored as it is (empty, too long, a NUL, a bad count):
    exit 1, INPUT_ERRORS."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepDetails:
    """What ``sweep`` found in one account's archive: its SHA-256 and counts, never any text.
    ``p1``, ``p2``, ``p3`` count the likely reports by priority; ``unanswered`` the P1 and P2
    items the account never replied to."""

    archive_sha256: str
    conversations: int
    messages: int
    p1: int
    p2: int
    p3: int
    unanswered: int

    def __post_init__(self) -> None:
        if not isinstance(self.archive_sha256, str) or not _SHA256.fullmatch(self.archive_sha256):
            raise InvalidRecord("archive_sha256 must be 64 lowercase hexadecimal digits")
        for name in ("conversations", "messages", "p1", "p2", "p3", "unanswered"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidRecord(f"{name} must be a whole number, 0 or more, got {value!r}")
            if value >= 2**31:
                raise InvalidRecord(f"{name} is too large: {value}")
        if self.unanswered > self.p1 + self.p2:
            raise InvalidRecord("unanswered counts P1 and P2 items: it cannot exceed p1 + p2")

    def canonical(self) -> dict[str, Any]:
        return {
            "archive_sha256": self.archive_sha256,
            "conversations": self.conversations,
            "messages": self.messages,
            "p1": self.p1,
            "p2": self.p2,
            "p3": self.p3,
            "unanswered": self.unanswered,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerEvent(Event):
    """An event as the ledger holds it: the rules' ``Event`` plus who the database says
    recorded it, when, the sweep details, and its place in the hash chain."""

    db_user: str
    recorded_at: dt.datetime
    prev_hash: str
    hash: str
    sweep: SweepDetails | None = None

    def log_record(self) -> dict[str, Any]:
        """The event with the keys and order of ``log --format json`` (issue 15)."""
        return {
            "id": self.id,
            "handle": self.handle,
            "platform": self.platform,
            "step": self.step.value,
            "by": self.by,
            "db_user": self.db_user,
            "at": format_time(self.at),
            "recorded_at": format_time(self.recorded_at),
            "note": self.note,
            "forced": self.forced,
            "undo_of": self.undo_of,
            "hash": self.hash,
        }


def format_time(moment: dt.datetime) -> str:
    """A moment in the canonical form: UTC, microseconds, ``Z``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is needed, got {moment!r}")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_fields(
    *,
    id: int,
    handle: str,
    platform: str,
    step: str,
    by: str,
    db_user: str,
    at: dt.datetime,
    recorded_at: dt.datetime,
    note: str | None,
    forced: bool,
    undo_of: int | None,
    prev_hash: str,
    sweep: dict[str, Any] | None,
) -> dict[str, Any]:
    """The object the hash is taken over (see the module's docstring)."""
    fields: dict[str, Any] = {
        "id": id,
        "handle": handle,
        "platform": platform,
        "step": str(step),
        "by": by,
        "db_user": db_user,
        "at": format_time(at),
        "recorded_at": format_time(recorded_at),
        "note": note,
        "forced": bool(forced),
        "undo_of": undo_of,
        "prev_hash": prev_hash,
    }
    if sweep is not None:
        fields["sweep"] = sweep
    return fields


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def event_hash(fields: dict[str, Any]) -> str:
    """The SHA-256 of an event's canonical form, as lowercase hex."""
    return hashlib.sha256(canonical_bytes(fields)).hexdigest()


def check_text(name: str, value: str, *, limit: int = MAX_NAME, empty: bool = False) -> str:
    """``value`` if the ledger can store it as it is; ValueError naming ``name`` otherwise."""
    if not isinstance(value, str):
        raise InvalidRecord(f"{name} must be text, got {type(value).__name__}")
    if not empty and not value.strip():
        raise InvalidRecord(f"{name} is empty")
    if _UNSTORABLE.search(value):
        raise InvalidRecord(f"{name} holds a NUL or a lone surrogate, which cannot be stored")
    if len(value) > limit:
        raise InvalidRecord(f"{name} is longer than {limit} characters")
    return value
