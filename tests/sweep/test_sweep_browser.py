"""A sweep worklist as a browser draws it: headless Chromium (Debian's ``chromium``, which .ci/run
installs) renders one district's page to a PNG, and the picture is checked to hold the page:
ink in the middle column, the P1 badge in its red, the headings in the navy."""

from __future__ import annotations

from chromium import drawn_share, margin_is_blank, needs_chromium, pixels_like, screenshot
from sweepcli import KEY, example_archives, run

WIDTH, HEIGHT = 1280, 1600
RED = (164, 0, 0)  # P1: the badge, the card's edge, "Unanswered" (#a40000)
NAVY = (31, 58, 95)  # the headings (#1f3a5f)


@needs_chromium
def test_a_district_worklist_renders_as_a_page_in_chromium(tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.setenv("NYPCONSOL_PSEUDONYM_KEY", KEY)
    example_archives(tmp_path)
    result = run("sweep", "-i", "inventory.csv", "archives", "-o", "worklists")
    assert result.exit_code == 0, result.stderr
    png = tmp_path / "ryedale.png"
    screenshot(tmp_path / "worklists" / "ryedale.html", png, tmp_path / "profile", WIDTH, HEIGHT)

    image = Image.open(png).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    share = drawn_share(image)
    assert 0.02 < share < 0.5, f"{share:.1%} of the page is drawn: blank, or not our page"
    assert pixels_like(image, RED) > 1500, "no P1 item in its red: the page did not render"
    assert pixels_like(image, NAVY) > 1500, "no headings in navy: the page did not render"
    # the page sits in the middle column, as laid out: nothing drawn in the far margins
    assert margin_is_blank(image)
