"""Interrupts, signals and full disks (issue 10), in real processes: Ctrl-C, SIGTERM and SIGHUP
at any moment leave no temporary file and a message that tells the truth; init writes all or
nothing; a closed stdout is exit 4 with one message for every command."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from nypconsol.cli import cli
from nypconsol.core.errors import ExitCode
from tests.conftest import REPO

SHIPPED_CONFIG = REPO / "config" / "accounts.yaml"
EXAMPLE = REPO / "nypconsol" / "data" / "example-inventory.csv"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "config").mkdir()
    shutil.copyfile(SHIPPED_CONFIG, tmp_path / "config" / "accounts.yaml")
    shutil.copyfile(EXAMPLE, tmp_path / "inventory.csv")
    return tmp_path


def _environment() -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NYPCONSOL")}
    environment.update({"NO_COLOR": "1", "COLUMNS": "200"})
    return environment


def _child(project: Path, prelude: str, argv: list[str]) -> subprocess.Popen:
    """The console script's run() in a real process, after ``prelude`` (which patches)."""
    script = prelude + textwrap.dedent(
        f"""
        sys.argv = {["nypconsol", *argv]!r}
        from nypconsol.cli import run
        run()
        """
    )
    return subprocess.Popen(
        [sys.executable, "-c", "import sys\n" + script],
        cwd=project,
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith(".") or ".tmp" in p.name)


# Writing the plan stops after a few accounts and waits, saying so on stderr.
SLOW_WRITE = textwrap.dedent(
    """
    import time
    import nypconsol.render.data as data
    real = data.account_dicts
    def slow(plan):
        for number, account in enumerate(real(plan)):
            if number == 5:
                sys.stderr.write("WRITING\\n")
                sys.stderr.flush()
                time.sleep(60)
            yield account
    data.account_dicts = slow
    """
)


@pytest.mark.parametrize(
    ("signum", "code", "said"),
    [
        (signal.SIGTERM, 143, "Terminated (SIGTERM)"),
        (signal.SIGHUP, 129, "Terminated (SIGHUP)"),
        (signal.SIGINT, 130, "Interrupted"),
    ],
)
@pytest.mark.parametrize("previous", [None, b"the previous plan\n"])
def test_a_signal_mid_write_leaves_the_old_file_and_no_temporary(
    project: Path, signum, code, said, previous
) -> None:
    if previous is not None:
        (project / "plan.json").write_bytes(previous)
    child = _child(project, SLOW_WRITE, ["plan", "-i", "inventory.csv", "-o", "plan.json"])
    before = []
    while (line := child.stderr.readline()) not in ("WRITING\n", ""):
        before.append(line)
    assert line == "WRITING\n", before
    assert [p.name for p in project.glob(".plan.json.*.tmp")]  # caught in the middle
    child.send_signal(signum)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == code
    assert "Traceback" not in stderr
    assert stderr.endswith(f"{said}: nothing was written.\n")
    assert _leftovers(project) == []
    if previous is None:
        assert not (project / "plan.json").exists()
    else:
        assert (project / "plan.json").read_bytes() == previous


# The interrupt comes the moment the plan has been renamed into place.
SIGNAL_AFTER_RENAME = textwrap.dedent(
    """
    import os, signal
    real = os.replace
    def replace_then_signal(*args, **kwargs):
        real(*args, **kwargs)
        os.kill(os.getpid(), signal.{name})
    os.replace = replace_then_signal
    """
)


