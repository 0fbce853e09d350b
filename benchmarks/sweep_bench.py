"""Measure the archive sweep as a ratio to parsing the same archive files with json alone.

    python benchmarks/sweep_bench.py                          # 10,000 and 1,000,000 messages
    python benchmarks/sweep_bench.py --sizes 10000,100000 --platforms x --repeat 3
    python benchmarks/sweep_bench.py --memory 200000          # peak memory vs largest file
    python benchmarks/sweep_bench.py --command                # the command itself, with -o DIR

Each figure is the wall time of a fresh process. The floor opens the same zip, reads each
message file (X's data/direct-messages*.js, Meta's message_N.json) and parses it with the
standard json module, and nothing else. The sweep process runs what ``nypconsol sweep`` will:
read_into (every message into the sweep's private temporary store), sweep_result (triage,
each item written to the store) and the JSON document drawn from the store an item at a time,
and reports how long each part took. Floor and sweep run interleaved, so load
from other work falls on both; the table shows the minimum of the runs (other work only ever
adds time). Each child's CPU time (user + system, from wait4(2)) is shown too: on a machine
shared with other work a process can wait for a core, which wall time counts and CPU time does
not, so CPU ratios are the steadier figure. Peak memory is the child's maximum resident set
size, from the same wait4(2).

With ``--command`` the sweep process is the command itself, ``nypconsol sweep -c CFG -i INV
ARCHIVE -o DIR`` (the summary to a file, and every district's CSV and HTML worklist and
sweep.json written owner-only), so the figure includes the mapping and plan, the summary and
the worklists; its parts are not shown.

Archives are generated once (benchmarks/sweep_archives.py) into $TMPDIR/nypconsol-sweep-bench
(--data to move them) and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import sweep_archives  # noqa: E402

MIB = 1024 * 1024
CONFIG = """\
placeholders: no
force:
  name: Benchmark Force
  accounts: {x: BenchForce, facebook: BenchForcePage}
  reporting: {emergency: "999", non_emergency: "101", online: "https://example.invalid/report"}
districts:
  ryedale: {name: Ryedale, accounts: {x: NYP_Ryedale}, areas: [Malton]}
  scarborough: {name: Scarborough, accounts: {x: NYP_Scarboro}, areas: [Whitby]}
policy: {start: 2027-01-11, notice_days: 14}
"""
INVENTORY = "handle,platform,area\nWhitbyPolice,x,Whitby\nMaltonPolice,facebook,Malton\n"

FLOOR = r"""
import json, re, sys, zipfile
data_file = re.compile(r"(data/direct-messages[^/]*\.js|.*/message_[0-9]+\.json)$")
count = 0
with zipfile.ZipFile(sys.argv[1]) as archive:
    for info in archive.infolist():
        if not data_file.match(info.filename):
            continue
        text = archive.read(info).decode("utf-8")
        if text.startswith("window."):
            text = text[text.index("=") + 1 :]
        count += len(json.loads(text))
print(count)
"""

SWEEP = r"""
import json, sys, time
clock = time.process_time
start = clock()
from nypconsol.render.registry import render
from nypconsol.sweep import SweepStore, read_into, sweep_result
from nypconsol.sweep.model import SweepAccount
accounts = [
    SweepAccount(handle="WhitbyPolice", platform="x", district="scarborough"),
    SweepAccount(handle="MaltonPolice", platform="facebook", district="ryedale"),
]
phases = {"import": clock() - start}
with SweepStore() as store:
    mark = clock()
    read = read_into(store, [sys.argv[1]], accounts)
    phases["read"] = clock() - mark
    mark = clock()
    result = sweep_result(store, read)
    phases["triage"] = clock() - mark
    mark = clock()
    size = sum(len(chunk) for chunk in render("sweep", "json", result))
    phases["json"] = clock() - mark
    items = result.head["summary"]["items"]
