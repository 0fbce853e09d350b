"""Several processes recording at once, on SQLite and on PostgreSQL: 8 processes x 100
records started together lose nothing, number the events without gaps and leave a chain that
verifies."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

from nypconsol.ledger import open_ledger

WORKER = Path(__file__).with_name("record_worker.py")
PROCESSES, RECORDS = 8, 100


def test_eight_processes_recording_at_once_lose_nothing(backend, tmp_path):
    with open_ledger(backend.location, create=True):
        pass
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), backend.location, f"w{n}", str(RECORDS), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    go.touch()
    printed: dict[str, list[int]] = {}
    for n, worker in enumerate(workers):
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        printed[f"w{n}"] = [int(line) for line in out.split()]

    total = PROCESSES * RECORDS
    all_printed = sorted(i for ids in printed.values() for i in ids)
    assert all_printed == list(range(1, total + 1))
    with open_ledger(backend.location) as ledger:
        events = ledger.events()
        assert [e.id for e in events] == list(range(1, total + 1))
        for name, ids in printed.items():
            mine = [e for e in events if e.handle == name]
            assert [e.note for e in mine] == [f"{name} {i}" for i in range(1, RECORDS + 1)]
            assert [e.id for e in mine] == ids
        report = ledger.verify()
        assert report.ok and report.events == total
        # The writers really interleaved: not one after another.
        owners = [e.handle for e in events]
        assert sum(a != b for a, b in itertools.pairwise(owners)) > PROCESSES
