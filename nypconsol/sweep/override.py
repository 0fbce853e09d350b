"""The force's own additions to the triage lexicon, kept in the config under ``sweep: lexicon:``
(the same shape as nypconsol/sweep/lexicon.yaml): read with their lines, merged into the
shipped lexicon and compiled. Anything wrong is a ``bad-lexicon`` finding naming the config file
and the line of the entry at fault."""

from __future__ import annotations

from typing import Protocol

from nypconsol.core.findings import Finding
from nypconsol.loaders.located import LoadFailed
from nypconsol.loaders.sources import decode_text
from nypconsol.loaders.yamlfile import load_yaml
from nypconsol.sweep.lexicon import Lexicon, LexiconError
from nypconsol.sweep.lexicon_build import load_lexicon

SECTION = "sweep"
KEYS = ("lexicon",)


class ConfigFile(Protocol):
    display: str
    data: bytes


def _key_line(mapping: object, key: object, default: int | None) -> int | None:
    return getattr(mapping, "key_lines", {}).get(key, default)


def entry_line(override: object, where: tuple[str | int, ...], default: int | None) -> int | None:
    """The config line of the entry at ``where`` inside the override, or of the nearest one
    above it that the config holds (an entry the shipped lexicon has is not in the file)."""
    line, node = default, override
    for step in where:
        if isinstance(step, int):
            lines = getattr(node, "item_lines", None)
            if not isinstance(node, list) or lines is None or step >= len(node):
                break
            line, node = lines[step], node[step]
        else:
            if not isinstance(node, dict) or step not in node:
                break
            line, node = _key_line(node, step, line), node[step]
    return line


def config_lexicon(config_file: ConfigFile | None) -> tuple[Lexicon | None, list[Finding]]:
    """The lexicon to triage with: the shipped one, with the config's ``sweep: lexicon:`` merged
    in when there is one. None and the findings when the override cannot be used."""
    if config_file is None:
        return load_lexicon(), []
    file = config_file.display
    try:
        document, _ = load_yaml(decode_text(config_file.data, file), file)
    except LoadFailed:
        return load_lexicon(), []  # the config's own check has reported why
    if not isinstance(document, dict) or document.get(SECTION) is None:
        return load_lexicon(), []
    section = document[SECTION]
    section_line = _key_line(document, SECTION, getattr(document, "line", None))
    if not isinstance(section, dict):
        return None, [_bad(file, section_line, "sweep: must be a mapping holding lexicon:")]
    findings = [
        _bad(
            file,
            _key_line(section, key, section_line),
            f"sweep.{key}: is not a setting of the sweep; it takes {', '.join(KEYS)}",
        )
        for key in section
        if key not in KEYS
    ]
    override = section.get("lexicon")
    if override is None:
        return (None if findings else load_lexicon()), findings
    lexicon_line = _key_line(section, "lexicon", section_line)
    if not isinstance(override, dict):
        findings.append(
            _bad(file, lexicon_line, "sweep.lexicon: must be a mapping of the lexicon's sections")
        )
        return None, findings
    try:
        lexicon = load_lexicon(override)
    except LexiconError as error:
        line = entry_line(override, error.where, lexicon_line)
        problem = f"sweep.lexicon.{error}" if error.where else f"sweep.lexicon: {error}"
        findings.append(_bad(file, line, problem))
        return None, findings
    return (None, findings) if findings else (lexicon, [])


def _bad(file: str, line: int | None, message: str) -> Finding:
    return Finding(
        code="bad-lexicon",
        message=message.rstrip(".")
        + ". See nypconsol/sweep/lexicon.yaml for the shape of each section.",
        file=file,
        line=line,
    )
