"""Load JSON into plain dicts, lists and strings whose objects remember the line they start on.

Numbers stay the text written, as in YAML, so the inventory parser reads them itself. Flat
objects (an account of text and numbers) are read by the C scanner, ten times faster than the
Python one, which still reads the rest so that every object has its line.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re

from nypconsol.core.findings import Finding
from nypconsol.core.parsing import quoted
from nypconsol.loaders.located import LoadFailed, LocatedDict

_CONTAINER_TYPES = frozenset((LocatedDict, list))


def load_json(text: str, file: str) -> tuple[object, list[Finding]]:
    """Parse JSON; objects become LocatedDict with the line they start on."""
    findings: list[Finding] = []
    repeated_keys: list[str] = []  # keys repeated in the object being closed

    counted = [0, 1]  # an offset and its line: objects are asked for in document order,
    # so each line is counted on from the last one asked, and the text is counted once.

    def line_at(pos: int) -> int:
        last, line = counted
        if pos >= last:
            line += text.count("\n", last, pos)
        else:
            line -= text.count("\n", pos, last)
        counted[:] = pos, line
        return line

    def pairs_hook(pairs: list[tuple[str, object]]) -> LocatedDict:
        result = LocatedDict(0)
        for key, value in pairs:
            if key in result:
                repeated_keys.append(key)
                continue
            result[key] = value
        return result

    # Numbers stay the text written, as in YAML: the inventory parser reads them itself.
    decoder = json.JSONDecoder(object_pairs_hook=pairs_hook, parse_int=str, parse_float=str)
    parse_object = decoder.parse_object
    scan_in_c = json.scanner.make_scanner(decoder)

    root = len(text) - len(text.lstrip(" \t\n\r"))  # where the document's own value starts
    python_depth = 0  # objects around this one being read by the Python scanner

    def located_object(s_and_end, *args):  # type: ignore[no-untyped-def]
        nonlocal python_depth
        document, start = s_and_end  # start: just past the "{"
        line = line_at(start)  # before the objects inside it: in document order
        # An account holds only text and numbers: the C scanner reads it ten times faster.
        # An object that holds objects or lists (or has an error) is read again in Python,
        # so that those have their own lines (and the error its usual message). Only the
        # objects in the document's list, or in its "accounts" list, are tried in C: not the
        # document itself, nor objects deeper down, so that nothing is read more than twice.
        obj = None
        if python_depth <= 1 and start - 1 != root:
            repeats_before = len(repeated_keys)
            try:
                obj, end = scan_in_c(document, start - 1)
            except json.JSONDecodeError:
                obj = None
            if obj is not None and any(type(v) in _CONTAINER_TYPES for v in obj.values()):
                obj = None
            if obj is None:
                del repeated_keys[repeats_before:]
        if obj is None:
            python_depth += 1
            try:
                obj, end = parse_object(s_and_end, *args)
            finally:
                python_depth -= 1
        obj.line = line
        # Inner objects were closed (and their repeats reported) before this one.
        findings.extend(
            Finding(
                "duplicate-key",
                f"the key {key!r} appears twice in one object: keep one",
                file,
                obj.line,
            )
            for key in repeated_keys
        )
        repeated_keys.clear()
        return obj, end

    # The C scanner never calls back into parse_object, so use the Python one to see positions.
    decoder.parse_object = located_object
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    if not text.strip():
        raise LoadFailed([Finding("empty-file", "the file is empty: expected JSON data", file, 1)])
    try:
        value = decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise LoadFailed(
            [
                Finding(
                    "malformed-file",
                    f"not valid JSON: {exc.msg} (column {exc.colno}); fix the syntax",
                    file,
                    exc.lineno,
                )
            ]
        ) from None
    except RecursionError:
        raise LoadFailed(
            [Finding("malformed-file", "JSON is nested too deeply to be an inventory", file, None)]
        ) from None
    # Only an escape such as \ud800 makes half a character: look for those only when one is there.
    if _SURROGATE_ESCAPE.search(text) and (halves := _lone_surrogates(value, file)):
        raise LoadFailed(halves)
    return value, findings


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogates(value: object, file: str) -> list[Finding]:
    """A finding for each text holding a lone surrogate (json decodes "\\ud800" to one, and no
    file, terminal or encoder takes it), on the line of its object."""
    findings = []
    stack: list[tuple[object, int | None]] = [(value, None)]
    while stack:  # not recursive: the value may be nested nearly to the recursion limit
        item, line = stack.pop()
        if isinstance(item, dict):
            line = getattr(item, "line", line)
            children = [*item.keys(), *item.values()]
        elif isinstance(item, list):
            children = item
        else:
            continue
        for child in children:
            if not isinstance(child, str):
                stack.append((child, line))
            elif half := _SURROGATE.search(child):
                findings.append(
                    Finding(
                        "malformed-file",
                        f"the text {quoted(child)} holds half of a character (a lone "
                        f"\\u{ord(half.group()):04x} escape): fix or remove it",
                        file,
                        line,
                    )
                )
    return sorted(findings, key=lambda finding: finding.line or 0)  # in document order
