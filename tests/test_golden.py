"""Golden tests: the plan for the shipped default and the shipped example inventory, byte for byte.

To accept a deliberate change, run ``NYPCONSOL_UPDATE_GOLDEN=1 pytest tests/test_golden.py``, then
read the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from nypconsol import __version__
from nypconsol.cli import cli

GOLDEN = Path(__file__).resolve().parent / "golden"
EXAMPLE_INVENTORY = (
    Path(__file__).resolve().parent.parent / "nypconsol" / "data" / "example-inventory.csv"
)
# The tool's own version is the one value allowed to change without a new golden file.
GOLDEN_VERSION = "0.1.0"


def _plan(*args: str) -> bytes:
    result = CliRunner().invoke(cli, ["plan", *args], prog_name="nypconsol")
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.replace(
        f'"version": "{__version__}"'.encode(), f'"version": "{GOLDEN_VERSION}"'.encode()
    )


def _check(name: str, actual: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("NYPCONSOL_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(actual)
    assert actual == path.read_bytes(), f"{name} differs from the golden file"


@pytest.fixture
def example_inventory(tmp_path: Path) -> str:
    """The shipped example, copied so that the path in the output is the same everywhere."""
    shutil.copyfile(EXAMPLE_INVENTORY, tmp_path / "example-inventory.csv")
    return "example-inventory.csv"


def test_default_plan_json() -> None:
    _check("default-plan.json", _plan("--format", "json"))


def test_example_inventory_markdown(example_inventory: str) -> None:
    _check("example-plan.md", _plan("-i", example_inventory, "--format", "markdown"))


def test_example_inventory_csv(example_inventory: str) -> None:
    _check("example-plan.csv", _plan("-i", example_inventory, "--format", "csv"))


# What the golden default plan must say, checked by hand against the mapping and the calendar:
# 11 January 2027 is a Monday and a working day; 14 days later, 25 January 2027, is a Monday with
# no bank holiday in England in between.
EXPECTED_DEFAULT = {
    # handle: (district, action, target)
    "PC_Skipton_Ali": ("craven", "migrate", "NYP_Craven"),
    "GrassingtonPCSO": ("craven", "migrate", "NYP_Craven"),
    "OldSettleBeat": ("craven", "skip", None),
    "NorthallertonSNT": ("hambleton", "migrate", "NYPHambleton"),
    "StokesleyPolice": ("hambleton", "migrate", "NYP_Hambleton"),
    "HarrogateCops": ("harrogate", "migrate", "NYP_Harrogate"),
    "RiponPolice": ("harrogate", "migrate", "northyorkshirepolice"),  # no district Instagram
    "LeyburnBeat": ("richmondshire", "migrate", "NYP_Richmonds"),
    "CatterickPCSO": ("richmondshire", "migrate", "NYP_Richmonds"),
    "MaltonNorton": ("ryedale", "migrate", "NYP_Ryedale"),
    "HelmsleyPolice": ("ryedale", "migrate", "NYPRyedale"),
    "ScarboroughPol": ("scarborough", "migrate", "NYP_Scarboro"),
    "WhitbySNT": ("scarborough", "migrate", "NYP_Scarboro"),
    "SelbyPolice": ("selby", "migrate", "NYP_Selby"),
    "TadcasterPCSO": ("selby", "migrate", "NYPSelby"),
    "YorkCentreSNT": ("york", "migrate", "NYP_York"),
    "AcombPCSO": ("york", "migrate", "NYP_York"),
    "NYP_Roads": ("force", "retain", None),
}


def test_golden_default_plan_is_right() -> None:
    """The golden file itself, checked against facts worked out by hand."""
    plan = json.loads((GOLDEN / "default-plan.json").read_text(encoding="utf-8"))
    accounts = {a["handle"]: a for a in plan["accounts"]}
    assert {h: (a["district"], a["action"], a["target"]) for h, a in accounts.items()} == (
        EXPECTED_DEFAULT
    )
    assert plan["start"] == "2027-01-11"
    for account in plan["accounts"]:
        if account["action"] == "migrate":
            assert (account["notice_date"], account["close_date"]) == ("2027-01-11", "2027-01-25")
        else:
            assert (account["notice_date"], account["close_date"]) == (None, None)
    summary = plan["summary"]
    assert (summary["accounts"], summary["migrate"], summary["retain"], summary["skip"]) == (
        18,
        16,
        1,
        1,
    )
    migrating = [a for a in plan["accounts"] if a["action"] == "migrate"]
    assert summary["followers_to_redirect"] == sum(a["followers"] for a in migrating) == 51815
    assert list(summary["districts"]) == [
        "craven",
        "hambleton",
        "harrogate",
        "richmondshire",
        "ryedale",
        "scarborough",
        "selby",
        "york",
        "force",
    ]
    assert sum(d["accounts"] for d in summary["districts"].values()) == 18
    # Order: districts in config order (force last), then platform, then handle.
    order = list(summary["districts"])
    keys = [
        (order.index(a["district"]), a["platform"], a["handle"].casefold())
        for a in plan["accounts"]
    ]
    assert keys == sorted(keys)
