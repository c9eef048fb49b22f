"""A GeoPackage for QGIS: one table per map layer and geometry type, typed fields (``start``/``end``
as Date, precision as a number), the status history, sources, claims, figures and phases as
related attribute tables, a ``position_states`` layer with one row per status period (so QGIS's
Temporal Controller plays the battle), and the web map's styles as QGIS QML in ``layer_styles``,
the default for each layer. Deterministic: the same data gives the same bytes."""

import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from shapely.geometry.base import BaseGeometry

from ..contract import Default
from ..data.model import Battle, Feature
from ..draw.style import Style, gis_style
from .attributes import properties, status_periods
from .qml import qml_for

#: GDAL writes the current time into GeoPackages unless told a fixed one; so do we.
FIXED_DATE = "2000-01-01T00:00:00.000Z"
FAMILIES = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line"}


#: Columns of a feature table, in order, and their GeoPackage types (dates are added after
#: GDAL writes the table, as DATE columns, which GDAL writes only as DATETIME).
FEATURE_COLUMNS = (
    ("id", "TEXT"),
    ("name_zh", "TEXT"),
    ("name_en", "TEXT"),
    ("label_zh", "TEXT"),
    ("label_en", "TEXT"),
    ("kind", "TEXT"),
    ("side", "TEXT"),
    ("precision_m", "REAL"),
    ("certainty", "TEXT"),
    ("importance", "INTEGER"),
    ("style", "TEXT"),
    ("movement", "TEXT"),
    ("unit", "TEXT"),
    ("sidc", "TEXT"),
    ("designation_zh", "TEXT"),
    ("designation_en", "TEXT"),
    ("commander_zh", "TEXT"),
    ("commander_en", "TEXT"),
    ("terrain", "TEXT"),
    ("elevation_m", "REAL"),
    ("summit_lon", "REAL"),
    ("summit_lat", "REAL"),
    ("width_m", "REAL"),
    ("phases", "TEXT"),
    ("sources", "TEXT"),
    ("description_zh", "TEXT"),
    ("description_en", "TEXT"),
    ("location_note_zh", "TEXT"),
    ("location_note_en", "TEXT"),
)


def _family(feature: Feature) -> str:
    return FAMILIES.get(feature.geometry.geom_type, "polygon")


def _table_names(battle: Battle) -> list[tuple[str, str, list[Feature]]]:
    """(table, geometry family, features): one table per layer and geometry family, in data order."""
    tables = []
    for spec in battle.layers:
        features = [f for f in battle.features if f.layer == spec.id]
        families = sorted({_family(f) for f in features}, key=("point", "line", "polygon").index)
        for family in families:
            members = [f for f in features if _family(f) == family]
            name = spec.id if len(families) == 1 else f"{spec.id}_{family}s"
            tables.append((name, family, members))
    return tables


def _row(battle: Battle, feature: Feature, status: str | None = None) -> dict[str, Any]:
    props = properties(battle, feature)
    style = gis_style(battle, feature, status or (Default.STATUS if feature.kind == "position" else None))
    row: dict[str, Any] = {name: None for name, _ in FEATURE_COLUMNS}
    row.update({k: v for k, v in props.items() if k in row})
    row["phases"] = ",".join(props.get("phases", []))
    row["start"], row["end"] = props.get("start"), props.get("end")
    row["sources"] = ",".join(feature.sources)
    if feature.summit:  # a hill area's summit where a source gives it (its sources: feature_sources)
        row["summit_lon"], row["summit_lat"] = feature.summit.point
    # units are told apart by their symbol: the style QGIS categorizes on names the SIDC
    row["style"] = f"{style.key}:{feature.sidc}" if feature.kind == "unit" else style.key
    return row


def _frame(rows: list[dict[str, Any]], geometries: list[BaseGeometry]) -> Any:  # a GeoDataFrame (untyped)
    import geopandas
    import shapely

    if any(g.geom_type.startswith("Multi") for g in geometries):  # one geometry type per table
        geometries = [
            g if g.geom_type.startswith("Multi") else getattr(shapely, f"Multi{g.geom_type}")([g]) for g in geometries
        ]
    return geopandas.GeoDataFrame(rows, geometry=geometries, crs="EPSG:4326")


