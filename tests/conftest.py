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
    # the sweep's settings: no developer's ledger, Mastodon token or pseudonym key in a test
    for name in (
        "NYPCONSOL_LEDGER",
        "NYPCONSOL_MASTODON_TOKEN",
        "NYPCONSOL_MASTODON_API_BASE",
        "NYPCONSOL_PSEUDONYM_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- shared inputs for the core tests ---------------------------------------------------------

# A small mapping: three districts, force-wide accounts on X and Facebook only (so Instagram and
# TikTok rows have no destination), Richmondshire with no Facebook account (falls back to force).
MINI_CONFIG = """\
force:
  name: Test Force
  accounts: {x: NYorksPolice, facebook: NorthYorkshirePolice}
  reporting: {emergency: "999", non_emergency: "101", online: "https://example.org/report"}
districts:
  craven:
    name: Craven
    accounts: {x: NYP_Craven, facebook: NYPCraven}
    areas: [Skipton, Settle, Grassington]
  richmondshire:
    name: Richmondshire
    accounts: {x: NYP_Richmonds}
    areas: [Richmond, Leyburn, Brompton-on-Swale]
  selby:
    name: Selby
    accounts: {x: NYP_Selby, facebook: NYPSelby}
    areas: [Selby, Tadcaster, Sherburn in Elmet]
policy:
  start: 2027-01-11
  notice_days: 14
"""


@pytest.fixture
def write(tmp_path: Path):
    """write(name, text_or_bytes) -> name: a file in the test's folder (the working folder)."""

    def _write(name: str, content: str | bytes) -> str:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
        return name

    return _write


@pytest.fixture
def mini_config(write) -> str:
    """The small mapping above, written as config.yaml; returns its name."""
    return write("config.yaml", MINI_CONFIG)


@pytest.fixture
def checked(mini_config: str):
    """checked(inventory=None, config=mini_config, **load_kwargs) -> pipeline.Checked."""
    from nypconsol.pipeline import check, load_inputs

    def _checked(inventory: str | None = None, config: str | None = None, **kwargs):
        today = kwargs.pop("today", None)
        inputs = load_inputs(config or mini_config, inventory, environ={}, **kwargs)
        return check(inputs, today=today)

    return _checked
