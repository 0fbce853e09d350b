"""CSV inventories written back: same bytes where nothing was written, new columns at the end."""

from __future__ import annotations

import pytest

from nypconsol.enrich.errors import InventoryFileError, OutputRefused
from nypconsol.enrich.inventory_file import enriched_bytes, read_inventory, write_enriched
from nypconsol.enrich.models import Lookup, LookupStatus, RowResult

AT = "2027-01-15T08:00:00Z"


def result(key, status="found", followers=None, detail="", platform="x", handle="h"):
    return RowResult(
        key=key,
        platform=platform,
        handle=handle,
        lookup=Lookup(LookupStatus(status), followers, detail, AT),
        from_cache=False,
    )


def enrich_text(tmp_path, text: str | bytes, results, name="inv.csv", **read) -> bytes:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    document = read_inventory(path, **read)
    return enriched_bytes(document, results(document) if callable(results) else results)


def test_rows_keys_and_lines_follow_the_spreadsheet(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_text("\n\nHandle,Platform\n@a,x\n\nb,Twitter\n")
    document = read_inventory(path)
    assert [(r.key, r.line, r.handle, r.platform) for r in document.rows] == [
        (4, 4, "@a", "x"),
        (6, 6, "b", "Twitter"),
    ]


def test_bom_crlf_quoting_and_order_are_kept(tmp_path):
    text = (
        "\ufeffhandle,platform,owner,followers,last_post\r\n"
        '@PC_Skipton_Ali,Twitter,"Shah, Ali","2,310",14/10/2026\r\n'
        '"NorthallertonSNT",facebook,"Team ""North""",  3980  ,2026-11-02\r\n'
        'GoneBeat,x,"multi\r\nline",,2025-01-01\r\n'
    )
    out = enrich_text(
        tmp_path,
        text.encode("utf-8"),
        [
            result(2, followers=2400),
            result(4, "not_found", detail="X has no account with this handle"),
        ],
    )
    assert (
        out
        == (
            "\ufeffhandle,platform,owner,followers,last_post,lookup_status,lookup_detail,lookup_at\r\n"
            f'@PC_Skipton_Ali,Twitter,"Shah, Ali",2400,14/10/2026,found,,{AT}\r\n'
            '"NorthallertonSNT",facebook,"Team ""North""",  3980  ,2026-11-02,,,\r\n'
            f'GoneBeat,x,"multi\r\nline",,2025-01-01,not_found,X has no account with this handle,{AT}\r\n'
        ).encode()
    )


def test_semicolons_no_final_newline_and_a_missing_followers_column(tmp_path):
    out = enrich_text(
        tmp_path,
        "handle;platform\na;x\nb;x",
        [result(2, followers=7), result(3, "error", detail="a; b")],
    )
    assert out.decode() == (
        "handle;platform;followers;lookup_status;lookup_detail;lookup_at\n"
        f"a;x;7;found;;{AT}\n"
        f'b;x;;error;"a; b";{AT}'
    )


def test_existing_lookup_columns_are_refreshed_whatever_their_spelling(tmp_path):
    text = (
        "Handle,Platform,Followers,Lookup Status,LOOKUP-DETAIL,lookup at,notes\n"
        "a,x,5,not_found,old,2026-01-01T00:00:00Z,keep me\n"
        "b,facebook,9,found,earlier run,2026-01-01T00:00:00Z,keep me too\n"
    )
    out = enrich_text(tmp_path, text, [result(2, followers=6, detail="created 2012")])
    assert out.decode() == (
        "Handle,Platform,Followers,Lookup Status,LOOKUP-DETAIL,lookup at,notes\n"
        f"a,x,6,found,created 2012,{AT},keep me\n"
        "b,facebook,9,found,earlier run,2026-01-01T00:00:00Z,keep me too\n"
    )


@pytest.mark.parametrize(
    ("detail", "written"),
    [
        ('=HYPERLINK("http://evil.example","x")', '"\'=HYPERLINK(""http://evil.example"",""x"")"'),
        ("+44 1234", "'+44 1234"),
        ("-x", "'-x"),
        ("@h moved", "'@h moved"),
        ("\tTab", "'\tTab"),
        ("safe", "safe"),
    ],
)
def test_cells_written_are_safe_for_excel(tmp_path, detail, written):
    out = enrich_text(tmp_path, "handle,platform\na,x\n", [result(2, "error", detail=detail)])
    assert out.decode().splitlines()[1] == f"a,x,,error,{written},{AT}"


def test_other_cells_are_not_touched_even_if_they_look_like_formulas(tmp_path):
    out = enrich_text(tmp_path, "handle,platform,owner\na,x,=1+1\n", [result(2, followers=1)])
    assert out.decode().splitlines()[1] == f"a,x,=1+1,1,found,,{AT}"


def test_cp1252_stays_cp1252(tmp_path):
    text = "handle,platform,owner\na,x,Zoë Brontë\n".encode("cp1252")
    out = enrich_text(
        tmp_path, text, [result(2, "error", detail="naïve “quotes” ✓")], encoding="cp1252"
    )
    assert (
        out.decode("cp1252")
        == f"handle,platform,owner,followers,lookup_status,lookup_detail,lookup_at\na,x,Zoë Brontë,,error,naïve “quotes” ?,{AT}\n"
    )


def test_short_rows_are_padded_and_blank_lines_kept(tmp_path):
    out = enrich_text(
        tmp_path, "handle,platform,owner,area\na,x\n\nb,facebook,me\n", [result(2, followers=3)]
    )
    assert out.decode() == (
        "handle,platform,owner,area,followers,lookup_status,lookup_detail,lookup_at\n"
        f"a,x,,,3,found,,{AT}\n"
        "\n"
        "b,facebook,me,,,,,\n"
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('handle,platform\n"a,x\n', 2, "broken CSV"),
        ("owner,area\na,b\n", 1, "the header has no 'handle' or 'platform' column"),
        ("handle,platform\na,x,2,310\n", 2, "more cells than the header"),
        ("", 1, "no header row"),
    ],
)
def test_unreadable_csv_names_the_line(tmp_path, text, line, message):
    path = tmp_path / "inv.csv"
    path.write_text(text)
    with pytest.raises(InventoryFileError) as caught:
        read_inventory(path)
    assert caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_undecodable_bytes_are_an_error_with_a_line(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_bytes(b"handle,platform\nZo\xeb,x\n")
    with pytest.raises(InventoryFileError, match="not UTF-8: byte 0xEB at column 3") as caught:
        read_inventory(path)
    assert caught.value.line == 2


def test_the_input_is_never_overwritten_without_permission(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_text("handle,platform\na,x\n")
    document = read_inventory(path)
    with pytest.raises(OutputRefused, match="is the input inventory"):
        write_enriched(document, [result(2, followers=1)], path)
    (tmp_path / "link.csv").symlink_to(path)
    with pytest.raises(OutputRefused, match="is the input inventory"):
        write_enriched(document, [result(2, followers=1)], tmp_path / "link.csv")
    assert path.read_text() == "handle,platform\na,x\n"
    write_enriched(document, [result(2, followers=1)], path, overwrite_input=True)
    assert path.read_text().splitlines()[1] == f"a,x,1,found,,{AT}"


@pytest.mark.parametrize("name", ["out.xlsx", "out.json", "out"])
def test_output_must_have_the_inputs_format(tmp_path, name):
    path = tmp_path / "inv.csv"
    path.write_text("handle,platform\na,x\n")
    with pytest.raises(OutputRefused, match=r"give OUTPUT a \.csv name"):
        write_enriched(read_inventory(path), [], tmp_path / name)
    assert not (tmp_path / name).exists()


def test_a_failed_write_leaves_the_old_output_and_no_temporary_file(tmp_path, monkeypatch):
    import errno
    import os

    path = tmp_path / "inv.csv"
    path.write_text("handle,platform\na,x\n")
    output = tmp_path / "out.csv"
    output.write_text("previous run\n")

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OutputRefused, match="No space left on device; nothing was written"):
        write_enriched(read_inventory(path), [result(2, followers=1)], output)
    assert output.read_text() == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inv.csv", "out.csv"]
