"""Dispatch: which builder draws which kind of feature."""

from __future__ import annotations

from collections.abc import Callable

from . import movements, positions, units
from .drawable import Context, Drawable, plain
from .model import Feature

BUILDERS: dict[str, Callable[[Feature, Context], Drawable]] = {
    "position": positions.build,
    "unit": units.build,
    "movement": movements.build,
}


def draw(feature: Feature, ctx: Context) -> Drawable:
    """The drawable of ``feature`` on the page described by ``ctx``."""
    return BUILDERS.get(feature.kind, plain)(feature, ctx)
