"""Unit symbols: APP-6D / MIL-STD-2525D SIDCs drawn by ``milsymbol``, kept in a user cache.

A leaf beside the stages (like :mod:`layers.errors`): the loader asks it whether a SIDC can be
drawn, so ``check`` never accepts what ``build`` cannot draw, and the drawing stage asks it
for the SVG. ``milsymbol`` (a frozen Python port of milsymbol.js, MIT) draws the frame, fill
and echelon from the 20-digit code; no text from the data ever reaches it.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import secrets
from functools import lru_cache
from importlib import metadata
from pathlib import Path

SYMBOL_SIZE = 26


def _cache_file(sidc: str) -> Path | None:
    """Where the rendered symbol is kept between runs (keyed by milsymbol's version)."""
    root = os.environ.get("HENGYANG_MAP_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "hengyang-map"
    )
    try:
        version = metadata.version("milsymbol")
    except metadata.PackageNotFoundError:
        return None
    return Path(root) / "symbols" / f"milsymbol-{version}-{sidc}-{SYMBOL_SIZE}.json"


@lru_cache(maxsize=512)
def symbol_svg(sidc: str) -> tuple[str, float, float, float, float]:
    """SVG markup, width, height and anchor (x, y) of the symbol for ``sidc``.

    milsymbol loads about half a second of tables before its first symbol, which would double
    a small build; rendered symbols are therefore kept in a user cache. The output is the same
    with or without it.
    """
    cache = _cache_file(sidc)
    if cache is not None and cache.is_file():
        try:
            entry = json.loads(cache.read_text(encoding="utf-8"))
            cached = (entry["svg"], entry["w"], entry["h"], entry["ax"], entry["ay"])
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            cached = None  # a damaged cache entry is simply rendered again
        # Anyone who can write the cache (a shared CI cache, another user's ~/.cache) could
        # put script into every page: an entry is used only if it is plain milsymbol SVG.
        if cached is not None and is_plain_symbol(*cached):
            return cached
    import milsymbol  # imported here: its first symbol loads ~0.5 s of tables

    symbol = milsymbol.Symbol(sidc, size=SYMBOL_SIZE)
    if not symbol.is_valid():
        raise ValueError(f"milsymbol cannot draw SIDC {sidc}")
    size, anchor = symbol.get_size(), symbol.get_anchor()
    result = (symbol.as_svg(), size["width"], size["height"], anchor["x"], anchor["y"])
    if cache is not None:
        with contextlib.suppress(OSError):
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.{secrets.token_hex(4)}.tmp")
            # a new file, never through a symlink someone else planted in a shared cache
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with open(fd, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(dict(zip(("svg", "w", "h", "ax", "ay"), result, strict=True))))
            os.replace(tmp, cache)
    return result


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
    if not all(
        isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n) and abs(n) < 10_000
        for n in numbers
    ):
        return False
    if not isinstance(svg, str) or not svg.startswith("<svg") or len(svg) > 1_000_000:
        return False
    open_tags: list[str] = []
    at = 0
    while at < len(svg):
        token = _SVG_TOKEN.match(svg, at)
        if token is None:
            return False
        at = token.end()
        if token["text"] is not None:
            if not open_tags:
                return False
            continue
        tag = token["tag"]
        if tag not in SVG_ELEMENTS:
            return False
        if token["close"]:
            if token["attrs"] or token["empty"] or not open_tags or open_tags.pop() != tag:
                return False
            if not open_tags and at != len(svg):
                return False
            continue
        for name, value in _SVG_ATTR.findall(token["attrs"]):
            if name not in SVG_ATTRIBUTES or "url(" in value.lower() or "script" in value.lower():
                return False
        if not token["empty"]:
            open_tags.append(tag)
    return not open_tags
