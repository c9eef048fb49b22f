"""Movements: axis-of-advance arrows generated as polygons from their centre lines.

The arrow is computed with shapely in a local metric plane around the line, so it is a
real polygon: it scales with the zoom, needs no JavaScript plugin and exports to GIS. The
shaft tapers from the tail to the head and follows every bend of the centre line.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.ops import substring, unary_union

from layers.data.model import Feature
from layers.draw.drawable import Context, Drawable, plain, rounded

METRES_PER_DEGREE_LAT = 110_574.0
METRES_PER_DEGREE_LON_AT_EQUATOR = 111_320.0
SEGMENTS = 16


def arrow_polygon(centre: LineString) -> Polygon:
    """A tapered arrow along ``centre`` (lon/lat) whose head contains its end point.

    Widths follow the arrow's length (shaft 4 % of it, between 60 m and 400 m) so that a
    short river crossing and a 15 km relief drive both read as arrows. The outline is the
    centre line offset to both sides at evenly spaced stations (numpy, a few dozen points);
    a bend too sharp for that outline falls back to a union of buffered pieces.
    """
    lon0, lat0 = centre.coords[0][0], centre.coords[0][1]
    kx = METRES_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(lat0))
    origin, scale = np.array([lon0, lat0]), np.array([kx, METRES_PER_DEGREE_LAT])
    line = shapely.transform(shapely.force_2d(centre), lambda c: (c - origin) * scale)
    length = line.length
    width = min(max(length * 0.04, 60.0), 400.0)
    head_len = min(width * 3.0, length * 0.4)
    head_half = width * 1.3
    shaft_len = length - head_len

    arrow = _offset_arrow(line, shaft_len, width, head_len, head_half)
    if arrow is None:
        arrow = _buffered_arrow(line, shaft_len, width, head_len, head_half)
    return shapely.transform(arrow, lambda c: c / scale + origin)


def _head(line: LineString, shaft_len: float, head_len: float, head_half: float) -> tuple[np.ndarray, ...]:
    """Left base corner, tip and right base corner of the head."""
    base = np.array(line.interpolate(shaft_len).coords[0])
    end = np.array(line.interpolate(line.length).coords[0])
    direction = end - base
    unit = direction / (np.hypot(*direction) or 1.0)
    normal = np.array([-unit[1], unit[0]])
    tip = end + unit * head_len * 0.1
    return base + normal * head_half, tip, base - normal * head_half


def _offset_arrow(
    line: LineString, shaft_len: float, width: float, head_len: float, head_half: float
) -> Polygon | None:
    """The shaft offset to both sides at the centre line's own vertices (mitred), so a straight
    arrow has seven corners and a bent one two more per bend: light pages, exact shapes."""
    coords = shapely.get_coordinates(line)
    steps = np.hypot(*np.diff(coords, axis=0).T)
    keep = np.concatenate([[True], steps > 0])  # repeated points carry no direction
    coords, along = coords[keep], np.concatenate([[0.0], np.cumsum(steps[steps > 0])])
    if len(coords) < 2 or shaft_len <= 0:
        return None
    inner = along[(along > 0) & (along < shaft_len)]
    stations = np.concatenate([[0.0], inner, [shaft_len]])
    points = np.column_stack([np.interp(stations, along, coords[:, 0]), np.interp(stations, along, coords[:, 1])])
    # Unit direction of each centre-line segment, and of the one each station lies on.
    seg = np.diff(coords, axis=0) / np.diff(along)[:, None]
    index = np.clip(np.searchsorted(along, stations, side="right") - 1, 0, len(seg) - 1)
    before = seg[np.clip(np.searchsorted(along, stations, side="left") - 1, 0, len(seg) - 1)]
    after = seg[index]
    bisector = before + after
    norm = np.hypot(bisector[:, 0], bisector[:, 1])
    bisector = np.where(norm[:, None] > 1e-9, bisector / np.maximum(norm, 1e-12)[:, None], after)
    normal = np.column_stack([-bisector[:, 1], bisector[:, 0]])
    # A mitre keeps the shaft's width through a bend (capped, as a sharp bend would spike).
    miter = 1.0 / np.clip(np.abs(normal[:, 0] * -after[:, 1] + normal[:, 1] * after[:, 0]), 0.5, 1.0)
    half = (width / 2) * (0.45 + 0.55 * stations / shaft_len) * miter
    left, right = points + normal * half[:, None], points - normal * half[:, None]
    head_left, tip, head_right = _head(line, shaft_len, head_len, head_half)
    polygon = Polygon(np.vstack([left, head_left, tip, head_right, right[::-1]]))
    if not polygon.is_valid or not polygon.contains(shapely.Point(coords[-1])):
        return None  # a bend folds the outline over itself
    return polygon


def _buffered_arrow(line: LineString, shaft_len: float, width: float, head_len: float, head_half: float) -> Polygon:
    pieces = []
    for i in range(SEGMENTS):
        a, b = shaft_len * i / SEGMENTS, shaft_len * (i + 1) / SEGMENTS
        taper = 0.45 + 0.55 * (i + 1) / SEGMENTS
        piece = substring(line, a, b)
        if piece.length > 0:
            pieces.append(piece.buffer(width * taper / 2, cap_style="round", join_style="round"))
    head_left, tip, head_right = _head(line, shaft_len, head_len, head_half)
    arrow = unary_union([*pieces, Polygon([head_left, tip, head_right])])
    if isinstance(arrow, MultiPolygon):
        arrow = arrow.convex_hull
    if not isinstance(arrow, Polygon):  # a union of overlapping polygons is one polygon, a hull too
        raise ValueError(f"an arrow outline came out as a {arrow.geom_type}")
    return arrow


def build(feature: Feature, ctx: Context) -> Drawable:
    """Draw a movement as its arrow polygon, in its side's colour and kind's dash."""
    base = plain(feature, ctx)
    centre = feature.geometry
    if not isinstance(centre, LineString):  # the loader allows movements no other geometry
        raise ValueError(f"movement '{feature.id}' is a {centre.geom_type}, not a LineString")
    geometry = ctx.once(
        ("arrow", feature.id),
        lambda: rounded(mapping_lists(arrow_polygon(centre)), feature.precision_m / 4),
    )
    return Drawable(
        feature_id=base.feature_id,
        geometry=geometry,
        style=base.style,
        record=base.record,
    )


def mapping_lists(geometry: Polygon) -> dict[str, Any]:
    """GeoJSON mapping of ``geometry`` with lists instead of tuples."""
    rings = [geometry.exterior, *geometry.interiors]
    return {"type": "Polygon", "coordinates": [np.asarray(ring.coords)[:, :2].tolist() for ring in rings]}
