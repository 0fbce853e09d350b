"""A process running the real ``nypconsol record`` command (its click entry point, as the
console script runs it) COUNT times, for the commands' concurrency test.

usage: python cli_record_worker.py FOLDER LEDGER HANDLE COUNT START GO_FILE

In FOLDER (config.yaml and inventory.csv), records for HANDLE the steps announced, swept and
access_granted in turn, each with the note "HANDLE n", and prints each event's id as the
command reports it. Waits for GO_FILE first, so that several workers start together. Exits 1
with the command's output if a record fails."""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import re
import sys
import time
from pathlib import Path


def main(folder: str, ledger: str, handle: str, count: int, start: str, go_file: str) -> int:
    os.chdir(folder)
    from nypconsol.cli.app import cli

    deadline = time.monotonic() + 120
    while not Path(go_file).exists():
        if time.monotonic() > deadline:
            print("no go file", file=sys.stderr)
            return 1
        time.sleep(0.005)
    steps = itertools.cycle(["announced", "swept", "access_granted"])
    for number in range(1, count + 1):
        args = [
            "record", handle, next(steps), "-c", "config.yaml", "-i", "inventory.csv",
            "--start", start, "--ledger", ledger, "--by", handle, "--note", f"{handle} {number}",
        ]  # fmt: skip
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                cli.main(args=args, prog_name="nypconsol")
                code = 0
            except SystemExit as done:
                code = done.code or 0
        found = re.search(r": event (\d+), ", out.getvalue())
        if code != 0 or found is None:
            print(
                f"record {number} exit {code}:\n{out.getvalue()}{err.getvalue()}", file=sys.stderr
            )
            return 1
        print(found.group(1), flush=True)
    return 0


if __name__ == "__main__":
    folder, ledger, handle, count, start, go_file = sys.argv[1:7]
    sys.exit(main(folder, ledger, handle, int(count), start, go_file))
