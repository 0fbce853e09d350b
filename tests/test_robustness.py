"""Robustness: deterministic output, no traceback for any bad input, and safe failure mid-write."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from nypconsol.cli import cli
from nypconsol.core.errors import ExitCode

REPO = Path(__file__).resolve().parent.parent
SHIPPED_CONFIG = REPO / "config" / "accounts.yaml"

INVENTORY = (
    "handle,platform,owner,area,followers,last_post\n"
    '@SkiptonPC,Twitter,Zoë Brontë,Skipton,"1,234",01/10/2026\n'
    "YorkSNT,fb,Ünal Çelik,York,,2026-10-01\n"
    "HarrogateIG,insta,İlkay Işık,Harrogate,12,\n"
)


def run(*args: str):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args), prog_name="nypconsol")
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


def run_process(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "NYPCONSOL"))}
    environment.update({"NO_COLOR": "1", "COLUMNS": "200", **env})
    return subprocess.run(
        [sys.executable, "-m", "nypconsol", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        timeout=120,
    )


# --- determinism -----------------------------------------------------------------------------


def _project(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "config").mkdir()
    shutil.copyfile(SHIPPED_CONFIG, folder / "config" / "accounts.yaml")
    (folder / "inventory.csv").write_text(INVENTORY, encoding="utf-8")
    return folder


ENVIRONMENTS = [
    {
        "TZ": "Pacific/Auckland",
        "LANG": "tr_TR.UTF-8",
        "LC_ALL": "tr_TR.UTF-8",
        "PYTHONHASHSEED": "1",
    },
    {"TZ": "UTC", "LANG": "C", "LC_ALL": "C", "PYTHONHASHSEED": "2"},
]


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "table"])
def test_same_bytes_whatever_the_folder_time_zone_and_locale(tmp_path: Path, fmt: str) -> None:
    folders = [_project(tmp_path / "one"), _project(tmp_path / "deeper" / "two" / "three")]
    outputs = []
    for folder, env in zip(folders, ENVIRONMENTS, strict=True):
        args = ["plan", "-c", "config/accounts.yaml", "-i", "inventory.csv", "--format", fmt]
        done = run_process(args, folder, **env)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        if fmt in ("json", "csv"):
            written = run_process([*args, "-o", f"plan.{fmt}"], folder, **env)
            assert written.returncode == 0, written.stderr.decode("utf-8", "replace")
            assert (folder / f"plan.{fmt}").read_bytes().removeprefix(b"\xef\xbb\xbf") == (
                done.stdout
            )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert "Zoë Brontë".encode() in outputs[0]
    assert "İlkay Işık".encode() in outputs[0]


def test_plan_does_not_depend_on_the_config_lookup_route(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The accounts and dates are the same whichever way the same mapping is found."""
    monkeypatch.chdir(_project(tmp_path / "p"))
    by_option = run("plan", "-c", "config/accounts.yaml", "--format", "json")
    by_local = run("plan", "--format", "json")
    by_built_in = run("plan", "-c", str(SHIPPED_CONFIG), "--format", "json")
    documents = [json.loads(r.stdout) for r in (by_option, by_local, by_built_in)]
    for document in documents:
        document.pop("inputs")
        for account in document["accounts"]:
            account.pop("source")
        document.pop("warnings")
    assert documents[0] == documents[1] == documents[2]


# --- bad inputs: a finding and an exit code, never a traceback -------------------------------


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


