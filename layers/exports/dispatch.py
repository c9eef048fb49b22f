"""Exports: single-file HTML, print-ready PNG and PDF, and the data for GIS (GPKG, GeoJSON, KML).

Every export carries its provenance (the data's sha256 and the tool's version) and no
timestamp, so exporting the same data twice gives the same bytes — except PNG and PDF, whose
bytes depend on the Chromium build that renders them (the PDF also records Chromium's
creation time); their content is the same.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..data.model import Battle
from ..errors import OutputError, inert
from ..page.assemble import provenance, render_site
from ..site import write_site
from . import geojson, gpkg, kml
from .chromium import with_browser
from .printed import render_images

FORMATS = ("html", "png", "pdf", "handout", "gpkg", "geojson", "kml", "kmz", "mp4", "webm", "gif")


def export(
    battle: Battle,
    fmt: str,
    out_dir: Path | str,
    phase_ids: Iterable[str] | None = None,
    lang: str = "zh",
    paper: str = "a4",
    progress: bool = True,
    browser: Any = None,
    film: Any = None,
) -> list[str]:
    """Export ``battle`` as ``fmt`` into ``out_dir`` (replaced atomically); returns the file names.

    ``browser`` may be a running Playwright Chromium to render PNG/PDF with (tests share
    one); by default the system Chromium is started for the export and closed after.
    ``film`` is a :class:`layers.exports.film.FilmOptions` for mp4/webm/gif (size, pace, frame rate).
    """
    phases = [p.id for p in battle.phases if not phase_ids or p.id in set(phase_ids)]
    if fmt == "html":
        files = render_site(battle, phases, lang, single_file=True)
        files = {name: content for name, content in files.items() if name.endswith(".html")}
    elif fmt in ("png", "pdf"):
        files = render_images(battle, phases, lang, fmt, paper, progress, browser)
    elif fmt == "handout":
        from .handout import render_handout

        files = render_handout(battle, phases, lang, paper, progress, browser)
    elif fmt in ("mp4", "webm", "gif"):
        from .film import render_film

        files = render_film(battle, phases, lang, fmt, film, progress, browser)
    elif fmt in ("gpkg", "geojson", "kml", "kmz"):
        files = _gis(battle, fmt, browser)
    else:  # the CLI restricts the choice; this guards library callers
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    files["PROVENANCE.txt"] = _provenance_text(battle, fmt).encode("utf-8")
    write_site(files, out_dir)
    return sorted(files)


def _provenance_text(battle: Battle, fmt: str) -> str:
    lines = [
        f"{battle.title.en} / {battle.title.zh} — export ({fmt})",
        provenance(battle),
        "",
        "Sources:",
        *(f"  {s.id} [{s.tier}] {s.title}" + (f" <{s.url}>" if s.url else "") for s in battle.sources.values()),
    ]
    return "\n".join(lines) + "\n"


def _gis(battle: Battle, fmt: str, browser: Any = None) -> dict[str, bytes]:
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
