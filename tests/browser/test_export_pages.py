"""Single-file pages, PNGs and the PDF, checked in Chromium and by their pixels."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from layers.export.dispatch import export
from layers.page.assemble import render_site

from ..conftest import OfflinePage
from ..images import png_pixels, variance

pytestmark = pytest.mark.browser


def test_single_file_page_works_alone(browser, battle, tmp_path: Path) -> None:
    export(battle, "html", tmp_path / "html", progress=False)
    for name in ("index.html", f"{battle.phases[0].id}.html"):
        alone = tmp_path / "alone" / name
        alone.parent.mkdir(exist_ok=True)
        alone.write_bytes((tmp_path / "html" / name).read_bytes())  # no neighbouring files at all
        page = OfflinePage(browser)
        try:
            tab = page.open(alone)
            shown = tab.evaluate("""() => Object.values(window.battleMap.groups)
              .filter(g => window.battleMap.map.hasLayer(g))
              .reduce((n, g) => n + g.getLayers().filter(l => !l.isDecor).length, 0)""")
            assert shown > 0
            assert page.errors == [] and page.blocked == []
            assert tab.locator(".leaflet-control-layers-base input").count() == 1  # no online tiles offered
        finally:
            page.close()


def test_png_and_pdf(battle, tmp_path: Path, browser) -> None:
    from pypdf import PdfReader

    names = export(battle, "png", tmp_path / "png", progress=False, browser=browser)
    assert sorted(n for n in names if n.endswith(".png")) == sorted(f"{p.id}.png" for p in battle.phases)
    for phase in battle.phases:
        width, height, grey = png_pixels((tmp_path / "png" / f"{phase.id}.png").read_bytes())
        assert (width, height) == (2 * 1123, 2 * 794)  # A4 landscape at 96 dpi, twice for print
        assert variance(grey) > 50
    export(battle, "pdf", tmp_path / "pdf", progress=False, paper="a3", browser=browser)
    reader = PdfReader(io.BytesIO((tmp_path / "pdf" / f"{battle.id}.pdf").read_bytes()))
    assert len(reader.pages) == len(battle.phases)
    box = reader.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 420 and round(float(box.height) / 72 * 25.4) == 297
    # every canvas that has a drawing on screen is an image on paper: the paths' canvases and the
    # units' (a canvas drawn again while the browser prepares to print loses the others)
    page = OfflinePage(browser, {"width": 1587, "height": 1123})
    try:
        page.page.emulate_media(media="print")
        printable = tmp_path / "printable.html"  # the page the PDF printed, as the exporter makes it
        name = f"{battle.phases[0].id}.html"
        printable.write_bytes(render_site(battle, [battle.phases[0].id], single_file=True, printable=True)[name])
        tab = page.open(printable)
        tab.wait_for_function("+(window.battleMap.map.getContainer().getAttribute('data-labels') || 0) >= 1")
        drawn = tab.evaluate(INKED_CANVASES)
    finally:
        page.close()
    assert drawn >= 2
    assert _images(reader.pages[0]) == drawn


#: How many of the page's canvases have a pixel drawn inside the page (a canvas reaches past
#: the view: what lies there is not printed).
INKED_CANVASES = """() => Array.from(document.querySelectorAll('canvas')).filter(c => {
  if (c.width < 2 || c.height < 2 || getComputedStyle(c).display === 'none') return false;
  const r = c.getBoundingClientRect(), k = c.width / r.width;
  const x0 = Math.max(0, Math.floor(-r.left * k)), y0 = Math.max(0, Math.floor(-r.top * k));
  const x1 = Math.min(c.width, Math.ceil((window.innerWidth - r.left) * k));
  const y1 = Math.min(c.height, Math.ceil((window.innerHeight - r.top) * k));
  if (x1 <= x0 || y1 <= y0) return false;
  const copy = document.createElement('canvas');
  copy.width = x1 - x0;
  copy.height = y1 - y0;
  const ctx = copy.getContext('2d', {willReadFrequently: true});
  ctx.drawImage(c, -x0, -y0);
  const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
  for (let i = 3; i < data.length; i += 4) { if (data[i]) return true; }
  return false;
}).length"""


def _images(page) -> int:
    """Image objects a PDF page draws, through its forms too."""

    def count(resources) -> int:
        objects = resources.get("/XObject") if resources else None
        n = 0
        for ref in (objects.get_object() if objects else {}).values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                n += 1
            elif obj.get("/Subtype") == "/Form":
                n += count(obj.get("/Resources"))
        return n

    return count(page["/Resources"])


def test_browser_print_is_clean(offline, battle, site: Path) -> None:
    tab = offline.open(site / f"{battle.phases[0].id}.html")
    tab.emulate_media(media="print")
    hidden = tab.evaluate("""() => ['.bm-story', '.bm-lang', '.leaflet-control-layers', '.leaflet-control-zoom',
        '.bm-twin', '.bm-bibliography'].map(s => getComputedStyle(document.querySelector(s)).display)""")
    assert set(hidden) == {"none"}
    shown = tab.evaluate("""() => ['.bm-legend', '.bm-north', '.bm-sources', '.leaflet-control-scale']
        .map(s => getComputedStyle(document.querySelector(s)).display)""")
    assert "none" not in shown
    assert offline.errors == []


#: The shown section's narrative and disputed values: [part, whole lines shown, whether it was
#: cut (bm-cut), whether every line of it is inside its box or beyond it: at most a fifth of a
#: line's box on the other side (the boxes of lines overlap a little, their ink does not)].
CUT_TEXTS = """() => Array.from(document.querySelectorAll(
    '.bm-section:not([hidden]) .bm-narrative, .bm-section:not([hidden]) .bm-claims')).map(node => {
  const box = node.getBoundingClientRect(), range = document.createRange(), rects = [];
  const texts = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  for (let t = texts.nextNode(); t; t = texts.nextNode()) {  // the lines of text, not the elements' boxes
    range.selectNodeContents(t);
    rects.push(...Array.from(range.getClientRects()).filter(r => r.height > 0));
  }
  const shown = r => (box.bottom - r.top) / r.height;
  const inside = rects.filter(r => shown(r) >= 4 / 5);
  const across = rects.filter(r => shown(r) > 1 / 5 && shown(r) < 4 / 5);
  const lines = new Set(inside.map(r => Math.round(r.bottom))).size;
  return [node.className, lines, node.classList.contains('bm-cut'), across.length === 0];
})"""


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_print_layout_keeps_the_essentials_on_the_page(browser, battle, tmp_path: Path, lang: str) -> None:
    """On an A4 print page of every phase, the title, narrative, sources line, the disputed
    values and the legend are all inside the page, not clipped away by a long panel: the
    figures give way first, then the narrative and the disputed values, each cut after a whole
    line (faded), never through one."""
    from layers.page.assemble import render_site

    files = render_site(battle, lang=lang, single_file=True, printable=True)
    for phase in battle.phases:
        path = tmp_path / f"{phase.id}.html"
        path.write_bytes(files[f"{phase.id}.html"])
        page = OfflinePage(browser, {"width": 1123, "height": 794})
        try:
            tab = page.open(path)
            tab.evaluate("document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(r)))")
            boxes = tab.evaluate("""() => {
              const box = s => { const e = document.querySelector(s); if (!e) return null;
                const r = e.getBoundingClientRect(); return [r.top, r.bottom, r.height]; };
              const section = '.bm-section:not([hidden]) ';
              return {body: box('.bm-body'), narrative: box(section + '.bm-narrative'),
                      sources: box(section + '.bm-sources'), claims: box(section + '.bm-claims'),
                      legend: box('.bm-legend'), panel: box('#bm-panel'), section: box(section.trim())};
            }""")
            bottom = min(boxes["body"][1], 794)
            for part in ("narrative", "sources", "claims", "legend"):
                if boxes[part] is None:
                    assert part == "claims", (phase.id, part)
                    continue
                assert boxes[part][2] > 0 and boxes[part][1] <= bottom + 1, (lang, phase.id, part, boxes)
                if part != "legend":  # and not hidden by the section, which clips what overflows it
                    assert boxes[part][1] <= boxes["section"][1] + 1, (lang, phase.id, part, boxes)
            assert boxes["panel"][1] <= 794
            # a text that gives way ends on a whole line, faded, and keeps two lines at least
            for part, lines, cut, whole in tab.evaluate(CUT_TEXTS):
                assert whole, (lang, phase.id, part)
                assert not cut or lines >= 2, (lang, phase.id, part, lines)
            assert page.errors == []
        finally:
            page.close()


def test_kmz_packs_unit_symbols_as_icons(battle, tmp_path: Path, browser) -> None:
    import xml.etree.ElementTree as ET
    import zipfile

    export(battle, "kmz", tmp_path, progress=False, browser=browser)
    with zipfile.ZipFile(tmp_path / f"{battle.id}.kmz") as archive:
        names = archive.namelist()
        assert names[0] == "doc.kml"  # Google Earth reads the first KML in the archive
        sidcs = {str(f.sidc) for f in battle.features if f.kind == "unit"}
        assert {f"icons/{sidc}.png" for sidc in sidcs} <= set(names)
        for name in names:
            if name.endswith(".png"):
                assert archive.read(name).startswith(b"\x89PNG\r\n\x1a\n"), name
        root = ET.fromstring(archive.read("doc.kml"))
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    hrefs = {h.text for h in root.iter(f"{{{ns['k']}}}href")}
    assert {f"icons/{sidc}.png" for sidc in sidcs} <= hrefs  # every unit style points at its symbol
