"""A sweep worklist as a browser draws it: headless Chromium (Debian's ``chromium``, which .ci/run
installs) renders one district's page to a PNG, and the picture is checked to hold the page:
ink in the middle column, the P1 badge in its red, the headings in the navy."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sweepcli import KEY, example_archives, run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WIDTH, HEIGHT = 1280, 1600
RED = (164, 0, 0)  # P1: the badge, the card's edge, "Unanswered" (#a40000)
NAVY = (31, 58, 95)  # the headings (#1f3a5f)


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


def pixels_like(image, colour: tuple[int, int, int]) -> int:  # type: ignore[no-untyped-def]
    return sum(
        count
        for count, seen in image.getcolors(maxcolors=WIDTH * HEIGHT)
        if all(abs(a - b) <= 12 for a, b in zip(seen, colour, strict=True))
    )


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (apt-get install chromium; .ci/run installs it in CI)",
)
def test_a_district_worklist_renders_as_a_page_in_chromium(tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.setenv("NYPCONSOL_PSEUDONYM_KEY", KEY)
    example_archives(tmp_path)
    result = run("sweep", "-i", "inventory.csv", "archives", "-o", "worklists")
    assert result.exit_code == 0, result.stderr
    png = tmp_path / "ryedale.png"
    screenshot(tmp_path / "worklists" / "ryedale.html", png, tmp_path / "profile")

    image = Image.open(png).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    grey = image.convert("L")
    inked = sum(count for shade, count in enumerate(grey.histogram()) if shade < 230)
    share = inked / (WIDTH * HEIGHT)
    assert 0.02 < share < 0.5, f"{share:.1%} of the page is drawn: blank, or not our page"
    assert pixels_like(image, RED) > 1500, "no P1 item in its red: the page did not render"
    assert pixels_like(image, NAVY) > 1500, "no headings in navy: the page did not render"
    # the page sits in the middle column, as laid out: nothing drawn in the far margins
    assert grey.crop((0, 0, 60, HEIGHT)).getextrema()[0] >= 230
