"""GitHub Actions: workflow commands (``::error`` / ``::warning`` annotations, escaped as the
runner expects) for findings and drift, and appending to the job summary."""

from __future__ import annotations

import os
from collections.abc import Mapping

from nypconsol.core.drift import Drift, PlanFile
from nypconsol.core.findings import Finding, record_label
from nypconsol.core.models import BUILT_IN
from nypconsol.core.parsing import at_handle
from nypconsol.render.phrases import account_label, field_changes, headline, outcome, show


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
    # The packaged mapping is no file in the repository: annotate the run, not a path.
    return "".join(
        annotation(
            f.severity.value,
            f.code,
            _with_record(f),
            f.file if f.file != BUILT_IN else None,
            f.line,
        )
        + "\n"
        for f in findings
    )


def drift_annotations(drift: Drift, *, heading: str = "", committed: PlanFile) -> str:
    """One ``::error`` per change, on the committed plan file at the line of the account or
    setting where it is known (an added account has no line there), then a summary."""
    if drift.equal:
        return ""
    plan_file = committed.path
    account_lines, field_lines = committed.account_lines, committed.field_lines
    lines = []
    for c in drift.plan_changes:
        message = f"{c.name} changed: {show(c.before)} -> {show(c.after)}"
        lines.append(annotation("error", "plan drift", message, plan_file, field_lines.get(c.name)))
    for item in drift.added:
        message = f"{item.district} {account_label(item)} added: {outcome(item.account)}"
        lines.append(annotation("error", "plan drift", message, plan_file))
    for item in drift.removed:
        message = f"{item.district} {account_label(item)} removed (was {outcome(item.account)})"
        lines.append(
            annotation("error", "plan drift", message, plan_file, account_lines.get(item.key))
        )
    for item in drift.changed:
        message = f"{item.district} {account_label(item)} changed: {field_changes(item)}"
        lines.append(
            annotation("error", "plan drift", message, plan_file, account_lines.get(item.key))
        )
    lines.append(
        annotation(
            "error",
            "plan out of date",
            f"{headline(drift)} Regenerate the plan (the same nypconsol plan command, with "
            f"-o {plan_file} in place of --check) and commit it if the change is intended.",
            plan_file,
        )
    )
    return "".join(line + "\n" for line in lines)


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
