"""The SQLite answer cache: where it lives, what it keeps, and runs resumed after an interruption."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nypconsol.enrich.cache import LookupCache, default_cache_path
from nypconsol.enrich.errors import CacheError
from nypconsol.enrich.lookup import lookup_accounts
from nypconsol.enrich.models import AccountRow, Lookup, LookupStatus

from .conftest import TOKEN, FakeX, status

LOOKUP = Lookup(LookupStatus.FOUND, 12, "", "2027-01-15T08:00:00Z")


def rows(*handles: str) -> list[AccountRow]:
    return [AccountRow(key=i, platform="x", handle=h, line=i + 2) for i, h in enumerate(handles)]


def test_the_default_cache_sits_beside_output_and_is_named_after_it(tmp_path):
    assert default_cache_path("enriched.csv") == Path("enriched.csv.nypconsol-cache.sqlite")
    assert default_cache_path(tmp_path / "out" / "inv.xlsx") == (
        tmp_path / "out" / "inv.xlsx.nypconsol-cache.sqlite"
    )


def test_answers_are_kept_but_errors_are_not(tmp_path):
    found = Lookup(LookupStatus.FOUND, 12, "", "2027-01-15T08:00:00Z")
    failed = Lookup(LookupStatus.ERROR, None, "timed out", "2027-01-15T08:00:00Z")
    with LookupCache(tmp_path / "c.sqlite") as cache:
        cache.store("x", "https://api.x.com", {"a": ("A", found), "b": ("B", failed)})
    with LookupCache(tmp_path / "c.sqlite") as cache:
        assert cache.fetch("x", "https://api.x.com", ["a", "b", "c"]) == {"a": found}
        assert cache.fetch("x", "http://127.0.0.1:1", ["a"]) == {}  # another API, another answer
        assert cache.fetch("bluesky", "https://api.x.com", ["a"]) == {}


def test_the_cache_file_is_private(tmp_path):
    LookupCache(tmp_path / "c.sqlite").close()
    assert (tmp_path / "c.sqlite").stat().st_mode & 0o777 == 0o600


def test_a_file_that_is_not_a_cache_is_refused_and_left_alone(tmp_path):
    notes = tmp_path / "notes.sqlite"
    notes.write_text("my notes, not a database\n" * 100)
    with pytest.raises(CacheError, match="is not a nypconsol lookup cache") as caught:
        LookupCache(notes)
    assert notes.read_text() == "my notes, not a database\n" * 100
    # It may be the inventory or the ledger named by mistake: never advise deleting it.
    assert str(caught.value).endswith(": keep it, and name another file with --cache")
    assert "delete" not in str(caught.value)

    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(CacheError, match="another program's SQLite database") as caught:
        LookupCache(other)
    assert "delete" not in str(caught.value)


def test_a_cache_of_another_version_may_be_deleted(tmp_path):
    path = tmp_path / "c.sqlite"
    LookupCache(path).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(CacheError) as caught:
        LookupCache(path)
    assert "written by another nypconsol version" in str(caught.value)
    assert str(caught.value).endswith(
        ": delete it (it holds only answers the platforms give again), or name another file "
        "with --cache"
    )


@pytest.mark.parametrize("where", ["folder", "missing"])
def test_a_cache_path_that_cannot_be_used(tmp_path, where):
    path = tmp_path if where == "folder" else tmp_path / "nowhere" / "c.sqlite"
    with pytest.raises(CacheError):
        LookupCache(path)


def test_one_run_at_a_time_and_no_fsync_per_answer(tmp_path):
    path = tmp_path / "c.sqlite"
    with LookupCache(path) as cache:
        cache.store("x", "https://api.x.com", {"a": ("a", LOOKUP)})
        with pytest.raises(CacheError, match="is in use by another run: wait for it"):
            LookupCache(path, busy_timeout=0.05)
        journal, synchronous = (
            cache._db.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous")
        )
        assert (journal, synchronous) == ("wal", 1)  # a write-ahead log, synced at checkpoints
    assert not (tmp_path / "c.sqlite-shm").exists()  # the log's index stays in memory
    assert not (tmp_path / "c.sqlite-wal").exists()  # folded into the file at the end
    with LookupCache(path, busy_timeout=0.05) as cache:
        assert cache.fetch("x", "https://api.x.com", ["a"]) == {"a": LOOKUP}


def test_a_run_interrupted_by_ctrl_c_resumes_where_it_stopped(fake_x, clients, clock, tmp_path):
    handles = [f"beat_{n:03d}" for n in range(250)]
    for n, handle in enumerate(handles):
        fake_x.add(handle, n)

    def interrupt_after_the_second_batch(progress):
        if progress.done == 200:
            raise KeyboardInterrupt

    with LookupCache(tmp_path / "c.sqlite") as cache, pytest.raises(KeyboardInterrupt):
        lookup_accounts(
            rows(*handles),
            platforms=["x"],
            clients=clients(["x"]),
            cache=cache,
            on_progress=interrupt_after_the_second_batch,
            clock=clock,
            sleep=clock.sleep,
        )
    assert len(fake_x.calls) == 2

    clock.now += 3600
    with LookupCache(tmp_path / "c.sqlite") as cache:
        run = lookup_accounts(
            rows(*handles),
            platforms=["x"],
            clients=clients(["x"]),
            cache=cache,
            clock=clock,
            sleep=clock.sleep,
        )
    assert len(fake_x.calls) == 3  # only the last 50 were asked again
    assert fake_x.calls[2]["usernames"][0].split(",") == handles[200:]
    assert [r.lookup.followers for r in run.results] == list(range(250))
    assert [r.from_cache for r in run.results] == [True] * 200 + [False] * 50
    # Cached answers keep the time they were obtained.
    assert {r.lookup.looked_up_at for r in run.results[:200]} == {"2027-01-15T08:00:00Z"}
    assert {r.lookup.looked_up_at for r in run.results[200:]} == {"2027-01-15T09:00:00Z"}
    assert run.summary.platforms[0].from_cache == 200


def test_refresh_ignores_the_cache(fake_x, clients, clock, tmp_path):
    fake_x.add("a_beat", 1)
    with LookupCache(tmp_path / "c.sqlite") as cache:
        lookup_accounts(
            rows("a_beat"),
            platforms=["x"],
            clients=clients(["x"]),
            cache=cache,
            clock=clock,
            sleep=clock.sleep,
        )
        fake_x.add("a_beat", 2)
        cached = lookup_accounts(
            rows("a_beat"),
            platforms=["x"],
            clients=clients(["x"]),
            cache=cache,
            clock=clock,
            sleep=clock.sleep,
        )
        fresh = lookup_accounts(
            rows("a_beat"),
            platforms=["x"],
            clients=clients(["x"]),
            cache=cache,
            refresh=True,
            clock=clock,
            sleep=clock.sleep,
        )
        again = lookup_accounts(
            rows("a_beat"),
            platforms=["x"],
            clients=clients(["x"]),
            cache=cache,
            clock=clock,
            sleep=clock.sleep,
        )
    assert [r.results[0].lookup.followers for r in (cached, fresh, again)] == [1, 2, 2]
    assert len(fake_x.calls) == 2


def test_errors_are_asked_again_next_run(fake_x, clients, clock, tmp_path):
    fake_x.add("a_beat", 5)
    fake_x.fail_next(status(500), status(500), status(500))
    with LookupCache(tmp_path / "c.sqlite") as cache:
        first = lookup_accounts(
            rows("a_beat"),
            platforms=["x"],
            clients=clients(["x"]),
            cache=cache,
            clock=clock,
            sleep=clock.sleep,
        )
        second = lookup_accounts(
            rows("a_beat"),
            platforms=["x"],
            clients=clients(["x"]),
            cache=cache,
            clock=clock,
            sleep=clock.sleep,
        )
    assert first.results[0].lookup.status is LookupStatus.ERROR
    assert second.results[0].lookup.followers == 5


CHILD = textwrap.dedent(
    """
    import sys
    from nypconsol.enrich import LookupCache, lookup_accounts, make_clients
    from nypconsol.enrich.http import HttpSettings
    from nypconsol.enrich.models import AccountRow

    cache_path = sys.argv[1]
    rows = [AccountRow(key=n, platform="x", handle=f"beat_{n:03d}") for n in range(300)]
    with make_clients(["x"], settings=HttpSettings(attempts=1, read_timeout=30)) as clients:
        with LookupCache(cache_path) as cache:
            lookup_accounts(rows, platforms=["x"], clients=clients, cache=cache)
    print("finished")
    """
)


def test_a_process_killed_mid_run_keeps_every_answer_it_had(
    fake_x, server, base, tmp_path, clients, clock
):
    """SIGKILL: no cleanup runs at all, yet the batches before the kill are in the cache."""
    for n in range(300):
        fake_x.add(f"beat_{n:03d}", n)
    child: dict[str, subprocess.Popen] = {}
    original = fake_x.handle

    def kill_on_third_request(request):
        if len(fake_x.calls) == 2:  # two batches answered; the third request kills the client
            child["process"].send_signal(signal.SIGKILL)
            child["process"].wait(timeout=10)
        return original(request)

    server.clear()
    server.expect_request("/2/users/by").respond_with_handler(kill_on_third_request)
    environ = dict(os.environ, NYPCONSOL_X_BEARER_TOKEN=TOKEN, NYPCONSOL_X_API_BASE=base)
    cache_path = tmp_path / "killed.sqlite"
    child["process"] = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(cache_path)],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, _ = child["process"].communicate(timeout=60)
    assert child["process"].returncode == -signal.SIGKILL
    assert b"finished" not in out

    with LookupCache(cache_path) as cache:
        assert cache.count() == 200
    # The resumed run meets a fresh server (the killed request may still be finishing).
    resumed = FakeX(users=fake_x.users)
    server.clear()
    server.expect_request("/2/users/by").respond_with_handler(resumed.handle)
    with LookupCache(cache_path) as cache:
        run = lookup_accounts(
            [AccountRow(key=n, platform="x", handle=f"beat_{n:03d}") for n in range(300)],
            platforms=["x"],
            clients=clients(["x"]),
            cache=cache,
            clock=clock,
            sleep=clock.sleep,
        )
    assert [c["usernames"] for c in resumed.calls] == [
        [",".join(f"beat_{n:03d}" for n in range(200, 300))]
    ]
    assert [r.lookup.followers for r in run.results] == list(range(300))
