"""Every finding code, with the exact severity, file and line it must report; and the rules
behind handles, platforms, areas, districts, destinations and retention."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

import pytest
from conftest import MINI_CONFIG

from nypconsol.core.findings import CODES


def _xlsx_bytes(*more: list, hide_row: int | None = None, hidden: bool = False) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Accounts"
    workbook.active.append(["handle", "platform", "area"])
    workbook.active.append(["SkiptonCops", "x", "Skipton"])
    for row in more:
        workbook.active.append(row)
    if hide_row is not None:
        workbook.active.row_dimensions[hide_row].hidden = True
    if hidden:
        workbook.active.sheet_state = "hidden"
        workbook.create_sheet("Visible")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _jsonl(*records: dict) -> str:
    """A JSON list with one record per line: record n is on line n + 1."""
    return "[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n"


# The mapping with Settle listed under Selby too (line 17), so Settle is ambiguous.
DUP_AREA_CONFIG = MINI_CONFIG.replace(
    "areas: [Selby, Tadcaster, Sherburn in Elmet]",
    "areas: [Selby, Tadcaster, Sherburn in Elmet, settle]",
)
# Craven's areas given as one string instead of a list (line 9).
BAD_CONFIG = MINI_CONFIG.replace(
    "areas: [Skipton, Settle, Grassington]", "areas: Skipton, Settle, Grassington"
)
PLACEHOLDER_CONFIG = "placeholders: yes\n" + MINI_CONFIG


@dataclass(frozen=True)
class Case:
    code: str
    files: dict[str, str | bytes]  # written to the working folder before loading
    inventory: str | None  # -i, or None for the config's own accounts
    where: tuple[str, int | None]  # the file and line the finding must name
    config: str = "config.yaml"
    sheet: str | None = None
    also: frozenset[str] = field(default_factory=frozenset)  # other codes the input gives


def csv(*lines: str) -> str:
    return "\r\n".join(lines) + "\r\n"


H = "handle,platform,area"

CASES = [
    Case("unreadable-file", {}, "missing.csv", ("missing.csv", None)),
    Case(
        "bad-encoding",
        {"inv.csv": csv(H, "One,x,Skipton", "Two,x,Caf\xe9").encode("cp1252")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "malformed-file",
        {"inv.csv": csv(H, "One,x,Skipton", '"Two,x,Skipton', "Three,x,Settle")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case("empty-file", {"inv.yaml": ""}, "inv.yaml", ("inv.yaml", 1)),
    Case(
        "unknown-sheet",
        {"inv.xlsx": _xlsx_bytes()},
        "inv.xlsx",
        ("inv.xlsx", None),
        sheet="Nope",
    ),
    Case(
        "duplicate-key",
        {"inv.yaml": "- handle: One\n  platform: x\n  area: Skipton\n  area: Settle\n"},
        "inv.yaml",
        ("inv.yaml", 4),
    ),
    Case(
        "yaml-alias",
        {"inv.yaml": "- &one {handle: One, platform: x, area: Skipton}\n- *one\n"},
        "inv.yaml",
        ("inv.yaml", 2),
    ),
    Case(
        "yaml-tag",
        {"inv.yaml": "- handle: One\n  platform: !!python/object:os.system x\n"},
        "inv.yaml",
        ("inv.yaml", 2),
    ),
    Case("bad-config", {"c.yaml": BAD_CONFIG}, None, ("c.yaml", 9), config="c.yaml"),
    Case(
        "bad-record",
        {"inv.yaml": "- {handle: One, platform: x, area: Skipton}\n- Two\n"},
        "inv.yaml",
        ("inv.yaml", 2),
    ),
    Case(
        "missing-column",
        {"inv.csv": csv("name,platform,area", "One,x,Skipton")},
        "inv.csv",
        ("inv.csv", 1),
    ),
    Case(
        "duplicate-column",
        {"inv.csv": csv("handle,platform,area,AREA", "One,x,Skipton,Skipton")},
        "inv.csv",
        ("inv.csv", 1),
    ),
    Case(
        "extra-cells",
        {"inv.csv": csv(H, "One,x,Skipton", "Two,x,Skipton,extra")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "missing-value",
        {"inv.csv": csv(H, "One,x,Skipton", ",x,Skipton")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "value-too-long",
        {"inv.csv": csv(H + ",owner", "One,x,Skipton,Ali", "Two,x,Skipton," + "o" * 200_000)},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "invalid-handle",
        {"inv.csv": csv(H, "One,x,Skipton", "Sixteen_chars_xx,x,Skipton")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "unknown-platform",
        {"inv.csv": csv(H, "One,x,Skipton", "Two,myspace,Skipton")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "duplicate-handle",
        {"inv.csv": csv(H, "SkiptonCops,x,Skipton", "skiptoncops,Twitter,Settle")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "unknown-district",
        {"inv.csv": csv("handle,platform,district", "One,x,craven", "Two,x,Yorkshire")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "unknown-area",
        {"inv.csv": csv(H, "One,x,Skipton", "Two,x,Skiptn")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "ambiguous-area",
        {"c.yaml": DUP_AREA_CONFIG, "inv.csv": csv(H, "One,x,Skipton", "Two,x,Settle")},
        "inv.csv",
        ("inv.csv", 3),
        config="c.yaml",
        also=frozenset({"duplicate-area"}),
    ),
    Case("no-area", {"inv.csv": csv(H, "One,x,Skipton", "Two,x,")}, "inv.csv", ("inv.csv", 3)),
    Case(
        "no-destination",
        {"inv.csv": csv(H, "One,x,Skipton", "Two,instagram,Skipton")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "bad-number",
        {"inv.csv": csv(H + ",followers", "One,x,Skipton,12", "Two,x,Skipton,12k")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "bad-date",
        {"inv.csv": csv(H + ",last_post", "One,x,Skipton,01/10/2026", "Two,x,Skipton,31/02/2026")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "bad-status",
        {"inv.csv": csv(H + ",status", "One,x,Skipton,Dormant", "Two,x,Skipton,deleted")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "bad-retain",
        {"inv.csv": csv(H + ",retain,reason", "One,x,Skipton,no,", "Two,x,Skipton,maybe,why")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "retain-without-reason",
        {"inv.csv": csv(H + ",retain,reason", "One,x,Skipton,yes,Events", "Two,x,Skipton,yes, ")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "destination-account",
        {"inv.csv": csv(H, "One,x,Skipton", "@nyp_craven,x,Skipton")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "lookalike-handle",
        {"inv.csv": csv(H, "One,x,Skipton", "NYP_SeIby,x,Selby")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "area-district-mismatch",
        {"inv.csv": csv(H + ",district", "One,x,Skipton,craven", "Two,x,Skipton,selby")},
        "inv.csv",
        ("inv.csv", 3),
    ),
    Case(
        "duplicate-area",
        {"c.yaml": DUP_AREA_CONFIG},
        None,
        ("c.yaml", 17),
        config="c.yaml",
        also=frozenset({"empty-inventory"}),  # a mapping alone: no accounts to plan
    ),
    Case(
        "placeholder-accounts",
        {"c.yaml": PLACEHOLDER_CONFIG},
        None,
        ("c.yaml", 1),
        config="c.yaml",
        also=frozenset({"empty-inventory"}),  # a mapping alone: no accounts to plan
    ),
    Case("empty-inventory", {"inv.csv": "handle,platform,area\r\n"}, "inv.csv", ("inv.csv", None)),
    Case(
        "formula-without-value",  # openpyxl saves formulas with no value, as such tools do
        {"inv.xlsx": _xlsx_bytes(["SettleCops", "x", '=PROPER("settle")'])},
        "inv.xlsx",
        ("inv.xlsx", 3),
    ),
    Case("hidden-rows", {"inv.xlsx": _xlsx_bytes(hide_row=2)}, "inv.xlsx", ("inv.xlsx", 2)),
    Case("hidden-sheet", {"inv.xlsx": _xlsx_bytes(hidden=True)}, "inv.xlsx", ("inv.xlsx", None)),
    Case(
        "future-date",
        {"inv.csv": csv(H + ",last_post", "One,x,Skipton,2026-01-01", "Two,x,Settle,2999-01-01")},
        "inv.csv",
        ("inv.csv", 3),
    ),
]


# Codes about closure notices, found once the plan is made (nypconsol notices): the config with
# a notices: section (from line 21), and the inventory row (line 2) the notice belongs to.
NOTICE_CASES = [
    Case(
        "notice-too-long",
        {"c.yaml": MINI_CONFIG + "notices:\n  templates:\n    bio: '{{ \"word \" * 40 }}'\n"},
        "inv.csv",
        ("inv.csv", 2),
        config="c.yaml",
    ),
    Case(
        "notice-empty",
        {"c.yaml": MINI_CONFIG + "notices:\n  templates:\n    bio: '{{ sign_off }}'\n"},
        "inv.csv",
        ("inv.csv", 2),
        config="c.yaml",
    ),
    Case(
        "notice-unsafe-text",
        {"c.yaml": MINI_CONFIG + "notices:\n  templates:\n    bio: '=1+1 {{ target }}'\n"},
        "inv.csv",
        ("inv.csv", 2),
        config="c.yaml",
    ),
]


# The sweep's lexicon override in the config (nypconsol sweep): the entry's own line.
LEXICON_CASES = [
    Case(
        "bad-lexicon",
        {
            "c.yaml": MINI_CONFIG
            + "sweep:\n  lexicon:\n    categories:\n      weapons:\n        priority: P9\n"
        },
        "inv.csv",
        ("c.yaml", MINI_CONFIG.count("\n") + 5),
        config="c.yaml",
    ),
]


def test_every_code_has_a_case():
    covered = [case.code for case in CASES + NOTICE_CASES + LEXICON_CASES]
    assert len(covered) == len(set(covered)), "one case per code"
    # archive-* codes come from the sweep; tests/sweep/test_sweep_bad_input.py has their cases
    assert sorted(covered) == sorted(c for c in CODES if not c.startswith("archive-"))


@pytest.mark.parametrize("case", NOTICE_CASES, ids=[case.code for case in NOTICE_CASES])
def test_notice_finding_code(write, checked, case):
    from nypconsol.pipeline import make_plan
    from nypconsol.render.notices import make_notices

    for name, content in case.files.items():
        write(name, content)
    write("inv.csv", csv(H, "SkiptonBeat,x,Skipton"))
    result = checked(case.inventory, case.config)
    assert not result.findings
    notices = make_notices(make_plan(result))
    assert [(f.code, f.severity.value, f.file, f.line) for f in notices.findings] == [
        (case.code, CODES[case.code][0].value, *case.where)
    ]
    assert "\n" not in notices.findings[0].message


@pytest.mark.parametrize("case", LEXICON_CASES, ids=[case.code for case in LEXICON_CASES])
def test_lexicon_finding_code(write, checked, case):
    from nypconsol.sweep.override import config_lexicon

    for name, content in case.files.items():
        write(name, content)
    write("inv.csv", csv(H, "SkiptonBeat,x,Skipton"))
    result = checked(case.inventory, case.config)
    assert not result.findings
    lexicon, findings = config_lexicon(result.config_file)
    assert lexicon is None
    assert [(f.code, f.severity.value, f.file, f.line) for f in findings] == [
        (case.code, CODES[case.code][0].value, *case.where)
    ]
    assert "\n" not in findings[0].message


@pytest.mark.parametrize("case", CASES, ids=[case.code for case in CASES])
def test_finding_code(write, checked, case):
    if case.config == "config.yaml":
        write("config.yaml", MINI_CONFIG)
    for name, content in case.files.items():
        write(name, content)
    result = checked(case.inventory, case.config, sheet=case.sheet)
    severity = CODES[case.code][0].value
    assert [
        (f.code, f.severity.value, f.file, f.line) for f in result.findings if f.code == case.code
    ] == [(case.code, severity, *case.where)]
    assert {f.code for f in result.findings} - {case.code} == case.also
    [finding] = [f for f in result.findings if f.code == case.code]
    assert finding.message.strip()
    assert "\n" not in finding.message


def test_severities_are_as_documented():
    warnings = sorted(code for code, (severity, _) in CODES.items() if severity.value == "warning")
    assert warnings == [
        "archive-bad-path",
        "archive-duplicate",
        "archive-owner-unknown",
        "archive-skipped-entries",
        "area-district-mismatch",
        "destination-account",
        "duplicate-area",
        "empty-inventory",
        "future-date",
        "hidden-rows",
        "hidden-sheet",
        "lookalike-handle",
        "placeholder-accounts",
    ]


# --- handles ------------------------------------------------------------------------------------


def run_rows(write, checked, *records: dict):
    return checked(write("inv.json", _jsonl(*records)))


def located(result):
    return [(f.code, f.severity.value, f.file, f.line) for f in result.findings]


@pytest.mark.parametrize(
    ("handle", "shown"),
    [
        ("../x", None),
        ("a/b", None),
        ("..", None),
        ("x\n", "U+000A"),
        ("x\t", "U+0009"),
        ("ab\u200bcd", "U+200B ZERO WIDTH SPACE"),
        ("\u200fabcd", "U+200F RIGHT-TO-LEFT MARK"),
        ("abcd\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("NYP_Cr\u0430ven", "U+0430 CYRILLIC SMALL LETTER A"),
        ("\ufeffabcd", "U+FEFF"),
        ("Caf\u00e9Cops", "U+00E9"),
        ("x\u00a0y", "U+00A0"),
        ("two words", None),
        ("@@double", None),
        ("a" * 16, None),
        ("x@y", None),
        ("x.y", None),
        ("x-y", None),
        ("\uff38\uff39", "U+FF38"),  # fullwidth XY
        ("\u0661\u0662\u0663", "U+0661"),  # Arabic-Indic digits
    ],
)
def test_invalid_x_handles(write, checked, handle, shown):
    result = run_rows(write, checked, {"handle": handle, "platform": "x", "area": "Skipton"})
    errors = [(f.code, f.line) for f in result.findings if f.is_error]
    assert errors == [("invalid-handle", 2)]
    message = next(f.message for f in result.findings if f.code == "invalid-handle")
    assert "1 to 15 letters, digits or underscores" in message
    if shown:
        assert shown in message
    assert "\n" not in message


def test_cyrillic_lookalike_is_invalid_and_flagged_as_impersonating_the_destination(write, checked):
    result = run_rows(
        write, checked, {"handle": "NYP_Cr\u0430ven", "platform": "x", "area": "Skipton"}
    )
    assert located(result) == [
        ("invalid-handle", "error", "inv.json", 2),
        ("lookalike-handle", "warning", "inv.json", 2),
    ]
    assert "U+0430" in result.findings[0].message
    assert "@NYP_Craven" in result.findings[1].message


@pytest.mark.parametrize("handle", [" @x ", "@x", "x ", "  @SkiptonCops", "CON", "_", "A" * 15])
def test_handles_are_trimmed_and_valid(write, checked, handle):
    result = run_rows(write, checked, {"handle": handle, "platform": "x", "area": "Skipton"})
    assert located(result) == []
    [entry] = result.entries
    assert entry.account.handle == handle.strip().lstrip("@")
    assert (entry.action, entry.target) == ("migrate", "NYP_Craven")


def test_empty_handle_is_missing_value(write, checked):
    result = run_rows(write, checked, {"handle": " @ ", "platform": "x", "area": "Skipton"})
    # " @ " trims to "@" and then to "": nothing is left to identify the account.
    assert [(f.code, f.line) for f in result.findings] == [("missing-value", 2)]
    assert result.entries == []


@pytest.mark.parametrize(
    ("platform", "good", "bad"),
    [
        ("instagram", ["a.b_c", "x" * 30], ["x" * 31, "a-b", "a b"]),
        ("facebook", ["abcde", "a.b.c.d.e", "NYP.Craven5"], ["abcd", "a_bcde", "ab cde"]),
        ("tiktok", ["a.b_c", "x" * 24], ["x" * 25, "a-b"]),
        (
            "mastodon",
            ["nypolice@mastodon.social"],
            ["nypolice", "@nypolice", "a@b", "a@b@c.social"],
        ),
    ],
)
def test_handle_rules_per_platform(platform, good, bad):
    from nypconsol.core.platforms import PLATFORMS

    rule = PLATFORMS[platform]
    assert [h for h in good if not rule.is_valid(h)] == []
    assert [h for h in bad if rule.is_valid(h)] == []


def test_same_handle_in_two_cases_names_both_lines(write, checked):
    result = run_rows(
        write,
        checked,
        {"handle": "SkiptonCops", "platform": "x", "area": "Skipton"},
        {"handle": "SettleCops", "platform": "x", "area": "Settle"},
        {"handle": "@SKIPTONCOPS", "platform": "Twitter", "area": "Skipton"},
    )
    assert located(result) == [("duplicate-handle", "error", "inv.json", 4)]
    assert "inv.json:2" in result.findings[0].message
    assert "@SkiptonCops" in result.findings[0].message


def test_facebook_dots_are_ignored_for_duplicates(write, checked):
    result = run_rows(
        write,
        checked,
        {"handle": "a.b.cde", "platform": "facebook", "area": "Skipton"},
        {"handle": "ABCDE", "platform": "fb", "area": "Skipton"},
    )
    assert located(result) == [("duplicate-handle", "error", "inv.json", 3)]
    assert "inv.json:2" in result.findings[0].message


def test_dots_matter_on_instagram(write, checked):
    result = run_rows(
        write,
        checked,
        {
            "handle": "a.b.cde",
            "platform": "instagram",
            "district": "craven",
            "retain": "yes",
            "reason": "r",
        },
        {
            "handle": "abcde",
            "platform": "instagram",
            "district": "craven",
            "retain": "yes",
            "reason": "r",
        },
    )
    assert [f.code for f in result.findings if f.is_error] == []


def test_same_handle_on_two_platforms_is_not_a_duplicate(write, checked):
    result = run_rows(
        write,
        checked,
        {"handle": "SkiptonCops", "platform": "x", "area": "Skipton"},
        {"handle": "SkiptonCops", "platform": "facebook", "area": "Skipton"},
    )
    assert located(result) == []
    assert sorted(e.account.platform for e in result.entries) == ["facebook", "x"]


@pytest.mark.parametrize(
    ("lookalike", "destination"),
    [
        ("NYP_SeIby", "NYP_Selby"),  # capital I for l
        ("NYP_Se1by", "NYP_Selby"),  # digit 1 for l
        ("nyp_se1by", "NYP_Selby"),
        ("NYP_5elby", "NYP_Selby"),  # 5 for S
        ("NYPSelby", "NYP_Selby"),  # underscore dropped
        ("NY0rksPolice", "NYorksPolice"),  # zero for O
        ("NYorksPoIice", "NYorksPolice"),
        ("NY0rks_PoIice", "NYorksPolice"),
    ],
)
def test_lookalike_of_a_destination_is_a_warning(write, checked, lookalike, destination):
    result = run_rows(write, checked, {"handle": lookalike, "platform": "x", "area": "Selby"})
    assert located(result) == [("lookalike-handle", "warning", "inv.json", 2)]
    assert f"@{destination}" in result.findings[0].message
    assert result.entries[0].action == "migrate"


def test_an_unrelated_handle_is_no_lookalike(write, checked):
    result = run_rows(write, checked, {"handle": "NYP_Selby2", "platform": "x", "area": "Selby"})
    assert located(result) == []


def test_lookalike_of_another_row_names_its_line(write, checked):
    result = run_rows(
        write,
        checked,
        {"handle": "SkiptonCops", "platform": "x", "area": "Skipton"},
        {"handle": "Skipt0nC0ps", "platform": "x", "area": "Skipton"},
    )
    assert located(result) == [("lookalike-handle", "warning", "inv.json", 3)]
    assert "inv.json:2" in result.findings[0].message


def test_a_destination_account_in_the_inventory_is_skipped_not_closed(write, checked):
    result = run_rows(write, checked, {"handle": "@NYP_CRAVEN", "platform": "x", "area": "Settle"})
    assert located(result) == [("destination-account", "warning", "inv.json", 2)]
    [entry] = result.entries
    assert (entry.action, entry.target, entry.notice_date, entry.close_date) == (
        "skip",
        None,
        None,
        None,
    )


def test_force_destination_in_the_inventory_is_skipped(write, checked):
    result = run_rows(
        write,
        checked,
        {"handle": "North.Yorkshire.Police", "platform": "facebook", "district": "force"},
    )
    assert located(result) == [("destination-account", "warning", "inv.json", 2)]
    assert result.entries[0].action == "skip"


def test_missing_config_is_unreadable_and_the_inventory_is_still_read(write, checked):
    inventory = write("inv.json", _jsonl({"handle": "One", "platform": "myspace", "area": "X"}))
    result = checked(inventory, "no-such-config.yaml")
    assert located(result) == [
        ("unknown-platform", "error", "inv.json", 2),
        ("unreadable-file", "error", "no-such-config.yaml", None),
    ]


def test_config_accounts_that_are_not_mappings_are_bad_records(write, checked):
    config = MINI_CONFIG + "accounts:\n  - {handle: One, platform: x, area: Skipton}\n  - Two\n"
    result = checked(None, write("c.yaml", config))
    assert located(result) == [("bad-record", "error", "c.yaml", 23)]
    assert [e.account.handle for e in result.entries] == ["One"]


# --- areas and districts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "suggestion"),
    [("Skiptn", "'Skipton'"), ("Setle", "'Settle'"), ("Grasington", "'Grassington'")],
)
def test_misspelt_area_suggests_the_right_one(write, checked, area, suggestion):
    result = run_rows(write, checked, {"handle": "One", "platform": "x", "area": area})
    assert located(result) == [("unknown-area", "error", "inv.json", 2)]
    assert f"did you mean {suggestion}?" in result.findings[0].message
    assert result.entries == []


def test_area_in_no_district_without_a_close_match(write, checked):
    result = run_rows(write, checked, {"handle": "One", "platform": "x", "area": "Timbuktu"})
    assert located(result) == [("unknown-area", "error", "inv.json", 2)]
    assert "did you mean" not in result.findings[0].message
    assert "'Timbuktu'" in result.findings[0].message


@pytest.mark.parametrize(
    "area",
    [
        "Brompton on Swale",
        "Brompton-on-Swale",
        "brompton on swale",
        "BROMPTON-ON-SWALE",
        " Brompton  on   Swale ",
        "Brompton_on_Swale",
        "Brompton-On-Swale.",
    ],
)
def test_area_matching_ignores_case_spacing_and_punctuation(write, checked, area):
    result = run_rows(write, checked, {"handle": "One", "platform": "x", "area": area})
    assert located(result) == []
    assert (result.entries[0].district, result.entries[0].target) == (
        "richmondshire",
        "NYP_Richmonds",
    )


@pytest.mark.parametrize(
    ("area", "district"),
    [
        ("Robin Hood's Bay", "scarborough"),
        ("Robin Hood\u2019s Bay", "scarborough"),  # the curly apostrophe Word and Excel type
        ("robin hoods bay", "scarborough"),
        ("Thornton le Dale", "ryedale"),
        ("Thornton\u2013le\u2013Dale", "ryedale"),  # en dashes
        ("Sutton in Craven", "craven"),
        ("Brompton", "hambleton"),  # not Brompton-on-Swale
        ("Brompton on Swale", "richmondshire"),
        ("Richmondshire", "richmondshire"),  # a district's own name
    ],
)
def test_areas_of_the_shipped_mapping(write, checked, area, district):
    from conftest import DEFAULT_CONFIG

    inventory = write("inv.json", _jsonl({"handle": "One", "platform": "x", "area": area}))
    result = checked(inventory, str(DEFAULT_CONFIG))
    assert [f.code for f in result.findings if f.file == "inv.json"] == []
    assert result.entries[0].district == district


def test_sherburn_in_elmet_with_hyphens(write, checked):
    result = run_rows(
        write, checked, {"handle": "One", "platform": "x", "area": "Sherburn-in-Elmet"}
    )
    assert located(result) == []
    assert result.entries[0].district == "selby"


def test_area_in_two_districts(write, checked):
    write("c.yaml", DUP_AREA_CONFIG)
    result = checked(
        write("inv.json", _jsonl({"handle": "One", "platform": "x", "area": "SETTLE"})), "c.yaml"
    )
    assert located(result) == [
        ("duplicate-area", "warning", "c.yaml", 17),
        ("ambiguous-area", "error", "inv.json", 2),
    ]
    config_message, row_message = result.findings[0].message, result.findings[1].message
    assert "craven" in config_message
    assert "selby" in config_message
    assert "line 9" in config_message
    assert "craven and selby" in row_message
    assert result.entries == []


def test_ambiguous_area_with_a_district_given_is_resolved(write, checked):
    write("c.yaml", DUP_AREA_CONFIG)
    inventory = _jsonl({"handle": "One", "platform": "x", "area": "Settle", "district": "Selby"})
    result = checked(write("inv.json", inventory), "c.yaml")
    assert located(result) == [("duplicate-area", "warning", "c.yaml", 17)]
    assert (result.entries[0].district, result.entries[0].target) == ("selby", "NYP_Selby")


def test_area_listed_twice_in_one_district_is_not_ambiguous(write, checked):
    config = MINI_CONFIG.replace(
        "areas: [Skipton, Settle, Grassington]", "areas: [Skipton, Settle, Grassington, skipton]"
    )
    write("c.yaml", config)
    result = checked(
        write("inv.json", _jsonl({"handle": "One", "platform": "x", "area": "Skipton"})), "c.yaml"
    )
    assert [f.code for f in result.findings if f.is_error] == []
    assert result.entries[0].district == "craven"


@pytest.mark.parametrize(
    ("district", "expected"),
    [
        ("craven", "craven"),
        ("CRAVEN", "craven"),
        ("Craven", "craven"),
        (" Selby ", "selby"),
        ("force", "force"),
        ("Force", "force"),
        ("FORCE", "force"),
    ],
)
def test_district_by_id_or_name(write, checked, district, expected):
    result = run_rows(write, checked, {"handle": "One", "platform": "x", "district": district})
    assert located(result) == []
    assert result.entries[0].district == expected


def test_explicit_district_wins_over_area_with_a_warning(write, checked):
    result = run_rows(
        write, checked, {"handle": "One", "platform": "x", "area": "Skipton", "district": "Selby"}
    )
    assert located(result) == [("area-district-mismatch", "warning", "inv.json", 2)]
    assert (result.entries[0].district, result.entries[0].target) == ("selby", "NYP_Selby")


def test_force_district_with_any_area_moves_to_the_force_account(write, checked):
    result = run_rows(
        write, checked, {"handle": "One", "platform": "x", "area": "Skipton", "district": "force"}
    )
    assert located(result) == []
    assert (result.entries[0].district, result.entries[0].target) == ("force", "NYorksPolice")


@pytest.mark.parametrize(
    ("district", "hint"), [("Cravn", " did you mean 'craven'?"), ("Yorkshire", "")]
)
def test_unknown_district(write, checked, district, hint):
    result = run_rows(write, checked, {"handle": "One", "platform": "x", "district": district})
    assert located(result) == [("unknown-district", "error", "inv.json", 2)]
    message = result.findings[0].message
    assert f"district {district!r} is not configured;{hint} use one of" in message
    assert "craven, richmondshire, selby, force" in message
    assert result.entries == []


def test_no_area_and_no_district(write, checked):
    result = run_rows(
        write, checked, {"handle": "One", "platform": "x", "area": "  ", "district": ""}
    )
    assert located(result) == [("no-area", "error", "inv.json", 2)]


# --- platforms and destinations -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "platform"),
    [
        ("x", "x"),
        ("X", "x"),
        ("twitter", "x"),
        ("Twitter", "x"),
        ("x (twitter)", "x"),
        ("X (Twitter)", "x"),
        (" X  (Twitter) ", "x"),
        ("facebook", "facebook"),
        ("Facebook", "facebook"),
        ("fb", "facebook"),
        ("FB", "facebook"),
        ("ig", "instagram"),
        ("insta", "instagram"),
        ("Instagram", "instagram"),
        ("TikTok", "tiktok"),
        ("Mastodon", "mastodon"),
    ],
)
def test_platform_aliases(written, platform):
    from nypconsol.core.platforms import platform_id

    assert platform_id(written) == platform


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("myspace", ""),
        ("Twiter", " did you mean 'twitter'?"),
        ("facebok", " did you mean 'facebook'?"),
    ],
)
def test_unknown_platform(write, checked, written, hint):
    result = run_rows(write, checked, {"handle": "One", "platform": written, "area": "Skipton"})
    assert located(result) == [("unknown-platform", "error", "inv.json", 2)]
    assert f"unknown platform {written!r};{hint} use one of" in result.findings[0].message
    assert result.entries == []


def test_alias_rows_resolve_to_their_destinations(write, checked):
    result = run_rows(
        write,
        checked,
        {"handle": "One", "platform": "X (Twitter)", "area": "Skipton"},
        {"handle": "Two.Page", "platform": "FB", "area": "Skipton"},
        {"handle": "Three.Page", "platform": "fb", "area": "Richmond"},
    )
    assert located(result) == []
    targets = {e.account.handle: (e.account.platform, e.target) for e in result.entries}
    assert targets == {
        "One": ("x", "NYP_Craven"),
        "Two.Page": ("facebook", "NYPCraven"),
        # Richmondshire has no Facebook account: the force-wide one is used.
        "Three.Page": ("facebook", "NorthYorkshirePolice"),
    }


@pytest.mark.parametrize("platform", ["ig", "insta", "tiktok", "mastodon"])
def test_platform_with_no_destination(write, checked, platform):
    handle = "one@mastodon.social" if platform == "mastodon" else "one"
    result = run_rows(write, checked, {"handle": handle, "platform": platform, "area": "Skipton"})
    assert located(result) == [("no-destination", "error", "inv.json", 2)]
    assert "Craven" in result.findings[0].message
    assert "retain" in result.findings[0].message
    assert result.entries == []


def test_platform_with_no_destination_is_fine_when_retained(write, checked):
    result = run_rows(
        write,
        checked,
        {"handle": "one", "platform": "ig", "area": "Skipton", "retain": "Yes", "reason": "Events"},
    )
    assert located(result) == []
    [entry] = result.entries
    assert (entry.action, entry.target, entry.note) == ("retain", None, "Events")


# --- actions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("retain", ["yes", "YES", "y", "true", " Yes "])
def test_retain_without_reason(write, checked, retain):
    result = run_rows(
        write, checked, {"handle": "One", "platform": "x", "area": "Skipton", "retain": retain}
    )
    assert located(result) == [("retain-without-reason", "error", "inv.json", 2)]


@pytest.mark.parametrize("retain", ["no", "NO", "n", "", "false"])
def test_retain_no_migrates(write, checked, retain):
    result = run_rows(
        write, checked, {"handle": "One", "platform": "x", "area": "Skipton", "retain": retain}
    )
    assert located(result) == []
    assert result.entries[0].action == "migrate"


def test_closed_accounts_are_skipped(write, checked):
    result = run_rows(
        write, checked, {"handle": "One", "platform": "x", "area": "Skipton", "status": "CLOSED"}
    )
    assert located(result) == []
    [entry] = result.entries
    assert (entry.action, entry.target, entry.note) == ("skip", None, "already closed")


@pytest.mark.parametrize(
    ("followers", "expected"),
    [("1,234", 1234), ("1234", 1234), ("", None), ("  ", None), ("12,345,678", 12345678)],
)
def test_followers(write, checked, followers, expected):
    result = run_rows(
        write,
        checked,
        {"handle": "One", "platform": "x", "area": "Skipton", "followers": followers},
    )
    assert located(result) == []
    assert result.entries[0].account.followers == expected


@pytest.mark.parametrize("followers", ["1,23", "12,34,567", "-5", "1_000", "١٢٣", "1.5", "lots"])
def test_bad_followers(write, checked, followers):
    result = run_rows(
        write,
        checked,
        {"handle": "One", "platform": "x", "area": "Skipton", "followers": followers},
    )
    assert located(result) == [("bad-number", "error", "inv.json", 2)]


@pytest.mark.parametrize(
    "date", ["2026-13-01", "32/01/2026", "01-10-2026", "1 Oct 2026", "29/02/2027"]
)
def test_bad_dates(write, checked, date):
    result = run_rows(
        write, checked, {"handle": "One", "platform": "x", "area": "Skipton", "last_post": date}
    )
    assert located(result) == [("bad-date", "error", "inv.json", 2)]
