"""Where a page opens and what its day slider spans: extents and the timeline."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

import shapely

from layers.contract import Timeline, TimelinePhase
from layers.data.model import Battle, Feature, Phase
from layers.draw.drawable import Context
from layers.page import story

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
    return {
        Timeline.START: battle.start.isoformat(),
        Timeline.RANGE: [story.day_index(battle, span[0]), story.day_index(battle, span[1])],
        Timeline.CURRENT: current,
        Timeline.FIT: fit_all,
        Timeline.PHASES: [
            {
                TimelinePhase.ID: p.id,
                TimelinePhase.DAYS: [story.day_index(battle, p.start), story.day_index(battle, p.end)],
                TimelinePhase.FIT: phase_extent(ctx, p, features) or fit_all,
            }
            for p in phases
        ],
    }


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


def extent(battle: Battle, features: Iterable[Feature]) -> list[list[float]] | None:
    """[[south, west], [north, east]] of ``features``, or None if there are none."""
    geometries = [f.geometry for f in features]
    if not geometries:
        return None
    # every box at once (one call, not one per feature); min and max of the same floats
    boxes = shapely.bounds(geometries)
    west, south = (float(v) for v in boxes[:, :2].min(axis=0))
    east, north = (float(v) for v in boxes[:, 2:].max(axis=0))
    pad = 0.004
    return [[round(south - pad, 5), round(west - pad, 5)], [round(north + pad, 5), round(east + pad, 5)]]
