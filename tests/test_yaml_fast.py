"""The optional fast YAML path (rapidyaml) gives exactly what the PyYAML path gives, or declines.

Every document here is read both ways. Where the fast path answers, the values, their types
(LocatedDict, LocatedList, str, None), every line (mappings, keys, items) must be identical;
where it declines, load_yaml falls back to PyYAML, so the findings are PyYAML's by construction.
Realistic inventories must not decline, or the speed is lost.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nypconsol import safeload
from nypconsol.safeload import LoadFailed, LocatedDict, LocatedList

pytest.importorskip("ryml", reason="the fast-yaml extra (rapidyaml) is not installed")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate


def shape(value: object) -> object:
    """Everything load_yaml promises about a value, as plain data to compare."""
    if isinstance(value, LocatedDict):
        return (
            "map",
            value.line,
            dict(value.key_lines),
            [(key, shape(item)) for key, item in value.items()],
        )
    if isinstance(value, LocatedList):
        return ("seq", value.line, list(value.item_lines), [shape(item) for item in value])
    assert value is None or type(value) is str, f"{value!r} is neither text nor null"
    return value


def pyyaml(text: str) -> tuple[object, list]:
    try:
        return safeload._load_yaml_pyyaml(text, "f.yaml")
    except LoadFailed as failed:
        return None, [(f.code, f.line) for f in failed.findings]


def agree(text: str) -> bool:
    """Read both ways: True when the fast path answered (and agreed), False when it declined."""
    fast = safeload.load_yaml_fast(text)
    if fast is None:
        return False
    slow, findings = pyyaml(text)
    assert findings == [], f"the fast path accepted what PyYAML refuses: {findings}"
    assert shape(fast) == shape(slow)
    return True


def inventory_yaml(count: int, seed: int = 7) -> str:
    out = io.BytesIO()
    generate.write_yaml(generate.generate(count, seed), out)
    return out.getvalue().decode("utf-8")


# --- documents the fast path must read, identically -----------------------------------------


def test_a_generated_inventory_is_read_fast_and_identically():
    assert agree(inventory_yaml(400))


def test_key_lines_of_every_record_match():
    text = inventory_yaml(50)
    fast, (slow, _) = safeload.load_yaml_fast(text), pyyaml(text)
    for a, b in zip(fast["accounts"], slow["accounts"], strict=True):
        assert a.key_lines == b.key_lines and a.line == b.line


READ_FAST = {
    "yaml 1.1 traps stay text": (
        "- handle: NO\n  platform: 'on'\n  owner: yes\n  collar_number: 007\n  role: 0123\n"
        "  last_post: 2026-10-01\n  reason: 12:30\n  followers: 1,234\n  status: Off\n"
        "  area: 0x1F\n  district: 1e3\n  retain: true\n  x: false\n  y: null\n  z:\n"
        "  w: ''\n  v: \"\"\n  u: -0\n  t: 1.5\n  s: 99999999999999999999999\n  r: 0b101\n"
        "  q: 1_000\n  o: True\n  n: FALSE\n  m: 2026-10-01 12:30:00\n"
    ),
    "a top-level list of flow mappings": (
        "- {handle: A1, platform: x, area: Skipton}\n"
        '- {handle: "B2", platform: \'fb\', followers: "1,234"}\n'
        "-   {   handle: C3   ,platform: x}\n"
    ),
    "comments, blank lines and a document start": (
        "---\n# inventory\naccounts:   # the list\n\n  - handle: A   # first\n"
        "    platform: x\n\n\n  # between\n  - handle: B\n    platform: x\n"
    ),
    "an indentless list": "accounts:\n- handle: A\n  platform: x\n- handle: B\n  platform: x\n",
    "dash on its own line": "-\n  handle: A\n  platform: x\n-\n\n  handle: B\n",
    "crlf line ends": "accounts:\r\n  - handle: A\r\n    platform: x\r\n  - handle: B\r\n",
    "quoted text with escapes": (
        '- owner: "Zoë \\"Zee\\" O\'Neill\\tPC\\u00e9\\x41\\n2nd"\n'
        "  reason: 'It''s \"fine\"'\n  role: \"back\\\\slash\"\n  area: a\\b\n"
    ),
    "multi-line plain and quoted values": (
        "- reason: first line\n    second line\n\n    third after a blank\n"
        "  owner: \"quoted\n    across lines\"\n  role: 'single\n    too'\n  area: x\n"
    ),
    "unicode and long values": "- owner: Siobhán Brontë 测试 😀\n  reason: " + "long " * 300 + "\n",
    "nested lists and maps in a record": (
        "- handle: A\n  tags: [a, b, {c: d}]\n  more:\n    deep: [1, [2, [3]]]\n    k: v\n"
    ),
    "lists of scalars": "areas: [Skipton, Settle]\nother:\n  - York\n  - 'Acomb'\n  - \"Haxby\"\n",
    "a mapping at the top": "force:\n  name: North Yorkshire Police\n  accounts: {x: NYP}\n",
    "keys that look like other types": "123: a\nnull: b\ntrue: c\n0123: d\n'quoted': e\n",
    "flow mapping over lines": "- {handle: A,\n   platform: x}\n- {\n  handle: B, platform: x}\n",
    "hash inside a value is text": "- owner: a#b\n  role: 'x # y'\n",
    "a brace in a comment before a block mapping": "   # note {\nhandle: x\n",
}


@pytest.mark.parametrize("text", READ_FAST.values(), ids=READ_FAST.keys())
def test_documents_read_fast_and_identically(text):
    assert agree(text)


def test_scalars_stay_the_text_written():
    value = safeload.load_yaml_fast(READ_FAST["yaml 1.1 traps stay text"])
    record = value[0]
    assert record["handle"] == "NO" and record["collar_number"] == "007"
    assert record["role"] == "0123" and record["last_post"] == "2026-10-01"
    assert record["reason"] == "12:30" and record["retain"] == "true" and record["x"] == "false"
    assert record["y"] is None and record["z"] is None and record["w"] == ""


# --- documents the fast path must decline (PyYAML answers, with its findings) ---------------

DECLINED = {
    "duplicate key": "- handle: A\n  handle: B\n",
    "duplicate key in a flow mapping": "- {handle: A, handle: B}\n",
    "alias": "a: &x 1\nb: *x\n",
    "alias bomb": 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\n',
    "merge key": "a: &x {k: v}\nb:\n  <<: *x\n",
    "python tag": "- !!python/object:os.system x\n",
    "local tag": "a: !foo 1\n",
    "standard tag": "a: !!str 1\n",
    "tilde null": "a: ~\n",
    "Null": "a: Null\n",
    "leading-dot number": "a: .5\n",
    "trailing-dot number": "a: 3.\n",
    "nan": "a: .NaN\n",
    "reserved @": "handle: @NYP\n",
    "reserved backtick": "a: `x`\n",
    "tab indentation": "a:\n\tb: 1\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "directive": "%YAML 1.1\n---\na: 1\n",
    "end marker": "a: 1\n...\n",
    "block scalar": "a: |\n  text\n",
    "folded block scalar at the end": "- a: >-\n    text",
    "no final newline": "a: 1",
    "empty key": ": x\n",
    "explicit key": "? a\n: b\n",
    "control character": "a: b\x07c\n",
    "next line character": "a: b\x85c\n",
    "line separator": "a: b\u2028c\n",
    "lone carriage return": "a: 1\rb: 2\n",
    "unknown escape": 'a: "\\q"\n',
    "surrogate escape": 'a: "PC \\ud800"\n',  # PyYAML refuses half a character
    "paired surrogate escapes": 'a: "\\uD83D\\uDE00"\n',
    "long escape": 'a: "\\U0001F600"\n',
    "escape in a key": '"a\\tb": 1\n',
    "comment after a bracket": "a: [ # c\n  1]\n",
    "empty list": "a: []\n",
    "empty mapping item": "- {}\n- {a: 1}\n",
    "empty item": "-\n- a\n",
    "syntax error": "a: [1, 2\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n",
    "a scalar document": "just text\n",
    "an empty document": "# nothing\n",
    "key too long": "k" * 1030 + ": v\n",
}


@pytest.mark.parametrize("text", DECLINED.values(), ids=DECLINED.keys())
def test_the_fast_path_declines(text):
    assert safeload.load_yaml_fast(text) is None


def big(text: str) -> str:
    """Pad a document past the size where load_yaml tries the fast path."""
    padding = "# " + "padding " * 60 + "\n"
    return padding * (safeload.FAST_YAML_MIN_CHARS // len(padding) + 1) + text


@pytest.mark.parametrize(
    "text",
    [
        DECLINED["duplicate key"],
        DECLINED["alias bomb"],
        DECLINED["python tag"],
        DECLINED["reserved @"],
        DECLINED["syntax error"],
        DECLINED["two documents"],
        DECLINED["surrogate escape"],
        "- handle: A\n  platform: x\n" * 3,
    ],
)
def test_load_yaml_gives_the_same_findings_either_way(monkeypatch, text):
    text = big(text)

    def load() -> object:
        try:
            value, findings = safeload.load_yaml(text, "inv.yaml")
        except LoadFailed as failed:
            return [(f.code, f.message, f.line) for f in failed.findings]
        return shape(value), [(f.code, f.message, f.line) for f in findings]

    fast = load()
    monkeypatch.setenv(safeload.LOADER_ENV, "pyyaml")
    assert load() == fast


def test_a_parse_error_prints_nothing_of_its_own(capfd):
    assert safeload.load_yaml_fast("a: [1, 2\n") is None
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_large_documents_take_the_fast_path(monkeypatch):
    text = inventory_yaml(3000)
    assert len(text) >= safeload.FAST_YAML_MIN_CHARS
    calls = []
    monkeypatch.setattr(safeload, "_load_yaml_pyyaml", lambda *a: calls.append(a))
    value, findings = safeload.load_yaml(text, "inv.yaml")
    assert calls == [] and findings == [] and len(value["accounts"]) == 3000


# --- generated documents: any answer the fast path gives is PyYAML's -------------------------

TOKENS = [
    "- ", "a: ", "b: ", "key: ", "x", "y z", "'q'", '"d"', "[", "]", "{", "}", ", ", ": ", "#c",
    "1", "0123", "-", "  ", " ", "é", "12:30", "a:b", "'", '"', "\\", "?", "-x", "null", "true",
    "1.5", "[a, b]", "{k: v}", "- - ", "k:", "\n", "# {", "#[", "\r\n", "|", ">", "&a", "*a",
    "!t", "~", "'it''s'", '"\\t"', "a #b",
]  # fmt: skip


def test_random_fragments_agree_or_decline():
    """Lines of random YAML tokens at random indents: mostly broken, sometimes valid. Whatever
    the fast path reads, PyYAML must read the same way (found: a "{" in a comment)."""
    import random

    rng = random.Random(2027)
    read = 0
    for _ in range(3000):
        lines = [
            " " * rng.choice([0, 0, 2, 2, 4, 1, 3])
            + "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 5)))
            for _ in range(rng.randint(1, 6))
        ]
        read += agree("\n".join(lines) + "\n")
    assert read > 30  # enough of them were read both ways to mean something


SCALARS = st.sampled_from(
    [
        "x", "NO", "yes", "on", "0123", "007", "1,234", "2026-10-01", "01/10/2026", "12:30",
        "1e3", "1.5", "-1", "+1", "0x1F", "true", "false", "null", "True", "", "''", '""',
        "'a b'", '"a\\"b"', "'it''s'", "a b", "Zoë", "a#b", "a - b", "-x", "x:y", "[a, b]",
        "{k: v}", "{}", "[]", "a,b", "1.0", "0.5", "10", "-0", "0o7", "1_0", "@x", "~",
        ".5", "3.", '"\\u00e9"', '"\\t"', "!x", "*x", "&x y", "a\\b", "%x", "?x", "|", ">",
    ]
)  # fmt: skip
# Values the fast path reads (so most generated documents are read both ways, not declined).
PLAIN_SCALARS = st.sampled_from(
    [
        "x", "NO", "yes", "0123", "007", "1,234", "2026-10-01", "01/10/2026", "12:30", "1e3",
        "1.5", "-1", "0x1F", "true", "false", "null", "True", "", "''", '""', "'a b'",
        '"a\\"b"', "'it''s'", "a b", "Zoë", "a#b", "a - b", "-x", "x:y", "[a, b]", "{k: v}",
        "a,b", "1.0", "0.5", "10", "-0", '"\\u00e9"', '"\\t"', "a\\b", "[a, [b, c]]",
    ]
)  # fmt: skip
KEYS = st.sampled_from(["handle", "platform", "owner", "a", "b", "123", "null", "'q'", "k k"])


@st.composite
def documents(draw, scalars=SCALARS) -> str:  # type: ignore[no-untyped-def]
    lines = ["accounts:"] if draw(st.booleans()) else []
    indent = "  " if lines else ""
    for _ in range(draw(st.integers(1, 6))):
        keys = draw(st.lists(KEYS, min_size=1, max_size=5, unique=True))
        values = [draw(scalars) for _ in keys]
        if draw(st.booleans()):
            pairs = ", ".join(f"{k}: {v}" for k, v in zip(keys, values, strict=True))
            lines.append(f"{indent}- {{{pairs}}}")
        else:
            for index, (key, value) in enumerate(zip(keys, values, strict=True)):
                lines.append(f"{indent}{'- ' if index == 0 else '  '}{key}: {value}".rstrip())
        if draw(st.booleans()):
            lines.append("")  # a blank line between records
    return "\n".join(lines) + "\n"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_agree_or_decline(text):
    agree(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(PLAIN_SCALARS))
def test_generated_plain_documents_agree_or_decline(text):
    agree(text)
