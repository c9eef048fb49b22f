"""Reading the file a person edited in a GIS, for ``import``: a GeoPackage or a GeoJSON, nothing else.

GDAL is never asked to open the file. GDAL guesses a format from the content, and a file
named ``.gpkg`` can be an OGR VRT (XML) that pulls in any file or URL: so a GeoPackage is
recognised by its SQLite header and read with Python's own ``sqlite3`` (read-only, untrusted
schema, an authorizer that permits reading and nothing else, no views, no virtual tables),
and its geometries are decoded from the GeoPackage binary format by this module. A GeoJSON
is read as JSON text. Both are capped in size, and every malformed input is a readable
:class:`ImportRefused`, never a traceback.
"""

from __future__ import annotations

import math
import sqlite3
import stat
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..errors import BattleMapError, Problem, inert, shorten

#: Largest edited file read: an export of a large battle is a few tens of megabytes.
MAX_IMPORT_BYTES = 128 * 1024 * 1024
#: The first 16 bytes of every SQLite 3 database, so of every GeoPackage.
SQLITE_MAGIC = b"SQLite format 3\x00"
#: Tables of a GeoPackage export that are not map layers: read, never written back.
DERIVED_TABLES = ("position_states", "position_state_areas")
#: Bytes of the envelope a GeoPackage geometry carries, by its envelope code (flags bits 1-3).
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
#: Calls of the progress handler (one per 1000 SQLite virtual-machine steps) allowed for reading
#: one file: a bound on the work a crafted file can ask for (an honest export needs far fewer).
_MAX_STEPS = 1_000_000


class ImportRefused(BattleMapError):
    """The edited file cannot be mapped back onto the data folder."""

    exit_code = 1


@dataclass(frozen=True)
class Row:
    """One row of the edited file: its table (layer), attributes and shapely geometry (or None)."""

    table: str
    values: dict[str, Any]
    geometry: Any


def read_rows(path: Path) -> list[Row]:
    """Every row of the edited file's map layers.

    Raises
    ------
    ImportRefused
        When the file is not a GeoPackage or GeoJSON, is too large, or is malformed.
    """
    shown = inert(str(path))
    suffix = path.suffix.lower()
    if suffix not in (".gpkg", ".geojson", ".json"):
        raise ImportRefused(f"{shown}: expected a .gpkg or .geojson file that 'export' wrote")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ImportRefused(f"{shown}: not a regular file")
        size = info.st_size
        if size > MAX_IMPORT_BYTES:
            raise ImportRefused(f"{shown}: {size} bytes; an edited export of at most {MAX_IMPORT_BYTES} bytes")
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as err:
        raise ImportRefused(f"{shown}: unreadable ({inert(err.strerror or str(err))})") from err
    if suffix == ".gpkg":
        if head != SQLITE_MAGIC:
            raise ImportRefused(f"{shown}: not a GeoPackage (a GeoPackage is an SQLite database; this file is not)")
        return list(_geopackage_rows(path))
    return _geojson_rows(path)


def _geojson_rows(path: Path) -> list[Row]:
    from ..data.parse import parse_json

    problems: list[Problem] = []
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ImportRefused(f"{inert(str(path))}: unreadable ({inert(err.strerror or str(err))})") from err
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark, as some editors write
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ImportRefused(f"{inert(str(path))}: bytes that are not UTF-8 at offset {err.start}") from err
    document = parse_json(text, path.name, problems)
    if problems or document is None:
        raise ImportRefused(f"{inert(str(path))}: " + "; ".join(str(p) for p in problems))
    if not isinstance(document, dict) or not isinstance(document.get("features"), list):
        raise ImportRefused(f"{inert(str(path))}: not a GeoJSON FeatureCollection (no list of 'features')")
    rows = []
    for index, item in enumerate(document["features"]):
        where = f"{inert(path.name)}: feature {index + 1}"
        if not isinstance(item, dict):
            raise ImportRefused(f"{where}: found {shorten(item)}; expected a GeoJSON Feature")
        props = item.get("properties")
        if props is None:
            props = {}
        if not isinstance(props, dict):
            raise ImportRefused(f"{where}: 'properties' is {shorten(props)}; expected an object")
        values = dict(props)
        values["id"] = item.get("id", props.get("id"))
        for key, value in values.items():
            if not _all_finite(value):  # JSON reads 1e400 as an infinity, with no error
                raise ImportRefused(f"{where}: '{inert(str(key))}' is not a finite number (or holds one)")
        rows.append(Row("features", values, _geojson_geometry(item.get("geometry"), where)))
    return rows


