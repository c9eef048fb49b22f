"""A layer's GeoJSON features: geometry, dates, status history, typed fields."""

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
from .checker import Checker, control_character, day_of, finite, sidc_drawable
from .manifest import read_claims, read_figures
from .model import (
    BATTLE_KINDS,
    CERTAINTIES,
    DEFAULT_CERTAINTY,
    DEFAULT_IMPORTANCE,
    IMPORTANCES,
    MOVEMENTS,
    REFERENCE_KINDS,
    SIDED_KINDS,
    STATUSES,
    TERRAINS,
    Bilingual,
    Feature,
    LayerSpec,
    Measure,
    OnWater,
    Side,
    StatusChange,
)
from .rules import (
    CLAIM_FIELDS,
    GEOMETRY_TYPES,
    ID_PATTERN,
    IDENTITIES,
    KIND_GEOMETRIES,
    KNOWN_PROPERTIES,
    POSITION_DEPTH,
    SIDC_PATTERN,
)
from .water import LAND_KINDS, WATER_SITES


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
    bounds: tuple[tuple[float, float], tuple[float, float]] | None,
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


def _lines(
    items: list[Any], bounds: tuple[tuple[float, float], tuple[float, float]] | None
) -> tuple[dict[int, Any], set[int]]:
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
    return [Feature(**args) for args in made]


def _status(check: Checker, props: dict[str, Any], start: date | None, end: date | None) -> tuple[StatusChange, ...]:
    changes: list[StatusChange] = []
    for here, item in check.records(props, "status"):
        check.only(item, ("date", "status", "sources", "note_zh", "note_en"), prefix=here)
        day = check.day(item, "date", prefix=here)
        status = check.choice(item, "status", STATUSES, prefix=here)
        sources = check.id_list(item, "sources", required=False, prefix=here)
        note = check.bilingual(item, "note", required=False, prefix=here)
        if day and start and end and not start <= day <= end:
            check.problem(here + "date", str(day), f"a date within the feature's {start}..{end}")
        if changes and day and day < changes[-1].date:
            check.problem(here + "date", str(day), f"status changes in date order (after {changes[-1].date})")
        if day and status:
            changes.append(StatusChange(day, status, sources, note))
    return tuple(changes)


def read_features(
    check: Checker,
    collection: Any,
    spec: LayerSpec,
    bounds: tuple[tuple[float, float], tuple[float, float]] | None,
    sides: dict[str, Side],
    span: tuple[date, date] | None,
) -> list[Feature]:
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
    lines, clean_lines = _lines(items, bounds)
    made: list[dict[str, Any]] = []
    # the usual feature proved clean at once (_clean); any other read by the checks below, which
    # report its problems: the fast path reports none, so every problem and its order are theirs
    clean = _Clean(check, spec, kinds, bounds, sides, span)
    for index, item in enumerate(items):
        if (args := clean(item, lines.get(index), index in clean_lines)) is not None:
            made.append(args)
            continue
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
        check.only(props, KNOWN_PROPERTIES)
        kind = check.choice(props, "kind", kinds)
        geom = _geometry(check, item.get("geometry"), kind, bounds, lines.get(index))
        feature = _feature(check, props, spec, kind, sides, span)
        if feature_id and not (kind and geom is not None and feature is not None):
            check.refused[feature_id] = kind  # a reference to it is not reported as well
        if feature_id and kind and geom is not None and feature is not None:
            made.append(
                {
                    "id": feature_id,
                    "layer": spec.id,
                    "kind": kind,
                    "geometry": geom,
                    "geojson": item["geometry"],
                    **feature,
                }
            )
    check.feature = ""
    return _with_points(made)


