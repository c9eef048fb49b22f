"""What a builder hands to the page: geometry, style and the feature's data record."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar, cast

import numpy as np
from markupsafe import Markup
from shapely.geometry import Point

from .. import contract
from ..data.model import Battle, Bilingual, Feature, Phase
from . import records
from .style import HALO_THRESHOLD_M, Style, relief_style, style_for

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    """What a page shows: the battle, and the phase and day it is drawn for (None: reference)."""

    battle: Battle
    phase: Phase | None = None
    #: Shared by every page of one build: texts and shapes that do not depend on the page.
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def once(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, computed once per build for ``key``."""
        if key not in self.memo:
            self.memo[key] = make()
        # the memo holds values of many types; a key always names one of the same type
        return cast(T, self.memo[key])

    def at(self, phase: Phase | None) -> Context:
        """The same build, drawing ``phase``."""
        return Context(self.battle, phase, self.memo)

    @property
    def unit_names(self) -> dict[str, Bilingual]:
        """Names of the unit features, by id (a movement's popup names its unit)."""
        return self.once("unit-names", lambda: {f.id: f.name for f in self.battle.features if f.kind == "unit"})

    @property
    def day(self) -> date | None:
        """The day whose state the page shows: the last day of its phase."""
        return self.phase.end if self.phase else None


@dataclass(frozen=True)
class Icon:
    """An inline SVG marker: its markup, size and anchor in pixels."""

    html: Markup
    width: int
    height: int
    anchor_x: int
    anchor_y: int
    #: Smallest zoom at which the symbol is drawn (0: always); small echelons wait for a closer view.
    min_zoom: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The icon as the page reads it (keys: :class:`layers.contract.Icon`)."""
        keys = contract.Icon
        return {
            keys.HTML: str(self.html),
            keys.WIDTH: self.width,
            keys.HEIGHT: self.height,
            keys.ANCHOR_X: self.anchor_x,
            keys.ANCHOR_Y: self.anchor_y,
            keys.MIN_ZOOM: self.min_zoom,
        }


@dataclass(frozen=True, slots=True)
class Drawable:
    """One feature ready to draw: GeoJSON geometry, style and its data record
    (:func:`layers.draw.records.record`), from which the page builds tooltip and popup.

    ``halo_m`` is the radius of the precision halo in metres (0 for none); ``icon`` is an
    SVG symbol drawn instead of a circle (units); ``relief`` the style of a hill area's relief,
    drawn under everything else (the feature itself is then drawn at its sign's point).
    """

    feature_id: str
    geometry: dict[str, Any]
    style: Style
    record: dict[str, Any]
    halo_m: float = 0.0
    icon: Icon | None = None
    relief: Style | None = None


@lru_cache(maxsize=4096)  # a battle's features share a few precisions
def decimals_for(precision_m: float) -> int:
    """Decimal places that keep rounding well under a tenth of the feature's precision."""
    step = max(precision_m / 10.0, 0.1) / 111_320.0
    return max(4, min(7, math.ceil(-math.log10(step))))


def rounded(geometry: dict[str, Any], precision_m: float) -> dict[str, Any]:
    """``geometry`` with coordinates rounded to what its precision justifies (2D only)."""
    return {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"], decimals_for(precision_m))}


def _rounded(value: Any, places: int) -> Any:
    """Coordinates (any depth) rounded to ``places``, 2D. A module function, not a closure
    that calls itself: such a closure is a reference cycle, left for the collector, per feature."""
    if value and isinstance(value[0], (int, float)):
        return [round(float(value[0]), places), round(float(value[1]), places)]
    if value and value[0] and isinstance(value[0][0], (int, float)):  # a run of positions: at once
        return np.asarray(value, dtype=float)[:, :2].round(places).tolist()  # np.round, without its wrapper
    return [_rounded(v, places) for v in value]


def halo_for(feature: Feature) -> float:
    """Precision radius to draw around a point, if its location is worse than the threshold."""
    if isinstance(feature.geometry, Point) and feature.precision_m > HALO_THRESHOLD_M:
        return feature.precision_m
    return 0.0


def plain(feature: Feature, ctx: Context, status: str | None = None) -> Drawable:
    """The drawable of a feature drawn as its own geometry in its registry style.

    Serves events, lines and the reference layers as they are, and positions with the
    ``status`` they have on the page's day.
    """
    return Drawable(
        feature_id=feature.id,
        geometry=rounded(feature.geojson, feature.precision_m),
        style=style_for(ctx.battle, feature, status),
        record=record_of(feature, ctx),
        halo_m=halo_for(feature),
        relief=relief_style(feature) if feature.is_hill_area else None,
    )


def record_of(feature: Feature, ctx: Context) -> dict[str, Any]:
    """The feature's data record (:func:`layers.draw.records.record`), with its label's points
    if a run of movements made them (:func:`layers.draw.movements.prepare`)."""
    points = ctx.memo.get(("label-points", feature.id))
    return records.record(ctx.battle, feature, ctx.unit_names, points)
