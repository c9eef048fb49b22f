"""The site's features as columns, and each phase's items made from them.

A page lists the features it draws as items (``[index, style, flags?, rank?]``,
:class:`layers.contract.Item`), and what it says of each depends on the phase: its status at
the phase's end, whether it was lost before, changed, ended or acts in it. Asked feature by
feature, that was several Python calls per feature and phase, a fifth of the build at 100,000
features. Here the facts are numpy arrays by site index, made once for the site
(:class:`Columns`, in the loop of :func:`layers.page.sitedata.site_data`) and once per phase
(:func:`phase_items`), and a group's items are written as JSON text straight from them
(:meth:`Items.text`). The rules stay the model's and the drawing's (:meth:`Feature.status_on`,
:func:`layers.draw.positions.status_on_page`, :func:`layers.draw.labels.page_rank`): tests
compare these columns with them on every feature and phase of the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..contract import Default, Flag
from ..data.model import BATTLE_KINDS, REFERENCE_KINDS, STATUSES

#: Kinds by code (:attr:`Columns.kind`).
KINDS = (*BATTLE_KINDS, *REFERENCE_KINDS)
#: Status codes are indices in STATUSES (``held`` is 0, the status before a first change);
#: NO_STATUS marks a feature with no status history.
NO_STATUS = -1
_HELD, _LOST = STATUSES.index(Default.STATUS), STATUSES.index("lost")
#: The code of a position drawn as a ghost (lost before the phase began): the last of
#: :data:`layers.draw.positions.DRAWN_STATUSES`.
GHOST = len(STATUSES)


def kind_codes(*kinds: str) -> list[int]:
    """The codes of ``kinds`` in :attr:`Columns.kind`."""
    return [KINDS.index(kind) for kind in kinds]


_POSITION, _LINE, _MOVEMENT = kind_codes("position", "line", "movement")


@dataclass(frozen=True)
class Changes:
    """Status changes, every feature's in turn, as (day, status code): feature i's are rows
    ``at[i]:at[i + 1]``, in date order."""

    at: np.ndarray
    day: np.ndarray
    status: np.ndarray

    def status_on(self, day: int) -> np.ndarray:
        """Each feature's status code on ``day`` (:meth:`Feature.status_on`): its last change on
        or before the day, held before the first; NO_STATUS without status history."""
        has_history = self.at[1:] > self.at[:-1]
        if not len(self.status):
            return np.full(len(has_history), NO_STATUS)
        count = self._until(day)
        last = self.status[np.maximum(self.at[:-1] + count - 1, 0)]
        return np.where(has_history, np.where(count > 0, last, _HELD), NO_STATUS)

    def between(self, first: int, last: int) -> np.ndarray:
        """Whether each feature has a status change on a day of ``first``..``last``."""
        return self._until(last) > self._until(first - 1)

    def _until(self, day: int) -> np.ndarray:
        """How many of each feature's changes fall on or before ``day`` (dates are in order)."""
        until = np.concatenate(([0], np.cumsum(self.day <= day)))
        return until[self.at[1:]] - until[self.at[:-1]]


@dataclass(frozen=True)
class Columns:
    """Facts of the site's features that every page reads, one array row per site index."""

    #: Battle features (they have days); the rest are the reference layers'.
    battle: np.ndarray
    #: First and last day (day indices; 0 for the reference layers).
    start: np.ndarray
    end: np.ndarray
    #: Code of the kind in :data:`KINDS`, and index of the layer in ``Battle.layers``.
    kind: np.ndarray
    layer: np.ndarray
    #: Style ids, a column per drawn status (:data:`layers.draw.positions.DRAWN_STATUSES`): a
    #: position's in each; every other feature's drawn style in every column.
    styles: np.ndarray
    #: Index of the feature's timing in ``SiteData.timings``; -1 for the reference layers.
    timing: np.ndarray
    #: Rank as the feature's entry writes it (-1: none) and as a page would rank it alone
    #: (:func:`layers.draw.labels.base_rank`).
    rank: np.ndarray
    base_rank: np.ndarray
    #: Drawn with a precision halo, with a hill sign; a unit.
    halo: np.ndarray
    hill: np.ndarray
    unit: np.ndarray
    #: Style id of a hill area's relief (-1: none).
    relief: np.ndarray
    #: Index of the feature's cited sources in :attr:`cited_sets` (equal sets once).
    cited: np.ndarray
    cited_sets: tuple[frozenset[str], ...]
    #: Every feature's status changes.
    changes: Changes


