"""A teacher's handout (``export --format handout``): one PDF with a cover (the battle's title,
the locator, the phases on a timeline and a short reading guide), then per phase the map at
print scale with the whole narrative beside and after it, the numbered events matching the
numbers on the map, the figures, the disputed facts and the works cited; then the bibliography.
Printed in the page's own layout (:mod:`layers.exports.printed`), so it reads in grey as well."""

from __future__ import annotations

import base64
from typing import Any

from markupsafe import Markup, escape

from ..contract import Css, Language
from ..data.model import Battle, Bilingual
from ..draw.records import TIER_LABELS
from ..page.assemble import provenance
from ..page.fragments import span_text
from .chromium import with_browser
from .printed import merge_pdfs, paper_tab, printed_phases

#: Makes a printed phase page a handout page: every event listed (a long list shows its first
#: entries and a button for more), listed after the text with its numbers, laid out again.
HANDOUT = """async () => {
  document.documentElement.classList.add(BM.C.HANDOUT);
  const more = () => document.querySelector('.' + BM.C.SECTION + ':not([hidden]) .' + BM.C.EVENTS + ' .' + BM.C.MORE);
  for (let button = more(); button; button = more()) { button.click(); }
  window.BM.print.flow(true);
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}"""

#: The reading guide on the cover: what the marks on the maps mean and how the sources are shown.
GUIDE = (
    Bilingual(
        "每个阶段一页地图，随后是该阶段的完整叙述、编号事件、兵力与伤亡数字、各方说法不一之处及引用文献。",
        "Each phase has a map, then its whole narrative, its numbered events, the figures, the facts "
        "on which sources disagree, and the works it cites.",
    ),
    Bilingual(
        "各方以其颜色绘制（见上）；箭头为进攻或撤退，日期写在箭头旁；浅色为较早阶段或已放弃的位置。",
        "Each side is drawn in its colour (above); arrows are attacks or withdrawals, dated beside "
        "them; faded marks are earlier or abandoned positions.",
    ),
    Bilingual(
        "地图上的圆圈数字对应文字中的事件编号；虚线圆表示位置不确定的范围。",
        "The numbered circles on a map are the events of its list; a dashed circle is how far a "
        "place may be from where it is drawn.",
    ),
    Bilingual(
        "引用后的 A、B、C 为来源等级（A 为权威参考，C 为通俗读物、未经核实），* 为本项目所据新闻稿；"
        "来源说法不一时两种说法并列。",
        "After each citation, A, B or C is the source's tier (A reference-grade, C popular and "
        "unverified), * the news article the project started from; where sources disagree, both "
        "values are shown.",
    ),
)

#: Interface words of the cover and the bibliography.
WORDS = {
    "handout": Bilingual("教学讲义", "Teacher's handout"),
    "phases": Bilingual("战役阶段", "The phases"),
    "guide": Bilingual("阅读说明", "How to read it"),
    "bibliography": Bilingual("参考文献", "Bibliography"),
    "where": Bilingual("位置图", "Where"),
}


def render_handout(
    battle: Battle, phases: list[str], lang: str, paper: str, progress: bool, browser: Any
) -> dict[str, bytes]:
    """The handout of ``phases`` as ``{"<battle-id>-handout.pdf": bytes}``."""
    return with_browser(browser, lambda b: _handout_with(b, battle, phases, lang, paper, progress))


