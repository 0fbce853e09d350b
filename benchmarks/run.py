"""Measure every performance target of issue 5 side by side, in one run, as ratios to a floor.

    python benchmarks/run.py                    # sizes 10000,100000; csv, xlsx and yaml
    python benchmarks/run.py --quick            # sizes 1000,10000 and fewer repetitions
    python benchmarks/run.py --sizes 20000,200000 --formats csv --repeat 5

Every figure is the wall time of a fresh process (subprocess, as a user or CI runs the tool),
repeated; the table shows the minimum (the least disturbed run: other work on the machine only
ever adds time) and the median. Peak memory is the child's maximum resident set size from
wait4(2), the per-child form of getrusage(RUSAGE_CHILDREN). The tool under test is the
``nypconsol`` console script of the Python running this file, run in an empty folder so the
built-in mapping is used. Exit status 1 when any target fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

START = "2027-01-11"  # a fixed start keeps every run's output identical
MIB = 1024 * 1024

FLOORS = {
    "csv": (
        "csv.DictReader pass",
        "import csv, sys\n"
        "with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:\n"
        "    n = sum(1 for _ in csv.DictReader(f))\n",
    ),
    "xlsx": (
        "openpyxl read-only iteration",
        "import sys\n"
        "from openpyxl import load_workbook\n"
        "wb = load_workbook(sys.argv[1], read_only=True, data_only=True)\n"
        "n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))\n",
    ),
    # Reading YAML at all needs a YAML parser: PyYAML's C composer, as the tool uses.
    "yaml": (
        "PyYAML C compose",
        "import sys, yaml\nyaml.compose(open(sys.argv[1], 'rb').read(), Loader=yaml.CSafeLoader)\n",
    ),
    "json": (
        "json.load",
        "import json, sys\njson.load(open(sys.argv[1], 'rb'))\n",
    ),
}
PYYAML_ALONE = (
    "import sys, yaml\n"
    "yaml.load(open(sys.argv[1], encoding='utf-8').read(), Loader=yaml.CSafeLoader)\n"
)


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    maxrss_kib: list[int] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mib(self) -> float:
        return max(self.maxrss_kib) / 1024


@dataclass
class Result:
    target: str
    figure: str
    floor: str
    ratio: float | None
    limit: str
    passed: bool | None  # None: for information only

    def row(self) -> list[str]:
        verdict = "info" if self.passed is None else "PASS" if self.passed else "FAIL"
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}x"
        return [self.target, self.figure, self.floor, ratio, self.limit, verdict]


def run_once(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one fresh process; raises if it fails."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            err.seek(0)
            message = err.read().decode("utf-8", "replace")[-2000:]
            raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{message}")
    return elapsed, usage.ru_maxrss


def measure(commands: dict[str, list[str]], repeat: int, cwd: Path, env: dict[str, str]):
    """Run each command once to warm caches, then ``repeat`` rounds, interleaved so that load
    from other work on the machine falls on all of them alike."""
    samples = {name: Sample() for name in commands}
    for command in commands.values():
        run_once(command, cwd, env)
    for _ in range(repeat):
        for name, command in commands.items():
            seconds, rss = run_once(command, cwd, env)
            samples[name].seconds.append(seconds)
            samples[name].maxrss_kib.append(rss)
    return samples


def fmt_time(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fig(sample: Sample) -> str:
    return f"{fmt_time(sample.best)} (med {fmt_time(sample.median)})"


def ratio_result(target, tool: Sample, floor: Sample, floor_name, limit: float) -> Result:
    ratio = tool.best / floor.best
    return Result(
        target, fig(tool), f"{fmt_time(floor.best)} {floor_name}", ratio, f"<= {limit}x",
        ratio <= limit,
    )  # fmt: skip


def info(result: Result) -> Result:
    result.passed, result.limit = None, ""
    return result


def nypconsol_command() -> list[str]:
    script = Path(sys.executable).parent / "nypconsol"
    if script.exists():
        return [str(script)]
    found = shutil.which("nypconsol")
    return [found] if found else [sys.executable, "-m", "nypconsol"]


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in ("nypconsol", "click", "pyyaml", "rich", "openpyxl", "holidays"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:
            versions[name] = "-"
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        **versions,
    }


def startup_targets(tool, py, repeat, cwd, env) -> list[Result]:
    commands = {
        "import click": [py, "-c", "import click"],
        "import click, yaml": [py, "-c", "import click, yaml"],
        "--version": [*tool, "--version"],
        "--help": [*tool, "--help"],
        "validate": [*tool, "validate"],
        "plan": [*tool, "plan", "--start", START],
        "plan -i example.csv": [*tool, "plan", "-i", str(cwd / "example.csv"), "--start", START],
        "plan --format json": [*tool, "plan", "--start", START, "--format", "json"],
    }
    s = measure(commands, repeat, cwd, env)
    return [
        ratio_result("nypconsol --version", s["--version"], s["import click"], "import click", 1.5),
        ratio_result("nypconsol --help", s["--help"], s["import click"], "import click", 1.5),
        ratio_result(
            "validate (shipped example)", s["validate"], s["import click, yaml"],
            "import click, yaml", 2,
        ),
        ratio_result(
            "plan (shipped example)", s["plan"], s["import click, yaml"], "import click, yaml", 2
        ),
        info(
            ratio_result(
                "  (plan --format json, no table)", s["plan --format json"],
                s["import click, yaml"], "import click, yaml", 2,
            )
        ),
        ratio_result(
            "plan -i example-inventory.csv", s["plan -i example.csv"], s["import click, yaml"],
            "import click, yaml", 2,
        ),
    ]  # fmt: skip


def inventory_targets(tool, py, fmt, sizes, repeat, data, cwd, env) -> list[Result]:
    floor_name, floor_code = FLOORS[fmt]
    results: list[Result] = []
    tool_samples: dict[int, Sample] = {}
    out = cwd / f"plan-{fmt}.json"
    for size in sizes:
        path = generate.ensure(data, size, [fmt])[fmt]
        commands = {
            "floor": [py, "-c", floor_code, str(path)],
            "tool": [*tool, "plan", "-i", str(path), "--start", START, "--format", "json", "-o", str(out)],
        }  # fmt: skip
        if fmt == "yaml" and size == max(sizes):
            commands["pyyaml"] = [py, "-c", PYYAML_ALONE, str(path)]
        rounds = repeat if size < 50_000 else max(1, repeat - 1)
        s = measure(commands, rounds, cwd, env)
        accounts = len(json.loads(out.read_text(encoding="utf-8"))["accounts"])
        if accounts != size:
            raise SystemExit(f"{path}: the plan has {accounts} accounts, expected {size}")
        tool_samples[size] = s["tool"]
        name = f"plan {fmt} {size:,}"
        result = ratio_result(name, s["tool"], s["floor"], floor_name, 3)
        if size != max(sizes):  # the target is set at the largest size; smaller ones inform
            info(result)
        results.append(result)
        if size == max(sizes):
            peak = s["tool"].peak_mib
            results.append(
                Result(f"{name} peak RSS", f"{peak:.0f} MiB", "", None, "<= 400 MiB", peak <= 400)
            )
            if "pyyaml" in s:
                results.append(
                    Result(
                        "  (PyYAML C loader alone)", fig(s["pyyaml"]), "", s["pyyaml"].best / s["tool"].best,
                        "ratio = its time / plan's", None,
                    )
                )  # fmt: skip
    small, large = min(sizes), max(sizes)
    if small != large:
        growth = tool_samples[large].best / tool_samples[small].best
        limit = 1.1 * large / small
        results.append(
            Result(
                f"plan {fmt} growth {small:,} -> {large:,}",
                f"{fmt_time(tool_samples[small].best)} -> {fmt_time(tool_samples[large].best)}",
                "", growth, f"<= {limit:.1f}x", growth <= limit,
            )
        )  # fmt: skip
    return results


def print_table(results: list[Result]) -> None:
    header = ["target", "figure (min, median)", "floor", "ratio", "limit", "result"]
    rows = [header] + [r.row() for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for index, row in enumerate(rows):
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
        if index == 0:
            print("  ".join("-" * width for width in widths))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="inventory sizes, comma-separated")
    parser.add_argument("--formats", default="csv,xlsx,yaml", help="csv,xlsx,yaml (json too)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per command (default 5)")
    parser.add_argument("--quick", action="store_true", help="sizes 1000,10000, 3 runs each")
    parser.add_argument("--skip-startup", action="store_true", help="only the inventory targets")
    parser.add_argument("--data", default=None, help="folder for generated inventories (kept)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    sizes = [1000, 10000] if args.quick else sorted(int(s) for s in args.sizes.split(","))
    repeat = 3 if args.quick else args.repeat
    formats = list(generate.iter_formats(args.formats))
    data = Path(args.data or Path(tempfile.gettempdir()) / "nypconsol-bench")
    tool, py = nypconsol_command(), sys.executable

    info = machine()
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    print(f"tool: {' '.join(tool)}; sizes {sizes}; {repeat} runs each\n", flush=True)
    # As on a user's machine: bytecode is cached (here in a folder of its own, so the checkout
    # stays clean), and the first run of each command, not timed, writes it.
    skip = {"NYPCONSOL_CONFIG", "PYTHONDONTWRITEBYTECODE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(
        NO_COLOR="1",
        COLUMNS="80",
        LC_ALL="C.UTF-8",
        PYTHONPYCACHEPREFIX=str(data / "pycache"),
    )
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="nypconsol-bench-") as folder:
        cwd = Path(folder)  # empty: the built-in mapping is used
        shutil.copy(
            HERE.parent / "nypconsol" / "data" / "example-inventory.csv", cwd / "example.csv"
        )
        if not args.skip_startup:
            results += startup_targets(tool, py, max(repeat, 10), cwd, env)
            print_table(results)
            print(flush=True)
        for fmt in formats:
            done = len(results)
            results += inventory_targets(tool, py, fmt, sizes, repeat, data, cwd, env)
            print_table(results[done:])
            print(flush=True)
    print("All targets:")
    print_table(results)
    failed = [r for r in results if r.passed is False]
    print(f"\n{len(failed)} of {sum(r.passed is not None for r in results)} targets failed")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"machine": info, "sizes": sizes, "results": [r.__dict__ for r in results]},
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
