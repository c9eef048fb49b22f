"""Positions: points or areas held by a side, styled by their status on the page's day."""

from __future__ import annotations

from datetime import timedelta

from .drawable import Context, Drawable, plain
from .model import Feature


def build(feature: Feature, ctx: Context) -> Drawable:
    """Draw ``feature`` in the status it has on the last day of the page's phase.

    A position lost during the phase is drawn 'lost'; one lost before the phase began is
    drawn as a ghost, faint, so the reader sees what had already fallen.
    """
    status = feature.status_on(ctx.day) if ctx.day else None
    if status == "lost" and ctx.phase is not None and feature.status_on(ctx.phase.start - timedelta(days=1)) == "lost":
        status = "ghost"  # fell before this phase began: drawn faint, as history
    return plain(feature, ctx, status or "held")
