from __future__ import annotations

from dataclasses import replace

import numpy as np
from shapely.geometry import LineString, Point, shape

from layers.data.load import load_battle
from layers.draw import movements
from layers.draw.drawable import Context, rounded

from ..conftest import ROOT
from .conftest import by_id


def test_arrow_is_a_valid_polygon_with_the_end_in_its_head() -> None:
    centre = LineString([(112.60, 26.85), (112.61, 26.87), (112.63, 26.88)])
    arrow = movements.arrow_polygon(centre)
    assert arrow.geom_type == "Polygon" and arrow.is_valid
    end = Point(centre.coords[-1])
    assert arrow.contains(end)
    # the head is wider than the shaft near the tail
    assert arrow.area > centre.buffer(0.0001).area


def test_short_and_long_arrows() -> None:
    for length in (0.002, 0.2):
        centre = LineString([(112.5, 26.8), (112.5 + length, 26.8 + length / 3)])
        arrow = movements.arrow_polygon(centre)
        assert arrow.is_valid and arrow.contains(Point(centre.coords[-1]))


def test_build_uses_side_and_kind(mini) -> None:
    drawn = movements.build(by_id(mini, "south-attack"), Context(mini, mini.phases[0]))
    assert drawn.style.key == "movement:south:attack"
    polygon = shape(drawn.geometry)
    assert polygon.is_valid and polygon.contains(Point(4.09, 50.075))


def test_a_straight_arrow_has_seven_corners_and_a_bend_two_more() -> None:
    straight = movements.arrow_polygon(LineString([(112.60, 26.85), (112.62, 26.86)]))
    bent = movements.arrow_polygon(LineString([(112.60, 26.85), (112.61, 26.86), (112.63, 26.86)]))
    assert len(straight.exterior.coords) - 1 == 7
    assert len(bent.exterior.coords) - 1 == 9


def test_a_hairpin_falls_back_to_a_buffered_outline() -> None:
    # the offset outline of a hairpin folds over itself: the buffered pieces draw it instead
    centre = LineString([(112.60, 26.85), (112.62, 26.85), (112.6005, 26.8502)])
    arrow = movements.arrow_polygon(centre)
    assert arrow.geom_type == "Polygon" and arrow.is_valid
    assert arrow.contains(Point(centre.coords[-1]))
    assert len(arrow.exterior.coords) > 20  # round joins: not the seven-corner outline


def test_an_arrow_drawn_from_its_outline_is_its_polygon_rounded(mini) -> None:
    """The page gets an arrow's ring straight from the outline's array (no polygon made and
    read back): the same coordinates as the polygon's, rounded the same way."""
    for coords in ([(112.60, 26.85), (112.62, 26.86)], [(112.60, 26.85), (112.61, 26.86), (112.63, 26.86)]):
        centre = LineString(coords)
        outline = movements.arrow_outline(centre)
        assert not isinstance(outline, movements.Polygon)  # the usual, offset outline
        polygon = movements.arrow_polygon(centre)
        expected = rounded(movements.mapping_lists(polygon), 25.0)
        feature = replace(by_id(mini, "south-attack"), geometry=centre, precision_m=100.0)
        drawn = movements.build(feature, Context(mini, mini.phases[0]))
        assert drawn.geometry == expected


def test_arrows_drawn_together_are_the_arrows_drawn_alone(mini) -> None:
    """prepare() checks a run's outlines in one shapely call: each arrow is the one build()
    draws alone, the fallback of a hairpin bend included."""
    template = by_id(mini, "south-attack")
    lines = [
        [(112.60, 26.85), (112.62, 26.86)],
        [(112.60, 26.85), (112.61, 26.86), (112.63, 26.86)],
        [(112.60, 26.85), (112.64, 26.85), (112.60, 26.8502)],  # a hairpin: the buffered fallback
    ]
    features = [replace(template, id=f"m{i}", geometry=LineString(c)) for i, c in enumerate(lines)]
    real = load_battle(ROOT / "geo")
    for battle, run in ((mini, features), (real, [f for f in real.features if f.kind == "movement"])):
        together = Context(battle)
        movements.prepare(run, together)
        for feature in run:
            alone = movements.build(feature, Context(battle)).geometry
            assert together.memo[("arrow", feature.id)] == alone, feature.id
    assert not isinstance(movements.arrow_outline(features[2].geometry), np.ndarray)  # the fallback was tried