BAD_FILES: dict[str, bytes | None] = {
    "empty.csv": b"",
    "empty.yaml": b"",
    "empty.json": b"",
    "blank.csv": b"\n\n\n",
    "garbage.csv": bytes(range(256)) * 8,
    "garbage.yaml": bytes(range(256)) * 8,
    "garbage.xlsx": bytes(range(256)) * 8,
    "garbage.json": b"\x00\xff{[",
    "text.xlsx": b"handle,platform\nA1,x\n",
    "unknown.docx": b"handle,platform\nA1,x\n",
    "noextension": b"handle,platform\nA1,x\n",
    "alias-bomb.yaml": _alias_bomb().encode(),
    "deep-flow.yaml": b"[" * 20000 + b"]" * 20000,
    "deep-block.yaml": b"- " * 5000 + b"x\n",
    "deep-map.yaml": b"{a: " * 20000 + b"1" + b"}" * 20000,
    "deep.json": b"[" * 100000 + b"]" * 100000,
    "deep-object.json": b'{"a": ' * 20000 + b"1" + b"}" * 20000,
    "python-tag.yaml": b'- !!python/object/apply:os.system ["echo hi"]\n',
    "unknown-tag.yaml": b"- !custom {handle: A1}\n",
    "strings.yaml": b"- a\n- b\n",
    "scalar.yaml": b"hello\n",
    "duplicate-key.yaml": b"- handle: a1\n  handle: a2\n  platform: x\n  area: York\n",
    "duplicate-key.json": b'[{"handle": "a1", "handle": "a2", "platform": "x", "area": "York"}]',
    "bad.json": b'{"a": ',
    "nan.json": b'[{"handle": "A1", "platform": "x", "area": "York", "followers": NaN}]',
    "huge-number.json": b'[{"handle": "A1", "platform": "x", "area": "York", "followers": 1e400}]',
    "lone-surrogate.json": b'[{"handle": "A1", "platform": "x", "area": "York", "owner": "a\\ud800"}]',
    "cp1252.csv": "handle,platform,owner,area\nA1,x,Zoë,York\n".encode("cp1252"),
    "unclosed-quote.csv": b'handle,platform,area\n"A1,x,York\nB2,x,York\n',
    "nul.csv": b"handle,platform,area\nA\x001,x,York\n",
    "no-handle-column.csv": b"name,platform\nA1,x\n",
    "short-and-long-rows.csv": b"handle,platform,area\nA1\nB2,x,York,extra,more\n",
    "big-field.csv": b"handle,platform,area,owner\nA1,x,York," + b"x" * 200_000 + b"\n",
    "big-number.csv": b"handle,platform,area,followers\nA1,x,York," + b"9" * 5000 + b"\n",
    "bad-date.csv": b"handle,platform,area,last_post\nA1,x,York,99/99/9999\n",
    "handles.csv": (
        "handle,platform,area\n../x,x,York\na/b,x,York\nCON,facebook,York\n..,x,York\n"
        ',x,York\n" @x ",x,York\n"x\n",x,York\nA\u200b1,x,York\nA\u202e1,x,York\n'
        "NYP_Cr\u0430ven,x,York\nSame1,x,York\nsame1,x,York\n"
    ).encode(),
    "a-folder.csv": None,  # a directory
}
MISSING = "missing.csv"


@pytest.fixture
def bad_files(tmp_path: Path) -> Path:
    for name, data in BAD_FILES.items():
        if data is None:
            (tmp_path / name).mkdir()
        else:
            (tmp_path / name).write_bytes(data)
    return tmp_path


@pytest.mark.parametrize("name", [*BAD_FILES, MISSING])
def test_bad_inventory_gives_findings_not_a_traceback(bad_files: Path, name: str) -> None:
    checked = run("validate", "-i", name)
    planned = run("plan", "-i", name, "-o", "plan.json")
    if name == "big-field.csv":  # a 200 KB owner: accepted as it stands, but never a traceback
        assert (checked.exit_code, planned.exit_code) in ((0, 0), (1, 1))
        return
    assert checked.exit_code == ExitCode.INPUT_ERRORS, checked.output
    assert planned.exit_code == ExitCode.INPUT_ERRORS, planned.output
    for report in (checked.stdout, planned.stderr):
        assert f"{name}" in report
        assert " error [" in report
    assert planned.stdout == ""
    assert not (bad_files / "plan.json").exists()


@pytest.mark.parametrize("name", [*BAD_FILES, MISSING])
def test_bad_config_gives_findings_not_a_traceback(bad_files: Path, name: str) -> None:
    for command in (["validate"], ["plan"], ["districts"]):
        result = run(*command, "-c", name)
        assert result.exit_code == ExitCode.INPUT_ERRORS, (command, result.output)
        assert " error [" in result.output


