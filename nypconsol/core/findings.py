"""Findings: what validation says about the inputs, and the one list of finding codes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


E, W = Severity.ERROR, Severity.WARNING

# Every code the tool can report: code -> (severity, what it means).
# The README's "Finding codes" table is checked against this list by a test.
CODES: dict[str, tuple[Severity, str]] = {
    "unreadable-file": (
        E,
        "An input file is missing or is a folder (one that exists but cannot be read is exit 4).",
    ),
    "bad-encoding": (E, "The file is not UTF-8; re-save it as UTF-8 or pass --encoding."),
    "formula-without-value": (
        E,
        "An XLSX cell holds a formula with no saved value (saved by a program that does not "
        "calculate).",
    ),
    "malformed-file": (
        E,
        "The file cannot be parsed (broken CSV quoting, bad YAML/JSON, not XLSX).",
    ),
    "empty-file": (E, "The file holds no data."),
    "unknown-sheet": (E, "The workbook has no sheet of the name given with --sheet."),
    "duplicate-key": (E, "A YAML/JSON mapping repeats a key; which value was meant is unclear."),
    "yaml-alias": (E, "YAML anchors/aliases are not accepted in inputs."),
    "yaml-tag": (E, "A YAML tag such as !!python/object is not accepted."),
    "bad-config": (E, "The district mapping is missing a section or has one of the wrong shape."),
    "bad-lexicon": (
        E,
        "The config's sweep: lexicon: override is not in the lexicon's shape; the message names the entry.",
    ),
    "bad-record": (E, "An inventory record is not a mapping of column to value."),
    "missing-column": (E, "The inventory has no handle or platform column."),
    "duplicate-column": (E, "Two inventory columns have the same name."),
    "extra-cells": (E, "A row has more cells than the header (often an unquoted comma)."),
    "missing-value": (E, "A row has no handle or no platform."),
    "value-too-long": (E, "A value is far longer than any real one (often a missing quote)."),
    "invalid-handle": (E, "The handle breaks the platform's rules for handles."),
    "unknown-platform": (E, "The platform is not one the tool knows."),
    "duplicate-handle": (E, "Two rows name the same account."),
    "unknown-district": (E, "The district column names no configured district."),
    "unknown-area": (E, "The area is in no district's list of areas."),
    "ambiguous-area": (E, "The area is listed under two or more districts."),
    "no-area": (E, "The row has neither an area nor a district."),
    "no-destination": (E, "Neither the district nor the force has an account on that platform."),
    "bad-number": (
        E,
        "A number (followers) is not a whole number like 1234 or 1,234, or is over ten billion.",
    ),
    "bad-date": (E, "A date is not ISO 2026-10-01 or UK 01/10/2026."),
    "bad-status": (E, "The status is not active, dormant or closed."),
    "bad-retain": (E, "The retain value is not yes or no."),
    "retain-without-reason": (E, "An account to retain has no reason."),
    "archive-unreadable": (E, "An archive path does not exist or cannot be read."),
    "archive-corrupt": (
        E,
        "An archive, or a file in it, is damaged, cut short, encrypted or not a zip; download it again.",
    ),
    "archive-too-large": (
        E,
        "A file in an archive is larger, or expands more, than any real export (a zip bomb); it was not read.",
    ),
    "archive-layout": (
        E,
        "An archive, or a data file in it, is in no export layout the tool knows; that part was not read.",
    ),
    "archive-not-ytd": (
        E,
        "An X data file does not start with window.YTD.<name>.part<N> = as X writes them.",
    ),
    "archive-truncated": (
        E,
        "A data file in an archive is cut short or is not valid JSON; download the archive again.",
    ),
    "archive-incomplete": (
        E,
        "An X archive's manifest lists a data file the archive does not hold; its messages were not swept.",
    ),
    "archive-unmatched": (
        E,
        "An archive belongs to no inventory account, or which account it is cannot be told.",
    ),
    "archive-wrong-platform": (
        E,
        "An archive is tied to an inventory account on another platform.",
    ),
    "notice-too-long": (
        E,
        "A closure notice is longer than its platform allows (notices are never cut).",
    ),
    "notice-empty": (E, "A closure notice template gives an empty text."),
    "notice-unsafe-text": (
        E,
        "A closure notice begins like a spreadsheet formula (=, +, -, @) or holds control characters.",
    ),
    "archive-api-failed": (
        E,
        "The Mastodon API could not be read for an account: its mentions and direct messages were not swept.",
    ),
    "destination-account": (W, "The row is itself a destination account; it is never closed."),
    "lookalike-handle": (W, "The handle looks like another account's: an impersonation risk."),
    "area-district-mismatch": (W, "The area belongs to another district than the one given."),
    "duplicate-area": (W, "The mapping lists the same area under two districts."),
    "placeholder-accounts": (W, "The mapping still has placeholder destination handles."),
    "empty-inventory": (W, "The inventory lists no accounts, so the plan is empty."),
    "future-date": (W, "A last_post date is after today: often a slip in the year."),
    "hidden-rows": (W, "Rows hidden in the spreadsheet were read: check they belong in the plan."),
    "hidden-sheet": (W, "The sheet read is hidden in the workbook: check it is the right one."),
    "archive-bad-path": (
        W,
        "A file inside an archive has an unsafe or repeated path, or is a link; it was not read.",
    ),
    "archive-skipped-entries": (
        W,
        "Some entries of an archive's data file were not in the platform's shape and were skipped.",
    ),
    "archive-owner-unknown": (
        W,
        "An archive does not show which sender is the account: every message is listed as inbound.",
    ),
    "archive-duplicate": (W, "The same archive (same SHA-256) was given twice; it was read once."),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong (error) or worth a look (warning), with where it was found."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    # Only where several records share a line (JSON written on one line): the record's number
    # in the file and its handle, so that a person can find it.
    record: int | None = None
    handle: str | None = None

    @property
    def severity(self) -> Severity:
        return CODES[self.code][0]

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        if self.file is None:
            return ""
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.record is not None:
            where += f" ({record_label(self.record, self.handle)})"
        return where

    def as_dict(self) -> dict:
        found = {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
        }
        if self.record is not None:
            found["record"] = self.record
            found["handle"] = self.handle
        return found


def record_label(record: int, handle: str | None) -> str:
    """``record 5, @handle``: a record that its line alone does not identify."""
    from nypconsol.core.parsing import at_handle

    return f"record {record}, {at_handle(handle)}" if handle else f"record {record}"


def about_record(findings: list[Finding], record: int | None, handle: str | None) -> list[Finding]:
    """The findings, marked as being about record number ``record`` (when there is one)."""
    if record is None:
        return findings
    return [
        f if f.record is not None else replace(f, record=record, handle=handle or None)
        for f in findings
    ]


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Order findings by file and line (and record, on a shared line) so output is stable and
    reads top to bottom."""
    return sorted(
        findings, key=lambda f: (f.file or "", f.line or 0, f.record or 0, f.code, f.message)
    )


def count(findings: list[Finding]) -> dict[str, int]:
    errors = sum(1 for f in findings if f.is_error)
    return {"errors": errors, "warnings": len(findings) - errors}