def geopackage(battle: Battle, provenance: str) -> bytes:
    """The battle as a GeoPackage for QGIS (see the module's docstring)."""
    import pyogrio

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "battle.gpkg"
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_DATE})
        dates: list[str] = []
        styled: list[tuple[str, str, list[Style], list[str]]] = []
        try:
            for table, family, members in _table_names(battle):
                frame = _frame([_row(battle, f) for f in members], [f.geometry for f in members])
                # GeoPackage 1.2, which every QGIS 3 reads without a warning
                creation = {} if path.exists() else {"dataset_options": {"VERSION": "1.2"}}
                pyogrio.write_dataframe(frame, path, layer=table, driver="GPKG", append=path.exists(), **creation)
                dates.append(table)
                held = [gis_style(battle, f, Default.STATUS if f.kind == "position" else None) for f in members]
                styled.append((table, family, held, [f.sidc for f in members if f.kind == "unit" and f.sidc]))
            states = [(f, s, e, st) for f in battle.features if f.status for s, e, st in status_periods(f)]
            for family in ("point", "polygon"):
                chosen = [item for item in states if _family(item[0]) == family]
                if not chosen:
                    continue
                table = "position_states" if family == "point" else "position_state_areas"
                rows = [
                    {**_row(battle, f, st), "status": st, "start": s.isoformat(), "end": e.isoformat()}
                    for f, s, e, st in chosen
                ]
                frame = _frame(rows, [f.geometry for f, _, _, _ in chosen])
                pyogrio.write_dataframe(frame, path, layer=table, driver="GPKG", append=True)
                dates.append(table)
                styled.append((table, family, [gis_style(battle, f, st) for f, _, _, st in chosen], []))
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
        _declare_dates(path, dates)
        with sqlite3.connect(path) as db:
            _related_tables(db, battle)
            _layer_styles(db, styled)
            db.execute("UPDATE gpkg_contents SET description = ? WHERE data_type = 'features'", (provenance,))
        with sqlite3.connect(path) as db:
            db.execute("VACUUM")
        return path.read_bytes()


def _declare_dates(path: Path, tables: list[str]) -> None:
    """Declare the ``start``/``end`` columns DATE, as the GeoPackage standard types a date.

    GDAL writes Python dates as TEXT columns holding ISO dates (``YYYY-MM-DD``), exactly the
    GeoPackage's DATE encoding; only the declared type differs, and SQLite keeps that in the
    schema text alone, so it is changed there (no row is rewritten, no trigger fires).
    """
    with sqlite3.connect(path) as db:
        version = db.execute("PRAGMA schema_version").fetchone()[0]
        db.execute("PRAGMA writable_schema = ON")
        for table in tables:
            for column in ("start", "end"):
                db.execute(
                    "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = ?",
                    (f'"{column}" TEXT', f'"{column}" DATE', table),
                )
        db.execute(f"PRAGMA schema_version = {version + 1}")
        db.execute("PRAGMA writable_schema = OFF")
    with sqlite3.connect(path) as db:
        if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("the GeoPackage failed its integrity check")


def _attributes_table(
    db: sqlite3.Connection, name: str, columns: list[tuple[str, str]], rows: list[tuple[Any, ...]]
) -> None:
    """A plain table registered in gpkg_contents, so GDAL and QGIS list it."""
    spec = ", ".join(f'"{column}" {kind}' for column, kind in columns)
    db.execute(f'CREATE TABLE "{name}" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, {spec})')
    marks = ", ".join("?" for _ in columns)
    db.executemany(
        f'INSERT INTO "{name}" ({", ".join(chr(34) + c + chr(34) for c, _ in columns)}) VALUES ({marks})', rows
    )
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
        "VALUES (?, 'attributes', ?, '', ?)",
        (name, name, FIXED_DATE),
    )