def _feature(
    check: Checker,
    props: dict[str, Any],
    spec: LayerSpec,
    kind: str | None,
    sides: dict[str, Side],
    span: tuple[date, date] | None,
) -> dict[str, Any] | None:
    """The validated properties of one feature as keyword arguments for Feature, or None."""
    before = len(check.problems)
    name = check.bilingual(props, "name")
    description = check.bilingual(props, "description")
    side = check.take(props, "side", str, "a side id from the manifest", required=kind in SIDED_KINDS)
    if side is not None and side not in sides and side not in check.refused_sides:
        check.problem("side", shorten(side), "one of the manifest's sides: " + ", ".join(sorted(sides)))
    sources = check.id_list(props, "sources")
    precision = check.take(props, "precision_m", (int, float), "a positive number of metres")
    if precision is not None and not (finite(precision) and precision > 0):
        check.problem("precision_m", shorten(precision), "a positive number of metres")
    certainty = check.choice(props, "certainty", CERTAINTIES, required=False) or DEFAULT_CERTAINTY
    location_note = check.bilingual(props, "location_note", required=False)

    start = end = None
    if spec.role == "battle":
        start = check.day(props, "start")
        end = check.day(props, "end", required=False) or (start if kind == "event" else (span[1] if span else None))
        if start and end and end < start:
            check.problem("end", str(end), f"a date on or after the start {start}")
        for key, day in (("start", start), ("end", end)):
            if span and day and not span[0] <= day <= span[1]:
                check.problem(key, str(day), f"a date within the phases, {span[0]}..{span[1]}")
    else:
        for key in ("start", "end", "status"):
            if key in props:
                check.problem(key, "a date on a reference feature", "no dates: reference layers hold for all phases")

    status = _status(check, props, start, end) if spec.role == "battle" else ()
    claims = read_claims(check, props)
    figures = read_figures(check, props)
    for claim in claims:
        if claim.field not in CLAIM_FIELDS:
            check.problem("claims", shorten(claim.field), "a claim about one of " + ", ".join(CLAIM_FIELDS))

    movement = check.choice(props, "movement", MOVEMENTS) if kind == "movement" else None
    unit = check.ident(props, "unit", required=False) if spec.role == "battle" else None
    sidc = None
    if kind == "unit":
        sidc = check.take(props, "sidc", str, "a 20-digit APP-6D / MIL-STD-2525D symbol code")
        if sidc is not None and not SIDC_PATTERN.fullmatch(sidc):
            check.problem("sidc", shorten(sidc), "a 20-digit APP-6D / MIL-STD-2525D symbol code")
        elif sidc is not None and side in sides and sidc[3] != IDENTITIES[sides[side].identity]:
            check.problem(
                "sidc",
                f"standard identity digit {sidc[3]!r}",
                f"{IDENTITIES[sides[side].identity]!r} for side '{side}' ({sides[side].identity})",
            )
        elif sidc is not None and not sidc_drawable(sidc):
            check.problem("sidc", shorten(sidc), "a symbol code milsymbol can draw (a known symbol set and entity)")
    designation = _designation(check, props, kind)
    label = check.bilingual(props, "label", required=False)
    terrain = check.choice(props, "terrain", TERRAINS, required=False)
    if terrain and kind != "position":
        check.problem("terrain", shorten(terrain), "terrain only on positions (a reference hill is of kind 'hill')")
    elevation = _measure(check, props, "elevation", max_m=9000)
    if elevation and kind not in ("position", "hill", "place"):
        check.problem("elevation_m", shorten(elevation.value_m), "a spot height only on positions, hills and places")
    width = _measure(check, props, "width", max_m=20000)
    if width and kind != "river":
        check.problem("width_m", shorten(width.value_m), "a width only on rivers")
    on_water = _on_water(check, props, kind)
    importance = check.take(props, "importance", int, "1 (key), 2 (usual) or 3 (minor)", required=False)
    if importance is not None and importance not in IMPORTANCES:
        check.problem("importance", shorten(importance), "1 (key), 2 (usual) or 3 (minor)")
    commander = check.bilingual(props, "commander", required=False)
    if len(check.problems) > before or not (name and description and sources and precision):
        return None
    return {
        "name": name,
        "description": description,
        "side": side,
        "sources": sources,
        "precision_m": float(precision),
        "certainty": certainty,
        "location_note": location_note,
        "start": start,
        "end": end,
        "status": status,
        "claims": claims,
        "figures": figures,
        "movement": movement,
        "unit": unit,
        "sidc": sidc,
        "commander": commander,
        "label": label,
        "designation": designation,
        "terrain": terrain,
        "elevation": elevation,
        "width": width,
        "importance": importance if importance in IMPORTANCES else DEFAULT_IMPORTANCE,
        "on_water": on_water,
    }


#: The kinds that may be a Point, and the bounds of a battle with none (already reported).
_POINT_KINDS = frozenset(kind for kind, types in KIND_GEOMETRIES.items() if "Point" in types)
_LINE_KINDS = frozenset(kind for kind, types in KIND_GEOMETRIES.items() if "LineString" in types)
_PLANE = ((-math.inf, -math.inf), (math.inf, math.inf))


class _Bad(Bilingual):
    """What :func:`_pair` answers for a pair the checks would report: equal only to itself."""

    __eq__ = object.__eq__
    __hash__ = object.__hash__


_BAD = _Bad("", "")


def _pair(stem: str, zh: Any, en: Any) -> Bilingual | None:
    """An optional bilingual pair ``<stem>_zh``/``_en`` as :meth:`Checker.bilingual` reads it
    when it finds nothing wrong: both texts, or neither (None); :data:`_BAD` when it would
    report a problem (an empty text, a control character: :func:`control_character`)."""
    if type(zh) is str and type(en) is str and zh.strip() and en.strip():
        if (zh.isprintable() and en.isprintable()) or not (control_character(stem, zh) or control_character(stem, en)):
            return Bilingual(zh, en)
        return _BAD
    return None if zh is None and en is None else _BAD


