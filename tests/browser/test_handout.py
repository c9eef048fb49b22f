"""The teacher's handout: a cover, each phase's map and whole text with its numbered events,
and the bibliography, in one PDF (A4 or Letter)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from layers.exports.dispatch import export

from .test_export_pages import RADICALS, _read_on, _squeezed, local_links

pytestmark = pytest.mark.browser


def test_handout_in_both_languages_on_letter(battle, tmp_path: Path, browser) -> None:
    from pypdf import PdfReader

    names = export(battle, "handout", tmp_path, progress=False, lang="both", paper="letter", browser=browser)
    assert f"{battle.id}-handout.pdf" in names
    reader = PdfReader(io.BytesIO((tmp_path / f"{battle.id}-handout.pdf").read_bytes()))
    box = reader.pages[0].mediabox
    # Letter landscape, to half a millimetre (Chromium sets a page's size in whole CSS pixels)
    assert abs(float(box.width) / 72 * 25.4 - 279.4) < 0.5 and abs(float(box.height) / 72 * 25.4 - 215.9) < 0.5
    pages = [_squeezed(page.extract_text()) for page in reader.pages]
    assert [RADICALS.findall(text) for text in pages if RADICALS.search(text)] == []  # searchable: 月, never ⽉
    # the cover: the battle, every phase on its timeline, the reading guide
    cover = pages[0]
    assert _squeezed(battle.title.en) in cover and _read_on([cover], _squeezed(battle.title.zh))
    for phase in battle.phases:
        assert _squeezed(phase.title.en) in cover, phase.id
    assert "Howtoreadit" in cover
    # each phase: its whole narrative in both languages, and every event of it, numbered
    for phase in battle.phases:
        for text in (phase.narrative.zh, phase.narrative.en):
            assert _read_on(pages, _squeezed(text)), phase.id
        events = sorted(
            (f for f in battle.features if f.kind == "event" and f.start and phase.start <= f.start <= phase.end),
            key=lambda f: (f.start, f.id),
        )
        for event in events:
            assert _read_on(pages, _squeezed(event.name.en)), (phase.id, event.id)
    # the bibliography: every source, on the last pages
    tail = "".join(pages[-6:])
    for source_id in battle.sources:
        assert _squeezed(source_id) in tail, source_id
    assert len(reader.pages) > 2 * len(battle.phases)
    assert local_links(reader) == []  # nothing of the machine that made it
