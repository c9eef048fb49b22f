"""Unit symbols drawn on canvases (bm-units.js), used with the mouse as the reader would: the
pointer, the tooltip and the popup of the symbol under it; a drag over a symbol pans the map;
designations follow the language; the symbols are pixels on the canvas where the page says."""

from __future__ import annotations

import pytest

from ..conftest import FRAMES, map_settles

pytestmark = pytest.mark.browser

#: True once every symbol image the page has asked for has arrived (each arrival asks the
#: canvases to draw again, in the next frame: FRAMES).
SYMBOLS_DECODED = "BM.units.unready() === 0"

#: Each drawn unit whose symbol's middle is on screen: its feature id and that middle, in page pixels.
SYMBOLS = """() => {
  const frame = window.battleMap.map.getContainer().getBoundingClientRect(), icons = window.BM_SITE.icons;
  return BM.units.boxes().map(b => {
    const icon = icons[b.layer.record[BM.R.ICON]];
    return [b.feature, frame.left + b.minX + icon.w * b.scale / 2, frame.top + b.minY + icon.h * b.scale / 2];
  }).filter(([, x, y]) => x >= frame.left && x < frame.right && y >= frame.top && y < frame.bottom);
}"""

#: The highest alpha of the units' canvases under each page point (x, y): each canvas copied
#: once to a canvas made for reading.
INK_AT = """(points) => {
  const ink = points.map(() => 0);
  document.querySelectorAll('canvas.bm-units').forEach(c => {
    const r = c.getBoundingClientRect();
    if (!r.width || !c.width) return;
    const copy = document.createElement('canvas');
    copy.width = c.width;
    copy.height = c.height;
    const ctx = copy.getContext('2d', {willReadFrequently: true});
    ctx.drawImage(c, 0, 0);
    const k = c.width / r.width, pixels = ctx.getImageData(0, 0, c.width, c.height).data;
    points.forEach(([x, y], i) => {
      const px = Math.floor((x - r.left) * k), py = Math.floor((y - r.top) * k);
      if (px < 0 || py < 0 || px >= c.width || py >= c.height) return;
      ink[i] = Math.max(ink[i], pixels[(py * c.width + px) * 4 + 3]);
    });
  });
  return ink;
}"""


def _phase_page(offline, battle, site):
    tab = offline.open(site / f"{battle.phases[-1].id}.html")
    tab.wait_for_function("+(window.battleMap.map.getContainer().getAttribute('data-labels') || 0) >= 1")
    tab.wait_for_function(SYMBOLS_DECODED)  # (the names placed, the symbols they drew have been asked for)
    tab.evaluate(FRAMES)  # drawn with them
    return tab


def _free_symbol(tab):
    """A drawn symbol whose middle no other drawn symbol covers (the topmost under the point)."""
    symbols = tab.evaluate(SYMBOLS)
    assert symbols
    for feature, x, y in reversed(symbols):
        if (
            tab.evaluate(
                "([x, y]) => { const m = BM.units.at(window.battleMap.map.mouseEventToContainerPoint("
                "{clientX: x, clientY: y})); return m && m.featureId; }",
                [x, y],
            )
            == feature
        ):
            return feature, x, y
    raise AssertionError("no symbol is on top at its own middle")


def test_pointing_at_a_symbol_names_it_and_clicking_opens_its_popup(offline, battle, site) -> None:
    tab = _phase_page(offline, battle, site)
    feature, x, y = _free_symbol(tab)
    name = battle.by_id[feature].name
    tab.mouse.move(x, y)
    tab.wait_for_selector(".leaflet-tooltip")
    assert name.zh in tab.inner_text(".leaflet-tooltip")
    assert tab.evaluate("getComputedStyle(window.battleMap.map.getContainer()).cursor") == "pointer"
    tab.mouse.click(x, y)
    tab.wait_for_selector(".leaflet-popup-content")
    assert name.zh in tab.inner_text(".leaflet-popup-content")
    tab.mouse.move(5, 5)  # off the symbol: the tooltip fades out
    tab.wait_for_selector(".leaflet-tooltip", state="detached")
    assert offline.errors == []


def test_a_drag_that_starts_on_a_symbol_pans_the_map(offline, battle, site) -> None:
    tab = _phase_page(offline, battle, site)
    _, x, y = _free_symbol(tab)
    before = tab.evaluate("window.battleMap.map.getCenter().lng")
    # the clicks that reach the page (counted first, before the page's own listeners)
    tab.evaluate("window.bmClicks = 0; window.addEventListener('click', () => { window.bmClicks += 1; }, true)")
    with map_settles(tab):  # the drag's end, its glide after the button is let go included
        tab.mouse.move(x, y)
        tab.mouse.down()
        tab.mouse.move(x + 160, y + 30, steps=6)
        tab.mouse.up()
    assert tab.evaluate("window.battleMap.map.getCenter().lng") != before
    # the drag ended in a click on the map, which opened nothing (a popup opens in the click's
    # own handler, so none is on its way)
    assert tab.evaluate("window.bmClicks") == 1
    assert tab.locator(".leaflet-popup").count() == 0  # the end of a drag is not a click
    assert offline.errors == []


