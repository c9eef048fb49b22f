"""Names on the map, in headless Chromium: placed without collisions in every language, at
the opening view and after zooming, on screen and in print; key places named; the placer
deterministic and rank-led; and no serious accessibility violation on any page."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from layers.data.load import load_battle
from layers.page.assemble import render_site
from layers.site import write_site

from ..conftest import FIXTURE_BATTLE, ROOT, OfflinePage, map_settles

pytestmark = pytest.mark.browser

LANGS = ("zh", "en", "both")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
AXE = ROOT / "tests" / "vendor" / "axe-core-4.10.3" / "axe.min.js"

#: Every name box and unit symbol on screen, and the pairs that overlap.
BOXES = """() => {
  const container = window.battleMap.map.getContainer();
  const frame = container.getBoundingClientRect();
  const rect = (r) => ({x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
  const seen = (b) => b.x1 > frame.left && b.x0 < frame.right && b.y1 > frame.top && b.y0 < frame.bottom;
  // A name set along a river is a run of rotated glyphs: each glyph is a box of its own.
  // A name's box reaches as far as its text does, across (a sign or a line may overflow its
  // element's box: the box the page measured); its height is its lines'.
  const ink = (e) => {
    const range = document.createRange();
    range.selectNodeContents(e);
    const a = rect(e.getBoundingClientRect()), b = range.getBoundingClientRect();
    return {x0: Math.min(a.x0, b.left), y0: a.y0, x1: Math.max(a.x1, b.right), y1: a.y1};
  };
  const labels = Array.from(container.querySelectorAll('.bm-label:not(.bm-curved)')).map(e => (
    {id: e.getAttribute('data-feature'), text: e.textContent, ...ink(e)}));
  container.querySelectorAll('.bm-curved').forEach((e, run) => e.querySelectorAll('.bm-glyph').forEach(g => labels.push(
    {id: e.getAttribute('data-feature'), text: e.textContent, run: run, ...rect(g.getBoundingClientRect())})));
  const furniture = Array.from(container.querySelectorAll('.leaflet-control'))
    .concat(Array.from(document.querySelectorAll('#bm-panel')))
    .map(e => rect(e.getBoundingClientRect())).filter(b => b.x1 > b.x0 && b.y1 > b.y0);
  const beneath = (a, b) => a.x0 >= b.x0 - 0.5 && a.x1 <= b.x1 + 0.5 && a.y0 >= b.y0 - 0.5 && a.y1 <= b.y1 + 0.5;
  // Unit symbols are drawn on canvases: the boxes the page drew them in (symbol and designation),
  // those in sight (not beyond the map's edge, nor wholly beneath the panel or a control).
  const units = [];
  BM.units.boxes().forEach(u => {
    const b = {x0: frame.left + u.minX, y0: frame.top + u.minY, x1: frame.left + u.maxX, y1: frame.top + u.maxY};
    b.text = u.feature;
    b.desig = u.desig;
    if (seen(b) && !furniture.some(f => beneath(b, f))) units.push(b);
  });
  const tips = [];
  window.battleMap.labels.visible().forEach(layer => {
    const t = layer.record && layer.record[BM.R.TIP];
    if (!t) return;
    const p = window.battleMap.map.latLngToContainerPoint([t[1], t[0]]);
    tips.push({x0: frame.left + p.x - 4, y0: frame.top + p.y - 4, x1: frame.left + p.x + 4, y1: frame.top + p.y + 4});
  });
  const hit = (a, b) => a.x0 < b.x1 - 0.5 && a.x1 > b.x0 + 0.5 && a.y0 < b.y1 - 0.5 && a.y1 > b.y0 + 0.5;
  const bad = [];
  const shown = labels.filter(seen);
  shown.forEach((a, i) => shown.slice(i + 1).forEach(b => {
    // glyphs of one run sit side by side along a bend; every other pair must keep apart
    if (hit(a, b) && !(a.run !== undefined && a.run === b.run)) bad.push(['name/name', a.text, b.text]);
  }));
  units.forEach((a, i) => units.slice(i + 1).forEach(b => { if (hit(a, b)) bad.push(['unit/unit', a.text, b.text]); }));
  shown.forEach(a => units.forEach(b => { if (hit(a, b)) bad.push(['name/unit', a.text, b.text]); }));
  shown.forEach(a => tips.forEach(b => { if (hit(a, b)) bad.push(['name/arrowhead', a.text]); }));
  shown.forEach(a => {
    if (a.run === undefined && (a.x0 < frame.left - 0.5 || a.x1 > frame.right + 0.5)) bad.push(['name/edge', a.text]);
  });
  // The counts on marks that others are folded into (labels.js): clear of names, symbols and
  // one another.
  const counts = Array.from(container.querySelectorAll('.bm-fold'))
    .map(e => ({text: 'count ' + e.textContent, ...rect(e.getBoundingClientRect())})).filter(seen);
  shown.forEach(a => counts.forEach(b => { if (hit(a, b)) bad.push(['name/count', a.text, b.text]); }));
  units.forEach(a => counts.forEach(b => { if (hit(a, b)) bad.push(['unit/count', a.text, b.text]); }));
  counts.forEach((a, i) => counts.slice(i + 1).forEach(b => {
    if (hit(a, b)) bad.push(['count/count', a.text, b.text]);
  }));
  // The panel and the map's controls stand over the map: no name reaches under them, and a
  // symbol is clear of them or wholly beneath one (as out of sight as beyond the map's edge).
  shown.forEach(a => furniture.forEach(b => { if (hit(a, b)) bad.push(['name/control', a.text]); }));
  units.forEach(a => furniture.forEach(b => { if (hit(a, b)) bad.push(['unit/control', a.text]); }));
  return {labels: shown, units: units, bad: bad};
}"""

#: Zoom by ``dz`` around the middle of the map area the panel leaves free, then place the names.
ZOOM = """(dz) => {
  const bm = window.battleMap, map = bm.map, size = map.getSize();
  const panel = document.getElementById('bm-panel');
  const left = panel && size.x > 700 ? panel.offsetWidth + 20 : 0;
  map.setZoomAround(L.point((left + size.x) / 2, size.y / 2), map.getZoom() + dz, {animate: false});
  bm.labels.place();
}"""


def pages(battle) -> list[str]:
    return ["index", *(p.id for p in battle.phases)]


def open_battle(browser, folder: Path, out: Path, lang: str) -> tuple[object, OfflinePage, object]:
    """The battle of ``folder``, its site built into ``out``, and its first phase's page open
    in ``lang``: (battle, page, tab)."""
    battle = load_battle(folder)
    site = write_site(render_site(battle), out)
    page, tab = open_at(browser, site / f"{battle.phases[0].id}.html", lang)
    return battle, page, tab


def open_at(browser, path: Path, lang: str, viewport: dict[str, int] | None = None) -> tuple[OfflinePage, object]:
    page = OfflinePage(browser, viewport)
    tab = page.open(path)
    tab.evaluate("(lang) => { window.battleMap.setLanguage(lang); window.battleMap.labels.place(); }", lang)
    return page, tab


@pytest.mark.parametrize(
    "name", ["index", "preparations", "approach", "assault-1", "lull", "assault-2", "relief", "assault-3", "fall"]
)
def test_names_never_collide(browser, battle, site: Path, name: str) -> None:
    if name not in pages(battle):
        pytest.skip(f"no phase {name}")
    for lang in LANGS:
        page, tab = open_at(browser, site / f"{name}.html", lang)
        try:
            for dz in (0, 1, 1, -3, 1):  # the opening view, closer, closer still, wider, back
                if dz:
                    tab.evaluate(ZOOM, dz)
                found = tab.evaluate(BOXES)
                assert found["bad"] == [], (name, lang, dz, found["bad"])
                assert found["labels"], (name, lang, dz)
            assert page.errors == []
        finally:
            page.close()


def test_each_phase_names_at_least_fifteen_places_and_units(browser, battle, site: Path) -> None:
    for phase in battle.phases:
        for lang in LANGS:
            page, tab = open_at(browser, site / f"{phase.id}.html", lang)
            try:
                found = tab.evaluate(BOXES)
                places = {label["id"] for label in found["labels"]}
                named = len(places) + sum(1 for u in found["units"] if u["desig"].strip())
                assert named >= 15, (phase.id, lang, named)
            finally:
                page.close()


def _takes_part(feature, phase) -> bool:
    """A place takes part in a phase when its status changes in it; a river on every page."""
    if feature.is_reference:
        return True
    return any(phase.start <= change.date <= phase.end for change in feature.status)


def test_key_places_are_named_where_they_take_part(browser, battle, site: Path) -> None:
    by_id = {f.id: f for f in battle.features}
    key = [by_id[i] for i in ("zhangjiashan", "wuguiling", "airfield", "xiang-river") if i in by_id]
    assert len(key) == 4
    checked = 0
    for phase in battle.phases:
        wanted = [f for f in key if f.in_phase(phase) or f.is_reference]
        wanted = [f for f in wanted if _takes_part(f, phase)]
        for lang in LANGS:
            page, tab = open_at(browser, site / f"{phase.id}.html", lang)
            try:
                named = {label["id"] for label in tab.evaluate(BOXES)["labels"]}
                for feature in wanted:
                    assert feature.id in named, (phase.id, lang, feature.id, sorted(named))
                    checked += 1
            finally:
                page.close()
    assert checked >= 3 * 12  # the river on every page, and each position where it changes hands


def test_english_map_labels_have_no_chinese(browser, battle, site: Path) -> None:
    for name in pages(battle):
        page, tab = open_at(browser, site / f"{name}.html", "en")
        try:
            for dz in (0, 2):
                if dz:
                    tab.evaluate(ZOOM, dz)
                found = tab.evaluate(BOXES)
                texts = [label["text"] for label in found["labels"]] + [u["desig"] for u in found["units"]]
                assert texts and not [t for t in texts if CJK.search(t)], (name, [t for t in texts if CJK.search(t)])
        finally:
            page.close()


def test_names_follow_the_language_switch(browser, battle, site: Path) -> None:
    page, tab = open_at(browser, site / f"{battle.phases[2].id}.html", "zh")
    try:
        zh = {label["id"]: label["text"] for label in tab.evaluate(BOXES)["labels"]}
        assert tab.evaluate("document.documentElement.lang") == "zh-Hans"
        tab.evaluate("window.battleMap.setLanguage('en')")
        en = {label["id"]: label["text"] for label in tab.evaluate(BOXES)["labels"]}
        assert tab.evaluate("document.documentElement.lang") == "en"
        assert any(CJK.search(t) for t in zh.values()) and not any(CJK.search(t) for t in en.values())
        tab.evaluate("window.battleMap.setLanguage('both')")
        both = tab.evaluate(
            "Array.from(document.querySelectorAll('.bm-label')).map(e => e.querySelectorAll('.bm-line').length)"
        )
        assert max(both) == 2  # 中/EN: two lines
    finally:
        page.close()


def test_placement_is_deterministic(browser, battle, site: Path) -> None:
    shots = []
    for _ in range(2):
        page, tab = open_at(browser, site / "index.html", "both")
        try:
            tab.evaluate("window.battleMap.labels.place()")
            shots.append(
                tab.evaluate(
                    "Array.from(document.querySelectorAll('.bm-label')).map(e => [e.getAttribute('data-feature'), "
                    "e.style.transform, e.textContent])"
                )
            )
        finally:
            page.close()
    assert shots[0] == shots[1] and shots[0]


def _crowded_battle(tmp_path: Path, apart: bool = True) -> Path:
    """The mini battle with fourteen positions by the mill: four key ones, ten minor ones. Apart,
    they stand in two rows of seven north of it (the brook runs south), whose marks keep clear
    of one another at the opening view (about 26 px across, 24 px down at zoom 12) while their
    names cannot all fit; otherwise they all stand on the mill's spot (their marks fold into
    one: test_fold.py)."""
    folder = tmp_path / "crowd"
    shutil.copytree(FIXTURE_BATTLE, folder)
    path = folder / "action.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    mill = next(f for f in data["features"] if f["id"] == "mill")
    for i in range(14):
        twin = json.loads(json.dumps(mill))
        twin["id"] = f"crowd-{i:02d}"
        if apart:
            x, y = mill["geometry"]["coordinates"]
            twin["geometry"]["coordinates"] = [round(x + 0.009 * (i % 7 - 3), 4), round(y + 0.0055 * (1 + i // 7), 4)]
        key = i % 4 == 3  # the key ones come late in the file: rank, not order, must win
        props = twin["properties"]
        props.update(label_zh=f"据点{i:02d}", label_en=f"Post {i:02d}", importance=1 if key else 3)
        props.pop("status", None)
        data["features"].append(twin)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


def test_rank_wins_when_names_compete(browser, tmp_path: Path) -> None:
    battle, page, tab = open_battle(browser, _crowded_battle(tmp_path), tmp_path / "out", "en")
    key = {f.id for f in battle.features if f.id.startswith("crowd-") and f.importance == 1}
    minor = {f.id for f in battle.features if f.id.startswith("crowd-") and f.importance == 3}
    try:
        found = tab.evaluate(BOXES)
        assert found["bad"] == []
        named = {label["id"] for label in found["labels"]}
        assert key <= named, sorted(named)  # every key name found a place
        assert not minor <= named  # the crowd did not all fit: minor names yielded
        tab.evaluate(ZOOM, 0)
        assert {label["id"] for label in tab.evaluate(BOXES)["labels"]} == named  # the same again
    finally:
        page.close()


def test_units_sharing_a_place_fan_out_with_leaders(browser, tmp_path: Path) -> None:
    folder = tmp_path / "stack"
    shutil.copytree(FIXTURE_BATTLE, folder)
    path = folder / "action.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    division = next(f for f in data["features"] if f["id"] == "south-division")  # shown at every zoom
    for i in range(3):
        twin = json.loads(json.dumps(division))
        twin["id"] = f"stacked-{i}"
        data["features"].append(twin)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    _, page, tab = open_battle(browser, folder, tmp_path / "out", "zh")
    try:
        found = tab.evaluate(BOXES)
        assert found["bad"] == []
        assert len([u for u in found["units"] if u["desig"] == "S"]) == 4
        leaders = tab.evaluate("document.querySelectorAll('.bm-leaders line').length")
        dots = tab.evaluate("document.querySelectorAll('.bm-leaders circle').length")
        assert leaders >= 3 and dots == leaders  # each moved symbol points back to its true place
    finally:
        page.close()


def test_printed_page_names_the_places(browser, battle, tmp_path: Path) -> None:
    """The print layout (PNG/PDF export, A4 landscape at 96 dpi) names the places too."""
    phase = next(p for p in battle.phases if p.id == "assault-1")
    files = render_site(battle, [phase.id], "en", single_file=True, printable=True)
    path = tmp_path / "print.html"
    path.write_bytes(files[f"{phase.id}.html"])
    for lang in LANGS:
        page = OfflinePage(browser, {"width": 1123, "height": 794})
        try:
            page.page.emulate_media(media="print")
            tab = page.open(path)
            tab.evaluate("(lang) => { window.battleMap.setLanguage(lang); window.battleMap.labels.place(); }", lang)
            found = tab.evaluate(BOXES)
            assert found["bad"] == [], (lang, found["bad"])
            named = {label["id"] for label in found["labels"]}
            assert {"zhangjiashan", "xiang-river"} <= named, (lang, sorted(named))
            assert len(named) >= 10
        finally:
            page.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_axe_finds_no_serious_violation(browser, battle, site: Path, lang: str) -> None:
    script = AXE.read_text(encoding="utf-8")
    for name in pages(battle):
        page, tab = open_at(browser, site / f"{name}.html", lang)
        try:
            tab.evaluate(script)  # evaluated by the test driver, outside the page's CSP
            violations = tab.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
            )
            serious = [v for v in violations if v["impact"] in ("serious", "critical")]
            assert serious == [], (name, lang, serious)
        finally:
            page.close()


def test_names_never_collide_at_fractional_zoom(browser, battle, site: Path) -> None:
    """A film or a pinch zoom stops between zoom levels: symbols shown by the page's rounding
    are avoided all the same."""
    page, tab = open_at(browser, site / "index.html", "both")
    try:
        for zoom in (12.6, 13.4, 13.6, 14.5):
            tab.evaluate(
                "(z) => { const m = window.battleMap.map; m.options.zoomSnap = 0; "
                "m.setView(m.getCenter(), z, {animate: false}); window.battleMap.labels.place(); }",
                zoom,
            )
            found = tab.evaluate(BOXES)
            assert found["bad"] == [], (zoom, found["bad"])
    finally:
        page.close()


#: Where each drawn unit symbol stands against where its point is, in screen pixels: its
#: anchor (the drawn box's corner plus the symbol's anchor, less the fan-out offset) must be
#: on the point.
UNIT_OFFSETS = """() => {
  const map = window.battleMap.map, icons = window.BM_SITE.icons, out = [];
  BM.units.boxes().forEach(b => {
    const layer = b.layer, icon = icons[layer.record[BM.R.ICON]];
    const at = map.latLngToContainerPoint(layer.getLatLng());
    out.push([b.minX - layer.offset[0] + icon.ax * b.scale - at.x,
      b.minY - layer.offset[1] + icon.ay * b.scale - at.y]);
  });
  return out;
}"""


def test_unit_symbols_follow_the_view(browser, battle, site: Path) -> None:
    """The page's units are drawn on canvases again after every move: after each, every
    symbol still stands on its own point."""
    page = OfflinePage(browser)
    try:
        tab = page.open(site / "index.html")
        tab.evaluate("window.battleMap.selectPhase('all', {animate: false})")
        for move in (
            "map.setZoom(map.getZoom() + 1, {animate: false})",
            "map.panBy([120, -80], {animate: false})",
            "map.setZoom(map.getZoom() - 2, {animate: false})",
        ):
            with map_settles(tab):
                tab.evaluate(f"(() => {{ const map = window.battleMap.map; {move}; }})()")
            offsets = tab.evaluate(UNIT_OFFSETS)
            assert offsets, move
            assert all(abs(dx) <= 1.5 and abs(dy) <= 1.5 for dx, dy in offsets), (move, offsets[:5])
        assert page.errors == []
    finally:
        page.close()


def test_the_grid_and_the_early_exit_agree_with_a_plain_search(offline, site: Path) -> None:
    """The placer's quick refusals (a coarse grid of taken cells, a tree walk that stops at
    the first overlap) give exactly the answer of comparing a candidate with every box."""
    tab = offline.open(site / "index.html")
    disagreements = tab.evaluate("""() => {
      const L = BM.space, size = {x: 600, y: 400}, space = new L.Space(size), boxes = [];
      let seed = 1944;
      const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      const some = (owner) => { const x = random() * 620 - 10, y = random() * 420 - 10;
        return L.box(x, y, x + 4 + random() * 90, y + 4 + random() * 24, owner); };
      for (let i = 0; i < 300; i++) { const b = some('o' + (i % 40)); boxes.push(b); space.insert(b); }
      const wrong = [];
      for (let i = 0; i < 3000; i++) {
        const b = some('o' + (i % 45));
        const plain = boxes.some(o => o.owner !== b.owner && L.overlaps(b, o));
        if (space.taken(b) !== plain || (space.blocked(b) && !plain)) wrong.push([b, plain]);
      }
      return wrong.length;
    }""")
    assert disagreements == 0
    assert offline.errors == []


def test_a_name_with_no_room_is_not_measured(offline, site: Path) -> None:
    """Measuring a name costs the browser a layout: a name that cannot fit anywhere, even as
    a box smaller than itself, is skipped unmeasured. With the whole map taken (a control
    over all of it) nothing is measured or placed; with the map free again, names are."""
    tab = offline.open(site / "index.html")
    measure = """(cover) => {
      const labels = window.battleMap.labels, box = labels.map.getContainer();
      const old = box.querySelector('.bm-test-cover');
      if (old) old.remove();
      if (cover) {
        const div = document.createElement('div');
        div.className = 'leaflet-control bm-test-cover';
        div.style.cssText = 'position:absolute;left:0;top:0;right:0;bottom:0;z-index:2000';
        box.appendChild(div);
      }
      labels.measures = {};
      labels.kept = [];
      labels.place();
      const names = Object.keys(labels.measures).filter(k => !k.startsWith('g|')).length;
      return [names, labels.pane.querySelectorAll('.bm-label').length];
    }"""
    assert tab.evaluate(measure, True) == [0, 0]
    measured, placed = tab.evaluate(measure, False)
    assert placed > 10
    assert measured >= placed - tab.locator(".bm-curved").count()
    assert offline.errors == []


def test_the_placer_projects_places_as_leaflet_does(offline, site: Path) -> None:
    """The placer and the symbols' canvases project thousands of places per view with their
    own arithmetic: it must give Leaflet's container points exactly, at whole and fractional
    zooms, after pans, near the poles' cut-off and across the antimeridian."""
    tab = offline.open(site / "index.html")
    wrong = tab.evaluate("""() => {
      const map = window.battleMap.map, wrong = [];
      let seed = 7;
      const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      for (const [zoom, dx, dy] of [[11, 0, 0], [12.5, 130, -40], [14.25, -300, 220], [3, 17, 9], [17, 0, 0]]) {
        map.setZoom(zoom, {animate: false});
        map.panBy([dx, dy], {animate: false});
        const toScreen = BM.space.screen(map), c = map.getCenter();
        const places = [[c.lng, c.lat], [179.9, 86], [-180, -89], [0, 0]];
        for (let i = 0; i < 300; i++) places.push([c.lng + (random() - 0.5) * 0.4, c.lat + (random() - 0.5) * 0.3]);
        for (const [lng, lat] of places) {
          const ours = toScreen(lng, lat), theirs = map.latLngToContainerPoint([lat, lng]);
          if (ours.x !== theirs.x || ours.y !== theirs.y) wrong.push([zoom, lng, lat, ours, theirs]);
        }
      }
      return wrong.slice(0, 5);
    }""")
    assert wrong == []
    assert offline.errors == []


#: Pans, then zooms, counting the points the placer projects for the courses of names along
#: lines (courseOf) in the placements of what is shown (not in those made ahead for other
#: phases while the page is idle, which may fall in a move's frames on a busy machine and
#: project their own lines' courses for the first time at the zoom), and compares the names
#: with those placed with the courses forgotten: [[points projected, names kept == names
#: afresh, names along lines] after each move].
COURSES_PER_MOVE = """async () => {
  const bm = window.battleMap, map = bm.map, labels = bm.labels, space = BM.space, absolute = space.absolute;
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const names = () => Array.from(map.getPane('bm-labels').children).map(e => e.outerHTML).join('');
  let projected = 0, placing = false;
  space.absolute = function (m) {
    const world = absolute(m);
    return function () { if (placing) { projected++; } return world.apply(null, arguments); };
  };
  labels.place = function () {
    placing = true;
    try { return Object.getPrototypeOf(labels).place.apply(labels, arguments); } finally { placing = false; }
  };
  const out = [];
  for (const move of [() => map.panBy([140, -60], {animate: false}), () => map.panBy([-90, 120], {animate: false}),
                      () => map.setZoom(map.getZoom() + 1, {animate: false})]) {
    projected = 0;
    move();
    await frames();
    const n = projected, kept = names();
    labels.courses = new WeakMap();
    labels.kept = [];
    labels.place();
    out.push([n, kept === names(), map.getPane('bm-labels').querySelectorAll('.bm-curved').length]);
  }
  space.absolute = absolute;
  delete labels.place;
  return out;
}"""


def test_a_course_is_projected_once_per_zoom(offline, site: Path) -> None:
    """The courses of names along lines (rivers, railways, defence lines) are projected once
    per zoom and moved for the view: a pan projects none of their points, a zoom does, and
    the names placed are those placed with every course projected afresh."""
    tab = offline.open(site / "index.html")
    tab.wait_for_function("+(window.battleMap.map.getContainer().getAttribute('data-labels') || 0) >= 1")
    (pan, pan_same, curved), (pan2, pan2_same, _), (zoom, zoom_same, _) = tab.evaluate(COURSES_PER_MOVE)
    assert curved >= 2  # names set along lines were placed
    assert (pan, pan2) == (0, 0)
    assert zoom > 20
    assert pan_same and pan2_same and zoom_same
    assert offline.errors == []


def test_a_course_finds_its_points_as_a_walk_along_it_does(offline, site: Path) -> None:
    """A course finds the point at a distance along it by halving its list of distances: the
    same point a walk from its start finds, on courses with repeated points, before the start
    and past the end."""
    tab = offline.open(site / "index.html")
    wrong = tab.evaluate("""() => {
      let seed = 11;
      const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647, wrong = [];
      for (let c = 0; c < 200; c++) {
        const n = 2 + Math.floor(random() * 40), xs = [], ys = [];
        for (let i = 0; i < n; i++) {
          const repeat = i && random() < 0.1;  // a point given twice: a span of length 0
          xs.push(repeat ? xs[i - 1] : Math.round(random() * 900));
          ys.push(repeat ? ys[i - 1] : Math.round(random() * 600));
        }
        const course = new BM.space.Course(Float64Array.from(xs), Float64Array.from(ys)), at = course.at;
        for (let k = 0; k < 50; k++) {
          const s = (random() * 1.2 - 0.1) * course.length;
          let i = 1;
          while (i < at.length - 1 && at[i] < s) { i++; }
          const span = at[i] - at[i - 1] || 1, t = Math.max(0, Math.min(1, (s - at[i - 1]) / span));
          const x = xs[i - 1] + (xs[i] - xs[i - 1]) * t, y = ys[i - 1] + (ys[i] - ys[i - 1]) * t, p = course.pointAt(s);
          if (p.x !== x || p.y !== y) { wrong.push([c, s, [p.x, p.y], [x, y]]); }
        }
      }
      return wrong.slice(0, 5);
    }""")
    assert wrong == []
    assert offline.errors == []


def test_a_full_view_stops_trying_names_but_the_key_ones(browser, battle, site: Path) -> None:
    """After so many names in a row found no room (two hundred; here none, through the page's
    BM_OPTIONS) the view counts as full: the names after them wait for a closer view, except
    the key ones (rank 2 or better), which are always tried. Names along lines and rivers count
    as any other: the key ones are placed as before, the others wait too."""
    phase = battle.phases[-1].id
    ranks = """() => Array.from(window.battleMap.map.getPane('bm-labels').children)
      .filter(e => !e.classList.contains('bm-curved')).map(e => e.getAttribute('data-feature'))"""
    full = OfflinePage(browser)
    full.context.add_init_script("window.BM_OPTIONS = {fullAfter: 0};")
    plain = OfflinePage(browser)
    try:
        tabs = [page.open(site / f"{phase}.html") for page in (full, plain)]
        for tab in tabs:
            tab.evaluate("window.battleMap.labels.place()")
        named_full, named_plain = (set(tab.evaluate(ranks)) for tab in tabs)
        rank_of = tabs[1].evaluate("""() => {
          const out = {};
          Object.values(window.battleMap.groups).forEach(g => g.eachLayer(l => {
            if (l.record && l.record[BM.R.LABEL]) out[l.featureId] = Math.min(out[l.featureId] ?? 99,
              (l.labelRank === undefined ? l.record[BM.R.RANK] : l.labelRank) + (l.faded ? 2 : 0));
          }));
          return out;
        }""")
        assert named_full and named_full < named_plain
        assert all(rank_of[f] <= 2 for f in named_full), sorted((rank_of[f], f) for f in named_full)
        assert {f for f in named_plain if rank_of[f] <= 2} <= named_full
        curved = """() => Array.from(document.querySelectorAll('.bm-curved'), e => e.getAttribute('data-feature'))"""
        curved_full, curved_plain = (tab.evaluate(curved) for tab in tabs)
        assert curved_full and len(curved_full) < len(curved_plain)
        assert all(rank_of[f] <= 2 for f in curved_full), sorted((rank_of[f], f) for f in curved_full)
        assert {f for f in curved_plain if rank_of[f] <= 2} <= set(curved_full)
        # Symbols: in a full crowd they stay at their places, unfanned.
        fanned = "() => BM.units.boxes().filter(b => b.layer.offset[0] || b.layer.offset[1]).length"
        assert tabs[0].evaluate(fanned) == 0 < tabs[1].evaluate(fanned)
        assert full.errors == [] and plain.errors == []
    finally:
        full.close()
        plain.close()


#: Steps the atlas to the next phase as the reader does (the camera flies there), and counts
#: the placements from the call until the move has ended and two frames have passed:
#: [placements, whether the camera moved, the view of the last placement equals the final one].
STEP_PLACEMENTS = """async () => {
  const bm = window.battleMap, map = bm.map, labels = bm.labels, place = labels.place;
  const ids = Object.keys(bm.groups).filter(id => id !== 'reference');
  const views = [], view = () => map.getCenter().toString() + map.getZoom();
  labels.place = function () { views.push(view()); return place.apply(this, arguments); };
  let moved = false;
  map.once('movestart', () => { moved = true; });
  const ended = new Promise(r => map.once('moveend', r));
  bm.selectPhase(ids[(ids.indexOf(bm.state.phase) + 1) % ids.length]);
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  if (moved) await ended;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  labels.place = place;
  return [views.length, moved, views[views.length - 1] === view()];
}"""


def test_a_step_with_a_camera_move_places_the_names_once(offline, site: Path) -> None:
    """Stepping to a phase whose view differs shows its groups and flies there: the names are
    placed once, where the camera ends, not also where it starts (in a large battle a
    placement takes a good part of the step)."""
    tab = offline.open(site / "index.html")
    tab.wait_for_function("+(window.battleMap.map.getContainer().getAttribute('data-labels') || 0) >= 1")
    moves = 0
    for _ in range(4):
        placements, moved, at_end = tab.evaluate(STEP_PLACEMENTS)
        assert placements == 1, (placements, moved)
        assert at_end
        moves += moved
    assert moves >= 2, "the steps never moved the camera: nothing was tested"
    assert offline.errors == []


#: Zooms or pans the map without animation, as a wheel's or a drag's end does, and tells what
#: was placed before the browser's next frame: [placements before it, placements after two
#: frames, whether the last placement saw the final view].
MOVE_PLACEMENTS = """async (kind) => {
  const bm = window.battleMap, map = bm.map, labels = bm.labels, place = labels.place;
  const views = [], view = () => map.getCenter().toString() + map.getZoom();
  labels.place = function () { views.push(view()); return place.apply(this, arguments); };
  let framed = false;
  requestAnimationFrame(() => { framed = true; });
  if (kind === 'zoom') { map.setZoom(map.getZoom() + 1, { animate: false }); }
  else { map.panBy([map.getSize().x / 4, map.getSize().y / 6], { animate: false }); }
  await null;  // the microtasks queued by the move's end
  const before = framed ? -1 : views.length;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  labels.place = place;
  return [before, views.length, views[views.length - 1] === view()];
}"""


@pytest.mark.parametrize("kind", ["zoom", "pan"])
def test_names_are_placed_in_the_frame_that_shows_the_move(offline, site: Path, kind: str) -> None:
    """When a move ends, the canvases draw the new view at once (moveend), and the names are
    placed right after them in the same task: the frame that shows the moved map shows its
    names, with no frame of the map unnamed, and with one placement, not a second a frame later."""
    tab = offline.open(site / "index.html")
    tab.wait_for_function("+(window.battleMap.map.getContainer().getAttribute('data-labels') || 0) >= 1")
    tab.evaluate("window.battleMap.ready")
    for _ in range(2):
        before, placements, at_end = tab.evaluate(MOVE_PLACEMENTS, kind)
        assert (before, placements) == (1, 1)
        assert at_end
    assert offline.errors == []


#: Once the page is ready, shows each other phase in turn as the layer control does (the next
#: shown, the last hidden) and tells, per phase: [names measured, letters measured, symbols
#: made into pixels by its showing, ids of the names it placed].
SHOW_PREPARED = """async () => {
  const bm = window.battleMap, map = bm.map, labels = bm.labels, box = map.getContainer();
  const count = () => +(box.getAttribute('data-labels') || 0);
  const names = labels.measureNames, letters = labels.measureGlyphs;
  let measured = [0, 0];
  labels.measureNames = function (records) { measured[0] += records.length; return names.apply(this, arguments); };
  labels.measureGlyphs = function (list) { measured[1] += list.length; return letters.apply(this, arguments); };
  const placed = () => Array.from(labels.pane.querySelectorAll('.bm-label')).map(e => e.getAttribute('data-feature'));
  const out = [['', 0, 0, 0, placed()]];
  let current = bm.state.phase;
  for (const id of Object.keys(bm.groups).filter(id => id !== 'reference' && id !== current)) {
    measured = [0, 0];
    const made = BM.units.rasterised(), n = count();
    map.addLayer(bm.groups[id]);
    map.removeLayer(bm.groups[current]);
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    if (count() === n) { throw new Error('no placement after showing ' + id); }
    out.push([id, measured[0], measured[1], BM.units.rasterised() - made, placed()]);
    current = id;
  }
  delete labels.measureNames;
  delete labels.measureGlyphs;
  return out;
}"""


def test_a_prepared_phase_is_shown_with_its_names_measured(offline, site: Path) -> None:
    """While the page is idle, each phase is prepared with what showing it will need at the
    view shown: its names and letters measured, its symbols made into pixels. Showing a phase
    then places names measured already (each measurement is a layout of the page) and draws
    symbols it has: no new measuring, no new pixels."""
    tab = offline.open(site / "index.html")
    tab.evaluate("window.battleMap.ready")
    shown = tab.evaluate(SHOW_PREPARED)
    opening = set(shown[0][4])
    assert [(phase, names, letters, made) for phase, names, letters, made, _ in shown[1:]] == [
        (phase, 0, 0, 0) for phase, *_ in shown[1:]
    ]
    # and the phases named places the opening view had not: names someone had to measure
    assert len(shown) > 3
    assert sum(len(set(ids) - opening) for *_, ids in shown[1:]) > 10
    assert offline.errors == []


#: Shows the phase after the shown one in its stead (as the layer control does) and tells
#: [whether that placement was one made ahead (none computed then), the placement shown, the
#: placement made afresh at the same view with nothing kept]; each placement as its names'
#: markup, its leader lines and where the symbols were drawn.
FORESEEN = """async () => {
  const bm = window.battleMap, map = bm.map, labels = bm.labels;
  const state = () => ({
    names: Array.from(labels.pane.children).map(e => e.outerHTML),
    leaders: labels.leaders.innerHTML,
    units: BM.units.boxes().map(b => [b.feature, b.minX, b.minY, b.maxX, b.maxY]),
  });
  const compute = labels.compute;
  let computed = 0;
  labels.compute = function () { computed++; return compute.apply(this, arguments); };
  const ids = BM_SITE_ORDER, current = bm.state.phase, next = ids[(ids.indexOf(current) + 1) % ids.length];
  const symbols = bm.groups[next].units, drawn = symbols.drawn;  // (each drawing lists anew what it drew)
  map.addLayer(bm.groups[next]);
  map.removeLayer(bm.groups[current]);
  bm.state.phase = next;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const foreseen = computed === 0, shown = state(), drawnAgain = symbols.drawn !== drawn;
  const pixels = () => symbols.node.toDataURL();
  const before = pixels();
  labels.kept = [];
  labels.place();
  symbols.touched = true;
  symbols.redraw();  // drawn afresh
  delete labels.compute;
  const after = pixels();
  return [foreseen, shown, state(), drawnAgain, before === after];
}"""

#: Pans the map, and from then on watches the phase after the shown one: window.bmForeseen is
#: true once its symbols have been drawn ahead (the last step of foreseeing its placement).
PAN_AND_WATCH = """(ids) => {
  const bm = window.battleMap, next = ids[(ids.indexOf(bm.state.phase) + 1) % ids.length];
  const units = bm.groups[next].units;
  window.bmForeseen = false;
  units.drawAhead = function () {
    delete units.drawAhead;  // (its own again: the prototype's)
    const out = BM.units.UnitCanvas.prototype.drawAhead.apply(this, arguments);
    window.bmForeseen = true;
    return out;
  };
  bm.map.panBy([90, 40], {animate: false});
}"""


def test_the_placement_made_ahead_is_the_one_made_afresh(offline, battle, site: Path) -> None:
    """Once the page is ready, and again once it has been still for a moment after a move, the
    placements that the phases before and after the shown one would get in its stead at this
    view are made ahead in idle time, their symbols drawn so: the layer control's toggle then
    shows one at once. What it shows must be exactly what placing and drawing afresh gives
    (names, leaders, symbols and their pixels)."""
    tab = offline.open(site / "index.html")
    tab.evaluate("window.battleMap.ready")
    order = [p.id for p in battle.phases]
    script = FORESEEN.replace("BM_SITE_ORDER", json.dumps(order))
    for round_ in range(2):
        foreseen, shown, fresh, drawn_again, same_pixels = tab.evaluate(script)
        assert foreseen, round_
        assert shown["names"] and shown["units"]
        assert shown == fresh
        # its symbols were drawn ahead too: shown as drawn, with the pixels of a fresh drawing
        assert not drawn_again, round_
        assert same_pixels
        # a move: placed anew at once, foreseen again once the page has been still (for the
        # phase the next round shows)
        tab.evaluate(PAN_AND_WATCH, order)
        tab.wait_for_function("window.bmForeseen")
    assert offline.errors == []
