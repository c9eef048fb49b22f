"""What the map writes on itself: names, spot heights, an arrow's dates.

Pure: a feature becomes a few keys of its page record (see :data:`LABEL_KEYS`), and a feature
on a page gets a rank that says which name yields when two would collide. *Where* a name
goes is the page's work (``labels.js``), because it depends on the reader's zoom, screen
and language; *what* it says and *how much it matters* come from the data and the phase,
and are decided here, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import shapely
from shapely.geometry import LineString, MultiLineString, Polygon
from shapely.geometry.base import BaseGeometry

from layers.data.model import Feature, Phase

#: Keys a feature record may carry for its label (beside :data:`layers.payload.KEYS`).
LABEL_KEYS = {
    "lb": "the text written on the map [zh, en]",
    "lk": "how it is placed: 'p' beside a point, 'a' inside an area, 'r' along a river (italic, "
    "repeated), 'l' along a line once, 'm' beside an arrow's middle",
    "la": "where the label is anchored [lon, lat] when not the geometry's own point",
    "lc": "the course a label follows [[lon, lat], ...] when the drawn geometry is not the line itself",
    "tp": "an arrow's tip [lon, lat] (labels keep clear of arrowheads)",
    "el": "spot height in metres, from a source",
    "hl": "1 when the feature is a hill (drawn with a hill sign)",
    "lr": "the label's rank without the page's phase (lower is placed first)",
}

#: Feature kinds named with their (short) name beside the point.
POINT_KINDS = ("position", "place", "gate", "hill")
#: Kinds whose name runs along their line.
ALONG_KINDS = {"river": "r", "railway": "l", "line": "l"}


def short_date(day: date) -> tuple[str, str]:
    """A day as military maps write it: month.day in Chinese, day.month in English."""
    return f"{day.month}.{day.day}", f"{day.day}.{day.month}"


def short_span(start: date, end: date) -> tuple[str, str]:
    """``6.28–7.2`` / ``28.6–2.7``; one day alone when start and end are the same."""
    a, b = short_date(start), short_date(end)
    if start == end:
        return a
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


def label_record(feature: Feature) -> dict[str, Any]:
    """The label keys of ``feature``'s record (see :data:`LABEL_KEYS`); empty when the map
    writes nothing for it (events are named in the panel, units carry their designation)."""
    kind = feature.kind
    label = feature.map_label
    out: dict[str, Any] = {}
    if kind in POINT_KINDS or kind == "wall":
        out["lb"] = [label.zh, label.en]
        if feature.geometry.geom_type == "Point":
            out["lk"] = "p"
        else:
            out["lk"] = "a"
            out["la"] = _round(shapely.point_on_surface(feature.geometry).coords[0])
    elif kind in ALONG_KINDS:
        text = (label.zh, label.en)
        if kind == "line" and feature.start and feature.end:
            out["lb"] = _with_dates(text, short_span(feature.start, feature.end))
        else:
            out["lb"] = list(text)
        out["lk"] = ALONG_KINDS[kind]
        drawn_as_area = kind == "river" and feature.width is not None  # a water area: see rivers.py
        if drawn_as_area or feature.geometry.geom_type not in ("LineString", "MultiLineString"):
            course = _course(feature.geometry)
            if course:
                out["lc"] = course
    elif kind == "movement" and feature.start and feature.end:
        named = (label.zh, label.en) if feature.label else None
        out["lb"] = _with_dates(named, short_span(feature.start, feature.end))
        out["lk"] = "m"
        line = feature.geometry
        out["la"] = _round(line.interpolate(0.5, normalized=True).coords[0])
        out["tp"] = _round(line.coords[-1])
    else:
        return out
    if feature.is_hill:
        out["hl"] = 1
    if feature.elevation:
        out["el"] = round(feature.elevation.value_m, 1)
    out["lr"] = base_rank(feature)
    return out
