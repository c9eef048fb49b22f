"""The battle's data for GIS tools in one file: GeoPackage, GeoJSON, KML or KMZ."""

from __future__ import annotations

import sqlite3
from typing import Any

from ..data.model import Battle
from ..errors import OutputError, inert
from ..page.assemble import provenance
from . import geojson, gpkg, kml
from .chromium import with_browser


def render_gis(battle: Battle, fmt: str, browser: Any = None) -> dict[str, bytes]:
    """The battle's data for GIS tools (:mod:`layers.exports.gpkg`, :mod:`~layers.exports.geojson`,
    :mod:`~layers.exports.kml`), in one file named after it (a plain KML with the icon it names)."""
    name = f"{battle.id}.{fmt}"
    try:
        if fmt == "kml":  # with the icon file it names
            return kml.kml_files(battle, provenance(battle), name)
        if fmt == "gpkg":
            content = gpkg.geopackage(battle, provenance(battle))
        elif fmt == "geojson":
            content = geojson.geojson(battle, provenance(battle))
        else:
            content = kml.kmz(battle, provenance(battle), with_browser(browser, lambda b: kml.unit_icons(battle, b)))
    except (OSError, sqlite3.Error, ValueError) as err:  # GDAL's and SQLite's errors: an output problem
        raise OutputError(f"could not write {name}: {inert(str(err))}") from err
    return {name: content}
