"""Units: APP-6D / MIL-STD-2525D symbols rendered to inline SVG at build time.

``milsymbol`` (a frozen Python port of milsymbol.js, MIT) draws the frame, fill and echelon
from the 20-digit SIDC; the designation is our own escaped label, so no data text ever
reaches the SVG renderer.
"""

from __future__ import annotations

import contextlib
import json
import os
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from markupsafe import Markup

from .drawable import Context, Drawable, Icon, plain
from .model import Bilingual, Feature


def bilingual_spans(text: Bilingual) -> Markup:
    """Both languages, each in its own lang-tagged span (the page shows the reader's); one
    plain span when both read the same (a number)."""
    if text.zh == text.en:
        return Markup("<span>{}</span>").format(text.zh)
    return Markup('<span lang="zh-Hans">{}</span><span lang="en">{}</span>').format(text.zh, text.en)


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
            return entry["svg"], entry["w"], entry["h"], entry["ax"], entry["ay"]
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache entry is simply rendered again
    import milsymbol  # imported here: its first symbol loads ~0.5 s of tables

    symbol = milsymbol.Symbol(sidc, size=SYMBOL_SIZE)
    if not symbol.is_valid():
        raise ValueError(f"milsymbol cannot draw SIDC {sidc}")
    size, anchor = symbol.get_size(), symbol.get_anchor()
    result = (symbol.as_svg(), size["width"], size["height"], anchor["x"], anchor["y"])
    if cache is not None:
        with contextlib.suppress(OSError):
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(dict(zip(("svg", "w", "h", "ax", "ay"), result, strict=True))), encoding="utf-8")
            os.replace(tmp, cache)
    return result


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
    svg, width, height, ax, ay = symbol_svg(str(feature.extra["sidc"]))
    markup = Markup('<div class="bm-symbol">{svg}{label}</div>')
    label = Markup("")
    if feature.designation:
        label = Markup('<span class="bm-desig">{}</span>').format(bilingual_spans(feature.designation))
    sidc = str(feature.extra["sidc"])
    icon = Icon(
        markup.format(svg=Markup(svg), label=label),
        round(width),
        round(height),
        round(ax),
        round(ay),
        min_zoom_for(sidc),
    )
    return Drawable(
        feature_id=base.feature_id,
        geometry=base.geometry,
        style=base.style,
        record=base.record,
        halo_m=base.halo_m,
        icon=icon,
    )
