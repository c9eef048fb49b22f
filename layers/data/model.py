"""The validated battle: plain frozen dataclasses, built only by :mod:`layers.data.load`.

Nothing here reads files or knows about HTML. Time is modelled once: a feature has a
validity interval (``start``..``end``, whole days, inclusive) and an ordered list of status
changes; a phase is an interval too, so "what does phase P show" is an interval overlap and
"what state is a position in on day D" is the last status change on or before D.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from shapely.geometry.base import BaseGeometry

from ..contract import Default

#: A box of longitudes and latitudes: ((west, south), (east, north)).
Bounds = tuple[tuple[float, float], tuple[float, float]]

#: Statuses a position can be in; the side that holds it is the feature's ``side``.
STATUSES = ("held", "contested", "lost")
#: Kinds of movement an arrow can show.
MOVEMENTS = ("attack", "crossing", "withdrawal", "relief")
#: How a location or line was obtained, from best to worst: measured coordinates; placed
#: from a description; deduced by joining other features; drawn to show topology only.
CERTAINTIES = ("surveyed", "estimated", "inferred", "schematic")
#: The certainty of a feature that states none: placed from descriptions.
DEFAULT_CERTAINTY = Default.CERTAINTY
#: Feature kinds drawn per phase, and the kinds of the reference (base) layers.
BATTLE_KINDS = ("position", "unit", "movement", "line", "event")
REFERENCE_KINDS = ("river", "railway", "wall", "gate", "hill", "place")
#: Kinds that must name the side they belong to.
SIDED_KINDS = ("position", "unit", "movement", "line")


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A text in Chinese and in English; both are always present."""

    zh: str
    en: str


@dataclass(frozen=True)
class Source:
    """One bibliography entry; ``url`` is always http(s) or None."""

    id: str
    title: str
    url: str | None
    tier: str
    note: str


@dataclass(frozen=True)
class Side:
    """A belligerent: its name, its map colour and its standard identity for symbols."""

    id: str
    name: Bilingual
    color: str
    identity: str


@dataclass(frozen=True, slots=True)
class Claim:
    """A value that another source gives for a field, shown beside ours, never hidden."""

    field: str
    value: str
    sources: tuple[str, ...]
    note: Bilingual | None


@dataclass(frozen=True, slots=True)
class FigureValue:
    """One source's value for a figure (a strength, a casualty count...), in both languages
    (the same text twice when it is a plain number)."""

    value: Bilingual
    sources: tuple[str, ...]
    note: Bilingual | None


@dataclass(frozen=True, slots=True)
class Figure:
    """A quantity with one value per source, never collapsed to one number."""

    label: Bilingual
    values: tuple[FigureValue, ...]


@dataclass(frozen=True, slots=True)
class StatusChange:
    """From ``date`` on, the feature is in ``status`` (held / contested / lost)."""

    date: date
    status: str
    sources: tuple[str, ...]
    note: Bilingual | None


@dataclass(frozen=True)
class Phase:
    """One stage of the battle: an inclusive interval of days with its own page."""

    id: str
    title: Bilingual
    start: date
    end: date
    narrative: Bilingual
    sources: tuple[str, ...]
    claims: tuple[Claim, ...] = ()
    figures: tuple[Figure, ...] = ()
    #: The area the phase's page opens on, ((west, south), (east, north)); None: fit its features.
    view: Bounds | None = None

    def cited_sources(self) -> set[str]:
        """Every source id the phase cites: its own, its claims' and its figures'."""
        ids = set(self.sources)
        for claim in self.claims:
            ids.update(claim.sources)
        for figure in self.figures:
            for value in figure.values:
                ids.update(value.sources)
        return ids

    def overlaps(self, start: date, end: date) -> bool:
        """True when the interval ``start``..``end`` shares at least one day with the phase."""
        return start <= self.end and end >= self.start


