"""YAML written by hand: values stay the text written, and every trap is a clean finding."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import yaml
from conftest import MINI_CONFIG

from nypconsol.loaders import yamlfile as safeload
from nypconsol.pipeline import load_inputs


def codes(findings):
    return [(f.code, f.severity.value, f.file, f.line) for f in findings]


TRAPS = """\
- handle: "on"
  platform: x
  owner: NO
  collar_number: 007
  role: 0123
  area: Skipton
  last_post: 2026-10-01
  reason: 12:30
  retain: no
  status: Dormant
- handle: yes
  platform: x
  owner: on
  collar_number: 0x1F
  role: 1e3
  area: Settle
  followers: 0123
  reason: ~
- handle: NULL_Beat
  platform: x
  owner: null
  area: "Grassington"
  collar_number: .inf
"""


def test_scalars_stay_the_text_written(write):
    inputs = load_inputs(write("config.yaml", MINI_CONFIG), write("inv.yaml", TRAPS), environ={})
    assert codes(inputs.findings) == []
    assert [r.values for r in inputs.records] == [
        {
            "handle": "on",
            "platform": "x",
            "owner": "NO",
            "collar_number": "007",
            "role": "0123",
            "area": "Skipton",
            "last_post": "2026-10-01",
            "reason": "12:30",
            "retain": "no",
            "status": "Dormant",
        },
        {
            "handle": "yes",
            "platform": "x",
            "owner": "on",
            "collar_number": "0x1F",
            "role": "1e3",
            "area": "Settle",
            "followers": "0123",
            "reason": None,
        },
        {
            "handle": "NULL_Beat",
            "platform": "x",
            "owner": None,
            "area": "Grassington",
            "collar_number": ".inf",
        },
    ]
    assert [r.source.line for r in inputs.records] == [1, 11, 19]


@pytest.mark.parametrize(
    "scalar",
    [
        "NO",
        "No",
        "no",
        "off",
        "OFF",
        "on",
        "On",
        "yes",
        "Y",
        "n",
        "true",
        "False",
        "0123",
        "007",
        "0o17",
        "0b101",
        "0x1F",
        "1_000",
        "+12",
        "-0",
        ".5",
        "1e3",
        ".inf",
        "-.INF",
        ".NaN",
        "2026-10-01",
        "2026-10-01 10:30:00",
        "2026-10-01T10:30:00Z",
        "12:30",
        "1:30:00",
        "190:20:30",
        "~",
        "null",
        "Null",
        "=",
        "<<",
    ],
)
def test_every_yaml_11_scalar_stays_text(write, scalar):
    text = f"- handle: One\n  platform: x\n  owner: {scalar}\n"
    inputs = load_inputs(write("config.yaml", MINI_CONFIG), write("inv.yaml", text), environ={})
    assert codes(inputs.findings) == []
    expected = None if scalar in ("~", "null", "Null") else scalar
    assert inputs.records[0].values["owner"] == expected


def test_scalars_are_parsed_by_the_tool_itself(write, checked):
    result = checked(write("inv.yaml", TRAPS))
    assert codes(result.findings) == []
    accounts = {e.account.handle: e.account for e in result.entries}
    on = accounts["on"]
    assert (on.owner, on.collar_number, on.role, on.last_post, on.reason, on.retain, on.status) == (
        "NO",
        "007",
        "0123",
        dt.date(2026, 10, 1),
        "12:30",
        False,
        "dormant",
    )
    # 0123 followers is the decimal number a person wrote, not octal 83.
    assert accounts["yes"].followers == 123
    assert accounts["yes"].collar_number == "0x1F"
    assert accounts["NULL_Beat"].owner == ""


def test_config_values_stay_text(write, checked):
    config = MINI_CONFIG.replace(
        "accounts: {x: NYP_Selby, facebook: NYPSelby}",
        "accounts: {x: 0123, facebook: NYPSelby}",
    ).replace('online: "https://example.org/report"', "online: 12:30")
    result = checked(
        write("inv.yaml", "- {handle: SelbyCops, platform: x, area: Selby}\n"),
        write("c.yaml", config),
    )
    assert codes(result.findings) == []
    assert result.entries[0].target == "0123"
    assert result.config.force.reporting["online"] == "12:30"
    assert result.config.policy.start == dt.date(2027, 1, 11)


def test_duplicate_keys_name_both_lines(write, checked):
    text = "- handle: First\n  platform: x\n  area: Skipton\n  handle: Second\n"
    result = checked(write("inv.yaml", text))
    assert codes(result.findings) == [("duplicate-key", "error", "inv.yaml", 4)]
    assert "lines 1 and 4" in result.findings[0].message
    assert "'handle'" in result.findings[0].message


def test_duplicate_keys_in_the_config_name_both_lines(write, checked):
    config = MINI_CONFIG.replace("policy:\n", "policy:\n  notice_days: 7\n")
    result = checked(None, write("c.yaml", config))
    assert codes(result.findings) == [("duplicate-key", "error", "c.yaml", 21)]
    assert "lines 19 and 21" in result.findings[0].message


def test_duplicate_district_in_the_config_is_reported(write, checked):
    config = MINI_CONFIG.replace(
        "policy:\n", "  craven:\n    name: Craven again\n    areas: [Gargrave]\npolicy:\n"
    )
    result = checked(None, write("c.yaml", config))
    assert codes(result.findings) == [("duplicate-key", "error", "c.yaml", 18)]
    assert "lines 6 and 18" in result.findings[0].message


BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
    "accounts: [*i]\n"
)


def test_alias_bomb_is_refused_fast(write, checked):
    name = write("bomb.yaml", BILLION_LAUGHS)
    began = time.perf_counter()
    result = checked(name)
    elapsed = time.perf_counter() - began
    assert elapsed < 1.0
    assert {f.code for f in result.findings} == {"yaml-alias"}
    # The first alias is on line 2; later ones may be left out once a few are reported.
    lines = [f.line for f in result.findings]
    assert lines[0] == 2
    assert lines == sorted(set(lines))
    assert set(lines) <= set(range(2, 11))
    assert all(f.file == "bomb.yaml" and f.is_error for f in result.findings)
    assert result.entries == []


def test_alias_bomb_in_the_config_is_refused_fast(write, checked):
    name = write("c.yaml", BILLION_LAUGHS)
    began = time.perf_counter()
    result = checked(None, name)
    assert time.perf_counter() - began < 1.0
    assert {f.code for f in result.findings} == {"yaml-alias"}
    assert result.config is None


def test_a_single_harmless_alias_is_still_refused(write, checked):
    text = "- &row {handle: One, platform: x, area: Skipton}\n- *row\n"
    result = checked(write("inv.yaml", text))
    assert codes(result.findings) == [("yaml-alias", "error", "inv.yaml", 2)]


def test_merge_key_alias_is_refused(write, checked):
    text = "- &base {platform: x, area: Skipton}\n- <<: *base\n  handle: Two\n"
    result = checked(write("inv.yaml", text))
    assert codes(result.findings) == [("yaml-alias", "error", "inv.yaml", 2)]


def test_anchor_and_star_in_quoted_text_are_fine(write, checked):
    text = '- {handle: One, platform: x, area: Skipton, owner: "Fish & Chips *Team*"}\n'
    result = checked(write("inv.yaml", text))
    assert codes(result.findings) == []
    assert result.entries[0].account.owner == "Fish & Chips *Team*"


@pytest.mark.parametrize(
    "text",
    [
        "[" * 20_000,
        "[" * 20_000 + "]" * 20_000,
        "{a: " * 20_000 + "1" + "}" * 20_000,
        "".join("  " * i + "-\n" for i in range(5_000)),
    ],
    ids=["open-brackets", "closed-brackets", "flow-mappings", "block-sequences"],
)
def test_deep_nesting_is_a_clean_error(write, checked, text):
    began = time.perf_counter()
    result = checked(write("deep.yaml", text))
    assert time.perf_counter() - began < 2.0
    assert [(f.code, f.file) for f in result.findings] == [("malformed-file", "deep.yaml")]
    assert result.findings[0].line is not None


def test_nesting_deeper_than_an_inventory_needs_is_refused(write, checked):
    # Deep enough to pass the YAML parser's own limit, too deep for any inventory.
    text = "- " + "[" * 200 + "]" * 200 + "\n"
    result = checked(write("deep.yaml", text))
    assert [(f.code, f.file) for f in result.findings] == [("malformed-file", "deep.yaml")]


@pytest.mark.parametrize(
    "text",
    ["[" * 3_000 + "]" * 3_000, "".join("  " * i + "-\n" for i in range(3_000))],
    ids=["flow", "block"],
)
def test_recursion_error_never_escapes_with_the_pure_python_loader(
    monkeypatch, write, checked, text
):
    # Without libyaml the composer recurses in Python; RecursionError is not a YAMLError.
    monkeypatch.setattr(safeload, "_Loader", yaml.SafeLoader)
    result = checked(write("deep.yaml", text))
    assert [(f.code, f.file) for f in result.findings] == [("malformed-file", "deep.yaml")]


def test_recursion_error_never_escapes_from_the_config(write, checked):
    result = checked(None, write("c.yaml", "[" * 20_000 + "]" * 20_000))
    assert [(f.code, f.file) for f in result.findings] == [("malformed-file", "c.yaml")]
    assert result.config is None


def test_deep_json_is_a_clean_error(write, checked):
    result = checked(write("deep.json", "[" * 20_000 + "]" * 20_000))
    assert [(f.code, f.file) for f in result.findings] == [("malformed-file", "deep.json")]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("- !!python/object/apply:os.system ['echo pwned > pwned.txt']\n", 1),
        ("- handle: One\n  platform: !!python/object:collections.OrderedDict {}\n", 2),
        ("- handle: !!python/name:os.system ''\n  platform: x\n", 1),
        ("- {handle: One, platform: x, area: !custom Skipton}\n", 1),
        ("- {handle: One, platform: x, followers: !!binary aGVsbG8=}\n", 1),
    ],
    ids=["apply", "object", "name", "local-tag", "binary"],
)
def test_unknown_tags_are_refused_with_the_line(tmp_path, write, checked, text, line):
    result = checked(write("inv.yaml", text))
    assert codes(result.findings) == [("yaml-tag", "error", "inv.yaml", line)]
    assert not (tmp_path / "pwned.txt").exists()


def test_standard_tags_are_read_as_text(write, checked):
    text = "- {handle: !!str 0123, platform: x, area: Skipton, followers: !!int 12}\n"
    result = checked(write("inv.yaml", text))
    assert codes(result.findings) == []
    assert (result.entries[0].account.handle, result.entries[0].account.followers) == ("0123", 12)


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file(write, checked, text):
    result = checked(write("inv.yaml", text))
    assert codes(result.findings) == [("empty-file", "error", "inv.yaml", 1)]


def test_empty_config_file(write, checked):
    result = checked(None, write("c.yaml", ""))
    assert codes(result.findings) == [("empty-file", "error", "c.yaml", 1)]
    assert result.config is None


def test_a_list_of_strings_is_bad_record_per_item(write, checked):
    text = "# handles\n- SkiptonCops\n- SettleCops\n"
    result = checked(write("inv.yaml", text))
    assert codes(result.findings) == [
        ("bad-record", "error", "inv.yaml", 2),
        ("bad-record", "error", "inv.yaml", 3),
    ]
    assert "'SkiptonCops'" in result.findings[0].message
    assert result.entries == []


def test_a_plain_string_document_is_bad_record(write, checked):
    result = checked(write("inv.yaml", "just some text\n"))
    assert codes(result.findings) == [("bad-record", "error", "inv.yaml", 1)]


def test_mapping_key_that_is_not_text_is_malformed(write, checked):
    result = checked(write("inv.yaml", "- {[a, b]: One, platform: x}\n"))
    assert codes(result.findings) == [("malformed-file", "error", "inv.yaml", 1)]


def test_multiple_documents_are_malformed(write, checked):
    text = "- {handle: One, platform: x, area: Skipton}\n---\n- {handle: Two, platform: x}\n"
    result = checked(write("inv.yaml", text))
    assert [(f.code, f.file) for f in result.findings] == [("malformed-file", "inv.yaml")]


def test_tab_indentation_error_names_the_line(write, checked):
    text = "- handle: One\n  platform: x\n\tarea: Skipton\n"
    result = checked(write("inv.yaml", text))
    assert codes(result.findings) == [("malformed-file", "error", "inv.yaml", 3)]