def test_deep_nesting_in_a_real_process(bad_files: Path) -> None:
    """Recursion limits differ between pytest and a real process: check the real one too."""
    for name in ("deep-flow.yaml", "deep.json", "deep-map.yaml", "deep-object.json"):
        for flag in ("-i", "-c"):
            done = run_process(["validate", flag, name, "--format", "json"], bad_files)
            assert b"Traceback" not in done.stdout + done.stderr, name
            assert done.returncode == 1, (name, flag, done.stderr)
            document = json.loads(done.stdout)
            assert document["summary"]["errors"] >= 1


@pytest.mark.parametrize("name", ["no-such-codec", "undefined", "rot13", "base64", "hex"])
def test_an_encoding_that_is_no_text_encoding_is_a_usage_error(bad_files: Path, name) -> None:
    (bad_files / "ok.csv").write_text("handle,platform,area\nA1,x,York\n", encoding="utf-8")
    for command in ("validate", "plan"):
        result = run(command, "-i", "ok.csv", "--encoding", name)
        assert result.exit_code == ExitCode.USAGE == 2
        assert result.stdout == ""
        assert f"{name!r} is not a text encoding this Python knows" in result.stderr


def test_cp1252_error_names_the_line_and_the_way_out(bad_files: Path) -> None:
    result = run("validate", "-i", "cp1252.csv")
    assert result.exit_code == 1
    assert "cp1252.csv:2: error [bad-encoding]" in result.stdout
    assert "--encoding cp1252" in result.stdout
    fixed = run("validate", "-i", "cp1252.csv", "--encoding", "cp1252")
    assert fixed.exit_code == 0


# --- failures while writing ------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return _project(tmp_path / "p")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or "tmp" in p.name)


def _disk_full(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["fsync", "replace"])
def test_disk_full_exits_4_and_leaves_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setattr(os, where, _disk_full)
    result = run("plan", "-i", "inventory.csv", "-o", "plan.json")
    assert result.exit_code == ExitCode.FAILURE == 4
    assert result.stdout == ""
    assert result.stderr.endswith(
        "Error: cannot write plan.json: No space left on device; nothing was written\n"
    )
    assert not (project / "plan.json").exists()
    assert _leftovers(project) == []


def test_disk_full_keeps_the_previous_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    (project / "plan.csv").write_bytes(b"previous\n")
    monkeypatch.setattr(os, "fsync", _disk_full)
    result = run("plan", "-i", "inventory.csv", "-o", "plan.csv")
    assert result.exit_code == 4
    assert (project / "plan.csv").read_bytes() == b"previous\n"
    assert _leftovers(project) == []


def test_disk_full_during_init_writes_nothing_half_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "fsync", _disk_full)
    result = run("init", "proj")
    assert result.exit_code == 4
    assert "No space left on device" in result.stderr
    assert [p for p in (tmp_path / "proj").rglob("*") if p.is_file()] == []


def _interrupt(*args: object, **kwargs: object) -> None:
    raise KeyboardInterrupt


INTERRUPTED = "Interrupted: nothing was written.\n"


@pytest.mark.parametrize(
    "target",
    [
        "nypconsol.core.plan.make_plan",
        "nypconsol.pipeline.check",
        "nypconsol.pipeline.load_inputs",
        "nypconsol.render.data.plan_json_chunks",
        "nypconsol.render.data.account_dicts",  # mid-write: the plan streams to a temporary file
    ],
)
def test_ctrl_c_exits_130_and_writes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setattr(target, _interrupt)
    result = run("plan", "-i", "inventory.csv", "-o", "plan.json")
    assert result.exit_code == ExitCode.INTERRUPTED == 130
    assert result.stdout == ""
    assert result.stderr.endswith(INTERRUPTED)
    assert not (project / "plan.json").exists()
    assert _leftovers(project) == []


