"""Marks that would cover each other fold, in headless Chromium: at every view, no two points'
marks drawn overlap; a mark that would is folded into the one ranked before it, which carries
a count of what it stands for; the counts add up to what is folded; a folded mark is neither
drawn nor pointed at; a count zooms in until its marks stand apart, or lists them where no
zoom can; and at a close view of the city nothing is folded."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from ..conftest import OfflinePage
from .test_cull import READ_CANVAS
from .test_labels import ZOOM, _crowded_battle, open_at, open_battle

pytestmark = pytest.mark.browser

#: Points' marks kept this far apart (px) beyond their radii: labels.js, FOLD_GAP.
FOLD_GAP = 4
#: How far beyond their radii (px) a mark folded into a count may lie from one counted with
#: it: the gap, or two counts side by side (labels.js folds a host whose count found no room
#: clear of another count into that count's host).
NEAR = FOLD_GAP + 2 * 32

#: The named points' marks (dot, and a hill's sign: 6 px each way) of the layers shown, on
#: screen or near it, with whether each is folded and pointable; and the counts on the map.
FOLDS = """() => {
  const bm = window.battleMap, map = bm.map, R = BM.R, P = BM.P, size = map.getSize();
  const marks = [];
  bm.labels.visible().forEach(layer => {
    const f = layer.record;
    if (!f || f[R.ICON] !== undefined || f[R.PLACEMENT] !== P.POINT || f[R.GEOMETRY].type !== 'Point') return;
    const c = f[R.GEOMETRY].coordinates, at = map.latLngToContainerPoint([c[1], c[0]]), o = layer.options;
    const dot = (o.radius || 0) + (o.weight || 0) / 2;
    marks.push({id: f[R.ID], at: [at.x, at.y], r: f[R.HILL] ? Math.max(dot, 6) : dot, folded: !!layer.folded,
      pointable: !!o.interactive, inView: at.x >= 0 && at.y >= 0 && at.x <= size.x && at.y <= size.y});
  });
  const frame = map.getContainer().getBoundingClientRect();
  // the marks of points named elsewhere (events': in the panel), each drawn at its place or
  // set aside (an SVG disc, with a leader from its place), and the leaders to them
  const discs = [], centre = (r) => [(r.left + r.right) / 2 - frame.left, (r.top + r.bottom) / 2 - frame.top];
  const leaders = Array.from(document.querySelectorAll('.bm-leaders line.bm-aside-leader')).map(l =>
    [+l.getAttribute('x1'), +l.getAttribute('y1'), +l.getAttribute('x2'), +l.getAttribute('y2')]);
  const origin = map.containerPointToLayerPoint([0, 0]), svg = document.querySelector('.bm-leaders');
  const shift = svg ? new DOMMatrix(getComputedStyle(svg).transform) : new DOMMatrix();
  bm.labels.visible().forEach(layer => {
    const f = layer.record;
    if (!f || f[R.ICON] !== undefined || f[R.PLACEMENT] !== undefined || f[R.GEOMETRY].type !== 'Point') return;
    const place = map.latLngToContainerPoint(layer.getLatLng()), o = layer.options;
    const aside = document.querySelector(`.bm-aside[data-feature="${f[R.ID]}"]`);
    discs.push({id: f[R.ID], place: [place.x, place.y],
      at: aside ? centre(aside.getBoundingClientRect()) : [place.x, place.y],
      r: (o.radius || 0) + (o.weight || 0) / 2, aside: !!aside, canvas: !layer.folded, folded: !aside && !!layer.folded,
      pointable: !!o.interactive, faded: !!layer.faded,
      // (a leader's ends in the placement's frame: the leaders' layer moves with the map)
      leader: leaders.some(l =>
        Math.hypot(l[0] + shift.e - origin.x - place.x, l[1] + shift.f - origin.y - place.y) < 1)});
  });
  const counts = Array.from(document.querySelectorAll('.bm-fold')).map(e => {
    const r = e.getBoundingClientRect();
    return {host: e.getAttribute('data-feature'), text: e.textContent,
      members: e.getAttribute('data-folded').split(' '), label: e.getAttribute('aria-label'),
      at: [(r.left + r.right) / 2 - frame.left, (r.top + r.bottom) / 2 - frame.top],
      box: [r.left - frame.left, r.top - frame.top, r.right - frame.left, r.bottom - frame.top]};
  });
  return {marks: marks, discs: discs, counts: counts, zoom: map.getZoom(), maxZoom: map.getMaxZoom()};
}"""

#: The view at zoom 19 (the closest a count zooms to) centred on the point of feature ``id``.
CLOSEST = """(id) => {
  const bm = window.battleMap, R = BM.R;
  const layer = bm.labels.visible().find(l => l.record && l.record[R.ID] === id);
  bm.map.setView(layer.getLatLng(), 19, {animate: false});
  bm.labels.place();
}"""

#: "All phases" in the atlas, at once, with the names placed for it.
ALL_PHASES = "() => { window.battleMap.selectPhase('all', {animate: false}); window.battleMap.labels.place(); }"

#: Arms window.__moved: true once the map has finished its next move and the names (and
#: folds) are placed after it (a frame later).
ARM_MOVED = """() => {
  const map = window.battleMap.map, frame = map.getContainer(), before = frame.getAttribute('data-labels');
  window.__moved = false;
  map.once('moveend', () => {
    const done = () => { window.__moved = true; };
    const wait = () => requestAnimationFrame(frame.getAttribute('data-labels') !== before ? done : wait);
    wait();
  });
}"""


def _dist(a: list[float], b: list[float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def check_folds(found: dict, where: object) -> None:
    """The rules of folding at the view found: drawn marks apart, folded ones counted, near
    their hosts, and not pointed at."""
    marks = {m["id"]: m for m in [*found["marks"], *found["discs"]]}  # (an event folds into a mark too)
    drawn = [m for m in found["marks"] if not m["folded"] and m["inView"]]
    close = [
        (a["id"], b["id"])
        for i, a in enumerate(drawn)
        for b in drawn[i + 1 :]
        if _dist(a["at"], b["at"]) < a["r"] + b["r"] - 0.5
    ]
    assert close == [], (where, "marks drawn over one another", close)
    folded = {m["id"] for m in [*found["marks"], *found["discs"]] if m["folded"]}
    counted = [member for c in found["counts"] for member in c["members"]]
    assert sorted(counted) == sorted(folded), (where, "folded marks and counts differ", sorted(folded), counted)
    for c in found["counts"]:
        host = marks[c["host"]]
        assert not host["folded"], (where, "a count on a folded mark", c)
        assert c["text"] == f"+{len(c['members'])}", (where, c)
        # each folded mark would cover its host or another mark counted with it (or its count
        # would have covered the host's count): one cluster, a count's width across at most
        cluster = [host]
        for member in sorted(c["members"], key=lambda m: _dist(marks[m]["at"], host["at"])):
            m = marks[member]
            assert any(_dist(m["at"], n["at"]) < m["r"] + n["r"] + NEAR for n in cluster), (where, "folded far", c)
            cluster.append(m)
        # (at most two steps of 8 px out from the mark, and half a count's box: labels.js, COUNT_AT)
        assert _dist(c["at"], host["at"]) < host["r"] + 16 + 32, (where, "a count away from its mark", c)
    assert all(not m["pointable"] for m in [*found["marks"], *found["discs"]] if m["folded"]), where
    assert all(m["pointable"] for m in found["marks"] if not m["folded"]), where
    # no count covers an event's disc (an event is named in the panel, by its number on the disc)
    covered = [
        (c["host"], d["id"])
        for c in found["counts"]
        for d in found["discs"]
        if not d["folded"] and _covers(c["box"], d)
    ]
    assert covered == [], (where, "a count over an event", covered)
    # nor does an event's disc cover a named point's mark: it stands aside, with a leader from its
    # place, and its canvas does not draw it at its place
    over = [
        (d["id"], m["id"])
        for d in found["discs"]
        for m in drawn
        if not d["folded"] and _dist(d["at"], m["at"]) < d["r"] + m["r"] - 0.5
    ]
    assert over == [], (where, "an event over a mark", over)
    assert all(d["leader"] and not d["canvas"] for d in found["discs"] if d["aside"]), (where, found["discs"])
    assert all(d["canvas"] for d in found["discs"] if not d["aside"] and not d["folded"]), where
    # (a faded event, of a phase before those shown, folds rather than stands aside)
    assert not [d["id"] for d in found["discs"] if d["aside"] and d["faded"]], where


def _covers(box: list[float], disc: dict) -> bool:
    """Whether a box [left, top, right, bottom] and a disc overlap (by more than half a pixel)."""
    x = min(max(disc["at"][0], box[0]), box[2])
    y = min(max(disc["at"][1], box[1]), box[3])
    return _dist([x, y], disc["at"]) < disc["r"] - 0.5


@pytest.mark.parametrize("name", ["relief", "index", "assault-2"])
def test_marks_never_cover_marks(browser, site: Path, name: str) -> None:
    """At the opening view and two zooms either side, in each language."""
    folds_seen = 0
    for lang in ("zh", "en"):
        page, tab = open_at(browser, site / f"{name}.html", lang)
        try:
            if name == "index":  # "All phases": the synopsis of the siege
                tab.evaluate(ALL_PHASES)
            for dz in (0, 1, 1, -3, -1):
                if dz:
                    tab.evaluate(ZOOM, dz)
                found = tab.evaluate(FOLDS)
                check_folds(found, (name, lang, dz))
                folds_seen += len(found["counts"])
            assert page.errors == []
        finally:
            page.close()
    assert folds_seen, (name, "no view folded anything: the check above tested nothing")


def test_the_relief_overview_folds_and_a_count_opens_its_marks(browser, site: Path) -> None:
    """The relief page opens on the whole ring of relief armies, where the city's points lie
    within a few dozen pixels: some fold, their names are in the count's label, and pressing
    the largest count zooms in until none of its marks is folded into it any longer."""
    page, tab = open_at(browser, site / "relief.html", "en")
    try:
        found = tab.evaluate(FOLDS)
        check_folds(found, "opening")
        assert found["counts"], "the relief overview folds nothing"
        count = max(found["counts"], key=lambda c: len(c["members"]))
        assert len(count["members"]) >= 2
        assert count["label"].startswith(f"{len(count['members'])} more here")
        tab.evaluate(ARM_MOVED)
        tab.locator(f'.bm-fold[data-feature="{count["host"]}"]').click()
        tab.wait_for_function("window.__moved === true")
        after = tab.evaluate(FOLDS)
        check_folds(after, "after the count was pressed")
        assert after["zoom"] > found["zoom"]
        again = [c["members"] for c in after["counts"] if c["host"] == count["host"]]
        still = [m for members in again for m in members if m in count["members"]]
        assert still == [], ("marks still folded into the count pressed", still)
        assert page.errors == []
    finally:
        page.close()


#: Unfolds up to three folded marks of one canvas, then folds them again (BM.layers.fold): after
#: each, how many of the canvas's paths were drawn, and how its pixels differ from the canvas
#: drawn whole ([paths drawn, channels that differ, the largest difference, channels], the
#: colours weighed by their opacity).
REFOLD = (
    """() => {
  const bm = window.battleMap;
  const folded = bm.labels.visible().filter(l => l.folded && l.options.renderer && l.options.renderer.drawWhere);
  if (!folded.length) return null;
  const canvas = folded[0].options.renderer, mine = folded.filter(l => l.options.renderer === canvas).slice(0, 3);
  const read = """
    + READ_CANVAS
    + """, pixels = () => read(canvas._container);
  let drawn = 0;
  const paths = Object.values(canvas._layers);
  paths.forEach(path => {
    const own = path._updatePath;
    path._updatePath = function () { if (canvas._drawing) drawn++; return own.apply(this, arguments); };
  });
  const step = (on) => {
    drawn = 0;
    BM.layers.fold(mine.map(l => [l, on]));
    const n = drawn, ours = pixels();
    canvas.drawAll();
    const whole = pixels();
    // compared as seen: each colour weighed by its opacity (a pixel all but transparent has
    // any colour), and the opacity itself
    let differ = 0, largest = 0;
    for (let i = 0; i < ours.length; i += 4) {
      for (let k = 0; k < 4; k++) {
        const a = k === 3 ? ours[i + 3] : ours[i + k] * ours[i + 3] / 255;
        const b = k === 3 ? whole[i + 3] : whole[i + k] * whole[i + 3] / 255;
        const d = Math.round(Math.abs(a - b));
        if (d) { differ++; largest = Math.max(largest, d); }
      }
    }
    return [n, differ, largest, ours.length];
  };
  return {paths: paths.length, marks: mine.length, unfold: step(false), refold: step(true)};
}"""
)


def test_a_fold_draws_again_only_where_its_marks_lie(browser, site: Path) -> None:
    """Folding or unfolding a few marks of a large canvas (here every canvas counts as large)
    draws it again only in their boxes, fewer paths than the whole (drawn whole, a dense city's
    overlapping areas cost a toggle most of its time), and what the reader sees is the canvas
    drawn whole, but for antialiasing where an edge crosses a box's border (as after a pan:
    test_canvas). A small canvas is drawn whole, exactly: test_canvas's phases shown."""
    page = OfflinePage(browser)
    page.context.add_init_script("window.BM_OPTIONS = {boxesFrom: 0};")  # (Hengyang's canvases are small)
    tab = page.open(site / "relief.html")
    try:
        found = tab.evaluate(REFOLD)
        assert found is not None, "the relief overview folds nothing"
        assert found["marks"] >= 1
        for name in ("unfold", "refold"):
            drawn, differ, largest, channels = found[name]
            assert 0 < drawn < found["paths"], (name, found)
            assert largest <= 64 and differ < channels / 500, (name, found)
        assert page.errors == []
    finally:
        page.close()


