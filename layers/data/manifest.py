"""The manifest's tables: bounds, sides, phases, layers, and the bibliography's sources;
claims and figures, which phases and features both carry."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from ..errors import shorten
from .checker import Checker, control_character, finite, unreserved
from .model import (
    Bilingual,
    Bounds,
    Claim,
    Figure,
    FigureValue,
    LayerSpec,
    Phase,
    Side,
    Source,
)
from .rules import (
    COLOR_PATTERN,
    GROUP_IDS,
    ID_PATTERN,
    IDENTITIES,
    MAX_SPAN_YEARS,
    MAX_SPAN_YEARS_CEILING,
    PHASE_CLAIM_FIELDS,
    PHASE_KEYS,
    RESERVED_IDS,
    URL_PATTERN,
)


def read_bounds(check: Checker, manifest: dict[str, Any], key: str = "bounds") -> Bounds | None:
    expected = "[[west, south], [east, north]] in WGS84 degrees"
    value = check.take(manifest, key, list, expected)
    if value is None:
        return None
    try:
        (west, south), (east, north) = value
        numbers = [float(v) for v in (west, south, east, north) if finite(v)]
    except (TypeError, ValueError):
        numbers = []
    if len(numbers) != 4:
        check.problem(key, shorten(value), expected)
        return None
    west, south, east, north = numbers
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        check.problem(key, shorten(value), expected + " with west < east and south < north")
        return None
    return (west, south), (east, north)


def read_sides(check: Checker, manifest: dict[str, Any]) -> dict[str, Side]:
    table = check.take(manifest, "sides", dict, "a table of sides")
    sides: dict[str, Side] = {}
    for side_id, entry in (table or {}).items():
        prefix = f"sides.{side_id}."
        if not ID_PATTERN.fullmatch(side_id):
            check.problem(f"sides.{side_id}", shorten(side_id), "a side id of a-z, 0-9, '-', '_'")
            continue
        if not isinstance(entry, dict):
            check.problem(prefix[:-1], shorten(entry), "a table")
            continue
        check.only(entry, ("name", "color", "identity"), prefix=prefix)
        name = check.table_text(entry, "name", prefix=prefix)
        color = check.take(entry, "color", str, "a colour written #rrggbb", prefix=prefix)
        if color is not None and not COLOR_PATTERN.fullmatch(color):
            check.problem(prefix + "color", shorten(color), "a colour written #rrggbb")
            color = None
        identity = check.choice(entry, "identity", tuple(IDENTITIES), prefix=prefix)
        if name and color and identity:
            sides[side_id] = Side(side_id, name, color.lower(), identity)
    if table is not None and not sides and not check.problems:
        check.problem("sides", "no sides", "at least one side")
    return sides


def read_claims(check: Checker, data: dict[str, Any], prefix: str = "") -> tuple[Claim, ...]:
    claims = []
    for here, item in check.records(data, "claims", prefix=prefix):
        check.only(item, ("field", "value", "sources", "note_zh", "note_en"), prefix=here)
        field_name = check.text(item, "field", prefix=here)
        raw = item.get("value")
        if finite(raw):
            raw = str(raw)
        value = check.text({"value": raw}, "value", prefix=here)
        sources = check.id_list(item, "sources", prefix=here)
        note = check.bilingual(item, "note", required=False, prefix=here)
        if field_name and value:
            claims.append(Claim(field_name, value, sources, note))
    return tuple(claims)


def read_figures(check: Checker, data: dict[str, Any], prefix: str = "") -> tuple[Figure, ...]:
    figures = []
    for here, item in check.records(data, "figures", prefix=prefix):
        check.only(item, ("label_zh", "label_en", "values"), prefix=here)
        label = check.bilingual(item, "label", prefix=here)
        values = []
        for vhere, entry in check.records(item, "values", prefix=here):
            check.only(entry, ("value", "value_zh", "value_en", "sources", "note_zh", "note_en"), prefix=vhere)
            value: Bilingual | None
            if "value_zh" in entry or "value_en" in entry:
                value = check.bilingual(entry, "value", prefix=vhere)
            else:
                raw = entry.get("value")
                if finite(raw):
                    raw = f"{raw:,}" if isinstance(raw, int) else str(raw)
                text = check.text({"value": raw}, "value", prefix=vhere)
                value = Bilingual(text, text) if text else None
            sources = check.id_list(entry, "sources", prefix=vhere)
            note = check.bilingual(entry, "note", required=False, prefix=vhere)
            if value:
                values.append(FigureValue(value, sources, note))
        if not values:
            check.problem(here + "values", "no values", "at least one value with its sources")
        elif label:
            figures.append(Figure(label, tuple(values)))
    return tuple(figures)


def read_view(check: Checker, item: dict[str, Any], bounds: Any) -> Any:
    """A phase's optional ``view``: [[west, south], [east, north]] inside the map bounds."""
    if "view" not in item:
        return None
    view = read_bounds(check, item, "view")
    if view and bounds:
        (w, s), (e, n) = view
        (bw, bs), (be, bn) = bounds
        if not (bw <= w and bs <= s and e <= be and n <= bn):
            check.problem("view", shorten(item["view"]), f"an area inside the map bounds {shorten(bounds)}")
            return None
    return view


