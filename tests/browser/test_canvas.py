"""The paths' canvas renderer (bm-canvas.js): circle markers are stamped from a bitmap made once
per radius, style and resolution, and the pixels are those Leaflet's own tracing gives."""

from __future__ import annotations

import pytest

from ..conftest import OfflinePage
from .test_cull import CULL_ALL

pytestmark = pytest.mark.browser

#: Each shown group's canvas drawn twice, as the page draws it and with Leaflet's own
#: _updateCircle: [circle markers drawn, circles stamped, channels that differ, largest
#: difference (premultiplied, in 255ths), channels], summed over the canvases.
STAMPED_VS_TRACED = """() => {
  const bm = window.battleMap, map = bm.map, out = [0, 0, 0, 0, 0];
  // Leaflet's own drawing of a circle marker, of those the page draws (a mark folded into a
  // neighbour's is drawn by neither: labels.js)
  const LEAFLET_CIRCLE = function (layer) { if (!layer.folded) L.Canvas.prototype._updateCircle.call(this, layer); };
  Object.values(bm.groups).forEach(g => {
    if (!g.canvas || !g.canvas._map || !map.hasLayer(g)) return;
    const c = g.canvas, ctx = c._ctx, w = c._container.width, h = c._container.height;
    for (let o = c._drawFirst; o; o = o.next) {
      // drawn: in the view, and not folded into a neighbour's mark (labels.js: drawn by neither)
      if (o.layer instanceof L.CircleMarker && !o.layer._empty() && !o.layer.folded) out[0]++;
    }
    const before = c.stamped;
    c._redraw();
    out[1] += c.stamped - before;
    const stamped = ctx.getImageData(0, 0, w, h).data;
    c._updateCircle = LEAFLET_CIRCLE;
    c._redraw();
    delete c._updateCircle;
    const traced = ctx.getImageData(0, 0, w, h).data;
    c._redraw();
    // Compared premultiplied (as the canvas holds them): read back unpremultiplied, a
    // rounding step of a faint pixel's colour would show many times larger.
    for (let i = 0; i < traced.length; i++) {
      const alpha = i - i % 4 + 3, a = i === alpha ? 255 : traced[alpha], b = i === alpha ? 255 : stamped[alpha];
      const d = Math.abs(traced[i] * a - stamped[i] * b) / 255;
      if (d >= 0.5) { out[2]++; out[3] = Math.max(out[3], Math.round(d)); }
    }
    out[4] += traced.length;
  });
  return out;
}"""


PLACED = "+(window.battleMap && window.battleMap.map.getContainer().getAttribute('data-labels') || 0) >= 1"


def _compare(page, battle, site) -> list[int]:
    page.goto((site / f"{battle.phases[-1].id}.html").resolve().as_uri())
    page.wait_for_function(PLACED)
    return page.evaluate(STAMPED_VS_TRACED)


