from __future__ import annotations

import itertools

from layers.data.lint import report
from layers.data.load import load_battle

from ..conftest import FIXTURE_BATTLE, ROOT


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


def test_sides_that_print_as_one_grey_are_named() -> None:
    import dataclasses

    from layers.data.lint import lightness

    assert round(lightness("#000000")) == 0 and round(lightness("#ffffff")) == 100
    assert round(lightness("#808080")) == 54  # CIE L* of sRGB mid grey
    battle = load_battle(FIXTURE_BATTLE)
    ids = sorted(battle.sides)
    assert not [w for w in report(battle).warnings if "grey" in w]
    # the old Hengyang pair: a mid blue and a mid red, 1 L* apart
    sides = dict(battle.sides)
    sides[ids[0]] = dataclasses.replace(sides[ids[0]], color="#1f5a99")
    sides[ids[1]] = dataclasses.replace(sides[ids[1]], color="#b2182b")
    warnings = [w for w in report(dataclasses.replace(battle, sides=sides)).warnings if "grey" in w]
    assert len(warnings) == 1 and ids[0] in warnings[0] and ids[1] in warnings[0] and "#b2182b" in warnings[0]


def test_the_atlas_sides_stay_apart_in_grey() -> None:
    from layers.data.lint import GREY_APART, lightness

    battle = load_battle(ROOT / "geo")
    colours = sorted(lightness(side.color) for side in battle.sides.values())
    assert all(b - a >= GREY_APART for a, b in itertools.pairwise(colours))
