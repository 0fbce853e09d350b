"""Several officers recording at once through the real ``nypconsol record`` command, on SQLite
and on PostgreSQL: 8 processes x 100 records started together lose nothing, number the events
without gaps, and ``nypconsol log --verify`` passes. A few records through the console script
itself check the same at the level of whole processes."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nypconsol.render.phrases import plural

from .cli_helpers import START, write_inputs

WORKER = Path(__file__).with_name("cli_record_worker.py")
PROCESSES, RECORDS = 8, 100
HANDLES = [f"Worker{n}" for n in range(PROCESSES)]
INVENTORY = "handle,platform,area\n" + "".join(f"{h},x,Skipton\n" for h in HANDLES)


def nypconsol() -> list[str]:
    script = Path(sys.executable).with_name("nypconsol")
    return [str(script)] if script.exists() else [sys.executable, "-m", "nypconsol"]


def verified_log(location: str, folder: Path) -> list[dict]:
    """``nypconsol log --verify --format json`` as a process: it must pass."""
    result = subprocess.run(
        [*nypconsol(), "log", "--verify", "--format", "json", "--ledger", location],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout)["events"]
    assert f": {plural(len(events), 'event')}, the hash chain is whole; head hash " in result.stderr
    return events


def check_trail(events: list[dict], printed: dict[str, list[int]], records: int) -> None:
    total = len(printed) * records
    assert sorted(i for ids in printed.values() for i in ids) == list(range(1, total + 1))
    assert [e["id"] for e in events] == list(range(1, total + 1))
    for handle, ids in printed.items():
        mine = [e for e in events if e["handle"] == handle]
        assert [e["note"] for e in mine] == [f"{handle} {n}" for n in range(1, records + 1)]
        assert [e["id"] for e in mine] == ids
        assert {e["by"] for e in mine} == {handle}


def test_eight_processes_recording_through_the_command_lose_nothing(backend, clean_env):
    write_inputs(clean_env, INVENTORY)
    go = clean_env / "go"

    def worker(handle: str) -> subprocess.Popen:
        arguments = [clean_env, backend.location, handle, RECORDS, START.isoformat(), go]
        return subprocess.Popen(
            [sys.executable, str(WORKER), *map(str, arguments)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    workers = [worker(handle) for handle in HANDLES]
    go.touch()
    printed: dict[str, list[int]] = {}
    for handle, worker in zip(HANDLES, workers, strict=True):
        out, err = worker.communicate(timeout=900)
        assert worker.returncode == 0, err
        printed[handle] = [int(line) for line in out.split()]
    events = verified_log(backend.location, clean_env)
    check_trail(events, printed, RECORDS)
    # The writers really interleaved: not one after another.
    owners = [e["handle"] for e in events]
    assert sum(a != b for a, b in itertools.pairwise(owners)) > PROCESSES


def test_the_console_script_itself_recording_from_eight_processes(backend, clean_env):
    write_inputs(clean_env, INVENTORY)
    records = 3
    command = [*nypconsol(), "record"]
    options = ["-c", "config.yaml", "-i", "inventory.csv", "--start", START.isoformat()]

    def officer(handle: str) -> list[int]:
        ids = []
        for number in range(1, records + 1):
            step = ["announced", "swept", "access_granted"][number - 1]
            result = subprocess.run(
                [*command, handle, step, *options, "--ledger", backend.location,
                 "--by", handle, "--note", f"{handle} {number}"],
                capture_output=True,
                text=True,
                cwd=clean_env,
                env={**os.environ, "NO_COLOR": "1"},
                timeout=300,
            )  # fmt: skip
            assert result.returncode == 0, result.stderr
            assert result.stdout.startswith(f"Recorded in the ledger {backend.location}: event ")
            ids.append(int(result.stdout.split(": event ", 1)[1].split(",", 1)[0]))
        return ids

    with ThreadPoolExecutor(PROCESSES) as pool:
        printed = dict(zip(HANDLES, pool.map(officer, HANDLES), strict=True))
    check_trail(verified_log(backend.location, clean_env), printed, records)