def test_symbols_are_ink_where_the_page_drew_them_and_designations_follow_the_language(offline, battle, site) -> None:
    tab = _phase_page(offline, battle, site)
    symbols = tab.evaluate(SYMBOLS)
    assert symbols
    ink = tab.evaluate(INK_AT, [[x, y] for _, x, y in symbols])
    assert [f for (f, _, _), alpha in zip(symbols, ink, strict=True) if not alpha] == [], symbols
    with map_settles(tab):
        tab.evaluate("window.battleMap.map.panBy([500, 0], {animate: false})")
    moved = tab.evaluate(SYMBOLS)
    ink = tab.evaluate(INK_AT, [[x, y] for _, x, y in moved])
    assert [f for (f, _, _), alpha in zip(moved, ink, strict=True) if not alpha] == [], moved
    designations = {}
    for lang in ("zh", "en", "both"):
        tab.evaluate(f"window.battleMap.setLanguage('{lang}')")
        designations[lang] = {
            b["feature"]: b["desig"]
            for b in tab.evaluate("BM.units.boxes().map(b => ({feature: b.feature, desig: b.desig}))")
        }
    for feature, both in designations["both"].items():
        zh, en = designations["zh"].get(feature), designations["en"].get(feature)
        assert both == (zh if zh == en else f"{zh}\n{en}"), feature
    assert any(designations["zh"][f] != designations["en"][f] for f in designations["zh"])
    assert offline.errors == []


#: For every symbol on the canvases: its pixels there against the build's SVG drawn afresh at
#: the same place and resolution on a blank canvas (symbols of other units and designations
#: may overlap a box, so only the worst share of differing pixels matters).
SYMBOL_PIXELS = """async () => {
  const icons = window.BM_SITE.icons, shares = [];
  for (const c of document.querySelectorAll('canvas.bm-units')) {
    const r = c.getBoundingClientRect();
    if (!r.width || !c.width) continue;
    const k = c.width / r.width, frame = window.battleMap.map.getContainer().getBoundingClientRect();
    const read = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (const b of BM.units.boxes()) {
      if (b.layer.opacity !== 1) continue;
      const icon = icons[b.layer.record[BM.R.ICON]];
      const svg = new DOMParser().parseFromString(icon.html, 'text/html').querySelector('svg');
      const img = new Image();
      img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
      await img.decode();
      const x0 = Math.round((frame.left + b.minX - r.left) * k), y0 = Math.round((frame.top + b.minY - r.top) * k);
      const w = Math.round(icon.w * b.scale * k), h = Math.round(icon.h * b.scale * k);
      if (x0 < 0 || y0 < 0 || x0 + w > c.width || y0 + h > c.height) continue;
      const fresh = document.createElement('canvas');
      fresh.width = w; fresh.height = h;
      const f = fresh.getContext('2d');
      f.drawImage(img, 0, 0, w, h);
      const want = f.getImageData(0, 0, w, h).data;
      let differ = 0, inked = 0;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const i = ((y0 + y) * c.width + x0 + x) * 4, j = (y * w + x) * 4;
        if (want[j + 3] < 200) continue;  // the symbol's solid pixels
        inked++;
        const off = [0, 1, 2].reduce((sum, c) => sum + Math.abs(read[i + c] - want[j + c]), 0);
        if (off > 60) differ++;
      }
      if (inked) shares.push(differ / inked);
    }
  }
  shares.sort((a, b) => a - b);
  return shares;
}"""


