"""The data a page's script draws from: the site's features once, and each page's own part."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from operator import attrgetter
from typing import Any

import numpy as np
from markupsafe import Markup

from .. import __version__, contract
from ..contract import DETAIL, Base, Default, Flag, Global, Overlay, Page, Record, Site, Texts, Timeline
from ..data.model import STATUSES, Battle, Feature, Phase
from ..draw import labels, positions
from ..draw import records as payload
from ..draw.dispatch import draw, prepare
from ..draw.drawable import Context
from ..draw.style import (
    Style,
    changed_style,
    ended_style,
    halo_style,
    hill_style,
    leader_style,
    style_for,
    synopsis_style,
)
from . import fragments as html
from . import story
from .columns import KINDS, Changes, Columns, Items, existing
from .elements import JSONText, json_object, json_text, to_json
from .ui import UI, tiles_data

#: A feature's days and styles for the legend: (first day, base style id or None, ((day,
#: style id), ...) of its status changes).
Timing = tuple[int, int | None, tuple[tuple[int, int], ...]]


@dataclass(frozen=True)
class Group:
    """An overlay in the layer control: a label and the items of the features it shows
    (:func:`layers.page.columns.phase_items`: made once per phase, for its page and the atlas)."""

    id: str
    label: Markup
    show: bool
    items: Items


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

    @cached_property
    def path(self) -> str:
        """Where the shared file lies in the output folder, named by its content (with the
        second file's name in its head, by that one's too)."""
        digest = hashlib.sha256(_FORMAT + self._head.encode("utf-8"))
        for i, entry in enumerate(self.entries):  # entry by entry: no copy of the whole
            digest.update(b"\n" + entry if i else entry)
        return f"data/site-{digest.hexdigest()[:16]}.js"

    @cached_property
    def more_path(self) -> str | None:
        """Where a large site's second file lies (see :attr:`lead`), named by its content; None
        for a site in one file."""
        if self.lead is None:
            return None
        digest = hashlib.sha256(_FORMAT + b"more\n")
        for i in np.flatnonzero(~self.lead).tolist():
            digest.update(b"%d\n" % i + self.entries[i])
        return f"data/site-more-{digest.hexdigest()[:16]}.js"

    def paths(self, opening: str | None) -> list[str]:
        """The site files a page that opens on phase ``opening`` loads with it: the first
        file, and the second too unless the first holds what that phase draws (a page that
        opens on the lead phase loads the second once its first view is drawn)."""
        if self.more_path is None or opening == self.lead_phase:
            return [self.path]
        return [self.path, self.more_path]

    def script(self, only: Iterable[int] | None = None) -> str:
        """The shared data as a script setting ``window.BM_SITE`` (loaded with ``<script
        src>``, so it works from file:// under the CSP's 'self'); with ``only``, just those
        entries, keyed by index, and their details inline (a single-file page carries what it
        draws, and no detail file)."""
        if only is None:
            return self.file().decode("utf-8")
        indices = sorted(set(only))
        features = ",".join(f'"{i}":{self.entries[i].decode("utf-8")}' for i in indices)
        head = self._head_with([])
        chunks: dict[int, list[int]] = {}
        for i in indices:
            chunks.setdefault(i // DETAIL_SIZE, []).append(i)
        details = "".join(self._detail_script(k, ks).decode("utf-8") for k, ks in sorted(chunks.items()))
        return f'window.{Global.SITE} = {{{head},"{Site.FEATURES}":{{{features}}}}};{details}'

    def file(self) -> bytes:
        """The shared data file's content as UTF-8 (:meth:`pieces` joined)."""
        return b"".join(self.pieces())

    def pieces(self) -> Iterator[bytes]:
        """The shared data file, in pieces made as a writer takes them (no copy of the whole).

        The file sets ``window.BM_SITE`` to the head with no features, then adds the features
        in runs of about :data:`PARSE_RUN` bytes, each a JSON text in a string parsed with
        ``JSON.parse``: a browser reads such a file faster than the same data as an object
        literal, which it parses as code (in Chromium, with the data at 100k features: read 0.5–0.7 s
        sooner, 1.0–1.5 s after navigation instead of 1.5–2.2 s), and runs of a few MB faster
        than one string of the whole. The string holds the entries' JSON with every backslash doubled, so it parses to
        exactly the entries: they hold no quote and no line break (``json_text`` escapes those)."""
        yield f'window.{Global.SITE} = {{{self._head},"{Site.FEATURES}":[]}};'.encode()
        if self.lead is not None:  # a large site: the first file's part, set by index
            yield from self._part(np.flatnonzero(self.lead))
            return
        entries = self.entries
        if not entries:
            return
        yield f"{Global.SITE}.{Site.FEATURES}=[].concat(".encode()
        yield from self._parsed(entries)
        yield b");"

    def more_pieces(self) -> Iterator[bytes]:
        """A large site's second file (:attr:`more_path`), in pieces: the features the first
        does not hold, set by index, and then the head's :attr:`Site.MORE` set to null (the
        page's sign that every feature is there)."""
        assert self.lead is not None
        yield from self._part(np.flatnonzero(~self.lead))
        yield f"{Global.SITE}.{Site.MORE}=null;".encode()

    def _part(self, indices: np.ndarray) -> Iterator[bytes]:
        """A script that sets the site's features at ``indices`` (ascending), the others being
        null until set: the indices as runs ``[first, count, ...]``, then the entries."""
        if not len(indices):
            return
        breaks = np.flatnonzero(np.diff(indices) != 1) + 1
        starts = indices[np.concatenate(([0], breaks))]
        counts = np.diff(np.concatenate(([0], breaks, [len(indices)])))
        runs = ",".join(map(str, np.column_stack((starts, counts)).ravel().tolist()))
        yield (
            b"(function(f,n,at,e){var i,j,k=0;for(i=f.length;i<n;i++){f.push(null);}"
            b"for(i=0;i<at.length;i+=2){for(j=at[i];j<at[i]+at[i+1];j++){f[j]=e[k++];}}})"
            b"(%s.%s,%d,[%s],[].concat("
            % (Global.SITE.encode(), Site.FEATURES.encode(), len(self.entries), runs.encode())
        )
        yield from self._parsed([self.entries[i] for i in indices.tolist()])
        yield b"));"

    @staticmethod
    def _parsed(entries: list[bytes] | tuple[bytes, ...]) -> Iterator[bytes]:
        """``entries`` as ``JSON.parse('[...]')`` calls, comma-separated, in runs of about
        :data:`PARSE_RUN` bytes."""
        start, runs = 0, []
        while start < len(entries):
            end, size = start, 0
            while end < len(entries) and (end == start or size + len(entries[end]) <= PARSE_RUN):
                size += len(entries[end]) + 1
                end += 1
            runs.append((start, end))
            start = end
        for k, (start, end) in enumerate(runs):
            run = b",".join(entries[start:end]).replace(b"\\", b"\\\\")
            yield b"%sJSON.parse('[%s]')" % (b"," if k else b"", run)

    def detail_files(self) -> list[tuple[str, tuple[bytes, ...]]]:
        """The detail files (path, pieces): DETAIL_SIZE features' details each, in feature
        order, each named by its content."""
        return [(path, (script,)) for path, script in self._detail_files]

    @cached_property
    def _detail_files(self) -> list[tuple[str, bytes]]:
        out = []
        for k in range(0, (len(self.details) + DETAIL_SIZE - 1) // DETAIL_SIZE):
            script = self._detail_script(k, range(k * DETAIL_SIZE, min(len(self.details), (k + 1) * DETAIL_SIZE)))
            out.append((f"data/detail-{hashlib.sha256(script).hexdigest()[:16]}.js", script))
        return out

    def _detail_script(self, chunk: int, indices: Iterable[int]) -> bytes:
        """A detail file's script: it queues ``[chunk, {feature index: detail}]`` on
        ``window.BM_DETAILS`` for the page to take (bm-panel.js)."""
        parts = b",".join(b'"%d":%s' % (i, self.details[i]) for i in indices)
        queue = Global.DETAILS.encode()
        return b"(window.%s=window.%s||[]).push([%d,{%s}]);" % (queue, queue, chunk, parts)

    @cached_property
    def _head(self) -> str:
        return self._head_with([path for path, _ in self._detail_files], self.more_path)

    def _head_with(self, detail_paths: list[str], more: str | None = None) -> str:
        """The contract the page reads its keys from, the style and symbol tables, the date
        texts (the symbols are the build's own SVG; no text from the data), where the details
        are and (a large site) where the second file is."""
        members = [
            (Site.CONTRACT, to_json(contract.as_json())),
            (Site.ICONS, to_json(self.icons)),
            (Site.STYLES, to_json([s.as_dict() for s in self.styles])),
            (Site.TEXTS, to_json(self.texts)),
            (Site.DETAILS, to_json([DETAIL_SIZE, detail_paths])),
        ]
        if more is not None:
            members.append((Site.MORE, to_json(more)))
        return ",".join(f'"{name}":{value}' for name, value in members)


#: The shared file's features are parsed in runs of about this many bytes of JSON (see
#: SiteData.pieces); the format's name goes into the file's digest.
PARSE_RUN = 1 << 21
_FORMAT = b"runs of JSON text\n"

#: A site whose features' entries take more bytes than this is written in two files (see
#: SiteData.lead): a page that opens on the first phase reads a third or so of a campaign's
#: data before it draws (at 100,000 features, 9 of 27 MB).
SPLIT_FROM = 1 << 23

#: How many features' details a detail file holds (about 0.7 MB of a dense battle's text):
#: a popup loads one file, however large the battle.
DETAIL_SIZE = 1000

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
    page_styles, timing, ranks, halos = [], [], [], []  # columns (see _columns)
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
        entries.append(json_text(entry).encode("utf-8"))
        details.append(json_text(detail).encode("utf-8"))
    columns = _columns(battle, shown, page_styles, timing, ranks, halos, (dated[rows], starts[rows], ends[rows]))
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
    days: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> Columns:
    """The site's :class:`Columns`: what the data loop found (styles, timings, written ranks,
    halos, days of validity), and what pages read of the features themselves."""
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
        Texts.DAYS: {str(d): payload.pair(html.day_text(on(d))) for d in sorted(days)},
        Texts.SPANS: {f"{a},{b}": payload.pair(html.span_text(on(a), on(b))) for a, b in spans},
    }


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
    legend_styles = [site.styles[i] for i in used]
    data: dict[str, Any] = {
        Page.GROUPS: JSONText("[" + ",".join(out_groups) + "]"),
        Page.TIMELINE: timeline,
        Page.TILES: tiles_data(),
        Page.BASE: {Base.PLAIN: str(html.bi(UI["plain"]))},
        Page.ATTRIBUTION: f"hengyang-map {__version__} · data {battle.digest[:12]}",
        Page.LABELS: payload.labels(battle),
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
    if columns.unit[on_page].sum() > 1:
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
