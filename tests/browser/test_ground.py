"""The ground as the page draws it: zoomed to the old city, the wall, its gates and the
190th Division's symbol stand off the water the page draws for the Xiang, and the east wall
runs along its bank. Measured in screen pixels from the layers Leaflet draws (their own
coordinates, projected by the map), at zoom 15 and 16, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import Point, Polygon
from shapely.ops import unary_union

from ..conftest import OfflinePage

pytestmark = pytest.mark.browser

GATES = ("gate-tieluomen", "gate-zhanyuemen", "gate-huiyanmen", "gate-daximen", "gate-xiaoximen")

#: The view centred on the old city at zoom ``z``; then, in container pixels, every ring of the
#: Xiang's water and of the wall, each gate's centre and drawn radius (radius plus half its
#: stroke), the 190th Division's point, and the map's size.
DRAWN = """([z, gates]) => {
  const bm = window.battleMap, map = bm.map, ref = bm.groups.reference;
  const px = ll => { const p = map.latLngToContainerPoint(ll); return [p.x, p.y]; };
  const rings = layer => {
    const out = [];
    const walk = a => L.LineUtil.isFlat(a) ? out.push(a.map(px)) : a.forEach(walk);
    walk(layer.getLatLngs());
    return out;
  };
  const water = ref.find("xiang-river"), wall = ref.find("old-city-wall");
  map.setView(wall.getBounds().getCenter(), z, {animate: false});
  const point = layer => px(layer.getLatLng());
  const unit = Object.values(bm.groups).filter(g => map.hasLayer(g)).map(g => g.find("cn190")).find(l => l);
  return {
    zoom: map.getZoom(),
    size: [map.getSize().x, map.getSize().y],
    shown: map.hasLayer(ref) && map.hasLayer(water) && map.hasLayer(wall),
    water: rings(water),
    wall: rings(wall),
    gates: gates.map(id => { const g = ref.find(id); return [id, point(g), g.options.radius + g.options.weight / 2]; }),
    unit: unit ? point(unit) : null,
  };
}"""


def _ring_polygons(rings: list[list[list[float]]]) -> Polygon:
    """Rings as Leaflet draws them (outer rings and holes, even-odd): their union, holes cut."""
    shapes = [Polygon(ring) for ring in rings if len(ring) >= 3]
    outer = unary_union([s for s in shapes if s.exterior.is_ccw == shapes[0].exterior.is_ccw])
    holes = unary_union([s for s in shapes if s.exterior.is_ccw != shapes[0].exterior.is_ccw])
    return outer.difference(holes)


@pytest.mark.parametrize("page_name", ["index.html", "assault-3.html"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_wall_and_its_gates_are_drawn_off_the_water(browser, site: Path, page_name: str, lang: str) -> None:
    page = OfflinePage(browser)
    try:
        tab = page.open(site / page_name)
        tab.evaluate("(lang) => window.battleMap.setLanguage(lang)", lang)
        if page_name == "index.html":  # the atlas: the phase that shows the 190th Division in the city
            tab.evaluate("window.battleMap.selectPhase('assault-3', {animate: false})")
        for zoom in (15, 16):
            drawn = tab.evaluate(DRAWN, [zoom, list(GATES)])
            assert drawn["zoom"] == zoom and drawn["shown"]
            water = _ring_polygons(drawn["water"])
            wall = _ring_polygons(drawn["wall"])
            width, height = drawn["size"]
            assert wall.within(Polygon([(0, 0), (width, 0), (width, height), (0, height)]))  # the city in view
            # The water in view is a river some hundreds of pixels wide, not a sliver.
            assert water.area > 100 * 100
            assert wall.intersection(water).area < 1.0, (zoom, wall.intersection(water).area)  # no wall in the river
            assert wall.distance(water) < 12 * 2 ** (zoom - 15)  # its east side along the bank (~25 m)
            for gate_id, (x, y), radius in drawn["gates"]:
                # A gate's point is on land at every zoom; at 16 its whole mark is (at 15 a mark
                # of 4.5 px covers 19 m, and the river gate stands about 20 m from the water).
                mark = Point(x, y).buffer(radius if zoom >= 16 else 0.5)
                assert not mark.intersects(water), (zoom, gate_id, mark.distance(water))
            assert drawn["unit"] is not None and not Point(*drawn["unit"]).within(water)
        assert page.errors == []
    finally:
        page.close()
