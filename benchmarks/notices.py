"""Closure notices for a large inventory, as ratios to ``plan`` on the same inventory (issue 11).

    python benchmarks/notices.py                 # 10,000 accounts, 5 runs each
    python benchmarks/notices.py --size 2000 --repeat 3

Measured side by side, interleaved, each a fresh process as in run.py (minimum of the runs):

* ``plan -i inventory.csv --format json -o plan.json``: the floor;
* ``notices -i inventory.csv --format json`` to a file: every text rendered, measured and
  checked, and the JSON written;
* ``notices -i inventory.csv -o DIR`` into a new folder each run: the same, plus every file
  of the folder (three texts and two scheduler files an account, the schedules and the
  calendar) written atomically;
* the same into the folder of the previous run, where every file is unchanged.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from run import (  # noqa: E402
    START,
    Sample,
    fmt_time,
    machine,
    nypconsol_command,
    run_once,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="accounts (default 10,000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per command")
    parser.add_argument("--data", default=None, help="folder for generated inventories (kept)")
    args = parser.parse_args(argv)
    data = Path(args.data or Path(tempfile.gettempdir()) / "nypconsol-bench")
    inventory = generate.ensure(data, args.size, ["csv"])["csv"]
    tool = nypconsol_command()
    env = run_env(data)
    print("machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()), flush=True)
    with tempfile.TemporaryDirectory(prefix="nypconsol-notices-") as folder:
        cwd = Path(folder)
        source = ["-i", str(inventory), "--start", START]
        commands = {
            "plan": [*tool, "plan", *source, "--format", "json", "-o", str(cwd / "plan.json")],
            "notices json": [*tool, "notices", *source, "--format", "json"],
        }
        samples = {name: Sample() for name in [*commands, "notices -o (new)", "notices -o (again)"]}
        for command in commands.values():  # warm-up: bytecode, the inventory in the cache
            run_once(command, cwd, env)
        for round_ in range(args.repeat):
            for name, command in commands.items():
                record(samples[name], command, cwd, env)
            fresh = cwd / f"out-{round_}"
            out = [*tool, "notices", *source, "-o", str(fresh)]
            record(samples["notices -o (new)"], out, cwd, env)
            record(samples["notices -o (again)"], out, cwd, env)
            files = sum(1 for p in fresh.rglob("*") if p.is_file())
            shutil.rmtree(fresh)
        floor = samples["plan"].best
        print(f"\n{args.size:,} accounts, {files:,} files in the folder, {args.repeat} runs each")
        print(f"{'command':<22} {'min':>9} {'median':>9} {'ratio to plan':>14}")
        for name, sample in samples.items():
            ratio = sample.best / floor
            print(
                f"{name:<22} {fmt_time(sample.best):>9} {fmt_time(sample.median):>9} "
                f"{ratio:>13.1f}x"
            )
    return 0


def record(sample: Sample, command: list[str], cwd: Path, env: dict[str, str]) -> None:
    seconds, rss = run_once(command, cwd, env)
    sample.seconds.append(seconds)
    sample.maxrss_kib.append(rss)


def run_env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"NYPCONSOL_CONFIG"}}
    env.update(NO_COLOR="1", LC_ALL="C.UTF-8", PYTHONPYCACHEPREFIX=str(data / "pycache"))
    return env


if __name__ == "__main__":
    sys.exit(main())