@pytest.mark.parametrize(("name", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_an_interrupt_after_the_file_is_in_place_says_it_is_complete(project, name, code):
    (project / "plan.json").write_bytes(b"the previous plan\n")
    prelude = SIGNAL_AFTER_RENAME.format(name=name)
    child = _child(project, prelude, ["plan", "-i", "inventory.csv", "-o", "plan.json"])
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == code
    said = "Interrupted" if name == "SIGINT" else f"Terminated ({name})"
    assert stderr.endswith(
        f"{said}: plan.json was written completely before it; nothing else was.\n"
    )
    assert "nothing was written" not in stderr
    assert len(json.loads((project / "plan.json").read_text(encoding="utf-8"))["accounts"]) == 18
    assert _leftovers(project) == []


def test_init_interrupted_between_its_two_files_writes_both(tmp_path: Path) -> None:
    child = _child(tmp_path, SIGNAL_AFTER_RENAME.format(name="SIGINT"), ["init", "proj"])
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 130
    assert stderr.endswith(
        "Interrupted: proj/config/accounts.yaml and proj/inventory.csv were written completely "
        "before it; nothing else was.\n"
    )
    assert (tmp_path / "proj" / "inventory.csv").read_bytes() == EXAMPLE.read_bytes()
    assert (tmp_path / "proj" / "config" / "accounts.yaml").read_bytes() == (
        SHIPPED_CONFIG.read_bytes()
    )


def test_ctrl_c_while_the_plan_goes_to_stdout_says_it_may_be_cut_short(project, monkeypatch):
    monkeypatch.chdir(project)
    import nypconsol.render.data as data

    real = data.account_dicts

    def interrupted(plan):  # type: ignore[no-untyped-def]
        for number, account in enumerate(real(plan)):
            if number == 3:
                raise KeyboardInterrupt
            yield account

    monkeypatch.setattr(data, "account_dicts", interrupted)
    result = CliRunner().invoke(cli, ["plan", "-i", "inventory.csv", "--format", "json"])
    assert result.exit_code == 130
    assert result.stderr.endswith(
        "\nInterrupted: the output on standard output may be cut short; no file was written.\n"
    )


# --- output folders: the files and their manifest put in place together ---------------------


@pytest.mark.parametrize(
    ("argv", "files"),
    [
        (["notices", "-o", "out"], 84),
        (["handover", "-o", "out", "--format", "markdown"], 10),
    ],
)
@pytest.mark.parametrize(("name", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_an_interrupt_while_a_folder_is_put_in_place_says_it_is_complete(
    project: Path, argv: list[str], files: int, name: str, code: int
) -> None:
    """The signal comes as the first file is renamed into place: every file and the manifest
    are put in place first, the message says so, and a re-run finds the folder its own."""
    child = _child(project, SIGNAL_AFTER_RENAME.format(name=name), argv)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == code, stderr
    said = "Interrupted" if name == "SIGINT" else f"Terminated ({name})"
    assert stderr.endswith(
        f"{said}: every file in out ({files} files) was written completely before it; "
        "nothing else was.\n"
    )
    assert [p for p in _leftovers(project) if not p.startswith(".nypconsol-")] == []
    again = subprocess.run(
        [sys.executable, "-m", "nypconsol", *argv],
        cwd=project,
        env=_environment(),
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
    assert f"0 written, {files} unchanged" in again.stderr


# --- init: all or none ---------------------------------------------------------------------------


def test_init_on_a_full_disk_writes_nothing_and_can_run_again(tmp_path, monkeypatch) -> None:
    real_fsync = os.fsync
    calls = []

    def second_file_fills_the_disk(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", second_file_fills_the_disk)
    result = CliRunner().invoke(cli, ["init", "proj"])
    assert result.exit_code == ExitCode.FAILURE
    assert result.stderr == (
        "Error: cannot write proj/config/accounts.yaml and proj/inventory.csv: No space left on "
        "device; nothing was written\n"
    )
    assert not (tmp_path / "proj").exists()  # not even the folders it made
    monkeypatch.setattr(os, "fsync", real_fsync)
    again = CliRunner().invoke(cli, ["init", "proj"])
    assert again.exit_code == 0, again.output


def test_init_into_an_existing_folder_on_a_full_disk_keeps_the_folder(tmp_path, monkeypatch):
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "notes.txt").write_text("mine", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    result = CliRunner().invoke(cli, ["init", "proj"])
    assert result.exit_code == 4
    assert sorted(p.name for p in (tmp_path / "proj").iterdir()) == ["notes.txt"]


def test_init_with_force_puts_back_the_first_file_if_the_second_rename_fails(
    tmp_path, monkeypatch
) -> None:
    assert CliRunner().invoke(cli, ["init", "proj"]).exit_code == 0
    config = tmp_path / "proj" / "config" / "accounts.yaml"
    config.write_text("my edited mapping\n", encoding="utf-8")
    real = os.replace

    def second_rename_fails(source, target):  # type: ignore[no-untyped-def]
        if str(target).endswith("inventory.csv"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real(source, target)

    monkeypatch.setattr(os, "replace", second_rename_fails)
    result = CliRunner().invoke(cli, ["init", "proj", "--force"])
    assert result.exit_code == 4
    assert config.read_text(encoding="utf-8") == "my edited mapping\n"
    assert _leftovers(tmp_path / "proj") == []


# --- a closed stdout -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "validate",
        "validate --format json",
        "validate --format github",
        "plan",
        "plan --format json",
        "plan --format github",
        "plan --check plan.json",
        "districts",
        "schema plan",
        "diff plan.json plan.json",
        "--help",
        "--version",
        "plan --help",
    ],
)
def test_a_closed_stdout_is_exit_4_with_one_message(project: Path, command: str) -> None:
    assert CliRunner().invoke(cli, ["plan", "-o", str(project / "plan.json")]).exit_code == 0
    done = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m nypconsol {command} >&-"],
        cwd=project,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == ExitCode.FAILURE, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith("Error: standard output is closed"), done.stderr
    assert done.stderr.endswith(errors[0] + "\n")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (
            "measure --platform x hello",
            "Error: standard output is closed: nothing was written (send it to a file: > FILE)",
        ),
        (
            "notices -o out --format json",
            "Error: standard output is closed: nothing was printed (send it to a file: > FILE); "
            "every file in out (84 files) was written before it",
        ),
    ],
)
def test_a_closed_stdout_says_what_was_written_and_what_to_do(project, command, said) -> None:
    """measure has no -o to suggest; notices -o DIR --format json has written its folder
    before it prints: 'nothing was written' would not be true."""
    done = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m nypconsol {command} >&-"],
        cwd=project,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == ExitCode.FAILURE, done.stderr
    assert done.stderr.endswith(said + "\n"), done.stderr


def test_a_closed_stdout_after_record_says_the_event_was_recorded(project: Path) -> None:
    """record appends to the ledger before it prints the event: 'nothing was written' would
    not be true, and someone reading it would record the step a second time."""
    done = subprocess.run(
        [
            "bash",
            "-c",
            f"{sys.executable} -m nypconsol record GrassingtonPCSO announced --by me "
            "--ledger ledger.sqlite >&-",
        ],
        cwd=project,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == ExitCode.FAILURE, done.stderr
    assert "nothing was written" not in done.stderr
    assert done.stderr.endswith(
        "Error: standard output is closed: nothing was printed (send it to a file: > FILE); "
        "event 1 (@GrassingtonPCSO (x) announced) in the ledger ledger.sqlite was written "
        "before it\n"
    ), done.stderr
    log = CliRunner().invoke(cli, ["log", "--ledger", str(project / "ledger.sqlite")])
    assert "announced" in log.output


def test_a_closed_stdout_does_not_fail_a_command_that_writes_only_files(project: Path) -> None:
    for command in ("plan -o out.json", "init elsewhere"):
        done = subprocess.run(
            ["bash", "-c", f"{sys.executable} -m nypconsol {command} >&-"],
            cwd=project,
            env=_environment(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, (command, done.stderr)


# --- Ctrl-C at the very start --------------------------------------------------------------------


def test_ctrl_c_while_the_cli_module_itself_is_imported_shows_no_traceback(tmp_path) -> None:
    """The handler is the first thing nypconsol/cli/__init__.py installs: an interrupt during
    the imports after it (here, contextlib's) ends quietly."""
    script = textwrap.dedent(
        """
        import os, signal, sys
        import importlib.abc
        sys.modules.pop("contextlib", None)
        class InterruptOnImport(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name == "contextlib":
                    os.kill(os.getpid(), signal.SIGINT)
                return None
        sys.meta_path.insert(0, InterruptOnImport())
        sys.argv = ["nypconsol", "--version"]
        from nypconsol.cli import run
        run()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (130, "Interrupted: nothing was written.\n")
    assert done.stdout == ""


def test_importing_the_cli_leaves_the_programs_own_handlers() -> None:
    script = textwrap.dedent(
        """
        import signal
        def mine(signum, frame):
            pass
        signal.signal(signal.SIGINT, mine)
        signal.signal(signal.SIGTERM, mine)
        import nypconsol.cli
        print(signal.getsignal(signal.SIGINT) is mine, signal.getsignal(signal.SIGTERM) is mine)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.stdout == "True True\n", done.stderr


def test_ctrl_c_at_any_moment_of_a_real_run_never_shows_a_traceback(project: Path) -> None:
    """SIGINT at a spread of moments from the start of a real `python -m nypconsol plan`:
    an exit code of 130 and never a traceback from nypconsol's own code. Before nypconsol's
    first line runs (the interpreter starting, importlib loading the module) Python's own
    handler is in charge: the process dies by the signal or shows Python's traceback."""
    seen = set()
    for delay in [i / 1000 for i in range(0, 200, 8)]:
        child = subprocess.Popen(
            [sys.executable, "-m", "nypconsol", "plan", "-i", "inventory.csv", "-o", "p.json"],
            cwd=project,
            env=_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=60)
        seen.add(child.returncode)
        ours = [
            line
            for line in stderr.splitlines()
            if line.startswith("  File ")
            and f"{os.sep}nypconsol{os.sep}" in line
            and not line.endswith('__main__.py", line 3, in <module>')
        ]
        if ours:
            pytest.fail(f"a traceback from nypconsol after {delay * 1000:.0f} ms:\n{stderr}")
        assert child.returncode in (0, 130, -signal.SIGINT, 1), stderr
        assert _leftovers(project) == []
    assert 130 in seen