@pytest.mark.parametrize("scale", [1, 2])
def test_stamped_circles_have_the_pixels_of_traced_ones(browser, battle, site, scale) -> None:
    """On a normal and a high-resolution screen (where Leaflet doubles its canvas), every circle
    marker of the page is stamped, and the canvas differs from Leaflet's tracing of the same
    circles by compositing's rounding only."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, device_scale_factor=scale)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    try:
        circles, stamped, differ, largest, channels = _compare(context.new_page(), battle, site)
    finally:
        context.close()
    assert circles >= 20
    assert stamped == circles  # no circle of the page is an ellipse, large or between pixels
    assert largest <= 3, (differ, largest)
    assert differ < channels / 1000, (differ, channels)


#: Each shown group's canvas drawn as the page draws it, then as Leaflet's own renderer draws it
#: (L.Canvas's _redraw, _updatePoly and _updateCircle, each line and area clipped to the canvas
#: as Leaflet clips them, not to the page's frame). Lines and areas are drawn without their
#: dashes and unsimplified in both: where a clip begins a line its dashes begin, and simplifying
#: keeps other points of a part cut elsewhere, and the frame and the canvas cut them at
#: different points. 2 px along the canvas's edges are left out (Leaflet strokes an area's
#: clipped edge just beyond it). [paths drawn, channels that differ, largest difference
#: (premultiplied, in 255ths), channels compared, channels that differ by more than 32],
#: summed over the canvases.
SAME_AS_LEAFLET = """async (moves) => {
  const bm = window.battleMap, map = bm.map, out = [0, 0, 0, 0, 0];
  const LEAFLET_CIRCLE = function (layer) { if (!layer.folded) L.Canvas.prototype._updateCircle.call(this, layer); };
  // the drawing as it stands once the page has drawn what it asked for (a restyle asks for a
  // redraw of the paths' bounds in the next frame: compared before it, a canvas is half drawn)
  const drawn = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  bm.selectPhase('all', {animate: false});  // every phase shown: every style on the page
  await drawn();
  moves.forEach(([dz, dx, dy]) => {
    if (dz) map.setZoom(map.getZoom() + dz, {animate: false});
    if (dx || dy) map.panBy([dx, dy], {animate: false});
  });
  await drawn();
  Object.values(bm.groups).forEach(g => {
    if (!g.canvas || !g.canvas._map || !map.hasLayer(g)) return;
    const c = g.canvas, ctx = c._ctx, w = c._container.width, h = c._container.height;
    const m = w / c._bounds.getSize().x, edge = 2 * m, paths = [];
    for (let o = c._drawFirst; o; o = o.next) {
      if (o.layer._parts) paths.push(o.layer);
      if (o.layer._parts ? o.layer._parts.length : !o.layer._empty() && !o.layer.folded) out[0]++;
    }
    const dashes = paths.map(l => l.options._dashArray), smooth = paths.map(l => l.options.smoothFactor);
    const reclip = () => paths.forEach(l => { l.partsFor = null; l._clipPoints(); l._simplifyPoints(); });
    paths.forEach(l => { l.options._dashArray = null; l.options.smoothFactor = 0; });
    reclip();
    c._redraw();
    const ours = ctx.getImageData(0, 0, w, h).data;
    const frame = c.frame;
    c.frame = null;
    reclip();
    c._updateCircle = LEAFLET_CIRCLE;
    c._updatePoly = L.Canvas.prototype._updatePoly;
    c._redrawBounds = null;
    L.Canvas.prototype._redraw.call(c);
    delete c._updateCircle;
    delete c._updatePoly;
    const theirs = ctx.getImageData(0, 0, w, h).data;
    c.frame = frame;
    paths.forEach((l, i) => { l.options._dashArray = dashes[i]; l.options.smoothFactor = smooth[i]; });
    reclip();
    c._redraw();
    for (let y = edge; y < h - edge; y++) {
      for (let x = edge; x < w - edge; x++) {
        const at = 4 * (y * w + x), a = theirs[at + 3], b = ours[at + 3];
        for (let k = 0; k < 4; k++) {
          const d = k === 3 ? Math.abs(a - b) : Math.abs(theirs[at + k] * a - ours[at + k] * b) / 255;
          if (d >= 0.5) { out[1]++; out[2] = Math.max(out[2], Math.round(d)); }
          if (d > 32) { out[4]++; }
          out[3]++;
        }
      }
    }
  });
  return out;
}"""


@pytest.mark.parametrize(
    "moves",
    [[], [[1, 0, 0], [0, 300, -200]], [[2, 0, 0], [0, -200, 100]]],
    ids=["opening", "zoomed-and-panned", "closer"],
)
def test_the_page_draws_the_paths_leaflet_draws(offline, site, moves) -> None:
    """The page's renderer (bm-canvas.js: circles stamped, paths clipped to a frame around the
    canvas and their parts kept, a view reset drawn once, pans that move the drawing) draws
    what Leaflet's own canvas renderer draws from the same layers: no path left out, moved or
    drawn twice. They differ in antialiasing only: circles are stamped (a few 255ths at their
    rims), and Leaflet rounds the point where a segment meets the clip to whole pixels, so a
    segment cut at the frame and the same cut at the canvas edge lean apart by under half a
    pixel (at most 82 channels of 52 million differ by more than 32/255 at these views; one
    short line left out of each canvas makes that 4,332)."""
    tab = offline.open(site / "index.html")
    tab.wait_for_function(PLACED)
    drawn, differ, largest, channels, far = tab.evaluate(SAME_AS_LEAFLET, moves)
    assert drawn >= 40
    assert far < channels / 200_000, (far, largest, channels)
    assert differ < channels / 1000, (differ, channels)
    # (the test's own readbacks make Chromium advise willReadFrequently)
    assert [e for e in offline.errors if "willReadFrequently" not in e] == []


def test_a_hidden_canvas_stamps_and_shows_as_drawn(offline, battle, site) -> None:
    """A phase prepared while the page is idle draws on a canvas nobody sees yet; Chromium
    rasterises it all the same, so its circles are stamped there as on a shown canvas (traced,
    they were most of the preparation's time at 100k). Shown at the view it was drawn for, the
    canvas is not drawn again, and it has exactly the pixels of a drawing made afresh."""
    tab = offline.open(site / "index.html")
    tab.wait_for_function(PLACED)
    tab.evaluate("window.battleMap.ready")
    stamps = """() => Object.entries(window.battleMap.groups).filter(([, g]) => g.canvas && g.canvas._map)
      .map(([id, g]) => [id, window.battleMap.map.hasLayer(g), g.canvas.stamped])"""
    before = tab.evaluate(stamps)
    hidden = [gid for gid, shown, n in before if not shown and n > 0]
    assert len(hidden) >= 3, before
    show = """async (id) => {
      const bm = window.battleMap, g = bm.groups[id], before = g.canvas.stamped;
      // shown in place of the phase shown (as a step does): one phase at a time, as it was
      // drawn (two phases shown at once are one summary map, drawn anew: bm-layers.js)
      const current = bm.groups[bm.state.phase];
      bm.map.removeLayer(current);
      bm.map.addLayer(g);
      await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
      const again = g.canvas.stamped - before, shown = g.canvas._container.toDataURL();
      g.canvas._redraw();
      const fresh = g.canvas._container.toDataURL();
      bm.map.removeLayer(g);
      bm.map.addLayer(current);
      return [again, shown === fresh, g.canvas.stamped > before];
    }"""
    for gid in hidden:
        again, same, redrawn = tab.evaluate(show, gid)
        assert (again, same, redrawn) == (0, True, True), gid
    assert offline.errors == []


#: Zooms in with the shown phase, then shows another phase in its stead (as the layer control
#: does): [the phase shown, whether its canvas has the pixels of a drawing made afresh, the
#: circle markers not at the place the map gives their point now].
SHOWN_AFTER_A_ZOOM = """async ([dz, dx, dy]) => {
  const bm = window.battleMap, map = bm.map;
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const ids = Object.keys(bm.groups).filter(id => id !== 'reference');
  const current = bm.state.phase, other = bm.groups[ids[(ids.indexOf(current) + 3) % ids.length]];
  if (dz) map.setZoom(map.getZoom() + dz, {animate: false});
  if (dx || dy) map.panBy([dx, dy], {animate: false});
  await frames();
  map.addLayer(other);
  map.removeLayer(bm.groups[current]);
  await frames();
  const node = other.canvas._container, shown = node.toDataURL();
  other.canvas._redraw();
  const misplaced = [];
  other.eachLayer(l => {
    if (!(l instanceof L.CircleMarker) || !l._point) return;
    const p = map.latLngToLayerPoint(l.getLatLng());
    if (Math.abs(p.x - l._point.x) > 0.5 || Math.abs(p.y - l._point.y) > 0.5) misplaced.push(l.featureId);
  });
  return [other.groupId, shown === node.toDataURL(), misplaced];
}"""


@pytest.mark.parametrize("move", [(1, 0, 0), (-1, 0, 0), (0, 160, 90)])
def test_a_phase_shown_after_the_view_moved_is_drawn_for_the_view(offline, site, move) -> None:
    """A hidden phase's canvas stops following the view. Shown after a zoom or a pan, it is
    drawn for the view it shows: every path projected for the new zoom and clipped to the
    moved view, with the pixels a drawing made afresh has (its paths were once drawn where the
    old zoom had put them, away from their names)."""
    tab = offline.open(site / "index.html")
    tab.evaluate("window.battleMap.ready")
    phase, same, misplaced = tab.evaluate(SHOWN_AFTER_A_ZOOM, list(move))
    assert misplaced == [], phase
    assert same, phase
    assert offline.errors == []


#: Steps the atlas to the next phase as the reader does (the camera flies there) and tells at
#: which views the phase reached drew its paths, from the step until the camera has arrived and
#: two frames have passed: [the phase, whether the camera moved, the views drawn at, the final
#: view, paths drawn, whether the phase was on the map from the step on, during the flight,
#: whether its canvas holds the drawing for the final view].
STEP_DRAWS = """async () => {
  const bm = window.battleMap, map = bm.map;
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const ids = Object.keys(bm.groups).filter(id => id !== 'reference');
  const next = ids[(ids.indexOf(bm.state.phase) + 1) % ids.length], c = bm.groups[next].canvas;
  const views = [], view = () => map.getCenter().toString() + '/' + map.getZoom();
  const names = ['_updatePoly', '_updateCircle'];
  names.forEach(name => {
    const own = Object.getPrototypeOf(c)[name];
    c[name] = function () { if (this._drawing) { views.push(view()); } return own.apply(this, arguments); };
  });
  let moved = false;
  map.once('movestart', () => { moved = true; });
  const ended = new Promise(r => map.once('moveend', r));
  bm.selectPhase(next);
  const atOnce = map.hasLayer(bm.groups[next]);
  await new Promise(r => requestAnimationFrame(r));
  const flying = moved && map.hasLayer(bm.groups[next]);
  if (moved) { await ended; }
  await frames();
  names.forEach(name => { delete c[name]; });
  return [next, moved, Array.from(new Set(views)), view(), views.length, atOnce && flying, c.drawnFor === c.viewKey()];
}"""


@pytest.mark.parametrize("large", [True, False])
def test_a_step_shows_a_small_phase_at_once_and_a_large_one_where_the_camera_arrives(offline, site, large) -> None:
    """A step whose camera flies hides the phase it leaves. A large phase (a culled group:
    here every group, through BM_OPTIONS) it shows when the camera arrives: drawn at the view
    it is shown at, and not first at the view the flight starts from (200 ms before the camera
    could move, at real-shaped 100k). A phase of Hengyang's size it shows at once, so that the
    reader sees it during the flight."""
    if large:
        offline.context.add_init_script(CULL_ALL)
    tab = offline.open(site / "index.html")
    tab.evaluate("window.battleMap.ready")
    assert tab.evaluate("Object.values(window.battleMap.groups).every(g => g.culled)") == large
    moves = 0
    for _ in range(4):
        phase, moved, views, final, drawn, during, current = tab.evaluate(STEP_DRAWS)
        assert drawn > 0, phase
        assert current, phase
        if large:
            assert views == [final], (phase, moved)
        if moved:
            assert during is not large, (phase, large)
        moves += moved
    assert moves >= 2, "the steps never moved the camera: nothing was tested"
    assert offline.errors == []


#: Wraps the methods ``names`` of every path the page's renderers draw, and of each that joins
#: one meanwhile, with ``onCall(path, name)``; returns the undo. A path's methods are its own
#: where bm-canvas.js gives it some (its renderer's _initPath), Leaflet's otherwise: no
#: prototype is touched.
INSTRUMENT = """(names, onCall) => {
  const bm = window.battleMap, undo = [], hooked = new WeakSet();
  const hook = layer => {
    if (hooked.has(layer)) return;
    hooked.add(layer);
    names.forEach(name => {
      const had = Object.prototype.hasOwnProperty.call(layer, name), f = layer[name];
      layer[name] = function () { onCall(this, name); return f.apply(this, arguments); };
      undo.push(() => { if (had) { layer[name] = f; } else { delete layer[name]; } });
    });
  };
  const renderers = new Set(Object.values(bm.groups).map(g => g.canvas).filter(Boolean));
  if (bm.map.options.renderer) renderers.add(bm.map.options.renderer);
  renderers.forEach(c => {
    Object.values(c._layers || {}).forEach(hook);
    const join = c._initPath;
    c._initPath = function (layer) { join.call(this, layer); hook(layer); };
    undo.push(() => { delete c._initPath; });
  });
  return () => undo.reverse().forEach(f => f());
}"""

#: Zooms without animation and counts, per path of the page's renderers, how often it was
#: projected and clipped (its _project and _update): [[projections, updates] per path].
PROJECTIONS_PER_ZOOM = (
    """() => {
  const bm = window.battleMap, map = bm.map, counts = new Map();
  const instrument = """
    + INSTRUMENT
    + """;
  const undo = instrument(["_project", "_update"], (path, name) => {
    const c = counts.get(path) || [0, 0];
    c[name === "_project" ? 0 : 1]++;
    counts.set(path, c);
  });
  try { map.setZoom(map.getZoom() + 1, {animate: false}); } finally { undo(); }
  return Array.from(counts.values());
}"""
)


def test_a_zoom_projects_and_clips_each_path_once(offline, site) -> None:
    """A zoom without animation ends in a view reset: each path on the map is projected for the
    new zoom once, and clipped to the view once (Leaflet did each twice), and the map is drawn
    as before (the cull and film tests compare the pictures)."""
    tab = offline.open(site / "index.html")
    tab.evaluate("window.battleMap.ready")
    counts = tab.evaluate(PROJECTIONS_PER_ZOOM)
    assert len(counts) > 20
    assert {tuple(c) for c in counts} == {(1, 1)}
    assert offline.errors == []


#: Pans the map without animation by each [dx, dy] in turn and returns, per pan and shown group
#: with a canvas: [how often a pan moved its drawing (shifted), paths it drew, paths a drawing
#: afresh draws, and, in the part of the canvas the reader sees, channels that differ from a
#: drawing made afresh, the largest difference (premultiplied, in 255ths), channels compared].
PANNED = """async (moves) => {
  const bm = window.battleMap, map = bm.map, size = map.getSize();
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const groups = Object.values(bm.groups).filter(g => map.hasLayer(g) && g.canvas && g.canvas._map);
  const read = (c) => {  // the part of the canvas under the map's container, as the reader sees it
    const m = c._container.width / c._bounds.getSize().x, at = map.layerPointToContainerPoint(c._bounds.min);
    const copy = document.createElement('canvas');
    copy.width = size.x * m;
    copy.height = size.y * m;
    const ctx = copy.getContext('2d', {willReadFrequently: true});
    ctx.drawImage(c._container, at.x * m, at.y * m);
    return ctx.getImageData(0, 0, copy.width, copy.height).data;
  };
  const counting = (c) => {
    c.drew = 0;
    ['_updatePoly', '_updateCircle'].forEach(name => {
      const own = Object.getPrototypeOf(c)[name];
      c[name] = function () { if (this._drawing) { this.drew++; } return own.apply(this, arguments); };
    });
  };
  groups.forEach(g => counting(g.canvas));
  const out = [];
  for (const [dx, dy] of moves) {
    await frames();
    const before = groups.map(g => [g.canvas.shifted, g.canvas.drew]);
    map.panBy([dx, dy], {animate: false});
    await frames();
    out.push(groups.map((g, k) => {
      const c = g.canvas, shifted = c.shifted - before[k][0], drew = c.drew - before[k][1];
      const shown = read(c);
      c.drew = 0;
      c._redraw();
      const all = c.drew, fresh = read(c);
      let differ = 0, largest = 0;
      for (let i = 0; i < fresh.length; i++) {
        const alpha = i - i % 4 + 3, a = i === alpha ? 255 : fresh[alpha], b = i === alpha ? 255 : shown[alpha];
        const d = Math.abs(fresh[i] * a - shown[i] * b) / 255;
        if (d >= 0.5) { differ++; largest = Math.max(largest, Math.round(d)); }
      }
      c.drew = before[k][1] + drew;
      return [g.groupId, shifted, drew, all, differ, largest, fresh.length];
    }));
  }
  return out;
}"""


@pytest.mark.parametrize("scale", [1, 2])
def test_a_pan_moves_the_drawing_and_draws_only_what_it_uncovers(browser, battle, site, scale) -> None:
    """A pan at one zoom that keeps the canvas inside the frame its paths are clipped to moves
    the drawing with the view and draws only the strips the old canvas did not cover (fewer
    paths than a drawing afresh), on a normal and a high-resolution screen. What the reader
    sees is the drawing a fresh one gives, but for antialiasing where an edge crosses a strip's
    border (the rasteriser cuts a path's edges at a clip and draws the cut edge a little
    differently). A pan too far for the frame draws afresh (a zoom too: the cull's tests)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, device_scale_factor=scale)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    errors: list[str] = []
    try:
        tab = context.new_page()
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto((site / f"{battle.phases[-1].id}.html").resolve().as_uri())
        tab.wait_for_function(PLACED)
        near, far = [[160, 90], [-100, 40], [0, -150]], [[700, 0]]
        pans = tab.evaluate(PANNED, near + far)
    finally:
        context.close()
    drew = fresh = 0
    for move, groups in zip(near, pans[: len(near)], strict=True):
        assert len(groups) >= 2, move
        for gid, shifted, n, every, differ, largest, channels in groups:
            assert shifted == 1, (move, gid)
            assert n <= every, (move, gid)
            assert largest <= 64 and differ < channels / 500, (move, gid, differ, largest)
            drew, fresh = drew + n, fresh + every
    assert 0 < drew < fresh / 2, (drew, fresh)
    for gid, shifted, n, every, differ, _, _ in pans[-1]:
        assert (shifted, n, differ) == (0, every, 0), gid
    assert errors == []


#: Pans without animation by each [dx, dy] in turn (and then zooms in) and counts the lines
#: and areas of the shown groups clipped by each move: [[their paths, paths clipped, canvases
#: shifted]].
CLIPPED = (
    """async (moves) => {
  const bm = window.battleMap, map = bm.map;
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const canvases = () => Object.values(bm.groups).filter(g => map.hasLayer(g) && g.canvas && g.canvas._map);
  let clipped = 0;
  const instrument = """
    + INSTRUMENT
    + """;
  const undo = instrument(["_clipPoints"], path => {
    if (canvases().some(g => g.canvas === path._renderer)) { clipped++; }
  });
  const lines = () => canvases().reduce((n, g) => n + Object.values(g.canvas._layers).filter(l => l._rings).length, 0);
  const out = [];
  try {
    for (const move of moves.concat([null])) {
      await frames();
      const shifted = canvases().reduce((n, g) => n + g.canvas.shifted, 0);
      clipped = 0;
      if (move) { map.panBy(move, {animate: false}); } else { map.setZoom(map.getZoom() + 1, {animate: false}); }
      await frames();
      out.push([lines(), clipped, canvases().reduce((n, g) => n + g.canvas.shifted, 0) - shifted]);
    }
  } finally {
    undo();
  }
  return out;
}"""
)


def test_a_pan_within_the_frame_clips_no_path_again(offline, site) -> None:
    """A line's or an area's parts (clipped to the frame, simplified) are kept while neither
    its projection nor the frame changes: a pan that moves the drawing clips no path again
    (the pan test checks that the pixels are a fresh drawing's), and a zoom clips every one."""
    tab = offline.open(site / "index.html")
    tab.wait_for_function(PLACED)
    (*pans, zoom) = tab.evaluate(CLIPPED, [[160, 90], [-100, 40]])
    for lines, clipped, shifted in pans:
        assert lines > 5 and shifted >= 2, (lines, shifted)
        assert clipped == 0, (lines, clipped)
    assert zoom[1] >= zoom[0] > 5, zoom
    assert offline.errors == []


#: At each view ([zoom change, dx, dy], the zoom fractional too, as the film holds it), every
#: point of the paths on the map against Leaflet's own latLngToLayerPoint: [points compared,
#: [feature, point, ours, Leaflet's] for the first that differ, calls made to Leaflet's
#: latLngToLayerPoint by the moves].
PROJECTED = """async (views) => {
  const bm = window.battleMap, map = bm.map, wrong = [];
  let compared = 0;
  const same = (p, q) => p.x === q.x && p.y === q.y;
  const leaflets = map.latLngToLayerPoint;
  let calls = 0;
  // (markers, such as the events' numbers, are placed by Leaflet itself, not paths: set aside)
  const markers = [];
  map.eachLayer(l => { if (l instanceof L.Marker) { markers.push(l); } });
  markers.forEach(m => map.removeLayer(m));
  for (const [dz, dx, dy] of views) {
    map.latLngToLayerPoint = function () { calls++; return leaflets.apply(this, arguments); };
    try {
      if (dz) { map.setZoom(map.getZoom() + dz, {animate: false}); }
      if (dx || dy) { map.panBy([dx, dy], {animate: false}); }
    } finally {
      delete map.latLngToLayerPoint;
    }
    Object.values(bm.groups).filter(g => map.hasLayer(g) && g.canvas && g.canvas._map).forEach(g => {
      Object.values(g.canvas._layers).forEach(l => {
        if (l._rings) {
          const flat = [];
          const walk = (ll) => { if (ll[0] instanceof L.LatLng) { flat.push(ll); } else { ll.forEach(walk); } };
          walk(l._latlngs);
          flat.forEach((ring, r) => ring.forEach((ll, i) => {
            compared++;
            const want = map.latLngToLayerPoint(ll), got = l._rings[r][i];
            if (!same(got, want) || !(got instanceof L.Point)) { wrong.push([l.featureId, [r, i], got, want]); }
          }));
        } else if (l._point && !(l instanceof L.Circle)) {
          compared++;
          const want = map.latLngToLayerPoint(l.getLatLng());
          if (!same(l._point, want) || !(l._point instanceof L.Point)) {
            wrong.push([l.featureId, null, l._point, want]);
          }
        }
      });
    });
  }
  markers.forEach(m => m.addTo(map));
  return [compared, wrong.slice(0, 5), calls];
}"""


def test_paths_are_projected_to_the_points_leaflet_gives(offline, site) -> None:
    """Lines, areas and circle markers are projected by a projector made once per zoom and
    origin, to exactly the points Leaflet's latLngToLayerPoint gives: at whole zooms, after
    pans, and at a fractional zoom."""
    tab = offline.open(site / "index.html")
    tab.evaluate("window.battleMap.ready")
    compared, wrong, calls = tab.evaluate(
        PROJECTED, [[0, 0, 0], [1, 0, 0], [0, 333, -217], [-2.37, 0, 0], [1.5, 91, 44]]
    )
    assert wrong == []
    assert calls == 0
    assert compared > 500
    assert offline.errors == []


@pytest.mark.parametrize("viewport", [(1056, 816), (1000, 700), (390, 844)])
def test_the_page_opens_at_any_window_size(browser, site, viewport) -> None:
    """At a window of Letter paper's size (1056 × 816) the page hung: a path's canvas frame had
    fractional edges, and Leaflet's clipSegment, which rounds the points it makes, never got a
    point inside one. Every frame has whole-pixel edges, and the page opens."""
    page = OfflinePage(browser, {"width": viewport[0], "height": viewport[1]})
    try:
        page.page.goto((site / "index.html").resolve().as_uri(), timeout=120_000)
        tab = page.page
        tab.wait_for_function("window.battleMap !== undefined")
        frames = tab.evaluate("""() => Object.values(window.battleMap.groups)
          .map(g => g.canvas && g.canvas.frame).filter(Boolean)
          .map(f => [f.min.x, f.min.y, f.max.x, f.max.y])""")
        assert frames and all(float(v).is_integer() for frame in frames for v in frame), frames
        assert page.errors == []
    finally:
        page.close()
