"""Print-ready PNG and PDF: each phase page laid out for paper, rendered in headless Chromium."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .. import __version__
from ..contract import Api, Attr, Global
from ..data.model import Battle, Bilingual
from ..page.assemble import provenance, render_site
from .chromium import LABELS_PLACED, PAGE_TIMEOUT_MS, wait_until, with_browser
from .pdftext import mend_text_layer

#: Paper sizes in millimetres (landscape).
PAPER = {"a4": (297, 210), "a3": (420, 297), "letter": (279.4, 215.9)}


#: Resolves once the page has drawn what it asked for: its symbols (the drawn page's promise)
#: and the fonts, then two frames, so that the canvases have painted the view (an event, not a
#: fixed wait: on a busy machine a frame takes longer).
DRAWN = f"""async () => {{
  await window.{Global.MAP}.{Api.READY};
  await document.fonts.ready;
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
}}"""


def render_images(
    battle: Battle, phases: list[str], lang: str, fmt: str, paper: str, progress: bool, browser: Any
) -> dict[str, bytes]:
    """Each phase page laid out for print, rendered in headless Chromium."""
    return with_browser(browser, lambda b: _render_with(b, battle, phases, lang, fmt, paper, progress))


#: True once a page laid out for paper has flowed its text for the fonts it prints with.
PRINT_READY = f"document.documentElement.getAttribute('{Attr.PRINT_READY}') === '1'"

#: Links to the site's other pages lead nowhere on paper, and Chromium would write each as the
#: address of the file it printed (a temporary folder of the machine that made the PDF): they
#: are printed as text. Links within the page (a citation to its entry) and to the web stay.
UNLINK = """() => document.querySelectorAll('a[href]').forEach(a => {
  if (!a.getAttribute('href').startsWith('#') && new URL(a.href).protocol === 'file:') a.removeAttribute('href');
})"""

#: Pixels per inch of the PNG pages: twice the page's 96 (a sharp print at A4).
PNG_DPI = 192


def _render_with(
    browser: Any, battle: Battle, phases: list[str], lang: str, fmt: str, paper: str, progress: bool
) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    pdfs = []
    with paper_tab(browser, paper) as (page, sheet):
        for phase_id in printed_phases(page, battle, phases, lang, f"{fmt} export", progress):
            pdf = page.pdf(**sheet)
            if fmt == "png":  # the same sheets as the PDF: the map's, then the text's that follow it
                for number, image in enumerate(_rasterise(pdf), start=1):
                    files[f"{phase_id}.png" if number == 1 else f"{phase_id}-{number}.png"] = image
            else:
                pdfs.append(pdf)
    if fmt == "pdf":
        files[f"{battle.id}.pdf"] = merge_pdfs(pdfs, battle)
    return files


@contextmanager
def paper_tab(browser: Any, paper: str) -> Iterator[tuple[Any, dict[str, Any]]]:
    """A Chromium tab the size of ``paper``, laid out for print and offline (``file:`` only),
    with the options of ``page.pdf`` that print one of its sheets."""
    width_mm, height_mm = PAPER[paper]
    viewport = {"width": round(width_mm / 25.4 * 96), "height": round(height_mm / 25.4 * 96)}
    # (twice the pixels: the map's canvases are printed as images at that resolution)
    context = browser.new_context(viewport=viewport, device_scale_factor=2)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.route(
        "**/*", lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_()
    )
    try:
        page = context.new_page()
        page.emulate_media(media="print")
        yield page, {"width": f"{width_mm}mm", "height": f"{height_mm}mm", "print_background": True}
    finally:
        context.close()


def printed_phases(page: Any, battle: Battle, phases: list[str], lang: str, desc: str, progress: bool) -> Iterator[str]:
    """Each phase's page laid out for paper, opened in ``page`` and ready to print: yields its id."""
    from tqdm import tqdm

    pages = render_site(battle, phases, lang, single_file=True, printable=True)
    with tempfile.TemporaryDirectory() as tmp:
        for phase_id in tqdm(phases, desc=desc, unit="page", disable=not progress, file=sys.stderr):
            path = Path(tmp) / f"{phase_id}.html"
            path.write_bytes(pages[f"{phase_id}.html"])
            page.goto(path.as_uri())
            wait_until(page, f"window.{Global.MAP} !== undefined")
            wait_until(page, LABELS_PLACED)  # names on the map, placed for this paper size
            wait_until(page, PRINT_READY)  # the text flowed beside the map and after it
            page.evaluate(DRAWN)  # every symbol drawn, and the canvases' frame painted
            page.evaluate(UNLINK)
            yield phase_id


def _rasterise(pdf: bytes) -> list[bytes]:
    """Each page of a PDF as a PNG at PNG_DPI (pdfium renders it; Pillow writes it)."""
    import io

    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    out = []
    try:
        for index in range(len(document)):
            image = document[index].render(scale=PNG_DPI / 72).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=False)
            out.append(buffer.getvalue())
    finally:
        document.close()
    return out


def merge_pdfs(parts: list[bytes], battle: Battle, kind: Bilingual | None = None) -> bytes:
    """One PDF of ``parts``' pages in order (``kind``: what the document is, after its title)."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        for page in PdfReader(io.BytesIO(part)).pages:
            writer.add_page(page)
    mend_text_layer(writer)  # searchable: 月, not the radical ⽉
    title = f"{battle.title.en} / {battle.title.zh}" + (f" — {kind.en} / {kind.zh}" if kind else "")
    writer.add_metadata(
        {
            "/Title": title,
            "/Subject": provenance(battle),
            "/Creator": f"hengyang-map {__version__}",
        }
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
