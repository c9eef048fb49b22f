"""Dispatch: which builder draws which kind of feature."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..data.model import Feature
from . import movements, positions, rivers, units
from .drawable import Context, Drawable, plain
from .style import Style, style_for

#: Builders of the kinds whose drawing is the same on every page (positions: see draw()).
BUILDERS: dict[str, Callable[[Feature, Context], Drawable]] = {
    "unit": units.build,
    "movement": movements.build,
    "river": rivers.build,
}


def draw(feature: Feature, ctx: Context) -> Drawable:
    """The drawable of ``feature`` on the page described by ``ctx``.

    Only a position's drawing depends on the page (its status on the page's day). Made anew
    at each call, with no memo: the site's data draws each feature once (pages only ask its
    style, :func:`style_of`), and what a run of features shares is prepared at once
    (:func:`prepare`).
    """
    if not same_on_every_page(feature):
        return positions.build(feature, ctx, positions.status_on_page(feature, ctx))
    return BUILDERS.get(feature.kind, plain)(feature, ctx)


def same_on_every_page(feature: Feature) -> bool:
    """Whether ``feature`` is drawn the same on every page: all but positions, which are drawn
    in their status on the page's day."""
    return feature.kind != "position"


def style_of(feature: Feature, ctx: Context) -> Style:
    """The style :func:`draw` draws ``feature`` in on the page of ``ctx``, without drawing it:
    every builder draws in the feature's registry style, a position in its status on the page."""
    if not same_on_every_page(feature):
        return positions.page_style(feature, ctx)
    return style_for(ctx.battle, feature)


def prepare(features: Sequence[Feature], ctx: Context) -> None:
    """Let the builders that gain from it draw a run of features at once into ``ctx``'s memo
    (the arrows: checked in one shapely call), before :func:`draw` draws each as usual."""
    movements.prepare(features, ctx)
