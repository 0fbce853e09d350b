"""A handover report as a browser draws it: headless Chromium (Debian's ``chromium``, which
.ci/run installs) renders one report to a PNG, and the picture is checked to hold a page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from nypconsol.cli import cli

EXAMPLE_INVENTORY = (
    Path(__file__).resolve().parent.parent / "nypconsol" / "data" / "example-inventory.csv"
)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WIDTH, HEIGHT = 1280, 1800
NAVY = (31, 58, 95)  # the chart's bars and the headings (#1f3a5f)


def screenshot(page: Path, png: Path, profile: Path) -> None:
    """The page drawn by headless Chromium, with a fresh profile and nothing from the network."""
    assert CHROMIUM is not None
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            f"--window-size={WIDTH},{HEIGHT}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0 and png.is_file(), done.stderr[-2000:]


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (apt-get install chromium; .ci/run installs it in CI)",
)
def test_a_district_report_renders_as_a_page_in_chromium(tmp_path: Path) -> None:
    from PIL import Image

    shutil.copyfile(EXAMPLE_INVENTORY, tmp_path / "inventory.csv")
    result = CliRunner().invoke(
        cli, ["handover", "-i", "inventory.csv", "-o", "reports", "--district", "harrogate"]
    )
    assert result.exit_code == 0, result.output
    png = tmp_path / "harrogate.png"
    screenshot(tmp_path / "reports" / "harrogate.html", png, tmp_path / "profile")

    image = Image.open(png).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    grey = image.convert("L")
    inked = sum(count for shade, count in enumerate(grey.histogram()) if shade < 230)
    share = inked / (WIDTH * HEIGHT)
    assert 0.02 < share < 0.5, f"{share:.1%} of the page is drawn: blank, or not our page"
    navy = sum(
        count
        for count, colour in image.getcolors(maxcolors=WIDTH * HEIGHT)
        if all(abs(a - b) <= 12 for a, b in zip(colour, NAVY, strict=True))
    )
    assert navy > 2000, "no chart bars or headings in our colour: the page did not render"
    # the text sits in the middle column, as laid out: nothing drawn in the far margins
    left_margin = grey.crop((0, 0, 60, HEIGHT))
    assert left_margin.getextrema()[0] >= 230
