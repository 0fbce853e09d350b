"""Shared fixtures: a clean environment so output does not depend on the developer's machine."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_CSV = REPO / "nypconsol" / "data" / "example-inventory.csv"
DEFAULT_CONFIG = REPO / "config" / "accounts.yaml"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Run each test in an empty folder with no colour, fixed width and no config variable."""
    monkeypatch.delenv("NYPCONSOL_CONFIG", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    return tmp_path
