"""What each phase tells: its events, what changed since the previous phase, a text twin.

Pure functions of the battle; the panel template renders what they return, already escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from . import html
from .model import Battle, Bilingual, Feature, Phase
from .style import KIND_LABELS, MOVEMENT_LABELS, STATUS_LABELS


@dataclass(frozen=True)
class Change:
    """A feature that differs from the previous phase, and how, in both languages."""

    feature_id: str
    name: Bilingual
    what: Bilingual


@dataclass(frozen=True)
class Row:
    """One line of the accessible text version of a phase."""

    feature_id: str
    name: Markup
    kind: Markup
    side: Markup
    dates: Markup
    status: Markup
    sources: Markup


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
            now = feature.status_on(phase.end) or "held"
            before = (feature.status_on(previous.end) or "held") if previous and feature.in_phase(previous) else None
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


def table(battle: Battle, phase: Phase) -> list[Row]:
    """The accessible twin of the phase map: every feature, its state and sources."""
    rows = []
    for feature in battle.features_in(phase):
        kind = KIND_LABELS[feature.kind]
        if feature.kind == "movement":
            kind = MOVEMENT_LABELS[str(feature.extra["movement"])]
        status = feature.status_on(phase.end)
        assert feature.start and feature.end
        rows.append(
            Row(
                feature_id=feature.id,
                name=html.bi(feature.name),
                kind=html.bi(kind),
                side=html.bi(battle.sides[feature.side].name) if feature.side else Markup("—"),
                dates=html.bi(html.span_text(feature.start, feature.end)),
                status=html.bi(STATUS_LABELS[status]) if status else Markup("—"),
                sources=html.citations(battle, feature.sources),
            )
        )
    return rows
