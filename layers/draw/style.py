"""The one style registry: the drawing code and the legend both read it.

A :class:`Style` is what a feature looks like on the page (Leaflet path options, or a
symbol) plus the bilingual legend label that explains it. Colours of the sides come from
the battle's manifest; everything else here is generic battle-map convention.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..contract import BaseMap, Default, Legend, PathOption
from ..data.model import Battle, Bilingual, Feature

#: A point worse located than this (metres) gets a faint halo of its precision radius.
HALO_THRESHOLD_M = 250.0

#: Colours of the reference layers, a muted period-map palette.
#: Fill of rivers drawn at their width.
WATER = "#b5d0e6"
REFERENCE_COLORS = {
    "river": "#7ea6c9",
    "railway": "#3d3d3d",
    "wall": "#8a6a44",
    "gate": "#8a6a44",
    "hill": "#7a7a5a",
    "place": "#4a4a4a",
}
NEUTRAL = "#555555"
#: The offline base map beneath everything (layers/page/base.py): Natural Earth's sea, lakes,
#: rivers, coastlines and borders, muted so that the battle reads above them; the land is the
#: page's own plain background.
SEA = "#d6e2e4"
BASE_STYLES: dict[str, dict[str, Any]] = {
    BaseMap.SEA: {"stroke": False, "fillColor": SEA, "fillOpacity": 1},
    BaseMap.LAKES: {"color": "#8fabbb", "weight": 0.6, "opacity": 1, "fillColor": SEA, "fillOpacity": 1},
    BaseMap.RIVERS: {"color": "#8fb1c6", "weight": 1, "opacity": 0.9, "fill": False},
    BaseMap.COAST: {"color": "#8fabbb", "weight": 0.8, "opacity": 1, "fill": False},
    BaseMap.BORDERS: {"color": "#9c8a6e", "weight": 1, "opacity": 0.9, "dashArray": "6 2 1 2", "fill": False},
}
LOST_FILL = "#9a9a9a"
#: A hill area's relief: a light hatching in an earth grey (L* about 50), which a copier prints as
#: a mid grey between the wall's light fill and the lines and names drawn over it.
RELIEF = "#857556"
#: Pixels between the strokes of the relief's hatching.
RELIEF_HATCH_PX = 6

KIND_LABELS = {
    "position": Bilingual("阵地", "Position"),
    "unit": Bilingual("部队", "Unit"),
    "movement": Bilingual("行动", "Movement"),
    "line": Bilingual("防线", "Defence line"),
    "event": Bilingual("事件", "Event"),
    "river": Bilingual("河流", "River"),
    "railway": Bilingual("铁路", "Railway"),
    "wall": Bilingual("城墙", "City wall"),
    "gate": Bilingual("城门", "Gate"),
    "hill": Bilingual("山岭", "Hill"),
    "place": Bilingual("地点", "Place"),
}
STATUS_LABELS = {
    "held": Bilingual("守住", "held"),
    "contested": Bilingual("争夺中", "contested"),
    "lost": Bilingual("失守", "lost"),
    "ghost": Bilingual("此前已失守", "lost earlier"),
}
MOVEMENT_LABELS = {
    "attack": Bilingual("进攻", "Attack"),
    "crossing": Bilingual("渡河", "River crossing"),
    "withdrawal": Bilingual("撤退", "Withdrawal"),
    "relief": Bilingual("增援（解围）", "Relief"),
}
CERTAINTY_LABELS = {
    "surveyed": Bilingual("实测坐标", "surveyed coordinates"),
    "estimated": Bilingual("据描述估计", "estimated from descriptions"),
    "inferred": Bilingual("推定连线", "inferred"),
    "schematic": Bilingual("示意", "schematic"),
}
#: Dash patterns: surveyed solid; the less sure, the more broken.
CERTAINTY_DASH = {"surveyed": None, "estimated": None, "inferred": "8 6", "schematic": "2 6"}
#: The shore of water whose banks are not surveyed (a centre line widened by a sourced width).
UNCERTAIN_BANK_DASH = "6 4"
MOVEMENT_DASH = {"attack": None, "crossing": None, "withdrawal": "10 6", "relief": "4 6"}


#: A value of a Leaflet path option: a colour or dash pattern, a width or opacity, a switch.
LeafletValue = str | float | bool


@dataclass(frozen=True)
class Style:
    """How one class of feature is drawn, and how the legend names it.

    ``shape`` is one of ``point``, ``line``, ``area``, ``symbol`` or ``halo``; ``options``
    are Leaflet path options as sorted (name, value) pairs so the style is hashable and
    serialises deterministically.
    """

    key: str
    shape: str
    label: Bilingual
    options: tuple[tuple[str, LeafletValue], ...]
    #: The hash, made once: styles key the site's style table, looked up per feature per page.
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.key, self.shape, self.label, self.options)))

    def __hash__(self) -> int:
        return self._hash

    def as_dict(self) -> dict[str, LeafletValue]:
        """Leaflet options, ready to serialise."""
        return dict(self.options)


def _options(**values: LeafletValue | None) -> tuple[tuple[str, LeafletValue], ...]:
    return tuple(sorted((k, v) for k, v in values.items() if v is not None))


def _side_label(battle: Battle, feature: Feature, base: Bilingual) -> Bilingual:
    if feature.side is None:
        return base
    side = battle.sides[feature.side].name
    return Bilingual(f"{base.zh}（{side.zh}）", f"{base.en} ({side.en})")


def _color(battle: Battle, feature: Feature) -> str:
    if feature.side is not None:
        return battle.sides[feature.side].color
    return REFERENCE_COLORS.get(feature.kind, NEUTRAL)


def style_for(battle: Battle, feature: Feature, status: str | None = None) -> Style:
    """The style of ``feature`` as drawn in a phase where it is in ``status``; see :func:`_style`.

    A style depends only on a few traits of the feature, so it is made once per battle for
    each combination of them.
    """
    global _STYLES
    if _STYLES[0]() is not battle:  # one battle at a time: a new one starts a fresh cache
        _STYLES = (weakref.ref(battle), {})
    key = (feature.kind, feature.side, feature.certainty, feature.movement, status, feature.width is None)
    cache = _STYLES[1]
    style = cache.get(key)
    if style is None:
        style = cache[key] = _style(battle, feature, status)
    return style


def _no_battle() -> None:
    return None


#: The battle the cache is for, held weakly: a cache that kept the battle alive would keep its
#: millions of objects for the interpreter's last collection at exit (a second and more at 100k).
_STYLES: tuple[Callable[[], Battle | None], dict[tuple[Any, ...], Style]] = (_no_battle, {})


def _style(battle: Battle, feature: Feature, status: str | None = None) -> Style:
    """The style of ``feature`` as drawn in a phase where it is in ``status``.

    Parameters
    ----------
    battle : Battle
        Supplies the side colours and names.
    feature : Feature
        The feature to draw.
    status : str, optional
        Its status at the moment shown (positions only); None for everything else.
    """
    kind = feature.kind
    color = _color(battle, feature)
    side = feature.side or "none"
    if kind == "position":
        state = status or Default.STATUS
        base = Bilingual(f"阵地·{STATUS_LABELS[state].zh}", f"Position, {STATUS_LABELS[state].en}")
        if state == Default.STATUS:
            opts = _options(radius=8, color="#222222", weight=1.5, fillColor=color, fillOpacity=0.9)
        elif state == "contested":
            opts = _options(radius=8, color=color, weight=3, dashArray="3 3", fillColor="#ffffff", fillOpacity=0.9)
        elif state == "lost":
            opts = _options(radius=7, color=color, weight=1.5, opacity=0.8, fillColor=LOST_FILL, fillOpacity=0.6)
        else:
            opts = _options(
                radius=6, color=color, weight=1, opacity=0.45, dashArray="2 3", fillColor=LOST_FILL, fillOpacity=0.15
            )
        return Style(f"position:{side}:{state}", "point", _side_label(battle, feature, base), opts)
    if kind == "event":
        opts = _options(radius=6, color=color, weight=2, fillColor="#fff6d5", fillOpacity=1.0)
        return Style(f"event:{side}", "point", _side_label(battle, feature, KIND_LABELS["event"]), opts)
    if kind == "unit":
        return Style(f"unit:{side}", "symbol", _side_label(battle, feature, KIND_LABELS["unit"]), ())
    if kind == "movement":
        movement = feature.movement
        if movement is None:  # the loader gives every movement its kind
            raise ValueError(f"feature '{feature.id}' is a movement of no kind")
        opts = _options(color=color, weight=4, opacity=0.85, dashArray=MOVEMENT_DASH[movement])
        label = _side_label(battle, feature, MOVEMENT_LABELS[movement])
        return Style(f"movement:{side}:{movement}", "line", label, opts)
    if kind == "line":
        dash = CERTAINTY_DASH[feature.certainty]
        opts = _options(color=color, weight=3, opacity=0.9, dashArray=dash, fill=False)
        cert = CERTAINTY_LABELS[feature.certainty]
        base = Bilingual(f"防线（{cert.zh}）", f"Defence line ({cert.en})")
        return Style(f"line:{side}:{feature.certainty}", "line", _side_label(battle, feature, base), opts)
    return _reference_style(feature, color)


def _reference_style(feature: Feature, color: str) -> Style:
    kind = feature.kind
    label = KIND_LABELS[kind]
    dash = CERTAINTY_DASH[feature.certainty]
    if feature.certainty == "schematic":
        label = Bilingual(f"{label.zh}（示意）", f"{label.en} (schematic)")
    key = f"{kind}:{(feature.certainty == 'schematic' and 'schematic') or 'drawn'}"
    if kind == "river" and feature.width is not None:
        if feature.certainty == "surveyed":  # measured banks: a solid shore line
            water = Bilingual(f"{label.zh}（按史料河宽绘制）", f"{label.en} (drawn at its sourced width)")
            opts = _options(color=color, weight=1, opacity=0.9, fillColor=WATER, fillOpacity=0.9, lineJoin="round")
            return Style("river:water", "area", water, opts)
        # A centre line widened by a sourced width: the banks are only as sure as the line, dashed.
        water = Bilingual(
            f"{label.zh}（按史料河宽绘制，岸线不确定）", f"{label.en} (drawn at its sourced width; banks uncertain)"
        )
        opts = _options(
            color=color, weight=1.5, opacity=0.9, dashArray=UNCERTAIN_BANK_DASH, fillColor=WATER, fillOpacity=0.9
        )
        return Style("river:water:uncertain", "area", water, opts)
    if kind == "river":
        opts = _options(
            color=color, weight=5, opacity=0.9, dashArray=dash, lineCap="round", fillColor=color, fillOpacity=0.5
        )
        return Style(key, "line", label, opts)
    if kind == "railway":
        opts = _options(color=color, weight=2.5, opacity=0.9, dashArray=dash or "10 3")
        return Style(key, "line", label, opts)
    if kind == "wall":
        opts = _options(color=color, weight=2.5, opacity=0.9, dashArray=dash, fillColor="#d9c9a3", fillOpacity=0.25)
        return Style(key, "area", label, opts)
    opts = _options(radius=4, color=color, weight=1, fillColor="#ffffff", fillOpacity=1.0)
    return Style(key, "point", label, opts)


def relief_style(feature: Feature) -> Style:
    """The relief of a hill drawn as an area, under everything else: a light hatching, its edge
    solid where the extent is surveyed and dashed where it is drawn from a description (every
    hill area whose foot no one measured). Its sign stands at the summit a source gives, or,
    open (△), in the middle of the area where the summit is not recorded (labels.js)."""
    surveyed = feature.certainty == "surveyed"
    hatch: dict[str, LeafletValue | None] = {PathOption.HATCH: RELIEF_HATCH_PX}
    opts = _options(
        color=RELIEF,
        weight=1.2,
        opacity=0.85,
        dashArray=None if surveyed else "5 4",
        fillColor=RELIEF,
        fillOpacity=0.6,
        interactive=False,
        **hatch,
    )
    tail = Bilingual("△：山顶未有记载，标在范围中部", "△: summit not recorded, sign in the middle")
    if surveyed:
        label = Bilingual(f"山岭（范围为实测；{tail.zh}）", f"Hill (extent surveyed; {tail.en})")
    else:
        label = Bilingual(f"山岭（范围据史料描述；{tail.zh}）", f"Hill (extent as described; {tail.en})")
    return Style("hill:relief" if surveyed else "hill:relief:described", "relief", label, opts)


def gis_style(battle: Battle, feature: Feature, status: str | None = None) -> Style:
    """The style a GIS draws the feature's own geometry in (the KML and GeoPackage exports): the
    map's (:func:`style_for`), except for a reference hill drawn as an area, which a GIS draws as
    the map draws its relief (the map sets its sign apart, at the summit). A position on a hill
    keeps its status's style: a GIS plays its status periods on the area."""
    if feature.kind == "hill" and feature.is_hill_area:
        return relief_style(feature)
    return style_for(battle, feature, status)


