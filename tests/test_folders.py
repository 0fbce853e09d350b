"""Output folders (``-o DIR``): atomic files, never outside, never over files that are not ours,
stale files of our own removed, private modes on request."""

from __future__ import annotations

import errno
import os
import signal
import stat
from pathlib import Path

import pytest

from nypconsol.core.errors import OutputError
from nypconsol.loaders.folders import manifest_name, safe_filename, write_folder


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".nypconsol-")
    }


def test_writes_the_files_and_a_manifest(tmp_path: Path) -> None:
    result = write_folder(tmp_path / "out", {"a/x.txt": b"1", "b.txt": b"2"}, kind="notices")
    assert tree(tmp_path / "out") == {"a/x.txt": b"1", "b.txt": b"2"}
    assert result.written == ("a/x.txt", "b.txt")
    assert (tmp_path / "out" / manifest_name("notices")).is_file()


def test_a_rerun_refreshes_its_files_and_removes_its_stale_ones(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_folder(out, {"craven/a.txt": b"1", "york/b.txt": b"2", "c.txt": b"3"}, kind="notices")
    result = write_folder(out, {"craven/a.txt": b"1", "c.txt": b"new"}, kind="notices")
    assert tree(out) == {"craven/a.txt": b"1", "c.txt": b"new"}
    assert result.unchanged == ("craven/a.txt",)
    assert result.written == ("c.txt",)
    assert result.removed == ("york/b.txt",)
    assert not (out / "york").exists()  # its own emptied folder goes too


def test_files_that_are_not_ours_are_never_touched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_bytes(b"mine")
    write_folder(out, {"a.txt": b"1"}, kind="notices")
    write_folder(out, {"b.txt": b"2"}, kind="notices")
    assert (out / "notes.txt").read_bytes() == b"mine"
    assert not (out / "a.txt").exists()


def test_a_target_that_is_not_ours_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "b.txt").write_bytes(b"someone else's")
    with pytest.raises(OutputError) as error:
        write_folder(out, {"a.txt": b"1", "b.txt": b"2"}, kind="notices")
    assert "b.txt" in str(error.value) and "nothing was written" in str(error.value)
    assert sorted(p.name for p in out.iterdir()) == ["b.txt"]


def test_another_kind_of_run_keeps_its_own_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_folder(out, {"index.html": b"h"}, kind="handover")
    write_folder(out, {"schedule.csv": b"s"}, kind="notices")
    write_folder(out, {"schedule.ics": b"i"}, kind="notices")
    assert tree(out) == {"index.html": b"h", "schedule.ics": b"i"}


def test_a_stale_file_changed_by_someone_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_folder(out, {"a.txt": b"1"}, kind="notices")
    (out / "a.txt").write_bytes(b"edited by hand")
    result = write_folder(out, {"b.txt": b"2"}, kind="notices")
    assert result.kept == ("a.txt",)
    assert (out / "a.txt").read_bytes() == b"edited by hand"


@pytest.mark.parametrize("name", ["../x.txt", "/etc/x", "a/../../x", ".hidden", "a b.txt", "a\\b"])
def test_paths_that_could_leave_the_folder_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError):
        write_folder(tmp_path / "out", {name: b"1"}, kind="notices")
    assert not (tmp_path / "x.txt").exists()


def test_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "craven").symlink_to(elsewhere)
    with pytest.raises(OutputError) as error:
        write_folder(out, {"craven/a.txt": b"1"}, kind="notices")
    assert "outside" in str(error.value)
    assert list(elsewhere.iterdir()) == []


def test_a_symlinked_file_is_not_written_through(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep")
    (out / "a.txt").symlink_to(victim)
    with pytest.raises(OutputError):
        write_folder(out, {"a.txt": b"1"}, kind="notices")
    assert victim.read_bytes() == b"keep"


def test_names_differing_only_in_case_are_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError):
        write_folder(tmp_path / "out", {"A.txt": b"1", "a.txt": b"2"}, kind="notices")


def test_private_files_and_folders_are_owner_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_folder(out, {"craven/worklist.csv": b"x"}, kind="sweep", private=True)
    assert stat.S_IMODE(os.stat(out / "craven" / "worklist.csv").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(out / "craven").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o700


def test_a_failure_mid_write_leaves_the_old_files_and_no_temporaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write_folder(out, {"a.txt": b"old a", "b.txt": b"old b"}, kind="notices")
    real_fsync, calls = os.fsync, []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OutputError) as error:
        write_folder(out, {"a.txt": b"new a", "b.txt": b"new b"}, kind="notices")
    assert "No space left on device" in str(error.value)
    assert tree(out) == {"a.txt": b"old a", "b.txt": b"old b"}
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []


def test_ctrl_c_mid_write_leaves_the_old_files_and_no_temporaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files are written by several threads: an interrupt while they run, with some temporary
    files made and others still to come, leaves none of them behind."""
    out = tmp_path / "out"
    old = {f"d{i % 3}/f{i}.txt": b"old" for i in range(40)}
    write_folder(out, old, kind="notices")
    real_fsync, calls = os.fsync, []

    def interrupted_fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 20:
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", interrupted_fsync)
    with pytest.raises(KeyboardInterrupt):
        write_folder(out, {name: b"new" for name in old}, kind="notices")
    assert tree(out) == old
    assert [p for p in out.rglob("*") if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("PC_Skipton_Ali", "PC_Skipton_Ali"),
        ("../x", "_x"),
        ("a/b", "a_b"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("..", "_"),
        ("", "_"),
        ("nyp@mastodon.social", "nyp_mastodon.social"),
        ("x\u200bq", "x_q"),
    ],
)
def test_safe_filename(text: str, name: str) -> None:
    assert safe_filename(text) == name


def test_a_full_disk_in_a_new_folder_leaves_no_folder_and_says_nothing_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError) as error:
        write_folder(tmp_path / "out" / "notices", {"craven/a.txt": b"1"}, kind="notices")
    assert str(error.value).endswith("No space left on device; nothing was written")
    assert list(tmp_path.iterdir()) == []  # not even the folders it made


def test_a_rename_that_fails_midway_leaves_a_folder_a_rerun_can_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files already renamed into place are ours: the manifest lists them, so that the next
    run replaces them instead of refusing them as someone else's."""
    out = tmp_path / "out"
    files = {f"f{i}.txt": b"new" for i in range(5)}
    real, calls = os.replace, []

    def third_fails(source, target):  # type: ignore[no-untyped-def]
        calls.append(target)
        if len(calls) == 3:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real(source, target)

    monkeypatch.setattr(os, "replace", third_fails)
    with pytest.raises(OutputError) as error:
        write_folder(out, files, kind="notices")
    assert "nothing was written" not in str(error.value)
    assert "Input/output error" in str(error.value)
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []
    monkeypatch.setattr(os, "replace", real)
    write_folder(out, files, kind="notices")
    assert tree(out) == files


def test_an_interrupt_while_the_files_are_put_in_place_waits_for_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real SIGINT that comes while the files are renamed into place is delivered once they
    and the manifest are all there, and the journal names the folder."""
    from nypconsol.loaders import writing

    out = tmp_path / "out"
    real = os.replace

    def replace_then_signal(source, target):  # type: ignore[no-untyped-def]
        real(source, target)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(os, "replace", replace_then_signal)
    writing.JOURNAL.clear()
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            write_folder(out, {"a/x.txt": b"1", "b.txt": b"2", "c.txt": b"3"}, kind="notices")
    finally:
        signal.signal(signal.SIGINT, previous)
    assert tree(out) == {"a/x.txt": b"1", "b.txt": b"2", "c.txt": b"3"}
    assert (out / manifest_name("notices")).is_file()
    assert [f"every file in {out} (3 files)"] == writing.JOURNAL


# --- files given as producers (the sweep's worklists: written as they are drawn) -----------------


def producer(*chunks: bytes):  # type: ignore[no-untyped-def]
    def write(out) -> None:  # type: ignore[no-untyped-def]
        for chunk in chunks:
            out.write(chunk)

    return write


def test_a_producer_writes_what_its_bytes_would(tmp_path: Path) -> None:
    write_folder(tmp_path / "a", {"x.csv": b"one,two\n", "y.json": b"{}"}, kind="sweep")
    result = write_folder(
        tmp_path / "b", {"x.csv": producer(b"one,", b"two\n"), "y.json": b"{}"}, kind="sweep"
    )
    assert result.written == ("x.csv", "y.json")
    assert tree(tmp_path / "b") == tree(tmp_path / "a")
    manifest = manifest_name("sweep")
    assert (tmp_path / "b" / manifest).read_bytes() == (tmp_path / "a" / manifest).read_bytes()


def test_a_producer_of_the_same_bytes_leaves_the_file_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_folder(out, {"x.csv": producer(b"same"), "y.csv": producer(b"old")}, kind="sweep")
    before = (out / "x.csv").stat().st_ino
    result = write_folder(
        out, {"x.csv": producer(b"sa", b"me"), "y.csv": producer(b"new")}, kind="sweep"
    )
    assert result.unchanged == ("x.csv",) and result.written == ("y.csv",)
    assert (out / "x.csv").stat().st_ino == before
    assert tree(out) == {"x.csv": b"same", "y.csv": b"new"}
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(
    "failure", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()]
)
def test_a_producer_that_fails_leaves_the_old_files_and_no_temporaries(
    tmp_path: Path, failure: BaseException
) -> None:
    out = tmp_path / "out"
    write_folder(out, {"a.csv": b"old a", "b.csv": b"old b"}, kind="sweep", private=True)

    def failing(out) -> None:  # type: ignore[no-untyped-def]
        out.write(b"half of it")
        raise failure

    expected = OutputError if isinstance(failure, OSError) else KeyboardInterrupt
    with pytest.raises(expected):
        write_folder(
            out, {"a.csv": producer(b"new a"), "b.csv": failing}, kind="sweep", private=True
        )
    assert tree(out) == {"a.csv": b"old a", "b.csv": b"old b"}
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []
