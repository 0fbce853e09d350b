"""Load YAML and JSON safely into plain dicts, lists and strings that remember their line numbers.

YAML is composed to nodes and walked by hand instead of constructed, so every scalar stays the
text that was written (``NO``, ``0123``, ``2026-10-01`` and ``12:30`` are strings), no tag can
build a Python object, duplicate keys are reported with both lines, and aliases are refused
before they can be expanded.

Large documents (inventories of thousands of accounts) first try an optional fast path, the
C++ parser rapidyaml (``pip install nypconsol[fast-yaml]``), which gives the same values and
lines for the plain documents it accepts and hands anything unusual back to PyYAML.
"""

from __future__ import annotations

import contextlib
import gc
import json
import json.decoder
import json.scanner
import os
import re
import sys
from collections.abc import Callable, Iterator
from functools import lru_cache, partial
from itertools import pairwise

import yaml

from nypconsol.findings import Finding
from nypconsol.parsing import quoted

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


class LocatedDict(dict):
    """A mapping that knows the line it starts on and the line of each key."""

    __slots__ = ("_key_lines", "_locate_keys", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self._key_lines: dict[str, int] = {}
        # The fast YAML path finds key lines only when asked: inventories never ask.
        self._locate_keys: Callable[[], dict[str, int]] | None = None

    @property
    def key_lines(self) -> dict[str, int]:
        if self._locate_keys is not None:
            self._key_lines, self._locate_keys = self._locate_keys(), None
        return self._key_lines


class LocatedList(list):
    """A sequence that knows the line it starts on and the line of each item."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


class _Record(LocatedDict):
    """A LocatedDict that JSON's decoder builds in C (lines are given after): the fast path."""

    __slots__ = ()
    __init__ = dict.__init__  # type: ignore[assignment]


class LoadFailed(Exception):
    """The document could not be loaded at all; ``findings`` says why."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(findings[0].message)
        self.findings = findings


def line_of(value: object, default: int | None = None) -> int | None:
    return getattr(value, "line", default)


def load_yaml(text: str, file: str) -> tuple[object, list[Finding]]:
    """Parse one YAML document. Returns the value and any non-fatal findings (duplicate keys).

    Raises LoadFailed when nothing usable can be read (syntax errors, aliases, tags, empty).
    """
    if len(text) >= FAST_YAML_MIN_CHARS and os.environ.get(LOADER_ENV) != "pyyaml":
        value = load_yaml_fast(text)
        if value is not None:
            return value, []
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
    if ("*" in text or "&" in text) and (aliases := _alias_lines(text, file)):
        raise LoadFailed(
            [
                Finding(
                    "yaml-alias",
                    "YAML aliases (*name) are not accepted in inputs: write the values out in full",
                    file,
                    line,
                )
                for line in sorted(set(aliases))
            ]
        )
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
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
        raise LoadFailed(
            [Finding("malformed-file", f"not valid YAML: {exc}", file, None)]
        ) from None
    except RecursionError:
        raise LoadFailed(
            [Finding("malformed-file", "YAML is nested too deeply to be an inventory", file, None)]
        ) from None
    if node is None or (node.tag == _NULL_TAG and not node.value):  # nothing, or just "---"
        raise LoadFailed([Finding("empty-file", "the file is empty: expected YAML data", file, 1)])
    walker = _Walker(file)
    value = walker.walk(node, 0)
    if walker.fatal:
        raise LoadFailed(walker.fatal + walker.findings)
    return value, walker.findings


def _alias_lines(text: str, file: str) -> list[int]:
    """Lines of alias events, found from the event stream so a bomb is never expanded."""
    lines: list[int] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                lines.append(event.start_mark.line + 1)
                if len(lines) >= 20:
                    break
    except yaml.YAMLError:
        return lines  # the syntax error itself is reported by compose
    return lines


class _Walker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.findings: list[Finding] = []
        self.fatal: list[Finding] = []

    def walk(self, node: yaml.Node, depth: int) -> object:
        line = node.start_mark.line + 1
        if depth > MAX_DEPTH:
            self.fatal.append(
                Finding(
                    "malformed-file",
                    "YAML is nested too deeply to be an inventory",
                    self.file,
                    line,
                )
            )
            return None
        if node.tag not in _PLAIN_TAGS:
            self.fatal.append(
                Finding(
                    "yaml-tag",
                    f"the tag {node.tag!r} is not accepted: remove it and write the plain value",
                    self.file,
                    line,
                )
            )
            return None
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _NULL_TAG and not node.style:
                return None
            return node.value
        if isinstance(node, yaml.SequenceNode):
            items = LocatedList(line)
            for child in node.value:
                items.append(self.walk(child, depth + 1))
                items.item_lines.append(child.start_mark.line + 1)
            return items
        mapping = LocatedDict(line)
        key_lines = mapping._key_lines
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.fatal.append(
                    Finding(
                        "malformed-file", "a mapping key must be plain text", self.file, key_line
                    )
                )
                continue
            key = key_node.value
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
                continue  # the first value stands; the finding is an error anyway
            key_lines[key] = key_line
            mapping[key] = self.walk(value_node, depth + 1)
        return mapping


# --- the fast path for large YAML documents -------------------------------------------------
#
# rapidyaml parses in C++ and writes the tree out as JSON, which Python's C decoder reads: about
# a second for 100,000 accounts where PyYAML needs three (with the collector off) to seventeen.
# Lines come from where each key sits in the parsed buffer, counted as PyYAML counts them.
#
# It must give exactly what the PyYAML path gives, or nothing. It declines (returns None) on
# anything where the two could differ: errors of any kind (PyYAML then writes the finding),
# duplicate keys, anchors, aliases, tags and directives, explicit keys, scalars whose JSON form
# is not the text written (``~``, ``Null``, ``.5``, ``3.``, ``.nan``), block scalars, characters
# PyYAML refuses or counts as line breaks, and the rest listed in _fast_declines(). Documents
# that decline only lose speed. tests/test_yaml_fast.py compares both paths document by document.

FAST_YAML_MIN_CHARS = 256 * 1024  # below this PyYAML takes well under a second anyway
LOADER_ENV = "NYPCONSOL_YAML_LOADER"  # "pyyaml" turns the fast path off

# Bytes PyYAML accepts as they are: not tabs (it is strict about them in indentation), not other
# control characters.
_PLAIN_BYTES = bytes([0x0A, 0x0D, *range(0x20, 0x7F), *range(0x80, 0x100)])


def _node_start(char: str) -> str:
    """``char`` beginning a node: right after a line break or flow indicator, one space after
    one of those or "-", ":", "?", or after two spaces (which the caller looks at closer)."""
    c = re.escape(char)
    return f"{c}(?:(?<=[\\n\\[{{,]{c})|(?<=[-:?\\n\\[{{,] {c})|(?<=  {c}))"


# Each check is a pattern that starts with a plain character, which the regular expression engine
# finds at memory speed, and is skipped when that character is nowhere in the document: the
# whole check takes tens of milliseconds for 100,000 accounts.
_DECLINE_BYTES = [
    (b"\xc2", rb"\xc2[\x80-\x9f]"),  # C1 controls (U+0085 is a line break to PyYAML)
    (b"\xe2", rb"\xe2\x80[\xa8\xa9]"),  # U+2028, U+2029: line breaks to PyYAML
    (b"\xef", rb"\xef(?:\xbb\xbf|\xbf[\xbe\xbf])"),  # a byte-order mark, U+FFFE, U+FFFF
]
_DECLINE_TEXT = [
    ("\r", r"\r(?!\n)"),  # a lone CR: a line break to PyYAML
    # nulls PyYAML reads as null that rapidyaml writes as text; merge keys
    ("~", r"~"),
    ("N", r"N(?:ull|ULL)"),
    ("<", r"<<"),
    # numbers rapidyaml rewrites for JSON: .5 -> 0.5, 3. -> 3.0, 1.e5 -> 1.0e5, .NaN -> .nan
    (".", r"\.(?=[0-9])(?<![\w.]\.)"),
    (".", r"\.(?<=[0-9]\.)(?![0-9])"),
    (".", r"\.(?:[nN][aA][nN]|[iI][nN][fF])"),
    # directives and the end-of-document marker
    ("%", r"%(?<=\n%)"),
    (".", r"\.\.\.(?<=\n\.\.\.)"),
    # explicit ("? x") and empty (": x") keys, and "?x" or ":x" where PyYAML refuses them
    (":", r":(?<=[\s\[{,]:)"),
    ("?", r"\?(?<=[\s\[{,]\?)"),
    # half a character (\ud800), which PyYAML refuses; \U, which may be past U+10FFFF (matched
    # anywhere, even in a comment: declining costs only time)
    ("\\", r"\\(?:u[dD][89a-fA-F]|U)"),
    # an escape in a quoted key (keys must stay where they were written, for their lines)
    ("\\", r"\\(?=[^\n]*[\"']\s*:)"),
    ("'", r"''(?=[^\n]*'\s*:)"),
    # a comment between a flow collection's bracket and its first item: no place to find
    ("[", r"\[\s*#"),
    ("{", r"\{\s*#"),
]


def _node_start(char: str) -> str:
    """``char`` beginning a node: right after a line break or flow indicator, one space after
    one of those or "-", ":", "?", or after two spaces (which the caller looks at closer)."""
    c = re.escape(char)
    return f"{c}(?:(?<=[\\n\\[{{,]{c})|(?<=[-:?\\n\\[{{,] {c})|(?<=  {c}))"


# Characters that start something other than a plain or quoted scalar when they begin a node:
# anchors, aliases, tags, reserved characters, block scalars (whose end-of-file chomping
# differs), and flow indicators where PyYAML refuses them.
_NODE_STARTS = "&*!@`%|>,]}"
_ESCAPES = frozenset('0abt\tnvfre "/\\N_LPxuU\n')
_ESCAPE_PAIRS = re.compile(r"\\.", re.DOTALL)


@lru_cache(maxsize=1)
def _checks():  # type: ignore[no-untyped-def]
    """The compiled checks, made on first use: small documents never need them."""
    in_bytes = [(lead[0], re.compile(pattern)) for lead, pattern in _DECLINE_BYTES]
    in_text = [(ord(lead), re.compile(pattern)) for lead, pattern in _DECLINE_TEXT]
    node = [(ord(char), char, re.compile(_node_start(char))) for char in _NODE_STARTS]
    leads = {lead for lead, _ in in_bytes} | {lead for lead, _ in in_text} | {92}
    not_leads = bytes(set(range(256)) - leads - {lead for lead, _, _ in node})
    return in_bytes, in_text, node, not_leads


def _fast_declines(text: str, data: bytes) -> bool:
    """Whether the document has anything the fast path does not vouch for."""
    if data.translate(None, _PLAIN_BYTES) or not text.endswith("\n"):
        return True
    if text.startswith(("%", "...", "?", ":")) or text.count("\n---") + text.startswith("---") > 1:
        return True  # a directive, an explicit or empty key, more than one document
    in_bytes, in_text, node, not_leads = _checks()
    present = set(data.translate(None, not_leads))  # one pass: which leads occur at all
    if any(lead in present and pattern.search(data) for lead, pattern in in_bytes):
        return True
    if any(lead in present and pattern.search(text) for lead, pattern in in_text):
        return True
    # a backslash: an escape PyYAML refuses (such as \q), wherever it is
    if 92 in present and any(pair[1] not in _ESCAPES for pair in _ESCAPE_PAIRS.findall(text)):
        return True
    for lead, char, pattern in node:
        if lead not in present:
            continue
        if text.lstrip(" ").startswith(char):
            return True
        for match in pattern.finditer(text):
            # Two or more spaces before: look back over them for what is before the node.
            before = match.start() - 1
            while before >= 0 and text[before] == " ":
                before -= 1
            if before < 0 or text[before] in "\n[{,-:?":
                return True
    return False


_LONGEST_KEY = 1000  # PyYAML refuses implicit keys of 1024 characters and more


class _Decline(Exception):
    """The fast path cannot vouch for this document: PyYAML reads it instead."""


_ryml_module: object = None


def _ryml():  # type: ignore[no-untyped-def]
    global _ryml_module
    if _ryml_module is None:
        try:
            import ryml

            ryml.parse_in_place  # noqa: B018 - the API this path needs
            _ryml_module = ryml
        except (ImportError, AttributeError):
            _ryml_module = False
    return _ryml_module or None


def load_yaml_fast(text: str) -> object | None:
    """The value ``load_yaml`` gives for ``text``, read with rapidyaml, or None when rapidyaml
    is not installed or the document has anything the fast path does not vouch for."""
    ryml = _ryml()
    if ryml is None:
        return None
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: PyYAML refuses them
        return None
    if _fast_declines(text, data):
        return None
    with _no_cyclic_gc():
        try:
            return _FastReader(ryml, data).read()
        except (_Decline, ValueError, TypeError, IndexError, RecursionError, MemoryError):
            return None  # (TypeError: a null where a scalar was expected)
        except Exception as exc:  # rapidyaml's parse errors; PyYAML will describe them
            if type(exc).__module__.startswith("ryml"):
                return None
            raise


def _address_reader():  # type: ignore[no-untyped-def]
    """A function from a memoryview to the address of its first byte (Python has none)."""
    import ctypes

    class PyBuffer(ctypes.Structure):
        _fields_ = [
            ("buf", ctypes.c_void_p),
            ("obj", ctypes.py_object),
            ("len", ctypes.c_ssize_t),
            ("itemsize", ctypes.c_ssize_t),
            ("readonly", ctypes.c_int),
            ("ndim", ctypes.c_int),
            ("format", ctypes.c_char_p),
            ("shape", ctypes.c_void_p),
            ("strides", ctypes.c_void_p),
            ("suboffsets", ctypes.c_void_p),
            ("internal", ctypes.c_void_p),
        ]

    view = PyBuffer()
    view_ref = ctypes.byref(view)
    get = ctypes.pythonapi.PyObject_GetBuffer
    get.argtypes = [ctypes.py_object, ctypes.c_void_p, ctypes.c_int]
    release = ctypes.pythonapi.PyBuffer_Release
    release.argtypes = [ctypes.c_void_p]

    def address(memory: memoryview) -> int:
        get(memory, view_ref, 0)
        found = view.buf or 0
        release(view_ref)
        return found

    def base(buffer: bytearray) -> tuple[object, int]:
        pin = ctypes.c_char.from_buffer(buffer)  # holds the buffer in place while the tree lives
        return pin, ctypes.addressof(pin)

    return address, base


class _FastReader:
    """Two passes, so the tree (about 1.6 KB an account) is gone before the values are made:
    first the lines of every mapping and list, in document order, from the tree; then the
    values, from rapidyaml's JSON, given those lines in the same order."""

    def __init__(self, ryml, data: bytes) -> None:  # type: ignore[no-untyped-def]
        self.ryml = ryml
        self.none = ryml.NONE
        self.source = data  # the bytes as written, for counting lines
        self.known_keys: set[str] = set()  # keys checked already (not too long for PyYAML)
        # Per mapping or list, in document order: its line, and its key lines (a dict, or a
        # function that finds them when asked) or its item lines.
        self.lines: list[tuple[int, object]] = []
        # A cursor over the source: line numbers are counted from the last place asked about.
        self._offset = 0
        self._line = 1

    def read(self) -> object:
        ryml = self.ryml
        buffer = bytearray(self.source)  # parsed in place: scalars point into it
        with _quiet_stderr():  # rapidyaml prints parse errors itself; PyYAML will report them
            tree = ryml.parse_in_place(buffer)
        self.tree = tree
        self.address, base = _address_reader()
        pin, self.base = base(buffer)  # holds the buffer in place while the tree lives
        node = tree.root_id()
        nodes = tree.size()
        if tree.is_stream(node):
            if tree.num_children(node) != 1:
                raise _Decline
            node = tree.first_child(node)
            nodes -= 1
        if not tree.is_container(node) or tree.has_key(node):
            raise _Decline
        self._visit(node, 0)
        text = ryml.emit_json(tree, node)
        self.tree = tree = pin = buffer = None  # noqa: F841 - freed before values are made
        value = json.loads(
            text,
            object_pairs_hook=_Record,  # built in C; keys are checked after
            parse_int=str,
            parse_float=str,
            parse_constant=_decline,
        )
        text = None
        self.decoded, self.index = 1, 0  # nodes decoded (the root, each container's items)
        value = self._attach(value, 0)
        if self.decoded != nodes or self.index != len(self.lines):
            raise _Decline  # a duplicate key (JSON kept the last): PyYAML reports both lines
        return value

    # --- the first pass: lines from the tree ----------------------------------------------

    def _line_at(self, offset: int) -> int:
        if offset >= self._offset:
            self._line += self.source.count(b"\n", self._offset, offset)
        else:
            self._line -= self.source.count(b"\n", offset, self._offset)
        self._offset = offset
        return self._line

    def _place(self, view: memoryview) -> int:
        """The offset of a scalar in the source, checked against the text there: a scalar that
        escapes or folding changed has no certain place, so the fast path declines."""
        if not view:
            raise _Decline  # null or empty: no place of its own
        offset = self.address(view) - self.base
        if offset < 0 or not self.source.startswith(view, offset):
            raise _Decline  # copied out of the buffer, or changed by escapes or folding
        return offset

    def _start(self, node: int, is_map: bool) -> int:
        """Where a container starts as PyYAML marks it: the ``{`` or ``[`` of a flow collection,
        the first key of a block mapping, the first ``-`` of a block sequence."""
        tree = self.tree
        child = tree.first_child(node)
        if child == self.none:
            raise _Decline  # empty: no scalar to place it by
        if is_map:
            offset = self._place(tree.key(child))
        elif tree.is_container(child):
            offset = self._start(child, tree.is_map(child))
        else:
            offset = self._place(tree.val(child))
        before, index = _before(self.source, offset)
        if tree.is_flow(node):  # starts at its "{" or "[" (no comment can sit between)
            if before != (123 if is_map else 91):
                raise _Decline
            return index
        if is_map:
            return offset  # (a "{" found before it was in a comment)
        if before == 45:  # "-"
            return index
        raise _Decline

    def _visit(self, node: int, depth: int) -> None:
        """Note the lines of a mapping or list and of everything in it, in document order."""
        if depth > MAX_DEPTH:
            raise _Decline
        tree = self.tree
        if not tree.is_map(node):
            self._visit_list(node, depth)
            return
        line = self._line_at(self._start(node, True))
        self.lines.append((line, self._key_lines(node, self._offset, line)))
        child = tree.first_child(node)
        while child != self.none:
            if tree.is_container(child):
                self._visit(child, depth + 1)
            child = tree.next_sibling(child)

    def _visit_list(self, node: int, depth: int) -> None:
        tree, none, lines, source = self.tree, self.none, self.lines, self.source
        item_lines: list[int] = []
        lines.append((self._line_at(self._start(node, False)), item_lines))
        first_child, next_sibling, key_of = tree.first_child, tree.next_sibling, tree.key
        is_map, children = tree.is_map, tree.num_children
        raw = getattr(getattr(self.ryml, "ryml", None), "_ryml", None)  # the SWIG functions
        if raw is not None and hasattr(raw, "Tree_first_child"):  # skip a Python frame each
            first_child = partial(raw.Tree_first_child, tree)
            next_sibling = partial(raw.Tree_next_sibling, tree)
            key_of = partial(raw.Tree_key, tree)
            is_map = partial(raw.Tree_is_map, tree)
            children = partial(raw.Tree_num_children, tree)
        address, base, count = self.address, self.base, source.count
        pending: list[tuple[list, int, int, int, int]] = []  # records whose key lines wait
        child = first_child(node)
        while child != none:
            following = next_sibling(child)
            # The common case, an account: a mapping of scalars only, which (node numbers
            # counting in document order) ends where the next item starts. Inlined.
            if (
                following != none
                and is_map(child)
                and 0 < children(child) == following - child - 1
                and first_child(child) == child + 1
            ):
                view = key_of(child + 1)
                if not view:
                    raise _Decline
                offset = address(view) - base
                if offset < 0 or not source.startswith(view, offset):
                    raise _Decline
                if source[offset - 2 : offset] != b"- ":  # else a block mapping in a block list
                    before, index = _before(source, offset)
                    if before == 123 and tree.is_flow(child):  # a flow mapping: at its brace
                        offset = index
                if offset >= self._offset:
                    self._line += count(b"\n", self._offset, offset)
                else:
                    self._line -= count(b"\n", offset, self._offset)
                self._offset = offset
                line = self._line
                item_lines.append(line)
                # Its key lines, if ever asked for, come from its own text (no tree then);
                # where that text is not simply "  - key: ...", now, from the tree.
                start = source.rfind(b"\n", 0, offset) + 1
                entry = [line, None]
                lines.append(entry)  # type: ignore[arg-type]
                if _ITEM_PREFIX.fullmatch(source, start, offset):
                    pending.append((entry, start, line, child, offset))
                else:
                    entry[1] = self._key_lines(child, offset, line)
            elif tree.is_container(child):
                index = len(lines)
                self._visit(child, depth + 1)
                item_lines.append(lines[index][0])
            else:
                item_lines.append(self._line_at(self._place(tree.val(child))))
            child = following
        # An item's text runs to the next one's line (a following item in it does no harm:
        # the first is read); the last one's end is not known, so its key lines come now.
        for (entry, start, line, _, _), after in pairwise(pending):
            entry[1] = partial(_item_key_lines, source, start, after[1], line)
        if pending:
            entry, _, line, child, offset = pending[-1]
            entry[1] = self._key_lines(child, offset, line)

    def _key_lines(self, node: int, offset: int, line: int) -> dict[str, int]:
        """Each key's line, counted from the mapping's own start. Keys are where they were
        written: escapes in keys make the fast path decline, and a key cannot span lines."""
        tree, lines = self.tree, {}
        child = tree.first_child(node)
        while child != self.none:
            view = tree.key(child)
            here = self._place(view)
            line += self.source.count(b"\n", offset, here)
            lines[bytes(view).decode("utf-8")], offset = line, here
            child = tree.next_sibling(child)
        return lines

    # --- the second pass: values from JSON, given their lines -----------------------------

    def _next_lines(self) -> tuple[int, object]:
        if self.index >= len(self.lines):
            raise _Decline
        found = self.lines[self.index]
        self.index += 1
        return found

    def _attach(self, value: object, depth: int) -> object:
        if type(value) is _Record:
            line, keys = self._next_lines()
            if not isinstance(keys, (dict, partial)):
                raise _Decline  # not the mapping the first pass saw here
            self._check_mapping(value)
            _set_lines(value, line, keys)
            for key, item in value.items():
                if type(item) is _Record or type(item) is list:
                    value[key] = self._attach(item, depth + 1)
            return value
        if type(value) is not list:
            raise _Decline
        line, item_lines = self._next_lines()
        if type(item_lines) is not list or len(item_lines) != len(value):
            raise _Decline
        self.decoded += len(value)
        items = LocatedList(line)
        items.item_lines = item_lines
        known_keys, all_lines = self.known_keys, self.lines
        for item in value:
            kind = type(item)
            if kind is _Record and item and known_keys.issuperset(item):
                values = item.values()
                if _TEXT.issuperset(map(type, values)):
                    # An account whose keys were checked before: its lines, inlined.
                    if self.index >= len(all_lines):
                        raise _Decline
                    line, keys = all_lines[self.index]
                    self.index += 1
                    self.decoded += len(item)
                    _set_lines(item, line, keys)
                    items.append(item)
                    continue
            if kind is _Record or kind is list:
                item = self._attach(item, depth + 1)
            elif item is True or item is False:
                item = "true" if item else "false"
            items.append(item)
        return items

    def _check_mapping(self, mapping: _Record) -> None:
        """Check a decoded mapping's keys, and turn JSON's true and false back into text."""
        self.decoded += len(mapping)
        if not self.known_keys.issuperset(mapping):
            if any(len(key) >= _LONGEST_KEY for key in mapping):
                raise _Decline  # PyYAML refuses such long keys
            self.known_keys.update(mapping)
        values = mapping.values()
        if True in values or False in values:  # plain true/false come out of JSON as bools
            for key, value in mapping.items():
                if value is True or value is False:
                    mapping[key] = "true" if value else "false"


def _set_lines(mapping: LocatedDict, line: int, keys: object) -> None:
    mapping.line = line
    if type(keys) is dict:
        mapping._key_lines, mapping._locate_keys = keys, None
    else:
        mapping._key_lines, mapping._locate_keys = {}, keys  # type: ignore[assignment]


_CONTAINERS = frozenset((_Record, list))
_TEXT = frozenset((str, type(None)))
_ITEM_PREFIX = re.compile(rb"[ ]*-[ ]+")  # what is before a block mapping in a block list


def _item_key_lines(source: bytes, start: int, end: int, line: int) -> dict[str, int]:
    """The key lines of a block mapping that is an item of a block list, from its own text
    (from its "- " to the next item): PyYAML reads just that, so no tree is kept for it."""
    with _no_cyclic_gc():
        document = yaml.compose(source[start:end].decode("utf-8"), Loader=_Loader)
    return {key.value: line + key.start_mark.line for key, _ in document.value[0].value}


def _before(source: bytes, offset: int) -> tuple[int, int]:
    """The byte before a scalar, over one quote, spaces and line breaks, and its offset."""
    index = offset - 1
    if index >= 0 and source[index] in b"\"'":
        index -= 1
    while index >= 0 and source[index] in b" \n\r":
        index -= 1
    return (source[index] if index >= 0 else -1), index


def _decline(_text: str) -> object:
    raise _Decline


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Send what C code writes to file descriptor 2 to /dev/null for a moment."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield  # no usable stderr: nothing to keep clean
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


# --- JSON ---------------------------------------------------------------------------------


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
