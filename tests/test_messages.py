"""Words people read (issue 10, "Smaller things"): --strict says why it failed, no "(s)"
plurals, the summary's followers column says what it counts, and the README's validate example
is what the tool prints for init's files with one deliberate mistake."""

from __future__ import annotations

import re
import tokenize
from pathlib import Path

from click.testing import CliRunner

from nypconsol.cli import cli
from tests.conftest import REPO

PACKAGE = REPO / "nypconsol"


def run(*args: str):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args), prog_name="nypconsol")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_strict_failing_because_of_warnings_says_so() -> None:
    result = run("validate", "--strict")
    assert result.exit_code == 1
    assert result.stderr == "Failed because of --strict: 1 warning, no errors.\n"
    json_result = run("validate", "--strict", "--format", "json")
    assert json_result.stderr == "Failed because of --strict: 1 warning, no errors.\n"


def test_strict_with_errors_needs_no_extra_word(write) -> None:
    write("bad.csv", "handle,platform,area\nx,x,Nowhere\n")
    result = run("validate", "--strict", "-i", "bad.csv")
    assert result.exit_code == 1
    assert "--strict" not in result.stderr


def _texts(path: Path) -> list[tuple[int, str]]:
    """The text a file can show a person, with its line: a Python file's string literals, or
    every line of a template or data file."""
    if path.suffix != ".py":
        return list(enumerate(path.read_text(encoding="utf-8").splitlines(), 1))
    with path.open("rb") as handle:
        tokens = tokenize.tokenize(handle.readline)
        return [(t.start[0], t.string) for t in tokens if t.type in _STRING_TOKENS]


_STRING_TOKENS = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}


def test_no_s_in_brackets_anywhere_in_the_package() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sorted(PACKAGE.rglob("*"))
        if path.suffix in (".py", ".j2", ".md", ".txt", ".yaml", ".html")
        for number, text in _texts(path)
        if re.search(r"[A-Za-z]\(s\)", text)
    ]
    assert offenders == []


def test_markdown_findings_counts_read_as_english(write, monkeypatch, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    write("one.csv", "handle,platform,area\nOne,x,Nowhere\n")
    run("validate", "-i", "one.csv", "--format", "github")
    assert "1 account checked: 1 error, 1 warning." in summary.read_text(encoding="utf-8")


def test_plan_summary_column_is_followers_to_redirect() -> None:
    table = run("plan", "--start", "2027-01-11").stdout
    assert "Followers to redirect" in table.split("By district", 1)[1].splitlines()[2]
    markdown = run("plan", "--start", "2027-01-11", "--format", "markdown").stdout
    assert "| District | Accounts | Migrate | Retain | Skip | Followers to redirect |" in markdown


def test_the_readme_validate_example_is_what_the_tool_prints(tmp_path: Path, monkeypatch) -> None:
    """README "nypconsol validate": init's files, with Skipton misspelt on line 2."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `nypconsol validate`", 1)[1].split("\n### ", 1)[0]
    block = section.split("```console\n", 1)[1].split("```", 1)[0]
    command, *expected = block.splitlines()
    assert command == "$ nypconsol validate -i inventory.csv"
    assert "misspelt as `Skiptn` on line 2" in " ".join(section.split())
    monkeypatch.chdir(tmp_path)
    assert run("init").exit_code == 0
    inventory = tmp_path / "inventory.csv"
    lines = inventory.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    assert ",Skipton," in lines[1]
    lines[1] = lines[1].replace(",Skipton,", ",Skiptn,")
    inventory.write_text("\ufeff" + "".join(lines), encoding="utf-8")
    result = run(*command.removeprefix("$ nypconsol ").split())
    assert result.exit_code == 1
    assert result.stdout.splitlines() == expected
