"""A feature's properties: one table of rules, one entry per field, that every reading of a
feature goes through, and the keys a feature may carry (read from that table).

Each :class:`Field` names the properties it reads (``keys``), the argument of
:class:`~layers.data.model.Feature` it gives (``arg``, None for a rule across fields), and
reads them with a :class:`~layers.data.checker.Checker`, which reports what is wrong with the
file, feature and field. A field may be left out (``required`` names when it may not): then
none of its keys is read and it gives ``absent``, which is what reading nothing gives. Which
fields a feature needs read is worked out once for the features of the same kind and keys
(:class:`Shape`, :class:`Plan`); the checker's methods keep their own shortcuts (the usual
case first, as their checks would find it).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shapely import Point
from shapely.geometry.base import BaseGeometry

from ..errors import shorten
from .checker import Checker, finite, sidc_drawable
from .manifest import read_claims, read_figures
from .model import (
    AREA_TYPES,
    CERTAINTIES,
    DEFAULT_CERTAINTY,
    DEFAULT_IMPORTANCE,
    IMPORTANCES,
    MOVEMENTS,
    SIDED_KINDS,
    STATUSES,
    TERRAINS,
    Bilingual,
    Measure,
    OnWater,
    Side,
    StatusChange,
    Summit,
)
from .rules import CLAIM_FIELDS, IDENTITIES, SIDC_PATTERN
from .water import LAND_KINDS, WATER_SITES


@dataclass
class Layer:
    """What the fields of a layer's features are read against: whether it is a battle layer
    (dated, drawn per phase), the manifest's sides, and the phases' span (None: unknown);
    and the :class:`Shape` of each list of keys its features have had."""

    battle: bool
    sides: dict[str, Side]
    span: tuple[date, date] | None
    shapes: dict[tuple[str, ...], Shape] = field(default_factory=dict)

    def shape(self, props: dict[str, Any]) -> Shape:
        """The :class:`Shape` of a feature with the properties ``props``."""
        keys = tuple(props)
        found = self.shapes.get(keys)
        if found is None:
            found = Shape(KNOWN_PROPERTIES.issuperset(keys), {})
            if len(self.shapes) < _SHAPES_KEPT:  # features share a few lists of keys: else made anew
                self.shapes[keys] = found
        return found


@dataclass(frozen=True)
class Shape:
    """What the features with the same keys (in the same order) share: whether each key is
    one a feature may carry, and the :class:`Plan` of each kind, as it is first needed."""

    known: bool
    plans: dict[str | None, Plan]


#: Shapes kept per layer at most (a feature of another shape has one made for it alone).
_SHAPES_KEPT = 4096


#: How a field is read: (checker, the feature's properties, the arguments read so far, the
#: layer) to the field's value, every problem reported to the checker.
Read = Callable[[Checker, dict[str, Any], dict[str, Any], Layer], Any]


@dataclass(frozen=True)
class Field:
    """One rule of the table.

    ``keys`` are the properties it reads; ``arg`` the Feature argument its value is (None: a
    rule across fields, that gives none). ``required``: read even when none of its keys is
    there (True, or the kinds it is required on); else it is then not read and gives
    ``absent``. ``kinds``: read only on features of these kinds, ``battle``: only on battle
    layers (True) or only on the others (False); elsewhere it is not read and gives ``absent``.
    ``needed``: the feature is not made without a value (one that reads as true)."""

    arg: str | None
    keys: tuple[str, ...]
    read: Read
    absent: Any = None
    required: bool | frozenset[str] = False
    kinds: frozenset[str] | None = None
    battle: bool | None = None
    needed: bool = False

    @property
    def name(self) -> str:
        """The rule's name: the argument it gives, else its function's (``no_days``)."""
        return self.arg or self.read.__name__.lstrip("_")

    def applies(self, kind: str | None, battle: bool) -> bool:
        """Whether the field is read on a feature of ``kind`` (None: not known)."""
        return (self.kinds is None or kind in self.kinds) and self.battle in (None, battle)

    def optional(self, kind: str | None) -> bool:
        """Whether a feature of ``kind`` may leave the field out (then it is not read)."""
        if isinstance(self.required, bool):
            return not self.required
        return kind not in self.required


def pair(stem: str, *, required: bool = False) -> Field:
    """``<stem>_zh`` and ``<stem>_en``: one text in both languages (both or neither, if optional)."""

    def read(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> Any:
        return check.bilingual(props, stem, required=required)

    return Field(stem, (f"{stem}_zh", f"{stem}_en"), read, required=required, needed=required)


def choice(
    key: str,
    options: tuple[str, ...],
    *,
    default: str | None = None,
    required: bool = False,
    kinds: frozenset[str] | None = None,
) -> Field:
    """One of ``options``; ``default`` when left out."""

    def read(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> Any:
        return check.choice(props, key, options, required=required) or default

    return Field(key, (key,), read, absent=default, required=required, kinds=kinds)


# -- the rules that are more than a type -------------------------------------------------------


def _side(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> str | None:
    side = check.take(props, "side", str, "a side id from the manifest", required=got["kind"] in SIDED_KINDS)
    if side is not None and side not in layer.sides and side not in check.refused_sides:
        check.problem("side", shorten(side), "one of the manifest's sides: " + ", ".join(sorted(layer.sides)))
    return side


def _sources(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> tuple[str, ...]:
    return check.id_list(props, "sources")


def _precision(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> float | None:
    precision = check.take(props, "precision_m", (int, float), "a positive number of metres")
    if precision is None:
        return None
    if not (finite(precision) and precision > 0):
        check.problem("precision_m", shorten(precision), "a positive number of metres")
        return None
    return float(precision)


def _start(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> date | None:
    return check.day(props, "start")


def _end(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> date | None:
    """The last day (left out: the start's for an event, else the phases' last); the days
    start..end in order, and within the phases."""
    start, span = got["start"], layer.span
    end = check.day(props, "end", required=False) or (start if got["kind"] == "event" else (span[1] if span else None))
    if start and end and end < start:
        check.problem("end", str(end), f"a date on or after the start {start}")
    for key, day in (("start", start), ("end", end)):
        if span and day and not span[0] <= day <= span[1]:
            check.problem(key, str(day), f"a date within the phases, {span[0]}..{span[1]}")
    return end


def _no_days(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> None:
    """A reference feature holds for every phase: no dates, no status."""
    for key in ("start", "end", "status"):
        if key in props:
            check.problem(key, "a date on a reference feature", "no dates: reference layers hold for all phases")


def _status(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> tuple[StatusChange, ...]:
    """The status changes, in date order, within the feature's days."""
    start, end = got["start"], got["end"]
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


