"""Marks at their true places, in headless Chromium: every hill's ▲ and every point's dot is
drawn on its feature's own coordinates (a hill area's at its summit) at every zoom (only names
move); no arrow, shaft or
head, crosses a name; no point's dot overlaps a unit symbol (its echelon mark included). On a
phase page and the atlas, at the opening view and two zooms either side, and on the print
layout of the PNG/PDF export."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers.page.assemble import render_site

from ..conftest import OfflinePage
from .test_labels import ZOOM

pytestmark = pytest.mark.browser

#: Within this many pixels of the feature's projected coordinates: a mark there.
NEAR = 2.0

#: Every point feature (and hill area) shown, with where its mark falls on screen (container pixels)
#: and what is drawn for it there: the hill sign's middle (the element's box), the dot's
#: centre as its canvas drew it (found in the pixels: from the projected place outwards in
#: four directions to the dot's rim), each null where it cannot be told (another mark over it).
MARKS = """() => {
  const bm = window.battleMap, map = bm.map, R = BM.R, size = map.getSize();
  const frame = map.getContainer().getBoundingClientRect();
  const signs = {};
  document.querySelectorAll('.bm-leaders .bm-sign').forEach(e => {
    const r = e.getBoundingClientRect();
    signs[e.getAttribute('data-feature')] = [(r.left + r.right) / 2 - frame.left, (r.top + r.bottom) / 2 - frame.top];
  });
  // (read through copies made for reading: the page's own canvases are not read back)
  const reader = (w, h) => {
    const copy = document.createElement('canvas');
    copy.width = w;
    copy.height = h;
    return copy.getContext('2d', {willReadFrequently: true});
  };
  const probe = reader(1, 1);
  const rgb = (c) => {
    probe.clearRect(0, 0, 1, 1);
    probe.fillStyle = c;
    probe.fillRect(0, 0, 1, 1);
    return Array.from(probe.getImageData(0, 0, 1, 1).data).slice(0, 3);
  };
  const pixels = new Map();  // each canvas's pixels, read once
  const read = (canvas) => {
    if (!pixels.has(canvas)) {
      const ctx = reader(canvas.width, canvas.height);
      ctx.drawImage(canvas, 0, 0);
      pixels.set(canvas, ctx.getImageData(0, 0, canvas.width, canvas.height));
    }
    return pixels.get(canvas);
  };
  // The dot's centre on its canvas, in container pixels: from the projected place, how far
  // each way the dot's fill reaches (its colour and opacity), or null if the place is not
  // the fill's, or a reach is not the dot's radius (a line or another mark crosses it).
  const centre = (layer, at) => {
    const o = layer.options, canvas = map.getPane(o.pane).querySelector('canvas');
    if (!canvas) return null;
    const box = canvas.getBoundingClientRect(), k = canvas.width / box.width, img = read(canvas);
    const want = rgb(o.fillColor || o.color), alpha = (o.fillOpacity === undefined ? 0.2 : o.fillOpacity) * 255;
    const fill = (x, y) => {
      const px = Math.round((x + frame.left - box.left) * k), py = Math.round((y + frame.top - box.top) * k);
      if (px < 0 || py < 0 || px >= canvas.width || py >= canvas.height) return false;
      const i = (py * canvas.width + px) * 4, d = img.data;
      return Math.abs(d[i] - want[0]) <= 16 && Math.abs(d[i + 1] - want[1]) <= 16 && Math.abs(d[i + 2] - want[2]) <= 16
        && Math.abs(d[i + 3] - alpha) <= 24;
    };
    const r = o.radius, reach = (dx, dy) => {
      let s = 0;
      while (s <= r + 6 && fill(at.x + dx * (s + 1), at.y + dy * (s + 1))) s += 1;
      return s;
    };
    let best = null;  // the dot's centre may be a pixel off the place: try the place and around it
    const tries = [[0, 0]];
    for (let s = 1; s <= 3; s++) tries.push([s, 0], [-s, 0], [0, s], [0, -s]);
    for (const [ox, oy] of tries) {
      const p = {x: at.x + ox, y: at.y + oy};
      if (!fill(p.x, p.y)) continue;
      const e = [reach(1, 0), reach(-1, 0), reach(0, 1), reach(0, -1)];
      if (e.some(v => v < r - 3 || v > r + 1)) continue;
      best = [p.x + (e[0] - e[1]) / 2, p.y + (e[2] - e[3]) / 2];
      break;
    }
    return best;
  };
  const out = [];
  bm.labels.visible().forEach(layer => {
    const f = layer.record;
    // a point's mark, or a hill area's (its summit, or its middle where no source gives one);
    // a mark folded into a neighbour's is not drawn at this view (test_fold.py counts it)
    const c = f && f[R.ICON] === undefined && !layer.isDecor && !layer.folded ? BM.markAt(f) : null;
    if (!c) return;
    const at = map.latLngToContainerPoint([c[1], c[0]]);
    if (at.x < 12 || at.y < 12 || at.x > size.x - 12 || at.y > size.y - 12) return;
    const drawn = layer._renderer ? map.layerPointToContainerPoint(layer._point) : null;
    out.push({id: f[R.ID], hill: !!f[R.HILL], at: [at.x, at.y], sign: signs[f[R.ID]] || null,
      layer: drawn ? [drawn.x, drawn.y] : null, dot: centre(layer, at)});
  });
  return out;
}"""

#: Every name on screen (its box: as the placer measured it, and as far as its text reaches),
#: every arrow shown (its outline on screen and its stroke's width), the point marks and the
#: unit symbols drawn (symbol, echelon, designation), and the screen the panel and controls take.
SCENE = """() => {
  const bm = window.battleMap, map = bm.map, R = BM.R;
  const container = map.getContainer(), frame = container.getBoundingClientRect();
  const rect = (r) => [r.left - frame.left, r.top - frame.top, r.right - frame.left, r.bottom - frame.top];
  const names = [];
  container.querySelectorAll('.bm-label:not(.bm-curved)').forEach(e => {
    const range = document.createRange();
    range.selectNodeContents(e);
    const a = rect(e.getBoundingClientRect()), b = rect(range.getBoundingClientRect());
    names.push({id: e.getAttribute('data-feature'), text: e.textContent,
      box: [Math.min(a[0], b[0]), a[1], Math.max(a[2], b[2]), a[3]], movement: e.classList.contains('bm-label-m')});
  });
  container.querySelectorAll('.bm-curved .bm-glyph').forEach(g => names.push({id: g.parentNode.dataset.feature,
    text: g.parentNode.textContent, box: rect(g.getBoundingClientRect())}));
  const arrows = [], dots = [];
  bm.labels.visible().forEach(layer => {
    const f = layer.record;
    if (!f || f[R.ICON] !== undefined) return;
    const g = f[R.GEOMETRY];
    if (f[R.TIP] && (g.type === 'Polygon' || g.type === 'MultiPolygon')) {
      const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
      const rings = [];
      polygons.forEach(p => p.forEach(ring => rings.push(ring.map(c => {
        const q = map.latLngToContainerPoint([c[1], c[0]]);
        return [q.x, q.y];
      }))));
      arrows.push({id: f[R.ID], rings: rings, stroke: (layer.options.weight || 0) / 2});
    }
    const m = BM.markAt(f);
    if (m && !layer.isDecor && !layer.folded) {
      const q = map.latLngToContainerPoint([m[1], m[0]]), o = layer.options;
      dots.push({id: f[R.ID], at: [q.x, q.y], r: (o.radius || 0) + (o.weight || 0) / 2});
    }
  });
  const units = BM.units.boxes().map(u => ({id: u.feature, box: [u.minX, u.minY, u.maxX, u.maxY]}));
  const furniture = Array.from(container.querySelectorAll('.leaflet-control'))
    .concat(Array.from(document.querySelectorAll('#bm-panel')))
    .map(e => rect(e.getBoundingClientRect())).filter(b => b[2] > b[0] && b[3] > b[1]);
  const size = map.getSize();
  return {names: names, arrows: arrows, dots: dots, units: units, furniture: furniture, size: [size.x, size.y]};
}"""


def _inside(point: tuple[float, float], rings: list[list[list[float]]]) -> bool:
    """Whether point lies inside the rings (even-odd, as the canvas fills them)."""
    x, y = point
    inside = False
    for ring in rings:
        for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (ay > y) != (by > y) and x < ax + (bx - ax) * (y - ay) / (by - ay):
                inside = not inside
    return inside


def _segments_cross(p, q, a, b) -> bool:
    def side(o, s, t):
        return (s[0] - o[0]) * (t[1] - o[1]) - (s[1] - o[1]) * (t[0] - o[0])

    d1, d2, d3, d4 = side(a, b, p), side(a, b, q), side(p, q, a), side(p, q, b)
    return (d1 > 0) != (d2 > 0) and (d3 > 0) != (d4 > 0)


def area_meets_box(rings: list[list[list[float]]], box: list[float], grow: float) -> bool:
    """Whether an area (its rings) and a box, grown by ``grow`` each way, share any point."""
    x0, y0, x1, y1 = box[0] - grow, box[1] - grow, box[2] + grow, box[3] + grow
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    if any(_inside(c, rings) for c in corners):
        return True
    for ring in rings:
        if any(x0 < x < x1 and y0 < y < y1 for x, y in ring):
            return True
        for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
            if any(_segments_cross(a, b, c, d) for c, d in zip(corners, corners[1:] + corners[:1], strict=True)):
                return True
    return False


def circle_meets_box(at: list[float], r: float, box: list[float]) -> bool:
    """Whether a disc and a box overlap (by more than a touch)."""
    nx, ny = min(max(at[0], box[0]), box[2]), min(max(at[1], box[1]), box[3])
    return (nx - at[0]) ** 2 + (ny - at[1]) ** 2 < (r - 0.5) ** 2


def _beneath(b: list[float], over: list[list[float]]) -> bool:
    return any(b[0] >= f[0] - 0.5 and b[2] <= f[2] + 0.5 and b[1] >= f[1] - 0.5 and b[3] <= f[3] + 0.5 for f in over)


def crossings(scene: dict) -> list[tuple[str, str]]:
    """The (arrow, name) pairs where an arrow's outline, stroke included, meets a name's box."""
    out = []
    for arrow in scene["arrows"]:
        for name in scene["names"]:
            if area_meets_box(arrow["rings"], name["box"], arrow["stroke"] - 0.5):
                out.append((arrow["id"], name["text"]))
    return out


def hidden_marks(scene: dict) -> list[tuple[str, str]]:
    """The (point, unit) pairs where a point's dot and a unit's drawing overlap, on screen and in sight."""
    out = []
    w, h = scene["size"]
    for unit in scene["units"]:
        b = unit["box"]
        if b[2] <= 0 or b[0] >= w or b[3] <= 0 or b[1] >= h or _beneath(b, scene["furniture"]):
            continue
        out += [(dot["id"], unit["id"]) for dot in scene["dots"] if circle_meets_box(dot["at"], dot["r"], b)]
    return out


def _apart(a: list[float], b: list[float]) -> float:
    return max(abs(a[0] - b[0]), abs(a[1] - b[1]))


def check_view(tab, where: str) -> dict[str, int]:
    """Every check at the view shown; what was checked, counted."""
    marks = tab.evaluate(MARKS)
    assert marks, where
    far = [m for m in marks if m["layer"] and _apart(m["layer"], m["at"]) > NEAR]
    assert far == [], (where, "dots drawn away from their places", far)
    hills = [m for m in marks if m["hill"]]
    astray = [m for m in hills if not m["sign"] or _apart(m["sign"], m["at"]) > NEAR]
    assert astray == [], (where, "hill signs away from their summits", astray)
    seen = [m for m in marks if m["dot"]]
    off = [m for m in seen if _apart(m["dot"], m["at"]) > NEAR]
    assert off == [], (where, "dots drawn away from their places", off)
    assert len(seen) >= len(marks) / 2, (where, "too few dots could be told in the pixels", len(seen), len(marks))
    scene = tab.evaluate(SCENE)
    assert crossings(scene) == [], (where, "arrows across names", crossings(scene))
    assert hidden_marks(scene) == [], (where, "dots under unit symbols", hidden_marks(scene))
    return {
        "hills": len(hills),
        "dots": len(seen),
        "arrows": len(scene["arrows"]),
        "dated": sum(1 for n in scene["names"] if n.get("movement")),
        "units": len(scene["units"]),
    }


def _open(browser, path: Path, lang: str, viewport: dict[str, int] | None = None, printed: bool = False):
    page = OfflinePage(browser, viewport)
    if printed:
        page.page.emulate_media(media="print")
    tab = page.open(path)
    tab.evaluate("(lang) => { window.battleMap.setLanguage(lang); window.battleMap.labels.place(); }", lang)
    return page, tab


@pytest.mark.parametrize("name", ["assault-1", "index"])
def test_marks_stand_at_their_places_and_names_keep_clear(browser, site: Path, name: str) -> None:
    """At the opening view and two zooms closer and wider, in each language: the hills' signs
    and the points' dots at their coordinates, no arrow across a name, no dot under a symbol."""
    for lang in ("zh", "en", "both"):
        page, tab = _open(browser, site / f"{name}.html", lang)
        try:
            counted = []
            for dz in (0, 2, -4):  # the opening view, two zooms closer, two wider than it
                if dz:
                    tab.evaluate(ZOOM, dz)
                counted.append(check_view(tab, f"{name} {lang} {dz:+d}"))
            assert page.errors == []
        finally:
            page.close()
        # there was something to check: hills signed, dots read, arrows and their dates shown
        opening = counted[0]
        assert opening["hills"] >= 3 and opening["dots"] >= 8 and opening["units"] >= 3, (name, lang, counted)
        if name != "index":
            assert opening["arrows"] >= 3 and opening["dated"] >= 2, (name, lang, counted)


