"""GeoJSON (RFC 7946): every feature with native JSON values: lists of sources, the status
history, claims and figures as arrays of objects; polygons wound as RFC 7946 asks."""

import json
from collections.abc import Sequence
from typing import Any

import shapely

from ..data.model import Battle
from .attributes import properties


def wound(ring: Sequence[Any], counter_clockwise: bool) -> list[Any]:
    """``ring``'s positions, reversed if needed to run counter-clockwise (or clockwise)."""
    if bool(shapely.is_ccw(shapely.linearrings([p[:2] for p in ring]))) == counter_clockwise:
        return list(ring)
    return list(ring)[::-1]


def rfc7946(geometry: dict[str, Any]) -> dict[str, Any]:
    """``geometry`` as in the data, its polygons' exteriors counter-clockwise and holes
    clockwise (RFC 7946, section 3.1.6: the right-hand rule); other geometries unchanged."""
    kind = geometry["type"]
    if kind == "Polygon":
        rings = geometry["coordinates"]
        return {**geometry, "coordinates": [wound(ring, i == 0) for i, ring in enumerate(rings)]}
    if kind == "MultiPolygon":
        parts = geometry["coordinates"]
        return {**geometry, "coordinates": [[wound(r, i == 0) for i, r in enumerate(part)] for part in parts]}
    return geometry


def geojson(battle: Battle, provenance: str) -> bytes:
    """An RFC 7946 FeatureCollection with native values; geometry as in the data, polygons
    wound by the right-hand rule (:func:`rfc7946`)."""
    collection = {
        "type": "FeatureCollection",
        "name": battle.id,
        "description": provenance,
        "features": [
            {"type": "Feature", "id": f.id, "geometry": rfc7946(f.geojson), "properties": properties(battle, f)}
            for f in battle.features
        ],
    }
    return (json.dumps(collection, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
