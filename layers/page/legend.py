"""The legend's entries: each style drawn small, as the map draws it, with its label, and
when the map's own key (``bm-key.js``) lists it.

The panel's legend lists everything the page can draw; the key on the map lists, from the
same entries (it copies them), only what the current view draws. Whether the view draws an
entry is said by the entry's ``data-key-*`` attributes (:func:`key_condition`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from .. import symbols
from ..contract import Attr, Flag
from ..data.model import Battle
from ..data.rules import IDENTITIES
from ..draw.style import Style, changed_style, ended_style, folded_style, halo_style, leader_style, synopsis_style

#: The feature kinds whose styles the key on the map explains: what a reader cannot decode at a
#: glance (a position's state, an arrow's kind, a line's certainty, an event's mark). Names
#: on the map say what rivers, places and units are.
KEY_KINDS = frozenset({"position", "movement", "line", "event"})


def key_condition(style: Style, style_ids: Mapping[Style, int]) -> dict[str, str]:
    """When the key on the map lists the legend entry of ``style``, as the entry's
    ``data-key-*`` attributes (names of :class:`layers.contract.Attr`); empty when only the
    panel's legend lists it.

    ``KEY_STYLES``: the view draws an item in this style (a style id of the site's table), or
    a hill's relief in it (the key explains what the hatching and the open sign say);
    ``KEY_FLAG``: the view draws an item with this :class:`layers.contract.Flag` bit (the rings
    of what changed, what was superseded in the phase); ``KEY_HALO``: the view draws a feature
    with a precision radius; ``KEY_SEVERAL``: the view shows several phases at once;
    ``KEY_FOLDED``: the view folds marks that would cover each other into a count;
    ``KEY_LEADER``: the view moves a unit's symbol or an event's disc aside, with a leader.
    """
    if style == changed_style():
        return {Attr.KEY_FLAG: str(Flag.CHANGED)}
    if style == ended_style():
        return {Attr.KEY_FLAG: str(Flag.ENDED)}
    if style == halo_style():
        return {Attr.KEY_HALO: ""}
    if style == synopsis_style():
        return {Attr.KEY_SEVERAL: ""}
    if style == folded_style():
        return {Attr.KEY_FOLDED: ""}
    if style == leader_style():
        return {Attr.KEY_LEADER: ""}
    if (style.key.split(":")[0] in KEY_KINDS or style.shape == "relief") and style in style_ids:
        return {Attr.KEY_STYLES: str(style_ids[style])}
    return {}


def legend_entries(battle: Battle, styles: list[Style], style_ids: Mapping[Style, int]) -> list[dict[str, Any]]:
    """The legend's entries, in order: each style's key, label, swatch and when the key on the
    map lists it (:func:`key_condition`)."""
    return [
        {"key": s.key, "label": s.label, "swatch": swatch(battle, s), "show": key_condition(s, style_ids)}
        for s in styles
    ]


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
    if style.shape == "relief":
        return _relief_swatch(o)
    if style.shape == "folded":
        return Markup(
            '<svg width="28" height="18" viewBox="0 0 28 18" aria-hidden="true"><circle cx="9" cy="7" r="5.5" '
            'fill="#6b5b3e" stroke="#fffdf7" stroke-width="1"/><rect x="10" y="8" width="17" height="9.5" rx="4.75" '
            'fill="#4a3a26" stroke="#fffdf7" stroke-width="0.8"/>'
            '<path d="M13 12.75h4M15 10.75v4M19.5 10.5h3.2l-3.2 4.5h3.4" '
            'fill="none" stroke="#fffdf7" stroke-width="1.1"/></svg>'
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


def _relief_swatch(options: Mapping[str, Any]) -> Markup:
    """A hill's relief drawn small: a light tint, diagonal strokes as the map hatches it (each
    clipped to the box by hand: a pattern or a clip path would need an id, and the key copies
    the legend's entries), its edge as the map draws it, and the open sign."""
    color, dash = options.get("color", "#555555"), options.get("dashArray")
    strokes = []
    for c in range(-6, 28, 5):  # the lines y = x - c + 3 across the box x 3..25, y 3..15
        x0, x1 = max(3, c), min(25, c + 12)
        if x1 > x0:
            strokes.append(f"M{x0} {15 - (x0 - c)}L{x1} {15 - (x1 - c)}")
    return Markup(
        '<svg width="28" height="18" viewBox="0 0 28 18" aria-hidden="true">'
        '<rect x="3" y="3" width="22" height="12" fill="{color}" fill-opacity="0.15" stroke="none"/>'
        '<path d="{strokes}" stroke="{color}" stroke-opacity="{fo}" stroke-width="1" fill="none"/>'
        '<rect x="3" y="3" width="22" height="12" fill="none" stroke="{color}" stroke-width="1.2"{dash}/>'
        '<path d="M14 5.5 L18 12.5 L10 12.5 Z" fill="#fffdf7" stroke="#7a5a2a" stroke-width="1.3" '
        'stroke-linejoin="round"/></svg>'
    ).format(
        color=color,
        strokes=" ".join(strokes),
        fo=options.get("fillOpacity", 0.6),
        dash=Markup(' stroke-dasharray="{}"').format(dash) if dash else Markup(""),
    )