class _Clean:
    """The fast path of :func:`read_features`: a feature's arguments for :class:`Feature` when
    every check of :func:`_geometry` and :func:`_feature` would pass it, else None (the checks
    then read it and report what they find). It takes only the usual case at once; the
    nested tables (status, claims, figures, measures, designations) and the geometry are
    read by the same functions as the checks, with a checker of its own whose problems are
    looked at, never reported, so that it can accept nothing the checks would not."""

    def __init__(
        self,
        check: Checker,
        spec: LayerSpec,
        kinds: tuple[str, ...],
        bounds: tuple[tuple[float, float], tuple[float, float]] | None,
        sides: dict[str, Side],
        span: tuple[date, date] | None,
    ):
        self.scratch = Checker(check.file, [], check.known_sources)
        self.spec, self.kinds, self.bounds, self.sides, self.span = spec, kinds, bounds, sides, span
        self.battle = spec.role == "battle"

    def point(self, geometry: Any, kind: str) -> _Point | None:
        """The usual point (two finite floats inside the bounds) as :func:`_geometry` reads it;
        None for anything else, which _geometry reads."""
        if type(geometry) is not dict or geometry.get("type") != "Point" or kind not in _POINT_KINDS:
            return None
        coords = geometry.get("coordinates")
        if type(coords) is not list or len(coords) != 2:
            return None
        lon, lat = coords
        if type(lon) is not float or type(lat) is not float or not (isfinite(lon) and isfinite(lat)):
            return None
        (west, south), (east, north) = self.bounds or _PLANE
        return _Point(coords) if west <= lon <= east and south <= lat <= north else None

    def __call__(self, item: Any, line: Any, line_clean: bool = False) -> dict[str, Any] | None:
        """``item``'s arguments for Feature, or None; ``line`` as :func:`_geometry` takes it,
        ``line_clean`` when its coordinates pass _geometry's checks (:func:`_lines`)."""
        if type(item) is not dict or item.get("type") != "Feature":
            return None
        feature_id, props = item.get("id"), item.get("properties")
        if type(feature_id) is not str or type(props) is not dict or not ID_PATTERN.fullmatch(feature_id):
            return None
        kind = props.get("kind")
        if type(kind) is not str or kind not in self.kinds or not KNOWN_PROPERTIES.issuperset(props):
            return None
        scratch = self.scratch
        get = props.get
        name = _pair("name", get("name_zh"), get("name_en"))
        description = _pair("description", get("description_zh"), get("description_en"))
        location_note = _pair("location_note", get("location_note_zh"), get("location_note_en"))
        label = _pair("label", get("label_zh"), get("label_en"))
        commander = _pair("commander", get("commander_zh"), get("commander_en"))
        if name is None or description is None or _BAD in (name, description, location_note, label, commander):
            return None
        side = get("side")
        if side is None:
            if kind in SIDED_KINDS:
                return None
        elif type(side) is not str or side not in self.sides:
            return None
        precision = get("precision_m")
        if not (type(precision) is float or type(precision) is int) or not finite(precision) or precision <= 0:
            return None
        certainty = get("certainty")
        if certainty is None:
            certainty = DEFAULT_CERTAINTY
        elif type(certainty) is not str or certainty not in CERTAINTIES:
            return None
        start = end = None
        status: tuple[StatusChange, ...] = ()
        if self.battle:
            start = day_of(get("start"))
            found = get("end")
            end = day_of(found) if found is not None else start if kind == "event" else self.span and self.span[1]
            if start is None or end is None or end < start:
                return None
            if self.span and not (self.span[0] <= start <= self.span[1] and self.span[0] <= end <= self.span[1]):
                return None
            unit = get("unit")
            if unit is not None and (type(unit) is not str or not ID_PATTERN.fullmatch(unit)):
                return None
            if get("status") is not None:
                status = _status(scratch, props, start, end)
        elif "start" in props or "end" in props or "status" in props:
            return None
        else:
            unit = None
        movement = get("movement") if kind == "movement" else None
        if kind == "movement" and (type(movement) is not str or movement not in MOVEMENTS):
            return None
        sidc = get("sidc") if kind == "unit" else None
        if kind == "unit" and (
            type(sidc) is not str
            or not SIDC_PATTERN.fullmatch(sidc)
            or side is None
            or sidc[3] != IDENTITIES[self.sides[side].identity]
            or not sidc_drawable(sidc)
        ):
            return None
        terrain, importance = get("terrain"), get("importance")
        if terrain is not None and (type(terrain) is not str or terrain not in TERRAINS or kind != "position"):
            return None
        if importance is None:
            importance = DEFAULT_IMPORTANCE
        elif type(importance) is not int or importance not in IMPORTANCES:
            return None
        sources = scratch.accepted_ids(get("sources")) or scratch.id_list(props, "sources")
        claims = read_claims(scratch, props) if get("claims") is not None else ()
        figures = read_figures(scratch, props) if get("figures") is not None else ()
        designation = elevation = width = None
        if "designation" in props or "designation_zh" in props or "designation_en" in props:
            designation = _designation(scratch, props, kind)
        if "elevation_m" in props or "elevation_sources" in props:
            elevation = _measure(scratch, props, "elevation", max_m=9000)
            if elevation and kind not in ("position", "hill", "place"):
                return None
        if "width_m" in props or "width_sources" in props:
            width = _measure(scratch, props, "width", max_m=20000)
            if width and kind != "river":
                return None
        on_water = None
        if "on_water" in props or "on_water_sources" in props:
            on_water = _on_water(scratch, props, kind)
        geometry = item.get("geometry")
        if line_clean and kind in _LINE_KINDS:  # a LineString (_lines made it), as _geometry reads it
            geom = line
        else:
            geom = self.point(geometry, kind) or _geometry(scratch, geometry, kind, self.bounds, line)
        if scratch.problems or any(claim.field not in CLAIM_FIELDS for claim in claims):
            scratch.problems.clear()
            return None
        return {
            "id": feature_id,
            "layer": self.spec.id,
            "kind": kind,
            "geometry": geom,
            "geojson": item["geometry"],
            "name": name,
            "description": description,
            "side": side,
            "sources": sources,
            "precision_m": float(precision),
            "certainty": certainty,
            "location_note": location_note,
            "start": start,
            "end": end,
            "status": status,
            "claims": claims,
            "figures": figures,
            "movement": movement,
            "unit": unit,
            "sidc": sidc,
            "commander": commander,
            "label": label,
            "designation": designation,
            "terrain": terrain,
            "elevation": elevation,
            "width": width,
            "importance": importance,
            "on_water": on_water,
        }


