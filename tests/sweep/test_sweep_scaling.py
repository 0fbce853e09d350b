"""The sweep's work grows linearly with the messages: counted in lines of nypconsol's own code
run (as tests/test_scaling.py does for plans), not timed, so it neither flakes on a busy
machine nor needs a big archive. benchmarks/sweep_bench.py measures the time itself.

Archives of N, 2N and 4N messages are read, triaged and made into the document. With linear
work, going from 2N to 4N adds twice what going from N to 2N added; anything quadratic (a
lookup that scans every message for each message, a sort inside a loop) adds four times.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sweepkit import ACCOUNTS

import nypconsol
from nypconsol.sweep.archives import read_archives
from nypconsol.sweep.document import sweep_document, triage_input

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import sweep_archives

PACKAGE = str(Path(nypconsol.__file__).parent)
BASE = 150  # messages in the smallest archive


def lines_run(path: Path) -> int:
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
        sweep = read_archives([str(path)], ACCOUNTS)
        document = sweep_document(sweep, triage_input(sweep))
    finally:
        sys.settrace(previous)
    assert not sweep.findings and document["items"]
    return count


@pytest.mark.parametrize("platform", ["x", "facebook"])
def test_sweep_work_grows_linearly(tmp_path, platform):
    write = sweep_archives.write_x if platform == "x" else sweep_archives.write_facebook
    folder = "WhitbyPolice" if platform == "x" else "MaltonPolice"
    counts = []
    for size in (BASE, BASE, 2 * BASE, 4 * BASE):  # the first run only warms caches
        path = tmp_path / folder / f"{size}.zip"
        if not path.exists():
            write(path, size, max(size // 3, 1), 7, False)
        counts.append(lines_run(path))
    _, small, middle, large = counts
    first, second = middle - small, large - middle
    assert first > 20 * BASE, "too little traced to judge: is the sweep still in nypconsol?"
    assert second / first < 2.5, f"lines run for {BASE}, {2 * BASE}, {4 * BASE}: {counts[1:]}"