def halo_style() -> Style:
    """The faint circle drawn around a point at its precision radius."""
    label = Bilingual(
        "位置误差范围（半径=精度；指向或点选要素时显示）",
        "Location uncertainty (radius = precision; shown for the feature pointed at or selected)",
    )
    opts = _options(
        color="#6b5b3e",
        weight=1.2,
        opacity=0.6,
        dashArray="3 4",
        fillColor="#6b5b3e",
        fillOpacity=0.08,
        interactive=False,
    )
    return Style(Legend.HALO, "halo", label, opts)  # (its legend entry holds the switch for them all)


def ended_style() -> Style:
    """Units and lines superseded during the phase: drawn faded (a legend entry only)."""
    label = Bilingual(
        "浅色：本阶段内已移动的部队或已放弃的防线", "Faded: a unit that moved on or a line given up during the phase"
    )
    return Style("ended", "ended", label, ())


def folded_style() -> Style:
    """The count on a point's mark that others are folded into, where at this zoom their marks
    would cover each other (a legend entry: the page folds them as it places the names,
    ``labels.js``)."""
    label = Bilingual(
        "+2 此处另有2处标记（会相互遮挡），点击或放大后分开显示",
        "+2 two more marks here (they would cover each other): click or zoom in to see them",
    )
    return Style("folded", "folded", label, ())


