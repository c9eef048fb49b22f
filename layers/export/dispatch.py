"""Exports: single-file HTML, print-ready PNG and PDF, and the data for GIS (GPKG, GeoJSON, KML).

Every export carries its provenance (the data's sha256 and the tool's version) and no
timestamp, so exporting the same data twice gives the same bytes — except PNG and PDF, whose
bytes depend on the Chromium build that renders them (the PDF also records Chromium's
creation time); their content is the same.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from layers import __version__
from layers.data.model import Battle
from layers.errors import BattleMapError, OutputError, inert
from layers.export import gis
from layers.page.assemble import provenance, render_site
from layers.site import write_site

FORMATS = ("html", "png", "pdf", "gpkg", "geojson", "kml", "kmz", "mp4", "webm", "gif")
#: Paper sizes in millimetres (landscape).
PAPER = {"a4": (297, 210), "a3": (420, 297), "letter": (279.4, 215.9)}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class BrowserMissingError(BattleMapError):
    """PNG/PDF export needs the system Chromium and Playwright."""

    exit_code = 5


def chromium_executable() -> str:
    """The system Chromium: $CHROMIUM_PATH, else chromium on PATH; a clear error if none."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path or not os.path.exists(path):
        raise BrowserMissingError(
            "PNG, PDF and KMZ export need Chromium: install it with 'apt-get install -y chromium' "
            "(or set CHROMIUM_PATH to a Chromium binary)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        raise BrowserMissingError("PNG, PDF and KMZ export need Playwright: pip install -e '.[export]'") from err
    return path


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
    ``film`` is a :class:`layers.film.FilmOptions` for mp4/webm/gif (size, pace, frame rate).
    """
    phases = [p.id for p in battle.phases if not phase_ids or p.id in set(phase_ids)]
    if fmt == "html":
        files = render_site(battle, phases, lang, single_file=True)
        files = {name: content for name, content in files.items() if name.endswith(".html")}
    elif fmt in ("png", "pdf"):
        files = _render_images(battle, phases, lang, fmt, paper, progress, browser)
    elif fmt in ("mp4", "webm", "gif"):
        from layers.export.film import render_film

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


def _render_images(
    battle: Battle, phases: list[str], lang: str, fmt: str, paper: str, progress: bool, browser: Any
) -> dict[str, bytes]:
    """Each phase page laid out for print, rendered in headless Chromium."""
    return _with_browser(browser, lambda b: _render_with(b, battle, phases, lang, fmt, paper, progress))


#: True in a page once its names have been placed on the map at least once.
LABELS_PLACED = "+(window.battleMap.map.getContainer().getAttribute('data-labels') || 0) > 0"


def _render_with(
    browser: Any, battle: Battle, phases: list[str], lang: str, fmt: str, paper: str, progress: bool
) -> dict[str, bytes]:
    from tqdm import tqdm

    width_mm, height_mm = PAPER[paper]
    viewport = {"width": round(width_mm / 25.4 * 96), "height": round(height_mm / 25.4 * 96)}
    pages = render_site(battle, phases, lang, single_file=True, printable=True)
    files: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        context = browser.new_context(viewport=viewport, device_scale_factor=2 if fmt == "png" else 1)
        context.route(
            "**/*", lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_()
        )
        page = context.new_page()
        page.emulate_media(media="print")
        pdfs = []
        for phase_id in tqdm(phases, desc=f"{fmt} export", unit="page", disable=not progress, file=sys.stderr):
            path = Path(tmp) / f"{phase_id}.html"
            path.write_bytes(pages[f"{phase_id}.html"])
            page.goto(path.as_uri())
            page.wait_for_function("window.battleMap !== undefined")
            page.wait_for_function(LABELS_PLACED)  # names on the map, placed for this paper size
            page.wait_for_timeout(150)  # let the canvas renderer finish its frame
            if fmt == "png":
                files[f"{phase_id}.png"] = page.screenshot(full_page=False)
            else:
                pdfs.append(page.pdf(width=f"{width_mm}mm", height=f"{height_mm}mm", print_background=True))
        context.close()
    if fmt == "pdf":
        files[f"{battle.id}.pdf"] = _merge_pdfs(pdfs, battle)
    return files


def _merge_pdfs(parts: list[bytes], battle: Battle) -> bytes:
    """One PDF, one page per phase, in phase order."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        for page in PdfReader(io.BytesIO(part)).pages:
            writer.add_page(page)
    writer.add_metadata(
        {
            "/Title": f"{battle.title.en} / {battle.title.zh}",
            "/Subject": provenance(battle),
            "/Creator": f"hengyang-map {__version__}",
        }
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _gis(battle: Battle, fmt: str, browser: Any = None) -> dict[str, bytes]:
    """The battle's data for GIS tools (see :mod:`layers.gis`), in one file named after it."""
    name = f"{battle.id}.{fmt}"
    try:
        if fmt == "gpkg":
            content = gis.geopackage(battle, provenance(battle))
        elif fmt == "geojson":
            content = gis.geojson(battle, provenance(battle))
        elif fmt == "kml":
            content = gis.kml(battle, provenance(battle))
        else:
            content = gis.kmz(battle, provenance(battle), _with_browser(browser, lambda b: gis.unit_icons(battle, b)))
    except (OSError, sqlite3.Error, ValueError) as err:  # GDAL's and SQLite's errors: an output problem
        raise OutputError(f"could not write {name}: {inert(str(err))}") from err
    return {name: content}


def _with_browser(browser: Any, work: Any) -> Any:
    """``work(browser)`` with the given Chromium, or with the system one started for it."""
    if browser is not None:
        return work(browser)
    executable = chromium_executable()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        own = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            return work(own)
        finally:
            own.close()
