"""Reading inventories: CSV as Excel writes it, XLSX, JSON and YAML, and the ways they go wrong."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from conftest import MINI_CONFIG

from nypconsol.pipeline import load_inputs

HEADER = "handle,platform,owner,collar_number,role,area,district,followers,last_post,status,retain,reason"


def codes(findings):
    return [(f.code, f.severity.value, f.file, f.line) for f in findings]


def by_handle(result):
    return {e.account.handle: e for e in result.entries}


# --- CSV as Excel writes it ---------------------------------------------------------------------


def test_excel_csv_with_bom_crlf_quoted_line_breaks_numbers_and_uk_dates(write, checked):
    text = (
        HEADER + "\r\n"
        '@PC_Skipton_Ali,Twitter,PC 2231 Ali Shah,2231,"Neighbourhood\r\nofficer",Skipton,,"2,310",14/10/2026,active,,\r\n'
        'SettleBeat,x,"Shah, Ali",0123,PCSO,Settle,,412,2026-09-30,,,\r\n'
    )
    name = write("inventory.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = checked(name)
    assert codes(result.findings) == []
    entries = by_handle(result)
    assert sorted(entries) == ["PC_Skipton_Ali", "SettleBeat"]
    ali = entries["PC_Skipton_Ali"].account
    assert ali.platform == "x"
    assert ali.owner == "PC 2231 Ali Shah"
    assert ali.role == "Neighbourhood\r\nofficer"
    assert ali.followers == 2310
    assert ali.last_post == dt.date(2026, 10, 14)
    assert ali.status == "active"
    assert ali.source.file == "inventory.csv"
    assert ali.source.line == 2
    settle = entries["SettleBeat"].account
    assert settle.owner == "Shah, Ali"
    assert settle.collar_number == "0123"
    assert settle.followers == 412
    assert settle.last_post == dt.date(2026, 9, 30)
    assert entries["SettleBeat"].district == "craven"
    assert entries["SettleBeat"].target == "NYP_Craven"


def test_header_bom_does_not_hide_the_handle_column(write, checked):
    name = write("inventory.csv", b"\xef\xbb\xbfhandle,platform,area\r\nSkiptonCops,x,Skipton\r\n")
    result = checked(name)
    assert codes(result.findings) == []
    assert [e.account.handle for e in result.entries] == ["SkiptonCops"]


def test_line_after_a_multi_line_cell_is_the_row_a_spreadsheet_shows(write, checked):
    # The spec: "the CSV/XLSX row's line as a spreadsheet shows it, header = line 1". Excel shows
    # the record below a two-line cell as row 3, not physical line 4.
    text = 'handle,platform,role,area\r\nAliBeat,x,"two\r\nlines",Skipton\r\nBad Handle,x,PCSO,Skipton\r\n'
    result = checked(write("inventory.csv", text))
    assert codes(result.findings) == [("invalid-handle", "error", "inventory.csv", 3)]


def test_plain_utf8_without_bom_and_lf_line_ends(write, checked):
    name = write("inventory.csv", "handle,platform,owner,area\nCaféCops,x,Zoë Brontë,Skipton\n")
    result = checked(name)
    # The owner keeps its accents; the handle is not ASCII so it is refused, not garbled.
    assert codes(result.findings) == [("invalid-handle", "error", "inventory.csv", 2)]
    assert "U+00E9" in result.findings[0].message


def test_cp1252_bytes_name_the_line_and_suggest_the_encoding(write, checked):
    data = "handle,platform,owner,area\r\nSkiptonCops,x,Ali,Skipton\r\nSettleCops,x,O’Brien Café,Settle\r\n"
    result = checked(write("inventory.csv", data.encode("cp1252")))
    assert codes(result.findings) == [("bad-encoding", "error", "inventory.csv", 3)]
    message = result.findings[0].message
    assert "0x92" in message
    assert "--encoding cp1252" in message
    assert result.entries == []


def test_cp1252_read_with_the_encoding_option(write, checked):
    data = "handle,platform,owner,area\r\nSettleCops,x,O’Brien Café,Settle\r\n"
    name = write("inventory.csv", data.encode("cp1252"))
    result = checked(name, encoding="cp1252")
    assert codes(result.findings) == []
    assert result.entries[0].account.owner == "O’Brien Café"


@pytest.mark.parametrize("encoding", ["utf-8", "UTF8", "utf-8-sig"])
def test_excel_utf8_with_bom_read_with_an_explicit_utf8_encoding(write, checked, encoding):
    # "CSV UTF-8" from Excel starts with a BOM; naming the encoding must not turn the BOM
    # into part of the first column's name.
    data = b"\xef\xbb\xbfhandle,platform,area\r\nSkiptonCops,x,Skipton\r\n"
    result = checked(write("inventory.csv", data), encoding=encoding)
    assert codes(result.findings) == []
    assert [e.account.handle for e in result.entries] == ["SkiptonCops"]


def test_utf16_unicode_text_is_bad_encoding_on_line_1(write, checked):
    data = "handle\tplatform\tarea\r\nSkiptonCops\tx\tSkipton\r\n".encode("utf-16")
    result = checked(write("inventory.txt", data))
    assert codes(result.findings) == [("bad-encoding", "error", "inventory.txt", 1)]


def test_utf16_unicode_text_read_with_its_encoding(write, checked):
    data = "handle\tplatform\tarea\r\nSkiptonCops\tx\tSkipton\r\n".encode("utf-16")
    result = checked(write("inventory.txt", data), encoding="utf-16")
    assert codes(result.findings) == []
    assert [e.account.handle for e in result.entries] == ["SkiptonCops"]


def test_cp1252_yaml_inventory_names_the_line(write, checked):
    data = "- handle: One\n  platform: x\n  owner: Caf\xe9\n  area: Skipton\n".encode("cp1252")
    result = checked(write("inventory.yaml", data))
    assert codes(result.findings) == [("bad-encoding", "error", "inventory.yaml", 3)]


def test_cp1252_config_names_the_line(write, checked):
    data = MINI_CONFIG.replace("Settle,", "S\xe9ttle,").encode("cp1252")
    result = checked(None, write("c.yaml", data))
    assert codes(result.findings) == [("bad-encoding", "error", "c.yaml", 9)]
    assert result.config is None


def test_unknown_encoding_name_is_a_finding(write, checked):
    name = write("inventory.csv", "handle,platform,area\r\nSettleCops,x,Settle\r\n")
    result = checked(name, encoding="klingon-8")
    assert codes(result.findings) == [("bad-encoding", "error", "inventory.csv", None)]
    assert "klingon-8" in result.findings[0].message


def test_short_rows_leave_the_missing_cells_blank(write, checked):
    text = HEADER + "\r\nShortRow,x,Ali,,PCSO,Skipton\r\nShorter,x\r\n"
    result = checked(write("inventory.csv", text))
    # The second row has no area and no district: that is the only complaint.
    assert codes(result.findings) == [("no-area", "error", "inventory.csv", 3)]
    short = by_handle(result)["ShortRow"].account
    assert (short.owner, short.role, short.area, short.followers, short.status) == (
        "Ali",
        "PCSO",
        "Skipton",
        None,
        "active",
    )


def test_long_rows_are_extra_cells_with_their_line(write, checked):
    text = "handle,platform,area,followers\r\nGood,x,Skipton,5\r\nUnquoted,x,Skipton,2,310\r\n"
    result = checked(write("inventory.csv", text))
    assert codes(result.findings) == [("extra-cells", "error", "inventory.csv", 3)]
    assert "2,310" in result.findings[0].message
    assert [e.account.handle for e in result.entries] == ["Good"]


def test_trailing_empty_cells_as_excel_pads_rows_are_fine(write, checked):
    text = "handle,platform,area\r\nGood,x,Skipton,,,\r\n,,,,,\r\n"
    result = checked(write("inventory.csv", text))
    assert codes(result.findings) == []
    assert [e.account.handle for e in result.entries] == ["Good"]


def test_unclosed_quote_is_malformed_with_its_line(write, checked):
    text = 'handle,platform,area\r\nOne,x,Skipton\r\n"Two,x,Skipton\r\nThree,x,Settle\r\n'
    result = checked(write("inventory.csv", text))
    assert codes(result.findings) == [("malformed-file", "error", "inventory.csv", 3)]
    assert "line 3" in result.findings[0].message


def test_stray_quote_inside_an_unquoted_cell_keeps_the_rows_after_it(write, checked):
    # A quote in the middle of an unquoted cell is text; the rows after it are still read.
    text = 'handle,platform,area\r\nOne,x,Skipton\r\nTwo,x,Sett"le\r\nThree,x,Settle\r\n'
    result = checked(write("inventory.csv", text))
    assert codes(result.findings) == []
    assert sorted(by_handle(result)) == ["One", "Three", "Two"]
    assert by_handle(result)["Two"].account.area == 'Sett"le'


def test_text_after_a_closing_quote_is_malformed_with_its_line(write, checked):
    text = 'handle,platform,area\r\nOne,x,Skipton\r\n"Two"x,x,Settle\r\nThree,x,Settle\r\n'
    result = checked(write("inventory.csv", text))
    assert codes(result.findings) == [("malformed-file", "error", "inventory.csv", 3)]


def test_a_200_kb_handle_gives_a_short_clean_finding(write, checked):
    huge = "A" * 200_000
    text = f"handle,platform,owner,area\r\n{huge},x,Ali,Skipton\r\nNext,x,Ali,Settle\r\n"
    result = checked(write("inventory.csv", text))
    assert codes(result.findings) == [("invalid-handle", "error", "inventory.csv", 2)]
    assert len(result.findings[0].message) < 300
    assert by_handle(result)["Next"].district == "craven"


def test_a_200_kb_owner_gives_a_short_clean_finding(write, checked):
    huge = "B" * 200_000
    text = f'handle,platform,owner,area\r\nBigOwner,x,"{huge}",Skipton\r\nNext,x,Ali,Settle\r\n'
    result = checked(write("inventory.csv", text))
    assert codes(result.findings) == [("value-too-long", "error", "inventory.csv", 2)]
    assert "200,000" in result.findings[0].message
    assert len(result.findings[0].message) < 300
    assert by_handle(result)["Next"].district == "craven"


def test_a_200_kb_unclosed_quote_gives_a_clean_finding(write, checked):
    huge = "C" * 200_000
    text = f'handle,platform,owner,area\r\nOne,x,"{huge},Skipton\r\nNext,x,Ali,Settle\r\n'
    result = checked(write("inventory.csv", text))
    assert codes(result.findings) == [("malformed-file", "error", "inventory.csv", 2)]
    assert len(result.findings[0].message) < 300


def test_missing_handle_column_is_reported_on_line_1(write, checked):
    text = "name,platform,area\r\nSkiptonCops,x,Skipton\r\n"
    result = checked(write("inventory.csv", text))
    assert codes(result.findings) == [("missing-column", "error", "inventory.csv", 1)]
    assert "'handle'" in result.findings[0].message
    assert result.entries == []


def test_semicolon_csv_is_read_with_its_separator(write, checked):
    text = "handle;platform;area\r\nSkiptonCops;x;Skipton\r\n"
    result = checked(write("inventory.csv", text))
    assert codes(result.findings) == []
    assert [e.account.handle for e in result.entries] == ["SkiptonCops"]


@pytest.mark.parametrize(
    "header",
    [
        "Handle,PLATFORM,Collar Number,Last Post,AREA",
        " handle , Platform ,collar_number,last_post,Area",
        "HANDLE,platform,COLLAR_NUMBER,LAST  POST,area",
        "handle,platform,collar-number,last-post,area",
    ],
)
def test_header_names_ignore_case_spaces_and_underscores(write, checked, header):
    text = f"{header}\r\nSkiptonCops,x,0042,01/10/2026,Skipton\r\n"
    result = checked(write("inventory.csv", text))
    assert codes(result.findings) == []
    account = result.entries[0].account
    assert (account.collar_number, account.last_post, account.area) == (
        "0042",
        dt.date(2026, 10, 1),
        "Skipton",
    )


def test_unknown_columns_are_ignored(write, mini_config):
    from nypconsol.pipeline import check

    text = "Notes,handle,platform,area,Followers (approx)\r\nhello,SkiptonCops,x,Skipton,lots\r\n"
    inputs = load_inputs(mini_config, write("inventory.csv", text), environ={})
    assert [r.values for r in inputs.records] == [
        {"handle": "SkiptonCops", "platform": "x", "area": "Skipton"}
    ]
    assert codes(check(inputs).findings) == []


def test_the_same_column_twice_is_reported(write, checked):
    text = "handle,platform,Handle,area\r\nA1,x,B1,Skipton\r\n"
    result = checked(write("inventory.csv", text))
    assert codes(result.findings) == [("duplicate-column", "error", "inventory.csv", 1)]


def test_header_only_file_has_no_accounts_and_an_empty_inventory_warning(write, checked):
    result = checked(write("inventory.csv", "handle,platform,area\r\n"))
    assert codes(result.findings) == [("empty-inventory", "warning", "inventory.csv", None)]
    assert result.entries == []


def test_empty_csv_is_empty_file(write, checked):
    result = checked(write("inventory.csv", b""))
    assert codes(result.findings) == [("empty-file", "error", "inventory.csv", 1)]


def test_bom_only_csv_is_empty_file(write, checked):
    result = checked(write("inventory.csv", b"\xef\xbb\xbf\r\n"))
    assert codes(result.findings) == [("empty-file", "error", "inventory.csv", 1)]


def test_missing_inventory_file_is_unreadable(checked):
    result = checked("nowhere.csv")
    assert codes(result.findings) == [("unreadable-file", "error", "nowhere.csv", None)]


def test_folder_as_inventory_is_unreadable(tmp_path, checked):
    (tmp_path / "folder.csv").mkdir()
    result = checked("folder.csv")
    assert codes(result.findings) == [("unreadable-file", "error", "folder.csv", None)]


def test_unknown_extension_is_unreadable(write, checked):
    result = checked(write("inventory.docx", "handle,platform\r\n"))
    assert codes(result.findings) == [("unreadable-file", "error", "inventory.docx", None)]


def test_upper_case_extension_is_recognised(write, checked):
    result = checked(write("INVENTORY.CSV", "handle,platform,area\r\nSkiptonCops,x,Skipton\r\n"))
    assert codes(result.findings) == []
    assert len(result.entries) == 1


# --- XLSX ---------------------------------------------------------------------------------------


def _workbook(tmp_path, name="inventory.xlsx"):
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    first.title = "Accounts"
    first.append(["Handle", "Platform", "Owner", "Collar Number", "Area", "Followers", "Last Post"])
    first.append(
        ["@SkiptonCops", "Twitter", "PC 1 Ali", 2231, "Skipton", 2310, dt.datetime(2026, 10, 14)]
    )
    first.append([None, None, None, None, None, None, None])  # a blank row Excel leaves
    first.append(["SettleCops", "x", "PC 2 Bo", "0042", "Settle", 1234.0, dt.date(2026, 9, 30)])
    other = workbook.create_sheet("Leavers")
    other.append(["handle", "platform", "district", "status"])
    other.append(["OldBeat", "x", "Selby", "closed"])
    workbook.save(tmp_path / name)
    return name


def test_xlsx_first_sheet_with_numbers_and_real_dates(tmp_path, checked):
    result = checked(_workbook(tmp_path))
    assert codes(result.findings) == []
    entries = by_handle(result)
    assert sorted(entries) == ["SettleCops", "SkiptonCops"]
    skipton = entries["SkiptonCops"].account
    assert (skipton.platform, skipton.collar_number, skipton.followers, skipton.last_post) == (
        "x",
        "2231",
        2310,
        dt.date(2026, 10, 14),
    )
    assert skipton.source.file == "inventory.xlsx"
    assert skipton.source.line == 2
    settle = entries["SettleCops"].account
    assert (settle.collar_number, settle.followers, settle.last_post) == (
        "0042",
        1234,
        dt.date(2026, 9, 30),
    )
    assert settle.source.line == 4  # the blank row 3 still counts, as Excel numbers rows


def test_xlsx_another_sheet_by_name(tmp_path, checked):
    result = checked(_workbook(tmp_path), sheet="Leavers")
    assert codes(result.findings) == []
    [entry] = result.entries
    assert (entry.account.handle, entry.district, entry.action, entry.account.source.line) == (
        "OldBeat",
        "selby",
        "skip",
        2,
    )


def test_xlsx_unknown_sheet_lists_the_sheets(tmp_path, checked):
    result = checked(_workbook(tmp_path), sheet="Sheet9")
    assert codes(result.findings) == [("unknown-sheet", "error", "inventory.xlsx", None)]
    message = result.findings[0].message
    assert "'Sheet9'" in message
    assert "'Accounts'" in message
    assert "'Leavers'" in message


def test_xlsx_with_a_finding_reports_the_row(tmp_path, checked):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["handle", "platform", "area", "followers"])
    sheet.append(["Fine", "x", "Skipton", 1])
    sheet.append(["Fine2", "x", "Skipton", "many"])
    workbook.save(tmp_path / "inv.xlsx")
    result = checked("inv.xlsx")
    assert codes(result.findings) == [("bad-number", "error", "inv.xlsx", 3)]


def test_not_a_zip_xlsx_is_malformed(write, checked):
    name = write("inventory.xlsx", "handle,platform\r\nSkiptonCops,x\r\n")
    result = checked(name)
    assert codes(result.findings) == [("malformed-file", "error", "inventory.xlsx", None)]


def test_zip_that_is_not_a_workbook_is_malformed(write, checked):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    result = checked(write("inventory.xlsx", buffer.getvalue()))
    assert codes(result.findings) == [("malformed-file", "error", "inventory.xlsx", None)]


# --- JSON ---------------------------------------------------------------------------------------

JSON_LIST = """[
  {"handle": "@SkiptonCops", "platform": "Twitter", "area": "Skipton", "followers": 2310,
   "collar_number": "007"},
  {"handle": "SettleCops", "platform": "fb", "area": "Settle", "followers": "1,234",
   "last_post": "01/10/2026"}
]
"""


def test_json_list_of_accounts(write, checked):
    result = checked(write("inventory.json", JSON_LIST))
    assert codes(result.findings) == []
    entries = by_handle(result)
    skipton, settle = entries["SkiptonCops"].account, entries["SettleCops"].account
    assert (skipton.platform, skipton.followers, skipton.collar_number, skipton.source.line) == (
        "x",
        2310,
        "007",
        2,
    )
    assert (settle.platform, settle.followers, settle.last_post, settle.source.line) == (
        "facebook",
        1234,
        dt.date(2026, 10, 1),
        4,
    )
    assert entries["SettleCops"].target == "NYPCraven"


def test_json_mapping_with_accounts(write, checked):
    text = '{"accounts": [\n  {"handle": "SelbyCops", "platform": "x", "area": "Selby"}\n]}\n'
    result = checked(write("inventory.json", text))
    assert codes(result.findings) == []
    [entry] = result.entries
    assert (entry.account.handle, entry.district, entry.account.source.line) == (
        "SelbyCops",
        "selby",
        2,
    )


def test_json_duplicate_key_is_an_error_on_the_record_line(write, checked):
    text = '[\n  {"handle": "One", "platform": "x", "area": "Skipton"},\n  {"handle": "Two",\n   "platform": "x", "handle": "Three", "area": "Settle"}\n]\n'
    result = checked(write("inventory.json", text))
    assert codes(result.findings) == [("duplicate-key", "error", "inventory.json", 3)]
    assert "'handle'" in result.findings[0].message


def test_bad_json_names_the_line(write, checked):
    text = '[\n  {"handle": "One", "platform": "x"},\n  {"handle": "Two", "platform": "x",}\n]\n'
    result = checked(write("inventory.json", text))
    assert codes(result.findings) == [("malformed-file", "error", "inventory.json", 3)]


def test_json_numbers_stay_the_text_written(write, checked):
    text = '[{"handle": "One", "platform": "x", "area": "Skipton", "followers": 1e3}]'
    result = checked(write("inventory.json", text))
    # 1e3 is not a whole number as a person writes one: it is reported, not turned into 1000.
    assert codes(result.findings) == [("bad-number", "error", "inventory.json", 1)]
    assert "'1e3'" in result.findings[0].message


def test_json_scalar_document_is_bad_record(write, checked):
    result = checked(write("inventory.json", '"just text"'))
    assert [f.code for f in result.findings] == ["bad-record"]
    assert result.findings[0].file == "inventory.json"


def test_json_nested_value_is_bad_record(write, checked):
    text = '[\n {"handle": "One", "platform": "x", "area": ["Skipton", "Settle"]}\n]'
    result = checked(write("inventory.json", text))
    assert ("bad-record", "error", "inventory.json", 2) in codes(result.findings)


def test_empty_json_is_empty_file(write, checked):
    result = checked(write("inventory.json", "  \n"))
    assert codes(result.findings) == [("empty-file", "error", "inventory.json", 1)]


def test_json_with_bom_is_read(write, checked):
    data = b"\xef\xbb\xbf" + b'[{"handle": "One", "platform": "x", "area": "Skipton"}]'
    result = checked(write("inventory.json", data))
    assert codes(result.findings) == []
    assert [e.account.handle for e in result.entries] == ["One"]


# --- YAML ---------------------------------------------------------------------------------------

YAML_LIST = """\
# accounts to move
- handle: "@SkiptonCops"
  platform: X (Twitter)
  area: Skipton
  followers: 2,310
  last_post: 2026-10-01