def _handout_with(
    browser: Any, battle: Battle, phases: list[str], lang: str, paper: str, progress: bool
) -> dict[str, bytes]:
    parts: list[bytes] = []
    locator: bytes | None = None
    with paper_tab(browser, paper) as (page, sheet):
        for _ in printed_phases(page, battle, phases, lang, "handout", progress):
            page.evaluate(HANDOUT)
            if locator is None and battle.show_locator and page.locator(f".{Css.LOCATOR_BODY}").count():
                locator = page.locator(f".{Css.LOCATOR_BODY}").first.screenshot()
            parts.append(page.pdf(**sheet))
        page.set_content(_cover(battle, phases, lang, locator), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        cover = page.pdf(**sheet)
        page.set_content(_bibliography(battle, lang), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        bibliography = page.pdf(**sheet)
    return {f"{battle.id}-handout.pdf": merge_pdfs([cover, *parts, bibliography], battle, WORDS["handout"])}


def _say(text: Bilingual, lang: str, tag: str = "span") -> Markup:
    """``text`` in the handout's language(s), escaped: both as Chinese then English."""
    zh = Markup(f'<{tag} lang="{Language.ZH_TAG}">{escape(text.zh)}</{tag}>')
    en = Markup(f'<{tag} lang="{Language.EN_TAG}">{escape(text.en)}</{tag}>')
    if lang == Language.ZH:
        return zh
    if lang == Language.EN:
        return en
    return zh + Markup(" ") + en


#: The cover's and the bibliography's type and layout: the pages' own serif, A4/Letter landscape.
STYLE = """
@page { margin: 12mm 14mm; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", Georgia, serif; color: #2b2620; margin: 0;
  font-size: 10pt; line-height: 1.4; }
h1 { font-size: 24pt; margin: 0 0 2mm; } h2 { font-size: 13pt; margin: 4mm 0 2mm; }
.sub { color: #5a4a30; font-size: 13pt; margin: 0 0 6mm; }
.top { display: flex; gap: 8mm; align-items: flex-start; }
.top > div { flex: 1 1 0; min-width: 0; }
.top > .where { flex: 0 0 56mm; }
.where img { width: 56mm; border: 0.3mm solid #8a7a60; }
.guide { font-size: 9.5pt; }
svg text { font-family: inherit; }
ol { margin: 0; padding-left: 6mm; } li { margin: 0 0 1.5mm; }
.guide p { margin: 0 0 2mm; }
.side { margin-right: 4mm; display: inline-block; }
.credit { color: #6b5b3e; font-size: 8.5pt; margin-top: 6mm; word-break: break-all; }
.works { columns: 3; column-gap: 8mm; font-size: 9pt; list-style: none; padding-left: 0; }
.works li { break-inside: avoid; }
.tier { color: #6b5b3e; }
"""


def _timeline(battle: Battle, phases: list[str], lang: str) -> Markup:
    """The phases on one line of days, numbered as they are listed beside it (SVG)."""
    chosen = [p for p in battle.phases if p.id in phases]
    first, last = chosen[0].start, chosen[-1].end
    days = (last - first).days + 1
    width, bar = 250.0, 8.0
    marks = []
    for number, phase in enumerate(chosen, start=1):
        x = 5 + width * (phase.start - first).days / days
        w = max(1.2, width * ((phase.end - phase.start).days + 1) / days)
        shade = "#5a4a30" if number % 2 else "#b9ab8c"
        marks.append(f'<rect x="{x:.2f}" y="4" width="{w:.2f}" height="{bar}" fill="{shade}"/>')
        marks.append(f'<text x="{x + w / 2:.2f}" y="20" font-size="4.2" text-anchor="middle">{number}</text>')
    ends = span_text(first, last)
    return Markup(
        f'<svg viewBox="0 0 260 26" width="100%" role="img" aria-label="{escape(ends.en)}">' + "".join(marks) + "</svg>"
    )


def _cover(battle: Battle, phases: list[str], lang: str, locator: bytes | None) -> str:
    chosen = [p for p in battle.phases if p.id in phases]
    items = Markup("").join(
        Markup("<li>") + _say(p.title, lang) + Markup(" — ") + _say(span_text(p.start, p.end), lang) + Markup("</li>")
        for p in chosen
    )
    sides = Markup("").join(  # the battle's sides in their colours, as the data gives them
        Markup('<span class="side"><span style="color: ') + escape(side.color) + Markup('">■</span> ')
        + _say(side.name, lang) + Markup("</span>")
        for side in battle.sides.values()
    )  # fmt: skip
    guide = Markup('<p class="sides">') + sides + Markup("</p>")
    guide += Markup("").join(Markup("<p>") + _say(text, lang) + Markup("</p>") for text in GUIDE)
    where = (
        Markup('<div class="where"><h2>')
        + _say(WORDS["where"], lang)
        + Markup('</h2><img alt="" src="data:image/png;base64,')
        + Markup(base64.b64encode(locator).decode("ascii"))
        + Markup('"></div>')
        if locator
        else Markup("")
    )
    body = (
        Markup("<h1>")
        + _say(battle.title, lang)
        + Markup('</h1><p class="sub">')
        + _say(battle.subtitle, lang)
        + Markup(" · ")
        + _say(WORDS["handout"], lang)
        + Markup('</p><div class="top"><div><h2>')
        + _say(WORDS["phases"], lang)
        + Markup("</h2>")
        + _timeline(battle, phases, lang)
        + Markup("<ol>")
        + items
        + Markup('</ol></div><div class="guide"><h2>')
        + _say(WORDS["guide"], lang)
        + Markup("</h2>")
        + guide
        + Markup("</div>")
        + where
        + Markup("</div>")
        + Markup('<p class="credit">')
        + _say(battle.attribution, lang)
        + Markup("<br>")
        + escape(provenance(battle))
        + Markup("</p>")
    )
    return _document(battle, lang, body)


def _bibliography(battle: Battle, lang: str) -> str:
    entries = Markup("").join(
        Markup("<li><b>")
        + escape(source.id)
        + Markup('</b> <span class="tier">')
        + _say(TIER_LABELS.get(source.tier, Bilingual(source.tier, source.tier)), lang)
        + Markup("</span>: ")
        + escape(source.title)
        + (Markup("<br><small>") + escape(source.url) + Markup("</small>") if source.url else Markup(""))
        + (Markup("<br><small>") + escape(source.note) + Markup("</small>") if source.note else Markup(""))
        + Markup("</li>")
        for source in sorted(battle.sources.values(), key=lambda s: s.id)
    )
    body = Markup("<h2>") + _say(WORDS["bibliography"], lang) + Markup('</h2><ol class="works">') + entries
    return _document(battle, lang, body + Markup("</ol>"))


def _document(battle: Battle, lang: str, body: Markup) -> str:
    html_lang = Language.EN_TAG if lang == Language.EN else Language.ZH_TAG
    title = escape(battle.title.en if lang == Language.EN else battle.title.zh)
    return str(
        Markup('<!DOCTYPE html><html lang="')
        + html_lang
        + Markup('"><head><meta charset="utf-8"><title>')
        + title
        + Markup("</title><style>")
        + Markup(STYLE)
        + Markup("</style></head><body>")
        + body
        + Markup("</body></html>")
    )
