"""Parse inventory records (column -> text, as read from a file) into accounts, with a finding
for every value that cannot be used."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from functools import lru_cache

from nypconsol.core.findings import Finding
from nypconsol.core.models import Account, RawRecord
from nypconsol.core.parsing import parse_count, parse_date, parse_yes_no, quoted
from nypconsol.core.platforms import (
    PLATFORMS,
    describe_bad_characters,
    normalise_handle,
    platform_id,
)

# The inventory's columns are the Account's fields: one declaration (core/models.py).
COLUMNS = tuple(name for name in Account._fields if name != "source")
REQUIRED_COLUMNS = ("handle", "platform")
STATUSES = ("active", "dormant", "closed")
_FREE_TEXT = ("owner", "collar_number", "role", "area", "district")
MAX_TEXT_LENGTH = 1000  # far beyond any real owner, area or reason
MAX_FOLLOWERS = 10_000_000_000  # more people than there are: a typing mistake, not a count

_PLATFORM_CHOICES = ", ".join(list(PLATFORMS)[:-1]) + " or " + list(PLATFORMS)[-1]
_SEPARATORS = re.compile(r"[\s\-_]+")


@lru_cache(maxsize=1024)  # YAML and JSON records repeat the same dozen keys
def column_key(header: str) -> str:
    """Header names case-insensitive, with spaces, hyphens and underscores alike."""
    return _SEPARATORS.sub("_", header.strip().casefold()).strip("_")


def parse_record(
    record: RawRecord, today: dt.date | None = None
) -> tuple[Account | None, list[Finding]]:
    """Check and parse one record. Returns None for the account when it cannot be identified.
    A last_post after ``today`` (when given) is a warning."""
    values, source = record
    file, line, _ = source
    get = values.get
    findings: list[Finding] = []

    raw_platform = (get("platform") or "").strip()
    handle = normalise_handle(get("handle") or "")
    platform = platform_id(raw_platform) if raw_platform else None
    if not handle:
        findings.append(
            Finding(
                "missing-value", "the row has no handle: fill it in or delete the row", file, line
            )
        )
    if not raw_platform:
        findings.append(
            Finding(
                "missing-value",
                f"the row has no platform: fill in {_PLATFORM_CHOICES}",
                file,
                line,
            )
        )
    elif platform is None:
        choices = sorted({*PLATFORMS, "twitter"})
        close = difflib.get_close_matches(raw_platform.casefold(), choices, n=1, cutoff=0.6)
        hint = f" did you mean {close[0]!r}?" if close else ""
        findings.append(
            Finding(
                "unknown-platform",
                f"unknown platform {quoted(raw_platform)};{hint} use one of {', '.join(PLATFORMS)}",
                file,
                line,
            )
        )
    if handle and platform and not PLATFORMS[platform].is_valid(handle):
        rules = PLATFORMS[platform]
        bad = describe_bad_characters(handle)
        detail = f": it contains {bad}" if bad else ""
        findings.append(
            Finding(
                "invalid-handle",
                f"{rules.name} handle {quoted(handle)} is not valid{detail}; {rules.name} "
                f"handles are {rules.rule}",
                file,
                line,
            )
        )

    followers = None
    if raw := (get("followers") or "").strip():
        try:
            followers = parse_count(raw)
        except ValueError:
            findings.append(
                Finding(
                    "bad-number",
                    f"followers {quoted(raw)} is not a whole number such as 1234 or 1,234 (leave it blank if unknown)",
                    file,
                    line,
                )
            )
        if followers is not None and followers > MAX_FOLLOWERS:
            findings.append(
                Finding(
                    "bad-number",
                    f"followers {quoted(raw)} is more than any account has (at most "
                    f"{MAX_FOLLOWERS:,}): check the cell",
                    file,
                    line,
                )
            )
            followers = None
    last_post = None
    if raw := (get("last_post") or "").strip():
        try:
            last_post = parse_date(raw)
        except ValueError:
            findings.append(
                Finding(
                    "bad-date",
                    f"last_post {quoted(raw)} is not a date such as 2026-10-01 or 01/10/2026",
                    file,
                    line,
                )
            )
        if last_post is not None and today is not None and last_post > today:
            findings.append(
                Finding(
                    "future-date",
                    f"last_post {last_post.isoformat()} is after today: check the date (a slip "
                    "in the year?)",
                    file,
                    line,
                )
            )
    status = (get("status") or "").strip().casefold() or "active"
    if status not in STATUSES:
        findings.append(
            Finding(
                "bad-status",
                f"status {quoted(status)} is not one of {', '.join(STATUSES)}",
                file,
                line,
            )
        )
    retain = False
    if raw := (get("retain") or "").strip():
        try:
            retain = parse_yes_no(raw)
        except ValueError:
            findings.append(
                Finding("bad-retain", f"retain {quoted(raw)} is not yes or no", file, line)
            )
    reason = (get("reason") or "").strip()
    if retain and not reason:
        findings.append(
            Finding(
                "retain-without-reason",
                "the account is to be retained but has no reason: say why in the reason column",
                file,
                line,
            )
        )

    sign_off = get("sign_off")
    sign_off = " ".join(sign_off.split()) if sign_off else ""  # one line: printed in posts
    texts = [(get(column) or "").strip() for column in _FREE_TEXT]
    longest = max(len(reason), len(sign_off), *map(len, texts))
    if longest > MAX_TEXT_LENGTH:
        checked = [*zip(_FREE_TEXT, texts, strict=True), ("reason", reason), ("sign_off", sign_off)]
        for column, text in checked:
            if len(text) > MAX_TEXT_LENGTH:
                findings.append(
                    Finding(
                        "value-too-long",
                        f"{column} is {len(text):,} characters long (at most {MAX_TEXT_LENGTH:,}): "
                        f"it starts {quoted(text, 30)}; look for a missing quote",
                        file,
                        line,
                    )
                )
    if not handle or platform is None:
        return None, findings
    owner, collar_number, role, area, district = texts
    account = Account(
        handle=handle,
        platform=platform,
        owner=owner,
        collar_number=collar_number,
        role=role,
        area=area,
        district=district,
        followers=followers,
        last_post=last_post,
        status=status,
        retain=retain,
        reason=reason,
        sign_off=sign_off,
        source=source,
    )
    return account, findings
