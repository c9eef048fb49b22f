"""Escaped HTML fragments: every text from the data passes through ``markupsafe.escape``.

These functions return :class:`markupsafe.Markup`; only they build markup from data, so
nothing else has to remember to escape. Both languages always go into the page, each in an
element with its ``lang`` attribute; the page's language switch shows one or both.
"""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from .model import Battle, Bilingual, Claim, Feature, Figure, Source, StatusChange
from .style import CERTAINTY_LABELS, KIND_LABELS, MOVEMENT_LABELS, STATUS_LABELS

ZH = "zh-Hans"
EN = "en"
CLAIM_FIELD_LABELS = {
    "name": Bilingual("名称", "name"),
    "description": Bilingual("经过", "account"),
    "start": Bilingual("日期", "date"),
    "end": Bilingual("结束日期", "end date"),
    "status": Bilingual("得失", "status"),
    "side": Bilingual("所属", "side"),
    "unit": Bilingual("部队", "unit"),
    "location": Bilingual("地点", "place"),
    "commander": Bilingual("指挥官", "commander"),
    "title": Bilingual("标题", "title"),
    "narrative": Bilingual("叙述", "narrative"),
}


def bi(text: Bilingual, tag: str = "span") -> Markup:
    """Both languages of ``text``, each in its own ``lang``-tagged element."""
    return Markup('<{t} lang="{zh_lang}">{zh}</{t}><{t} lang="{en_lang}">{en}</{t}>').format(
        t=Markup(tag), zh_lang=ZH, en_lang=EN, zh=text.zh, en=text.en
    )


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
    the title and the http(s) address) so that a page cites each source's details once."""
    return Markup('<a class="bm-cite" href="#src-{id}">{id}</a>').format(id=source.id)


def citations(battle: Battle, ids: tuple[str, ...]) -> Markup:
    """Bracketed citations for ``ids``, in the order given."""
    if not ids:
        return Markup("")
    links = Markup(", ").join(source_link(battle.sources[i]) for i in ids)
    return Markup('<span class="bm-cites">[{links}]</span>').format(links=links)


def tooltip(feature: Feature) -> Markup:
    """The hover label: the name in both languages."""
    return bi(feature.name)


def _status_line(battle: Battle, changes: tuple[StatusChange, ...]) -> Markup:
    items = []
    for change in changes:
        when = day_text(change.date)
        item = Markup("{when}: {status} {cites}").format(
            when=bi(when), status=bi(STATUS_LABELS[change.status]), cites=citations(battle, change.sources)
        )
        if change.note:
            item += Markup(' <span class="bm-note">({note})</span>').format(note=bi(change.note))
        items.append(Markup("<li>{}</li>").format(item))
    return Markup('<ul class="bm-status">{}</ul>').format(Markup("").join(items))


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
    """Figures as a table: one row per source's value, never one merged number."""
    if not figures:
        return Markup("")
    rows = []
    for figure in figures:
        for i, value in enumerate(figure.values):
            label = bi(figure.label) if i == 0 else Markup("")
            note = bi(value.note) if value.note else Markup("")
            rows.append(
                Markup("<tr><th>{label}</th><td>{value}</td><td>{cites} {note}</td></tr>").format(
                    label=label, value=value.value, cites=citations(battle, value.sources), note=note
                )
            )
    return Markup('<table class="bm-figures">{}</table>').format(Markup("").join(rows))


def popup(battle: Battle, feature: Feature) -> Markup:
    """Everything a reader may ask of a feature: names, dates, status, account, sources."""
    parts = [Markup('<div class="bm-popup"><h3>{}</h3>').format(bi(feature.name, "span"))]
    kind = KIND_LABELS[feature.kind]
    if feature.kind == "movement":
        kind = MOVEMENT_LABELS[str(feature.extra["movement"])]
    meta = [bi(kind)]
    if feature.side:
        meta.append(bi(battle.sides[feature.side].name))
    if feature.start and feature.end:
        meta.append(bi(span_text(feature.start, feature.end)))
    parts.append(Markup('<p class="bm-meta">{}</p>').format(Markup(" · ").join(meta)))
    commander = feature.extra.get("commander")
    if commander:
        parts.append(
            Markup('<p class="bm-meta">{label}: {name}</p>').format(
                label=bi(Bilingual("指挥官", "Commander")), name=bi(commander)
            )
        )
    unit_id = feature.extra.get("unit")
    if unit_id:
        unit = next(f for f in battle.features if f.id == unit_id)
        parts.append(
            Markup('<p class="bm-meta">{label}: {name}</p>').format(
                label=bi(Bilingual("部队", "Unit")), name=bi(unit.name)
            )
        )
    if feature.status:
        parts.append(_status_line(battle, feature.status))
    parts.append(Markup('<p class="bm-desc">{}</p>').format(bi(feature.description)))
    parts.append(figures_block(battle, feature.figures))
    parts.append(claims_block(battle, feature.claims))
    where = Markup("{label}: ±{metres} m, {how}").format(
        label=bi(Bilingual("位置精度", "Location")),
        metres=f"{feature.precision_m:,.0f}",
        how=bi(CERTAINTY_LABELS[feature.certainty]),
    )
    if feature.location_note:
        where += Markup(". {}").format(bi(feature.location_note))
    parts.append(Markup('<p class="bm-loc">{}</p>').format(where))
    parts.append(
        Markup('<p class="bm-sources">{label}: {cites}</p></div>').format(
            label=bi(Bilingual("来源", "Sources")), cites=citations(battle, feature.sources)
        )
    )
    return Markup("").join(parts)
