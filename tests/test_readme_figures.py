"""The README's figures about the data are the data's: what `check` counts."""

from __future__ import annotations

import re

from layers.data.lint import report

from .conftest import ROOT


def test_the_readme_s_figures_are_those_check_counts(battle) -> None:
    text = re.sub(r"\s+", " ", (ROOT / "README.md").read_text(encoding="utf-8"))
    features, sources = map(int, re.search(r"(\d+) features citing (\d+) sources", text).groups())
    disputes = int(re.search(r"the (\d+) disputed facts", text).group(1))
    cited = {s for f in (*battle.features, *battle.locator) for s in f.cited_sources()}
    cited |= {s for p in battle.phases for s in p.cited_sources()}
    found = (len(battle.features), len(cited), len(report(battle).disputes))
    assert (features, sources, disputes) == found, "README.md: mend the figures to what `hengyang-map check` counts"
