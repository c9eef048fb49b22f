"""The base every battle is drawn on, in Chromium: Natural Earth's land and water beneath a
battle folder that has no reference layer of its own, the layer control with no unnamed
entry, pages that open on what they draw, the locator inset, and the online terrain layer
that asks for nothing until chosen."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from layers.data.load import load_battle
from layers.page.assemble import render_site
from layers.site import build

from ..conftest import OfflinePage

pytestmark = pytest.mark.browser

#: A made-up campaign across the Channel coast: sea, coast, the Seine and a border in view.
BOUNDS = [[-2.0, 48.0], [4.5, 51.5]]
SPREAD = ((-1.2, 48.4), (3.8, 50.9))  # where the generated units stand
SIDC = {"blue": "10031000211211000000", "red": "10061000211211000000"}  # infantry divisions
PHASES = [
    ("first", "1815-06-01", "1815-06-05"),
    ("second", "1815-06-06", "1815-06-12"),
    ("third", "1815-06-13", "1815-06-20"),
]


def write_campaign(root: Path, count: int = 300) -> Path:
    """A battle folder of ``count`` dated unit positions and nothing else: no reference
    layer, no locator data (the format of geo/README.md)."""
    root.mkdir(parents=True, exist_ok=True)
    phases = "\n".join(
        f'[[phases]]\nid = "{pid}"\ntitle = {{ zh = "阶段{i + 1}", en = "Phase {i + 1}" }}\n'
        f'start = {start}\nend = {end}\nsources = ["register"]\n'
        f'narrative = {{ zh = "部队移动。", en = "The units move." }}\n'
        for i, (pid, start, end) in enumerate(PHASES)
    )
    (root / "manifest.toml").write_text(
        'schema_version = 1\nid = "channel-campaign"\nbibliography = "sources.toml"\n'
        f"bounds = {json.dumps(BOUNDS)}\n"
        'title = { zh = "海峡战役", en = "The Channel campaign" }\n'
        'subtitle = { zh = "生成的测试战役", en = "A generated test campaign" }\n'
        'attribution = { zh = "测试数据", en = "Test data" }\n\n'
        '[sides.blue]\nname = { zh = "蓝军", en = "Blue" }\ncolor = "#2166ac"\nidentity = "friend"\n\n'
        '[sides.red]\nname = { zh = "红军", en = "Red" }\ncolor = "#d6604d"\nidentity = "hostile"\n\n'
        '[[layers]]\nid = "units"\nfile = "units.geojson"\nrole = "battle"\n'
        'title = { zh = "部队", en = "Units" }\n\n' + phases,
        encoding="utf-8",
    )
    (root / "sources.toml").write_text(
        '[sources.register]\ntitle = "A generated register"\ntier = "A"\n', encoding="utf-8"
    )
    rng = random.Random(1815)
    (west, south), (east, north) = SPREAD
    features = []
    for i in range(count):
        side = "blue" if i % 2 else "red"
        _, start, end = PHASES[i % len(PHASES)]
        features.append(
            {
                "type": "Feature",
                "id": f"unit-{i}",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(rng.uniform(west, east), 4), round(rng.uniform(south, north), 4)],
                },
                "properties": {
                    "kind": "unit",
                    "side": side,
                    "sidc": SIDC[side],
                    "name_zh": f"第{i}师",
                    "name_en": f"Division {i}",
                    "description_zh": "生成的部队位置。",
                    "description_en": "A generated unit position.",
                    "sources": ["register"],
                    "precision_m": 2000,
                    "start": start,
                    "end": end,
                },
            }
        )
    (root / "units.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated campaign, built with no code change."""
    folder = write_campaign(tmp_path_factory.mktemp("campaign") / "geo")
    return build(load_battle(folder), folder.parent / "output")


