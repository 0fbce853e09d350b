"""Containers that remember where they were read (the line of a mapping, of each key, of each
list item), and the exception a loader raises when nothing usable could be read."""

from __future__ import annotations

from nypconsol.core.findings import Finding


class LocatedDict(dict):
    """A mapping that knows the line it starts on and the line of each key."""

    __slots__ = ("key_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}


class LocatedList(list):
    """A sequence that knows the line it starts on and the line of each item."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


class LoadFailed(Exception):
    """The document could not be loaded at all; ``findings`` says why."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(findings[0].message)
        self.findings = findings
