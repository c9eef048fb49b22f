"""Large groups culled to the view (bm-layers.js): the reader sees, and the map names, exactly
what an uncut page shows, while only what is near the view is on the map.

A page culls a group from ``CULL_FROM`` items on (thousands); here the threshold is set to 0
through the page's ``BM_OPTIONS`` so that the Hengyang pages are culled, and every check
compares the culled page with the same page uncut, at the same views."""

from __future__ import annotations

import pytest

from ..conftest import OfflinePage
from .test_labels import BOXES

pytestmark = pytest.mark.browser

CULL_ALL = "window.BM_OPTIONS = {cullFrom: 0};"

#: Ids of the features drawn on the map whose geometry touches the view (Leaflet's own bounds).
IN_VIEW = """() => {
  const bm = window.battleMap, map = bm.map, view = map.getBounds(), ids = new Set();
  Object.values(bm.groups).filter(g => map.hasLayer(g)).forEach(g => g.eachLayer(l => {
    if (!l.featureId || l.isDecor || !map.hasLayer(l)) return;
    const b = l.getLatLng ? L.latLngBounds(l.getLatLng(), l.getLatLng()) : l.getBounds();
    const z = l.shown && !l.shown();  // a symbol the zoom does not reach yet
    if (view.intersects(b) && !z) ids.add(l.featureId);
  }));
  return Array.from(ids).sort();
}"""

#: What the labeler placed: each name's feature, text and position, in order.
NAMES = """() => Array.from(window.battleMap.map.getPane('bm-labels').children)
  .map(e => [e.getAttribute('data-feature'), e.textContent, e.style.transform])"""

#: Per culled group on the map: how many of its items are on the map, of how many.
ON_MAP = """() => Object.values(window.battleMap.groups).filter(g => window.battleMap.map.hasLayer(g))
  .map(g => [g.culled, g.onMap ? g.onMap.length : -1, g.items.length])"""

#: The order in which the group's canvas draws its paths (Leaflet's draw list: tests only),
#: as item indices: it must be the items' own order.
DRAW_ORDER = """(gid) => {
  const g = window.battleMap.groups[gid], where = new Map();
  g.onMap.forEach(i => g.slots[i].forEach(l => where.set(l, i)));
  const order = [];
  for (let o = g.canvas._drawFirst; o; o = o.next) { if (where.has(o.layer)) order.push(where.get(o.layer)); }
  return order;
}"""

MOVE = """([dz, dx, dy]) => {
  const bm = window.battleMap, map = bm.map;
  if (dz) map.setZoom(map.getZoom() + dz, {animate: false});
  if (dx || dy) map.panBy([dx, dy], {animate: false});
  bm.labels.place();
}"""


def _open(browser, path, cull: bool) -> tuple[OfflinePage, object]:
    page = OfflinePage(browser)
    if cull:
        page.context.add_init_script(CULL_ALL)
    tab = page.open(path)
    tab.wait_for_function("+(window.battleMap.map.getContainer().getAttribute('data-labels') || 0) >= 1")
    return page, tab


@pytest.mark.parametrize("name", ["index", "assault-2"])
def test_a_culled_page_shows_and_names_what_an_uncut_one_does(browser, site, name) -> None:
    uncut, plain = _open(browser, site / f"{name}.html", cull=False)
    culled, cut = _open(browser, site / f"{name}.html", cull=True)
    try:
        assert all(not c for c, _, _ in plain.evaluate(ON_MAP))
        groups = cut.evaluate(ON_MAP)
        assert groups and all(c for c, _, _ in groups)
        # zoomed in far enough, the view holds only part of the battle: the rest is off the map
        moves = [(0, 0, 0), (2, 0, 0), (1, 300, -200), (0, -900, 500), (-3, 0, 0)]
        partial = False
        for move in moves:
            for tab in (plain, cut):
                tab.evaluate(MOVE, list(move))
            assert cut.evaluate(IN_VIEW) == plain.evaluate(IN_VIEW), move
            assert cut.evaluate(NAMES) == plain.evaluate(NAMES), move
            assert cut.evaluate(BOXES)["bad"] == [], move
            partial = partial or any(n < total for _, n, total in cut.evaluate(ON_MAP))
        assert partial, "no view left anything off the map: the cull was never exercised"
        assert culled.errors == [] and uncut.errors == []
    finally:
        uncut.close()
        culled.close()


