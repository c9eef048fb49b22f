"""The data a page's script draws from: the site's features once, and each page's own part."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Any

from markupsafe import Markup

from layers import __version__, contract
from layers.contract import Default, Flag, Record
from layers.data.model import Battle, Feature, Phase
from layers.draw import labels
from layers.draw import records as payload
from layers.draw.dispatch import draw
from layers.draw.drawable import Context, Drawable
from layers.draw.style import Style, changed_style, ended_style, halo_style, hill_style, leader_style, style_for
from layers.page import fragments as html
from layers.page import story
from layers.page.elements import to_json
from layers.page.ui import TILES, UI


@dataclass(frozen=True)
class Group:
    """An overlay in the layer control: a label and the drawables it shows."""

    id: str
    label: Markup
    show: bool
    drawables: tuple[Drawable, ...]
    changed: frozenset[str] = frozenset()
    #: Units and lines whose time ended before the phase's last day: drawn faded.
    ended: frozenset[str] = frozenset()
    #: The phase the group shows (None: the reference layers), which ranks its names.
    phase: Phase | None = None


@dataclass(frozen=True)
class SiteData:
    """The site's features, written once and shared by every page: each entry is the
    page-independent part of a feature's data (:attr:`Drawable.json_text`); a page lists
    only which entries it draws, with its own styles and times for them."""

    index: dict[str, int]
    entries: tuple[str, ...]
    #: Dates as readers write them, made once here so the page never formats one:
    #: ``{"days": {day: [zh, en]}, "spans": {"first,last": [zh, en]}}``.
    texts: dict[str, Any]

    @cached_property
    def path(self) -> str:
        """Where the shared file lies in the output folder, named by its content."""
        digest = hashlib.sha256(self._head().encode("utf-8") + "\n".join(self.entries).encode("utf-8")).hexdigest()[:16]
        return f"data/site-{digest}.js"

    def script(self, only: Iterable[int] | None = None) -> str:
        """The shared data as a script setting ``window.BM_SITE`` (loaded with ``<script
        src>``, so it works from file:// under the CSP's 'self'); with ``only``, just those
        entries, keyed by index (a single-file page inlines what it draws)."""
        if only is None:
            features = "[" + ",".join(self.entries) + "]"
        else:
            features = "{" + ",".join(f'"{i}":{self.entries[i]}' for i in sorted(set(only))) + "}"
        return f'window.BM_SITE = {{{self._head()},"features":{features}}};'

    def _head(self) -> str:
        """The contract the page reads its keys from, and the date texts (no text from the data)."""
        return (
            '"contract":'
            + json.dumps(contract.as_json(), sort_keys=True, separators=(",", ":"))
            + (',"texts":' + json.dumps(self.texts, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
        )


def site_data(base: Context, phases: list[Phase]) -> SiteData:
    """Every feature the site shows (reference, and battle features of ``phases``), in data order."""
    battle = base.battle
    first_phase: dict[str, Phase | None] = {f.id: None for f in battle.reference_features}
    for phase in phases:
        for feature in battle.features_in(phase):
            first_phase.setdefault(feature.id, phase)
    shown = [f for f in battle.features if f.id in first_phase]
    entries = tuple(draw(f, base.at(first_phase[f.id])).json_text for f in shown)
    return SiteData({f.id: i for i, f in enumerate(shown)}, entries, _date_texts(battle, shown))


def _date_texts(battle: Battle, features: list[Feature]) -> dict[str, Any]:
    """Every day the pages can name (the battle's days and each status change) and every
    feature's span of validity, in both languages (:func:`layers.page.fragments.day_text`)."""
    days = set(range(story.day_index(battle, battle.start), story.day_index(battle, battle.end) + 1))
    spans: dict[str, list[str]] = {}
    for feature in features:
        days.update(story.day_index(battle, change.date) for change in feature.status)
        if feature.start and feature.end and not feature.is_reference:
            key = f"{story.day_index(battle, feature.start)},{story.day_index(battle, feature.end)}"
            if key not in spans:
                spans[key] = payload.pair(html.span_text(feature.start, feature.end))
    start = battle.start
    return {
        "days": {str(d): payload.pair(html.day_text(start + timedelta(days=d))) for d in sorted(days)},
        "spans": spans,
    }


def page_data(
    battle: Battle, groups: list[Group], timeline: dict[str, Any], site: SiteData
) -> tuple[dict[str, Any], list[Style]]:
    """The data the page's script draws from, and the styles in the order first used.

    ``data["features"]`` holds, as ready JSON text (see :func:`data_json`), each feature's
    index in the shared site data and the page's own part of its entry (icon, times,
    styles): ``[index, {...}]``. The page's script merges the two before it draws, so
    ``BattleMap.init`` receives whole entries, as if the page held them itself.
    """
    styles: list[Style] = []
    style_index: dict[Style, int] = {}
    icons: list[dict[str, Any]] = []
    icon_index: dict[str, int] = {}
    features: list[str] = []
    feature_index: dict[str, int] = {}
    has_halo = has_changed = has_ended = False
    by_id = {f.id: f for f in battle.features}
    days = (timeline["range"][0], timeline["range"][1])

    def style_id(style: Style) -> int:
        if style not in style_index:
            style_index[style] = len(styles)
            styles.append(style)
        return style_index[style]

    out_groups = []
    for group in groups:
        items: list[list[int]] = []
        ends: dict[str, str] = {}
        for d in group.drawables:
            if d.feature_id not in feature_index:
                extra: dict[str, Any] = {}
                has_halo = has_halo or bool(d.halo_m)
                if d.icon is not None:
                    key = str(d.icon.html)
                    if key not in icon_index:
                        icon_index[key] = len(icons)
                        icons.append(
                            {
                                "html": key,
                                "w": d.icon.width,
                                "h": d.icon.height,
                                "ax": d.icon.anchor_x,
                                "ay": d.icon.anchor_y,
                                "z": d.icon.min_zoom,
                            }
                        )
                    extra[Record.ICON] = icon_index[key]
                feature = by_id[d.feature_id]
                if not feature.is_reference:
                    _add_time(battle, feature, extra, style_id, days)
                feature_index[d.feature_id] = len(features)
                # The page's own keys are numbers only: written directly, no escaping needed.
                features.append(json.dumps([site.index[d.feature_id], extra], separators=(",", ":")))
            item = [feature_index[d.feature_id], style_id(d.style)]
            flags = 0
            if d.feature_id in group.changed:
                flags |= Flag.CHANGED
                has_changed = True
            if d.feature_id in group.ended:
                flags |= Flag.ENDED
                has_ended = True
            feature = by_id[d.feature_id]
            ranked = Record.RANK in d.record
            rank = labels.page_rank(feature, group.phase, bool(flags & Flag.CHANGED)) if ranked else None
            if rank is not None and rank != d.record[Record.RANK]:
                item.extend((flags, rank))
            elif flags:
                item.append(flags)
            if group.phase is not None and feature.status:
                # the status at the phase's end, for the text version's table
                ends[str(len(items))] = feature.status_on(group.phase.end) or Default.STATUS
            items.append(item)
        out_group: dict[str, Any] = {"id": group.id, "label": str(group.label), "show": group.show, "items": items}
        if ends:
            out_group["ends"] = ends
        out_groups.append(out_group)
    legend_styles = list(styles)
    data: dict[str, Any] = {
        "features": features,
        "groups": out_groups,
        "icons": icons,
        "timeline": timeline,
        "tiles": TILES,
        "base": {"plain": str(html.bi(UI["plain"])), "tiles": str(html.bi(UI["tiles"]))},
        "attribution": f"hengyang-map {__version__} · data {battle.digest[:12]}",
        "labels": payload.labels(battle),
    }
    if has_halo:
        halo = halo_style()
        legend_styles.append(halo)
        data["halo"] = style_id(halo)
    if has_ended:
        legend_styles.append(ended_style())
    if any(by_id[fid].is_hill for fid in feature_index):
        legend_styles.append(hill_style())
    if len(icons) > 1 or sum(1 for fid in feature_index if by_id[fid].kind == "unit") > 1:
        legend_styles.append(leader_style())
    if has_changed:
        ring = changed_style()
        legend_styles.append(ring)
        data["changed"] = style_id(ring)
    data["styles"] = [s.as_dict() for s in styles]
    return data, legend_styles


_FEATURES_SLOT = "\x00features\x00"


def data_json(data: dict[str, Any]) -> Markup:
    """The page data as safe JSON text, its feature entries spliced in as they are."""
    text = str(to_json({**data, "features": _FEATURES_SLOT}))
    slot = str(to_json(_FEATURES_SLOT))
    at = text.index(slot)  # "features" sorts before every key that holds text from the data
    return Markup(text[:at] + "[" + ",".join(data["features"]) + "]" + text[at + len(slot) :])


def _add_time(battle: Battle, feature: Feature, entry: dict[str, Any], style_id: Any, days: tuple[int, int]) -> None:
    """Validity in day numbers and, for positions, the style from each status change on.

    Only what the page's day slider can reach (``days``) is kept, so the legend lists no
    style the page cannot draw.
    """
    assert feature.start and feature.end
    valid = [story.day_index(battle, feature.start), story.day_index(battle, feature.end)]
    entry[Record.VALID] = valid
    changes = [(story.day_index(battle, c.date), c.status) for c in feature.status]
    changes = [(day, status) for day, status in changes if day <= days[1]]
    if not changes or changes[0][0] > max(days[0], valid[0]):
        entry[Record.BASE_STYLE] = style_id(
            style_for(battle, feature, Default.STATUS if feature.kind == "position" else None)
        )
    if changes:
        entry[Record.STYLES] = [[day, style_id(style_for(battle, feature, status))] for day, status in changes]