def test_a_symbol_copied_from_its_bitmap_looks_like_its_svg(offline, battle, site) -> None:
    """Symbols are drawn from a bitmap made once per symbol and resolution: what reaches the
    map must be the build's SVG, in its colours and shape, at the place the page names."""
    tab = _phase_page(offline, battle, site)
    shares = tab.evaluate(SYMBOL_PIXELS)
    assert len(shares) >= 5
    assert shares[len(shares) // 2] < 0.05, shares  # most symbols: their own pixels
    assert offline.errors == []


#: A polygon that is the topmost feature at its own centre (no symbol over it, no path drawn
#: above it on its canvas or on a canvas stacked above), preferring one on a canvas with
#: another above it (the pointer meets the upper canvas first): [feature id, page x, page y,
#: its name in Chinese, whether a canvas lies above], or null.
TOP_POLYGON = """() => {
  const bm = window.battleMap, map = bm.map, frame = map.getContainer().getBoundingClientRect();
  const groups = Object.values(bm.groups).filter(g => map.hasLayer(g) && g.canvas && g.canvas._map)
    .sort((a, b) => +a.paneNodes[0].style.zIndex - +b.paneNodes[0].style.zIndex);
  const drawn = groups.map(g => {
    const out = [];
    for (let o = g.canvas._drawFirst; o; o = o.next) out.push(o.layer);
    return out;
  });
  const found = [];
  drawn.forEach((paths, gi) => paths.forEach(layer => {
    if (!layer.record || !(layer instanceof L.Polygon)) return;
    const p = map.latLngToContainerPoint(layer.getCenter());
    if (p.x < 360 || p.y < 40 || p.x > frame.width - 40 || p.y > frame.height - 40 || BM.units.at(p)) return;
    const over = drawn.flat().filter(l => l.record && l._containsPoint(p)).pop();
    const beneath = gi < groups.length - 1;
    const name = layer.record[BM.R.NAME][0];
    if (over === layer) found.push([layer.featureId, frame.left + p.x, frame.top + p.y, name, beneath]);
  }));
  found.sort((a, b) => b[4] - a[4]);
  return found[0] || null;
}"""
TALKING = """() => {
  let n = 0;
  Object.values(window.battleMap.groups).forEach(g => g.eachLayer(l => { if (l.talks) n++; }));
  return n;
}"""


def test_a_path_gets_its_tooltip_and_popup_when_the_reader_first_asks(offline, battle, site) -> None:
    """No feature's tooltip or popup is bound until the reader points at or clicks it (the
    page has thousands): pointing at a polygon shows its name, clicking opens its popup,
    though its group's canvas lies under another group's."""
    tab = _phase_page(offline, battle, site)
    assert tab.evaluate(TALKING) == 0
    found = tab.evaluate(TOP_POLYGON)
    assert found, "no polygon on top at its centre"
    _, x, y, name, beneath = found
    assert beneath  # a canvas of another group lies over it
    tab.mouse.move(x, y)
    tip = tab.locator(".leaflet-tooltip")
    tip.wait_for()
    assert name in tip.inner_text()
    assert tab.evaluate(TALKING) == 1
    tab.mouse.click(x, y)
    popup = tab.locator(".leaflet-popup-content")
    popup.wait_for()
    assert name in popup.inner_text()
    assert tab.evaluate(TALKING) == 1
    assert offline.errors == []


#: Shows a phase not shown yet (as the layer control does) and counts from then on how often
#: its symbols' canvas draws them (window.bmShown); returns how many times the page had placed
#: its names before.
SHOW = """() => {
  const bm = window.battleMap, map = bm.map, proto = BM.units.UnitCanvas.prototype, redraw = proto.redraw;
  const ids = Object.keys(bm.groups).filter(id => bm.groups[id].units && !map.hasLayer(bm.groups[id]));
  const group = bm.groups[ids[ids.length - 1]], shown = {group, drawings: 0, placed: bm.labels.count};
  proto.redraw = function () { if (this === group.units) shown.drawings++; return redraw.apply(this, arguments); };
  shown.restore = () => { proto.redraw = redraw; };
  window.bmShown = shown;
  map.addLayer(group);
  return shown.placed;
}"""

#: How long nothing more may be drawn once a phase is shown and its names placed (ms).
STILL_MS = 500

#: After the names placed for the phase shown, two frames (the drawing they asked for) and then
#: STILL_MS: [drawings, symbols drawn].
COUNT_SHOWN = f"""async () => {{
  const shown = window.bmShown;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  await new Promise(r => setTimeout(r, {STILL_MS}));
  shown.restore();
  return [shown.drawings, shown.group.units.drawn.length];
}}"""


def test_a_phase_shown_draws_its_symbols_once(offline, site) -> None:
    """Showing a phase draws its symbols once, with its names: not once when its canvas shows
    and again when the names have been placed (the placement moves symbols and draws them), nor
    again when their images arrive (every symbol of the site is decoded while the page is idle)."""
    tab = offline.open(site / "index.html")
    tab.wait_for_function("+(window.battleMap.map.getContainer().getAttribute('data-labels') || 0) >= 1")
    tab.evaluate("window.battleMap.ready")  # (every symbol of the site asked for by then)
    tab.wait_for_function(SYMBOLS_DECODED)
    placed = tab.evaluate(SHOW)
    tab.wait_for_function(f"window.battleMap.labels.count > {placed}")  # the names placed for it
    # A drawing again is something that does not happen: after the placement and its frames the
    # page is watched for STILL_MS more, a bounded wait on purpose (a second drawing would come
    # from a later frame or an image's arrival, within it). Not vacuous: the first drawing has
    # to have been made (drawings == 1, drawn > 0).
    drawings, drawn = tab.evaluate(COUNT_SHOWN)
    assert drawn > 0
    assert drawings == 1
    assert offline.errors == []


#: Zooms in without animation and counts, over the next two frames, how often each shown
#: symbols' canvas was drawn (cleared to be drawn anew): [drawings per canvas, symbols drawn].
PAN_AND_COUNT = """async () => {
  const map = window.battleMap.map, counts = new Map(), undo = [];
  document.querySelectorAll('canvas.bm-units').forEach(node => {
    const ctx = node.getContext('2d'), clear = ctx.clearRect;
    counts.set(node, 0);
    ctx.clearRect = function () { counts.set(node, counts.get(node) + 1); return clear.apply(this, arguments); };
    undo.push(() => { delete ctx.clearRect; });
  });
  map.setZoom(map.getZoom() + 1, {animate: false});
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  undo.forEach(f => f());
  const shown = Array.from(counts).filter(([node]) => node.style.display !== 'none' && node.width > 1);
  return [shown.map(([, n]) => n), BM.units.boxes().length];
}"""


def test_a_move_draws_the_symbols_once(offline, battle, site) -> None:
    """After a zoom the symbols are drawn once, with the names placed in the next frame (which
    fans them out anew), not once at the move's end and again after the placement."""
    tab = _phase_page(offline, battle, site)
    count, drawn = tab.evaluate(PAN_AND_COUNT)
    assert drawn > 0 and count
    assert all(n == 1 for n in count), count
    assert offline.errors == []


#: Shows a phase and hides the one shown (as the layer control does), twice: [whether the
#: phase shown last draws its symbols on the canvas the one it hid drew on, its size and symbols,
#: the hidden one's canvas size, whether its pixels are those the same drawing makes on a new
#: canvas].
TOGGLE_CANVAS = """async () => {
  const bm = window.battleMap, map = bm.map;
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const ids = Object.keys(bm.groups).filter(id => id !== 'reference'), at = ids.indexOf(bm.state.phase);
  // phases away from the one shown (those beside it are drawn ahead, on canvases of their own)
  const before = bm.groups[ids[(at + 2) % ids.length]], after = bm.groups[ids[(at + 4) % ids.length]];
  map.addLayer(before);
  map.removeLayer(bm.groups[bm.state.phase]);
  await frames();
  const node = before.units.node;
  map.addLayer(after);
  map.removeLayer(before);
  await frames();
  const shown = after.units.node, pixels = (c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const reused = pixels(shown);
  const fresh = document.createElement('canvas');
  fresh.width = fresh.height = 1;
  shown.parentNode.replaceChild(fresh, shown);
  after.units.node = fresh;
  after.units.touched = true;
  after.units.redraw();
  const made = pixels(fresh);
  const same = reused.length === made.length && reused.every((v, i) => v === made[i]);
  return [shown === node, [shown.width, after.units.drawn.length], before.units.node.width, same];
}"""


def test_a_phase_shown_draws_on_the_canvas_the_hidden_one_gave_back(offline, site) -> None:
    """A hidden group's symbols' canvas gives its pixels back; one such canvas is kept, and the
    next group to show symbols draws on it rather than on a view-sized canvas made anew (which
    took longer than drawing a phase's symbols), with exactly the pixels a new canvas gets:
    nothing of what the hidden group drew there is left."""
    tab = offline.open(site / "index.html")
    tab.evaluate("window.battleMap.ready")
    reused, (width, drawn), hidden, same = tab.evaluate(TOGGLE_CANVAS)
    assert reused
    assert width > 1 and drawn > 0
    assert hidden == 1
    assert same
    assert offline.errors == []


def test_symbols_are_drawn_smaller_as_the_map_zooms_out(offline, battle, site) -> None:
    """Symbol size follows the zoom: full at a town's scale, smaller at an overview, never below
    half; the box the names keep clear of and the ink on the canvas shrink with it."""
    tab = _phase_page(offline, battle, site)
    sizes = {}
    for zoom in (15, 14, 12, 10, 7):
        with map_settles(tab):
            tab.evaluate(f"window.battleMap.map.setZoom({zoom}, {{animate: false}})")
        boxes = tab.evaluate("BM.units.boxes().map(b => [b.feature, b.maxY - b.minY, b.scale])")
        if not boxes:
            continue
        scales = {scale for _, _, scale in boxes}
        assert len(scales) == 1, scales
        sizes[zoom] = scales.pop()
        symbols = tab.evaluate(SYMBOLS)
        ink = tab.evaluate(INK_AT, [[x, y] for _, x, y in symbols])
        assert [f for (f, _, _), alpha in zip(symbols, ink, strict=True) if not alpha] == [], (zoom, symbols)
    assert sizes[15] == sizes[14] == 1
    assert 0.5 <= sizes[10] < sizes[12] < 1
    assert sizes.get(7, 0.5) == 0.5
    assert offline.errors == []
