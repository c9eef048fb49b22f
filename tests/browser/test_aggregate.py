"""A view that holds thousands of features is generalised (bm-layers.js, aggregate): features
that take less than a cell of the screen are drawn, cell by cell, as one mark that says how
many it stands for and zooms in when clicked; nothing disappears without a mark saying so.

The page generalises from thousands of features in view; here the thresholds are lowered
through the page's ``BM_OPTIONS`` so that the Hengyang atlas is generalised, and every view is
compared with the same page drawn feature by feature."""

from __future__ import annotations

import pytest

from ..conftest import OfflinePage, map_settles
from .test_cull import IN_VIEW

pytestmark = pytest.mark.browser

CROWDED = "window.BM_OPTIONS = {cullFrom: 0, aggregateFrom: 30};"

#: The crowd marks on screen: [count, [feature ids it stands for], page x, page y, diameter].
CROWDS = """() => [...document.querySelectorAll('.bm-aggregate')].map(node => {
  const r = node.getBoundingClientRect(), frame = window.battleMap.map.getContainer().getBoundingClientRect();
  const layer = Object.values(window.battleMap.map._layers).find(l => l._icon === node);
  return [+node.textContent.replace(/,/g, ''), layer.stands(), r.left + r.width / 2, r.top + r.height / 2, r.width,
    r.right > frame.left && r.left < frame.right && r.bottom > frame.top && r.top < frame.bottom];
})"""

VIEW = """([zoom, lat, lng]) => {
  window.battleMap.selectPhase('all', {animate: false});
  window.battleMap.map.setView([lat, lng], zoom, {animate: false});
}"""


def _open(browser, site, crowded: bool):
    page = OfflinePage(browser)
    if crowded:
        page.context.add_init_script(CROWDED)
    tab = page.open(site / "index.html")
    tab.wait_for_function("+(window.battleMap.map.getContainer().getAttribute('data-labels') || 0) >= 1")
    return page, tab


def test_a_crowded_view_is_marks_that_stand_for_every_feature_in_it(browser, site) -> None:
    plain_page, plain = _open(browser, site, crowded=False)
    crowd_page, crowded = _open(browser, site, crowded=True)
    try:
        assert plain.evaluate("document.querySelectorAll('.bm-aggregate').length") == 0
        plain.evaluate("window.battleMap.selectPhase('all', {animate: false})")
        centre = plain.evaluate("(() => { const c = window.battleMap.map.getCenter(); return [c.lat, c.lng]; })()")
        zoom = plain.evaluate("window.battleMap.map.getZoom()")
        generalised = 0
        for dz in (-1, 0, 1, 2):
            view = [zoom + dz, *centre]
            for tab in (plain, crowded):
                with map_settles(tab):
                    tab.evaluate(VIEW, view)
            every = set(plain.evaluate(IN_VIEW))
            drawn = set(crowded.evaluate(IN_VIEW))
            crowds = crowded.evaluate(CROWDS)
            stood = [f for count, ids, *_ in crowds for f in ids]
            assert all(count == len(ids) >= 2 for count, ids, *_ in crowds)
            assert len(stood) == len(set(stood)), "a feature in two marks"
            assert not drawn & set(stood), "a feature drawn and in a mark"
            assert drawn <= every
            # every feature the plain page draws in view is drawn, or in a mark on screen
            on_screen = {f for count, ids, *_, shown in crowds if shown for f in ids}
            assert every - drawn <= on_screen, (view, sorted(every - drawn - on_screen))
            # marks on their cells' grid: none covers another
            for i, a in enumerate(crowds):
                for b in crowds[i + 1 :]:
                    assert abs(a[2] - b[2]) >= (a[4] + b[4]) / 2 or abs(a[3] - b[3]) >= (a[4] + b[4]) / 2
            generalised += bool(crowds)
        assert generalised >= 2
        assert plain_page.errors == [] and crowd_page.errors == []
    finally:
        plain_page.close()
        crowd_page.close()


def test_clicking_a_mark_zooms_in_to_what_it_stands_for(browser, site) -> None:
    page, tab = _open(browser, site, crowded=True)
    try:
        tab.evaluate("window.battleMap.selectPhase('all', {animate: false})")
        with map_settles(tab):
            tab.evaluate("window.battleMap.map.setZoom(window.battleMap.map.getZoom() - 1, {animate: false})")
        crowds = [c for c in tab.evaluate(CROWDS) if c[5]]
        assert crowds
        _, ids, x, y, _, _ = max(crowds, key=lambda c: c[0])
        before = tab.evaluate("window.battleMap.map.getZoom()")
        # the zoom's end (the groups cull for the new view on it) and what the next frames draw
        with map_settles(tab):
            tab.mouse.click(x, y)
        assert tab.evaluate("window.battleMap.map.getZoom()") >= before + 2
        drawn = set(tab.evaluate(IN_VIEW))
        stood = {f for _, members, *_ in tab.evaluate(CROWDS) for f in members}
        assert not drawn & stood
        assert set(ids) & drawn  # closer, some are drawn as themselves
        assert page.errors == []
    finally:
        page.close()


def test_an_event_in_a_crowd_carries_no_number(browser, site, battle) -> None:
    """An event drawn as part of a crowd's mark has no number of its own on the map (its number
    would stand on nothing, over the mark): the mark stands for it, and a zoom in numbers it."""
    page, tab = _open(browser, site, crowded=True)
    try:
        numbered_in_crowd, crowded_events, numbered = [], 0, 0
        for phase in battle.phases:
            tab.evaluate("(id) => window.battleMap.selectPhase(id, {animate: false, push: false})", phase.id)
            zoom = tab.evaluate("window.battleMap.map.getZoom()")
            for dz in (-1, 0):
                with map_settles(tab):
                    tab.evaluate("(z) => window.battleMap.map.setZoom(z, {animate: false})", zoom + dz)
                stood = {f for _, ids, *_ in tab.evaluate(CROWDS) for f in ids}
                ids = tab.evaluate(
                    "[...document.querySelectorAll('.bm-event-no')]"
                    ".flatMap(n => n.getAttribute('data-feature').split(' '))"
                )
                numbered += len(ids)
                crowded_events += sum(1 for f in battle.features if f.kind == "event" and f.id in stood)
                numbered_in_crowd += [(phase.id, dz, f) for f in ids if f in stood]
        assert numbered_in_crowd == []
        assert crowded_events > 0 and numbered > 0  # (the views held both)
        assert page.errors == []
    finally:
        page.close()
