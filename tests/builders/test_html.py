from __future__ import annotations

from dataclasses import replace

from layers.html import bi, popup, span_text
from layers.model import Bilingual

from .conftest import by_id

PAYLOAD = '"><img src=x onerror=alert(1)></script><script>alert(2)</script>{{ 7*6 }}'


def test_bilingual_spans_escape() -> None:
    out = str(bi(Bilingual(PAYLOAD, "ok")))
    assert "<img" not in out and "<script>" not in out and "&lt;img" in out
    assert out.startswith('<span lang="zh-Hans">')


def test_popup_escapes_every_text(mini) -> None:
    mill = by_id(mini, "mill")
    evil = replace(
        mill,
        name=Bilingual(PAYLOAD, PAYLOAD),
        description=Bilingual(PAYLOAD, PAYLOAD),
        location_note=Bilingual(PAYLOAD, PAYLOAD),
    )
    out = str(popup(mini, evil))
    assert "<img" not in out and "<script>" not in out
    assert out.count("&lt;img") == 6


def test_dates() -> None:
    from datetime import date

    text = span_text(date(1944, 6, 28), date(1944, 7, 2))
    assert text.zh == "1944年6月28日–7月2日" and text.en == "28 Jun – 2 Jul 1944"