def test_the_print_layout_follows_the_same_rules(browser, battle, tmp_path: Path) -> None:
    """The PNG/PDF export's page (A4 landscape at 96 dpi, laid out for print) keeps the marks at
    their places and the arrows and symbols clear of names and dots, at its own scale."""
    files = render_site(battle, ["assault-1", "fall"], "en", single_file=True, printable=True)
    for phase in ("assault-1", "fall"):
        path = tmp_path / f"{phase}.html"
        path.write_bytes(files[f"{phase}.html"])
        for lang in ("zh", "en"):
            page, tab = _open(browser, path, lang, {"width": 1123, "height": 794}, printed=True)
            try:
                counted = check_view(tab, f"print {phase} {lang}")
                assert counted["hills"] >= 3 and counted["arrows"] >= 1, (phase, lang, counted)
                assert page.errors == []
            finally:
                page.close()


def test_a_hill_name_moves_but_its_sign_stays(browser, site: Path) -> None:
    """Crowd a hill's name out of its first places (a control laid over them): its name goes
    elsewhere or waits, its sign stays on the summit."""
    page, tab = _open(browser, site / "assault-1.html", "en")
    try:
        named = set(tab.evaluate("Array.from(document.querySelectorAll('.bm-label'), e => e.dataset.feature)"))
        before = {m["id"]: m for m in tab.evaluate(MARKS) if m["hill"] and m["sign"]}
        hill = sorted(set(before) & named)[0]  # a hill named at the opening view
        moved = tab.evaluate(
            """(id) => {
              const labels = window.battleMap.labels, box = labels.map.getContainer();
              const name = () => { const e = box.querySelector('.bm-label[data-feature="' + id + '"]');
                return e ? e.style.transform : null; };
              const first = name(), f = labels.visible().find(l => l.record && l.record[BM.R.ID] === id).record;
              const c = BM.markAt(f), at = labels.map.latLngToContainerPoint([c[1], c[0]]);
              const div = document.createElement('div');  // over the name's places beside the point, not the point
              div.className = 'leaflet-control';
              div.style.cssText = 'position:absolute;z-index:2000;left:' + (at.x + 7) + 'px;top:' + (at.y - 60) +
                'px;width:160px;height:120px';
              box.appendChild(div);
              labels.place();
              return [first, name()];
            }""",
            hill,
        )
        assert moved[0] != moved[1], moved
        after = {m["id"]: m for m in tab.evaluate(MARKS)}
        assert after[hill]["sign"] == before[hill]["sign"]
        assert _apart(after[hill]["sign"], after[hill]["at"]) <= NEAR
    finally:
        page.close()


