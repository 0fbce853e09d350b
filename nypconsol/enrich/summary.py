"""The end-of-run summary in plain lines, for the CLI to print to stderr."""

from __future__ import annotations

import os

from nypconsol.enrich.handles import platform_name
from nypconsol.enrich.models import LookupRun
from nypconsol.render.phrases import plural


def summary_lines(
    run: LookupRun,
    *,
    inventory: str | None = None,
    cache_path: str | os.PathLike[str] | None = None,
) -> list[str]:
    """Counts per platform that has accounts, the accounts not found (with what to do), any rate-limit stop with
    when to run again, and where the cache is. Text is from the inventory's handles (validated
    ASCII) and nypconsol's own words; details are not repeated here."""
    summary = run.summary
    lines: list[str] = []
    platforms = [counts for counts in summary.platforms if counts.accounts]
    for counts in platforms:
        parts = [
            f"{counts.found:,} found",
            f"{counts.not_found:,} not found",
            f"{counts.suspended:,} suspended",
            f"{counts.protected:,} protected",
            plural(counts.error, "error"),
        ]
        notes = []
        if counts.invalid_handle:
            notes.append(f"{plural(counts.invalid_handle, 'handle')} not valid")
        if counts.from_cache:
            notes.append(f"{counts.from_cache:,} from the cache")
        noted = f" ({'; '.join(notes)})" if notes else ""
        lines.append(f"{platform_name(counts.platform)}: {', '.join(parts)}{noted}")
    if not platforms:
        lines.append("no accounts on the platforms looked up")
    if summary.not_found:
        lines.append(f"Not found: {summary.advice}:")
        for missing in summary.not_found:
            where = ""
            if missing.lines:
                rows = ", ".join(map(str, missing.lines))
                word = "line" if len(missing.lines) == 1 else "lines"
                where = f" ({inventory + ' ' if inventory else ''}{word} {rows})"
            lines.append(
                f"  {platform_name(missing.platform)} {missing.handle}{where}: "
                f"{missing.profile_url}"
            )
    for stop in summary.stopped:
        lines.append(
            f"Stopped: {platform_name(stop.platform)} ({stop.scope}) limits requests until "
            f"{stop.resume_at}; {plural(stop.not_looked_up, 'account')} not looked up: run "
            "again after then (answers so far are in the cache)"
        )
    if cache_path is not None:
        lines.append(f"Cache: {os.fspath(cache_path)} (use --refresh to ask again)")
    return lines
