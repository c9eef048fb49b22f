"""What a reader sees: pages render to non-blank images, on a desktop and on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import OfflinePage
from ..images import png_pixels, variance

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_screenshots_are_not_blank(browser, battle, site: Path, viewport) -> None:
    width, height = viewport
    page = OfflinePage(browser, {"width": width, "height": height})
    try:
        for name in ["index", battle.phases[0].id]:
            tab = page.open(site / f"{name}.html")
            w, h, grey = png_pixels(tab.screenshot())
            assert (w, h) == (width, height)
            assert variance(grey) > 50, name
            # the map itself, not only the panel, has drawing on it
            assert tab.evaluate("document.querySelectorAll('.leaflet-map-pane canvas').length") > 0
            assert tab.evaluate("BM.units.boxes().length") > 0  # unit symbols drawn
        assert page.errors == []
    finally:
        page.close()