def test_a_culled_group_draws_in_the_items_order_after_moves(browser, site) -> None:
    page, tab = _open(browser, site / "assault-2.html", cull=True)
    try:
        shown = tab.evaluate(
            "() => { const bm = window.battleMap; "
            "return Object.keys(bm.groups).filter(g => bm.map.hasLayer(bm.groups[g])); }"
        )
        for move in [(2, 0, 0), (0, 700, 0), (0, -1400, 300), (-2, 0, 0), (1, 200, 200)]:
            tab.evaluate(MOVE, list(move))
            orders = {gid: tab.evaluate(DRAW_ORDER, gid) for gid in shown}
            assert any(len(order) > 1 for order in orders.values()), move
            for gid, order in orders.items():
                assert order == sorted(order), (move, gid)
        assert page.errors == []
    finally:
        page.close()


def test_go_to_brings_a_culled_feature_onto_the_map(browser, battle, site) -> None:
    phase = battle.phases[-1]
    page, tab = _open(browser, site / f"{phase.id}.html", cull=True)
    try:
        tab.evaluate(MOVE, [3, 0, 0])  # close in: most of the phase is off the map
        button = tab.locator(".bm-goto").first
        target = button.get_attribute("data-feature")
        button.click()
        tab.wait_for_selector(".leaflet-popup-content")
        on_map = tab.evaluate(
            "(id) => { let n = 0; window.battleMap.map.eachLayer(l => { n += l.featureId === id; }); return n; }",
            target,
        )
        assert on_map >= 1
        assert page.errors == []
    finally:
        page.close()


#: A canvas element's pixels (RGBA), read from a copy made for reading: reading the page's own
#: canvas back would slow its drawing (and Chromium advises willReadFrequently).
READ_CANVAS = """(canvas) => {
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d', {willReadFrequently: true});
    ctx.drawImage(canvas, 0, 0);
    return ctx.getImageData(0, 0, copy.width, copy.height).data;
  }"""

#: Moves the map without animation, waits two frames and returns, per shown group with a
#: canvas: [how often its canvas drew, whether a fresh drawing now changes any pixel].
DRAWINGS_PER_MOVE = (
    """async ([dz, dx, dy]) => {
  const bm = window.battleMap, map = bm.map;
  const groups = Object.values(bm.groups).filter(g => map.hasLayer(g) && g.canvas && g.canvas._map);
  const proto = Object.getPrototypeOf(groups[0].canvas), redraw = proto._redraw, count = new Map();
  proto._redraw = function () { count.set(this, (count.get(this) || 0) + 1); return redraw.apply(this, arguments); };
  if (dz) map.setZoom(map.getZoom() + dz, {animate: false});
  if (dx || dy) map.panBy([dx, dy], {animate: false});
  if (!dz && !dx && !dy) map.setView(map.getCenter(), map.getZoom(), {animate: false});  // a fit to the view shown
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  proto._redraw = redraw;
  const read = """
    + READ_CANVAS
    + """;
  return groups.map(g => {
    const drawn = read(g.canvas._container);
    g.canvas._redraw();
    const again = read(g.canvas._container);
    return [count.get(g.canvas) || 0, drawn.some((v, i) => v !== again[i])];
  });
}"""
)


def test_a_move_draws_each_culled_canvas_once_with_what_came_near(browser, site) -> None:
    """After a move, a culled group puts on the map what came near the view before its canvas
    draws: each canvas draws once (Leaflet would draw it at the move and again for the paths
    added after), and that one drawing already holds everything (drawing again changes nothing).
    A move that ends at the view already drawn draws nothing."""
    page, tab = _open(browser, site / "assault-2.html", cull=True)
    try:
        for move in [(2, 0, 0), (0, 700, 0), (0, -1400, 300), (-2, 0, 0), (0, 0, 0)]:
            drawings = tab.evaluate(DRAWINGS_PER_MOVE, list(move))
            assert drawings, move
            # a move that ends where it began (a fit to the view shown) draws nothing anew
            assert all(n == (1 if any(move) else 0) for n, _ in drawings), (move, drawings)
            assert not any(changed for _, changed in drawings), (move, drawings)
        assert page.errors == []
    finally:
        page.close()


