"""What the map writes on itself: names, spot heights, an arrow's dates.

Pure: a feature becomes a few keys of its page record (the label keys of
:class:`layers.contract.Record`), and a feature on a page gets a rank that says which name
yields when two would collide. *Where* a name
goes is the page's work (``labels.js``), because it depends on the reader's zoom, screen
and language; *what* it says and *how much it matters* come from the data and the phase,
and are decided here, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from ..contract import Placement, Record, Sign
from ..data.model import Feature, Phase

#: Feature kinds named with their (short) name beside the point.
POINT_KINDS = ("position", "place", "gate", "hill")
#: Kinds whose name runs along their line.
ALONG_KINDS = {"river": Placement.RIVER, "railway": Placement.LINE, "line": Placement.LINE}


#: English month abbreviations, fixed (``%b`` would follow the machine's locale).
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(day: date) -> tuple[str, str]:
    """A day as a map writes it: month.day in Chinese (``6.28``), day and month's name in
    English (``28 Jun``: a reader anywhere knows which is the month)."""
    return f"{day.month}.{day.day}", f"{day.day} {MONTHS_EN[day.month - 1]}"


def short_span(start: date, end: date) -> tuple[str, str]:
    """``6.28–7.2`` / ``28 Jun–2 Jul`` (``4–5 Jun`` within a month); one day alone when start
    and end are the same."""
    a, b = short_date(start), short_date(end)
    if start == end:
        return a
    if (start.year, start.month) == (end.year, end.month):
        return f"{a[0]}–{b[0]}", f"{start.day}–{b[1]}"
    return f"{a[0]}–{b[0]}", f"{a[1]}–{b[1]}"


def _with_dates(text: tuple[str, str] | None, span: tuple[str, str]) -> list[str]:
    if text is None:
        return list(span)
    return [f"{text[0]} {span[0]}", f"{text[1]} {span[1]}"]


def base_rank(feature: Feature) -> int:
    """How early the feature's name is placed on any page: key places first, battle features
    before reference places at the same importance (lower is earlier)."""
    return 2 * feature.importance - 1 + (1 if feature.is_reference else 0)


def page_rank(feature: Feature, phase: Phase | None, changed: bool) -> int:
    """The rank on a page of ``phase``: what the phase is about (what changed in it, its own
    arrows, lines and status changes) comes a step before its importance alone would put it."""
    rank = base_rank(feature)
    if phase is not None and (changed or _acts_in(feature, phase)):
        rank -= 1
    return max(rank, 0)


def _acts_in(feature: Feature, phase: Phase) -> bool:
    if any(phase.start <= change.date <= phase.end for change in feature.status):
        return True
    return feature.kind in ("movement", "line") and feature.start is not None and phase.start <= feature.start


def _round(point: Sequence[float]) -> list[float]:
    return [round(point[0], 5), round(point[1], 5)]


def _course(geometry: BaseGeometry) -> list[list[float]] | None:
    """The longest line of a (multi)line or a polygon's outline, as rounded coordinates."""
    if isinstance(geometry, MultiLineString):
        geometry = max(geometry.geoms, key=lambda g: g.length)
    if isinstance(geometry, Polygon):
        geometry = geometry.exterior
    if isinstance(geometry, LineString) or geometry.geom_type == "LinearRing":
        return [_round(c[:2]) for c in geometry.coords]
    return None


#: Where a movement's label goes: the point halfway along its line, and its tip (rounded).
LinePoints = tuple[list[float], list[float]]


def line_points(lines: Sequence[BaseGeometry]) -> list[LinePoints]:
    """Each line's :data:`LinePoints`, made for all the lines at once (two shapely calls, not
    three Python-wrapped ones per line)."""
    array = np.empty(len(lines), dtype=object)
    array[:] = lines
    halfway = shapely.get_coordinates(shapely.line_interpolate_point(array, 0.5, normalized=True)).tolist()
    tips = shapely.get_coordinates(shapely.get_point(array, -1)).tolist()
    return [(_round(a), _round(t)) for a, t in zip(halfway, tips, strict=True)]


def sign_point(feature: Feature) -> list[float]:
    """Where a hill area's sign (and a position's dot) stands, rounded: the summit a source
    gives, else the area's representative point (inside it, and claimed as nothing more: the
    sign is drawn open there, and the page says the summit is not recorded)."""
    if feature.summit:
        return _round(feature.summit.point)
    return _round(shapely.point_on_surface(feature.geometry).coords[0])


def label_record(feature: Feature, points: LinePoints | None = None) -> dict[str, Any]:
    """The label keys of ``feature``'s record (the ``Record`` label keys of :mod:`layers.contract`); empty when the map
    writes nothing for it (events are named in the panel, units carry their designation). A
    movement's ``points`` may come made (:func:`line_points` of a run of movements)."""
    kind = feature.kind
    label = feature.map_label
    out: dict[str, Any] = {}
    if kind in POINT_KINDS or kind == "wall":
        out[Record.LABEL] = [label.zh, label.en]
        if isinstance(feature.geometry, Point):
            out[Record.PLACEMENT] = Placement.POINT
        elif feature.is_hill_area:  # named beside its sign, as a hill drawn as a point is
            out[Record.PLACEMENT] = Placement.POINT
            out[Record.SUMMIT] = sign_point(feature)
        else:
            out[Record.PLACEMENT] = Placement.AREA
            out[Record.ANCHOR] = _round(shapely.point_on_surface(feature.geometry).coords[0])
    elif kind in ALONG_KINDS:
        text = (label.zh, label.en)
        if kind == "line" and feature.start and feature.end:
            out[Record.LABEL] = _with_dates(text, short_span(feature.start, feature.end))
        else:
            out[Record.LABEL] = list(text)
        out[Record.PLACEMENT] = ALONG_KINDS[kind]
        drawn_as_area = kind == "river" and feature.width is not None  # a water area: see rivers.py
        if drawn_as_area or feature.geometry.geom_type not in ("LineString", "MultiLineString"):
            course = _course(feature.geometry)
            if course:
                out[Record.COURSE] = course
    elif kind == "movement" and feature.start and feature.end:
        named = (label.zh, label.en) if feature.label else None
        out[Record.LABEL] = _with_dates(named, short_span(feature.start, feature.end))
        out[Record.PLACEMENT] = Placement.MOVEMENT
        out[Record.ANCHOR], out[Record.TIP] = points or line_points([feature.geometry])[0]
    else:
        return out
    if feature.is_hill:
        out[Record.HILL] = Sign.MIDDLE if feature.is_hill_area and not feature.summit else Sign.SUMMIT
    if feature.elevation:
        out[Record.ELEVATION] = round(feature.elevation.value_m, 1)
    out[Record.RANK] = base_rank(feature)
    return out
