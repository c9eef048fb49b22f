"""The data report behind ``hengyang-map check``: guesses, disputes and gaps, for a maintainer.

The loader already refuses anything invalid; this reads a valid battle and says where it is
weak: which locations are guesses (precision worse than a threshold, or not surveyed), which
facts are disputed between sources, and which phases lack units, movements or a defence line.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..errors import inert
from .model import Battle

#: Locations less precise than this (metres) are listed as guesses.
GUESS_THRESHOLD_M = 500.0


@dataclass(frozen=True)
class Report:
    """What ``check`` prints: counts, guesses, disputes and warnings."""

    counts: dict[str, int]
    certainty: dict[str, int]
    guesses: list[tuple[str, str, float, str]]
    disputes: list[tuple[str, str]]
    warnings: list[str]

    def text(self) -> str:
        """The report as lines a person reads."""
        lines = ["features: " + ", ".join(f"{n} {kind}" for kind, n in sorted(self.counts.items()))]
        lines.append("locations: " + ", ".join(f"{n} {c}" for c, n in sorted(self.certainty.items())))
        lines.append(f"guesses (precision worse than {GUESS_THRESHOLD_M:.0f} m): {len(self.guesses)}")
        lines += [f"  {fid} ({name}): ±{metres:,.0f} m, {how}" for fid, name, metres, how in self.guesses]
        lines.append(f"disputed facts (sources disagree; both values shown): {len(self.disputes)}")
        lines += [f"  {owner}: {what}" for owner, what in self.disputes]
        lines.append(f"warnings: {len(self.warnings)}")
        lines += [f"  {w}" for w in self.warnings]
        return "\n".join(inert(line) for line in lines)  # names and values from the data: shown, never obeyed


def report(battle: Battle, threshold: float = GUESS_THRESHOLD_M) -> Report:
    """Summarise the weak points of ``battle``."""
    counts = Counter(f.kind for f in battle.features)
    certainty = Counter(f.certainty for f in battle.features)
    guesses = [(f.id, f.name.en, f.precision_m, f.certainty) for f in battle.features if f.precision_m > threshold]
    disputes: list[tuple[str, str]] = []
    for phase in battle.phases:
        disputes += [
            (f"phase {phase.id}", f"{c.field} (also {c.value!r}, {', '.join(c.sources)})") for c in phase.claims
        ]
        disputes += [(f"phase {phase.id}", f"figure {g.label.en}") for g in phase.figures if len(g.values) > 1]
    for f in battle.features:
        disputes += [(f.id, f"{c.field} (also {c.value[:50]!r}, {', '.join(c.sources)})") for c in f.claims]
        disputes += [(f.id, f"figure {g.label.en}") for g in f.figures if len({v.value for v in g.values}) > 1]
    warnings = []
    for phase in battle.phases:
        kinds = {f.kind for f in battle.features_in(phase)}
        missing = [k for k in ("unit", "movement", "line") if k not in kinds]
        if missing:
            warnings.append(f"phase {phase.id} has no {', '.join(missing)}")
    unused = sorted(
        set(battle.sources)
        - {s for f in (*battle.features, *battle.locator) for s in f.cited_sources()}
        - {s for p in battle.phases for s in p.cited_sources()}
    )
    if unused:
        warnings.append("sources never cited: " + ", ".join(unused))
    return Report(dict(counts), dict(certainty), guesses, disputes, warnings)
