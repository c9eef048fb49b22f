"""The compact, plain-data description of a feature that a page ships to its script.

A page carries each feature once, as data: names, account, dates, status history, figures,
claims, precision, sources. ``battlemap.js`` builds the tooltip, the popup and the text
version from it with ``textContent``, so no text from the data is ever parsed as markup in
the browser, and a page weighs little more than its data.

Its keys are :class:`layers.contract.Record`'s, which the page reads too. Dates
are day numbers counted from the battle's first day. Bilingual texts are ``[zh, en]``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..contract import Record, Tables, Words
from ..data.model import DEFAULT_CERTAINTY, Battle, Bilingual, Claim, Feature, Figure, Phase
from .labels import LinePoints, label_record
from .style import CERTAINTY_LABELS, KIND_LABELS, MOVEMENT_LABELS, STATUS_LABELS

#: Interface texts the script needs to label what it builds.
UI_LABELS = {
    Words.COMMANDER: Bilingual("指挥官", "Commander"),
    Words.UNIT: Bilingual("部队", "Unit"),
    Words.LOCATION: Bilingual("位置精度", "Location"),
    Words.SOURCES: Bilingual("来源", "Sources"),
    Words.DISAGREE: Bilingual("来源说法不一", "Sources disagree"),
    Words.ELEVATION: Bilingual("高程", "Spot height"),
    Words.WIDTH: Bilingual("河宽", "Width"),
    Words.EXTENT: Bilingual("范围所据", "Extent drawn from"),
    Words.SUMMIT: Bilingual("山顶位置所据", "Summit placed by"),
    Words.NO_SUMMIT: Bilingual(
        "山顶未有记载：空心三角标在范围中部，并非山顶",
        "Summit not recorded: the open sign stands in the middle, not on a summit",
    ),
    Words.MORE: Bilingual("显示更多", "Show more"),
    Words.CONTINUED: Bilingual("（续）", "(continued)"),
    Words.FOLDED: Bilingual("此处另有{n}处，点击放大", "{n} more here: click to zoom in"),
}
#: What a source's tier means, shown with it in the bibliography.
TIER_LABELS = {
    "A": Bilingual("A 级：权威参考资料", "Tier A: reference-grade"),
    "B": Bilingual("B 级：新闻、回忆录、官方战史引文", "Tier B: news, memoirs, official-history quotes"),
    "C": Bilingual("C 级：通俗读物，未经核实", "Tier C: popular books, unverified"),
    "article": Bilingual("本项目所据新闻稿（多处有误）", "The news article this project started from (often wrong)"),
}
#: The mark written after a citation: the tier letter, "*" for the article.
TIER_MARKS = {"A": "A", "B": "B", "C": "C", "article": "*"}
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


def pair(text: Bilingual) -> list[str]:
    """``[zh, en]``."""
    return [text.zh, text.en]


def _note(text: Bilingual | None) -> list[str] | int:
    return pair(text) if text else 0


def labels(battle: Battle) -> dict[str, Any]:
    """Every label a record refers to by key, once per page (keys: :class:`layers.contract.Tables`)."""

    def table(items: dict[str, Bilingual]) -> dict[str, list[str]]:
        return {key: pair(value) for key, value in items.items()}

    return {
        Tables.KIND: table(KIND_LABELS),
        Tables.MOVEMENT: table(MOVEMENT_LABELS),
        Tables.STATUS: table(STATUS_LABELS),
        Tables.CERTAINTY: table(CERTAINTY_LABELS),
        Tables.FIELD: table(CLAIM_FIELD_LABELS),
        Tables.UI: table(UI_LABELS),
        Tables.SIDE: {side.id: pair(side.name) for side in battle.sides.values()},
        Tables.TIER: {source.id: TIER_MARKS[source.tier] for source in battle.sources.values()},
    }


def figures(items: tuple[Figure, ...]) -> list[Any]:
    """Figures as ``[[label, [[value, sources, note], ...]], ...]``."""
    return [[pair(f.label), [[pair(v.value), list(v.sources), _note(v.note)] for v in f.values]] for f in items]


def claims(items: tuple[Claim, ...]) -> list[Any]:
    """Claims as ``[[field, value, sources, note], ...]``."""
    return [[c.field, c.value, list(c.sources), _note(c.note)] for c in items]


def phase_facts(phase: Phase) -> dict[str, Any]:
    """A phase's figures, claims and sources, as a feature record holds its own."""
    out: dict[str, Any] = {Record.SOURCES: list(phase.sources)}
    if phase.figures:
        out[Record.FIGURES] = figures(phase.figures)
    if phase.claims:
        out[Record.CLAIMS] = claims(phase.claims)
    return out


def record(
    battle: Battle, feature: Feature, unit_names: dict[str, Bilingual], label_points: LinePoints | None = None
) -> dict[str, Any]:
    """The feature's record (keys: :class:`layers.contract.Record`); empty fields are left out.
    A movement's ``label_points`` may come made (:func:`layers.draw.labels.line_points`)."""
    start = battle.start

    def day(value: date) -> int:
        return (value - start).days

    out: dict[str, Any] = {
        Record.NAME: pair(feature.name),
        Record.KIND: feature.movement or feature.kind,  # an arrow is known by its kind of movement
        Record.DESCRIPTION: pair(feature.description),
        Record.PRECISION: round(feature.precision_m),
        Record.SOURCES: list(feature.sources),
    }
    if feature.certainty != DEFAULT_CERTAINTY:
        out[Record.CERTAINTY] = feature.certainty
    if feature.side:
        out[Record.SIDE] = feature.side
    if feature.commander:
        out[Record.COMMANDER] = pair(feature.commander)
    if feature.unit and feature.unit in unit_names:
        out[Record.UNIT] = pair(unit_names[feature.unit])
    if feature.status:
        out[Record.STATUS] = [[day(c.date), c.status, list(c.sources), _note(c.note)] for c in feature.status]
    if feature.figures:
        out[Record.FIGURES] = figures(feature.figures)
    if feature.claims:
        out[Record.CLAIMS] = claims(feature.claims)
    if feature.location_note:
        out[Record.LOCATION_NOTE] = pair(feature.location_note)
    if feature.elevation:
        out[Record.ELEVATION_SOURCES] = list(feature.elevation.sources)
    if feature.extent:
        out[Record.EXTENT_SOURCES] = list(feature.extent)
    if feature.summit:
        out[Record.SUMMIT_SOURCES] = list(feature.summit.sources)
    if feature.kind == "unit" and feature.designation:
        out[Record.DESIGNATION] = pair(feature.designation)
    if feature.width:
        out[Record.WIDTH] = [round(feature.width.value_m), list(feature.width.sources)]
    out.update(label_record(feature, label_points))
    return out
