"""A layer's GeoJSON features: the collection, each feature's id, kind and geometry; its
properties are read by the table of :mod:`layers.data.fields`."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from datetime import date
from math import isfinite
from typing import Any

import numpy as np
import shapely
import shapely.errors
from shapely.geometry import shape

from ..errors import shorten
from ..memory import instance_maker
from .checker import Checker, finite
from .fields import KNOWN_PROPERTIES, Layer, read_fields
from .model import BATTLE_KINDS, REFERENCE_KINDS, Bounds, Feature, LayerSpec, Side
from .rules import GEOMETRY_TYPES, KIND_GEOMETRIES, POSITION_DEPTH


def _coordinates(value: Any, depth: int) -> Iterator[Any]:
    """Every position of a GeoJSON coordinates array whose positions lie ``depth`` arrays
    deep, in order; whatever stands where a position should is yielded as it is (and then
    refused as a position). Iterative: data nested a thousand deep must not exhaust the
    interpreter's stack."""
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if level < depth and isinstance(item, list):
            stack.extend((child, level + 1) for child in reversed(item))
        else:
            yield item


def _geometry(
    check: Checker,
    geometry: Any,
    kind: str | None,
    bounds: Bounds | None,
    made: Any = None,
) -> Any:
    """The feature's geometry, checked; ``made`` is a valid line of its coordinates, made
    with the layer's others (:func:`_lines`), returned once its coordinates pass the checks."""
    if not isinstance(geometry, dict):
        check.problem("geometry", shorten(geometry), "a GeoJSON geometry object")
        return None
    gtype = geometry.get("type")
    if gtype not in GEOMETRY_TYPES:
        check.problem("geometry.type", shorten(gtype), "one of " + ", ".join(GEOMETRY_TYPES))
        return None
    if kind in KIND_GEOMETRIES and gtype not in KIND_GEOMETRIES[kind]:
        check.problem("geometry.type", shorten(gtype), f"for a {kind}: " + " or ".join(KIND_GEOMETRIES[kind]))
        return None
    coords = geometry.get("coordinates")
    if not isinstance(coords, list):
        check.problem("geometry.coordinates", shorten(coords), "an array of [longitude, latitude] positions")
        return None
    # no bounds (a manifest without valid ones, already reported): the whole plane
    (west, south), (east, north) = bounds or ((-math.inf, -math.inf), (math.inf, math.inf))
    for position in _coordinates(coords, POSITION_DEPTH[gtype]):
        ok = isinstance(position, list) and len(position) in (2, 3) and all(map(finite, position))
        if not ok:
            check.problem("geometry.coordinates", shorten(position), "[longitude, latitude] as finite numbers")
            return None
        lon, lat = position[0], position[1]
        if not (west <= lon <= east and south <= lat <= north):
            hint = " (longitude and latitude swapped?)" if west <= lat <= east and south <= lon <= north else ""
            check.problem(
                "geometry.coordinates",
                f"[{lon}, {lat}]{hint}",
                f"a position inside the map bounds [[{west}, {south}], [{east}, {north}]]",
            )
            return None
    if gtype == "Point":
        # Two or three finite numbers (checked above) always make a valid point: made later
        # with all the layer's points in one call (read_features), not one shape() each.
        return _Point(coords)
    if made is not None:
        return made
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError) as err:
        check.problem("geometry", f"a malformed {gtype} ({err})", f"a valid GeoJSON {gtype}")
        return None
    if geom.is_empty:
        check.problem("geometry", f"an empty {gtype}", "a geometry with coordinates")
        return None
    if not geom.is_valid:
        check.problem(
            "geometry",
            f"an invalid {gtype} ({shapely.is_valid_reason(geom)})",
            "a valid geometry (no self-intersection, closed rings)",
        )
        return None
    return geom


class _Point:
    """A point's checked coordinates, until the layer's points are made at once."""

    __slots__ = ("coords",)

    def __init__(self, coords: list[float]):
        self.coords = coords


def _lines(items: list[Any], bounds: Bounds | None) -> tuple[dict[int, Any], set[int]]:
    """The LineStrings of ``items`` whose coordinates are two or more [longitude, latitude]
    pairs, made in one shapely call (shape() makes them one at a time), by item index: those
    that come out valid. Anything else is left to :func:`_geometry`, which makes it and says
    what is wrong; and a line is used only once its coordinates pass _geometry's checks.

    Second, the indices of the lines whose coordinates pass them as :func:`_geometry` checks
    them, found at once: every number a float (an int is compared with the bounds exactly by
    Python and as a float by numpy: left to _geometry), finite and inside ``bounds``."""
    at: list[int] = []
    runs: list[list[Any]] = []
    for i, item in enumerate(items):
        geometry = item.get("geometry") if type(item) is dict else None
        if type(geometry) is dict and geometry.get("type") == "LineString":
            coords = geometry.get("coordinates")
            if type(coords) is list and len(coords) >= 2 and all(type(p) is list and len(p) == 2 for p in coords):
                at.append(i)
                runs.append(coords)
    if not at:
        return {}, set()
    try:
        flat = np.array(list(itertools.chain.from_iterable(runs)), dtype=float)
    except (TypeError, ValueError, OverflowError):  # something that is no number: left to _geometry
        return {}, set()
    sizes = [len(run) for run in runs]
    # arrays, one item per run (shapely's stubs also allow one LineString)
    lines: Any = shapely.linestrings(flat, indices=np.repeat(np.arange(len(runs)), sizes))
    valid: Any = shapely.is_valid(lines) & ~shapely.is_empty(lines)
    made = {i: line for i, line, ok in zip(at, lines.tolist(), valid.tolist(), strict=True) if ok}
    if not set(map(type, itertools.chain.from_iterable(itertools.chain.from_iterable(runs)))) <= {float}:
        return made, set()
    (west, south), (east, north) = bounds or _PLANE
    lon, lat = flat[:, 0], flat[:, 1]
    inside = np.isfinite(flat).all(axis=1) & (west <= lon) & (lon <= east) & (south <= lat) & (lat <= north)
    passed = np.logical_and.reduceat(inside, np.cumsum([0, *sizes[:-1]])).tolist()
    return made, {i for i, ok in zip(at, passed, strict=True) if ok and i in made}


