"""Units: APP-6D / MIL-STD-2525D symbols rendered to inline SVG at build time.

``milsymbol`` (a frozen Python port of milsymbol.js, MIT) draws the frame, fill and echelon
from the 20-digit SIDC; the designation is our own escaped label, so no data text ever
reaches the SVG renderer.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

from .. import symbols
from ..data.model import Feature
from .drawable import Context, Drawable, Icon, plain

#: APP-6D land-unit echelon (SIDC digits 9-10) → smallest zoom at which the symbol is drawn.
#: Divisions and larger always show; brigades, regiments and smaller appear as the reader
#: zooms in, so a city-wide view is not buried under overlapping frames.
ECHELON_MIN_ZOOM = {"18": 14, "17": 15, "16": 15, "15": 16, "14": 16, "13": 16, "12": 16, "11": 16}


def min_zoom_for(sidc: str) -> int:
    """The smallest zoom at which a unit with ``sidc`` is drawn."""
    return ECHELON_MIN_ZOOM.get(sidc[8:10], 0)


def build(feature: Feature, ctx: Context) -> Drawable:
    """Draw a unit as its symbol with its short designation beneath."""
    base = plain(feature, ctx)
    sidc = feature.sidc
    if sidc is None:  # the loader gives every unit a symbol code
        raise ValueError(f"feature '{feature.id}' has no symbol code: it is a {feature.kind}, not a unit")
    return Drawable(
        feature_id=base.feature_id,
        geometry=base.geometry,
        style=base.style,
        record=base.record,
        halo_m=base.halo_m,
        icon=icon_for(sidc),
    )


def icon_for(sidc: str) -> Icon:
    """The symbol alone, shared by every unit of the same code; the designation is part of the
    unit's record, written beside the symbol by the page (as text, never as markup)."""
    return _icon(*symbols.symbol_svg(sidc), min_zoom_for(sidc))


@lru_cache(maxsize=1024)
def _icon(svg: str, width: float, height: float, ax: float, ay: float, min_zoom: int) -> Icon:
    """An icon, made once per symbol (its markup's escaping is most of a unit's drawing)."""
    return Icon(
        Markup('<div class="bm-symbol">{svg}</div>').format(svg=Markup(svg)),
        round(width),
        round(height),
        round(ax),
        round(ay),
        min_zoom,
    )
