"""Positions: points or areas held by a side, styled by their status on the page's day."""

from __future__ import annotations

from .drawable import Context, Drawable, plain
from .model import Feature


def build(feature: Feature, ctx: Context) -> Drawable:
    """Draw ``feature`` in the status it has on the last day of the page's phase.

    A position lost before the phase began is still drawn, in the 'lost' style, so the
    reader sees what has already fallen.
    """
    status = feature.status_on(ctx.day) if ctx.day else None
    return plain(feature, ctx, status or "held")
