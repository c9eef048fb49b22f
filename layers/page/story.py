"""What each phase tells: its events and what changed since the previous phase.

Pure functions of the battle; the panel template renders what they return, already escaped.
"""

from __future__ import annotations

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


def events(battle: Battle, phase: Phase) -> list[Feature]:
    """The phase's dated events, in date order."""
    found = [f for f in battle.features_in(phase) if f.kind == "event"]
    return sorted(found, key=lambda f: (f.start or phase.start, f.id))


def changes(battle: Battle, phase: Phase, previous: Phase | None) -> list[Change]:
    """Positions whose status changed, and lines that appeared or ended, since ``previous``.

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
                label = STATUS_LABELS[now]
                found.append(Change(feature.id, feature.name, Bilingual(label.zh, label.en)))
        elif feature.kind == "line" and previous and not feature.in_phase(previous):
            found.append(Change(feature.id, feature.name, Bilingual("新防线", "new line")))
    if previous:
        for feature in battle.features_in(previous):
            if feature.kind == "line" and not feature.in_phase(phase):
                found.append(Change(feature.id, feature.name, Bilingual("放弃的防线", "line given up")))
    return found
