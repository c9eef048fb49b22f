"""A feature's attributes as plain values, shared by every GIS format (and read back by ``import``)."""

from datetime import date, timedelta
from typing import Any

from ..contract import Default
from ..data.model import Battle, Feature


def _note(text: Any) -> dict[str, str]:
    return {"note_zh": text.zh, "note_en": text.en} if text else {}


def status_periods(feature: Feature) -> list[tuple[date, date, str]]:
    """The feature's life cut at each status change: (first day, last day, status)."""
    if feature.start is None or feature.end is None:
        return []
    periods: list[tuple[date, date, str]] = []
    start, status = feature.start, Default.STATUS
    for change in feature.status:
        if change.date > start:
            periods.append((start, min(change.date - timedelta(days=1), feature.end), status))
        start, status = max(change.date, feature.start), change.status
    if start <= feature.end:
        periods.append((start, feature.end, status))
    return periods


def properties(battle: Battle, feature: Feature) -> dict[str, Any]:
    """Every attribute of ``feature`` as native JSON values (absent ones left out)."""
    out: dict[str, Any] = {
        "id": feature.id,
        "layer": feature.layer,
        "kind": feature.kind,
        "name_zh": feature.name.zh,
        "name_en": feature.name.en,
    }
    if feature.label:
        out.update(label_zh=feature.label.zh, label_en=feature.label.en)
    out.update(description_zh=feature.description.zh, description_en=feature.description.en)
    if feature.side:
        out["side"] = feature.side
    if feature.start and feature.end:
        out.update(start=feature.start.isoformat(), end=feature.end.isoformat())
        out["phases"] = [p.id for p in battle.phases if feature.in_phase(p)]
    out.update(precision_m=feature.precision_m, certainty=feature.certainty, importance=feature.importance)
    if feature.location_note:
        out.update(location_note_zh=feature.location_note.zh, location_note_en=feature.location_note.en)
    out["sources"] = list(feature.sources)
    for key, value in (("movement", feature.movement), ("unit", feature.unit), ("sidc", feature.sidc)):
        if value:
            out[key] = value
    if feature.designation:
        out.update(designation_zh=feature.designation.zh, designation_en=feature.designation.en)
    if feature.commander:
        out.update(commander_zh=feature.commander.zh, commander_en=feature.commander.en)
    if feature.terrain:
        out["terrain"] = feature.terrain
    if feature.extent:
        out["extent_sources"] = list(feature.extent)
    if feature.summit:
        out.update(summit=list(feature.summit.point), summit_sources=list(feature.summit.sources))
    if feature.elevation:
        out.update(elevation_m=feature.elevation.value_m, elevation_sources=list(feature.elevation.sources))
    if feature.width:
        out.update(width_m=feature.width.value_m, width_sources=list(feature.width.sources))
    if feature.on_water:
        out.update(on_water=feature.on_water.site, on_water_sources=list(feature.on_water.sources))
    if feature.status:
        out["status"] = [
            {"date": c.date.isoformat(), "status": c.status, "sources": list(c.sources), **_note(c.note)}
            for c in feature.status
        ]
    if feature.claims:
        out["claims"] = [
            {"field": c.field, "value": c.value, "sources": list(c.sources), **_note(c.note)} for c in feature.claims
        ]
    if feature.figures:
        out["figures"] = [
            {
                "label_zh": f.label.zh,
                "label_en": f.label.en,
                "values": [
                    {"value_zh": v.value.zh, "value_en": v.value.en, "sources": list(v.sources), **_note(v.note)}
                    for v in f.values
                ],
            }
            for f in feature.figures
        ]
    return out
