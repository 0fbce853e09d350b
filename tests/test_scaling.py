"""The work of a plan grows linearly with the inventory: counted in lines of nypconsol's own code
run, not timed, so the test neither flakes on a busy machine nor needs a big inventory.

The plan of N, 2N and 4N accounts (the first rows of one generated inventory) is traced. With
linear work, going from 2N to 4N adds twice what going from N to 2N added; anything quadratic
(a duplicate or area lookup that scans a list per row, a sort inside a loop) adds four times.
Work inside C (a ``list.index``, ``x in list``) is not counted here: the benchmarks' 10,000 to
100,000 growth target covers that.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import nypconsol
from nypconsol.cli import cli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate

PACKAGE = str(Path(nypconsol.__file__).parent)  # installed or checked out: where it runs from
BASE = 120  # accounts in the smallest of the three plans


def lines_run(args: list[str]) -> int:
    """Lines of nypconsol's code executed by one CLI run (other code is not traced)."""
    count = 0

    def local(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):  # type: ignore[no-untyped-def]
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        result = CliRunner().invoke(cli, args)
    finally:
        sys.settrace(previous)
    assert result.exit_code == 0, result.output
    return count


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return generate.generate(4 * BASE, seed=11)


@pytest.mark.parametrize("fmt", ["csv", "yaml"])
def test_plan_work_grows_linearly(rows, fmt, tmp_path):
    counts = []
    for size in (BASE, BASE, 2 * BASE, 4 * BASE):  # the first run only warms caches
        inventory = tmp_path / f"inventory-{size}.{fmt}"
        buffer = io.BytesIO()
        generate.WRITERS[fmt](rows[:size], buffer)
        inventory.write_bytes(buffer.getvalue())
        args = ["plan", "-i", str(inventory), "--start", "2027-01-11", "--format", "json"]
        counts.append(lines_run([*args, "-o", str(tmp_path / "plan.json")]))
    _, small, middle, large = counts
    first, second = middle - small, large - middle
    assert first > 10 * BASE, "too little traced to judge: is the plan still in nypconsol?"
    # Linear: second == 2 * first, give or take the mix of rows; quadratic: 4 * first.
    assert second / first < 2.5, (
        f"lines run for {BASE}, {2 * BASE}, {4 * BASE} accounts: {counts[1:]}"
    )


def test_the_lean_plan_bound_plans_every_generated_account(rows, tmp_path):
    # benchmarks/lean_plan.py is the evidence quoted in benchmarks/README.md: keep it runnable.
    import json

    import lean_plan

    inventory = generate.write(rows, "csv", tmp_path / "inv.csv")
    lean_plan.lean_plan(str(inventory), str(tmp_path / "out.json"))
    records = [json.loads(line.rstrip().rstrip(",")) for line in (tmp_path / "out.json").open()]
    assert len(records) == len(rows)
    assert sorted(r["handle"] for r in records) == sorted(
        row["handle"].strip().removeprefix("@") for row in rows
    )
