"""Load YAML safely into plain dicts, lists and strings that remember their line numbers.

The document is read from the parser's events and built by hand instead of constructed, so
every scalar stays the text that was written (``NO``, ``0123``, ``2026-10-01`` and ``12:30`` are strings), no
tag can build a Python object, duplicate keys are reported with both lines, and aliases are
refused before they can be expanded (a "billion laughs" document is never walked).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

import yaml

from nypconsol.core.findings import Finding
from nypconsol.loaders.located import LoadFailed, LocatedDict, LocatedList

MAX_DEPTH = 64  # inventories and configs are a few levels deep; anything deeper is a mistake

_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + name
    # "merge" is what a plain ``<<`` resolves to; it is only text here (a real merge needs an
    # alias, and aliases are refused).
    for name in (
        "str",
        "int",
        "float",
        "bool",
        "null",
        "timestamp",
        "map",
        "seq",
        "omap",
        "value",
        "merge",
    )
}
_NULL_TAG = "tag:yaml.org,2002:null"

try:  # libyaml is much faster; the pure-Python loader gives the same nodes
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader


def load_yaml(text: str, file: str) -> tuple[object, list[Finding]]:
    """Parse one YAML document. Returns the value and any non-fatal findings (duplicate keys).

    Raises LoadFailed when nothing usable can be read (syntax errors, aliases, tags, empty).
    """
    with _no_cyclic_gc():
        return _load_yaml_pyyaml(text, file)


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Building a million small objects triggers the cyclic collector over and over, each pass
    walking every object made so far: 12.8 s instead of 3.0 s to compose 100,000 accounts.
    The loaders make no reference cycles, so plain reference counting frees all they drop."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_yaml_pyyaml(text: str, file: str) -> tuple[object, list[Finding]]:
    builder = _Builder(yaml.parse(text, Loader=_Loader), file)
    try:
        root = builder.document()
    except _TooManyAliases:
        root = None
    except yaml.MarkedYAMLError as exc:
        builder.refuse_aliases()  # aliases before the error say more than the error
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "not valid YAML"
        where = f" (column {mark.column + 1})" if mark else ""
        raise LoadFailed(
            [
                Finding(
                    "malformed-file",
                    f"not valid YAML: {problem}{where}; fix the syntax",
                    file,
                    line,
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        builder.refuse_aliases()
        raise LoadFailed(
            [Finding("malformed-file", f"not valid YAML: {exc}", file, None)]
        ) from None
    builder.refuse_aliases()
    if root is _EMPTY:  # nothing, or just "---"
        raise LoadFailed([Finding("empty-file", "the file is empty: expected YAML data", file, 1)])
    if builder.fatal:
        raise LoadFailed(builder.fatal + builder.findings)
    return root, builder.findings


_EMPTY = object()  # the document holds no value at all
_MAX_ALIASES = 20  # an alias bomb has thousands: the first lines say enough
_STARTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_ENDS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))  # what a plain scalar resolves to null
_UNRESOLVED = (None, "!")  # tags the resolver fills in from the value: never refused


class _TooManyAliases(Exception):
    """Enough aliases were seen to refuse the document: stop reading it."""


class _Builder:
    """Plain values built straight from the parser's events, as PyYAML's composer would see
    them, without composing a tree of nodes first (for 100,000 accounts the nodes and their
    marks took 900 MB). Every scalar stays the text written; tags other than YAML's own are
    refused; a repeated key is reported with both lines (the first value stands); nesting
    deeper than any inventory is refused; aliases are only counted, never expanded, and any
    alias refuses the document."""

    def __init__(self, events: Iterator[yaml.Event], file: str) -> None:
        self.events = events
        self.file = file
        self.findings: list[Finding] = []
        self.fatal: list[Finding] = []
        self.aliases: list[int] = []

    def document(self) -> object:
        """The one document's value, or _EMPTY."""
        events = self.events
        next(events)  # StreamStartEvent
        if type(next(events)) is yaml.StreamEndEvent:
            return _EMPTY
        first = next(events)
        value = self.node(first, 0)
        next(events)  # DocumentEndEvent
        after = next(events)
        if type(after) is yaml.DocumentStartEvent:
            for event in events:  # the composer would not get this far, but aliases count
                if type(event) is yaml.AliasEvent:
                    self.alias(event)
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                None,
                "but found another document",
                after.start_mark,
            )
        if type(first) is yaml.ScalarEvent and value is None and first.value == "":
            return _EMPTY
        return value

    def node(self, event: yaml.Event, depth: int) -> object:
        kind = type(event)
        if kind is yaml.AliasEvent:
            self.alias(event)
            return None
        line = event.start_mark.line + 1
        if depth > MAX_DEPTH:
            self.fatal.append(
                Finding(
                    "malformed-file",
                    "YAML is nested too deeply to be an inventory",
                    self.file,
                    line,
                )
            )
            self.skip(event)
            return None
        tag = event.tag
        if tag not in _UNRESOLVED and tag not in _PLAIN_TAGS:
            self.fatal.append(
                Finding(
                    "yaml-tag",
                    f"the tag {tag!r} is not accepted: remove it and write the plain value",
                    self.file,
                    line,
                )
            )
            self.skip(event)
            return None
        if kind is yaml.ScalarEvent:
            if not event.style and (
                tag == _NULL_TAG or (event.implicit[0] and event.value in _NULLS)
            ):
                return None
            return event.value
        if kind is yaml.SequenceStartEvent:
            return self.sequence(line, depth)
        return self.mapping(line, depth)

    def sequence(self, line: int, depth: int) -> LocatedList:
        items = LocatedList(line)
        for event in self.events:
            if type(event) is yaml.SequenceEndEvent:
                return items
            items.item_lines.append(event.start_mark.line + 1)
            items.append(self.node(event, depth + 1))
        return items  # pragma: no cover - the parser always ends what it starts

    def mapping(self, line: int, depth: int) -> LocatedDict:
        mapping = LocatedDict(line)
        key_lines = mapping.key_lines
        events = self.events
        for event in events:
            kind = type(event)
            if kind is yaml.MappingEndEvent:
                return mapping
            key_line = event.start_mark.line + 1
            if kind is not yaml.ScalarEvent:
                if kind is yaml.AliasEvent:
                    self.alias(event)
                else:
                    self.fatal.append(
                        Finding(
                            "malformed-file",
                            "a mapping key must be plain text",
                            self.file,
                            key_line,
                        )
                    )
                    self.skip(event)
                self.skip(next(events))  # its value
                continue
            key = event.value
            if key in key_lines:
                self.findings.append(
                    Finding(
                        "duplicate-key",
                        f"the key {key!r} appears twice (lines {key_lines[key]} and "
                        f"{key_line}): keep one",
                        self.file,
                        key_line,
                    )
                )
                self.skip(next(events))  # the first value stands; the finding is an error
                continue
            key_lines[key] = key_line
            mapping[key] = self.node(next(events), depth + 1)
        return mapping  # pragma: no cover - the parser always ends what it starts

    def skip(self, event: yaml.Event) -> None:
        """Pass over the node ``event`` starts, and all it holds, building nothing."""
        kind = type(event)
        if kind is yaml.AliasEvent:
            self.alias(event)
        if kind not in _STARTS:
            return
        open_nodes = 1
        for event in self.events:
            kind = type(event)
            if kind in _STARTS:
                open_nodes += 1
            elif kind in _ENDS:
                open_nodes -= 1
                if not open_nodes:
                    return
            elif kind is yaml.AliasEvent:
                self.alias(event)

    def alias(self, event: yaml.Event) -> None:
        self.aliases.append(event.start_mark.line + 1)
        if len(self.aliases) >= _MAX_ALIASES:
            raise _TooManyAliases

    def refuse_aliases(self) -> None:
        if self.aliases:
            raise LoadFailed(
                [
                    Finding(
                        "yaml-alias",
                        "YAML aliases (*name) are not accepted in inputs: write the values out "
                        "in full",
                        self.file,
                        line,
                    )
                    for line in sorted(set(self.aliases))
                ]
            )
