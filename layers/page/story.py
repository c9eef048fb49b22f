"""What each phase tells: its events and what changed since the previous phase.

Pure functions of the battle; the panel template renders what they return, already escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from layers.contract import Default
from layers.data.model import Battle, Bilingual, Feature, Phase
from layers.draw.style import STATUS_LABELS


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


def events(phase: Phase, found: Iterable[Feature]) -> list[Feature]:
    """The events among ``found`` (the features of ``phase``), in date order."""
    return sorted((f for f in found if f.kind == "event"), key=lambda f: (f.start or phase.start, f.id))


def change(feature: Feature, phase: Phase) -> Change:
    """How ``feature`` changed since the phase before ``phase`` (one of what
    :func:`layers.page.columns.phase_items` finds changed): a position is in its status at the
    phase's last day, the state the phase's page shows; a line is new, or given up if it is not
    in the phase."""
    if feature.kind == "position":
        label = STATUS_LABELS[feature.status_on(phase.end) or Default.STATUS]
        what = Bilingual(label.zh, label.en)
    elif feature.in_phase(phase):
        what = Bilingual("新防线", "new line")
    else:
        what = Bilingual("放弃的防线", "line given up")
    return Change(feature.id, feature.name, what)
