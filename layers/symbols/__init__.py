"""Unit symbols: APP-6D / MIL-STD-2525D SIDCs drawn by ``milsymbol``, kept in a user cache.

A leaf beside the stages (like :mod:`layers.errors`): the loader asks it whether a SIDC can be
drawn, so ``check`` never accepts what ``build`` cannot draw, and the drawing stage asks it
for the SVG. ``milsymbol`` (a frozen Python port of milsymbol.js, MIT) draws the frame, fill
and echelon from the 20-digit code; no text from the data ever reaches it.

- :mod:`.render`: a SIDC's symbol, drawn by milsymbol (:func:`symbol_svg`);
- :mod:`.cache`: rendered symbols kept between runs, in the user's cache;
- :mod:`.plain`: whether a cached symbol is plain milsymbol SVG, and so safe to use.

Callers use :func:`symbol_svg` through this package (``symbols.symbol_svg``).
"""

from __future__ import annotations

from .render import SYMBOL_SIZE, symbol_svg

__all__ = ["SYMBOL_SIZE", "symbol_svg"]
