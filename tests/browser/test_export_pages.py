"""Single-file pages, PNGs and the PDF, checked in Chromium and by their pixels."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from layers.exports.dispatch import export
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
    pngs = sorted(n for n in names if n.endswith(".png"))
    for phase in battle.phases:  # the map's sheet, then the text's that follow it: phase-2.png …
        sheets = [n for n in pngs if re.fullmatch(re.escape(phase.id) + r"(-\d+)?\.png", n)]
        expected = [f"{phase.id}.png", *(f"{phase.id}-{k}.png" for k in range(2, len(sheets) + 1))]
        assert len(sheets) >= 2 and sorted(sheets) == sorted(expected), (phase.id, sheets)
        for name in sheets:
            width, height, grey = png_pixels((tmp_path / "png" / name).read_bytes())
            # A4 landscape at 192 dpi (twice the page's 96), to half a millimetre: Chromium sets a
            # page's size in whole CSS pixels
            assert abs(width - 297 / 25.4 * 192) < 4 and abs(height - 210 / 25.4 * 192) < 4, (name, width, height)
            assert variance(grey) > 50
    assert len(pngs) == sum(
        1 for n in pngs for p in battle.phases if re.fullmatch(re.escape(p.id) + r"(-\d+)?\.png", n)
    )
    export(battle, "pdf", tmp_path / "pdf", progress=False, paper="a3", browser=browser)
    reader = PdfReader(io.BytesIO((tmp_path / "pdf" / f"{battle.id}.pdf").read_bytes()))
    assert len(reader.pages) >= 2 * len(battle.phases)  # each phase: its map, then its text
    assert local_links(reader) == []  # nothing of the machine that made it
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
    """Image objects of at least 100 × 100 pixels a PDF page draws, through its forms too."""

    def count(resources) -> int:
        objects = resources.get("/XObject") if resources else None
        n = 0
        for ref in (objects.get_object() if objects else {}).values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":  # (a name's halo is a small image: not a canvas)
                n += int(obj.get("/Width", 0)) >= 100 and int(obj.get("/Height", 0)) >= 100
            elif obj.get("/Subtype") == "/Form":
                n += count(obj.get("/Resources"))
        return n

    return count(page["/Resources"])


def test_browser_print_is_clean(offline, battle, site: Path) -> None:
    tab = offline.open(site / f"{battle.phases[0].id}.html")
    tab.emulate_media(media="print")
    tab.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # as the browser does before it prints
    hidden = tab.evaluate("""() => ['.bm-story', '.bm-lang', '.leaflet-control-layers', '.leaflet-control-zoom',
        '.bm-twin', '.bm-bibliography'].map(s => getComputedStyle(document.querySelector(s)).display)""")
    assert set(hidden) == {"none"}
    shown = tab.evaluate("""() => ['.bm-legend', '.bm-north', '.bm-sources', '.leaflet-control-scale']
        .map(s => getComputedStyle(document.querySelector(s)).display)""")
    assert "none" not in shown
    assert offline.errors == []


#: Where each part of the shown phase's text is on a page laid out for paper: the narrative's
#: text, the parts' counts and whether each lies whole inside what shows it (the panel's body
#: beside the map, or the sheets after the map), and the boxes that must stay on the page.
PRINTED = """() => {
  const body = document.querySelector('.bm-body'), b = body.getBoundingClientRect();
  const after = document.querySelector('.bm-after');
  const section = document.querySelector('.bm-section:not([hidden])');
  const inside = n => after && after.contains(n) ? true : n.getBoundingClientRect().bottom <= b.bottom + 0.5;
  const parts = sel => Array.from(document.querySelectorAll(sel)).filter(n => n.getClientRects().length > 0);
  const narrative = {};
  for (const p of parts('.bm-narrative p')) {
    const lang = p.getAttribute('lang');
    narrative[lang] = (narrative[lang] || '') + p.textContent;
  }
  const box = s => { const e = document.querySelector(s); if (!e) return null;
    const r = e.getBoundingClientRect(); return [r.top, r.bottom, r.height]; };
  return {
    narrative,
    whole: parts('.bm-narrative p, .bm-sources, .bm-claims, .bm-figures').every(inside),
    counts: ['.bm-sources', '.bm-claims', '.bm-figures'].map(s => parts(s).length),
    expected: ['.bm-sources', '.bm-claims', '.bm-figures']
      .map(s => section.querySelector(s) || after.querySelector(s) ? 1 : 0),
    cut: document.querySelectorAll('.bm-cut').length,
    masked: parts('.bm-panel *').filter(n => getComputedStyle(n).maskImage !== 'none').length,
    legend: box('.bm-legend'), panel: box('#bm-panel'), flowed: +document.documentElement.getAttribute('data-flowed'),
  };
}"""


def _read_on(pages: list[str], text: str) -> bool:
    """Whether text is printed whole: all of it on one page, or its first part at the end of
    what one page says and the rest on the pages after it, in order."""

    def holds(page: str, start: str) -> bool:
        return start in page

    def longest_start(page: str, rest: str) -> int:  # the longest start of rest that page holds
        lo, hi = 0, len(rest)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if holds(page, rest[:mid]) else (lo, mid - 1)
        return lo

    for first in range(len(pages)):
        rest, at = text, first
        while rest and at < len(pages):
            held = longest_start(pages[at], rest)
            if held == 0:
                break
            rest, at = rest[held:], at + 1
        if not rest:
            return True
    return False


def _squeezed(text: str) -> str:
    """Text compared across layouts: ligatures as letters (a PDF's "ﬁ"), dashes as one, no
    spaces. Radicals are not folded: a PDF that says ⽉ for 月 cannot be searched for 月."""
    import unicodedata

    text = re.sub("[\ufb00-\ufb06]", lambda m: unicodedata.normalize("NFKC", m.group()), text)  # ﬁ, ﬀ, ﬃ…
    text = re.sub("[\u2010-\u2015\u2212]", "-", text)
    return "".join(text.split())


#: CJK radicals and strokes: a PDF's text layer that holds one misreads a character.
RADICALS = re.compile("[\u2e80-\u2fdf\u31c0-\u31ef]")


def local_links(reader) -> list[str]:
    """The addresses of a PDF's links that lead to a file (the machine's own folders)."""
    out = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            uri = str(action.get_object().get("/URI", "")) if action else ""
            if uri.startswith("file:"):
                out.append(uri)
    return out


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_print_never_cuts_the_text(browser, battle, tmp_path: Path, lang: str) -> None:
    """On an A4 print page of every phase, the title, the key and the first of the text stand
    beside the map, and the rest of the narrative, the sources line, the disputed values and the
    figures follow on the sheets after it: each part once, whole, nothing clipped or faded."""
    files = render_site(battle, lang=lang, single_file=True, printable=True)
    langs = {"zh": ["zh-Hans"], "en": ["en"], "both": ["zh-Hans", "en"]}[lang]
    for phase in battle.phases:
        path = tmp_path / f"{phase.id}.html"
        path.write_bytes(files[f"{phase.id}.html"])
        page = OfflinePage(browser, {"width": 1123, "height": 794})
        try:
            page.page.emulate_media(media="print")
            tab = page.open(path)
            tab.wait_for_function("document.documentElement.getAttribute('data-print-ready') === '1'")
            got = tab.evaluate(PRINTED)
            assert got["whole"], (lang, phase.id)
            assert got["counts"] == got["expected"] and got["expected"][0] == 1, (lang, phase.id, got)
            assert got["cut"] == 0 and got["masked"] == 0, (lang, phase.id)
            assert got["legend"][1] <= 794 and got["panel"][1] <= 794, (lang, phase.id, got)
            for code in langs:  # the whole narrative, in order, nothing lost or repeated at the split
                text = phase.narrative.zh if code == "zh-Hans" else phase.narrative.en
                assert _squeezed(got["narrative"][code]) == _squeezed(text), (lang, phase.id, code)
            assert page.errors == []
        finally:
            page.close()


def test_a_long_text_flows_onto_the_next_sheets(browser, battle, tmp_path: Path) -> None:
    """A narrative far longer than the panel: the panel ends on a whole line, the text goes on
    after the map, and the sheets after it carry every word, in order."""
    import dataclasses

    from layers.data.model import Bilingual

    long_en = " ".join(f"Sentence {i} of a long account, with several words in it." for i in range(400))
    phase = dataclasses.replace(battle.phases[0], narrative=Bilingual("长" * 20 + "。" + "很长的叙述。" * 600, long_en))
    longer = dataclasses.replace(battle, phases=[phase, *battle.phases[1:]])
    files = render_site(longer, [phase.id], lang="both", single_file=True)  # the web page, printed
    path = tmp_path / "long.html"
    path.write_bytes(files[f"{phase.id}.html"])
    page = OfflinePage(browser, {"width": 1123, "height": 794})
    try:
        tab = page.open(path)
        tab.evaluate("document.fonts.ready.then(() => true)")
        page.page.emulate_media(media="print")
        tab.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # as the browser does before it prints
        got = tab.evaluate(PRINTED)
        assert got["whole"] and got["flowed"] >= 2
        assert _squeezed(got["narrative"]["en"]) == _squeezed(long_en)
        assert _squeezed(got["narrative"]["zh-Hans"]) == _squeezed(phase.narrative.zh)
        # the sheets after the map are as tall as the text needs (several pages here)
        height = tab.evaluate("document.querySelector('.bm-after').getBoundingClientRect().height")
        assert height > 794
        # back on screen (the browser's print ends), the page is as it was
        tab.evaluate("window.dispatchEvent(new Event('afterprint'))")
        page.page.emulate_media(media="screen")
        assert tab.evaluate("document.querySelectorAll('.bm-after, .bm-cont, .bm-foot').length") == 0
        assert _squeezed(tab.evaluate("document.querySelector('.bm-narrative p[lang=en]').textContent")) == _squeezed(
            long_en
        )
        assert page.errors == []
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_pdf_text_holds_every_narrative_and_each_name_once(battle, tmp_path: Path, browser, lang: str) -> None:
    """The PDF's text layer: every phase's whole narrative, and each name on the map written
    once (a halo drawn as copies of the text would repeat it)."""
    from pypdf import PdfReader

    export(battle, "pdf", tmp_path, progress=False, lang=lang, browser=browser)
    reader = PdfReader(io.BytesIO((tmp_path / f"{battle.id}.pdf").read_bytes()))
    pages = [page.extract_text() for page in reader.pages]
    assert [RADICALS.findall(text) for text in pages if RADICALS.search(text)] == []  # 月, never ⽉
    squeezed = [_squeezed(text) for text in pages]
    langs = {"zh": ["zh"], "en": ["en"], "both": ["zh", "en"]}[lang]
    for phase in battle.phases:
        for code in langs:
            assert _read_on(squeezed, _squeezed(getattr(phase.narrative, code))), (lang, phase.id, code)
    # (a river's or a railway's name is written again along it: those may come twice)
    once = [f for f in battle.features if f.kind not in ("river", "railway", "line")]
    names = {getattr(f.name, code) for f in once for code in langs if len(getattr(f.name, code)) >= 3}
    for text in pages:
        squeezed = _squeezed(text)
        doubled = [name for name in names if _squeezed(name) * 2 in squeezed]
        assert doubled == [], (lang, doubled[:5])
    assert any("Zhangjiashan" in text or "张家山" in _squeezed(text) for text in pages)


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


@pytest.mark.parametrize("lang", ["en", "both"])  # (the Chinese alone fits beside the map)
def test_printing_again_keeps_every_space_of_the_text(browser, battle, site: Path, lang: str) -> None:
    """Each print lays the page out anew, undoing the last layout first; a paragraph split after
    a sentence's end sends the space after it to the part that follows (which starts without
    it), and undoing the split gives it back: printed twice and back on screen, every phase's
    text is as it was, character for character ("Yuepingshan. On", not "Yuepingshan.On")."""
    text = "() => Array.from(document.querySelectorAll('.bm-narrative p')).map(p => p.textContent)"
    split = 0
    for phase in battle.phases:
        page = OfflinePage(browser, {"width": 1123, "height": 794})
        try:
            tab = page.open(site / f"{phase.id}.html")
            tab.evaluate("(lang) => window.battleMap.setLanguage(lang)", lang)
            before = tab.evaluate(text)
            page.page.emulate_media(media="print")
            for _ in range(2):
                tab.evaluate("window.dispatchEvent(new Event('beforeprint'))")
            split += tab.evaluate("document.querySelectorAll('.bm-cont').length")
            tab.evaluate("window.dispatchEvent(new Event('afterprint'))")
            page.page.emulate_media(media="screen")
            assert tab.evaluate(text) == before, (lang, phase.id)
            assert page.errors == []
        finally:
            page.close()
    assert split > 0, "no phase's text was split: the check above tested nothing"
