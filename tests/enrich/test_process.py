"""``nypconsol enrich`` as a real process: Ctrl-C (a real SIGINT) in the middle of a request and
the next run carrying on from the cache; the progress bar and countdown at a terminal (a pty),
and none with --quiet."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from werkzeug import Response

from nypconsol.core.errors import ExitCode

from .conftest import normal, rate_limited


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "nypconsol", "enrich", *args]


def process_env(env: dict[str, str], **more: str) -> dict[str, str]:
    return {**os.environ, **env, **more}


def wait_for(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


@pytest.fixture
def release():
    """An event a hung answer waits on; set at the end, so no server thread is left behind."""
    event = threading.Event()
    yield event
    event.set()


@pytest.mark.parametrize(
    ("signum", "code", "said"),
    [
        (signal.SIGINT, ExitCode.INTERRUPTED, "Interrupted"),
        (signal.SIGTERM, 143, "Terminated (SIGTERM)"),  # a CI job cancelled: as for every command
    ],
)
def test_ctrl_c_in_a_request_leaves_no_output_and_the_next_run_carries_on(
    fake_x, env, tmp_path, release, signum, code, said
):
    handles = [f"beat_{n:03d}" for n in range(150)]
    for number, handle in enumerate(handles):
        fake_x.add(handle, number)
    (tmp_path / "inv.csv").write_text("handle,platform\n" + "".join(f"{h},x\n" for h in handles))

    def held(request):
        release.wait(60)
        return Response("{}", content_type="application/json")

    fake_x.fail_next(normal, held)  # the first 100 are answered; the request for the rest hangs
    running = subprocess.Popen(
        command("-i", "inv.csv", "-o", "out.csv"),
        cwd=tmp_path,
        env=process_env(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(lambda: len(fake_x.calls) == 2)
        time.sleep(0.2)  # inside the read, waiting for the answer
        running.send_signal(signum)
        out, err = running.communicate(timeout=30)
    finally:
        if running.poll() is None:
            running.kill()
    assert running.returncode == code
    assert out == b""
    assert b"Traceback" not in err
    assert err.decode().endswith(
        f"{said}: out.csv was not written; the answers so far are kept in "
        "out.csv.nypconsol-cache.sqlite: run the same command again to carry on.\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "inv.csv",
        "out.csv.nypconsol-cache.sqlite",
    ]

    release.set()
    again = subprocess.run(
        command("-i", "inv.csv", "-o", "out.csv"),
        cwd=tmp_path,
        env=process_env(env),
        capture_output=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    assert (
        b"X: 150 found, 0 not found, 0 suspended, 0 protected, 0 errors (100 from the cache)"
        in (again.stderr)
    )
    lines = (tmp_path / "out.csv").read_text().splitlines()
    assert [line.split(",")[2] for line in lines[1:]] == [str(n) for n in range(150)]
    assert [len(c["usernames"][0].split(",")) for c in fake_x.calls] == [100, 50, 50]


def run_at_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run with stderr on a pseudo-terminal; what it drew there, and its exit code."""
    import pty

    leader, follower = pty.openpty()
    running = subprocess.Popen(
        args,
        cwd=cwd,
        env=process_env(env, TERM="xterm-256color", COLUMNS="100"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    drawn = bytearray()
    try:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end closed: the process is done
                break
            if not chunk:
                break
            drawn += chunk
        code = running.wait(timeout=60)
    finally:
        os.close(leader)
        if running.poll() is None:
            running.kill()
    return code, drawn.decode("utf-8", "replace")


def test_a_progress_bar_and_a_countdown_at_a_terminal_and_none_with_quiet(
    fake_x, fake_bluesky, env, tmp_path
):
    for n in range(30):
        fake_x.add(f"beat_{n:02d}", n)
        fake_bluesky.add(f"beat{n}.bsky.social", n)
    (tmp_path / "inv.csv").write_text(
        "handle,platform\n"
        + "".join(f"beat_{n:02d},x\nbeat{n}.bsky.social,bluesky\n" for n in range(30))
    )
    fake_x.fail_next(rate_limited({"x-rate-limit-reset": str(int(time.time()) + 2)}))
    code, drawn = run_at_a_terminal(
        command("-i", "inv.csv", "-o", "out.csv", "--platform", "x", "--platform", "bsky"),
        tmp_path,
        env,
    )
    assert code == 0, drawn
    assert "30/30" in drawn  # the bars, each platform's accounts done
    assert "X: rate limited, " in drawn and " s to wait (until " in drawn  # the countdown
    assert "X: 30 found, 0 not found" in drawn and "Bluesky: 30 found" in drawn  # the summary
    assert "limits requests: waiting" not in drawn  # the line is for logs, not terminals

    code, drawn = run_at_a_terminal(
        command("-i", "inv.csv", "-o", "out.csv", "--refresh", "--quiet"), tmp_path, env
    )
    assert code == 0, drawn
    assert "30/30" not in drawn and "\x1b[" not in drawn  # no bar, no cursor movement
    assert "X: 30 found, 0 not found" in drawn