def _geojson_geometry(data: Any, where: str) -> Any:
    if data is None:
        return None
    from shapely.geometry import shape

    if not isinstance(data, dict) or data.get("type") not in (
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
    ):
        raise ImportRefused(f"{where}: geometry {shorten(data)}; expected a GeoJSON geometry")
    try:
        geometry = shape(data)
        coords = _all_coordinates(geometry)
    except Exception as err:  # shapely raises several errors of its own for malformed coordinates
        raise ImportRefused(f"{where}: geometry that cannot be read ({inert(type(err).__name__)})") from err
    if not all(math.isfinite(c) for c in coords):
        raise ImportRefused(f"{where}: geometry with a coordinate that is not a finite number")
    return geometry


def _all_coordinates(geometry: Any) -> list[float]:
    import shapely

    return [float(v) for v in shapely.get_coordinates(geometry).ravel()]


def _geopackage_rows(path: Path) -> Iterator[Row]:
    shown = inert(str(path))
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error as err:
        raise ImportRefused(f"{shown}: not a readable GeoPackage ({inert(str(err))})") from err
    try:
        _confine(connection)
        yield from _read_layers(connection, shown)
    except sqlite3.Error as err:  # truncated, corrupt, not a GeoPackage, a read the authorizer denied
        raise ImportRefused(f"{shown}: not a readable GeoPackage ({inert(str(err))})") from err
    except UnicodeDecodeError as err:
        raise ImportRefused(f"{shown}: not a readable GeoPackage (a text that is not UTF-8)") from err
    finally:
        connection.close()


def _confine(connection: sqlite3.Connection) -> None:
    """Let this connection read rows and nothing else: no function a schema names, no
    attached database, no write; and stop a crafted query plan that runs too long."""
    connection.execute("PRAGMA trusted_schema = OFF")
    connection.execute("PRAGMA query_only = ON")
    allowed = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ}

    def authorize(action: int, arg1: Any, arg2: Any, database: Any, source: Any) -> int:
        if action in allowed and database in (None, "main"):
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    connection.set_authorizer(authorize)
    steps = [0]

    def progress() -> int:
        steps[0] += 1
        return 1 if steps[0] > _MAX_STEPS else 0  # non-zero interrupts the statement

    connection.set_progress_handler(progress, 1000)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _read_layers(connection: sqlite3.Connection, shown: str) -> Iterator[Row]:
    master = connection.execute("SELECT type, name, sql FROM sqlite_master")
    tables = {name: sql or "" for kind, name, sql in master if kind == "table"}
    if "gpkg_contents" not in tables or "gpkg_geometry_columns" not in tables:
        raise ImportRefused(f"{shown}: not a GeoPackage (no gpkg_contents or gpkg_geometry_columns table)")
    columns = {
        table: (column, srs)
        for table, column, srs in connection.execute(
            "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns"
        )
    }
    wgs84 = {
        srs
        for srs, org, code in connection.execute(
            "SELECT srs_id, organization, organization_coordsys_id FROM gpkg_spatial_ref_sys"
        )
        if isinstance(org, str) and org.upper() == "EPSG" and code == 4326
    }
    layers = [
        table
        for (table,) in connection.execute(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name"
        )
    ]
    for table in layers:
        if not isinstance(table, str) or table in DERIVED_TABLES:
            continue  # the derived per-state layers are not edited back
        yield from _read_layer(connection, shown, table, tables.get(table), columns.get(table), wgs84)