#: Random areas (rings of 3-12 points, some of them two rings: a hole or a second part) cut
#: into bands: [pixels inside an area that no band covers, bands reaching beyond the area's
#: own bounds (grown by the pad), bands in all].
BANDS = """() => {
  const S = BM.space, step = 4, pad = 1.5, clip = S.box(-60, -60, 460, 360);
  let seed = 1944;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const inside = (rings, x, y) => {
    let odd = false;
    rings.forEach(([xs, ys]) => {
      for (let i = 0, j = xs.length - 1; i < xs.length; j = i++) {
        if ((ys[i] > y) !== (ys[j] > y) && x < xs[i] + (xs[j] - xs[i]) * (y - ys[i]) / (ys[j] - ys[i])) odd = !odd;
      }
    });
    return odd;
  };
  let missed = 0, loose = 0, count = 0;
  for (let n = 0; n < 150; n++) {
    const rings = [];
    for (let r = 0; r < (random() < 0.3 ? 2 : 1); r++) {
      const m = 3 + Math.floor(random() * 10), cx = random() * 500 - 50, cy = random() * 400 - 50;
      const xs = new Float64Array(m), ys = new Float64Array(m);
      for (let i = 0; i < m; i++) {  // a star-shaped ring: spikes and thin slivers among them
        const a = 2 * Math.PI * i / m, d = 5 + random() * 120;
        xs[i] = cx + Math.cos(a) * d;
        ys[i] = cy + Math.sin(a) * d * (0.2 + random());
      }
      rings.push([xs, ys]);
    }
    const bands = S.bands(rings, step, pad, clip, 'a', []);
    count += bands.length;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    rings.forEach(([xs, ys]) => xs.forEach((x, i) => {
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, ys[i]); y1 = Math.max(y1, ys[i]);
    }));
    bands.forEach(b => {
      if (b.minX < x0 - pad - 0.01 || b.maxX > x1 + pad + 0.01 || b.minY < Math.floor(y0) - pad - 0.01 ||
          b.maxY > Math.ceil(y1) + step + pad + 0.01) loose += 1;
    });
    for (let y = Math.max(y0, clip.minY); y <= Math.min(y1, clip.maxY); y += 0.5) {
      for (let x = x0; x <= x1; x += 0.5) {
        const covered = bands.some(b => x >= b.minX && x <= b.maxX && y >= b.minY && y <= b.maxY);
        if (inside(rings, x, y) && !covered) missed += 1;
      }
    }
  }
  return [missed, loose, count];
}"""


