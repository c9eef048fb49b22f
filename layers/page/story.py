"""What each phase tells: its events and what changed since the previous phase.

Pure functions of the battle; the panel template renders what they return, already escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..contract import Default
from ..data.model import Battle, Bilingual, Feature, Phase
from ..draw.style import STATUS_LABELS


@dataclass(frozen=True)
class Change:
    """A feature that differs from the previous phase, and how, in both languages."""

    feature_id: str
    name: Bilingual
    what: Bilingual


def day_index(battle: Battle, day: date) -> int:
    """Days since the battle's first day (0 for the first day)."""
    return (day - battle.start).days


def phase_days(battle: Battle, phase: Phase) -> tuple[int, int]:
    """The first and last day of ``phase`` (day indices)."""
    return day_index(battle, phase.start), day_index(battle, phase.end)


def events(battle: Battle, phase: Phase, found: Iterable[Feature] | None = None) -> list[Feature]:
    """The phase's dated events, in date order; ``found``: the phase's features (or some of
    them, its events among them), when the caller has them at hand."""
    features = battle.features_in(phase) if found is None else found
    return sorted((f for f in features if f.kind == "event"), key=lambda f: (f.start or phase.start, f.id))


def changes(battle: Battle, phase: Phase, previous: Phase | None) -> list[Change]:
    """Positions whose status changed, and lines that appeared or ended, since ``previous``,
    feature by feature (the pages find the same from the site's columns:
    :func:`layers.page.columns.phase_items`).

    Compared at the phases' last days: the state each phase page shows.
    """
    found: list[Change] = []
    for feature in battle.features_in(phase):
        if feature.kind == "position":
            now = feature.status_on(phase.end) or Default.STATUS
            before = (
                (feature.status_on(previous.end) or Default.STATUS) if previous and feature.in_phase(previous) else None
            )
            if before is not None and now != before:
                found.append(change(feature, phase))
        elif feature.kind == "line" and previous and not feature.in_phase(previous):
            found.append(change(feature, phase))
    if previous:
        for feature in battle.features_in(previous):
            if feature.kind == "line" and not feature.in_phase(phase):
                found.append(change(feature, phase))
    return found


def change(feature: Feature, phase: Phase) -> Change:
    """How ``feature``, found changed since the phase before ``phase`` (:func:`changes`), changed:
    a position is in its status at the phase's last day, the state the phase's page shows; a
    line is new, or given up if it is not in the phase."""
    if feature.kind == "position":
        label = STATUS_LABELS[feature.status_on(phase.end) or Default.STATUS]
        what = Bilingual(label.zh, label.en)
    elif feature.in_phase(phase):
        what = Bilingual("新防线", "new line")
    else:
        what = Bilingual("放弃的防线", "line given up")
    return Change(feature.id, feature.name, what)
