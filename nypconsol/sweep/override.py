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
from nypconsol.sweep.lexicon_build import default_lexicon_data, load_lexicon

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


def override_place(base: object, override: object, where: tuple[str | int, ...]) -> tuple:
    """``where``, a place in the merged lexicon, as the place in the override it came from:
    merging adds an override's list items after the shipped ones (less ``<key>_remove``), so a
    position counts the shipped items first. Cut short where the place is not the override's."""
    place: list[str | int] = []
    removed: object = None
    for step in where:
        if isinstance(step, str):
            if not isinstance(override, dict) or step not in override:
                break
            removed = override.get(f"{step}_remove")
            base = base.get(step) if isinstance(base, dict) else None
            override = override[step]
            place.append(step)
            continue
        if not isinstance(override, list):
            break
        shipped = base if isinstance(base, list) else []
        merged = [(v, None) for v in shipped] + [
            (v, i) for i, v in enumerate(override) if v not in shipped
        ]
        if isinstance(removed, list):
            merged = [(v, i) for v, i in merged if v not in removed]
        origin = merged[step][1] if step < len(merged) else None
        if origin is None:
            break
        place.append(origin)
        base, override = None, override[origin]
    return tuple(place)


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
        where = override_place(default_lexicon_data(), override, error.where)
        line = entry_line(override, where, lexicon_line)
        problem = _renamed(str(error), error.where, where)
        findings.append(_bad(file, line, problem))
        return None, findings
    return (None, findings) if findings else (lexicon, [])


def _renamed(message: str, merged: tuple, own: tuple) -> str:
    """The message with the place in the merged lexicon replaced by the override's own."""
    if not merged:
        return f"sweep.lexicon: {message}"
    if len(own) == len(merged):
        message = _path_text(own) + message[len(_path_text(merged)) :]
    return f"sweep.lexicon.{message}"


def _path_text(path: tuple) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else f".{step}" if text else step
    return text


def _bad(file: str, line: int | None, message: str) -> Finding:
    return Finding(
        code="bad-lexicon",
        message=message.rstrip(".")
        + ". See nypconsol/sweep/lexicon.yaml for the shape of each section.",
        file=file,
        line=line,
    )
