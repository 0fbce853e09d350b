"""When a 429 says to come back: X's ``x-rate-limit-reset``, ``Retry-After``, Mastodon's and
Bluesky's ``X-RateLimit-Reset`` / ``RateLimit-Reset``."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

# Used when a 429 names no time at all: X's windows are 15 minutes, others' 5; a minute is a
# polite first guess, and waiting it still obeys --max-wait.
DEFAULT_WAIT_SECONDS = 60.0
_RESET_HEADERS = ("x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset")
# A reset number this large is a Unix time; smaller ones are seconds from now (the IETF draft).
_EPOCH_THRESHOLD = 1_000_000_000


def reset_time(headers: Mapping[str, str], now: float) -> float | None:
    """The Unix time a 429 says to try again, or None when its headers name none.

    ``headers`` must be case-insensitive (as requests gives them).
    """
    if (value := headers.get("retry-after")) is not None:
        when = _retry_after(value.strip(), now)
        if when is not None:
            return when
    for name in _RESET_HEADERS:
        if (value := headers.get(name)) is not None:
            when = _reset_value(value.strip(), now)
            if when is not None:
                return when
    return None


def _retry_after(value: str, now: float) -> float | None:
    if value.isdigit():
        return now + int(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


def _reset_value(value: str, now: float) -> float | None:
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        if not math.isfinite(number) or number < 0:
            return None
        return number if number >= _EPOCH_THRESHOLD else now + number
    try:  # Mastodon: an ISO 8601 time, "2026-11-30T09:20:00.000Z"
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()
