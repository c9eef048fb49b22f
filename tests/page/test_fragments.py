from __future__ import annotations

from layers.data.model import Bilingual
from layers.page.fragments import bi, span_text

PAYLOAD = '"><img src=x onerror=alert(1)></script><script>alert(2)</script>{{ 7*6 }}'


def test_bilingual_spans_escape() -> None:
    out = str(bi(Bilingual(PAYLOAD, "ok")))
    assert "<img" not in out and "<script>" not in out and "&lt;img" in out
    assert out.startswith('<span lang="zh-Hans">')


def test_dates() -> None:
    from datetime import date

    text = span_text(date(1944, 6, 28), date(1944, 7, 2))
    assert text.zh == "1944年6月28日–7月2日" and text.en == "28 Jun – 2 Jul 1944"
