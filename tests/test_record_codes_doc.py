"""The README's record-code table (under ``nypconsol record``) is the code's list: every
RecordCode, its severity and meaning; and the checklist table names the steps in order."""

from __future__ import annotations

from nypconsol.core.progress import RECORD_CODES, RecordCode
from nypconsol.core.steps import STEP_NAMES
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _table_after(marker: str) -> list[list[str]]:
    """The first table after ``marker``, without its header row."""
    section = README.split(marker, 1)[1]
    rows = []
    for line in section.splitlines()[1:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if set(cells[0]) <= {"-", " "}:
            continue
        rows.append(cells)
    return rows[1:]


def test_every_record_code_is_in_the_readme_with_its_severity_and_meaning():
    rows = _table_after("Record codes, shown as")
    documented = {row[0].strip("`"): (row[1], row[2]) for row in rows}
    assert documented == {
        code.value: (severity.value, meaning) for code, (severity, meaning) in RECORD_CODES.items()
    }
    assert set(RECORD_CODES) == set(RecordCode)


def test_refusals_are_errors_and_the_rest_warnings():
    """The codes check_record refuses with are errors; those it only warns of, warnings."""
    refusing = {"step-order", "force-needs-note", "time-in-future", "nothing-to-undo"}
    assert {c.value for c, (s, _) in RECORD_CODES.items() if s.value == "error"} == refusing


def test_the_checklist_table_names_every_step_in_order():
    rows = _table_after("### The checklist")
    assert [row[0].strip("`") for row in rows] == list(STEP_NAMES)
