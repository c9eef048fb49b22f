"""Movements: axis-of-advance arrows generated as polygons from their centre lines.

The arrow is computed with shapely in a local metric plane around the line, so it is a
real polygon: it scales with the zoom, needs no JavaScript plugin and exports to GIS. The
shaft tapers from the tail to the head and follows every bend of the centre line.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.ops import substring, unary_union

from ..data.model import Feature
from ..data.water import METRES_PER_DEGREE_LAT, METRES_PER_DEGREE_LON_AT_EQUATOR
from . import labels
from .drawable import Context, Drawable, decimals_for, record_of, rounded
from .style import style_for

SEGMENTS = 16


def arrow_polygon(centre: LineString) -> Polygon:
    """A tapered arrow along ``centre`` (lon/lat) whose head contains its end point (see
    :func:`arrow_outline`)."""
    outline = arrow_outline(centre)
    if isinstance(outline, Polygon):
        return outline
    return Polygon(outline)


def arrow_outline(centre: LineString) -> Polygon | np.ndarray:
    """A tapered arrow along ``centre`` (lon/lat) whose head contains its end point.

    Widths follow the arrow's length (shaft 4 % of it, between 60 m and 400 m) so that a
    short river crossing and a 15 km relief drive both read as arrows. The outline is the
    centre line offset to both sides at its own vertices, in a local metric plane; a bend too
    sharp for that outline falls back to a union of buffered pieces. A centre line has a few
    vertices: plain float arithmetic, which costs a fraction of numpy's per-call overhead.

    The usual outline comes back as the (n, 2) array of its ring's lon/lat, which is what
    the page needs (made into a polygon only to check it); the fallback as a polygon.
    """
    candidate = _Candidate(centre)
    lonlat, end = candidate.lonlat, candidate.end
    if lonlat is not None:
        polygon = shapely.polygons(lonlat)
        # valid, and the end inside its head, in lon/lat as drawn (a bend may fold the outline)
        if shapely.is_valid(polygon) and shapely.contains_xy(polygon, *end):
            return lonlat
    return candidate.fallback()


class _Candidate:
    """An arrow's offset outline in lon/lat (None if the line allows none), not yet checked,
    and what its fallback is made from."""

    def __init__(self, centre: LineString):
        coords: list[list[float]] = shapely.get_coordinates(centre).tolist()  # (x, y) as floats
        lon0, lat0 = coords[0]
        kx, ky = METRES_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(lat0)), METRES_PER_DEGREE_LAT
        local = [((x - lon0) * kx, (y - lat0) * ky) for x, y in coords]
        length = sum(math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(local))
        width = min(max(length * 0.04, 60.0), 400.0)
        head_len = min(width * 3.0, length * 0.4)
        head_half = width * 1.3
        shaft_len = length - head_len
        ring = _offset_arrow(local, shaft_len, width, head_len, head_half)
        self.lonlat = None if ring is None else np.array(ring) / (kx, ky) + (lon0, lat0)
        self.end = coords[-1]
        self._plane = (local, (kx, ky), (lon0, lat0), (shaft_len, width, head_len, head_half))

    def fallback(self) -> Polygon:
        """The arrow as a union of buffered pieces, for a bend too sharp for the outline."""
        local, scale, origin, (shaft_len, width, head_len, head_half) = self._plane
        arrow = _buffered_arrow(LineString(local), shaft_len, width, head_len, head_half)
        return shapely.transform(arrow, lambda c: c / np.array(scale) + np.array(origin))


Point2 = tuple[float, float]


def _along(points: list[Point2]) -> tuple[list[Point2], list[float]]:
    """The points without repeats (they carry no direction) and the distance of each from the first."""
    kept, along = [points[0]], [0.0]
    for p in points[1:]:
        step = math.hypot(p[0] - kept[-1][0], p[1] - kept[-1][1])
        if step > 0:
            kept.append(p)
            along.append(along[-1] + step)
    return kept, along


def _at(points: list[Point2], along: list[float], s: float) -> Point2:
    """The point at distance ``s`` along the line (clamped to its ends)."""
    if s <= 0:
        return points[0]
    i = bisect.bisect_right(along, s)
    if i >= len(along):
        return points[-1]
    t = (s - along[i - 1]) / (along[i] - along[i - 1])
    a, b = points[i - 1], points[i]
    return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t


def _head(
    points: list[Point2], along: list[float], shaft_len: float, head_len: float, head_half: float
) -> list[Point2]:
    """Left base corner, tip and right base corner of the head."""
    base, end = _at(points, along, shaft_len), points[-1]
    dx, dy = end[0] - base[0], end[1] - base[1]
    norm = math.hypot(dx, dy) or 1.0
    ux, uy = dx / norm, dy / norm
    nx, ny = -uy * head_half, ux * head_half
    tip = (end[0] + ux * head_len * 0.1, end[1] + uy * head_len * 0.1)
    return [(base[0] + nx, base[1] + ny), tip, (base[0] - nx, base[1] - ny)]


def _offset_arrow(
    local: list[Point2], shaft_len: float, width: float, head_len: float, head_half: float
) -> list[Point2] | None:
    """The outline's ring: the shaft offset to both sides at the centre line's own vertices
    (mitred), so a straight arrow has seven corners and a bent one two more per bend: light
    pages, exact shapes."""
    points, along = _along(local)
    if len(points) < 2 or shaft_len <= 0:
        return None
    # Unit direction of each centre-line segment.
    seg = [
        ((b[0] - a[0]) / (sb - sa), (b[1] - a[1]) / (sb - sa))
        for a, b, sa, sb in zip(points, points[1:], along, along[1:], strict=False)
    ]
    stations = [0.0, *(s for s in along if 0 < s < shaft_len), shaft_len]
    left, right = [], []
    for s in stations:
        # the segments before and after the station (the same one inside a segment)
        after = seg[min(max(bisect.bisect_right(along, s) - 1, 0), len(seg) - 1)]
        before = seg[min(max(bisect.bisect_left(along, s) - 1, 0), len(seg) - 1)]
        bx, by = before[0] + after[0], before[1] + after[1]
        norm = math.hypot(bx, by)
        bx, by = (bx / norm, by / norm) if norm > 1e-9 else after
        nx, ny = -by, bx
        # A mitre keeps the shaft's width through a bend (capped, as a sharp bend would spike).
        miter = 1.0 / min(max(abs(nx * -after[1] + ny * after[0]), 0.5), 1.0)
        half = (width / 2) * (0.45 + 0.55 * s / shaft_len) * miter
        p = _at(points, along, s)
        left.append((p[0] + nx * half, p[1] + ny * half))
        right.append((p[0] - nx * half, p[1] - ny * half))
    return [*left, *_head(points, along, shaft_len, head_len, head_half), *right[::-1], left[0]]


def _buffered_arrow(line: LineString, shaft_len: float, width: float, head_len: float, head_half: float) -> Polygon:
    pieces = []
    for i in range(SEGMENTS):
        a, b = shaft_len * i / SEGMENTS, shaft_len * (i + 1) / SEGMENTS
        taper = 0.45 + 0.55 * (i + 1) / SEGMENTS
        piece = substring(line, a, b)
        if piece.length > 0:
            pieces.append(piece.buffer(width * taper / 2, cap_style="round", join_style="round"))
    points, along = _along([(float(x), float(y)) for x, y in line.coords])
    arrow = unary_union([*pieces, Polygon(_head(points, along, shaft_len, head_len, head_half))])
    if isinstance(arrow, MultiPolygon):
        arrow = arrow.convex_hull
    if not isinstance(arrow, Polygon):  # a union of overlapping polygons is one polygon, a hull too
        raise ValueError(f"an arrow outline came out as a {arrow.geom_type}")
    return arrow


def build(feature: Feature, ctx: Context) -> Drawable:
    """Draw a movement as its arrow polygon, in its side's colour and kind's dash."""
    centre = feature.geometry
    if not isinstance(centre, LineString):  # the loader allows movements no other geometry
        raise ValueError(f"movement '{feature.id}' is a {centre.geom_type}, not a LineString")

    return Drawable(
        feature_id=feature.id,
        geometry=ctx.once(("arrow", feature.id), lambda: _geometry(arrow_outline(centre), feature)),
        style=style_for(ctx.battle, feature),
        record=record_of(feature, ctx),
    )


def prepare(features: Sequence[Feature], ctx: Context) -> None:
    """Draw the arrows of the movements among ``features`` at once, into ``ctx``'s memo where
    :func:`build` finds them: the same outlines, checked (valid, end in the head) with one
    shapely call for all instead of three per arrow; and their labels' points
    (:func:`layers.draw.labels.line_points`), where their records find them."""
    lines = [f for f in features if f.kind == "movement" and ("label-points", f.id) not in ctx.memo]
    for feature, points in zip(lines, labels.line_points([f.geometry for f in lines]), strict=True):
        ctx.memo[("label-points", feature.id)] = points
    todo = [
        (f, _Candidate(f.geometry))
        for f in features
        if f.kind == "movement" and isinstance(f.geometry, LineString) and ("arrow", f.id) not in ctx.memo
    ]
    offset = [(f, c) for f, c in todo if c.lonlat is not None]
    good = np.zeros(len(offset), dtype=bool)
    if offset:
        sizes = [len(c.lonlat) for _, c in offset if c.lonlat is not None]
        rings = shapely.linearrings(
            np.concatenate([c.lonlat for _, c in offset if c.lonlat is not None]),
            indices=np.repeat(np.arange(len(offset)), sizes),
        )
        polygons = shapely.polygons(rings)
        ends = np.array([c.end for _, c in offset])
        good = shapely.is_valid(polygons) & shapely.contains_xy(polygons, ends[:, 0], ends[:, 1])
    checked = {f.id: bool(ok) for (f, _), ok in zip(offset, good, strict=True)}
    for feature, candidate in todo:
        lonlat = candidate.lonlat
        outline = lonlat if lonlat is not None and checked[feature.id] else candidate.fallback()
        ctx.memo[("arrow", feature.id)] = _geometry(outline, feature)


def _geometry(outline: Polygon | np.ndarray, feature: Feature) -> dict[str, Any]:
    """The arrow as the page draws it: rounded to a quarter of the feature's precision."""
    if isinstance(outline, Polygon):
        return rounded(mapping_lists(outline), feature.precision_m / 4)
    # the ring's coordinates as the polygon would give them back (GEOS keeps a closed ring as it is)
    return {"type": "Polygon", "coordinates": [outline.round(decimals_for(feature.precision_m / 4)).tolist()]}


def mapping_lists(geometry: Polygon) -> dict[str, Any]:
    """GeoJSON mapping of ``geometry`` with lists instead of tuples."""
    rings = [geometry.exterior, *geometry.interiors]
    return {"type": "Polygon", "coordinates": [np.asarray(ring.coords)[:, :2].tolist() for ring in rings]}