def test_an_area_is_taken_as_bands_that_cover_it(offline, site: Path) -> None:
    """An arrow is taken on screen as the boxes of its strips (bm-space.js, bands): every point
    of the area lies in a box, even in a spike thinner than a strip or a ring crossing a strip's
    edge, and no box reaches beyond the area's bounds (and its stroke)."""
    tab = offline.open(site / "index.html")
    missed, loose, count = tab.evaluate(BANDS)
    assert (missed, loose) == (0, 0)
    assert count > 1000
    assert offline.errors == []


#: Symbols fanned out around a point's mark (bm-space.js, fanOut): each case [offset the symbol
#: took, its box there, the leader line drawn]. A symbol 60 × 50 px, anchored 30 px from its
#: left and 40 from its top, at (200, 150); a mark beneath its top edge, then one on its place.
FANNED = """() => {
  const S = BM.space;
  const run = (mark) => {
    // a symbol 60 × 50 px anchored 30, 40 at this zoom (UnitMark.size), its box as drawn
    const layer = {shape: () => [-30, -40, 30, 10], size: () => [60, 50, 30, 40, 1]};
    const unit = {layer: layer, id: 'u', point: {x: 200, y: 150}};
    const lines = [], tree = new S.Space({x: 400, y: 300});
    S.fanOut([unit], tree, lines, 'en', {x: 400, y: 300}, [], [mark]);
    const o = unit.offset;
    return [o, [170 + o[0], 110 + o[1], 230 + o[0], 160 + o[1]], lines];
  };
  return [run(S.box(195, 112, 205, 122, 'dot')), run(S.box(191, 141, 209, 159, 'dot'))];
}"""


def test_a_symbol_leaves_the_marks_and_its_own_place_in_sight(offline, site: Path) -> None:
    """A symbol over a point's dot moves off it, to a place that leaves its own true place in
    sight as well, where its leader's dot is; a symbol on a marked place moves off the mark,
    and its leader starts at the mark's rim (no dot over the mark)."""
    tab = offline.open(site / "index.html")
    (offset, box, lines), (offset2, box2, lines2) = tab.evaluate(FANNED)
    dot, own = [195, 112, 205, 122], [196, 146, 204, 154]

    def overlap(a: list[float], b: list[float]) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    assert offset != [0, 0] and not overlap(box, dot) and not overlap(box, own), (offset, box)
    assert lines == [[200, 150, *lines[0][2:4], tab.evaluate("BM.space.LEADER_DOT")]]
    mark = [191, 141, 209, 159]
    assert offset2 != [0, 0] and not overlap(box2, mark), (offset2, box2)
    ((x0, y0, _, _, kind),) = lines2
    assert kind == tab.evaluate("BM.space.LEADER_RIM")
    assert abs(((x0 - 200) ** 2 + (y0 - 150) ** 2) ** 0.5 - 9) < 0.01  # from the mark's rim, 9 px out
    assert offline.errors == []