def _claims(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> Any:
    return read_claims(check, props)


def _figures(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> Any:
    return read_figures(check, props)


def _claimed_fields(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> None:
    """Each claim is about a field a feature has."""
    for claim in got["claims"]:
        if claim.field not in CLAIM_FIELDS:
            check.problem("claims", shorten(claim.field), "a claim about one of " + ", ".join(CLAIM_FIELDS))


def _unit(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> str | None:
    return check.ident(props, "unit", required=False)


def _sidc(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> str | None:
    """A unit's symbol code: 20 digits, the side's standard identity, a symbol milsymbol draws."""
    sidc = check.take(props, "sidc", str, "a 20-digit APP-6D / MIL-STD-2525D symbol code")
    side = got["side"]
    if sidc is None:
        return None
    if not SIDC_PATTERN.fullmatch(sidc):
        check.problem("sidc", shorten(sidc), "a 20-digit APP-6D / MIL-STD-2525D symbol code")
    elif side in layer.sides and sidc[3] != (identity := IDENTITIES[layer.sides[side].identity]):
        check.problem(
            "sidc",
            f"standard identity digit {sidc[3]!r}",
            f"{identity!r} for side '{side}' ({layer.sides[side].identity})",
        )
    elif not sidc_drawable(sidc):
        check.problem("sidc", shorten(sidc), "a symbol code milsymbol can draw (a known symbol set and entity)")
    return sidc


def _designation(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> Bilingual | None:
    """A unit's short designation: ``designation_zh``/``_en``, or one ``designation`` that
    reads the same in both languages (a number)."""
    kind = got["kind"]
    if kind != "unit":
        for key in ("designation", "designation_zh", "designation_en"):
            if key in props:
                check.problem(key, "a designation on a " + str(kind), "designations only on units")
                return None
    if "designation" in props and ("designation_zh" in props or "designation_en" in props):
        check.problem("designation", "both 'designation' and 'designation_zh'/'_en'", "one or the other")
        return None
    if "designation" in props:
        same = check.text(props, "designation", required=False)
        return Bilingual(same, same) if same else None
    return check.bilingual(props, "designation", required=False)


#: What a refused terrain reads as, to the rules after it (the feature is not made).
_REFUSED = "?"


def _terrain(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> str | None:
    terrain = check.choice(props, "terrain", TERRAINS, required=False)
    if terrain is None and props.get("terrain") is not None:
        return _REFUSED  # (reported: the rules after it do not report what follows from it)
    if terrain and got["kind"] != "position":
        check.problem("terrain", shorten(terrain), "terrain only on positions (a reference hill is of kind 'hill')")
    return terrain


#: Kinds that may be a hill drawn as an area: a reference hill, a position on a hill.
HILL_AREA_KINDS = frozenset({"hill", "position"})


def _hill_area(got: dict[str, Any]) -> bool | None:
    """Whether the feature read so far is a hill (a reference hill, or a position on a hill)
    drawn as an area; None when that cannot be told, its geometry or terrain having a problem
    of its own (reported already: nothing is reported again as following from it)."""
    kind, geometry, terrain = got["kind"], got.get("geometry"), got["terrain"]
    if geometry is None or (kind == "position" and terrain == _REFUSED):
        return None
    hill = kind == "hill" or (kind == "position" and terrain == "hill")
    return hill and isinstance(geometry, BaseGeometry) and geometry.geom_type in AREA_TYPES


def _extent(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> tuple[str, ...]:
    """The sources that describe a hill's extent, ``extent_sources``: an area says more than a
    point (a size, a foot, what the hill spans), so a hill drawn as one must name them; and
    only a hill drawn as an area has them."""
    area = _hill_area(got)
    if "extent_sources" not in props:
        if area:
            check.problem(
                "extent_sources",
                "nothing",
                "the source ids that describe the hill's extent (its size, its foot, what it spans), "
                "or the hill drawn as a point",
            )
        return ()
    sources = check.id_list(props, "extent_sources")
    if sources and area is False:
        what = "a hill drawn as a point" if got["kind"] == "hill" or got["terrain"] == "hill" else f"a {got['kind']}"
        check.problem("extent_sources", f"extent sources on {what}", "extent sources only on a hill drawn as an area")
        return ()
    return sources


def _summit(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> Summit | None:
    """A hill area's summit where a source gives it: ``summit``, ``[longitude, latitude]``
    inside the area, with the sources that place it, ``summit_sources`` (both or neither)."""
    if "summit" not in props and "summit_sources" not in props:
        return None
    point = props.get("summit")
    sources = check.id_list(props, "summit_sources", required=False)
    if point is None:
        check.problem("summit", "nothing", "[longitude, latitude] of the summit beside summit_sources")
        return None
    if not (type(point) is list and len(point) == 2 and all(type(v) in (int, float) and finite(v) for v in point)):
        check.problem("summit", shorten(point), "[longitude, latitude] as finite numbers")
        return None
    if not sources:
        if "summit_sources" not in props or props["summit_sources"] == []:
            check.problem("summit_sources", "nothing", "the source ids that place the summit")
        return None
    area = _hill_area(got)
    if area is None:
        return None
    if not area:
        check.problem(
            "summit", shorten(point), "a summit only on a hill drawn as an area (a hill's point is its place)"
        )
        return None
    if not got["geometry"].covers(Point(point)):
        check.problem("summit", shorten(point), "a point inside the hill's area")
        return None
    return Summit((float(point[0]), float(point[1])), sources)


def measure(stem: str, max_m: float, kinds: tuple[str, ...], where: str) -> Field:
    """``<stem>_m`` with the sources that give it, ``<stem>_sources`` (both or neither), on
    features of ``kinds`` only (``where`` says so)."""

    def read(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> Measure | None:
        if f"{stem}_m" not in props and f"{stem}_sources" not in props:
            return None
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
        if got["kind"] not in kinds:
            check.problem(f"{stem}_m", shorten(float(value)), where)
        return Measure(float(value), sources)

    return Field(stem, (f"{stem}_m", f"{stem}_sources"), read)


def _on_water(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> OnWater | None:
    """What a land feature stands on where it lies in water, ``on_water``, with the sources
    that say so, ``on_water_sources`` (both or neither)."""
    if "on_water" not in props and "on_water_sources" not in props:
        return None
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
    if got["kind"] not in LAND_KINDS:
        check.problem("on_water", shorten(site), "on_water only on a " + ", ".join(LAND_KINDS))
        return None
    return OnWater(site, sources)


def _importance(check: Checker, props: dict[str, Any], got: dict[str, Any], layer: Layer) -> int:
    importance = check.take(props, "importance", int, "1 (key), 2 (usual) or 3 (minor)", required=False)
    if importance is None:
        return DEFAULT_IMPORTANCE
    if importance not in IMPORTANCES:
        check.problem("importance", shorten(importance), "1 (key), 2 (usual) or 3 (minor)")
    return importance


_BATTLE = True
_REFERENCE = False

#: The table: every property of a feature, read in this order (the order its problems are
#: reported in). A rule reads what the rules above it gave (``got``: the feature's kind and
#: geometry as read, its side, its days...).
FIELDS: tuple[Field, ...] = (
    pair("name", required=True),
    pair("description", required=True),
    Field("side", ("side",), _side, required=frozenset(SIDED_KINDS)),
    Field("sources", ("sources",), _sources, required=True, needed=True),
    Field("precision_m", ("precision_m",), _precision, required=True, needed=True),
    choice("certainty", CERTAINTIES, default=DEFAULT_CERTAINTY),
    pair("location_note"),
    Field("start", ("start",), _start, required=True, battle=_BATTLE),
    Field("end", ("end",), _end, required=True, battle=_BATTLE),
    Field(None, ("start", "end", "status"), _no_days, battle=_REFERENCE),
    Field("status", ("status",), _status, absent=(), battle=_BATTLE),
    Field("claims", ("claims",), _claims, absent=()),
    Field("figures", ("figures",), _figures, absent=()),
    Field(None, ("claims",), _claimed_fields),
    choice("movement", MOVEMENTS, required=True, kinds=frozenset({"movement"})),
    Field("unit", ("unit",), _unit, battle=_BATTLE),
    Field("sidc", ("sidc",), _sidc, required=True, kinds=frozenset({"unit"})),
    Field("designation", ("designation", "designation_zh", "designation_en"), _designation),
    pair("label"),
    Field("terrain", ("terrain",), _terrain),
    Field("extent", ("extent_sources",), _extent, absent=(), required=HILL_AREA_KINDS),
    Field("summit", ("summit", "summit_sources"), _summit),
    measure("elevation", 9000, ("position", "hill", "place"), "a spot height only on positions, hills and places"),
    measure("width", 20000, ("river",), "a width only on rivers"),
    Field("on_water", ("on_water", "on_water_sources"), _on_water),
    Field("importance", ("importance",), _importance, absent=DEFAULT_IMPORTANCE),
    pair("commander"),
)

#: Properties a feature may carry (its kind, and the table's keys); anything else is a typo
#: worth reporting.
KNOWN_PROPERTIES = frozenset({"kind", *(key for f in FIELDS for key in f.keys)})


@dataclass(frozen=True)
class Plan:
    """What the table reads of a feature, by its kind and the keys it has: the Feature
    arguments of the fields it does not read (its kind among them), the fields it reads, in
    order, and the arguments the feature is not made without."""

    absent: dict[str, Any]
    reads: tuple[tuple[str | None, Read], ...]
    needed: tuple[str, ...]


@functools.lru_cache(maxsize=4096)
def plan(kind: str | None, battle: bool, keys: tuple[str, ...]) -> Plan:
    """The :class:`Plan` for a feature of ``kind`` with the properties ``keys``, on a battle
    layer or another: a field is read where it applies, unless it may be left out and is.
    Kept for the next load (a data folder read again by ``serve``, a notebook, the tests)."""
    present = set(keys)
    reads = [f for f in FIELDS if f.applies(kind, battle) and not (f.optional(kind) and present.isdisjoint(f.keys))]
    absent = {f.arg: f.absent for f in FIELDS if f.arg is not None and all(f is not r for r in reads)}
    needed = tuple(f.arg for f in reads if f.needed and f.arg is not None)
    return Plan({**absent, "kind": kind}, tuple((f.arg, f.read) for f in reads), needed)


def read_fields(
    check: Checker, props: dict[str, Any], kind: str | None, layer: Layer, shape: Shape, geometry: Any = None
) -> dict[str, Any] | None:
    """The validated properties of one feature of ``kind`` (of the :class:`Shape` ``shape``)
    as keyword arguments for Feature (its kind and ``geometry`` among them: the geometry as
    read, None when it has a problem), or None when one of them has a problem (reported to
    ``check``) or a needed one is missing."""
    fields = shape.plans.get(kind)
    if fields is None:
        fields = shape.plans[kind] = plan(kind, layer.battle, tuple(props))
    before = len(check.problems)
    got = fields.absent.copy()
    got["geometry"] = geometry
    for arg, read in fields.reads:
        value = read(check, props, got, layer)
        if arg is not None:
            got[arg] = value
    if len(check.problems) > before or not all(map(got.__getitem__, fields.needed)):
        return None
    return got