def hill_style() -> Style:
    """The hill sign, drawn at the summit (over the dot of a position on a hill), its name beside
    it with its spot height where a source gives one (a legend entry: the page draws the sign
    where it places the names, ``labels.js``)."""
    label = Bilingual(
        "▲ 山岭，标在山顶（名称旁的数字为史料所载高程，米）",
        "▲ Hill, marked at its summit (a number beside the name is a sourced spot height, m)",
    )
    return Style("hill-sign", "hill", label, ())


def leader_style() -> Style:
    """A unit symbol, or an event's disc, moved aside so that none hides another (or a place's
    mark): a line and a dot mark its true place."""
    label = Bilingual(
        "部队符号或事件为避让而移开时，细线与圆点指向其实际位置",
        "A symbol or event moved aside to stay legible: the line and dot mark its true place",
    )
    return Style("leader", "leader", label, ())


def changed_style() -> Style:
    """The ring drawn under a feature that changed since the previous phase."""
    label = Bilingual("较上一阶段有变化", "Changed since the previous phase")
    opts = _options(color="#e08a00", weight=7, opacity=0.55, fill=False, radius=13, interactive=False)
    return Style("changed", "changed", label, opts)


def synopsis_style() -> Style:
    """What only an earlier phase has, drawn faded when several phases are shown at once (the
    atlas's summary map; a legend entry only)."""
    label = Bilingual(
        "浅色（同时显示多个阶段时）：只属于较早阶段的部队、阵地与防线；各阶段的进攻箭头都照常显示",
        "Faded (several phases shown): units, positions and lines of an earlier phase only; "
        "every phase's arrows are drawn in full",
    )
    return Style("synopsis", "ended", label, ())
