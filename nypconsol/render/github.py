"""GitHub Actions: workflow commands (``::error`` / ``::warning`` annotations, escaped as the
runner expects) for findings and drift, and appending to the job summary."""

from __future__ import annotations

import os
from collections.abc import Mapping

from nypconsol.core.drift import ChangeKind, Drift, PlanFile, by_importance
from nypconsol.core.findings import Finding, Severity, record_label
from nypconsol.core.models import BUILT_IN
from nypconsol.core.parsing import at_handle
from nypconsol.render.limits import ANNOTATIONS_PER_LEVEL, full_drift_report, left_out_sentence
from nypconsol.render.phrases import (
    account_label,
    field_changes,
    headline,
    outcome,
    plural,
    show,
)


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(
    level: str, title: str, message: str, file: str | None = None, line: int | None = None
) -> str:
    """One workflow command: ``::level file=F,line=N,title=T::message`` (line only with a file)."""
    properties = []
    if file:
        properties.append(f"file={escape_property(file)}")
        if line:
            properties.append(f"line={line}")
    properties.append(f"title={escape_property(title)}")
    return f"::{level} {','.join(properties)}::{escape_data(message)}"


def _with_record(finding: Finding) -> str:
    """The message, led by the record it is about where its line alone does not say."""
    if finding.record is None:
        return finding.message
    label = record_label(finding.record, None)
    handle = f" ({at_handle(finding.handle)})" if finding.handle else ""
    return f"{label}{handle}: {finding.message}"


def findings_annotations(findings: list[Finding], *, accounts: int | None = None) -> str:
    """An annotation per finding, at most ANNOTATIONS_PER_LEVEL of each level (what GitHub
    shows in a step): beyond that, the first ones and one more that counts the rest."""
    levels = {level: [f for f in findings if f.severity is level] for level in Severity}
    crowded = {level for level, group in levels.items() if len(group) > ANNOTATIONS_PER_LEVEL}
    shown = set()
    for level, group in levels.items():
        keep = ANNOTATIONS_PER_LEVEL - 1 if level in crowded else len(group)
        shown.update(id(f) for f in group[:keep])
    # The packaged mapping is no file in the repository: annotate the run, not a path.
    lines = [
        annotation(
            f.severity.value,
            f.code,
            _with_record(f),
            f.file if f.file != BUILT_IN else None,
            f.line,
        )
        for f in findings
        if id(f) in shown
    ]
    for level in (level for level in Severity if level in crowded):
        group = levels[level]
        hidden = len(group) - (ANNOTATIONS_PER_LEVEL - 1)
        lines.append(
            annotation(
                level.value,
                f"more {level.value}s",
                f"{plural(hidden, 'more ' + level.value)} not shown here (GitHub shows "
                f"{ANNOTATIONS_PER_LEVEL} per step), {len(group):,} in all: nypconsol validate "
                "with --format json (or --format text) lists every finding.",
            )
        )
    return "".join(line + "\n" for line in lines)


def drift_annotations(drift: Drift, *, heading: str = "", committed: PlanFile) -> str:
    """An ``::error`` per change, most important first (plan settings, removed accounts,
    changed destinations, changed dates, added accounts, other changes), on the committed
    plan file at the line of the account or setting where it is known (an added account has
    no line there); then a summary. At most ANNOTATIONS_PER_LEVEL in all, what GitHub shows
    in a step: the summary counts the changes left out."""
    if drift.equal:
        return ""
    plan_file = committed.path
    account_lines, field_lines = committed.account_lines, committed.field_lines
    room = ANNOTATIONS_PER_LEVEL - 1  # the summary is the last
    lines = []
    for c in drift.plan_changes[:room]:
        message = f"{c.name} changed: {show(c.before)} -> {show(c.after)}"
        lines.append(annotation("error", "plan drift", message, plan_file, field_lines.get(c.name)))
    left_out: dict[ChangeKind, int] = {}
    for kind, items in by_importance(drift):
        fits = max(room - len(lines), 0)
        if len(items) > fits:
            left_out[kind] = len(items) - fits
        for item in items[:fits]:
            lines.append(_drift_annotation(kind, item, plan_file, account_lines))
    summary = (
        f"{headline(drift)} Regenerate the plan (the same nypconsol plan command, with "
        f"-o {plan_file} in place of --check) and commit it if the change is intended."
    )
    if left_out:
        summary += (
            f" Not shown here (GitHub shows {ANNOTATIONS_PER_LEVEL} annotations per step): "
            f"{left_out_sentence(left_out)}. {full_drift_report(check=True)}"
        )
    lines.append(annotation("error", "plan out of date", summary, plan_file))
    return "".join(line + "\n" for line in lines)


def _drift_annotation(kind: ChangeKind, item, plan_file: str, account_lines: dict) -> str:  # type: ignore[no-untyped-def]
    where = f"{item.district} {account_label(item)}"
    if kind is ChangeKind.ADDED:
        return annotation(
            "error", "plan drift", f"{where} added: {outcome(item.account)}", plan_file
        )
    if kind is ChangeKind.REMOVED:
        message = f"{where} removed (was {outcome(item.account)})"
    else:
        message = f"{where} changed: {field_changes(item)}"
    return annotation("error", "plan drift", message, plan_file, account_lines.get(item.key))


# --- the job summary ($GITHUB_STEP_SUMMARY) -------------------------------------------------


def append_step_summary(markdown: str, environ: Mapping[str, str] | None = None) -> str | None:
    """Append ``markdown`` to the file named by $GITHUB_STEP_SUMMARY, if it names one.

    Appends (never truncates: other steps write there too). Returns a warning to show when the
    file cannot be written; the summary is a convenience and never changes the exit code.
    """
    environ = os.environ if environ is None else environ
    path = environ.get("GITHUB_STEP_SUMMARY", "")
    if not path:
        return None
    try:
        with open(path, "a", encoding="utf-8", newline="\n") as handle:
            handle.write(markdown.rstrip("\n") + "\n\n")
    except OSError as exc:
        return f"could not append to GITHUB_STEP_SUMMARY ({path}): {exc.strerror or exc}"
    return None
