"""Measure ``nypconsol enrich`` against a fast local server, side by side with floors, as ratios:
where the time goes (reading, HTTP, the rest of the lookups, writing) and what it costs over the
least any code could do with the same requests and the same file.

    python benchmarks/enrich.py                      # 100,000 generated accounts, 3 runs
    python benchmarks/enrich.py --count 10000 --repeat 5

The inventory is benchmarks/generate.py's (45% X, 5% Mastodon, 3% Bluesky: about 5,600
requests for 100,000 rows). The server is a separate process (http.server, HTTP/1.1 keep-alive)
answering like the three APIs, every 50th account not found; it takes a core of its own, so
its time is not the client's.

- enrich (process): the console script, as a user runs it, fresh cache, stderr not a terminal.
- enrich (in process): ``enrich_inventory`` with its parts timed: reading the inventory, the
  time inside ``Transport.get`` (HTTP: sending, waiting, reading the body), the rest of the
  lookups (checking handles, parsing answers, the cache), writing OUTPUT.
- HTTP floor: the same requests, in the same order, by a bare ``requests.Session`` that reads
  nothing from the environment, bodies read and not parsed.
- file floor: ``csv.reader`` over the inventory and ``csv.writer`` writing it back with four more
  columns.

Each figure is the minimum of --repeat runs (other work on the machine only adds time).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
TOKEN = "bench-token-0123456789abcdefghijklmnopqrstuvwxyz"


class FakeApis(BaseHTTPRequestHandler):
    """X, Mastodon and Bluesky in one: every account exists but every 50th."""

    protocol_version = "HTTP/1.1"  # keep-alive, as the real APIs
    # Headers and body go out in two writes: without this, Nagle's algorithm holds the body
    # until the client's delayed ACK (40 ms a request), and that would be all we measured.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path == "/2/users/by":
            names = query.get("usernames", [""])[0].split(",")
            document = {
                "data": [_x_user(n) for n in names if _exists(n)],
                "errors": [
                    {"value": n, "detail": f"Could not find user with usernames: [{n}].",
                     "title": "Not Found Error",
                     "type": "https://api.twitter.com/2/problems/resource-not-found"}
                    for n in names if not _exists(n)
                ],
            }  # fmt: skip
            self._send(200, document)
        elif parts.path == "/api/v1/accounts/lookup":
            user = query.get("acct", [""])[0]
            if not _exists(user):
                self._send(404, {"error": "Record not found"})
            else:
                self._send(200, {"id": "1", "username": user, "acct": user, "locked": False,
                                 "followers_count": len(user) * 7,
                                 "last_status_at": "2026-11-20"})  # fmt: skip
        elif parts.path == "/xrpc/app.bsky.actor.getProfiles":
            actors = query.get("actors", [])
            self._send(200, {"profiles": [{"did": "did:plc:x", "handle": a,
                                           "followersCount": len(a)} for a in actors]})  # fmt: skip
        else:
            self._send(404, {"error": "no such endpoint"})

    def _send(self, code: int, document: object) -> None:
        body = json.dumps(document).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _exists(name: str) -> bool:
    return sum(map(ord, name)) % 50 != 0


def _x_user(name: str) -> dict[str, object]:
    return {"id": "1", "name": name, "username": name, "protected": False,
            "created_at": "2012-03-04T10:00:00.000Z",
            "public_metrics": {"followers_count": len(name) * 11}}  # fmt: skip


def serve(port: int) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", port), FakeApis)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def start_server() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", "0"], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    port = int(process.stdout.readline())
    return process, f"http://127.0.0.1:{port}"


def environment(base: str) -> dict[str, str]:
    return {
        "NYPCONSOL_X_BEARER_TOKEN": TOKEN,
        "NYPCONSOL_X_API_BASE": base,
        "NYPCONSOL_MASTODON_API_BASE": base,
        "NYPCONSOL_BLUESKY_API_BASE": base,
    }


def run_process(inventory: Path, work: Path, env: dict[str, str]) -> float:
    console = Path(sys.executable).with_name("nypconsol")
    args = [str(console)] if console.exists() else [sys.executable, "-m", "nypconsol"]
    for stale in work.glob("out.csv*"):
        stale.unlink()
    started = time.perf_counter()
    done = subprocess.run(
        [*args, "enrich", "-i", str(inventory), "-o", "out.csv", "--quiet"],
        cwd=work,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"enrich failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def run_in_process(inventory: Path, work: Path, env: dict[str, str]) -> dict[str, object]:
    """One enrichment with its parts timed, and the requests it made (for the HTTP floor)."""
    import nypconsol.enrich.http as http
    import nypconsol.enrich.run as run

    for stale in work.glob("out.csv*"):
        stale.unlink()
    spent = {"read": 0.0, "http": 0.0, "write": 0.0}
    requests_made: list[tuple[str, object]] = []
    original_get, original_read, original_write = (
        http.Transport.get,
        run.read_inventory,
        run.write_enriched,
    )

    def timed(name, function):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started

        return wrapper

    def get(self, url, *, params=None, token=None, what):  # type: ignore[no-untyped-def]
        requests_made.append((url, params))
        return original_get(self, url, params=params, token=token, what=what)

    http.Transport.get = timed("http", get)  # type: ignore[method-assign]
    run.read_inventory = timed("read", original_read)
    run.write_enriched = timed("write", original_write)
    try:
        started = time.perf_counter()
        result = run.enrich_inventory(inventory, work / "out.csv", environ=env)
        total = time.perf_counter() - started
    finally:
        http.Transport.get = original_get  # type: ignore[method-assign]
        run.read_inventory, run.write_enriched = original_read, original_write
    return {
        "total": total,
        **spent,
        "lookup_rest": total - sum(spent.values()),
        "requests": requests_made,
        "accounts": len(result.run.results),
        "rows": len(result.document.rows),
    }


def http_floor(requests_made: list[tuple[str, object]]) -> float:
    import requests

    session = requests.Session()
    session.trust_env = False  # no proxy or certificate variables read per request: the least
    started = time.perf_counter()
    for url, params in requests_made:
        headers = {"Authorization": f"Bearer {TOKEN}"} if "/2/users/by" in url else None
        session.get(url, params=params, headers=headers, timeout=(10, 30)).content  # noqa: B018
    elapsed = time.perf_counter() - started
    session.close()
    return elapsed


def file_floor(inventory: Path, work: Path) -> float:
    started = time.perf_counter()
    with inventory.open(encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*rows[0], "lookup_status", "lookup_detail", "lookup_at"])
    for row in rows[1:]:
        writer.writerow([*row, "found", "", "2026-11-30T09:15:00Z"])
    (work / "floor.csv").write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode())
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.serve is not None:
        serve(options.serve)
        return 0

    from generate import ensure

    data = Path(tempfile.gettempdir()) / "nypconsol-bench"
    inventory = ensure(data, options.count, ["csv"])["csv"]
    server, base = start_server()
    env = environment(base)
    try:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            process_runs, parts, http_runs, file_runs = [], [], [], []
            for _ in range(options.repeat):
                process_runs.append(run_process(inventory, work, env))
                parts.append(run_in_process(inventory, work, env))
                http_runs.append(http_floor(parts[-1]["requests"]))  # type: ignore[arg-type]
                file_runs.append(file_floor(inventory, work))
    finally:
        server.terminate()
        server.wait()

    best = min(parts, key=lambda p: p["total"])  # type: ignore[arg-type,return-value]
    total = float(best["total"])  # type: ignore[arg-type]
    floor_http, floor_file = min(http_runs), min(file_runs)
    print(
        f"{best['rows']:,} rows, {best['accounts']:,} looked up, "
        f"{len(best['requests']):,} requests (min of {options.repeat})"  # type: ignore[arg-type]
    )
    print(f"enrich, the console script     {min(process_runs):8.2f} s")
    print(f"enrich, in process             {total:8.2f} s")
    for name, label in (
        ("read", "reading the inventory"),
        ("http", "HTTP (inside Transport.get)"),
        ("lookup_rest", "lookups besides HTTP"),
        ("write", "writing OUTPUT"),
    ):
        value = float(best[name])  # type: ignore[arg-type]
        print(f"  {label:28} {value:8.2f} s  {value / total:6.1%}")
    print(f"HTTP floor (bare Session)      {floor_http:8.2f} s")
    print(f"file floor (csv read + write)  {floor_file:8.2f} s")
    ratio = total / (floor_http + floor_file)
    print(f"ratio in process / (HTTP floor + file floor): {ratio:.2f}x")
    print(f"ratio HTTP / HTTP floor: {float(best['http']) / floor_http:.2f}x")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