@dataclass(frozen=True)
class LayerSpec:
    """A GeoJSON file of the data folder and its role: drawn per phase (battle), on every page
    (reference), or in the locator inset only (locator: places anywhere, outside the bounds)."""

    id: str
    file: str
    role: str
    title: Bilingual


@dataclass(frozen=True, slots=True)
class Measure:
    """A sourced quantity in metres (a spot height, a river's width)."""

    value_m: float
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Summit:
    """A hill's summit where a source gives it: the point ``(longitude, latitude)``, inside the
    hill's area, and the sources that place it."""

    point: tuple[float, float]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OnWater:
    """What a land feature stands on where it lies in a river's water (a bridge, an island...),
    with the sources that say so."""

    site: str
    sources: tuple[str, ...]


#: How much a feature's name matters on a crowded map, from the data: 1 key, 2 usual, 3 minor.
IMPORTANCES = (1, 2, 3)
DEFAULT_IMPORTANCE = 2
#: Terrain a position may stand on, drawn with its sign.
TERRAINS = ("hill",)
#: Geometry types of an area.
AREA_TYPES = ("Polygon", "MultiPolygon")


@dataclass(frozen=True, slots=True)
class Feature:
    """One sourced, located thing; stored once however many phases it lasts."""

    id: str
    layer: str
    kind: str
    name: Bilingual
    description: Bilingual
    side: str | None
    sources: tuple[str, ...]
    precision_m: float
    certainty: str
    geometry: BaseGeometry
    geojson: dict[str, Any]
    start: date | None = None
    end: date | None = None
    location_note: Bilingual | None = None
    status: tuple[StatusChange, ...] = ()
    claims: tuple[Claim, ...] = ()
    figures: tuple[Figure, ...] = ()
    #: A movement's kind, one of :data:`MOVEMENTS`; None on every other kind.
    movement: str | None = None
    #: The id of the unit feature a battle feature concerns (an arrow's, an event's), if the data names one.
    unit: str | None = None
    #: A unit's APP-6D / MIL-STD-2525D symbol code (20 digits); None on every other kind.
    sidc: str | None = None
    #: Who commanded the unit, when the data gives it.
    commander: Bilingual | None = None
    #: Short name written on the map (the name, when the data gives none).
    label: Bilingual | None = None
    #: A unit's short designation, written beside its symbol.
    designation: Bilingual | None = None
    terrain: str | None = None
    elevation: Measure | None = None
    width: Measure | None = None
    importance: int = DEFAULT_IMPORTANCE
    #: What the feature stands on where it lies in water (see :mod:`layers.data.water`).
    on_water: OnWater | None = None
    #: The sources that describe a hill's extent (its size, its foot, what it spans): a hill
    #: drawn as an area has them; () on every other feature.
    extent: tuple[str, ...] = ()
    #: A hill area's summit where a source gives it; None: the summit is not recorded.
    summit: Summit | None = None

    @property
    def map_label(self) -> Bilingual:
        """What the map writes for the feature: its short label, else its name."""
        return self.label or self.name

    @property
    def is_hill(self) -> bool:
        """Hills of the reference layers and positions on a hill: drawn with a hill sign."""
        return self.kind == "hill" or self.terrain == "hill"

    @property
    def is_hill_area(self) -> bool:
        """A hill drawn as an area (its extent as a source describes it): the map draws its
        relief under everything else, and its sign at its summit where a source gives one."""
        return self.is_hill and self.geometry.geom_type in AREA_TYPES

    @property
    def is_reference(self) -> bool:
        """Reference features (rivers, walls...) belong to no phase."""
        return self.start is None

    def in_phase(self, phase: Phase) -> bool:
        """True when the feature exists on at least one day of ``phase``."""
        if self.start is None or self.end is None:
            return False
        return phase.overlaps(self.start, self.end)

    def status_on(self, day: date) -> str | None:
        """Status on ``day``: the last change on or before it; 'held' before the first."""
        if not self.status:
            return None
        current = Default.STATUS
        for change in self.status:
            if change.date <= day:
                current = change.status
        return current

    def lost_before(self, phase: Phase) -> bool:
        """True when the feature (a position) had already been lost when ``phase`` began."""
        return bool(self.status) and self.status_on(phase.start - timedelta(days=1)) == "lost"

    def cited_sources(self) -> set[str]:
        """Every source id the feature cites, in any of its parts."""
        ids = set(self.sources)
        parts: tuple[StatusChange | Claim, ...] = (*self.status, *self.claims)
        for part in parts:
            ids.update(part.sources)
        for measure in (self.elevation, self.width):
            if measure:
                ids.update(measure.sources)
        if self.on_water:
            ids.update(self.on_water.sources)
        ids.update(self.extent)
        if self.summit:
            ids.update(self.summit.sources)
        for figure in self.figures:
            for value in figure.values:
                ids.update(value.sources)
        return ids


