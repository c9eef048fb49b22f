"""Units: APP-6D / MIL-STD-2525D symbols rendered to inline SVG at build time.

``milsymbol`` (a frozen Python port of milsymbol.js, MIT) draws the frame, fill and echelon
from the 20-digit SIDC; the designation is our own escaped label, so no data text ever
reaches the SVG renderer.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

from .drawable import Context, Drawable, Icon, plain
from .model import Feature

SYMBOL_SIZE = 26


@lru_cache(maxsize=512)
def symbol_svg(sidc: str) -> tuple[str, float, float, float, float]:
    """SVG markup, width, height and anchor (x, y) of the symbol for ``sidc``."""
    import milsymbol  # imported here: its first symbol loads ~0.5 s of tables

    symbol = milsymbol.Symbol(sidc, size=SYMBOL_SIZE)
    if not symbol.is_valid():
        raise ValueError(f"milsymbol cannot draw SIDC {sidc}")
    size, anchor = symbol.get_size(), symbol.get_anchor()
    return symbol.as_svg(), size["width"], size["height"], anchor["x"], anchor["y"]


def build(feature: Feature, ctx: Context) -> Drawable:
    """Draw a unit as its symbol with its short designation beneath."""
    base = plain(feature, ctx)
    svg, width, height, ax, ay = symbol_svg(str(feature.extra["sidc"]))
    label = feature.extra.get("designation") or ""
    markup = Markup('<div class="bm-symbol">{svg}<span class="bm-desig">{label}</span></div>')
    icon = Icon(markup.format(svg=Markup(svg), label=label), round(width), round(height), round(ax), round(ay))
    return Drawable(
        feature_id=base.feature_id,
        geometry=base.geometry,
        style=base.style,
        tooltip=base.tooltip,
        popup=base.popup,
        halo_m=base.halo_m,
        icon=icon,
    )
