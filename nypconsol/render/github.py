"""GitHub Actions workflow commands (::error / ::warning annotations), escaped as the runner expects."""

from __future__ import annotations

from nypconsol.findings import Finding


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    properties = []
    if finding.file:
        properties.append(f"file={escape_property(finding.file)}")
        if finding.line:
            properties.append(f"line={finding.line}")
    properties.append(f"title={escape_property(finding.code)}")
    return f"::{finding.severity.value} {','.join(properties)}::{escape_data(finding.message)}"


def annotations(findings: list[Finding]) -> str:
    return "".join(annotation(f) + "\n" for f in findings)