- {handle: SettleCops, platform: insta, district: Craven, retain: yes, reason: Tourism}
"""


def test_yaml_list_of_accounts(write, checked):
    result = checked(write("inventory.yaml", YAML_LIST))
    assert codes(result.findings) == []
    entries = by_handle(result)
    skipton, settle = entries["SkiptonCops"], entries["SettleCops"]
    assert (
        skipton.account.platform,
        skipton.account.followers,
        skipton.account.last_post,
        skipton.account.source.line,
        skipton.action,
        skipton.target,
    ) == ("x", 2310, dt.date(2026, 10, 1), 2, "migrate", "NYP_Craven")
    assert (
        settle.account.platform,
        settle.district,
        settle.action,
        settle.account.reason,
        settle.account.source.line,
    ) == ("instagram", "craven", "retain", "Tourism", 8)


def test_yaml_mapping_with_accounts_and_yml_extension(write, checked):
    text = "title: leavers\naccounts:\n  - handle: SelbyCops\n    platform: x\n    area: Selby\n"
    result = checked(write("inventory.yml", text))
    assert codes(result.findings) == []
    [entry] = result.entries
    assert (entry.account.handle, entry.district, entry.account.source.line) == (
        "SelbyCops",
        "selby",
        3,
    )


def test_yaml_mapping_without_accounts_is_bad_record(write, checked):
    result = checked(write("inventory.yaml", "\nhandle: One\nplatform: x\n"))
    assert codes(result.findings) == [("bad-record", "error", "inventory.yaml", 2)]


def test_yaml_syntax_error_names_the_line(write, checked):
    text = "- handle: One\n  platform: x\n- handle: [Two\n  platform: x\n"
    result = checked(write("inventory.yaml", text))
    [finding] = result.findings
    assert (finding.code, finding.file) == ("malformed-file", "inventory.yaml")
    assert finding.line in (3, 4, 5)


def test_yaml_inventory_replaces_the_config_accounts(write):
    from nypconsol.pipeline import check

    write(
        "config.yaml",
        MINI_CONFIG + "accounts:\n  - {handle: FromConfig, platform: x, area: Selby}\n",
    )
    config_only = check(load_inputs("config.yaml", None, environ={}))
    assert [e.account.handle for e in config_only.entries] == ["FromConfig"]
    assert config_only.entries[0].account.source.file == "config.yaml"
    assert config_only.entries[0].account.source.line == 22
    name = write("inventory.yaml", "- {handle: FromInventory, platform: x, area: Selby}\n")
    with_inventory = check(load_inputs("config.yaml", name, environ={}))
    assert [e.account.handle for e in with_inventory.entries] == ["FromInventory"]


def test_json_objects_inside_accounts_keep_their_own_lines():
    # Flat accounts are read by the C scanner; one holding an object is read again in Python so
    # that the inner object (and its repeated key) has its own line, as before.
    from nypconsol.loaders.jsonfile import load_json

    text = (
        '[\n {"handle": "One",\n  "extra": {"a": 1,\n            "a": 2}},\n {"handle": "Two"}\n]\n'
    )
    value, findings = load_json(text, "x.json")
    assert [item.line for item in value] == [2, 5]
    assert value[0]["extra"].line == 3
    assert [(f.code, f.line) for f in findings] == [("duplicate-key", 3)]


def test_a_json_syntax_error_inside_an_account_keeps_its_message():
    from nypconsol.loaders.jsonfile import load_json
    from nypconsol.loaders.located import LoadFailed

    with pytest.raises(LoadFailed) as failed:
        load_json('[\n {"handle": "One",\n  "platform": "x",}\n]\n', "x.json")
    [finding] = failed.value.findings
    assert (finding.line, finding.message) == (
        3,
        "not valid JSON: Expecting property name enclosed in double quotes (column 19); fix the "
        "syntax",
    )


def test_json_nested_deep_is_scanned_a_bounded_number_of_times(monkeypatch):
    # Each object holding another was read by the C scanner, thrown away and read again in
    # Python, so a document nested N deep was read N times over. Now at most twice.
    import json.scanner

    from nypconsol.loaders.jsonfile import load_json

    scanned = 0
    make_scanner = json.scanner.make_scanner

    def counting_scanner(decoder):  # type: ignore[no-untyped-def]
        scan = make_scanner(decoder)

        def counted(text, index):  # type: ignore[no-untyped-def]
            nonlocal scanned
            value, end = scan(text, index)
            scanned += end - index
            return value, end

        return counted

    monkeypatch.setattr(json.scanner, "make_scanner", counting_scanner)
    text = '{"a": ["x", ' * 100 + "1" + "]}" * 100
    value, _ = load_json(text, "deep.json")
    assert value["a"][1]["a"][0] == "x"
    assert scanned <= 2 * len(text)


def test_a_last_post_in_the_future_is_a_warning(write, checked):
    from nypconsol.core.findings import Severity

    write(
        "inv.csv",
        "handle,platform,area,last_post\n"
        "Tomorrow,x,Skipton,2026-12-01\n"
        "Today,x,Skipton,30/11/2026\n"
        "Typo,x,Skipton,2062-11-30\n",
    )
    result = checked("inv.csv", today=dt.date(2026, 11, 30))
    found = [(f.code, f.severity, f.line) for f in result.findings]
    assert found == [("future-date", Severity.WARNING, 2), ("future-date", Severity.WARNING, 4)]
    assert "last_post 2062-11-30 is after today" in result.findings[1].message
    assert not result.errors
