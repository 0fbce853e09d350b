"""Headless Chromium for the tests that look at a page as a browser draws it (Debian's
``chromium``, which .ci/run installs): a screenshot with a fresh profile and nothing from the
network, and counting the pixels of a colour in it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (apt-get install chromium; .ci/run installs it in CI)",
)


def screenshot(page: Path, png: Path, profile: Path, width: int, height: int) -> None:
    """The page drawn by headless Chromium into ``png``, ``width`` by ``height`` pixels."""
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
            f"--window-size={width},{height}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0 and png.is_file(), done.stderr[-2000:]


def pixels_like(image, colour: tuple[int, int, int], tolerance: int = 12) -> int:  # type: ignore[no-untyped-def]
    """How many pixels of an RGB image are within ``tolerance`` of ``colour`` in each channel."""
    width, height = image.size
    return sum(
        count
        for count, seen in image.getcolors(maxcolors=width * height)
        if all(abs(a - b) <= tolerance for a, b in zip(seen, colour, strict=True))
    )


def drawn_share(image) -> float:  # type: ignore[no-untyped-def]
    """The share of an image's pixels drawn darker than the paper (a blank page has none)."""
    grey = image.convert("L")
    width, height = grey.size
    return sum(count for shade, count in enumerate(grey.histogram()) if shade < 230) / (
        width * height
    )


def margin_is_blank(image, width: int = 60) -> bool:  # type: ignore[no-untyped-def]
    """Nothing drawn in the leftmost ``width`` pixels: the page sits in its column."""
    return image.convert("L").crop((0, 0, width, image.size[1])).getextrema()[0] >= 230
