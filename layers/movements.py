"""Movements: axis-of-advance arrows generated as polygons from their centre lines.

The arrow is computed with shapely in a local metric plane around the line, so it is a
real polygon: it scales with the zoom, needs no JavaScript plugin and exports to GIS. The
shaft tapers from the tail to the head and follows every bend of the centre line.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon, mapping
from shapely.ops import substring, unary_union

from .drawable import Context, Drawable, plain, rounded
from .model import Feature

METRES_PER_DEGREE_LAT = 110_574.0
METRES_PER_DEGREE_LON_AT_EQUATOR = 111_320.0
SEGMENTS = 16


def arrow_polygon(centre: LineString) -> Polygon:
    """A tapered arrow along ``centre`` (lon/lat) whose head contains its end point.

    Widths follow the arrow's length (shaft 4 % of it, between 60 m and 400 m) so that a
    short river crossing and a 15 km relief drive both read as arrows.
    """
    lon0, lat0 = centre.coords[0][0], centre.coords[0][1]
    kx = METRES_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(lat0))
    ky = METRES_PER_DEGREE_LAT

    origin, scale = np.array([lon0, lat0]), np.array([kx, ky])
    line = shapely.transform(shapely.force_2d(centre), lambda c: (c - origin) * scale)
    length = line.length
    width = min(max(length * 0.04, 60.0), 400.0)
    head_len = min(width * 3.0, length * 0.4)
    head_half = width * 1.3
    shaft_len = length - head_len

    pieces = []
    for i in range(SEGMENTS):
        a, b = shaft_len * i / SEGMENTS, shaft_len * (i + 1) / SEGMENTS
        taper = 0.45 + 0.55 * (i + 1) / SEGMENTS
        piece = substring(line, a, b)
        if piece.length > 0:
            pieces.append(piece.buffer(width * taper / 2, cap_style="round", join_style="round"))

    base = line.interpolate(shaft_len)
    end = line.interpolate(length)
    dx, dy = end.x - base.x, end.y - base.y
    norm = math.hypot(dx, dy) or 1.0
    ux, uy = dx / norm, dy / norm
    tip = (end.x + ux * head_len * 0.1, end.y + uy * head_len * 0.1)
    head = Polygon(
        [
            (base.x - uy * head_half, base.y + ux * head_half),
            tip,
            (base.x + uy * head_half, base.y - ux * head_half),
        ]
    )
    arrow = unary_union([*pieces, head])
    if arrow.geom_type != "Polygon":
        arrow = arrow.convex_hull if arrow.geom_type == "MultiPolygon" else arrow
    return shapely.transform(arrow, lambda c: c / scale + origin)


def build(feature: Feature, ctx: Context) -> Drawable:
    """Draw a movement as its arrow polygon, in its side's colour and kind's dash."""
    base = plain(feature, ctx)
    geometry = ctx.once(
        ("arrow", feature.id),
        lambda: rounded(mapping_lists(arrow_polygon(feature.geometry)), feature.precision_m / 4),
    )
    return Drawable(
        feature_id=base.feature_id,
        geometry=geometry,
        style=base.style,
        record=base.record,
    )


def mapping_lists(geometry: Polygon) -> dict:
    """GeoJSON mapping of ``geometry`` with lists instead of tuples."""
    data = mapping(geometry)
    return {"type": data["type"], "coordinates": [[list(p) for p in ring] for ring in data["coordinates"]]}
