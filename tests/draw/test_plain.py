from __future__ import annotations

from dataclasses import replace

from layers.data.load import load_battle
from layers.draw.dispatch import draw, style_of
from layers.draw.drawable import Context, decimals_for, rounded

from ..conftest import ROOT
from .conftest import by_id


def test_reference_and_line_styles(mini) -> None:
    ctx = Context(mini, mini.phases[0])
    brook = by_id(mini, "brook")
    assert draw(brook, Context(mini)).style.key == "river:water"  # its width is sourced
    assert draw(replace(brook, width=None), Context(mini)).style.key == "river:drawn"
    line = draw(by_id(mini, "north-line"), ctx)
    assert line.style.key == "line:north:inferred"
    assert line.style.as_dict()["dashArray"]  # inferred lines are dashed


def test_event_record_carries_the_claim(mini) -> None:
    record = draw(by_id(mini, "parley"), Context(mini, mini.phases[1])).record
    [(field, value, sources, note)] = record["cl"]
    assert field == "start" and value == "1805-05-02" and sources
    assert "The chronicle says the 2nd" in note


def test_rounding_follows_precision() -> None:
    assert decimals_for(1000) == 4
    assert decimals_for(5) == 6
    geom = rounded({"type": "Point", "coordinates": [112.123456789, 26.987654321]}, 1000)
    assert geom["coordinates"] == [112.1235, 26.9877]


def test_style_of_is_the_style_draw_draws_in(mini) -> None:
    """The site's style table is made before anything is drawn, from style_of: it must be the
    style every builder draws in, on every page (a position's follows its status)."""
    for battle in (mini, load_battle(ROOT / "geo")):
        for phase in (None, *battle.phases):
            ctx = Context(battle, phase)
            for feature in battle.features:
                assert style_of(feature, ctx) == draw(feature, ctx).style, (feature.id, phase)


def test_drawing_leaves_no_reference_cycles(mini) -> None:
    """A build pauses the cyclic collector: drawing must leave nothing only it could free
    (a rounding closure that called itself was a cycle per feature)."""
    import gc

    gc.collect()
    gc.disable()
    try:
        for battle in (mini, load_battle(ROOT / "geo")):
            for phase in (None, *battle.phases):
                ctx = Context(battle, phase)
                for feature in battle.features:
                    draw(feature, ctx)
            del ctx
        assert gc.collect() == 0
    finally:
        gc.enable()