#: Where the map draws the sea and the land, in its canvas's pixels: the colour under a
#: point of the map (the base's own canvas), or null where nothing is drawn there.
BASE_PIXEL = """([lat, lng]) => {
  const map = window.battleMap.map, pane = map.getPane('bm-base');
  const canvas = pane && pane.querySelector('canvas');
  if (!canvas) return null;
  const at = map.latLngToContainerPoint([lat, lng]);
  const box = canvas.getBoundingClientRect(), frame = map.getContainer().getBoundingClientRect();
  const scale = canvas.width / box.width;
  const x = Math.round((at.x + frame.left - box.left) * scale), y = Math.round((at.y + frame.top - box.top) * scale);
  const d = canvas.getContext('2d').getImageData(x, y, 1, 1).data;
  return [d[0], d[1], d[2], d[3]];
}"""

#: The names of the layer control's entries, as the reader sees them.
ENTRIES = """() => Array.from(document.querySelectorAll('.leaflet-control-layers label'))
  .map((label) => label.innerText.trim())"""

#: Unit symbols whose box (as large as the page's largest symbol, centred on the unit's place)
#: is not wholly inside the map's free area: the map less the side panel on a wide screen.
CUT_OFF = """() => {
  const map = window.battleMap.map, frame = map.getContainer().getBoundingClientRect();
  const panel = document.getElementById('bm-panel').getBoundingClientRect();
  const icons = Object.values(window.BM_SITE[BM.S.ICONS]);
  const half = Math.max(...icons.map((i) => Math.max(i[BM.IC.WIDTH], i[BM.IC.HEIGHT]) / 2));
  const left = Math.max(frame.left, panel.right), out = [];
  Object.values(window.battleMap.groups).forEach((group) => {
    if (!map.hasLayer(group)) return;
    group.eachLayer((layer) => {
      if (!layer.getLatLng || !map.hasLayer(layer)) return;
      const p = map.latLngToContainerPoint(layer.getLatLng()), x = p.x + frame.left, y = p.y + frame.top;
      const inside = x - half >= left && x + half <= frame.right && y - half >= frame.top && y + half <= frame.bottom;
      if (!inside) out.push(layer.featureId);
    });
  });
  return out;
}"""


def _open(browser, path: Path, viewport: dict[str, int] | None = None) -> tuple[OfflinePage, object]:
    page = OfflinePage(browser, viewport)
    tab = page.open(path)
    tab.evaluate("window.battleMap.ready")
    return page, tab


def test_a_battle_without_reference_layers_opens_on_a_real_map(browser, campaign: Path) -> None:
    for name in ("index.html", "first.html"):
        page, tab = _open(browser, campaign / name)
        try:
            zoom = tab.evaluate("window.battleMap.map.getZoom()")
            assert zoom <= 8, zoom  # a campaign's view: the base is drawn in full
            shown = tab.evaluate("window.battleMap.basemap.shown()")
            assert set(shown) == {"sea", "lakes", "rivers", "coast", "borders"}, shown
            sea = tab.evaluate(BASE_PIXEL, [50.2, -0.8])  # the Channel
            land = tab.evaluate(BASE_PIXEL, [49.0, 2.4])  # the Paris basin
            assert sea is not None and sea[3] == 255 and sea[2] > sea[0], sea  # opaque, blue-grey
            assert land is not None and land[3] == 0, land  # the plain background shows through
            entries = tab.evaluate(ENTRIES)
            assert entries and all(entries), entries  # no unnamed entry
            assert not any("河流" in e for e in entries)  # no reference group without reference layers
            assert tab.evaluate(CUT_OFF) == [], name  # the view holds every symbol it opens on
            assert [e for e in page.errors if "willReadFrequently" not in e] == []  # (the test's own read)
        finally:
            page.close()


def test_the_base_fades_before_it_could_contradict_a_city_map(offline, site: Path) -> None:
    tab = offline.open(site / "index.html")
    tab.evaluate("window.battleMap.ready")
    assert tab.evaluate("window.battleMap.map.getZoom()") >= 11
    assert tab.evaluate("window.battleMap.basemap.shown()") == {}  # the city: its own Xiang, nothing coarser
    tab.evaluate("window.battleMap.map.setZoom(9, {animate: false})")
    shown = tab.evaluate("window.battleMap.basemap.shown()")
    assert "rivers" in shown and 0 < shown["rivers"] < 1 and shown["sea"] < 1, shown  # fading
    tab.evaluate("window.battleMap.map.setZoom(6, {animate: false})")
    full = {part: 1 for part in ("sea", "lakes", "rivers", "coast", "borders")}
    assert tab.evaluate("window.battleMap.basemap.shown()") == full
    assert offline.errors == []


