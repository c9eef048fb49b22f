"""Water: the area a river covers, and the rule that land features stay out of it.

A river covers water where the data says how much: a river drawn as an area covers that
area, and a river line with a sourced width (``width_m``) covers the line widened to that
width (:func:`water_area`, the same polygon the map draws). A river line without a width
covers nothing that can be checked: its width is unknown.

The rule (:func:`wet_features`): a gate, unit, position, place or hill whose point lies in
such water, a wall any part of which lies in it, or a position, place or hill drawn as an
area more than half of which lies in it, is an error naming both features, unless the
feature says what it stands on (``on_water``: a bridge, a ferry, an island, a confluence, a
crossing, a wharf, a boat) with the sources that say so (``on_water_sources``). An area may
reach over water (a sector astride a river, a town on both banks); a wall is built on land.
Touching the bank is not lying in the water: only what lies more than
:data:`SHORE_TOLERANCE_M` inside it counts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..errors import Problem
from .model import Feature

METRES_PER_DEGREE_LAT = 110_574.0
METRES_PER_DEGREE_LON_AT_EQUATOR = 111_320.0

#: Kinds that stand on land: the rule applies to them.
LAND_KINDS = ("wall", "gate", "unit", "position", "place", "hill")
_LAND_KINDS = frozenset(LAND_KINDS)
#: What a land feature may say it stands on when it lies in the water (``on_water``).
WATER_SITES = ("bridge", "ferry", "island", "confluence", "crossing", "wharf", "boat")
#: How far inside the water (metres) a feature may reach and still be on the bank.
SHORE_TOLERANCE_M = 5.0


def water_area(centre: BaseGeometry, width_m: float) -> BaseGeometry:
    """``centre`` (lon/lat lines) widened to ``width_m`` metres, flat at the ends.

    The widening is done in a local metric plane around the line's centroid, so the water
    is as wide in metres at every latitude of a battle's map.
    """
    lon0, lat0 = centre.centroid.x, centre.centroid.y
    scale = np.array([METRES_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(lat0)), METRES_PER_DEGREE_LAT])
    origin = np.array([lon0, lat0])
    plane = shapely.transform(shapely.force_2d(centre), lambda c: (c - origin) * scale)
    area = plane.buffer(width_m / 2, cap_style="flat", join_style="round", quad_segs=4)
    return shapely.transform(area, lambda c: c / scale + origin)


def _deep_water(river: Feature) -> BaseGeometry | None:
    """The part of ``river``'s water more than :data:`SHORE_TOLERANCE_M` from its bank, or
    None for a river whose water is unknown (a line without a width)."""
    geometry = river.geometry
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        lon0, lat0 = geometry.centroid.x, geometry.centroid.y
        scale = np.array([METRES_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(lat0)), METRES_PER_DEGREE_LAT])
        origin = np.array([lon0, lat0])
        plane = shapely.transform(shapely.force_2d(geometry), lambda c: (c - origin) * scale)
        core = plane.buffer(-SHORE_TOLERANCE_M, quad_segs=4)
        return None if core.is_empty else shapely.transform(core, lambda c: c / scale + origin)
    if river.width is None or geometry.geom_type not in ("LineString", "MultiLineString"):
        return None
    if river.width.value_m <= 2 * SHORE_TOLERANCE_M:
        return None  # a brook narrower than the bank's tolerance: nothing lies inside it
    return water_area(geometry, river.width.value_m - 2 * SHORE_TOLERANCE_M)


def wet_features(features: Iterable[Feature], file_of: Mapping[str, str]) -> list[Problem]:
    """A problem for each land feature that lies in a river's water and does not say it
    stands on water, ordered by river and then by feature; ``file_of`` maps a layer id to its
    file name."""
    rivers, land = [], []
    for feature in features:  # one pass: a campaign holds 100,000 features
        kind = feature.kind
        if kind in _LAND_KINDS:
            if feature.on_water is None:
                land.append(feature)
        elif kind == "river":
            rivers.append(feature)
    waters = [(river, core) for river in rivers if (core := _deep_water(river)) is not None]
    if not waters or not land:
        return []
    # A tree of the few waters, asked once for every land feature at the same time.
    tree = shapely.STRtree([core for _, core in waters])
    found, water = tree.query([feature.geometry for feature in land], predicate="intersects")
    problems = []
    for w, f in sorted(zip(water.tolist(), found.tolist(), strict=True)):
        feature, (river, core) = land[f], waters[w]
        if not _wet(feature, core):
            continue
        problems.append(
            Problem(
                file_of[feature.layer],
                f"feature '{feature.id}'",
                "geometry",
                f"{feature.kind} inside the water of river '{river.id}' ({file_of[river.layer]})",
                "a place on land (the river's bank moved, or this feature), or 'on_water' "
                "(" + ", ".join(WATER_SITES) + ") with 'on_water_sources'",
            )
        )
    return problems


def _wet(feature: Feature, core: BaseGeometry) -> bool:
    """Whether ``feature``, which meets the deep water ``core``, lies in it: a point or a wall
    always; an area when more than half of it does (the halves compared in degrees, as
    alike as in metres over a few kilometres)."""
    geometry = feature.geometry
    if feature.kind == "wall" or geometry.geom_type not in ("Polygon", "MultiPolygon"):
        return True
    return bool(geometry.intersection(core).area > 0.5 * geometry.area)