assert not read.findings, [f.as_dict() for f in read.findings]
print(json.dumps({"phases": phases, "items": items, "bytes": size}))
"""


def run_once(
    command: list[str], cwd: Path | None = None, *, keep_output: bool = True
) -> tuple[float, float, int, str]:
    """Wall time, CPU time, peak RSS (KiB) and standard output of one fresh process (not kept
    when ``keep_output`` is False: reading a large one would grow this process, and a child's
    peak from wait4 starts at its parent's size)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=out if keep_output else subprocess.DEVNULL,
            stderr=err,
            cwd=cwd,
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if status != 0:
            raise SystemExit(f"{command[:3]} failed:\n{err.read().decode()[-2000:]}")
        cpu = usage.ru_utime + usage.ru_stime
        return elapsed, cpu, usage.ru_maxrss, out.read().decode()


def archive_for(data: Path, platform_id: str, messages: int, part_messages: int) -> Path:
    folder = "WhitbyPolice" if platform_id == "x" else "MaltonPolice"
    path = data / folder / f"{platform_id}-{messages}-{part_messages}.zip"
    if not path.exists():
        print(f"  generating {path.name} ...", flush=True)
        partial = path.with_suffix(".partial")
        writer = sweep_archives.write_x if platform_id == "x" else sweep_archives.write_facebook
        writer(partial, messages, part_messages, 1, False)
        partial.rename(path)
    return path


SIZES = r"""
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    data = [i for i in archive.infolist() if i.filename.endswith((".js", ".json"))]
print(json.dumps({"data": sum(i.file_size for i in data), "largest": max(i.file_size for i in data), "files": len(data)}))
"""


def sizes_of(path: Path) -> dict:
    """The archive's data files, listed by a child process: listing 154,712 entries would grow
    this process by some 180 MiB, and a child's peak (from wait4) starts at its parent's size."""
    done = subprocess.run(
        [sys.executable, "-c", SIZES, str(path)], capture_output=True, text=True, check=True
    )
    sizes = json.loads(done.stdout)
    return {
        "zip_mib": path.stat().st_size / MIB,
        "data_mib": sizes["data"] / MIB,
        "largest_mib": sizes["largest"] / MIB,
        "files": sizes["files"],
    }


def command_line(path: Path, data: Path, output: Path) -> list[str]:
    """``nypconsol sweep`` of one archive, with a mapping and inventory of its account."""
    (data / "bench-config.yaml").write_text(CONFIG, encoding="utf-8")
    (data / "bench-inventory.csv").write_text(INVENTORY, encoding="utf-8")
    return [
        sys.executable,
        "-m",
        "nypconsol",
        "sweep",
        "-c",
        str(data / "bench-config.yaml"),
        "-i",
        str(data / "bench-inventory.csv"),
        str(path),
        "-o",
        str(output),
    ]


def measure(path: Path, repeat: int, command: Path | None = None) -> dict:
    """Floor and sweep, in turn, ``repeat`` times; ``command`` is the data folder when the
    sweep is the command itself."""
    python = sys.executable
    floor_runs, sweep_runs = [], []
    phases: list[dict] = []
    for _ in range(repeat):
        floor_runs.append(run_once([python, "-c", FLOOR, str(path)])[:3])
        if command is None:
            seconds, cpu, rss, out = run_once([python, "-c", SWEEP, str(path)])
            phases.append(json.loads(out))
        else:
            with tempfile.TemporaryDirectory() as scratch:  # no ledger there to record in
                output = Path(scratch) / "worklists"
                seconds, cpu, rss, _ = run_once(
                    command_line(path, command, output), Path(scratch), keep_output=False
                )
                size = sum(p.stat().st_size for p in output.iterdir())
            phases.append({"phases": {}, "items": None, "bytes": size})
        sweep_runs.append((seconds, cpu, rss))
    best = min(range(repeat), key=lambda n: sweep_runs[n][1])
    return {
        "floor_s": min(s for s, _, _ in floor_runs),
        "sweep_s": min(s for s, _, _ in sweep_runs),
        "floor_cpu_s": min(c for _, c, _ in floor_runs),
        "sweep_cpu_s": min(c for _, c, _ in sweep_runs),
        "floor_rss_mib": max(r for _, _, r in floor_runs) / 1024,
        "sweep_rss_mib": max(r for _, _, r in sweep_runs) / 1024,
        "phases": phases[best]["phases"],
        "items": phases[best]["items"],
        "json_mib": phases[best]["bytes"] / MIB,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--platforms", default="x,facebook")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--part-messages", type=int, default=100_000)
    parser.add_argument(
        "--memory",
        type=int,
        metavar="N",
        help="instead: N messages of X in parts of N/10 and in one file, to compare peak memory",
    )
    parser.add_argument(
        "--data", type=Path, default=Path(tempfile.gettempdir()) / "nypconsol-sweep-bench"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--command",
        action="store_true",
        help="measure the command (nypconsol sweep ... -o DIR) instead of the library calls",
    )
    args = parser.parse_args()
    print(
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, repeat {args.repeat}",
        flush=True,
    )
    results = []
    if args.memory:
        runs = [("x", args.memory, args.memory // 10), ("x", args.memory, args.memory)]
    else:
        runs = [
            (p, int(n), args.part_messages)
            for p in args.platforms.split(",")
            for n in args.sizes.split(",")
        ]
    for platform_id, messages, parts in runs:
        path = archive_for(args.data, platform_id, messages, parts)
        figures = {"platform": platform_id, "messages": messages, "part_messages": parts}
        figures |= sizes_of(path)
        figures |= measure(path, args.repeat, args.data if args.command else None)
        results.append(figures)
        phases = ", ".join(f"{k} {v:.2f}s" for k, v in figures["phases"].items())
        print(
            f"{platform_id:8} {messages:>9,} msgs  files {figures['files']:>6}  "
            f"data {figures['data_mib']:7.1f} MiB (largest {figures['largest_mib']:6.1f})  "
            f"\n    wall: floor {figures['floor_s']:7.2f}s  sweep {figures['sweep_s']:7.2f}s  "
            f"ratio {figures['sweep_s'] / figures['floor_s']:5.1f}x"
            f"\n    CPU:  floor {figures['floor_cpu_s']:7.2f}s  sweep {figures['sweep_cpu_s']:7.2f}s  "
            f"ratio {figures['sweep_cpu_s'] / figures['floor_cpu_s']:5.1f}x"
            f"\n    peak: floor {figures['floor_rss_mib']:6.0f} MiB  sweep {figures['sweep_rss_mib']:6.0f} MiB"
            + (f"\n    sweep CPU by part: {phases}" if phases else ""),
            flush=True,
        )
    by_platform: dict[str, list[dict]] = {}
    for figures in results:
        by_platform.setdefault(figures["platform"], []).append(figures)
    for platform_id, rows in by_platform.items():
        rows.sort(key=lambda r: r["messages"])
        if len(rows) >= 2 and rows[0]["messages"] != rows[-1]["messages"]:
            size = rows[-1]["messages"] / rows[0]["messages"]
            for key, name in (("sweep_s", "wall"), ("sweep_cpu_s", "CPU")):
                grew = rows[-1][key] / rows[0][key]
                per = [r[key] / r["messages"] * 1e6 for r in (rows[0], rows[-1])]
                print(
                    f"{platform_id}: {size:.0f}x the messages took {grew:.1f}x the {name} time "
                    f"({per[0]:.0f} -> {per[1]:.0f} us a message)"
                )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
