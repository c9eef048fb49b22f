"""A SIDC's symbol as SVG, drawn by ``milsymbol`` (or taken from the user cache)."""

from __future__ import annotations

from functools import lru_cache

from .cache import Symbol, cache_file, read_symbol, write_symbol

SYMBOL_SIZE = 26


@lru_cache(maxsize=512)
def symbol_svg(sidc: str) -> Symbol:
    """SVG markup, width, height and anchor (x, y) of the symbol for ``sidc``.

    milsymbol loads about half a second of tables before its first symbol, which would double
    a small build; rendered symbols are therefore kept in a user cache (:mod:`.cache`). The
    output is the same with or without it.
    """
    cache = cache_file(sidc, SYMBOL_SIZE)
    if cache is not None:
        cached = read_symbol(cache)
        if cached is not None:
            return cached
    import milsymbol  # imported here: its first symbol loads ~0.5 s of tables

    symbol = milsymbol.Symbol(sidc, size=SYMBOL_SIZE)
    if not symbol.is_valid():
        raise ValueError(f"milsymbol cannot draw SIDC {sidc}")
    size, anchor = symbol.get_size(), symbol.get_anchor()
    result = (symbol.as_svg(), size["width"], size["height"], anchor["x"], anchor["y"])
    if cache is not None:
        write_symbol(cache, result)
    return result
