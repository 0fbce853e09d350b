"""XLSX, YAML and JSON inventories written back in their own format, read again like any other."""

from __future__ import annotations

import json

import pytest

from nypconsol.enrich.errors import InventoryFileError
from nypconsol.enrich.inventory_file import enriched_bytes, read_inventory
from nypconsol.enrich.models import Lookup, LookupStatus, RowResult

AT = "2027-01-15T08:00:00Z"


def result(key, status="found", followers=None, detail=""):
    return RowResult(
        key=key,
        platform="x",
        handle="h",
        lookup=Lookup(LookupStatus(status), followers, detail, AT),
        from_cache=False,
    )


def records_as_read(path):
    """What nypconsol's own inventory reader makes of a file: the plan reads it this way."""
    from nypconsol.loaders.sources import InputFile
    from nypconsol.loaders.tables import read_records

    data = path.read_bytes()
    records, findings = read_records(InputFile(display=path.name, data=data, found_by="-i"))
    return [dict(r.values) for r in records], findings


# --- XLSX -------------------------------------------------------------------------------------


def make_workbook(path):
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes["A1"] = "Read me first"
    sheet = workbook.create_sheet("Accounts")
    sheet.append([])  # blank rows above the header are skipped, as the inventory reader does
    sheet.append([])
    sheet.append(["Handle", "Platform", "Owner", "Followers", "Score", "", "Remarks"])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFDDEEFF")
    sheet.append(["@PC_Skipton_Ali", "Twitter", "PC Shah", "2,310", "=LEN(A4)", None, "keep"])
    sheet.append(["RiponPolice", "instagram", "Ripon SNT", 2204, "=LEN(A5)", None, None])
    sheet.append(["GoneBeat", "x", "PC Gone", 120, None, None, "old"])
    sheet["D5"].number_format = "#,##0"
    sheet.row_dimensions[5].hidden = True
    workbook.create_sheet("Lists")["B2"] = "x, facebook"
    workbook.save(path)