def test_the_city_close_up_folds_nothing(browser, site: Path) -> None:
    """At zoom 15 over the old city every point stands apart: nothing is folded."""
    page, tab = open_at(browser, site / "assault-2.html", "zh")
    try:
        tab.evaluate("() => window.battleMap.map.setView([26.895, 112.603], 15, {animate: false})")
        tab.evaluate("() => window.battleMap.labels.place()")
        found = tab.evaluate(FOLDS)
        check_folds(found, "city at 15")
        assert len([m for m in found["marks"] if m["inView"]]) >= 15
        assert found["counts"] == []
    finally:
        page.close()


def test_marks_on_one_spot_fold_into_the_first_ranked_and_are_listed(browser, tmp_path: Path) -> None:
    """Fourteen positions and the mill on one spot: one mark is drawn, a key one (rank decides,
    not the order of the file), counting the others; at the closest zoom (19) no zoom
    parts them, so the count lists them all, and each entry opens its feature's popup."""
    battle, page, tab = open_battle(browser, _crowded_battle(tmp_path, apart=False), tmp_path / "out", "en")
    minor = {f.id for f in battle.features if f.id.startswith("crowd-") and f.importance == 3}
    try:
        found = tab.evaluate(FOLDS)
        check_folds(found, "opening")
        on_spot = [m for m in found["marks"] if m["id"] == "mill" or m["id"].startswith("crowd-")]
        drawn = [m["id"] for m in on_spot if not m["folded"]]
        # (the minor ones come first in the file: the rank, not the order, keeps a key one)
        assert len(drawn) == 1 and drawn[0] not in minor, drawn
        count = next(c for c in found["counts"] if c["host"] == drawn[0])
        assert len(count["members"]) == len(on_spot) - 1
        tab.evaluate(CLOSEST, drawn[0])
        tab.locator(f'.bm-fold[data-feature="{drawn[0]}"]').click()
        entries = tab.locator(".bm-fold-list button")
        assert entries.count() == len(on_spot)
        names = {f.id: f.name.en for f in battle.features}
        listed = entries.all_text_contents()
        assert sorted(listed) == sorted(names[m["id"]] for m in on_spot)
        entries.nth(3).click()
        popup = tab.locator(".leaflet-popup-content").last
        popup.wait_for()
        assert listed[3] in popup.text_content()
        assert page.errors == []
    finally:
        page.close()