def _with_points(made: list[dict[str, Any]]) -> list[Feature]:
    """The features of ``made`` (Feature's arguments), each :class:`_Point` made a shapely point:
    all in one call per dimension, as shapely.points makes them one by one."""
    for size in (2, 3):
        at = [(i, args["geometry"].coords) for i, args in enumerate(made) if isinstance(args["geometry"], _Point)]
        at = [(i, coords) for i, coords in at if len(coords) == size]
        if at:
            # an array of as many points as rows (shapely's stubs also allow one Point)
            points: Any = shapely.points(np.array([coords for _, coords in at], dtype=float))
            for (i, _), point in zip(at, points, strict=True):
                made[i]["geometry"] = point
    return list(map(_feature, made))


def read_features(
    check: Checker,
    collection: Any,
    spec: LayerSpec,
    bounds: Bounds | None,
    sides: dict[str, Side],
    span: tuple[date, date] | None,
) -> list[Feature]:
    """The features of a layer's GeoJSON ``collection``, each read by the same checks (its
    geometry, then the table of :mod:`~layers.data.fields`); a feature with a problem is
    reported to ``check`` and left out."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        check.problem(
            "type",
            shorten(collection.get("type") if isinstance(collection, dict) else collection),
            "a GeoJSON FeatureCollection",
        )
        return []
    items = collection.get("features")
    if not isinstance(items, list):
        check.problem("features", shorten(items), "an array of GeoJSON features")
        return []
    kinds = BATTLE_KINDS if spec.role == "battle" else REFERENCE_KINDS
    layer = Layer(spec.role == "battle", sides, span)
    lines, clean_lines = _lines(items, bounds)
    made: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        check.feature = f"feature #{index}"
        if not isinstance(item, dict) or item.get("type") != "Feature":
            check.problem("type", shorten(item.get("type") if isinstance(item, dict) else item), "a GeoJSON Feature")
            continue
        feature_id = check.ident(item, "id")
        if feature_id:
            check.feature = f"feature '{feature_id}'"
        props = item.get("properties")
        if not isinstance(props, dict):
            check.problem("properties", shorten(props), "an object of properties")
            continue
        shape = layer.shape(props)
        if not shape.known:
            check.only(props, KNOWN_PROPERTIES)
        kind = check.choice(props, "kind", kinds)
        geometry = item.get("geometry")
        geom = _usual_geometry(geometry, kind, bounds, lines.get(index), index in clean_lines)
        if geom is None:
            geom = _geometry(check, geometry, kind, bounds, lines.get(index))
        fields = read_fields(check, props, kind, layer, shape, geom)
        if feature_id and kind and geom is not None and fields is not None:
            made.append({"id": feature_id, "layer": spec.id, "geometry": geom, "geojson": geometry, **fields})
        elif feature_id:
            check.refused[feature_id] = kind  # a reference to it is not reported as well
    check.feature = ""
    return _with_points(made)


def _usual_geometry(
    geometry: Any,
    kind: str | None,
    bounds: Bounds | None,
    line: Any,
    line_clean: bool,
) -> Any:
    """The usual geometry as :func:`_geometry` reads it, at once: a LineString ``line`` made
    by :func:`_lines` whose coordinates pass (``line_clean``), or a point of two finite floats
    inside the bounds; None for anything else, which _geometry reads."""
    if line_clean and kind in _LINE_KINDS:
        return line
    if type(geometry) is not dict or geometry.get("type") != "Point" or kind not in _POINT_KINDS:
        return None
    coords = geometry.get("coordinates")
    if type(coords) is not list or len(coords) != 2:
        return None
    lon, lat = coords
    if type(lon) is not float or type(lat) is not float or not (isfinite(lon) and isfinite(lat)):
        return None
    (west, south), (east, north) = bounds or _PLANE
    return _Point(coords) if west <= lon <= east and south <= lat <= north else None


#: Feature(**fields), made as a batch job makes many (layers/memory.py)
_feature = instance_maker(Feature)
#: The kinds that may be a Point, and the bounds of a battle with none (already reported).
_POINT_KINDS = frozenset(kind for kind, types in KIND_GEOMETRIES.items() if "Point" in types)
_LINE_KINDS = frozenset(kind for kind, types in KIND_GEOMETRIES.items() if "LineString" in types)
_PLANE = ((-math.inf, -math.inf), (math.inf, math.inf))