def test_xlsx_round_trip(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "inv.xlsx"
    make_workbook(path)
    document = read_inventory(path, sheet="accounts")
    assert [(r.key, r.handle, r.platform) for r in document.rows] == [
        (4, "@PC_Skipton_Ali", "Twitter"),
        (5, "RiponPolice", "instagram"),
        (6, "GoneBeat", "x"),
    ]
    out = tmp_path / "out.xlsx"
    out.write_bytes(
        enriched_bytes(
            document,
            [result(4, followers=2400), result(6, "not_found", detail='=HYPERLINK("http://evil")')],
        )
    )
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Notes", "Accounts", "Lists"]
    assert workbook["Notes"]["A1"].value == "Read me first"
    assert workbook["Lists"]["B2"].value == "x, facebook"
    sheet = workbook["Accounts"]
    assert [c.value for c in sheet[3]] == [
        "Handle",
        "Platform",
        "Owner",
        "Followers",
        "Score",
        None,
        "Remarks",
        "lookup_status",
        "lookup_detail",
        "lookup_at",
    ]
    assert sheet["H3"].font.bold and sheet["H3"].fill.fgColor.rgb == "FFDDEEFF"
    assert [c.value for c in sheet[4]] == [
        "@PC_Skipton_Ali",
        "Twitter",
        "PC Shah",
        2400,
        "=LEN(A4)",
        None,
        "keep",
        "found",
        None,
        AT,
    ]
    assert [c.value for c in sheet[5]][3:5] == [2204, "=LEN(A5)"]  # untouched, formula kept
    assert sheet["D5"].number_format == "#,##0" and sheet.row_dimensions[5].hidden
    assert sheet["I6"].value == '=HYPERLINK("http://evil")' and sheet["I6"].data_type == "s"
    assert sheet["D6"].value == 120  # not found: the count is left as it was

    records, findings = records_as_read_sheet(out, "Accounts")
    # Row 5 stays hidden, as it was: validate and plan read it and say so (issue 10). The
    # Score formulas have no saved value, but nypconsol does not read that column.
    assert [(f.code, f.line) for f in findings] == [("hidden-rows", 5)]
    assert findings[0].message.startswith("row 5 is hidden in the spreadsheet but was read")
    assert [(r["handle"], r["followers"]) for r in records] == [
        ("@PC_Skipton_Ali", "2400"),
        ("RiponPolice", "2204"),
        ("GoneBeat", "120"),
    ]


def records_as_read_sheet(path, sheet):
    from nypconsol.loaders.sources import InputFile
    from nypconsol.loaders.tables import read_records

    records, findings = read_records(
        InputFile(display=path.name, data=path.read_bytes(), found_by="-i"), sheet=sheet
    )
    return [dict(r.values) for r in records], findings


def test_xlsx_new_columns_never_land_on_formulas_without_cached_values(tmp_path):
    from openpyxl import Workbook, load_workbook

    path = tmp_path / "inv.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["handle", "platform", "followers"])
    sheet.append(["a", "x", 1])
    sheet["E2"] = "=C2*2"  # written by a tool: no cached value, so it reads as empty
    workbook.save(path)
    out = tmp_path / "out.xlsx"
    out.write_bytes(enriched_bytes(read_inventory(path), [result(2, followers=5)]))
    sheet = load_workbook(out).active
    assert sheet["E2"].value == "=C2*2"
    assert [sheet.cell(row=1, column=c).value for c in range(6, 9)] == [
        "lookup_status",
        "lookup_detail",
        "lookup_at",
    ]
    assert (sheet["C2"].value, sheet["F2"].value) == (5, "found")


def test_xlsx_title_row_above_the_header_is_reported_as_the_reader_does(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "inv.xlsx"
    make_workbook(path)
    workbook = load_workbook(path)
    workbook["Accounts"]["A1"] = "Social media accounts"
    workbook.save(path)
    with pytest.raises(
        InventoryFileError, match="the header has no 'handle' or 'platform' column"
    ) as caught:
        read_inventory(path, sheet="Accounts")
    assert caught.value.line == 1


def test_xlsx_not_a_workbook(tmp_path):
    path = tmp_path / "inv.xlsx"
    path.write_text("handle,platform\n")
    with pytest.raises(InventoryFileError, match="not a readable Excel workbook"):
        read_inventory(path)


def test_xlsx_unknown_sheet(tmp_path):
    path = tmp_path / "inv.xlsx"
    make_workbook(path)
    with pytest.raises(
        InventoryFileError, match="no sheet 'Nope'; its sheets are 'Notes', 'Accounts', 'Lists'"
    ):
        read_inventory(path, sheet="Nope")


# --- YAML -------------------------------------------------------------------------------------

YAML_INVENTORY = """\
# North Yorkshire Police: individual accounts
placeholders: NO            # kept as written
accounts:
  # Craven
  - handle: "@PC_Skipton_Ali"   # the busiest
    platform: Twitter
    collar_number: 0123
    followers: 2,310
    last_post: 2026-10-14
    retain: no
    when: 12:30
  - {handle: GoneBeat, platform: x, followers: 007}
  - handle: RiponPolice
    platform: instagram
    reason: >
      kept for the
      summer campaign
  - handle: NYP_Roads
    platform: X
    Lookup Status: not_found   # from an earlier run
"""


def test_yaml_round_trip_keeps_comments_order_and_scalars(tmp_path):
    path = tmp_path / "inv.yaml"
    path.write_text(YAML_INVENTORY)
    document = read_inventory(path)
    assert [(r.key, r.line, r.handle, r.platform) for r in document.rows] == [
        (0, 5, "@PC_Skipton_Ali", "Twitter"),
        (1, 12, "GoneBeat", "x"),
        (2, 13, "RiponPolice", "instagram"),
        (3, 18, "NYP_Roads", "X"),
    ]
    out = enriched_bytes(
        document,
        [
            result(0, followers=2400),
            result(1, "not_found", detail="X has no account"),
            result(3, followers=48000),
        ],
    ).decode()
    assert (
        out
        == """\
# North Yorkshire Police: individual accounts
placeholders: NO            # kept as written
accounts:
  # Craven
  - handle: "@PC_Skipton_Ali"   # the busiest
    platform: Twitter
    collar_number: 0123
    followers: 2400
    last_post: 2026-10-14
    retain: no
    when: 12:30
    lookup_status: found
    lookup_detail: ''
    lookup_at: '2027-01-15T08:00:00Z'
  - {handle: GoneBeat, platform: x, followers: 007, lookup_status: not_found, lookup_detail: X has no account, lookup_at: '2027-01-15T08:00:00Z'}
  - handle: RiponPolice
    platform: instagram
    reason: >
      kept for the
      summer campaign
  - handle: NYP_Roads
    platform: X
    Lookup Status: found       # from an earlier run
    followers: 48000
    lookup_detail: ''
    lookup_at: '2027-01-15T08:00:00Z'
"""
    )
    (tmp_path / "out.yaml").write_text(out)
    records, findings = records_as_read(tmp_path / "out.yaml")
    assert findings == []
    assert [r.get("followers") for r in records] == ["2400", "007", None, "48000"]
    assert records[0]["collar_number"] == "0123" and records[0]["when"] == "12:30"


def test_yaml_list_at_the_top_with_its_own_indentation(tmp_path):
    path = tmp_path / "inv.yml"
    path.write_text("-   handle: a\n    platform: x\n-   handle: b\n    platform: facebook\n")
    out = enriched_bytes(read_inventory(path), [result(0, followers=1)]).decode()
    assert out == (
        "-   handle: a\n    platform: x\n    followers: 1\n    lookup_status: found\n"
        "    lookup_detail: ''\n    lookup_at: '2027-01-15T08:00:00Z'\n"
        "-   handle: b\n    platform: facebook\n"
    )


def test_yaml_crlf_and_bom_are_kept(tmp_path):
    path = tmp_path / "inv.yaml"
    path.write_bytes("\ufeff- handle: a\r\n  platform: x\r\n".encode())
    out = enriched_bytes(read_inventory(path), [result(0, followers=1)])
    assert out.startswith("\ufeff- handle: a\r\n  platform: x\r\n  followers: 1\r\n".encode())
    assert b"\n" not in out.replace(b"\r\n", b"")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "- handle: a\n  handle: b\n  platform: x\n",
            2,
            "the key 'handle' appears twice (lines 1 and 2): keep one",
        ),
        ("- handle: a\n  platform: x\n---\n- handle: b\n", 3, "but found another document"),
        ("base: &b {platform: x}\naccounts:\n  - *b\n", 3, "YAML aliases (*name) are not accepted"),
        ("accounts: 5\n", 1, "expected a list of accounts"),
        ("- handle: [\n", None, "not valid YAML"),
        ("[" * 20000, None, "not valid YAML"),
        ("- " * 20000 + "x\n", 1, "exceeded maximum nesting depth"),
        ("- " * 70 + "x\n", 1, "YAML is nested too deeply to be an inventory"),
    ],
)
def test_unreadable_yaml_names_the_line(tmp_path, text, line, message):
    path = tmp_path / "inv.yaml"
    path.write_text(text)
    with pytest.raises(InventoryFileError) as caught:
        read_inventory(path)
    assert message in str(caught.value)
    if line is not None:
        assert caught.value.line == line