def _related_tables(db: sqlite3.Connection, battle: Battle) -> None:
    """Sources, who cites what, status, claims, figures and phases as tables keyed by feature id."""
    text = "TEXT"
    _attributes_table(
        db,
        "sources",
        [("id", text), ("title", text), ("url", text), ("tier", text), ("note", text)],
        [(s.id, s.title, s.url, s.tier, s.note) for s in battle.sources.values()],
    )
    cites, status, claims, figures = [], [], [], []
    for f in battle.features:
        cites += [(f.id, s, "feature") for s in f.sources]
        for change in f.status:
            status.append((f.id, change.date.isoformat(), change.status, ",".join(change.sources), *_pair(change.note)))
            cites += [(f.id, s, "status") for s in change.sources]
        for claim in f.claims:
            claims.append((f.id, claim.field, claim.value, ",".join(claim.sources), *_pair(claim.note)))
            cites += [(f.id, s, "claim") for s in claim.sources]
        for figure in f.figures:
            for v in figure.values:
                figures.append(
                    (
                        f.id,
                        figure.label.zh,
                        figure.label.en,
                        v.value.zh,
                        v.value.en,
                        ",".join(v.sources),
                        *_pair(v.note),
                    )
                )
                cites += [(f.id, s, "figure") for s in v.sources]
        for role, measure in (("elevation", f.elevation), ("width", f.width)):
            if measure:
                cites += [(f.id, s, role) for s in measure.sources]
        cites += [(f.id, s, "extent") for s in f.extent]
        if f.summit:
            cites += [(f.id, s, "summit") for s in f.summit.sources]
    notes = [("note_zh", text), ("note_en", text)]
    _attributes_table(db, "feature_sources", [("feature_id", text), ("source_id", text), ("cites", text)], cites)
    _attributes_table(
        db, "status", [("feature_id", text), ("date", "DATE"), ("status", text), ("sources", text), *notes], status
    )
    _attributes_table(
        db, "claims", [("feature_id", text), ("field", text), ("value", text), ("sources", text), *notes], claims
    )
    _attributes_table(
        db,
        "figures",
        [
            ("feature_id", text),
            ("label_zh", text),
            ("label_en", text),
            ("value_zh", text),
            ("value_en", text),
            ("sources", text),
            *notes,
        ],
        figures,
    )
    _attributes_table(
        db,
        "phases",
        [
            ("id", text),
            ("title_zh", text),
            ("title_en", text),
            ("start", "DATE"),
            ("end", "DATE"),
            ("narrative_zh", text),
            ("narrative_en", text),
            ("sources", text),
        ],
        [
            (
                p.id,
                p.title.zh,
                p.title.en,
                p.start.isoformat(),
                p.end.isoformat(),
                p.narrative.zh,
                p.narrative.en,
                ",".join(p.sources),
            )
            for p in battle.phases
        ],
    )


def _pair(text: Any) -> tuple[str | None, str | None]:
    return (text.zh, text.en) if text else (None, None)


def _layer_styles(db: sqlite3.Connection, styled: list[tuple[str, str, list[Style], list[str]]]) -> None:
    """QGIS's own table of styles: one default QML style per spatial table."""
    db.execute(
        "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), "
        "f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), "
        "styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
        "update_time DATETIME)"
    )
    for table, family, styles, sidcs in styled:
        unique = list(dict.fromkeys(styles))
        temporal = any(s.key.split(":")[0] in ("position", "unit", "movement", "line", "event") for s in unique)
        db.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, "
            "styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
            "VALUES ('', '', ?, 'geom', ?, ?, '', 1, ?, '', '', ?)",
            (
                table,
                table,
                qml_for(unique, sorted(set(sidcs)), temporal, family),
                "The web map's style (hengyang-map)",
                FIXED_DATE,
            ),
        )
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
        "VALUES ('layer_styles', 'attributes', 'layer_styles', '', ?)",
        (FIXED_DATE,),
    )
