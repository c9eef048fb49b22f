"""Exports: the format's renderer picked, the files it makes and their provenance written atomically.

The formats: single-file HTML (:mod:`.singlefile`), print-ready PNG and PDF (:mod:`.printed`), a
teacher's handout (:mod:`.handout`), a film (:mod:`.film`) and the data for GIS (:mod:`.gis`:
GPKG, GeoJSON, KML).

Every export carries its provenance (the data's sha256 and the tool's version) and no
timestamp, so exporting the same data twice gives the same bytes — except PNG and PDF, whose
bytes depend on the Chromium build that renders them (the PDF also records Chromium's
creation time); their content is the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..contract import Language
from ..data.model import Battle
from ..site import write_site
from .gis import render_gis
from .printed import render_images
from .provenance import provenance_text
from .singlefile import render_single_file

FORMATS = ("html", "png", "pdf", "handout", "gpkg", "geojson", "kml", "kmz", "mp4", "webm", "gif")


def export(
    battle: Battle,
    fmt: str,
    out_dir: Path | str,
    phase_ids: Iterable[str] | None = None,
    lang: str = Language.DEFAULT,
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
        files = render_single_file(battle, phases, lang)
    elif fmt in ("png", "pdf"):
        files = render_images(battle, phases, lang, fmt, paper, progress, browser)
    elif fmt == "handout":
        from .handout import render_handout

        files = render_handout(battle, phases, lang, paper, progress, browser)
    elif fmt in ("mp4", "webm", "gif"):
        from .film import render_film

        files = render_film(battle, phases, lang, fmt, film, progress, browser)
    elif fmt in ("gpkg", "geojson", "kml", "kmz"):
        files = render_gis(battle, fmt, browser)
    else:  # the CLI restricts the choice; this guards library callers
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    files["PROVENANCE.txt"] = provenance_text(battle, fmt).encode("utf-8")
    write_site(files, out_dir)
    return sorted(files)
