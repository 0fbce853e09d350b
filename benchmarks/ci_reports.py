"""Measure the CI reports of a start-date change against GitHub's limits.

GitHub shows at most 10 error and 10 warning annotations per step (50 per job), a step summary
of at most 1 MiB, and a pull-request comment of at most 65,536 characters. This runs the
documented workflow (docs/ci.md) on a generated inventory whose plan moves its start date, and
prints what each report weighs:

    python benchmarks/ci_reports.py --count 600 --count 100000 [--nypconsol PATH]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LIMITS = {"annotations": "10 + 10 per step", "summary": 1024 * 1024, "comment": 65_536}


def _run(nypconsol: str, args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NYPCONSOL")}
    environment.update(env)
    return subprocess.run(
        [nypconsol, *args], cwd=cwd, env=environment, capture_output=True, text=True, check=False
    )


def measure(nypconsol: str, count: int) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        subprocess.run(
            [
                sys.executable,
                str(REPO / "benchmarks" / "generate.py"),
                "--count",
                str(count),
                "--format",
                "csv",
                "--out",
                str(work),
            ],
            check=True,
            capture_output=True,
        )
        inventory = next(work.glob("*.csv")).name
        config = str(REPO / "config" / "accounts.yaml")
        base = ["-c", config, "-i", inventory]
        _run(nypconsol, ["plan", *base, "--start", "2027-01-11", "-o", "old.json"], work)
        _run(nypconsol, ["plan", *base, "--start", "2027-02-01", "-o", "new.json"], work)
        summary = work / "summary.md"
        check = _run(
            nypconsol,
            ["plan", *base, "--start", "2027-02-01", "--check", "old.json", "--format", "github"],
            work,
            GITHUB_STEP_SUMMARY=str(summary),
        )
        comment = _run(nypconsol, ["diff", "old.json", "new.json", "--format", "markdown"], work)
        full = _run(nypconsol, ["diff", "old.json", "new.json", "--format", "json"], work)
        lines = check.stdout.splitlines()
        return {
            "accounts": count,
            "error annotations": sum(line.startswith("::error") for line in lines),
            "warning annotations": sum(line.startswith("::warning") for line in lines),
            "step summary bytes": summary.stat().st_size if summary.exists() else 0,
            "diff markdown characters": len(comment.stdout),
            "diff json bytes": len(full.stdout.encode()),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, action="append", help="accounts (repeatable)")
    parser.add_argument("--nypconsol", default="nypconsol", help="the command to measure")
    options = parser.parse_args(argv)
    for count in options.count or [600]:
        for name, value in measure(options.nypconsol, count).items():
            print(f"{name:>26}: {value:,}")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
