"""A page's own data: which of the site's features its groups draw (in which style, with which
flags), its timeline and tables, and the styles its legend lists (:func:`page_data`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from markupsafe import Markup

from .. import __version__, contract
from ..contract import Base, Flag, Overlay, Page, Timeline
from ..data.model import Battle
from ..draw import records
from ..draw.labels import POINT_KINDS
from ..draw.style import (
    Style,
    changed_style,
    ended_style,
    folded_style,
    halo_style,
    hill_style,
    leader_style,
    synopsis_style,
)
from . import fragments
from .columns import Items, kind_codes
from .elements import JSONText, json_object
from .sitedata import SiteData
from .ui import UI, tiles_data

#: The kinds whose points' marks fold into a count where they would cover each other (labels.js).
POINT_CODES = kind_codes(*POINT_KINDS)
EVENT_CODES = kind_codes("event")  # (an event's disc stands aside from a place's mark: labels.js)


@dataclass(frozen=True)
class Group:
    """An overlay in the layer control: a label and the items of the features it shows
    (:func:`layers.page.columns.phase_items`: made once per phase, for its page and the atlas)."""

    id: str
    label: Markup
    show: bool
    items: Items


def page_data(
    battle: Battle, groups: list[Group], timeline: dict[str, Any], site: SiteData
) -> tuple[dict[str, Any], list[Style], np.ndarray]:
    """The page's own data, the styles of its legend in the order first used, and the site
    indices of the features it draws (sorted).

    A page's groups list the site's features they draw (``[index, style, flags?, rank?]``,
    see :class:`layers.contract.Item`): everything else about a feature is in the site's
    shared data, which the page's script reads as it draws.
    """
    used: dict[int, None] = {}  # style ids in the order the page first uses them
    read: set[int] = set()  # the timings already read
    flags = 0
    first, last = timeline[Timeline.RANGE]
    columns = site.columns

    out_groups = []
    for group in groups:
        items = group.items
        # The legend: each member's timing's styles that the page reaches, then its item's style,
        # in the order of the members. A timing or a style used once is used: only the first
        # member of each distinct (timing, style) pair can add one.
        for timed, style in _first_pairs(items.timing, items.style, len(site.styles)):
            if timed >= 0 and timed not in read:
                read.add(timed)
                valid_from, base, changes = site.timings[timed]
                reached = [(day, style) for day, style in changes if day <= last]
                if base is not None and (not reached or reached[0][0] > max(first, valid_from)):
                    used.setdefault(base)
                for _, reached_style in reached:
                    used.setdefault(reached_style)
            used.setdefault(style)
        flags |= int(np.bitwise_or.reduce(items.flags)) if len(items.flags) else 0
        out_group: dict[str, Any] = {
            Overlay.ID: group.id,
            Overlay.LABEL: str(group.label),
            Overlay.SHOW: group.show,
            Overlay.ITEMS: JSONText(items.text()),
        }
        ends = items.ends()  # the status at the phase's end, for the text version's table
        if ends:
            out_group[Overlay.ENDS] = ends
        out_groups.append(json_object(out_group))
    drawn = np.zeros(len(site.features), dtype=bool)
    for group in groups:
        drawn[group.items.index] = True
    on_page = np.flatnonzero(drawn)
    reliefs = columns.relief[on_page]
    for relief in reliefs[reliefs >= 0].tolist():  # the hills' reliefs, which their records name
        used.setdefault(relief)
    legend_styles = [site.styles[i] for i in used]
    data: dict[str, Any] = {
        Page.GROUPS: JSONText("[" + ",".join(out_groups) + "]"),
        Page.TIMELINE: timeline,
        Page.TILES: tiles_data(),
        Page.BASE: {Base.PLAIN: str(fragments.bi(UI["plain"]))},
        Page.ATTRIBUTION: f"hengyang-map {__version__} · data {battle.digest[:12]}",
        Page.LABELS: records.labels(battle),
    }
    if columns.halo[on_page].any():
        legend_styles.append(halo_style())
        data[Page.HALO] = site.style_ids[halo_style()]
    if flags & Flag.ENDED:
        legend_styles.append(ended_style())
    if sum(group.id != contract.Group.REFERENCE for group in groups) > 1:  # the atlas: phases shown together
        legend_styles.append(synopsis_style())
    if columns.hill[on_page].any():
        legend_styles.append(hill_style())
    if np.isin(columns.kind[on_page], POINT_CODES).sum() > 1:  # marks that may fold into a count
        legend_styles.append(folded_style())
    if columns.unit[on_page].sum() > 1 or np.isin(columns.kind[on_page], EVENT_CODES).any():  # what may stand aside
        legend_styles.append(leader_style())
    if flags & Flag.CHANGED:
        legend_styles.append(changed_style())
        data[Page.CHANGED] = site.style_ids[changed_style()]
    return data, legend_styles, on_page


def _first_pairs(timing: np.ndarray, style: np.ndarray, styles: int) -> list[tuple[int, int]]:
    """The distinct (timing, style) pairs, in the order each first occurs (``styles``: how
    many style ids there are)."""
    pairs = dict.fromkeys(((timing + 1) * styles + style).tolist())  # in order, each once
    return [(pair // styles - 1, pair % styles) for pair in pairs]


def data_json(data: dict[str, Any]) -> Markup:
    """The page data as safe JSON text (its groups written already: :class:`JSONText`)."""
    return Markup(json_object(data))