#: Notes, from before the page's own scripts run, when the page asks for idle time and when
#: animation frames come, each with the number of placements of names by then.
FIRST_FRAME = """
window.__order = [];
const placed = () => {
  const box = document.querySelector('.leaflet-container');
  return +((box && box.getAttribute('data-labels')) || 0);
};
const ask = window.requestIdleCallback.bind(window);
window.requestIdleCallback = function (fn, options) {
  window.__order.push(['idle', placed()]);
  return ask(fn, options);
};
const frame = () => window.requestAnimationFrame(() => {
  window.__order.push(['frame', placed()]);
  if (window.__order.length < 200) { frame(); }
});
frame();
"""


def test_the_phases_are_prepared_after_the_first_view_is_shown(browser, site) -> None:
    """The other phases are prepared while the page is idle, but only once the frame that shows
    the first view with its names has been drawn and the next has begun: a preparation slice
    called at its timeout would otherwise run before them (at 100k features, a slice took a
    few hundred ms)."""
    page = OfflinePage(browser)
    try:
        page.context.add_init_script(FIRST_FRAME)
        tab = page.open(site / "index.html")
        tab.evaluate("window.battleMap.ready")
        order = tab.evaluate("window.__order")
        first_idle = next(i for i, (kind, _) in enumerate(order) if kind == "idle")
        # two frames came with the names placed before the page first asked for idle time
        framed = [kind for kind, placed in order[:first_idle] if kind == "frame" and placed >= 1]
        assert len(framed) >= 2, order[: first_idle + 1]
        # ...once: the fonts were ready (no web font), so no second placement came with them
        assert next(placed for kind, placed in order if placed) == 1, order[:10]
        assert page.errors == []
    finally:
        page.close()


#: Once the page is ready, shows the next phase in the shown one's stead (as the layer control
#: does) and counts the searches of each culled group's index meanwhile: [searches of the phase
#: shown, its items on the map before and after, searches after a pan].
SHOWN_AS_PREPARED = """async () => {
  const bm = window.battleMap, map = bm.map, ids = Object.keys(bm.groups).filter(id => id !== 'reference');
  const current = bm.state.phase, next = bm.groups[ids[(ids.indexOf(current) + 1) % ids.length]];
  const search = next.index.search;
  let searches = 0;
  next.index.search = function () { searches++; return search.apply(this, arguments); };
  const onMap = () => next.onMap.slice();
  const before = onMap();
  map.addLayer(next);
  map.removeLayer(bm.groups[current]);
  const after = onMap(), atShow = searches;  // (widened later, once the page is quiet: see below)
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const shown = searches;
  map.panBy([60, 30], {animate: false});
  delete next.index.search;
  return [atShow, before, after, searches - shown];
}"""


def test_a_phase_shown_where_it_was_culled_is_not_culled_again(browser, site) -> None:
    """A group culled for the view (made ready while hidden) and shown at that same view keeps
    what it put on the map without searching its index again (it is widened later, once the
    page is quiet); a move culls it anew."""
    page, tab = _open(browser, site / "index.html", cull=True)
    try:
        tab.evaluate("window.battleMap.ready")
        searches, before, after, moved = tab.evaluate(SHOWN_AS_PREPARED)
        assert before and after == before
        assert searches == 0
        assert moved == 1
        assert page.errors == []
    finally:
        page.close()


#: Zoomed in two steps, the next phase (hidden) culled as showing it would cull it, then shown
#: in the current one's stead, and from then on its canvas's drawings counted: the group and
#: what it was when hidden and just shown, kept as window.bmWidened. [widened, paths on the map
#: beyond what its canvas reaches] when hidden and just shown.
SHOW_TO_WIDEN = """async () => {
  const bm = window.battleMap, map = bm.map;
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  map.setZoom(map.getZoom() + 2, {animate: false});
  await frames();
  const ids = Object.keys(bm.groups).filter(id => id !== 'reference');
  const current = bm.groups[bm.state.phase], g = bm.groups[ids[(ids.indexOf(bm.state.phase) + 1) % ids.length]];
  g.cull();
  const beyond = () => {
    const n = g.near();
    let k = 0;
    g.eachLayer(l => {
      if (!(l instanceof L.Path) || !l.record) return;
      const b = l.getBounds ? l.getBounds() : L.latLngBounds(l.getLatLng(), l.getLatLng());
      if (b.getEast() < n[0] || b.getWest() > n[2] || b.getNorth() < n[1] || b.getSouth() > n[3]) k += 1;
    });
    return k;
  };
  const hidden = [g.wide, beyond()];
  map.addLayer(g);
  map.removeLayer(current);
  const shown = [g.wide, beyond()];
  await frames();
  const widened = window.bmWidened = {g, beyond, draws: 0};
  const draw = g.canvas._draw;
  g.canvas._draw = function () { widened.draws += 1; return draw.apply(this, arguments); };
  return [hidden, shown];
}"""

