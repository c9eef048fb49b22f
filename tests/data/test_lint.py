from __future__ import annotations

from layers.data.lint import report
from layers.data.load import load_battle

from ..conftest import FIXTURE_BATTLE


def test_report_lists_guesses_disputes_and_gaps() -> None:
    result = report(load_battle(FIXTURE_BATTLE))
    assert result.counts["position"] == 2
    assert {g[0] for g in result.guesses} == {"parley"}  # the only place worse than 500 m
    owners = {owner for owner, _ in result.disputes}
    assert {"phase afternoon", "parley", "north-brigade"} <= owners
    assert "phase afternoon has no line" in result.warnings
    text = result.text()
    assert "guesses (precision worse than 500 m)" in text and "parley (The parley): ±1,000 m" in text


def test_threshold_is_a_parameter() -> None:
    result = report(load_battle(FIXTURE_BATTLE), threshold=100)
    assert len(result.guesses) > len(report(load_battle(FIXTURE_BATTLE)).guesses)