def test_folding_writes_no_data_as_markup(browser, tmp_path: Path) -> None:
    """Names in a count's label are text: a name written as markup stays text."""
    folder = _crowded_battle(tmp_path, apart=False)
    path = folder / "action.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    for f in data["features"]:
        if f["id"].startswith("crowd-"):
            f["properties"]["name_en"] = '<img src=x onerror="window.__owned=1">' + f["id"]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    _, page, tab = open_battle(browser, folder, tmp_path / "out", "en")
    try:
        found = tab.evaluate(FOLDS)
        assert any("<img" in c["label"] for c in found["counts"])
        host = found["counts"][0]["host"]
        tab.evaluate(CLOSEST, host)
        tab.locator(f'.bm-fold[data-feature="{host}"]').click()
        assert tab.locator(".bm-fold-list button").count() >= 2
        assert tab.evaluate("window.__owned === undefined")
        assert tab.evaluate("document.querySelectorAll('.leaflet-popup img').length") == 0
    finally:
        page.close()


def test_events_over_marks_stand_aside_with_their_numbers(browser, battle, site: Path) -> None:
    """The third assault opens on the city at zoom 12, where events lie within a few pixels of
    the places they happened at: each event's disc that would cover a place's mark stands
    aside, with a leader from its place; its number is on it, and pointing at it opens the
    event's popup, as its disc at its place would."""
    page, tab = open_at(browser, site / "assault-3.html", "en")
    try:
        found = tab.evaluate(FOLDS)
        check_folds(found, "opening")
        aside = [d for d in found["discs"] if d["aside"]]
        assert len(aside) >= 3, found["discs"]
        numbers = tab.evaluate("""() => Array.from(document.querySelectorAll('.bm-event-no')).map(n => {
          const r = n.getBoundingClientRect(), f = window.battleMap.map.getContainer().getBoundingClientRect();
          const id = n.getAttribute('data-feature').split(' ')[0];
          return [id, (r.left + r.right) / 2 - f.left, (r.top + r.bottom) / 2 - f.top];
        })""")
        on_discs = {i for i, x, y in numbers for d in aside if d["id"] == i and _dist([x, y], d["at"]) < 1}
        assert on_discs, (numbers, aside)
        first = sorted(on_discs)[0]
        tab.locator(f'.bm-aside[data-feature="{first}"]').click()
        popup = tab.locator(".leaflet-popup-content").last
        popup.wait_for()
        assert next(f.name.en for f in battle.features if f.id == first) in popup.text_content()
        assert page.errors == []
    finally:
        page.close()
