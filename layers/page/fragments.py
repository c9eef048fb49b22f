"""Escaped HTML fragments for the panel, and dates as readers write them.

:func:`bi` returns :class:`markupsafe.Markup` with every text from the data escaped. Figures,
disputed values and citations are not written here: the page's script draws them from
records (:mod:`layers.draw.records`) with ``textContent``, for the panel and the popups
alike. Both languages always go into the page, each in an element with its ``lang``
attribute; the page's language switch shows one or both.
"""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

from ..contract import Language
from ..data.model import Bilingual


def bi(text: Bilingual, tag: str = "span") -> Markup:
    """Both languages of ``text``, each in its own ``lang``-tagged element (``tag`` is ours)."""
    zh, en = escape(text.zh), escape(text.en)
    return Markup(f'<{tag} lang="{Language.ZH_TAG}">{zh}</{tag}><{tag} lang="{Language.EN_TAG}">{en}</{tag}>')


def day_text(day: date) -> Bilingual:
    """A date as readers write it in each language."""
    return Bilingual(f"{day.year}年{day.month}月{day.day}日", f"{day.day} {day:%b} {day.year}")


def span_text(start: date, end: date) -> Bilingual:
    """An inclusive interval of days, short when both ends share a year or are the same day."""
    if start == end:
        return day_text(start)
    a, b = day_text(start), day_text(end)
    zh_end = f"{end.month}月{end.day}日" if start.year == end.year else b.zh
    en_start = f"{start.day} {start:%b}" if start.year == end.year else a.en
    return Bilingual(f"{a.zh}–{zh_end}", f"{en_start} – {b.en}")
