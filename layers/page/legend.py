"""The legend's swatches: each style drawn small, as the map draws it."""

from __future__ import annotations

from markupsafe import Markup

from layers import symbols
from layers.data.model import Battle
from layers.data.rules import IDENTITIES
from layers.draw.style import Style


def swatch(battle: Battle, style: Style) -> Markup:
    """A small inline SVG that draws ``style`` as the map does, for the legend."""
    o = style.as_dict()
    stroke = o.get("color", "#555555")
    dash = o.get("dashArray")
    dash_attr = Markup(' stroke-dasharray="{}"').format(dash) if dash else Markup("")
    if style.shape == "symbol":
        side = battle.sides.get(style.key.split(":")[1])
        identity = IDENTITIES[side.identity if side else "unknown"]
        # A generic infantry unit of the side's identity, without echelon, drawn small.
        sidc = "10" + "0" + identity + "10" + "0" + "0" + "00" + "121100" + "00" + "00"
        svg = symbols.symbol_svg(sidc)[0]
        return Markup('<span class="bm-swatch-symbol" aria-hidden="true">{}</span>').format(Markup(svg))
    if style.shape == "hill":
        return Markup(
            '<svg width="28" height="18" viewBox="0 0 28 18" aria-hidden="true"><path d="M9 13.5 L14 4.5 L19 13.5 Z" '
            'fill="#7a5a2a" stroke="#fffdf7" stroke-width="1.2" stroke-linejoin="round"/></svg>'
        )
    if style.shape == "leader":
        return Markup(
            '<svg width="28" height="18" viewBox="0 0 28 18" aria-hidden="true"><line x1="5" y1="13" x2="20" y2="5" '
            'stroke="#2b2620" stroke-width="1"/><circle cx="5" cy="13" r="2.5" fill="#2b2620"/><rect x="19" y="1" '
            'width="8" height="7" fill="#80e0ff" stroke="#2b2620" stroke-width="0.8"/></svg>'
        )
    if style.shape == "ended":
        return Markup(
            '<svg width="28" height="18" viewBox="0 0 28 18" aria-hidden="true"><rect x="4" y="3" width="20" '
            'height="12" fill="#8a8a8a" fill-opacity="0.3" stroke="#555555" stroke-opacity="0.35"/></svg>'
        )
    if style.shape == "changed":
        return Markup(
            '<svg width="28" height="18" viewBox="0 0 28 18" aria-hidden="true"><circle cx="14" cy="9" r="6" '
            'fill="none" stroke="{}" stroke-width="4" stroke-opacity="0.55"/></svg>'
        ).format(o.get("color"))
    if style.shape in ("point", "halo"):
        return Markup(
            '<svg width="28" height="18" viewBox="0 0 28 18" aria-hidden="true"><circle cx="14" cy="9" '
            'r="{r}" fill="{fill}" fill-opacity="{fo}" stroke="{stroke}" stroke-width="{w}"{dash}/></svg>'
        ).format(
            r=min(o.get("radius", 8), 8),
            fill=o.get("fillColor", "none"),
            fo=o.get("fillOpacity", 0.2),
            stroke=stroke,
            w=o.get("weight", 1),
            dash=dash_attr,
        )
    if style.shape == "area" or (o.get("fillColor") and style.shape != "line"):
        return Markup(
            '<svg width="28" height="18" viewBox="0 0 28 18" aria-hidden="true"><rect x="3" y="3" '
            'width="22" height="12" fill="{fill}" fill-opacity="{fo}" stroke="{stroke}" '
            'stroke-width="{w}"{dash}/></svg>'
        ).format(
            fill=o.get("fillColor", "none"),
            fo=o.get("fillOpacity", 0.2),
            stroke=stroke,
            w=o.get("weight", 1),
            dash=dash_attr,
        )
    if style.key.startswith("movement:"):
        return Markup(
            '<svg width="28" height="18" viewBox="0 0 28 18" aria-hidden="true"><path '
            'd="M2 7 L18 6 L18 2 L27 9 L18 16 L18 12 L2 11 Z" fill="{stroke}" fill-opacity="0.85" '
            'stroke="{stroke}" stroke-width="1"{dash}/></svg>'
        ).format(stroke=stroke, dash=dash_attr)
    return Markup(
        '<svg width="28" height="18" viewBox="0 0 28 18" aria-hidden="true"><line x1="2" y1="9" x2="26" '
        'y2="9" stroke="{stroke}" stroke-width="{w}"{dash}/></svg>'
    ).format(stroke=stroke, w=min(o.get("weight", 2), 5), dash=dash_attr)
