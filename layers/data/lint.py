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
#: Sides' colours closer than this in CIE lightness (L*, 0–100) print as one grey.
GREY_APART = 15.0


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
    warnings += grey_clashes(battle)
    return Report(dict(counts), dict(certainty), guesses, disputes, warnings)


def lightness(color: str) -> float:
    """CIE L* (0 black – 100 white) of a ``#rrggbb`` colour: what is left of it printed in grey."""
    linear = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in linear]
    y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 116 * y ** (1 / 3) - 16 if y > (6 / 29) ** 3 else y * (29 / 3) ** 3


def grey_clashes(battle: Battle) -> list[str]:
    """Pairs of sides whose colours a grey print (a school's copier) cannot tell apart."""
    sides = sorted(battle.sides.items())
    return [
        f"sides {a} ({sa.color}) and {b} ({sb.color}) print as one grey: their lightness differs by "
        f"{abs(lightness(sa.color) - lightness(sb.color)):.0f} (L*); choose colours at least {GREY_APART:.0f} apart"
        for i, (a, sa) in enumerate(sides)
        for b, sb in sides[i + 1 :]
        if abs(lightness(sa.color) - lightness(sb.color)) < GREY_APART
    ]
