"""A handover report as a browser draws it: headless Chromium (Debian's ``chromium``, which
.ci/run installs) renders one report to a PNG, and the picture is checked to hold a page."""

from __future__ import annotations

import shutil
from pathlib import Path

from chromium import drawn_share, margin_is_blank, needs_chromium, pixels_like, screenshot
from click.testing import CliRunner

from nypconsol.cli import cli

EXAMPLE_INVENTORY = (
    Path(__file__).resolve().parent.parent / "nypconsol" / "data" / "example-inventory.csv"
)
WIDTH, HEIGHT = 1280, 1800
NAVY = (31, 58, 95)  # the chart's bars and the headings (#1f3a5f)


@needs_chromium
def test_a_district_report_renders_as_a_page_in_chromium(tmp_path: Path) -> None:
    from PIL import Image

    shutil.copyfile(EXAMPLE_INVENTORY, tmp_path / "inventory.csv")
    result = CliRunner().invoke(
        cli, ["handover", "-i", "inventory.csv", "-o", "reports", "--district", "harrogate"]
    )
    assert result.exit_code == 0, result.output
    png = tmp_path / "harrogate.png"
    screenshot(tmp_path / "reports" / "harrogate.html", png, tmp_path / "profile", WIDTH, HEIGHT)

    image = Image.open(png).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    share = drawn_share(image)
    assert 0.02 < share < 0.5, f"{share:.1%} of the page is drawn: blank, or not our page"
    assert pixels_like(image, NAVY) > 2000, (
        "no chart bars or headings in our colour: the page did not render"
    )
    # the text sits in the middle column, as laid out: nothing drawn in the far margins
    assert margin_is_blank(image)