@dataclass(frozen=True)
class Battle:
    """Everything the builders need, validated; ``root`` is the data folder it came from."""

    id: str
    title: Bilingual
    subtitle: Bilingual
    bounds: Bounds
    sides: dict[str, Side]
    phases: tuple[Phase, ...]
    layers: tuple[LayerSpec, ...]
    sources: dict[str, Source]
    features: tuple[Feature, ...]
    attribution: Bilingual
    root: Path
    #: sha256 of every data file read, in manifest order: the provenance of pages and exports.
    digest: str = ""
    #: The locator inset's places, rivers and railways (layers of role "locator"): not map
    #: features, and not in ``layers`` or ``features``.
    locator: tuple[Feature, ...] = ()
    #: Whether pages, prints and films show the locator inset (manifest ``locator``).
    show_locator: bool = True

    @cached_property
    def start(self) -> date:
        """First day of the first phase."""
        return min(p.start for p in self.phases)

    @cached_property
    def end(self) -> date:
        """Last day of the last phase."""
        return max(p.end for p in self.phases)

    def phase(self, phase_id: str) -> Phase:
        """The phase with id ``phase_id`` (KeyError if none)."""
        for phase in self.phases:
            if phase.id == phase_id:
                return phase
        raise KeyError(phase_id)

    @cached_property
    def by_id(self) -> dict[str, Feature]:
        """Every feature by its id."""
        return {f.id: f for f in self.features}

    @cached_property
    def cited_by_id(self) -> dict[str, frozenset[str]]:
        """Every source id each feature cites (:meth:`Feature.cited_sources`), by feature id:
        each page asks for the sources of every feature it draws. Equal sets are one object
        (features cite the same few sources): a page unites each distinct set once."""
        distinct: dict[frozenset[str], frozenset[str]] = {}
        by_id = {}
        for feature in self.features:
            cited = frozenset(feature.cited_sources())
            by_id[feature.id] = distinct.setdefault(cited, cited)
        return by_id

    def features_in(self, phase: Phase) -> tuple[Feature, ...]:
        """Battle features that exist during ``phase``, in data order (kept per date span)."""
        key = (phase.start, phase.end)
        found = self._members.get(key)
        if found is None:
            # features of one span are in the same phases: one of each is asked (Feature.in_phase)
            features = self.features
            spans = [at for at in self._by_span.values() if features[at[0]].in_phase(phase)]
            at = sorted(itertools.chain.from_iterable(spans))
            found = self._members[key] = tuple(map(features.__getitem__, at))
        return found

    @cached_property
    def _by_span(self) -> dict[tuple[date | None, date | None], list[int]]:
        """Where the features of each span of days (start, end) are in :attr:`features`."""
        spans: dict[tuple[date | None, date | None], list[int]] = {}
        for i, feature in enumerate(self.features):
            spans.setdefault((feature.start, feature.end), []).append(i)
        return spans

    @cached_property
    def _members(self) -> dict[tuple[date, date], tuple[Feature, ...]]:
        return {}

    @property
    def reference_features(self) -> tuple[Feature, ...]:
        """Features of the reference layers, in data order."""
        return tuple(f for f in self.features if f.is_reference)
