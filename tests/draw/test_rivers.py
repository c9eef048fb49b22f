"""Water drawn at a sourced width: solid banks where they are surveyed, dashed where the
water is a centre line widened by a width (the banks only as sure as the line); the legend
says which, from the same style."""

from __future__ import annotations

from dataclasses import replace

from layers.data.load import load_battle
from layers.draw import rivers
from layers.draw.drawable import Context
from layers.page.legend import swatch

from ..conftest import GEO
from .conftest import by_id


def test_surveyed_water_has_a_solid_bank(mini) -> None:
    brook = by_id(mini, "brook")
    assert brook.certainty == "surveyed"
    style = rivers.build(brook, Context(mini)).style
    assert style.key == "river:water" and "dashArray" not in style.as_dict()
    assert "uncertain" not in style.label.en


def test_water_whose_banks_are_not_surveyed_is_drawn_with_a_dashed_bank(mini) -> None:
    for certainty in ("estimated", "inferred", "schematic"):
        brook = replace(by_id(mini, "brook"), certainty=certainty)
        drawable = rivers.build(brook, Context(mini))
        assert drawable.geometry["type"] == "Polygon"  # still water of its width
        style = drawable.style
        assert style.key == "river:water:uncertain" and style.as_dict()["dashArray"]
        assert "banks uncertain" in style.label.en and "岸线不确定" in style.label.zh
        assert "stroke-dasharray" in swatch(mini, style)  # the legend draws the bank as the map does


def test_the_xiang_at_hengyang_is_drawn_with_uncertain_banks() -> None:
    battle = load_battle(GEO)
    xiang = by_id(battle, "xiang-river")
    assert rivers.build(xiang, Context(battle)).style.key == "river:water:uncertain"