@dataclass(frozen=True)
class Items:
    """A group's members as its pages list them, one row each, in data order."""

    index: np.ndarray
    style: np.ndarray
    #: Bits of :class:`layers.contract.Flag`.
    flags: np.ndarray
    #: The rank the page writes where it differs from the entry's, else -1.
    rank: np.ndarray
    #: Status code at the phase's end, NO_STATUS where the feature has no status history.
    end: np.ndarray
    timing: np.ndarray

    #: Each item's JSON text (:meth:`text`), written once for every page that lists it.
    texts: np.ndarray

    @classmethod
    def of(
        cls,
        index: np.ndarray,
        style: np.ndarray,
        flags: np.ndarray,
        rank: np.ndarray,
        end: np.ndarray,
        timing: np.ndarray,
    ) -> Items:
        """Items with their texts: ``[index, style, flags?, rank?]``, flags where any or where
        the rank differs, written from the columns at once, not as a list per item."""
        texts = np.empty(len(index), dtype=object)
        ranked, flagged = rank >= 0, flags != 0
        for mask, form, columns in (
            (~ranked & ~flagged, "[%d,%d]", (index, style)),
            (~ranked & flagged, "[%d,%d,%d]", (index, style, flags)),
            (ranked, "[%d,%d,%d,%d]", (index, style, flags, rank)),
        ):
            if mask.any():
                texts[mask] = list(map(form.__mod__, zip(*(column[mask].tolist() for column in columns), strict=True)))
        return cls(index, style, flags, rank, end, timing, texts)

    def take(self, rows: np.ndarray) -> Items:
        """The items of ``rows`` (a mask or positions), in their order."""
        return Items(*(getattr(self, name)[rows] for name in self.__dataclass_fields__))

    def text(self) -> str:
        """The items' JSON text, ``[[index, style, flags?, rank?], ...]``."""
        return "[" + ",".join(self.texts.tolist()) + "]"

    def ends(self) -> dict[str, str]:
        """``{item position: status at the phase's end}`` of the items that have a status history."""
        rows = np.flatnonzero(self.end != NO_STATUS)
        return dict(zip(map(str, rows.tolist()), map(STATUSES.__getitem__, self.end[rows].tolist()), strict=True))


def reference_items(columns: Columns) -> Items:
    """The reference layers' items: the same on every page (no phase, no flags, no status)."""
    rows = np.flatnonzero(~columns.battle)
    return _items(columns, rows, columns.styles[rows, 0], np.zeros(len(rows), dtype=np.int64), None)


def phase_items(columns: Columns, first: int, last: int, previous: tuple[int, int] | None) -> tuple[Items, np.ndarray]:
    """The items of the features of the phase of days ``first``..``last``, in data order, and
    the site indices of what changed since the previous phase (of days ``previous``; None for
    the first), in the order the panel tells them: positions whose status at the phase's last
    day is not that at the previous phase's (the states their pages show), and lines that
    appeared, in data order; then the previous phase's lines given up."""
    rows, lost_before = phase_rows(columns, first, last)
    status = columns.changes.status_on(last)[rows]
    kind, end = columns.kind[rows], columns.end[rows]
    changed = np.zeros(len(rows), dtype=bool)
    told = rows[:0]
    if previous is not None:
        in_previous = (columns.start[rows] <= previous[1]) & (columns.end[rows] >= previous[0])
        before = columns.changes.status_on(previous[1])[rows]
        moved = np.maximum(status, _HELD) != np.maximum(before, _HELD)  # no history: held
        changed = np.where(in_previous, (kind == _POSITION) & moved, kind == _LINE)
        gone = _in_days(columns, *previous)
        gone = gone[(columns.kind[gone] == _LINE) & ((columns.start[gone] > last) | (columns.end[gone] < first))]
        told = np.concatenate((rows[changed], gone))
    drawn = np.where((status == _LOST) & lost_before, GHOST, np.maximum(status, _HELD))  # none: held
    ended = np.isin(kind, kind_codes("unit", "line")) & (end < last)
    flags = np.where(changed, Flag.CHANGED, 0) | np.where(ended, Flag.ENDED, 0)
    flags |= np.where(kind == _MOVEMENT, Flag.ACTION, 0)
    acts = columns.changes.between(first, last)[rows] | (
        np.isin(kind, kind_codes("movement", "line")) & (columns.start[rows] >= first)
    )
    return _items(columns, rows, columns.styles[rows, drawn], flags, changed | acts, status), told


def phase_rows(columns: Columns, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """The features of the phase of days ``first``..``last`` (site indices, in data order), and
    which of them had been lost when it began (:meth:`Feature.lost_before`)."""
    rows = _in_days(columns, first, last)
    return rows, columns.changes.status_on(first - 1)[rows] == _LOST


def existing(dated: np.ndarray, start: np.ndarray, end: np.ndarray, first: int, last: int) -> np.ndarray:
    """Which features exist on a day of ``first``..``last`` (:meth:`Feature.in_phase`): those with
    days (``dated``) from ``start`` to ``end`` (day indices) that share one with them."""
    return dated & (start <= last) & (end >= first)


def _in_days(columns: Columns, first: int, last: int) -> np.ndarray:
    return np.flatnonzero(existing(columns.battle, columns.start, columns.end, first, last))


def _items(
    columns: Columns,
    rows: np.ndarray,
    style: np.ndarray,
    flags: np.ndarray,
    lowered: np.ndarray | None,
    end: np.ndarray | None = None,
) -> Items:
    """Items of ``rows``; a page ranks a name a step earlier where ``lowered`` (never below 0)."""
    base = columns.base_rank[rows]
    page_rank = base if lowered is None else np.maximum(base - lowered.astype(np.int64), 0)
    written = columns.rank[rows]
    rank = np.where((written >= 0) & (page_rank != written), page_rank, -1)
    status = np.full(len(rows), NO_STATUS) if end is None else end
    return Items.of(rows, style, flags, rank, status, columns.timing[rows])
