"""The battle for the tools researchers use: GeoJSON, a GeoPackage for QGIS, KML/KMZ for Google Earth.

- **GeoJSON** (RFC 7946): every feature with native JSON values: lists of sources, the status
  history, claims and figures as arrays of objects.
- **GeoPackage**: one table per map layer and geometry type, typed fields (``start``/``end`` as
  Date, precision as a number), the status history, sources, claims, figures and phases as
  related attribute tables, a ``position_states`` layer with one row per status period (so
  QGIS's Temporal Controller plays the battle and each state has its own style), and the web
  map's styles as QGIS QML in the ``layer_styles`` table, the default for each layer.
- **KML / KMZ**: a Folder per layer, styles that match the web map, a TimeSpan on every dated
  feature (a position gets one Placemark per status period) so Google Earth's time slider
  plays the battle, HTML-escaped descriptions with their sources; the KMZ adds unit symbols as
  icons.

All writers are deterministic: the same data gives the same bytes (the KMZ's unit icons are
rendered by the system Chromium, so their bytes depend on its build).
"""

from __future__ import annotations

import html
import io
import json
import sqlite3
import struct
import tempfile
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from layers.data.model import Battle, Feature
from layers.draw.style import Style, style_for
from layers.export.qml import qml_for

#: GDAL writes the current time into GeoPackages unless told a fixed one; so do we.
FIXED_DATE = "2000-01-01T00:00:00.000Z"
KML_NS = "http://www.opengis.net/kml/2.2"
FAMILIES = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line"}


# ---------------------------------------------------------------- shared parts


def _note(text: Any) -> dict[str, str]:
    return {"note_zh": text.zh, "note_en": text.en} if text else {}


def status_periods(feature: Feature) -> list[tuple[date, date, str]]:
    """The feature's life cut at each status change: (first day, last day, status)."""
    if feature.start is None or feature.end is None:
        return []
    periods: list[tuple[date, date, str]] = []
    start, status = feature.start, "held"
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
    for key in ("movement", "unit", "sidc"):
        if feature.extra.get(key):
            out[key] = str(feature.extra[key])
    if feature.designation:
        out.update(designation_zh=feature.designation.zh, designation_en=feature.designation.en)
    commander = feature.extra.get("commander")
    if commander:
        out.update(commander_zh=commander.zh, commander_en=commander.en)
    if feature.terrain:
        out["terrain"] = feature.terrain
    if feature.elevation:
        out.update(elevation_m=feature.elevation.value_m, elevation_sources=list(feature.elevation.sources))
    if feature.width:
        out.update(width_m=feature.width.value_m, width_sources=list(feature.width.sources))
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


# ---------------------------------------------------------------- GeoJSON