def test_yaml_python_tags_are_refused_as_the_inventory_reader_refuses_them(tmp_path):
    path = tmp_path / "inv.yaml"
    path.write_text(
        "- handle: a\n  platform: x\n  owner: !!python/object/apply:os.system [echo hi]\n"
    )
    with pytest.raises(InventoryFileError) as caught:
        read_inventory(path)
    assert caught.value.line == 3
    assert "the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not accepted" in str(
        caught.value
    )


# --- JSON -------------------------------------------------------------------------------------


def test_json_round_trip_keeps_order_indentation_and_the_accounts_key(tmp_path):
    path = tmp_path / "inv.json"
    text = (
        '{\n    "version": 1,\n    "accounts": [\n        {\n            "handle": "@a",\n'
        '            "platform": "x",\n            "Followers": "1,000",\n            "owner": "Zoë"\n'
        '        },\n        {"handle": "b", "platform": "facebook"}\n    ]\n}\n'
    )
    path.write_text(text)
    document = read_inventory(path)
    assert [(r.key, r.line, r.handle) for r in document.rows] == [(0, 4, "@a"), (1, 10, "b")]
    out = enriched_bytes(document, [result(0, followers=1200, detail="=1")]).decode()
    assert json.loads(out) == {
        "version": 1,
        "accounts": [
            {
                "handle": "@a",
                "platform": "x",
                "Followers": 1200,
                "owner": "Zoë",
                "lookup_status": "found",
                "lookup_detail": "=1",
                "lookup_at": AT,
            },
            {"handle": "b", "platform": "facebook"},
        ],
    }
    assert out.startswith(
        '{\n    "version": 1,\n    "accounts": [\n        {\n            "handle": "@a"'
    )
    assert out.endswith("}\n")
    (tmp_path / "out.json").write_text(out)
    records, findings = records_as_read(tmp_path / "out.json")
    assert findings == [] and records[0]["followers"] == "1200"


def test_json_compact_ascii_bom_and_crlf(tmp_path):
    path = tmp_path / "inv.json"
    path.write_bytes(b'\xef\xbb\xbf[{"handle":"a","platform":"x","owner":"Zo\\u00eb"}]\r\n')
    out = enriched_bytes(read_inventory(path), [result(0, followers=3)])
    assert out == (
        b'\xef\xbb\xbf[{"handle":"a","platform":"x","owner":"Zo\\u00eb","followers":3,'
        b'"lookup_status":"found","lookup_detail":"","lookup_at":"2027-01-15T08:00:00Z"}]\r\n'
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"handle": "a", "handle": "b"}]', "the key 'handle' appears twice"),
        ('[{"handle": "a",', "not valid JSON"),
        ('{"accounts": 3}', "expected a list of accounts"),
        ("[" * 100000, "not valid JSON|nested too deeply"),
    ],
)
def test_unreadable_json(tmp_path, text, message):
    path = tmp_path / "inv.json"
    path.write_text(text)
    with pytest.raises(InventoryFileError, match=message):
        read_inventory(path)


def test_an_unknown_extension_is_refused(tmp_path):
    path = tmp_path / "inv.ods"
    path.write_bytes(b"")
    with pytest.raises(InventoryFileError, match="cannot tell the inventory's format"):
        read_inventory(path)
