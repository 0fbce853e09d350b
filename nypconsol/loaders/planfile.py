"""Read a committed plan file (``plan --check PLAN``, ``diff OLD NEW``) safely: strict JSON, errors
that name the file, line and column, and the lines its accounts and settings are on (for
annotations)."""

from __future__ import annotations

import errno
import json
import re
from pathlib import Path
from typing import Any

from nypconsol.core.drift import (
    PLAN_FIELDS,
    REGENERATE_HINT,
    PlanFile,
    PlanFileError,
    PlanFileUnreadable,
    account_key,
    validate_plan,
)
from nypconsol.loaders.sources import STDIN, STDIN_NAME, read_stdin


def load_plan(path: str | Path) -> dict:
    """The plan document in ``path``, checked enough to compare; raises PlanFileError."""
    return read_plan(path).document


def read_plan(path: str | Path) -> PlanFile:
    """The plan in the file ``path`` (``-``: standard input, named ``<stdin>``)."""
    name = str(path)
    try:
        if name == STDIN:
            name = STDIN_NAME
            data = read_stdin()
        else:
            data = Path(path).read_bytes()
    except FileNotFoundError:
        raise PlanFileError(
            f"{name}: no such plan file; write one with: nypconsol plan --format json -o {name}"
        ) from None
    except IsADirectoryError:
        raise PlanFileError(f"{name}: is a folder, not a plan file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PlanFileError(
                f"{name}: is a symbolic link that leads back to itself (a loop), not a plan file"
            ) from None
        raise PlanFileUnreadable(
            f"{name}: cannot read the plan file: {exc.strerror or exc}"
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanFileError(
            f"{name}: not a plan file: byte 0x{data[exc.start]:02X} at offset {exc.start} is not "
            "UTF-8 (plan files are JSON written by nypconsol plan --format json)"
        ) from None
    document = parse_plan_json(text, name)
    lines = _account_line_numbers(text, document)
    validate_plan(document, name, lines)
    account_lines = {
        account_key(account["platform"], account["handle"]): line
        for account, line in zip(document["accounts"], lines or (), strict=False)
    }
    return PlanFile(
        path=name, document=document, account_lines=account_lines, field_lines=_field_lines(text)
    )


def _reject_constant(value: str) -> Any:
    raise ValueError(f"{value} is not a JSON number")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def parse_plan_json(text: str, name: str) -> Any:
    """JSON text to Python, with errors that name the file, line and column."""
    if not text.strip():
        raise PlanFileError(f"{name}: the plan file is empty; {REGENERATE_HINT}")
    try:
        return json.loads(
            text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            raise PlanFileError(
                f"{name}:{exc.lineno}:{exc.colno}: the plan file ends early (truncated?): "
                f"{exc.msg}; {REGENERATE_HINT}"
            ) from None
        raise PlanFileError(
            f"{name}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg} (plan files are JSON "
            "written by nypconsol plan --format json)"
        ) from None
    except RecursionError:
        raise PlanFileError(f"{name}: not a plan file: the JSON is nested too deeply") from None
    except ValueError as exc:  # duplicate keys, NaN, numbers too long to read
        raise PlanFileError(f"{name}: not a usable plan file: {exc}") from None


def _account_line_numbers(text: str, document: Any) -> list[int] | None:
    """The line each element of the top-level ``accounts`` list starts on, or None.

    Found by decoding the list element by element, so any JSON layout works; when the list
    cannot be found unambiguously there are simply no line numbers.
    """
    accounts = document.get("accounts") if isinstance(document, dict) else None
    if not isinstance(accounts, list):
        return None
    decoder = json.JSONDecoder()
    for match in re.finditer(r'"accounts"\s*:\s*\[', text):
        lines: list[int] = []
        pos = match.end()
        line, counted = text.count("\n", 0, pos) + 1, pos  # counted incrementally: O(size)
        try:
            for account in accounts:
                while text[pos] in " \t\r\n,":
                    pos += 1
                line += text.count("\n", counted, pos)
                counted = pos
                value, pos = decoder.raw_decode(text, pos)
                if value != account:
                    break
                lines.append(line)
            else:
                while text[pos] in " \t\r\n":
                    pos += 1
                if text[pos] == "]":  # the whole list, not a list that starts the same
                    return lines
        except (ValueError, IndexError, RecursionError):
            continue
    return None


def _field_lines(text: str) -> dict[str, int]:
    """The line of each plan setting (its key is unique in a plan written by the tool)."""
    found_lines: dict[str, int] = {}
    for name, path in PLAN_FIELDS.items():
        found = re.search(rf'^\s*"{re.escape(path[-1])}"\s*:', text, re.MULTILINE)
        if found:
            found_lines[name] = text.count("\n", 0, found.start()) + 1
    return found_lines