def _names(tab) -> str:
    return tab.evaluate("() => document.querySelector('.bm-locator svg').textContent")


def test_the_locator_names_its_places_in_the_page_language(offline, site: Path) -> None:
    tab = offline.open(site / "assault-1.html")
    assert tab.locator(".bm-locator svg").is_visible()
    zh = _names(tab)
    assert "长沙" in zh and "桂林" in zh and "Changsha" not in zh, zh
    tab.locator(".bm-lang button", has_text="English").click()
    en = _names(tab)
    assert "Changsha" in en and "Guilin" in en and "长沙" not in en, en
    tab.locator(".bm-lang button", has_text="中/EN").click()
    both = _names(tab)
    assert all(name in both for name in ("长沙", "Changsha", "桂林", "Guilin")), both
    # names never overlap each other, in any language
    boxes = tab.evaluate(
        "() => Array.from(document.querySelectorAll('.bm-locator-names text')).map((t) => {"
        " const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
    )
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    assert offline.errors == []


def test_the_locator_can_be_hidden(offline, site: Path) -> None:
    tab = offline.open(site / "index.html")
    switch = tab.locator(".bm-locator-switch")
    assert switch.get_attribute("aria-expanded") == "true"
    switch.click()
    assert not tab.locator(".bm-locator svg").is_visible()
    assert switch.get_attribute("aria-expanded") == "false"
    switch.click()
    assert tab.locator(".bm-locator svg").is_visible()
    assert offline.errors == []


def test_a_battle_without_locator_data_still_gets_an_inset(browser, campaign: Path) -> None:
    page, tab = _open(browser, campaign / "index.html")
    try:
        assert tab.locator(".bm-locator-battle").count() == 1  # its extent, marked
        assert tab.locator(".bm-locator-host").count() >= 1  # the country it lies in
        assert tab.locator(".bm-locator-names text").count() == 0  # no names it was not given
    finally:
        page.close()


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    across = a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
    return across and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def test_the_locator_covers_no_control_on_a_phone(browser, site: Path) -> None:
    page, tab = _open(browser, site / "index.html", {"width": 390, "height": 844})
    try:
        switch = tab.locator(".bm-locator-switch")
        if switch.get_attribute("aria-expanded") == "false":
            switch.click()  # shown, at its largest
        inset = tab.locator(".bm-locator").bounding_box()
        assert inset is not None
        assert inset["x"] >= 0 and inset["x"] + inset["width"] <= 390
        others = tab.locator(".leaflet-control:not(.bm-locator), .bm-panel, .bm-drawer, .leaflet-control-attribution")
        for i in range(others.count()):
            other = others.nth(i)
            if other.is_visible():
                box = other.bounding_box()
                assert box is not None and not _overlap(inset, box), (i, box, inset)
        assert page.errors == []
    finally:
        page.close()


def test_the_terrain_layer_asks_for_nothing_until_chosen(browser, site: Path) -> None:
    page = OfflinePage(browser)
    try:
        tab = page.open(site / "index.html")
        tab.evaluate("window.battleMap.ready")
        assert not any("opentopomap" in url or "openstreetmap" in url for url in page.blocked), page.blocked
        terrain = tab.locator(".leaflet-control-layers-base label", has_text="OpenTopoMap").locator("input")
        # until a tile is asked for and refused (the route recorded it before refusing it)
        with tab.expect_event("requestfailed", lambda request: "tile.opentopomap.org" in request.url):
            terrain.check()
        tab.wait_for_function("document.querySelectorAll('.leaflet-tile').length > 0")
        asked = [url for url in page.blocked if "tile.opentopomap.org" in url]
        assert asked, page.blocked  # now it asks, and only its own servers
        credit = tab.locator(".leaflet-control-attribution").inner_text()
        assert "OpenTopoMap" in credit and "SRTM" in credit and "OpenStreetMap" in credit and "CC-BY-SA" in credit
        assert not any("openstreetmap.org" in url for url in page.blocked)
    finally:
        page.close()


