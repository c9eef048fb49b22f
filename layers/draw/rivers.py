"""Rivers: water drawn at the width a source gives, else as a line.

A river whose width is sourced (``width_m``) becomes a polygon: its centre line buffered by
half the width in a local metric plane, so the Xiang reads as the broad river it is at every
zoom. Without a sourced width the river stays its centre line, drawn with a fixed symbol
width that claims nothing about the real one.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from layers.data.model import Feature
from layers.draw.drawable import Context, Drawable, plain, rounded
from layers.draw.movements import METRES_PER_DEGREE_LAT, METRES_PER_DEGREE_LON_AT_EQUATOR


def water_area(centre: BaseGeometry, width_m: float) -> BaseGeometry:
    """``centre`` (lon/lat lines) widened to ``width_m`` metres, flat at the ends."""
    lon0, lat0 = centre.centroid.x, centre.centroid.y
    scale = np.array([METRES_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(lat0)), METRES_PER_DEGREE_LAT])
    origin = np.array([lon0, lat0])
    plane = shapely.transform(shapely.force_2d(centre), lambda c: (c - origin) * scale)
    area = plane.buffer(width_m / 2, cap_style="flat", join_style="round", quad_segs=4)
    return shapely.transform(area, lambda c: c / scale + origin)


def build(feature: Feature, ctx: Context) -> Drawable:
    """Draw a river as water at its sourced width, or as its centre line."""
    base = plain(feature, ctx)
    width = feature.width
    if width is None or feature.geometry.geom_type not in ("LineString", "MultiLineString"):
        return base
    geometry = rounded(shapely.geometry.mapping(water_area(feature.geometry, width.value_m)), 10.0)
    return Drawable(feature_id=base.feature_id, geometry=geometry, style=base.style, record=base.record)
