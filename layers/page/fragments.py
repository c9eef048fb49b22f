"""Escaped HTML fragments for the panel: every text from the data passes through
``markupsafe.escape``.

These functions return :class:`markupsafe.Markup`; only they build markup from data on the
server, so nothing else has to remember to escape (tooltips and popups are built in the
browser from :mod:`layers.payload` records, with ``textContent``). Both languages always go into the page, each in an
element with its ``lang`` attribute; the page's language switch shows one or both.
"""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

from layers.data.model import Battle, Bilingual, Claim, Figure, Source
from layers.draw.records import CLAIM_FIELD_LABELS, TIER_MARKS

ZH = "zh-Hans"
EN = "en"


def bi(text: Bilingual, tag: str = "span") -> Markup:
    """Both languages of ``text``, each in its own ``lang``-tagged element (``tag`` is ours)."""
    zh, en = escape(text.zh), escape(text.en)
    return Markup(f'<{tag} lang="{ZH}">{zh}</{tag}><{tag} lang="{EN}">{en}</{tag}>')


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


def source_link(source: Source) -> Markup:
    """A citation: the source id, linked to its entry in the page's bibliography (which holds
    the title and the http(s) address) so that a page cites each source's details once; its
    tier follows it, so a popular book never reads like a reference work."""
    return Markup(
        '<a class="bm-cite bm-tier-{tier}" href="#src-{id}">{id}</a><sup class="bm-tier">{mark}</sup>'
    ).format(id=source.id, tier=source.tier, mark=TIER_MARKS[source.tier])


def citations(battle: Battle, ids: tuple[str, ...]) -> Markup:
    """Bracketed citations for ``ids``, in the order given."""
    if not ids:
        return Markup("")
    links = Markup(", ").join(source_link(battle.sources[i]) for i in ids)
    return Markup('<span class="bm-cites">[{links}]</span>').format(links=links)


def claims_block(battle: Battle, claims: tuple[Claim, ...]) -> Markup:
    """Disputed values, each source's value shown beside the one we map."""
    if not claims:
        return Markup("")
    rows = []
    for claim in claims:
        row = Markup("<li><b>{field}</b>: {value} {cites}").format(
            field=bi(CLAIM_FIELD_LABELS.get(claim.field, Bilingual(claim.field, claim.field))),
            value=claim.value,
            cites=citations(battle, claim.sources),
        )
        if claim.note:
            row += Markup(' <span class="bm-note">{}</span>').format(bi(claim.note))
        rows.append(row + Markup("</li>"))
    head = bi(Bilingual("来源说法不一", "Sources disagree"))
    return Markup('<div class="bm-claims"><b>{head}</b><ul>{rows}</ul></div>').format(
        head=head, rows=Markup("").join(rows)
    )


def figures_block(battle: Battle, figures: tuple[Figure, ...]) -> Markup:
    """Figures as a table: the label on its own row, then one row per source's value, never
    one merged number."""
    if not figures:
        return Markup("")
    rows = []
    for figure in figures:
        rows.append(Markup('<tr><th colspan="2" scope="rowgroup">{}</th></tr>').format(bi(figure.label)))
        for value in figure.values:
            note = Markup(" {}").format(bi(value.note)) if value.note else Markup("")
            rows.append(
                Markup("<tr><td>{value}</td><td>{cites}{note}</td></tr>").format(
                    value=bi(value.value), cites=citations(battle, value.sources), note=note
                )
            )
    return Markup('<table class="bm-figures">{}</table>').format(Markup("").join(rows))