def geojson(battle: Battle, provenance: str) -> bytes:
    """An RFC 7946 FeatureCollection with native values; geometry exactly as in the data."""
    collection = {
        "type": "FeatureCollection",
        "name": battle.id,
        "description": provenance,
        "features": [
            {"type": "Feature", "id": f.id, "geometry": f.geojson, "properties": properties(battle, f)}
            for f in battle.features
        ],
    }
    return (json.dumps(collection, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# ---------------------------------------------------------------- KML / KMZ


def _kml_color(hex_color: str, opacity: float) -> str:
    """KML writes colours as aabbggrr."""
    value = hex_color.lstrip("#")
    red, green, blue = value[0:2], value[2:4], value[4:6]
    return f"{round(max(0.0, min(1.0, opacity)) * 255):02x}{blue}{green}{red}".lower()


def _style_id(style: Style) -> str:
    return "s-" + "".join(c if c.isalnum() else "-" for c in style.key)


def _kml_style(style: Style, icon: str | None) -> ET.Element:
    o = style.as_dict()
    element = ET.Element("Style", id=_style_id(style))
    color = str(o.get("color", "#555555"))
    if style.shape in ("point", "symbol"):
        icon_style = ET.SubElement(element, "IconStyle")
        fill = str(o.get("fillColor", color))
        if icon is None or style.shape == "point":
            ET.SubElement(icon_style, "color").text = _kml_color(fill, float(str(o.get("fillOpacity", 1.0))))
        ET.SubElement(icon_style, "scale").text = "1.1" if style.shape == "symbol" else "0.6"
        ET.SubElement(ET.SubElement(icon_style, "Icon"), "href").text = icon or "icons/dot.png"
        ET.SubElement(ET.SubElement(element, "LabelStyle"), "scale").text = "0.8"
        return element
    line = ET.SubElement(element, "LineStyle")
    ET.SubElement(line, "color").text = _kml_color(color, float(str(o.get("opacity", 1.0))))
    ET.SubElement(line, "width").text = f"{float(str(o.get('weight', 2))):g}"
    poly = ET.SubElement(element, "PolyStyle")
    if o.get("fillColor") and o.get("fill", True) is not False:
        ET.SubElement(poly, "color").text = _kml_color(str(o["fillColor"]), float(str(o.get("fillOpacity", 0.2))))
    else:
        ET.SubElement(poly, "fill").text = "0"
    return element


def _coords(points: Iterable[Any]) -> str:
    return " ".join(f"{p[0]:.7g},{p[1]:.7g}" for p in points)


def _kml_geometry(geometry: dict[str, Any]) -> ET.Element:
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        point = ET.Element("Point")
        ET.SubElement(point, "coordinates").text = _coords([coords])
        return point
    if kind == "LineString":
        line = ET.Element("LineString")
        ET.SubElement(line, "tessellate").text = "1"
        ET.SubElement(line, "coordinates").text = _coords(coords)
        return line
    if kind == "Polygon":
        polygon = ET.Element("Polygon")
        for i, ring in enumerate(coords):
            boundary = ET.SubElement(polygon, "outerBoundaryIs" if i == 0 else "innerBoundaryIs")
            ET.SubElement(ET.SubElement(boundary, "LinearRing"), "coordinates").text = _coords(ring)
        return polygon
    multi = ET.Element("MultiGeometry")
    single = kind.removeprefix("Multi")
    for part in coords:
        multi.append(_kml_geometry({"type": single, "coordinates": part}))
    return multi


def _description(battle: Battle, feature: Feature) -> str:
    """The placemark's balloon as HTML whose every text is escaped: data stays text."""
    parts = [
        f"<p>{html.escape(feature.description.zh)}</p>",
        f"<p>{html.escape(feature.description.en)}</p>",
    ]
    if feature.start and feature.end:
        parts.append(f"<p>{feature.start.isoformat()} – {feature.end.isoformat()}</p>")
    for change in feature.status:
        parts.append(f"<p>{change.date.isoformat()}: {html.escape(change.status)}</p>")
    for claim in feature.claims:
        cited = ", ".join(claim.sources)
        parts.append(f"<p>{html.escape(claim.field)}: {html.escape(claim.value)} [{html.escape(cited)}]</p>")
    parts.append(f"<p>±{round(feature.precision_m)} m, {html.escape(feature.certainty)}</p>")
    cited = "".join(
        f"<li>{html.escape(battle.sources[s].title)} ({html.escape(battle.sources[s].tier)})</li>"
        for s in sorted(feature.cited_sources())
    )
    parts.append(f"<ul>{cited}</ul>")
    return "".join(parts)


def kml(battle: Battle, provenance: str, icons: dict[str, str] | None = None) -> bytes:
    """The battle as KML: a Folder per layer, matching styles, a TimeSpan on every dated
    feature (positions: one Placemark per status period). ``icons`` maps a SIDC to the path
    of its icon inside a KMZ; without it units show as coloured dots."""
    ET.register_namespace("", KML_NS)
    root = ET.Element("kml", xmlns=KML_NS)
    document = ET.SubElement(root, "Document")
    ET.SubElement(document, "name").text = f"{battle.title.zh} / {battle.title.en}"
    ET.SubElement(document, "description").text = html.escape(provenance)
    styles: dict[str, ET.Element] = {}

    def use(feature: Feature, status: str | None) -> str:
        style = style_for(battle, feature, status)
        sidc = str(feature.extra.get("sidc") or "")
        icon = (icons or {}).get(sidc) if feature.kind == "unit" else None
        key = _style_id(style) + (f"-{sidc}" if icon else "")
        if key not in styles:
            element = _kml_style(style, icon)
            element.set("id", key)
            styles[key] = element
        return key

    folders = []
    for spec in battle.layers:
        folder = ET.Element("Folder")
        ET.SubElement(folder, "name").text = f"{spec.title.zh} / {spec.title.en}"
        for feature in (f for f in battle.features if f.layer == spec.id):
            periods = status_periods(feature) if feature.status else []
            spans = periods or [(feature.start, feature.end, None)]
            for start, end, status in spans:
                placemark = ET.SubElement(folder, "Placemark", id=feature.id + (f"-{start}" if periods else ""))
                label = feature.map_label
                ET.SubElement(placemark, "name").text = f"{label.zh} / {label.en}"
                ET.SubElement(placemark, "description").text = _description(battle, feature)
                if start and end:
                    span = ET.SubElement(placemark, "TimeSpan")
                    ET.SubElement(span, "begin").text = start.isoformat()
                    ET.SubElement(span, "end").text = (end + timedelta(days=1)).isoformat()  # KML's end: next day
                ET.SubElement(placemark, "styleUrl").text = "#" + use(
                    feature, status or ("held" if feature.kind == "position" else None)
                )
                data = ET.SubElement(placemark, "ExtendedData")
                for name, value in (("id", feature.id), ("kind", feature.kind), ("status", status or "")):
                    item = ET.SubElement(data, "Data", name=name)
                    ET.SubElement(item, "value").text = value
                placemark.append(_kml_geometry(feature.geojson))
        folders.append(folder)
    for key in sorted(styles):
        document.append(styles[key])
    for folder in folders:
        document.append(folder)
    ET.indent(root, space=" ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def _png(width: int, height: int, pixel: Callable[[int, int], tuple[int, int, int, int]]) -> bytes:
    """A small RGBA PNG, written by hand (no imaging library needed)."""
    raw = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def dot_png() -> bytes:
    """A white disc with a dark rim: Google Earth tints it with the style's colour."""

    def pixel(x: int, y: int) -> tuple[int, int, int, int]:
        d = ((x - 15.5) ** 2 + (y - 15.5) ** 2) ** 0.5
        if d <= 12:
            return (255, 255, 255, 255)
        if d <= 14.5:
            return (40, 40, 40, 255)
        return (0, 0, 0, 0)

    return _png(32, 32, pixel)


def unit_icons(battle: Battle, browser: Any) -> dict[str, bytes]:
    """Each unit's APP-6D symbol as a PNG, rendered from its SVG by ``browser`` (Chromium)."""
    from layers import symbols

    sidcs = sorted({str(f.extra["sidc"]) for f in battle.features if f.kind == "unit"})
    out: dict[str, bytes] = {}
    context = browser.new_context(device_scale_factor=2)
    context.route("**/*", lambda route: route.abort())
    try:
        page = context.new_page()
        for sidc in sidcs:
            svg = symbols.symbol_svg(sidc)[0]
            page.set_content(
                f'<html><body style="margin:0;background:transparent"><div id="s">{svg}</div></body></html>'
            )
            out[sidc] = page.locator("#s svg").screenshot(omit_background=True)
    finally:
        context.close()
    return out


def kmz(battle: Battle, provenance: str, icons: dict[str, bytes]) -> bytes:
    """The KML zipped with its icons (a fixed date on every entry, in sorted order)."""
    paths = {sidc: f"icons/{sidc}.png" for sidc in icons}
    files = {"doc.kml": kml(battle, provenance, paths), "icons/dot.png": dot_png()}
    files.update({paths[sidc]: content for sidc, content in icons.items()})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files, key=lambda n: (n != "doc.kml", n)):  # doc.kml first, as Google Earth wants
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()


# ---------------------------------------------------------------- GeoPackage

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
    style = style_for(battle, feature, status or ("held" if feature.kind == "position" else None))
    row: dict[str, Any] = {name: None for name, _ in FEATURE_COLUMNS}
    row.update({k: v for k, v in props.items() if k in row})
    row["phases"] = ",".join(props.get("phases", []))
    row["start"], row["end"] = props.get("start"), props.get("end")
    row["sources"] = ",".join(feature.sources)
    # units are told apart by their symbol: the style QGIS categorizes on names the SIDC
    row["style"] = f"{style.key}:{feature.extra['sidc']}" if feature.kind == "unit" else style.key
    return row


def _frame(rows: list[dict[str, Any]], geometries: list[Any]):
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
                held = [style_for(battle, f, "held" if f.kind == "position" else None) for f in members]
                styled.append((table, family, held, [str(f.extra["sidc"]) for f in members if f.kind == "unit"]))
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
                styled.append((table, family, [style_for(battle, f, st) for f, _, _, st in chosen], []))
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


def _attributes_table(db: sqlite3.Connection, name: str, columns: list[tuple[str, str]], rows: list[tuple]) -> None:
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
        for c in f.status:
            status.append((f.id, c.date.isoformat(), c.status, ",".join(c.sources), *_pair(c.note)))
            cites += [(f.id, s, "status") for s in c.sources]
        for c in f.claims:
            claims.append((f.id, c.field, c.value, ",".join(c.sources), *_pair(c.note)))
            cites += [(f.id, s, "claim") for s in c.sources]
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
