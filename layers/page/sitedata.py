"""The site's shared data: every feature the site shows, drawn once, with the site's style,
symbol, timing and date tables and the columns pages read (:class:`SiteData`, made by
:func:`site_data`).

How it is written is :mod:`layers.page.sitefiles` (the shared data files) and
:mod:`layers.page.details` (the detail files); each page's own part is :mod:`layers.page.pagedata`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from operator import attrgetter
from typing import Any

import numpy as np

from ..contract import DETAIL, Default, Record, Texts
from ..data.model import STATUSES, Battle, Feature, Phase
from ..draw import labels, positions, records
from ..draw.dispatch import draw, prepare
from ..draw.drawable import Context
from ..draw.style import Style, changed_style, halo_style, style_for
from . import fragments, story
from .columns import KINDS, Changes, Columns, existing
from .elements import json_bytes

#: A feature's days and styles for the legend: (first day, base style id or None, ((day,
#: style id), ...) of its status changes).
Timing = tuple[int, int | None, tuple[tuple[int, int], ...]]


@dataclass(frozen=True)
class SiteData:
    """The site's features, written once and shared by every page.

    Each entry is what a page needs to draw a feature: names, geometry, its days of validity
    and the style of each of its status changes (ids into the site's one style table), and
    its symbol (a key of the site's icons, by symbol code). The rest of its record, its account
    and sources (:data:`layers.contract.DETAIL`), is in the site's detail files, loaded when a
    reader asks. A page lists only which entries it draws, in which style, with which flags."""

    index: dict[str, int]
    #: The features, by index.
    features: tuple[Feature, ...]
    #: Each feature's entry as UTF-8 JSON (bytes: half or less the memory of ``str`` for text
    #: in Chinese, and written as they are).
    entries: tuple[bytes, ...]
    #: Each feature's detail (the keys of DETAIL it has) as UTF-8 JSON, ``b"{}"`` when none.
    details: tuple[bytes, ...]
    #: Dates as readers write them, made once here so the page never formats one
    #: (keys: :class:`layers.contract.Texts`).
    texts: dict[str, Any]
    #: Every style a page of the site can draw, in the order first used.
    styles: tuple[Style, ...]
    #: Unit symbols by symbol code (keys: :class:`layers.contract.Icon`).
    icons: dict[str, dict[str, Any]]
    #: Each distinct timing of the battle features: first day, base style id (or None) and
    #: ``((day, style id), ...)`` of the status changes, so that a page's legend lists only what
    #: its day slider reaches. Most features share theirs with many others.
    timings: tuple[Timing, ...]
    #: What pages read of each feature (its timing's index, styles, rank...), by index.
    columns: Columns
    #: A large site (:data:`SPLIT_FROM`): which features its first file holds (the reference
    #: layers' and those its first phase shows first, what a page that opens on that phase
    #: draws), the others being in a second file the page loads once its first view is drawn;
    #: None: one file holds all.
    lead: np.ndarray | None = None
    #: The phase whose page draws only what the first file holds (with :attr:`lead`).
    lead_phase: str | None = None

    @cached_property
    def style_ids(self) -> dict[Style, int]:
        """Each style's id in :attr:`styles`."""
        return {style: i for i, style in enumerate(self.styles)}


#: A site whose features' entries take more bytes than this is written in two files (see
#: SiteData.lead): a page that opens on the first phase reads a third or so of a campaign's
#: data before it draws (at 100,000 features, 9 of 27 MB).
SPLIT_FROM = 1 << 23

_DETAIL_KEYS = frozenset(DETAIL)

#: How many features are drawn together before their drawings are let go.
_RUN = 1024


def site_data(base: Context, phases: list[Phase]) -> SiteData:
    """Every feature the site shows (reference, and battle features of ``phases``), in data
    order, with the site's style and symbol tables."""
    battle = base.battle
    # Each feature is drawn once, here, in a memo of its own run: its geometry and record live
    # only until its run's entries are written (pages need only its styles, halo and rank, kept
    # in the site's columns). It is drawn as on the page of its first phase.
    scratch: dict[Any, Any] = {}
    reference = Context(battle, None, scratch)
    contexts = [reference, *(Context(battle, phase, scratch) for phase in phases)]
    dated, starts, ends = _days(battle)
    drawn_in = np.where([f.is_reference for f in battle.features], 0, -1)  # an index in contexts
    for k, phase in reversed(list(enumerate(phases))):  # a feature's first phase is the last to set it
        drawn_in[existing(dated, starts, ends, *story.phase_days(battle, phase))] = k + 1
    rows = np.flatnonzero(drawn_in >= 0)
    shown = list(map(battle.features.__getitem__, rows.tolist()))
    first_context = list(map(contexts.__getitem__, drawn_in[rows].tolist()))
    styles: dict[Style, int] = {}

    def style_id(style: Style) -> int:
        return styles.setdefault(style, len(styles))

    # Decorations every page may draw, first: their ids do not depend on the data's order.
    style_id(halo_style())
    style_id(changed_style())
    icons: dict[str, dict[str, Any]] = {}
    timings: dict[Timing, int] = {}  # each distinct timing, with its index
    page_styles, timing, ranks, halos, reliefs = [], [], [], [], []  # columns (see _columns)
    entries, details = [], []
    unit_names = base.unit_names
    for i, feature in enumerate(shown):
        if i % _RUN == 0:  # a run of features drawn together (arrows checked at once), then let go
            scratch.clear()
            scratch["unit-names"] = unit_names
            prepare(shown[i : i + _RUN], reference)
        drawn = draw(feature, first_context[i])
        # every style a page may draw the feature in: as drawn here, or (a position) in any status
        drawn_style = style_id(drawn.style)
        if feature.kind == "position":
            styles_of = [style_id(style_for(battle, feature, status)) for status in positions.DRAWN_STATUSES]
        else:
            styles_of = [drawn_style] * len(positions.DRAWN_STATUSES)
        page_styles.extend(styles_of)  # flat: one list of ints makes an array at once
        entry: dict[str, Any] = {Record.ID: drawn.feature_id, Record.GEOMETRY: drawn.geometry, **drawn.record}
        ranks.append(drawn.record.get(Record.RANK, -1))
        halos.append(bool(drawn.halo_m))
        if drawn.halo_m:
            entry[Record.HALO] = round(drawn.halo_m)
        reliefs.append(-1 if drawn.relief is None else style_id(drawn.relief))
        if drawn.relief is not None:
            entry[Record.RELIEF] = reliefs[-1]
        if drawn.icon is not None and feature.sidc:
            if feature.sidc not in icons:
                icons[feature.sidc] = drawn.icon.as_dict()
            entry[Record.ICON] = feature.sidc
        if feature.is_reference:
            timing.append(-1)
        else:
            timing.append(timings.setdefault(_add_time(battle, feature, entry, styles_of), len(timings)))
        # the keys of DETAIL the entry has (in any order: the JSON is written with its keys sorted)
        detail = {key: entry.pop(key) for key in entry.keys() & _DETAIL_KEYS}
        entries.append(json_bytes(entry))
        details.append(json_bytes(detail))
    days = (dated[rows], starts[rows], ends[rows])
    columns = _columns(battle, shown, page_styles, timing, ranks, halos, reliefs, days)
    split = bool(phases) and sum(map(len, entries)) > SPLIT_FROM
    return SiteData(
        {f.id: i for i, f in enumerate(shown)},
        tuple(shown),
        tuple(entries),
        tuple(details),
        _date_texts(battle, columns),
        tuple(sorted(styles, key=styles.__getitem__)),
        icons,
        tuple(timings),
        columns,
        drawn_in[rows] <= 1 if split else None,  # the reference layers (0) and the first phase (1)
        phases[0].id if split else None,
    )


def _columns(
    battle: Battle,
    shown: list[Feature],
    page_styles: list[int],
    timing: list[int],
    ranks: list[int],
    halos: list[bool],
    reliefs: list[int],
    days: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> Columns:
    """The site's :class:`Columns`: what the data loop found (styles, timings, written ranks,
    halos, reliefs, days of validity), and what pages read of the features themselves."""
    layer = {spec.id: i for i, spec in enumerate(battle.layers)}
    kind = {kind: i for i, kind in enumerate(KINDS)}
    # equal cited sets are one object (Battle.cited_by_id): numbered by identity, at once
    cited_of = list(map(battle.cited_by_id.__getitem__, map(attrgetter("id"), shown)))
    _, first_of, cited = np.unique(np.fromiter(map(id, cited_of), np.int64, len(shown)), True, True)
    changes = [change for f in shown if f.status for change in f.status]
    start = battle.start
    dated, first, last = days
    kinds = _column(map(kind.__getitem__, map(attrgetter("kind"), shown)), len(shown))
    return Columns(
        battle=dated,
        start=first,
        end=last,
        kind=kinds,
        layer=_column(map(layer.__getitem__, map(attrgetter("layer"), shown)), len(shown)),
        styles=np.fromiter(page_styles, np.int64, len(page_styles)).reshape(len(shown), len(positions.DRAWN_STATUSES)),
        timing=np.array(timing, dtype=np.int64),
        rank=np.array(ranks, dtype=np.int64),
        base_rank=_column(map(labels.base_rank, shown), len(shown)),
        halo=np.array(halos, dtype=bool),
        hill=_column(map(attrgetter("is_hill"), shown), len(shown), bool),
        relief=np.array(reliefs, dtype=np.int64),
        unit=kinds == KINDS.index("unit"),
        cited=cited.astype(np.int64),
        cited_sets=tuple(map(cited_of.__getitem__, first_of.tolist())),
        changes=Changes(
            np.cumsum([0, *map(len, map(attrgetter("status"), shown))], dtype=np.int64),
            np.array([(c.date - start).days for c in changes], dtype=np.int64),  # story.day_index
            np.array([STATUSES.index(c.status) for c in changes], dtype=np.int64),
        ),
    )


def _column(values: Iterable[Any], count: int, dtype: Any = np.int64) -> np.ndarray:
    """``count`` values as a column (taken in C from an iterator: no list between)."""
    return np.fromiter(values, dtype, count)


def _days(battle: Battle) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which of the battle's features have days (its battle features), and each one's first and
    last (day indices; 0 for the others)."""
    start = battle.start
    dated = [f.start is not None and f.end is not None for f in battle.features]
    first = [(f.start - start).days if f.start else 0 for f in battle.features]  # story.day_index
    last = [(f.end - start).days if f.end else 0 for f in battle.features]
    return np.array(dated, dtype=bool), np.array(first, dtype=np.int64), np.array(last, dtype=np.int64)


def _date_texts(battle: Battle, columns: Columns) -> dict[str, Any]:
    """Every day the pages can name (the battle's days and each status change) and every
    span of validity of a battle feature, in both languages (:func:`layers.page.fragments.day_text`)."""
    first, last = story.day_index(battle, battle.start), story.day_index(battle, battle.end)
    days = set(range(first, last + 1)).union(columns.changes.day.tolist())
    spans = set(zip(columns.start[columns.battle].tolist(), columns.end[columns.battle].tolist(), strict=True))
    start = battle.start

    def on(day: int) -> date:
        return start + timedelta(days=day)

    return {
        Texts.DAYS: {str(d): records.pair(fragments.day_text(on(d))) for d in sorted(days)},
        Texts.SPANS: {f"{a},{b}": records.pair(fragments.span_text(on(a), on(b))) for a, b in spans},
    }


def _add_time(battle: Battle, feature: Feature, entry: dict[str, Any], styles: list[int]) -> Timing:
    """Validity in day numbers and the style from each status change on (positions start
    held); returns (first day, base style id or None, ((day, style id), ...)). ``styles``: the
    feature's style id in each of :data:`layers.draw.positions.DRAWN_STATUSES` (a status
    changes only a position's style: every other feature's are its one style)."""
    assert feature.start and feature.end
    valid = [story.day_index(battle, feature.start), story.day_index(battle, feature.end)]
    entry[Record.VALID] = valid
    changes = tuple((story.day_index(battle, c.date), styles[_DRAWN_INDEX[c.status]]) for c in feature.status)
    base = None
    if not changes or changes[0][0] > valid[0]:
        base = styles[_DRAWN_INDEX[Default.STATUS]]  # a position starts held
        entry[Record.BASE_STYLE] = base
    if changes:
        entry[Record.STYLES] = [list(change) for change in changes]
    return valid[0], base, changes


_DRAWN_INDEX = {status: i for i, status in enumerate(positions.DRAWN_STATUSES)}