#: Once the group is widened, and two frames more: [[widened, paths on the map beyond what its
#: canvas reaches], how many times its canvas was drawn from the widening on].
WIDENED = """async () => {
  const {g, beyond} = window.bmWidened;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return [[g.wide, beyond()], window.bmWidened.draws];
}"""


def test_a_cull_holds_what_the_canvas_reaches_and_widens_when_idle(browser, site) -> None:
    """A cull puts on the map at once the paths its canvas reaches (a phase prepared unseen
    stays so); a shown group is widened once the page is quiet, with the paths around the
    view too, and that draws nothing anew: they lie beyond the canvas."""
    page, tab = _open(browser, site / "index.html", cull=True)
    try:
        tab.evaluate("window.battleMap.ready")
        hidden, shown = tab.evaluate(SHOW_TO_WIDEN)
        tab.wait_for_function("window.bmWidened.g.wide")  # (once the page is quiet: a busy one may take long)
        widened, draws = tab.evaluate(WIDENED)
        assert hidden == [False, 0] and shown == [False, 0], (hidden, shown)
        assert widened[0] is True and widened[1] > 0, widened
        assert draws == 0
        assert page.errors == []
    finally:
        page.close()


#: Whether the shown phase's group is widened.
SHOWN_WIDE = "window.battleMap.groups[window.battleMap.state.phase].wide"

#: Once the shown phase is widened (zoomed in two steps before), panned by a quarter of the
#: view: [features taken off the map, of them those near the new view (within half a view
#: around it), features on the map before the pan and after]; then zoomed in once more: [paths
#: on the map beyond what the canvas reaches].
PAN_KEEPS = """() => {
  const bm = window.battleMap, map = bm.map, g = bm.groups[bm.state.phase];
  const size = map.getSize(), taken = [], remove = map.removeLayer, before = g.onMap.length;
  map.removeLayer = function (layer) { if (layer.record) { taken.push(layer); } return remove.apply(this, arguments); };
  try {
    map.panBy([Math.round(size.x / 4), Math.round(size.y / 6)], {animate: false});
  } finally {
    map.removeLayer = remove;
  }
  const near = map.getBounds().pad(0.5);
  const bounds = (l) => l.getBounds ? l.getBounds() : L.latLngBounds(l.getLatLng(), l.getLatLng());
  const kept = [taken.length, taken.filter(l => near.intersects(bounds(l))).length, before, g.onMap.length];
  map.setZoom(map.getZoom() + 1, {animate: false});
  const n = g.near();
  let beyond = 0;
  g.eachLayer(l => {
    if (!(l instanceof L.Path) || !l.record) return;
    const b = bounds(l);
    if (b.getEast() < n[0] || b.getWest() > n[2] || b.getNorth() < n[1] || b.getSouth() > n[3]) beyond += 1;
  });
  return kept.concat([beyond]);
}"""


def test_a_pan_keeps_on_the_map_what_is_near_the_view(browser, site) -> None:
    """A pan takes off the map only what is no longer near the view: the paths a widening put
    around it stay (beyond the canvas they are neither drawn nor clipped to anything), rather
    than being taken off by the pan and put back by the next widening (at the 100k bench's
    pan, 8 ms of its cull). A zoom projects every path on the map anew: it keeps only what
    the canvas reaches."""
    page, tab = _open(browser, site / "index.html", cull=True)
    try:
        tab.evaluate("window.battleMap.ready")
        tab.evaluate("window.battleMap.map.setZoom(window.battleMap.map.getZoom() + 2, {animate: false})")
        tab.wait_for_function(SHOWN_WIDE)  # (once the page is quiet: a busy one may take long)
        taken, near, before, after, beyond = tab.evaluate(PAN_KEEPS)
        assert taken > 0, "nothing left the view's surroundings: the pan tested nothing"
        assert near == 0, (taken, near)
        assert after > before - taken - 1 >= 0, (before, after, taken)
        assert beyond == 0, beyond  # a zoom, which projects every path on the map, keeps only these
        assert page.errors == []
    finally:
        page.close()
