"""Rivers: water drawn at the width a source gives, else as a line.

A river whose width is sourced (``width_m``) becomes a polygon: its centre line buffered by
half the width in a local metric plane, so the Xiang reads as the broad river it is at every
zoom. Without a sourced width the river stays its centre line, drawn with a fixed symbol
width that claims nothing about the real one. The water's polygon is made by
:func:`layers.data.water.water_area`, the one ``check`` keeps land features out of.
"""

from __future__ import annotations

import shapely

from ..data.model import Feature
from ..data.water import water_area
from .drawable import Context, Drawable, plain, rounded

__all__ = ["build", "water_area"]


def build(feature: Feature, ctx: Context) -> Drawable:
    """Draw a river as water at its sourced width, or as its centre line."""
    base = plain(feature, ctx)
    width = feature.width
    if width is None or feature.geometry.geom_type not in ("LineString", "MultiLineString"):
        return base
    geometry = rounded(shapely.geometry.mapping(water_area(feature.geometry, width.value_m)), 10.0)
    return Drawable(feature_id=base.feature_id, geometry=geometry, style=base.style, record=base.record)
