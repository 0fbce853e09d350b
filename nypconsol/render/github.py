"""GitHub Actions workflow commands (::error / ::warning annotations), escaped as the runner expects."""

from __future__ import annotations

import os
from collections.abc import Mapping

from nypconsol.findings import Finding
from nypconsol.models import BUILT_IN


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    properties = []
    # The packaged mapping is no file in the repository: annotate the run, not a path.
    if finding.file and finding.file != BUILT_IN:
        properties.append(f"file={escape_property(finding.file)}")
        if finding.line:
            properties.append(f"line={finding.line}")
    properties.append(f"title={escape_property(finding.code)}")
    return f"::{finding.severity.value} {','.join(properties)}::{escape_data(finding.message)}"


def annotations(findings: list[Finding]) -> str:
    return "".join(annotation(f) + "\n" for f in findings)


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


def findings_markdown(findings: list[Finding], checked_accounts: int | None = None) -> str:
    from nypconsol.findings import count
    from nypconsol.render.files import md_escape

    totals = count(findings)
    lines = ["## nypconsol validate", ""]
    head = f"{totals['errors']} error(s), {totals['warnings']} warning(s)"
    if checked_accounts is not None:
        head = f"{checked_accounts} account(s) checked: {head}"
    lines.append(head + ".")
    if findings:
        lines += ["", "| Severity | Code | Where | Message |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {f.severity.value} | {md_escape(f.code)} | {md_escape(f.location())} | "
            f"{md_escape(f.message)} |"
            for f in findings
        ]
    return "\n".join(lines) + "\n"


def plan_summary_markdown(document: dict) -> str:
    """A short summary of a plan document (the JSON envelope as a dict): totals and districts.

    The whole account table is left to ``plan --format markdown``: job summaries are capped
    at 1 MiB.
    """
    from nypconsol.render.envelope import DISTRICT_COLUMNS, district_rows
    from nypconsol.render.files import md_escape, md_table

    summary = document["summary"]
    lines = [
        "## nypconsol plan",
        "",
        f"Start {md_escape(document['start'])} ({md_escape(document.get('start_source'))}); "
        f"notice period {document['policy']['notice_days']} days. {summary['accounts']} "
        f"accounts: {summary['migrate']} to migrate, {summary['retain']} to retain, "
        f"{summary['skip']} to skip; {summary['followers_to_redirect']:,} followers to redirect.",
        "",
    ]
    lines += md_table(list(DISTRICT_COLUMNS), district_rows(summary))
    return "\n".join(lines) + "\n"
