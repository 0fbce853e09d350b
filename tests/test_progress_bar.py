"""Progress (issue 10): the loaders and the checks report rows done to a plain callback; the
CLI shows a bar on stderr, with rows per second, when the work takes over about a second at a
terminal; never when stderr is not a terminal, and never with --quiet."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nypconsol.core.work_progress import EVERY
from nypconsol.pipeline import check, load_inputs
from tests.conftest import DEFAULT_CONFIG

ROWS = 5000


def _rows(count: int = ROWS) -> list[dict[str, str]]:
    return [{"handle": f"PC_{n}", "platform": "x", "area": "Skipton"} for n in range(count)]


@pytest.fixture
def inventories(tmp_path: Path) -> dict[str, Path]:
    rows = _rows()
    csv_text = "handle,platform,area\n" + "".join(
        f"{r['handle']},{r['platform']},{r['area']}\n" for r in rows
    )
    (tmp_path / "inv.csv").write_text(csv_text, encoding="utf-8")
    (tmp_path / "inv.json").write_text(json.dumps(rows), encoding="utf-8")
    (tmp_path / "inv.yaml").write_text(
        "".join(f"- {{handle: {r['handle']}, platform: x, area: Skipton}}\n" for r in rows),
        encoding="utf-8",
    )
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["handle", "platform", "area"])
    for r in rows:
        workbook.active.append([r["handle"], r["platform"], r["area"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    (tmp_path / "inv.xlsx").write_bytes(buffer.getvalue())
    return {p.suffix[1:]: p for p in tmp_path.glob("inv.*")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "yaml"])
def test_loading_and_checking_report_their_rows(inventories, fmt: str) -> None:
    heard: list[tuple[str, int, int | None]] = []

    def report(stage: str, done: int, total: int | None) -> None:
        heard.append((stage, done, total))

    inputs = load_inputs(str(DEFAULT_CONFIG), str(inventories[fmt]), environ={}, progress=report)
    checked = check(inputs, progress=report)
    assert not checked.errors
    stages = list(dict.fromkeys(stage for stage, _, _ in heard))
    assert stages == [f"Reading {inventories[fmt]}", "Checking", "Resolving"]
    for stage in stages:
        counts = [done for name, done, _ in heard if name == stage]
        assert counts == sorted(counts)
        assert counts[0] == 0
        assert len(counts) >= ROWS // EVERY + 1  # every EVERY rows, and the end
    last = {stage: (done, total) for stage, done, total in heard}
    header = 1 if fmt in ("csv", "xlsx") else 0
    assert last[f"Reading {inventories[fmt]}"] == (ROWS + header, ROWS + header)
    assert last["Checking"] == (ROWS, ROWS)
    assert last["Resolving"] == (ROWS, ROWS)


def test_writing_a_workbook_reports_its_accounts(inventories) -> None:
    from nypconsol.pipeline import make_plan
    from nypconsol.render.xlsxfile import plan_xlsx

    plan = make_plan(check(load_inputs(str(DEFAULT_CONFIG), str(inventories["csv"]), environ={})))
    heard: list[tuple[str, int, int | None]] = []
    plan_xlsx(plan, progress=lambda stage, done, total: heard.append((stage, done, total)))
    assert heard[0] == ("Writing the workbook", 0, ROWS)
    assert heard[-1] == ("Writing the workbook", ROWS, ROWS)
    assert len(heard) == ROWS // EVERY + 2


def test_no_progress_callback_costs_no_wrapping() -> None:
    from nypconsol.core.work_progress import reported

    items = [1, 2, 3]
    assert reported(items, None, "x", 3) is items


# --- at a terminal -------------------------------------------------------------------------------


def _run(args: list[str], cwd: Path, *, stderr_tty: bool, show_after: float = 0.0) -> str:
    """The CLI in a real process with the bar's delay set to ``show_after``; what it wrote to
    stderr (a pseudo-terminal when ``stderr_tty``)."""
    script = textwrap.dedent(
        f"""
        import sys
        import nypconsol.cli.progress as progress
        progress.SHOW_AFTER = {show_after!r}
        import time
        import nypconsol.core.plan as plan
        real = plan.parse_record
        def slowly(*args, **kwargs):  # checking takes a moment: the bar has time to show
            time.sleep(0.0001)
            return real(*args, **kwargs)
        plan.parse_record = slowly
        sys.argv = {["nypconsol", *args]!r}
        from nypconsol.cli import run
        run()
        """
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NYPCONSOL")}
    environment.update({"TERM": "xterm-256color", "COLUMNS": "120"})
    environment.pop("NO_COLOR", None)
    if not stderr_tty:
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=cwd, env=environment, capture_output=True,
            text=True, timeout=120,
        )  # fmt: skip
        return done.stderr
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=cwd, env=environment,
            stdout=subprocess.DEVNULL, stderr=follower, timeout=120,
        )  # fmt: skip
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_bar_with_rows_per_second_at_a_terminal(inventories) -> None:
    folder = inventories["csv"].parent
    shown = _run(["validate", "-c", str(DEFAULT_CONFIG), "-i", "inv.csv"], folder, stderr_tty=True)
    assert "Checking" in shown
    assert " rows/s" in shown
    assert f"{ROWS}/{ROWS}" in shown
    assert "━" in shown


def test_no_bar_for_quick_work(inventories) -> None:
    folder = inventories["csv"].parent
    shown = _run(
        ["validate", "-c", str(DEFAULT_CONFIG), "-i", "inv.csv"], folder, stderr_tty=True,
        show_after=60.0,
    )  # fmt: skip
    assert "rows/s" not in shown


def test_no_bar_with_quiet(inventories) -> None:
    folder = inventories["csv"].parent
    for command in ("validate", "plan"):
        shown = _run(
            [command, "-c", str(DEFAULT_CONFIG), "-i", "inv.csv", "--quiet"], folder,
            stderr_tty=True,
        )  # fmt: skip
        assert "rows/s" not in shown
        assert "━" not in shown


def test_no_bar_when_stderr_is_not_a_terminal(inventories) -> None:
    folder = inventories["csv"].parent
    stderr = _run(
        ["plan", "-c", str(DEFAULT_CONFIG), "-i", "inv.csv", "-o", "p.json"], folder,
        stderr_tty=False,
    )  # fmt: skip
    assert "rows/s" not in stderr
    assert "\x1b" not in stderr
    assert stderr.endswith("Wrote the plan (5000 accounts, json) to p.json\n")