def test_a_self_contained_page_has_the_base_and_no_tiles(offline, tmp_path: Path) -> None:
    battle = load_battle(write_campaign(tmp_path / "geo", count=30))
    files = render_site(battle, single_file=True)
    page = tmp_path / "index.html"
    page.write_bytes(files["index.html"])
    text = files["index.html"].decode()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text)
    assert policy and "img-src data:;" in policy.group(1) and "tile" not in policy.group(1)
    assert "window.BM_BASE" in text  # the base map inlined
    tab = offline.open(page)
    tab.evaluate("window.battleMap.ready")
    assert tab.locator(".leaflet-control-layers-base input").count() == 1  # the offline base alone
    assert "sea" in tab.evaluate("window.battleMap.basemap.shown()")
    assert offline.blocked == [] and offline.errors == []


#: The opening phase's view and what the page's largest symbol reaches: the view's height in
#: pixels at zoom 7, and half the symbol's largest side.
VIEW_SIZE = """() => {
  const data = JSON.parse(document.getElementById('bm-data').textContent), map = window.battleMap.map;
  const fit = data[BM.K.TIMELINE][BM.T.PHASES][0][BM.TP.FIT];
  const height = map.project(L.latLng(fit[0]), 7).y - map.project(L.latLng(fit[1]), 7).y;
  const icons = Object.values(window.BM_SITE[BM.S.ICONS]);
  return [height, Math.max(...icons.map((i) => Math.max(i[BM.IC.WIDTH], i[BM.IC.HEIGHT]) / 2))];
}"""


def test_the_view_holds_the_symbols_at_its_edges(browser, campaign: Path) -> None:
    """A window tall enough for the phase's extent at zoom 7 with a plain margin, not with a
    symbol's reach above and below it: the view opens a zoom out, its symbols whole (a view
    fitted to the places alone cuts the symbols at its top and bottom edges in half)."""
    page, tab = _open(browser, campaign / "first.html", {"width": 2400, "height": 800})
    height, half = tab.evaluate(VIEW_SIZE)
    page.close()
    assert half > 16
    snug = {"width": 2400, "height": int(height + 2 * 16) + 8}
    page, tab = _open(browser, campaign / "first.html", snug)
    try:
        assert tab.evaluate(CUT_OFF) == [], snug
        assert tab.evaluate("window.battleMap.map.getZoom()") == 6
    finally:
        page.close()


def test_no_base_line_jumps_across_the_map(offline, site: Path) -> None:
    """Natural Earth cuts Chukotka and Fiji at the antimeridian: a ring that jumped from 180 to
    -180 degrees would draw a line around the world. Every step of every drawn base path is
    shorter than half the world, at every level of detail."""
    tab = offline.open(site / "index.html")
    tab.evaluate("window.battleMap.ready")
    for zoom in (3, 5, 7):
        longest = tab.evaluate(
            """(zoom) => {
              const map = window.battleMap.map;
              map.setView([60, 170], zoom, {animate: false});
              let longest = 0, paths = 0;
              const walk = (list) => {
                if (!list.length) return;
                if (Array.isArray(list[0]) || !('lng' in list[0])) { list.forEach(walk); return; }
                paths += 1;
                for (let i = 1; i < list.length; i++) {
                  longest = Math.max(longest, Math.abs(list[i].lng - list[i - 1].lng));
                }
              };
              map.eachLayer((layer) => {
                const r = layer.options && layer.options.renderer;
                if (r && r.options.pane === 'bm-base' && layer.getLatLngs) walk(layer.getLatLngs());
              });
              return [longest, paths];
            }""",
            zoom,
        )
        assert longest[1] > 0 and longest[0] < 180, (zoom, longest)
    assert offline.errors == []
