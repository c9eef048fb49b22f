"""Where a page opens and what its day slider spans: extents and the timeline."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

import shapely

from ..contract import Timeline, TimelinePhase
from ..data.model import Battle, Feature, Phase
from ..draw.drawable import Context
from . import story

#: A phase's features, and those of them not lost before it began (:meth:`Feature.lost_before`).
PhaseFeatures = Callable[[Phase], tuple[Sequence[Feature], Sequence[Feature]]]


def slider_timeline(
    ctx: Context,
    phases: list[Phase],
    fit_all: list[list[float]],
    current: str,
    span: tuple[date, date],
    features: PhaseFeatures,
) -> dict[str, Any]:
    """Days and phases for the day slider and the phase stepper (keys: :class:`layers.contract.Timeline`)."""
    battle = ctx.battle
    symbols = [symbol_extent(ctx, p, features) for p in phases]
    return {
        Timeline.START: battle.start.isoformat(),
        Timeline.RANGE: [story.day_index(battle, span[0]), story.day_index(battle, span[1])],
        Timeline.CURRENT: current,
        Timeline.FIT: fit_all,
        Timeline.SYMBOLS: _union([s for s in symbols if s]),
        Timeline.PHASES: [
            {
                TimelinePhase.ID: p.id,
                TimelinePhase.DAYS: [story.day_index(battle, p.start), story.day_index(battle, p.end)],
                TimelinePhase.FIT: phase_extent(ctx, p, features) or fit_all,
                TimelinePhase.SYMBOLS: symbol,
            }
            for p, symbol in zip(phases, symbols, strict=True)
        ],
    }


def symbol_extent(ctx: Context, phase: Phase, features: PhaseFeatures) -> list[list[float]] | None:
    """The extent of the unit symbols a phase's view holds whole (its live units), or None
    where the phase's ``view`` is given (the data frames it) or it has no unit."""

    def make() -> list[list[float]] | None:
        if phase.view:
            return None
        everything, live = features(phase)
        return extent(ctx.battle, [f for f in (live or everything) if f.kind == "unit"], pad=0.0)

    return ctx.once(("symbols", phase.id), make)


def _union(boxes: list[list[list[float]]]) -> list[list[float]] | None:
    if not boxes:
        return None
    return [
        [min(b[0][0] for b in boxes), min(b[0][1] for b in boxes)],
        [max(b[1][0] for b in boxes), max(b[1][1] for b in boxes)],
    ]


def bounds_latlng(battle: Battle) -> list[list[float]]:
    (west, south), (east, north) = battle.bounds
    return [[south, west], [north, east]]


def phase_extent(ctx: Context, phase: Phase, features: PhaseFeatures) -> list[list[float]] | None:
    """The area a page opens on for ``phase`` (computed once per build): the phase's ``view``
    if the data gives one, else the extent of what happens in it.

    Positions lost before the phase began are drawn, as ghosts, but do not widen the view:
    the camera frames the phase's own action.
    """

    def make() -> list[list[float]] | None:
        if phase.view:
            (west, south), (east, north) = phase.view
            return [[south, west], [north, east]]
        everything, live = features(phase)
        return extent(ctx.battle, live or everything)

    return ctx.once(("extent", phase.id), make)


def extent(battle: Battle, features: Iterable[Feature], pad: float = 0.004) -> list[list[float]] | None:
    """[[south, west], [north, east]] of ``features`` (``pad`` degrees wider on each side),
    or None if there are none."""
    geometries = [f.geometry for f in features]
    if not geometries:
        return None
    # every box at once (one call, not one per feature); min and max of the same floats
    boxes = shapely.bounds(geometries)
    west, south = (float(v) for v in boxes[:, :2].min(axis=0))
    east, north = (float(v) for v in boxes[:, 2:].max(axis=0))
    return [[round(south - pad, 5), round(west - pad, 5)], [round(north + pad, 5), round(east + pad, 5)]]
