"""Bring layers edited in QGIS (or any GIS) back into the data folder: ``hengyang-map import``.

Reads a GeoPackage or GeoJSON that ``export`` wrote (and a person edited), matches each row
to its feature by ``id`` and writes back only what changed, into only the files that changed,
in the data folder's own formatting, so the diff shows the edit and nothing else. Nothing is
written unless the edited folder passes the same validation as ``check``. What cannot be
mapped back (an unknown layer, a row without an id or with an id the folder does not have, a
geometry of another type) is refused with a readable explanation.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import math
import os
import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..data.load import load_battle
from ..errors import GeoDataError, inert
from ..exports.attributes import properties
from ..site import signals_held
from .inputs import ImportRefused, read_rows
from .textedit import edit_features

#: A date-time at midnight, as a GIS may write a date column back: its date is the value.
_MIDNIGHT = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?", re.ASCII)

__all__ = ["EDITABLE", "Change", "ImportRefused", "Plan", "apply", "plan", "replace_together"]

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
    #: Every file of the data folder that ``load_battle`` reads (manifest, bibliography, layers).
    data_files: tuple[str, ...] = ()


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
    rows = read_rows(edited)
    by_id = {f.id: f for f in battle.features}
    texts = {spec.file: _read_data_text(geo / spec.file) for spec in battle.layers}
    documents = {name: json.loads(text) for name, text in texts.items()}
    where: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, document in documents.items():
        for item in document["features"]:
            where[item["id"]] = (name, item)
    problems: list[str] = []
    result = Plan(data_files=_data_files(geo, [spec.file for spec in battle.layers]))
    seen: dict[str, str] = {}
    changed: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows:
        table, values, geometry = inert(row.table), row.values, row.geometry
        feature_id = values.get("id")
        if not isinstance(feature_id, str) or not feature_id:
            problems.append(f"{table}: a row without an id (new features are added in the data folder, with sources)")
            continue
        problem = _unmatched(table, feature_id, seen, where, geo)
        if problem is not None:
            problems.append(problem)
            continue
        seen[feature_id] = table
        name, item = where[feature_id]
        exported = properties(battle, by_id[feature_id])  # what the export wrote, defaults filled in
        touched = _edit_values(item["properties"], values, exported, name, feature_id, result.changes)
        if geometry is not None:
            touched = _edit_geometry(item, geometry, name, feature_id, result.changes, problems) or touched
        if touched:
            changed.setdefault(name, {})[feature_id] = item
    if problems:
        raise ImportRefused("cannot import " + inert(str(edited)) + ":\n  " + "\n  ".join(problems))
    for name in sorted(changed):
        result.files[name] = edit_features(texts[name], documents[name], changed[name])
    return result


def _unmatched(table: str, feature_id: str, seen: dict[str, str], where: dict[str, Any], geo: Path) -> str | None:
    """Why a row of ``table`` with ``feature_id`` matches no feature of the folder (None: it does)."""
    if feature_id in seen:
        return (
            f"{table}: feature '{inert(feature_id)}' appears twice (also in {seen[feature_id]}); "
            "each feature is one row"
        )
    if feature_id not in where:
        return f"{table}: feature '{inert(feature_id)}' is not in {inert(str(geo))}"
    return None


def _edit_values(
    props: dict[str, Any],
    values: dict[str, Any],
    exported: dict[str, Any],
    name: str,
    feature_id: str,
    changes: list[Change],
) -> bool:
    """Set in ``props`` each editable value of the row that differs from what the export wrote
    (``exported``), each one recorded in ``changes``; whether any was."""
    touched = False
    for key in EDITABLE:
        if key not in values:
            continue
        new = _plain(values[key])
        if key in ("start", "end") and isinstance(new, str) and (day := _MIDNIGHT.fullmatch(new)):
            new = day.group(1)  # a GIS that saved the date column as a date-time, at midnight
        if new == "":
            new = None
        if new == exported.get(key):
            continue  # unchanged since the export
        old = _old_value(props, key)
        _set_value(props, key, new)
        changes.append(Change(name, feature_id, key, old, new))
        touched = True
    return touched


def _edit_geometry(
    item: dict[str, Any], geometry: Any, name: str, feature_id: str, changes: list[Change], problems: list[str]
) -> bool:
    """Set the feature ``item``'s geometry to the row's where it moved (recorded in
    ``changes``); whether it did. A geometry of another type is one of ``problems``."""
    import shapely
    from shapely.geometry import shape

    before = shape(item["geometry"])
    if geometry.geom_type.removeprefix("Multi") != before.geom_type.removeprefix("Multi"):
        problems.append(
            f"{name}: feature '{inert(feature_id)}': geometry is now a {geometry.geom_type}, was a "
            f"{before.geom_type}; a change of type is made in the data folder by hand"
        )
        return False
    promoted = geometry.geom_type.startswith("Multi") and not before.geom_type.startswith("Multi")
    if promoted and len(geometry.geoms) == 1:
        geometry = geometry.geoms[0]  # the export promoted it to Multi to share a table
    # a ring's winding is no change (the GeoJSON export winds polygons by RFC 7946's rule)
    now, was = (shapely.orient_polygons(shapely.force_2d(g)) for g in (geometry, before))
    if shapely.equals_exact(now, was, tolerance=1e-7):
        return False
    item["geometry"] = _geometry_json(geometry)
    changes.append(Change(name, feature_id, "geometry", "…", "…"))
    return True


def _read_data_text(path: Path) -> str:
    """A data file's text as ``load_battle`` read it (a byte-order mark dropped)."""
    return path.read_bytes().removeprefix(codecs.BOM_UTF8).decode("utf-8")


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


