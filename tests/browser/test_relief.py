"""Hills drawn as areas, in headless Chromium, on the fixture battle (a reference hill whose
summit is not recorded, and a hill position whose summit a source gives): the relief is drawn,
beneath every other mark; each sign stands within a few pixels of its point (filled at the
sourced summit, open in the middle of the other), with the position's dot under it; the key
explains the hatching; the popup says what the extent and the summit are drawn from."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers.data.load import load_battle
from layers.site import build

from ..conftest import ALL_DETAILS, FIXTURE_BATTLE, OfflinePage
from .test_true_places import MARKS, NEAR, _apart

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(load_battle(FIXTURE_BATTLE), tmp_path_factory.mktemp("relief") / "output")


#: The panes of the map with what each holds: its z-index, whether it holds a hill's relief (a
#: canvas that draws one), and whether it draws anything else (a canvas or an element).
PANES = """() => {
  const map = window.battleMap.map, panes = map.getPanes(), reliefs = new Set();
  Object.values(window.battleMap.groups).forEach(group => group.getLayers().forEach(layer => {
    if (layer.isRelief && layer._renderer) reliefs.add(layer._renderer._container.parentNode);
  }));
  const out = {};
  for (const [name, pane] of Object.entries(panes)) {
    if (name === 'mapPane' || name === 'popupPane' || name === 'tooltipPane') continue;
    const drawn = Array.from(pane.children).some(c => !reliefs.has(pane) || c.tagName !== 'CANVAS');
    out[name] = {z: +getComputedStyle(pane).zIndex || 0, relief: reliefs.has(pane), other: drawn};
  }
  return out;
}"""

#: The hills' reliefs: for each, how many of its canvas's pixels in the middle of the area are
#: painted (the hatching and its tint), out of how many looked at.
PAINTED = """() => {
  const map = window.battleMap.map, out = {};
  Object.values(window.battleMap.groups).forEach(group => group.getLayers().forEach(layer => {
    if (!layer.isRelief || !layer._renderer) return;
    const canvas = layer._renderer._container, box = canvas.getBoundingClientRect(), k = canvas.width / box.width;
    if (!box.width || !map.hasLayer(layer)) return;  // a phase not shown (the atlas)
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d');
    ctx.drawImage(canvas, 0, 0);
    const p = map.latLngToContainerPoint(layer.getBounds().getCenter());
    const frame = map.getContainer().getBoundingClientRect();
    const x = Math.round((p.x + frame.left - box.left) * k), y = Math.round((p.y + frame.top - box.top) * k);
    const data = ctx.getImageData(x - 10, y - 10, 20, 20).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
    out[layer.reliefOf] = [painted, data.length / 4];
  }));
  return out;
}"""


def _open(browser, site: Path, lang: str, page: str = "morning.html"):
    offline = OfflinePage(browser)
    tab = offline.open(site / page)
    tab.evaluate("(lang) => { window.battleMap.setLanguage(lang); window.battleMap.labels.place(); }", lang)
    return offline, tab


def _view_the_hills(tab) -> None:
    """A view that holds both hills, clear of the panel."""
    tab.evaluate(
        """() => {
          const map = window.battleMap.map, panel = document.getElementById('bm-panel');
          map.fitBounds([[50.076, 4.04], [50.102, 4.145]], {paddingTopLeft: [panel.offsetWidth + 30, 30],
            paddingBottomRight: [30, 30], animate: false});
          window.battleMap.labels.place();
        }"""
    )


@pytest.mark.parametrize("page", ["morning.html", "index.html"])
def test_the_relief_is_drawn_beneath_every_other_mark(browser, mini_site: Path, page: str) -> None:
    offline, tab = _open(browser, mini_site, "en", page)
    try:
        _view_the_hills(tab)
        panes = tab.evaluate(PANES)
        reliefs = {name: pane for name, pane in panes.items() if pane["relief"]}
        # the reference hill and the hill position: each group's reliefs on a canvas of their own
        assert len(reliefs) == 2 if page == "morning.html" else len(reliefs) >= 2, panes
        assert not any(pane["other"] for pane in reliefs.values()), panes  # nothing else on them
        # every pane that draws anything else (the offline base map is the ground beneath)
        drawing = [pane["z"] for name, pane in panes.items() if pane["other"] and name != "bm-base"]
        assert drawing and max(pane["z"] for pane in reliefs.values()) < min(drawing), panes
        # and above the ground the map is drawn on: the offline base, and tiles when chosen
        assert min(pane["z"] for pane in reliefs.values()) > max(panes["bm-base"]["z"], panes["tilePane"]["z"])
        painted = tab.evaluate(PAINTED)
        assert set(painted) == {"beacon-hill", "ridge"}, painted
        assert all(n >= total / 10 for n, total in painted.values()), painted
        assert offline.errors == []
    finally:
        offline.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_sign_stands_on_its_point(browser, mini_site: Path, lang: str) -> None:
    """The ridge's ▲ (and the position's dot under it) on the summit a source gives; the beacon
    hill's open △ on the middle of its area, the point the build chose, which claims no summit:
    at a view of both, and closer on each."""
    offline, tab = _open(browser, mini_site, lang)
    try:
        _view_the_hills(tab)
        zoom = tab.evaluate("() => window.battleMap.map.getZoom()")
        views = [("both", ["ridge", "beacon-hill"])]
        for hill in ("ridge", "beacon-hill"):
            views.append((hill, [hill]))
        for view, hills in views:
            if view != "both":  # three zooms closer, the hill's mark in the middle of the map
                tab.evaluate(
                    """([id, zoom]) => {
                      const bm = window.battleMap, layer = bm.labels.visible().find(l => l.record[BM.R.ID] === id);
                      const c = BM.markAt(layer.record);
                      bm.map.setView([c[1], c[0] - 0.002], zoom, {animate: false});
                      bm.labels.place();
                    }""",
                    [view, zoom + 3],
                )
            marks = {m["id"]: m for m in tab.evaluate(MARKS)}
            assert set(hills) <= set(marks), (view, sorted(marks))
            for hill in hills:
                mark = marks[hill]
                assert mark["hill"] and mark["sign"] and _apart(mark["sign"], mark["at"]) <= NEAR, (view, mark)
            if "ridge" in hills:
                ridge = marks["ridge"]
                summit = tab.evaluate(
                    "() => { const p = window.battleMap.map.latLngToContainerPoint([50.097, 4.135]);"
                    " return [p.x, p.y]; }"
                )
                assert _apart(ridge["at"], summit) <= 0.5  # the mark's point is the sourced summit
                assert ridge["dot"] and _apart(ridge["dot"], ridge["at"]) <= NEAR, (view, ridge)  # the dot, under it
            kinds = tab.evaluate(
                "() => Object.fromEntries(Array.from(document.querySelectorAll('.bm-leaders .bm-sign'),"
                " e => [e.dataset.feature, e.classList.contains('bm-sign-open')]))"
            )
            assert {hill: kinds.get(hill) for hill in hills} == {h: h == "beacon-hill" for h in hills}, (view, kinds)
        assert offline.errors == []
    finally:
        offline.close()


def test_the_key_and_the_popup_say_what_the_area_claims(browser, mini_site: Path) -> None:
    offline, tab = _open(browser, mini_site, "en")
    try:
        _view_the_hills(tab)
        key = tab.evaluate(
            "() => Array.from(document.querySelectorAll('.bm-key-list li'), li => li.getAttribute('data-legend'))"
        )
        assert "hill:relief:described" in key, key
        tab.evaluate(ALL_DETAILS)
        texts = tab.evaluate(
            """() => ['beacon-hill', 'ridge'].map(id => {
              const layer = window.battleMap.labels.visible().find(l => l.record && l.record[BM.R.ID] === id);
              BM.layers.talk(layer).openPopup();
              const text = layer.getPopup().getElement().innerText;
              layer.closePopup();
              return text;
            })"""
        )
        beacon, ridge = texts
        assert "Extent drawn from: [letters" in beacon and "Summit not recorded" in beacon, beacon
        assert "Extent drawn from: [chronicle" in ridge and "Summit placed by: [letters" in ridge, ridge
        assert "Spot height: 121.5 m [letters" in ridge, ridge
        assert offline.errors == []
    finally:
        offline.close()


#: After a pan (the drawing moved with the view and its strips drawn: bm-canvas.js, shift) and
#: after a zoom: each relief canvas shown, whether it has the pixels of a drawing made afresh,
#: and how many pans it moved rather than drew anew. [[feature ids, same, shifted], ...]
FRESH = """async ([dz, dx, dy]) => {
  const bm = window.battleMap, map = bm.map;
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  if (dz) map.setZoom(map.getZoom() + dz, {animate: false});
  if (dx || dy) map.panBy([dx, dy], {animate: false});
  await frames();
  const out = [];
  Object.values(bm.groups).forEach(g => {
    const c = g.reliefCanvas;
    if (!c || !c._map || !map.hasLayer(g)) return;
    const ids = g.getLayers().filter(l => l.isRelief).map(l => l.reliefOf), shown = c._container.toDataURL();
    c._redraw();
    out.push([ids, shown === c._container.toDataURL(), c.shifted]);
  });
  return out;
}"""


@pytest.mark.parametrize("move", [(0, 160, 90), (0, -120, 60), (1, 0, 0)], ids=["pan", "pan-back", "zoom"])
def test_a_moved_relief_has_the_pixels_of_a_fresh_drawing(browser, mini_site: Path, move) -> None:
    """The hatching is laid in layer pixels: a pan that moves the drawing and draws only the
    strips it uncovered gives the pixels a drawing made afresh gives, strokes meeting across
    the seams; so does a zoom."""
    offline, tab = _open(browser, mini_site, "en")
    try:
        _view_the_hills(tab)
        tab.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        found = tab.evaluate(FRESH, list(move))
        assert sorted(ids[0] for ids, _, _ in found) == ["beacon-hill", "ridge"], found
        assert all(same for _, same, _ in found), found
        if not move[0]:
            assert all(shifted >= 1 for _, _, shifted in found), found  # the pan moved the drawing
        assert offline.errors == []
    finally:
        offline.close()
