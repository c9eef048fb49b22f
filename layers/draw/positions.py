"""Positions: points or areas held by a side, styled by their status on the page's day."""

from __future__ import annotations

from ..contract import Default
from ..data.model import STATUSES, Feature
from .drawable import Context, Drawable, plain
from .style import Style, style_for

#: What a position may be drawn as on some page: its statuses, and a ghost once lost before.
DRAWN_STATUSES = (*STATUSES, "ghost")


def status_on_page(feature: Feature, ctx: Context) -> str:
    """The status ``feature`` is drawn in on the last day of the page's phase.

    A position lost during the phase is drawn 'lost'; one lost before the phase began is
    drawn as a ghost, faint, so the reader sees what had already fallen.
    """
    status = feature.status_on(ctx.day) if ctx.day else None
    if status == "lost" and ctx.phase is not None and feature.lost_before(ctx.phase):
        status = DRAWN_STATUSES[-1]  # fell before this phase began: drawn faint, as history
    return status or Default.STATUS


def build(feature: Feature, ctx: Context, status: str | None = None) -> Drawable:
    """Draw ``feature`` in ``status``, by default its status on the page (:func:`status_on_page`)."""
    return plain(feature, ctx, status or status_on_page(feature, ctx))


def page_style(feature: Feature, ctx: Context) -> Style:
    """The style :func:`build` draws ``feature`` in on the page of ``ctx``, without drawing it."""
    return style_for(ctx.battle, feature, status_on_page(feature, ctx))