@pytest.mark.parametrize("where", ["fsync", "replace"])
def test_ctrl_c_mid_write_leaves_the_old_file_and_no_temporary(
    project: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    monkeypatch.chdir(project)
    (project / "plan.json").write_bytes(b"previous\n")
    monkeypatch.setattr(os, where, _interrupt)
    result = run("plan", "-i", "inventory.csv", "-o", "plan.json")
    assert result.exit_code == 130
    assert result.stderr.endswith(INTERRUPTED)
    assert (project / "plan.json").read_bytes() == b"previous\n"
    assert _leftovers(project) == []


def test_ctrl_c_in_validate(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    monkeypatch.setattr("nypconsol.pipeline.check", _interrupt)
    result = run("validate", "-i", "inventory.csv")
    assert result.exit_code == 130
    assert result.stderr == INTERRUPTED


def test_internal_error_is_one_line_and_exit_4(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("nypconsol.core.plan.make_plan", boom)
    result = run("plan", "-i", "inventory.csv", "-o", "plan.json")
    assert result.exit_code == 4
    assert result.stderr.endswith(
        "Error: internal error (RuntimeError: boom); please report it with the output of the "
        "same command run with NYPCONSOL_DEBUG=1\n"
    )
    assert not (project / "plan.json").exists()


def test_real_sigint_in_a_real_process(project: Path) -> None:
    """A real Ctrl-C (SIGINT) while the CLI is busy: exit 130, the message, no traceback."""
    script = (
        "import os, signal, sys\n"
        "import nypconsol.core.plan as p\n"
        "real = p.make_plan\n"
        "def slow(*a, **k):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    return real(*a, **k)\n"
        "p.make_plan = slow\n"
        "sys.argv = ['nypconsol', 'plan', '-i', 'inventory.csv', '-o', 'plan.json']\n"
        "from nypconsol.cli.app import main\n"
        "main()\n"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NYPCONSOL")}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.endswith(INTERRUPTED)
    assert not (project / "plan.json").exists()


def test_a_real_process_ends_with_its_exit_code_and_all_its_output(project: Path) -> None:
    # The console script ends with os._exit (no freeing of every object): the streams must be
    # flushed first and every exit code kept.
    rows = "".join(f"Acct{i},x,Skipton\n" for i in range(6000))  # large: orjson writes it
    (project / "big.csv").write_text("handle,platform,area\n" + rows, encoding="utf-8")
    planned = run_process(["plan", "-i", "big.csv", "--format", "json"], project)
    assert planned.returncode == ExitCode.OK, planned.stderr
    assert len(json.loads(planned.stdout)["accounts"]) == 6000
    assert planned.stderr.decode().endswith("0 errors, 1 warning\n")
    assert run_process(["plan", "-i", "big.csv", "-o", "plan.json"], project).returncode == 0
    (project / "big.csv").write_text("handle,platform,area\nAcct1,x,Skipton\n", encoding="utf-8")
    drift = run_process(["plan", "-i", "big.csv", "--check", "plan.json"], project)
    assert drift.returncode == ExitCode.DRIFT
    assert b"5999 removed" in drift.stdout
    missing = run_process(["validate", "-i", "missing.csv"], project)
    assert (missing.returncode, missing.stdout.count(b"unreadable-file")) == (1, 1)
    assert run_process(["plan", "--bogus"], project).returncode == ExitCode.USAGE


@pytest.mark.parametrize(
    ("redirect", "command", "code", "message"),
    [
        # A closed stderr must not turn success into failure.
        ("2>&-", "validate", 0, ""),
        ("2>&-", "plan -o plan.json", 0, ""),
        # A closed stdout loses the plan: a failure, said on stderr.
        (">&-", "plan --format json", 4, "Error: standard output is closed"),
        # --version and --help are written before any command runs.
        ("> /dev/full", "--version", 4, "Error: cannot write to standard output"),
        ("> /dev/full", "--help", 4, "Error: cannot write to standard output"),
    ],
)
def test_closed_or_full_standard_streams(project: Path, redirect, command, code, message) -> None:
    if redirect.startswith(">") and "full" in redirect and not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    done = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m nypconsol {command} {redirect}"],
        cwd=project,
        capture_output="2>" not in redirect,
        stdout=subprocess.DEVNULL if "2>" in redirect else None,
        timeout=60,
    )
    assert done.returncode == code
    if message:
        assert done.stderr.decode().splitlines()[-1].startswith(message), done.stderr
        assert b"Traceback" not in done.stderr