def apply(geo: Path, edited: Path) -> Plan:
    """Import ``edited`` into ``geo``: validate the result, then replace the changed files
    together, or leave ``geo`` as it was."""
    result = plan(geo, edited)
    if not result.files:
        return result
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / "geo"
        for name in result.data_files:  # the files load_battle reads, and only those
            (trial / name).parent.mkdir(parents=True, exist_ok=True)
            if name in result.files:
                (trial / name).write_text(result.files[name], encoding="utf-8")
            else:
                shutil.copyfile(geo / name, trial / name)
        try:
            load_battle(trial)
        except GeoDataError as err:
            raise ImportRefused(f"the edit would make the data invalid; nothing was written:\n{err}") from err
    replace_together(geo, result.files)
    return result


def _data_files(geo: Path, layers: list[str]) -> tuple[str, ...]:
    """The files of a valid data folder: its manifest, bibliography and layers."""
    import tomllib

    from ..data.rules import MANIFEST

    manifest = tomllib.loads(_read_data_text(geo / MANIFEST))
    return (MANIFEST, manifest["bibliography"], *layers)


def replace_together(folder: Path, texts: dict[str, str]) -> None:
    """Replace the files of ``folder`` named in ``texts`` with their new text, all or none.

    Each new text goes to a staging file made exclusively (``O_EXCL | O_NOFOLLOW``: never an
    existing file, never through a symlink) under a random name beside its target, and is
    synced. Only when every one is written are they renamed over their targets, with SIGINT
    and SIGTERM held; a rename that fails puts back the files already replaced (each old file
    is kept by a hard link until the end). On any failure :class:`ImportRefused` is raised
    and the folder is as it was.
    """
    staged: dict[str, Path] = {}
    kept: dict[str, Path] = {}
    try:
        for name, text in sorted(texts.items()):
            target = folder / name
            staged[name] = _write_exclusive(target, text.encode("utf-8"), os.stat(target).st_mode & 0o777)
            _step("staged")
        with signals_held():
            for name in staged:
                target = folder / name
                kept[name] = _free_name(target, "kept")
                os.link(target, kept[name], follow_symlinks=False)
            done: list[str] = []
            try:
                for name, staging in staged.items():
                    os.replace(staging, folder / name)
                    done.append(name)
                    _step("replaced")
            except BaseException:
                for name in reversed(done):
                    os.replace(kept[name], folder / name)
                raise
    except OSError as err:
        raise ImportRefused(
            f"{inert(str(folder))}: could not write the data ({inert(err.strerror or str(err))}); nothing was changed"
        ) from err
    finally:
        for path in (*staged.values(), *kept.values()):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)


def _step(name: str) -> None:
    """A named point of :func:`replace_together` (a no-op; tests replace it to fail there)."""


def _free_name(target: Path, kind: str) -> Path:
    return target.with_name(f".{target.name}.{kind}-{secrets.token_hex(8)}")


def _write_exclusive(target: Path, data: bytes, mode: int) -> Path:
    """A new file beside ``target`` holding ``data``, synced; its path."""
    while True:
        path = _free_name(target, "import")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            break
        except FileExistsError:
            continue
    try:
        with open(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(path)
        raise
    return path