def _designation(check: Checker, props: dict[str, Any], kind: str | None) -> Bilingual | None:
    """A unit's short designation: ``designation_zh``/``_en``, or one ``designation`` that
    reads the same in both languages (a number)."""
    keys = [k for k in ("designation", "designation_zh", "designation_en") if k in props]
    if keys and kind != "unit":
        check.problem(keys[0], "a designation on a " + str(kind), "designations only on units")
        return None
    if "designation" in props and ("designation_zh" in props or "designation_en" in props):
        check.problem("designation", "both 'designation' and 'designation_zh'/'_en'", "one or the other")
        return None
    if "designation" in props:
        same = check.text(props, "designation", required=False)
        return Bilingual(same, same) if same else None
    return check.bilingual(props, "designation", required=False)


def _measure(check: Checker, props: dict[str, Any], stem: str, max_m: float) -> Measure | None:
    """``<stem>_m`` with the sources that give it, ``<stem>_sources`` (both or neither)."""
    if f"{stem}_m" not in props and f"{stem}_sources" not in props:
        return None  # the usual case: neither
    value = check.take(props, f"{stem}_m", (int, float), f"a number of metres, 0..{max_m:g}", required=False)
    sources = check.id_list(props, f"{stem}_sources", required=False)
    if value is None:
        if f"{stem}_sources" in props and f"{stem}_m" not in props:
            check.problem(f"{stem}_m", "nothing", f"a number of metres beside {stem}_sources")
        return None
    if not (finite(value) and 0 <= value <= max_m):  # finite(): an integer too large for a float is not
        check.problem(f"{stem}_m", shorten(value), f"a number of metres, 0..{max_m:g}")
        return None
    if not sources:
        check.problem(f"{stem}_sources", "nothing", f"the source ids that give {stem}_m")
        return None
    return Measure(float(value), sources)


def _on_water(check: Checker, props: dict[str, Any], kind: str | None) -> OnWater | None:
    """What a land feature stands on where it lies in water, ``on_water``, with the sources
    that say so, ``on_water_sources`` (both or neither)."""
    if "on_water" not in props and "on_water_sources" not in props:
        return None  # the usual case: neither
    site = check.choice(props, "on_water", WATER_SITES, required=False)
    sources = check.id_list(props, "on_water_sources", required=False)
    if site is None:
        if "on_water" not in props:
            check.problem("on_water", "nothing", "one of " + ", ".join(WATER_SITES) + " beside on_water_sources")
        return None
    if not sources:
        if "on_water_sources" not in props or props["on_water_sources"] == []:
            check.problem("on_water_sources", "nothing", "the source ids that say the feature stands on water")
        return None
    if kind not in LAND_KINDS:
        check.problem("on_water", shorten(site), "on_water only on a " + ", ".join(LAND_KINDS))
        return None
    return OnWater(site, sources)
