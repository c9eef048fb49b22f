"""A large site's features come in two files (layers/page/sitedata.py, SiteData.lead): what
the first phase draws, loaded with the page, and the rest, loaded once the first view is drawn.
Every phase stays fully available: a move that needs the rest waits for it, and once it is
there the page draws what the same page drawn from one file draws.

The split is for large sites; here the threshold is lowered so that Hengyang is split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..conftest import OfflinePage
from .test_cull import IN_VIEW

pytestmark = pytest.mark.browser

DRAWN = "+(window.battleMap.map.getContainer().getAttribute('data-labels') || 0) >= 1"
FEATURES = "() => JSON.stringify(window.BM_SITE[BM.S.FEATURES])"


@pytest.fixture(scope="module")
def split_site(tmp_path_factory: pytest.TempPathFactory, battle) -> Path:
    """The real site, with its features in two files."""
    from layers.page import sitedata
    from layers.site import build

    was = sitedata.SPLIT_FROM
    sitedata.SPLIT_FROM = 0
    try:
        return build(battle, tmp_path_factory.mktemp("split") / "output")
    finally:
        sitedata.SPLIT_FROM = was


def _scripts(page: Path) -> list[str]:
    """The site data files the page loads with it."""
    html = page.read_text(encoding="utf-8")
    return sorted(p.name for p in (page.parent / "data").glob("site-*.js") if f'"data/{p.name}"' in html)


def test_a_page_loads_with_it_only_what_its_opening_phase_draws(split_site: Path, battle) -> None:
    firsts = [p.name for p in (split_site / "data").glob("site-*.js") if not p.name.startswith("site-more-")]
    mores = [p.name for p in (split_site / "data").glob("site-more-*.js")]
    assert len(firsts) == 1 and len(mores) == 1
    first_phase, later = battle.phases[0].id, battle.phases[1].id
    for page, both in (("index.html", False), (f"{first_phase}.html", False), (f"{later}.html", True)):
        assert _scripts(split_site / page) == sorted(firsts + mores if both else firsts), page


def test_every_feature_comes_and_the_pages_draw_as_from_one_file(browser, site: Path, split_site: Path) -> None:
    one, two = OfflinePage(browser), OfflinePage(browser)
    try:
        whole, split = one.open(site / "index.html"), two.open(split_site / "index.html")
        for tab in (whole, split):
            tab.wait_for_function(DRAWN)
            tab.evaluate("() => window.battleMap.ready")
        assert split.evaluate("() => BM.siteComplete()")
        assert json.loads(split.evaluate(FEATURES)) == json.loads(whole.evaluate(FEATURES))
        ids = whole.evaluate("() => Object.keys(window.battleMap.groups).filter(id => id !== 'reference')")
        for phase in [*ids, "all"]:
            for tab in (whole, split):
                tab.evaluate("(id) => window.battleMap.selectPhase(id, {animate: false})", phase)
            assert split.evaluate(IN_VIEW) == whole.evaluate(IN_VIEW), phase
        assert one.errors == [] and two.errors == []
    finally:
        one.close()
        two.close()


def test_a_move_made_before_the_rest_has_come_waits_for_it(browser, split_site: Path, battle) -> None:
    """The second file held back: the first view is drawn from the first, a step to a later
    phase and the day slider wait, and both happen once the file comes."""
    page = OfflinePage(browser)
    held = []
    page.context.route("**/site-more-*.js", lambda route: held.append(route))  # (routes added last are asked first)
    try:
        tab = page.page
        tab.goto((split_site / "index.html").resolve().as_uri())
        tab.wait_for_function("window.battleMap !== undefined")
        tab.wait_for_function(DRAWN)
        tab.wait_for_function("() => document.querySelector('script[src*=\"site-more-\"]') !== null")
        assert tab.evaluate("() => BM.siteComplete()") is False
        first = battle.phases[0].id
        assert tab.evaluate("() => window.battleMap.state.phase") == first
        assert tab.evaluate("() => document.querySelector('.bm-day').disabled") is True
        assert tab.evaluate(IN_VIEW), "the first view is drawn from the first file"
        last = battle.phases[-1].id
        tab.evaluate("(id) => window.battleMap.selectPhase(id, {animate: false})", last)
        assert tab.evaluate("() => window.battleMap.state.phase") == first  # waiting
        tab.wait_for_function("() => true")  # (the held request reaches the route meanwhile)
        assert held, "the page asked for the second file"
        held[0].continue_()
        tab.wait_for_function("() => BM.siteComplete()")
        tab.wait_for_function("(id) => window.battleMap.state.phase === id", arg=last)
        tab.evaluate("() => window.battleMap.ready")
        assert tab.evaluate("() => document.querySelector('.bm-day').disabled") is False
        assert tab.evaluate(IN_VIEW)
        assert page.errors == []
    finally:
        page.close()


def test_a_later_phase_page_has_every_feature_before_it_draws(browser, site: Path, split_site: Path, battle) -> None:
    later = f"{battle.phases[-1].id}.html"
    one, two = OfflinePage(browser), OfflinePage(browser)
    try:
        whole, split = one.open(site / later), two.open(split_site / later)
        assert split.evaluate("() => BM.siteComplete()")  # (both files ran before the page's script)
        for tab in (whole, split):
            tab.wait_for_function(DRAWN)
        assert split.evaluate(IN_VIEW) == whole.evaluate(IN_VIEW)
        assert split.evaluate("() => document.querySelector('.bm-day').disabled") is False
        assert one.errors == [] and two.errors == []
    finally:
        one.close()
        two.close()
