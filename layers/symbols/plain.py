"""Whether a symbol is plain milsymbol SVG: the check a cached symbol passes before it is used."""

from __future__ import annotations

import math
import re

#: The SVG that milsymbol writes, and all that a cached symbol may hold: these elements and
#: attributes, double-quoted values without markup or entities, and text without markup.
SVG_ELEMENTS = frozenset(
    ("svg", "g", "path", "circle", "ellipse", "rect", "line", "polyline", "polygon", "text", "tspan")
)
SVG_ATTRIBUTES = frozenset(
    (
        "xmlns", "version", "baseProfile", "width", "height", "viewBox", "transform", "d", "cx", "cy", "r",
        "rx", "ry", "x", "y", "x1", "y1", "x2", "y2", "dx", "dy", "points", "fill", "fill-opacity",
        "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-dasharray", "stroke-linecap",
        "stroke-linejoin", "stroke-miterlimit", "opacity", "font-family", "font-size", "font-weight",
        "text-anchor", "alignment-baseline", "dominant-baseline",
    )
)  # fmt: skip
_SVG_TOKEN = re.compile(
    r"<(?P<close>/)?(?P<tag>[a-zA-Z]+)(?P<attrs>(?:\s+[a-zA-Z-]+=\"[^\"<>&]*\")*)\s*(?P<empty>/)?>|(?P<text>[^<>&]+)",
    re.ASCII,
)
_SVG_ATTR = re.compile(r"([a-zA-Z-]+)=\"([^\"]*)\"", re.ASCII)


def is_plain_symbol(svg: object, *numbers: object) -> bool:
    """Whether ``svg`` is SVG as milsymbol writes it (allowed elements and attributes only,
    balanced, no script, handler, link, entity, comment or CDATA) and ``numbers`` (size and
    anchor) are finite numbers of a sensible size."""
    if not all(map(_is_size, numbers)):
        return False
    if not isinstance(svg, str) or not svg.startswith("<svg") or len(svg) > 1_000_000:
        return False
    open_tags: list[str] = []
    at = 0
    while at < len(svg):
        token = _SVG_TOKEN.match(svg, at)
        if token is None or not _fits(token, open_tags):
            return False
        at = token.end()
        if token["close"] and not open_tags and at != len(svg):
            return False  # nothing after the outermost element's end
    return not open_tags


def _is_size(number: object) -> bool:
    """Whether ``number`` is a finite number (not a bool) of a sensible size for a symbol."""
    return (
        isinstance(number, (int, float))
        and not isinstance(number, bool)
        and math.isfinite(number)
        and abs(number) < 10_000
    )


def _fits(token: re.Match[str], open_tags: list[str]) -> bool:
    """Whether ``token`` (a tag or a text) may come next in plain SVG, inside the elements
    ``open_tags`` (outermost first), which it updates: an element opened, or closed."""
    if token["text"] is not None:
        return bool(open_tags)  # text only inside an element
    tag = token["tag"]
    if tag not in SVG_ELEMENTS:
        return False
    if token["close"]:
        return not (token["attrs"] or token["empty"]) and bool(open_tags) and open_tags.pop() == tag
    for name, value in _SVG_ATTR.findall(token["attrs"]):
        if name not in SVG_ATTRIBUTES or "url(" in value.lower() or "script" in value.lower():
            return False
    if not token["empty"]:
        open_tags.append(tag)
    return True