def read_phases(check: Checker, manifest: dict[str, Any], bounds: Any = None) -> list[Phase]:
    phases: list[Phase] = []
    items = check.take(manifest, "phases", list, "a list of [[phases]] tables")
    for i, item in enumerate(items or ()):
        if not isinstance(item, dict):
            check.problem(f"phases[{i}]", shorten(item), "a table")
            continue
        check.feature = f"phase {item.get('id', i)!s}"
        check.only(item, PHASE_KEYS)
        phase_id = unreserved(check, "id", check.ident(item, "id"), RESERVED_IDS)
        title = check.table_text(item, "title")
        narrative = check.table_text(item, "narrative")
        start = check.day(item, "start")
        end = check.day(item, "end")
        sources = check.id_list(item, "sources")
        claims = read_claims(check, item)
        figures = read_figures(check, item)
        view = read_view(check, item, bounds)
        for claim in claims:
            if claim.field not in PHASE_CLAIM_FIELDS:
                check.problem("claims", shorten(claim.field), "a claim about " + ", ".join(PHASE_CLAIM_FIELDS))
        if start and end and end < start:
            check.problem("end", str(end), f"a date on or after the start {start}")
            continue
        if phase_id and title and narrative and start and end:
            phases.append(Phase(phase_id, title, start, end, narrative, sources, claims, figures, view))
    check.feature = ""
    if items is not None and not phases and not any(p.file == check.file for p in check.problems):
        check.problem("phases", "no phases", "at least one phase")
    for before, after in itertools.pairwise(phases):
        if after.start < before.start:
            check.feature = f"phase {after.id}"
            check.problem("start", str(after.start), f"phases ordered by start date (after {before.id})")
    check.feature = ""
    return _within_span(check, manifest, phases)


def _within_span(check: Checker, manifest: dict[str, Any], phases: list[Phase]) -> list[Phase]:
    """``phases``, if together they span no more than ``max_span_years`` (else none, and a
    problem on each phase that reaches past the limit)."""
    years = MAX_SPAN_YEARS
    if "max_span_years" in manifest:
        raw = manifest["max_span_years"]
        if type(raw) is not int or not 1 <= raw <= MAX_SPAN_YEARS_CEILING:
            check.problem("max_span_years", shorten(raw), f"a whole number of years, 1..{MAX_SPAN_YEARS_CEILING}")
            return []
        years = raw
    if not phases:
        return phases
    first = min(p.start for p in phases)
    try:
        limit = first + timedelta(days=round(years * 365.2425))
    except OverflowError:
        return phases  # past the last date there is: no phase can end later
    late = [p for p in phases if p.end >= limit]
    for phase in late:
        check.feature = f"phase {phase.id}"
        check.problem(
            "end",
            str(phase.end),
            f"a date before {limit}: the phases span at most {years} years from {first} "
            f"(max_span_years in the manifest raises the limit, up to {MAX_SPAN_YEARS_CEILING})",
        )
    check.feature = ""
    return [] if late else phases


#: What a layer file is for: drawn per phase, on every page, or in the locator inset.
LAYER_ROLES = ("battle", "reference", "locator")


def read_layer_specs(check: Checker, manifest: dict[str, Any]) -> list[LayerSpec]:
    specs: list[LayerSpec] = []
    for here, item in check.records(manifest, "layers"):
        check.only(item, ("id", "file", "role", "title"), prefix=here)
        layer_id = check.ident(item, "id", prefix=here)
        file = check.file_name(item, "file", prefix=here)
        role = check.choice(item, "role", LAYER_ROLES, prefix=here)
        if role == "battle":  # its id names a group of the page, beside the page's own
            layer_id = unreserved(check, here + "id", layer_id, GROUP_IDS)
        title = check.table_text(item, "title", prefix=here)
        if layer_id in {s.id for s in specs}:
            check.problem(here + "id", shorten(layer_id), "a layer id used once")
        elif layer_id and file and role and title:
            specs.append(LayerSpec(layer_id, file, role, title))
    if "layers" not in manifest:
        check.problem("layers", "nothing", "a list of [[layers]] tables")
    return specs


def read_sources(check: Checker, bib: dict[str, Any]) -> dict[str, Source]:
    check.only(bib, ("sources",))
    table = check.take(bib, "sources", dict, "a [sources.<id>] table per source")
    sources = {}
    for source_id, entry in (table or {}).items():
        check.feature = f"source {source_id}"
        if not ID_PATTERN.fullmatch(source_id):
            check.problem("id", shorten(source_id), "a source id of a-z, 0-9, '-', '_'")
            continue
        if not isinstance(entry, dict):
            check.problem("", shorten(entry), "a table")
            continue
        check.only(entry, ("title", "url", "tier", "note"))
        title = check.text(entry, "title")
        url = check.take(entry, "url", str, "an http(s) address", required=False)
        if url is not None and not URL_PATTERN.fullmatch(url):
            check.problem("url", shorten(url), "an http(s) address")
            url = None
        tier = check.choice(entry, "tier", ("A", "B", "C", "article"))
        note = check.take(entry, "note", str, "a text", required=False) or ""
        if note and not note.isprintable() and (fault := control_character("note", note)):
            check.problem("note", *fault)
            note = ""
        if title and tier:
            sources[source_id] = Source(source_id, title, url, tier, note)
    check.feature = ""
    return sources
