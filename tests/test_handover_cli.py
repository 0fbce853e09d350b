"""``nypconsol handover``: the summary, the folder of reports (atomic, ours only, re-runs), input
errors as in ``plan``, --district, JSON on stdout, PDF with and without WeasyPrint, and the
golden Markdown of the shipped example.

To accept a deliberate change to the golden files, run
``NYPCONSOL_UPDATE_GOLDEN=1 pytest tests/test_handover_cli.py`` and read the diff of
tests/golden/handover/ before committing it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from nypconsol.cli import cli
from nypconsol.core.errors import ExitCode
from nypconsol.schemas import load_schema
from tests.test_handover_render import assert_self_contained

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_INVENTORY = REPO / "nypconsol" / "data" / "example-inventory.csv"
GOLDEN = Path(__file__).resolve().parent / "golden" / "handover"
DISTRICTS = ["craven", "hambleton", "harrogate", "richmondshire", "ryedale", "scarborough", "selby", "york"]  # fmt: skip


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["handover", *args], prog_name="nypconsol")


@pytest.fixture
def example(tmp_path: Path) -> str:
    shutil.copyfile(EXAMPLE_INVENTORY, tmp_path / "example-inventory.csv")
    return "example-inventory.csv"


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_without_output_a_summary_at_the_terminal(example):
    result = run("-i", example)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Handover reports"
    assert lines[4].split() == [
        "Craven",
        "3",
        "2",
        "0",
        "1",
        "2,722",
        "0",
        "2027-01-11",
        "2027-01-25",
    ]
    assert lines[13].split()[:6] == ["Total", "18", "16", "1", "1", "51,815"]
    assert "9 reports: 16 accounts to hand over, 51,815 followers to redirect." in lines
    assert "placeholder-accounts" in result.stderr  # the plan's warnings, as plan shows them


def test_done_when_the_example_writes_an_index_and_a_report_per_district(example, tmp_path):
    result = run("-i", example, "-o", "reports")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "reports"
    assert _files(folder) == sorted(
        [".nypconsol-handover-html.json", "index.html", "force.html"]
        + [f"{d}.html" for d in DISTRICTS]
    )
    assert result.stderr.endswith(
        "Wrote 9 handover reports and the index (html) to reports: 10 written, 0 unchanged.\n"
    )
    for page in folder.glob("*.html"):  # each parses, runs nothing and fetches nothing
        assert_self_contained(page.read_text(encoding="utf-8"))
    index = (folder / "index.html").read_text(encoding="utf-8")
    for district in DISTRICTS:
        assert f'<a href="{district}.html">' in index
    assert "Sign-off" in (folder / "york.html").read_text(encoding="utf-8")
    again = run("-i", example, "-o", "reports")
    assert again.exit_code == 0
    assert again.stderr.endswith("0 written, 10 unchanged.\n")


def test_formats_share_a_folder_and_a_rerun_replaces_only_its_own_files(example, tmp_path):
    assert run("-i", example, "-o", "out").exit_code == 0
    assert run("-i", example, "-o", "out", "--format", "markdown").exit_code == 0
    (tmp_path / "out" / "notes.txt").write_text("mine", encoding="utf-8")
    narrowed = run("-i", example, "-o", "out", "--format", "markdown", "--district", "craven")
    assert narrowed.exit_code == 0, narrowed.output
    assert "8 removed from an earlier run" in narrowed.stderr
    names = _files(tmp_path / "out")
    assert [n for n in names if n.endswith(".md")] == ["craven.md", "index.md"]
    assert len([n for n in names if n.endswith(".html")]) == 10  # the HTML run's, untouched
    assert "notes.txt" in names


def test_a_file_that_is_not_ours_is_never_overwritten(example, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "index.html").write_text("somebody's page", encoding="utf-8")
    result = run("-i", example, "-o", "out")
    assert result.exit_code == ExitCode.FAILURE
    assert "already holds index.html, not written by nypconsol handover-html" in result.stderr
    assert _files(tmp_path / "out") == ["index.html"]
    assert (tmp_path / "out" / "index.html").read_text(encoding="utf-8") == "somebody's page"


def test_input_errors_print_findings_exit_1_and_write_nothing(tmp_path):
    (tmp_path / "bad.csv").write_text("handle,platform,area\nbad!,x,York\nGood,x,Nowhere\n")
    result = run("-i", "bad.csv", "-o", "reports")
    assert result.exit_code == ExitCode.INPUT_ERRORS
    assert result.stdout == ""
    assert "bad.csv:2: error [invalid-handle]" in result.stderr
    assert "bad.csv:3: error [unknown-area]" in result.stderr
    assert result.stderr.endswith(
        "No reports were written: fix the errors above (nypconsol validate lists them).\n"
    )
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "html"], "--format html writes one file per report: add -o DIR"),
        (["--format", "markdown"], "--format markdown writes one file per report: add -o DIR"),
        (["-o", "-"], "-o names a folder for the reports"),
        (["--format", "yaml"], "Invalid value for '--format'"),
        (["--district", "nowhere", "-o", "r"], "no district 'nowhere': use one of craven, "),
        (["--district", "", "-o", "r"], "no district '': use one of craven, "),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(tmp_path, args, message):
    result = run(*args)
    assert result.exit_code == ExitCode.USAGE
    assert message in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "r").exists()


def test_district_by_id_or_name_in_any_case_and_the_force(example, tmp_path):
    result = run("-i", example, "-o", "r", "--district", "YORK", "--district", "craven,Force")
    assert result.exit_code == 0, result.output
    assert _files(tmp_path / "r") == [
        ".nypconsol-handover-html.json", "craven.html", "force.html", "index.html", "york.html",
    ]  # fmt: skip
    index = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'href="([^"]+)"', index) == ["craven.html", "york.html", "force.html"]
    by_name = run("-i", example, "--district", "north yorkshire police", "--format", "json")
    assert by_name.exit_code == 2  # the force is "force", not its name


def test_json_without_output_is_one_document_true_to_the_schema(example):
    result = run("-i", example, "--format", "json", "--district", "harrogate")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(load_schema("handover")).validate(document)
    assert (document["kind"], document["report"]) == ("handover", "all")
    harrogate = document["districts"][0]
    assert [d["handle"] for d in harrogate["destinations"]] == [
        "NYP_Harrogate",
        "NYPHarrogate",
        "northyorkshirepolice",
    ]
    assert harrogate["destinations"][2]["force_wide"] is True


def test_json_files_with_output(example, tmp_path):
    assert run("-i", example, "-o", "j", "--format", "json").exit_code == 0
    validator = jsonschema.Draft202012Validator(load_schema("handover"))
    for path in (tmp_path / "j").glob("*.json"):
        if not path.name.startswith("."):
            validator.validate(json.loads(path.read_text(encoding="utf-8")))
    index = json.loads((tmp_path / "j" / "index.json").read_text(encoding="utf-8"))
    assert [row["file"] for row in index["index"]["districts"]] == [
        f"{d}.json" for d in [*DISTRICTS, "force"]
    ]


def test_a_district_called_index_keeps_its_own_file(tmp_path):
    (tmp_path / "c.yaml").write_text(
        "placeholders: no\n"
        "force: {name: F, accounts: {x: ForceX}, reporting: {emergency: '999', "
        "non_emergency: '101', online: 'https://example.org'}}\n"
        "districts:\n  index: {name: Index Town, accounts: {x: IndexX}, areas: [Here]}\n"
        "policy: {start: 2027-01-11, notice_days: 14}\n"
        "accounts: [{handle: HerePC, platform: x, area: Here, owner: PC Here}]\n",
        encoding="utf-8",
    )
    result = run("-c", "c.yaml", "-o", "r", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert _files(tmp_path / "r") == [
        ".nypconsol-handover-markdown.json", "district.index.md", "index.md",
    ]  # fmt: skip
    assert "[Index Town](district.index.md)" in (tmp_path / "r" / "index.md").read_text()


DEVICE_NAMES_CONFIG = (
    "placeholders: no\n"
    "force: {name: F, accounts: {x: ForceX}, reporting: {emergency: '999', "
    "non_emergency: '101', online: 'https://example.org'}}\n"
    "districts:\n"
    "  con: {name: Coniston, accounts: {x: ConX}, areas: [Here]}\n"
    "  lpt1: {name: Lupton, accounts: {x: LuptonX}, areas: [There]}\n"
    "policy: {start: 2027-01-11, notice_days: 14}\n"
    "accounts: [{handle: HerePC, platform: x, area: Here}, {handle: TherePC, platform: x, "
    "area: There}]\n"
)


def test_district_ids_windows_keeps_for_devices_get_names_windows_can_write(tmp_path):
    """A file or folder named con, nul, lpt1 (with any extension) cannot be made on Windows,
    where the reports and notices are often kept on a shared drive."""
    (tmp_path / "c.yaml").write_text(DEVICE_NAMES_CONFIG, encoding="utf-8")
    result = run("-c", "c.yaml", "-o", "r", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert _files(tmp_path / "r") == [
        ".nypconsol-handover-markdown.json", "district.con.md", "district.lpt1.md", "index.md",
    ]  # fmt: skip
    assert "[Coniston](district.con.md)" in (tmp_path / "r" / "index.md").read_text()
    notices = CliRunner().invoke(cli, ["notices", "-c", "c.yaml", "-o", "n"])
    assert notices.exit_code == 0, notices.output
    folders = sorted(p.name for p in (tmp_path / "n").iterdir() if p.is_dir())
    assert folders == ["district.con", "district.lpt1", "hootsuite", "sprout"]
    schedule = (tmp_path / "n" / "schedule.csv").read_text(encoding="utf-8-sig")
    assert "district.con/x-HerePC.announcement.txt" in schedule


# --- golden Markdown -------------------------------------------------------------------------


def test_golden_markdown_of_the_shipped_example(example, tmp_path):
    result = run("-i", example, "-o", "md", "--format", "markdown")
    assert result.exit_code == 0, result.output
    written = {p.name: p.read_bytes() for p in (tmp_path / "md").glob("*.md")}
    if os.environ.get("NYPCONSOL_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        GOLDEN.mkdir(parents=True)
        for name, data in written.items():
            (GOLDEN / name).write_bytes(data)
    golden = {p.name: p.read_bytes() for p in GOLDEN.glob("*.md")}
    assert (
        sorted(written)
        == sorted(golden)
        == sorted(["index.md", "force.md", *(f"{d}.md" for d in DISTRICTS)])
    )
    for name, data in written.items():
        assert data == golden[name], f"{name} differs from tests/golden/handover/{name}"


# --- PDF ---------------------------------------------------------------------------------------


def test_pdf_without_weasyprint_is_a_clear_usage_error(example, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint -> ImportError
    result = run("-i", example, "-o", "p", "--format", "pdf")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == (
        "Error: --format pdf needs WeasyPrint, the pdf extra: pip install 'nypconsol[pdf]' "
        "(or write --format html and print it from a browser)\n"
    )
    assert not (tmp_path / "p").exists()


def _weasyprint_loads() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


@pytest.mark.skipif(
    not _weasyprint_loads(),
    reason="WeasyPrint (pip install 'nypconsol[pdf]') or Pango (libpango-1.0-0) is missing",
)
def test_pdf_reports_printed_on_a4(example, tmp_path):
    result = run("-i", example, "-o", "p", "--format", "pdf", "--district", "harrogate")
    assert result.exit_code == 0, result.output
    assert _files(tmp_path / "p") == [".nypconsol-handover-pdf.json", "harrogate.pdf", "index.pdf"]
    report = (tmp_path / "p" / "harrogate.pdf").read_bytes()
    assert (
        report.startswith(b"%PDF-") and (tmp_path / "p" / "index.pdf").read_bytes()[:5] == b"%PDF-"
    )
    again = run("-i", example, "-o", "p2", "--format", "pdf", "--district", "harrogate")
    assert again.exit_code == 0
    assert (tmp_path / "p2" / "harrogate.pdf").read_bytes() == report  # same inputs, same bytes


@pytest.mark.skipif(not _weasyprint_loads(), reason="WeasyPrint or Pango is missing")
def test_the_pdf_layout_is_a4_with_the_checklist_and_sign_off_on_their_own_pages():
    import weasyprint

    from nypconsol.core.handover import build_handover
    from nypconsol.pipeline import check, load_inputs, make_plan
    from nypconsol.render.handover_html import district_html

    handover = build_handover(make_plan(check(load_inputs(None, str(EXAMPLE_INVENTORY)))))
    harrogate = next(r for r in handover.reports if r.id == "harrogate")
    html = district_html(handover, harrogate, "pdf")
    assert "<a href" not in html  # a PDF has no neighbouring files to link to
    document = weasyprint.HTML(string=html).render()
    sizes = {(round(p.width * 0.75), round(p.height * 0.75)) for p in document.pages}
    assert sizes == {(595, 842)}  # A4 in points (CSS px * 0.75)
    starts = {
        name: (n, box[1]) for n, p in enumerate(document.pages) for name, box in p.anchors.items()
    }
    assert list(starts) == [
        "destinations", "accounts", "retained", "skipped", "voices", "totals", "checklist", "sign-off",
    ]  # fmt: skip
    top = 14 / 25.4 * 96  # the page's top margin (14 mm) in CSS px
    for name in ("checklist", "sign-off"):  # each starts a page, right under its top margin
        page, y = starts[name]
        assert list(document.pages[page].anchors) == [name] and y < top + 20, (name, y)
    assert starts["sign-off"][0] > starts["checklist"][0] > starts["destinations"][0] == 0


# --- the progress ledger ---------------------------------------------------------------------


def _harrogate_checklists(result) -> dict[str, list[dict]]:  # type: ignore[no-untyped-def]
    document = json.loads(result.stdout)
    (harrogate,) = [d for d in document["districts"] if d["id"] == "harrogate"]
    return {a["handle"]: a["checklist"] for a in harrogate["consolidated"]}


def test_without_a_ledger_the_checklist_has_no_states(example):
    result = run("-i", example, "--format", "json", "--district", "harrogate")
    assert result.exit_code == 0, result.output
    checklist = _harrogate_checklists(result)["HarrogateCops"]
    assert {step["state"] for step in checklist} == {None}
    assert "Ledger:" not in result.stderr


def test_the_checklist_shows_the_states_of_a_reachable_ledger(example):
    recorded = CliRunner().invoke(
        cli,
        ["record", "-i", example, "--start", "2026-11-02", "HarrogateCops", "announced",
         "--by", "PC 9 Test", "--at", "2026-11-02 09:05", "--note", "pinned"],
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    assert Path("nypconsol-ledger.sqlite").exists()  # the default ledger, in the working folder
    result = run(
        "-i", example, "--start", "2026-11-02", "--format", "json", "--district", "harrogate"
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    steps = {s["step"]: s for s in _harrogate_checklists(result)["HarrogateCops"]}
    assert (steps["announced"]["state"], steps["announced"]["by"]) == ("done", "PC 9 Test")
    assert steps["closed"]["state"] in ("not_yet", "due", "overdue")
    assert "Ledger: nypconsol-ledger.sqlite" in result.stderr


def test_a_ledger_named_but_missing_is_an_error_not_a_silent_report(example, tmp_path):
    result = run("-i", example, "--ledger", str(tmp_path / "nowhere.sqlite"))
    assert result.exit_code == ExitCode.FAILURE
    assert "nowhere.sqlite" in result.stderr
    assert "Traceback" not in result.output
