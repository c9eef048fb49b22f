"""Bring layers edited in QGIS (or any GIS) back into the data folder: ``hengyang-map import``.

Reads a GeoPackage or GeoJSON that ``export`` wrote (and a person edited), matches each row
to its feature by ``id`` and writes back only what changed, into only the files that changed,
in the data folder's own formatting, so the diff shows the edit and nothing else. Nothing is
written unless the edited folder passes the same validation as ``check``. What cannot be
mapped back (an unknown layer, a row without an id or with an id the folder does not have, a
geometry of another type) is refused with a readable explanation.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layers.data.load import load_battle
from layers.errors import BattleMapError, GeoDataError, inert
from layers.export.attributes import properties

#: Attributes a GIS user may edit, as the export names them: text pairs, numbers, dates, choices.
EDITABLE = (
    "name_zh",
    "name_en",
    "label_zh",
    "label_en",
    "description_zh",
    "description_en",
    "location_note_zh",
    "location_note_en",
    "designation_zh",
    "designation_en",
    "commander_zh",
    "commander_en",
    "side",
    "start",
    "end",
    "precision_m",
    "certainty",
    "importance",
    "terrain",
)
#: Tables of a GeoPackage export that are not map layers: read, never written back.
DERIVED_TABLES = ("position_states", "position_state_areas")


class ImportRefused(BattleMapError):
    """The edited file cannot be mapped back onto the data folder."""

    exit_code = 1


@dataclass
class Change:
    """One value that changed: in which file, which feature, which field."""

    file: str
    feature: str
    field: str
    old: Any
    new: Any


@dataclass
class Plan:
    """What an import would write: the changed files' new text, and the changes in them."""

    files: dict[str, str] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)


def _rows(path: Path) -> list[tuple[str, dict[str, Any], Any]]:
    """(table, attributes, shapely geometry) for every row of the edited file's map layers."""
    import geopandas
    import pyogrio

    suffix = path.suffix.lower()
    if suffix == ".geojson" or suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        from shapely.geometry import shape

        return [
            (
                "features",
                dict(f.get("properties") or {}, id=f.get("id", (f.get("properties") or {}).get("id"))),
                shape(f["geometry"]) if f.get("geometry") else None,
            )
            for f in data.get("features", [])
        ]
    if suffix != ".gpkg":
        raise ImportRefused(f"{inert(str(path))}: expected a .gpkg or .geojson file that 'export' wrote")
    rows = []
    for table, kind in pyogrio.list_layers(path):
        if kind is None or table in DERIVED_TABLES:
            continue  # attribute tables and the derived per-state layer are not edited back
        frame = geopandas.read_file(path, layer=table)
        for record, geometry in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry, strict=True):
            rows.append((table, record, geometry))
    return rows


def _plain(value: Any) -> Any:
    """A GIS value as the data folder writes it (no NaN, dates as text, whole floats as ints)."""
    import pandas

    if value is None or (not isinstance(value, (str, list, dict)) and pandas.isna(value)):
        return None  # NULL, NaN, NaT: no value
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else value
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value


def _geometry_json(geometry: Any) -> dict[str, Any]:
    from shapely.geometry import mapping

    def lists(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], (int, float)):
                return [round(float(v), 7) for v in value[:2]]
            return [lists(v) for v in value]
        return value

    data = mapping(geometry)
    return {"type": data["type"], "coordinates": lists(data["coordinates"])}


def plan(geo: Path, edited: Path) -> Plan:
    """What importing ``edited`` into the data folder ``geo`` would change (nothing written)."""
    battle = load_battle(geo)
    by_id = {f.id: f for f in battle.features}
    files = {spec.file: spec for spec in battle.layers}
    texts = {name: (geo / name).read_text(encoding="utf-8") for name in files}
    documents = {name: json.loads(text) for name, text in texts.items()}
    where: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, document in documents.items():
        for item in document["features"]:
            where[item["id"]] = (name, item)
    problems: list[str] = []
    result = Plan()
    seen: set[str] = set()
    for table, row, geometry in _rows(edited):
        feature_id = row.get("id")
        if not isinstance(feature_id, str) or not feature_id:
            problems.append(f"{table}: a row without an id (new features are added in the data folder, with sources)")
            continue
        if feature_id not in where:
            problems.append(f"{table}: feature '{inert(feature_id)}' is not in {inert(str(geo))}")
            continue
        if feature_id in seen:
            continue
        seen.add(feature_id)
        name, item = where[feature_id]
        props = item["properties"]
        exported = properties(battle, by_id[feature_id])  # what the export wrote, defaults filled in
        for key in EDITABLE:
            if key not in row:
                continue
            new = _plain(row[key])
            if new == "":
                new = None
            if new == exported.get(key):
                continue  # unchanged since the export
            old = _old_value(props, key)
            _set_value(props, key, new)
            result.changes.append(Change(name, feature_id, key, old, new))
        if geometry is not None:
            import shapely
            from shapely.geometry import shape

            before = shape(item["geometry"])
            if geometry.geom_type.removeprefix("Multi") != before.geom_type.removeprefix("Multi"):
                problems.append(
                    f"{name}: feature '{inert(feature_id)}': geometry is now a {geometry.geom_type}, was a "
                    f"{before.geom_type}; a change of type is made in the data folder by hand"
                )
                continue
            promoted = geometry.geom_type.startswith("Multi") and not before.geom_type.startswith("Multi")
            if promoted and len(geometry.geoms) == 1:
                geometry = geometry.geoms[0]  # the export promoted it to Multi to share a table
            if not shapely.equals_exact(shapely.force_2d(geometry), shapely.force_2d(before), tolerance=1e-7):
                item["geometry"] = _geometry_json(geometry)
                result.changes.append(Change(name, feature_id, "geometry", "…", "…"))
    if problems:
        raise ImportRefused("cannot import " + inert(str(edited)) + ":\n  " + "\n  ".join(problems))
    for name in sorted({c.file for c in result.changes}):
        result.files[name] = _dump(documents[name])
    return result


def _old_value(props: dict[str, Any], key: str) -> Any:
    if key.startswith("designation_") and "designation" in props:
        return props["designation"]
    return props.get(key)


def _set_value(props: dict[str, Any], key: str, value: Any) -> None:
    if key.startswith("designation_") and "designation" in props:
        same = props.pop("designation")  # one value read both ways: now two
        props.setdefault("designation_zh", same)
        props.setdefault("designation_en", same)
    if value is None:
        props.pop(key, None)
    else:
        props[key] = value


def _dump(document: Any) -> str:
    """The data folder's formatting: one-space indent, UTF-8 text, a final newline."""
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def apply(geo: Path, edited: Path) -> Plan:
    """Import ``edited`` into ``geo``: validate the result, then replace only the changed files."""
    result = plan(geo, edited)
    if not result.files:
        return result
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / "geo"
        shutil.copytree(geo, trial, symlinks=False)
        for name, text in result.files.items():
            (trial / name).write_text(text, encoding="utf-8")
        try:
            load_battle(trial)
        except GeoDataError as err:
            raise ImportRefused(f"the edit would make the data invalid; nothing was written:\n{err}") from err
    for name, text in result.files.items():
        target = geo / name
        staging = target.with_name(f".{target.name}.import-{os.getpid()}")
        staging.write_text(text, encoding="utf-8")
        os.replace(staging, target)
    return result