def _read_layer(
    connection: sqlite3.Connection,
    shown: str,
    table: str,
    sql: str | None,
    column: tuple[Any, Any] | None,
    wgs84: set[Any],
) -> Iterator[Row]:
    """The rows of the feature table ``table`` (made by ``sql``, its geometry in ``column``
    with its reference system, as gpkg_geometry_columns names them), once it is one that
    'export' could have written."""
    name = inert(table)
    if sql is None or sql.lstrip().upper().startswith("CREATE VIRTUAL"):
        raise ImportRefused(f"{shown}: layer '{name}' is not a plain table (a view or virtual table is not read)")
    if column is None:
        raise ImportRefused(f"{shown}: layer '{name}' has no entry in gpkg_geometry_columns")
    geometry_column, srs = column
    if srs not in wgs84:
        raise ImportRefused(
            f"{shown}: layer '{name}' is in reference system {shorten(srs)}; "
            "expected WGS84 (EPSG:4326), as 'export' wrote it"
        )
    cursor = connection.execute(f"SELECT * FROM {_quoted(table)}")
    names = [d[0] for d in cursor.description]
    if geometry_column not in names:
        raise ImportRefused(
            f"{shown}: layer '{name}' has no column '{inert(str(geometry_column))}', "
            "the geometry column gpkg_geometry_columns names"
        )
    for number, record in enumerate(cursor, start=1):
        values = dict(zip(names, record, strict=True))
        blob = values.pop(geometry_column)
        where = f"{shown}: layer '{name}' row {number}"
        for key, value in values.items():
            if not (value is None or isinstance(value, (str, int)) or _finite(value)):
                found = shorten(value)
                raise ImportRefused(f"{where}: column '{inert(str(key))}' holds {found}; expected a text or a number")
        yield Row(table, values, decode_geometry(blob, where))


def _all_finite(value: Any) -> bool:
    """Whether every float in ``value`` (a JSON value) is finite."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return False
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _finite(value: Any) -> bool:
    return isinstance(value, float) and math.isfinite(value)


def decode_geometry(blob: Any, where: str = "geometry") -> Any:
    """A shapely geometry from a GeoPackage geometry blob (header, envelope, WKB); None for NULL
    or an empty geometry.

    >>> decode_geometry(bytes.fromhex("47500001e6100000") + bytes.fromhex("0101000000000000000000f03f0000000000000040"))
    <POINT (1 2)>
    """
    if blob is None:
        return None
    if not isinstance(blob, bytes) or len(blob) < 8 or blob[:2] != b"GP" or blob[2] != 0:
        raise ImportRefused(f"{where}: a geometry that is not a GeoPackage geometry")
    flags = blob[3]
    if flags & 0b0010_0000:
        raise ImportRefused(f"{where}: an extended GeoPackage geometry; expected a standard one")
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None:
        raise ImportRefused(f"{where}: a geometry with an unknown envelope code")
    struct.unpack("<i" if flags & 1 else ">i", blob[4:8])  # the SRS id, checked per layer
    if flags & 0b0001_0000:
        return None  # an empty geometry
    import shapely

    try:
        geometry = shapely.from_wkb(blob[8 + envelope :])
        coords = _all_coordinates(geometry)
    except Exception as err:  # shapely's GEOSException and its kin: a malformed WKB
        raise ImportRefused(f"{where}: a geometry that cannot be read ({inert(type(err).__name__)})") from err
    if geometry is None or geometry.is_empty:
        return None
    if not all(math.isfinite(c) for c in coords):
        raise ImportRefused(f"{where}: a geometry with a coordinate that is not a finite number")
    return geometry
