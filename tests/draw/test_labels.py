"""What the map writes (layers.labels): texts, anchors and ranks; and rivers drawn as water."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from shapely.geometry import LineString, shape

from layers.contract import Sign
from layers.data.model import Bilingual
from layers.draw import labels, rivers
from layers.draw.drawable import Context

from .conftest import by_id


def test_short_dates_in_each_language() -> None:
    # English names the month: "4.6" reads as 6 April to many readers
    assert labels.short_span(date(1944, 6, 28), date(1944, 7, 2)) == ("6.28–7.2", "28 Jun–2 Jul")
    assert labels.short_span(date(1944, 6, 4), date(1944, 6, 5)) == ("6.4–6.5", "4–5 Jun")
    assert labels.short_span(date(1944, 8, 8), date(1944, 8, 8)) == ("8.8", "8 Aug")
    assert labels.short_span(date(1944, 12, 30), date(1945, 1, 2)) == ("12.30–1.2", "30 Dec–2 Jan")
    assert [labels.short_date(date(1944, m, 1))[1] for m in range(1, 13)] == [
        f"1 {m}" for m in ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    ]


def test_a_point_is_named_beside_itself(mini) -> None:
    mill = by_id(mini, "mill")
    record = labels.label_record(mill)
    assert record["lb"] == ["磨坊", "Mill"]  # the short label, not the long name
    assert record["lk"] == "p" and "la" not in record


def test_an_area_is_named_inside_it(mini) -> None:
    # the ridge as a position that is no hill: an area like any other
    area = replace(by_id(mini, "ridge"), terrain=None, extent=(), summit=None)
    record = labels.label_record(area)
    assert record["lk"] == "a" and "hl" not in record and "sm" not in record
    assert area.geometry.contains(shape({"type": "Point", "coordinates": record["la"]}))


def test_a_hill_area_is_named_beside_its_sign_at_its_summit(mini) -> None:
    """A hill drawn as an area has its sign (and a position's dot) at the summit a source gives,
    its name beside it as a hill drawn as a point has; where no source gives the summit, the
    sign stands open in the middle of the area, claiming no summit."""
    ridge = by_id(mini, "ridge")
    record = labels.label_record(ridge)
    assert record["lk"] == "p" and "la" not in record
    assert ridge.summit and record["sm"] == list(ridge.summit.point)
    assert record["hl"] == Sign.SUMMIT and record["el"] == 121.5  # a hill, with its sourced height
    unplaced = labels.label_record(replace(ridge, summit=None))
    assert unplaced["hl"] == Sign.MIDDLE and unplaced["sm"] != record["sm"]
    assert ridge.geometry.contains(shape({"type": "Point", "coordinates": unplaced["sm"]}))
    beacon = by_id(mini, "beacon-hill")  # a reference hill drawn as an area, no summit recorded
    drawn = labels.label_record(beacon)
    assert drawn["hl"] == Sign.MIDDLE and beacon.geometry.contains(shape({"type": "Point", "coordinates": drawn["sm"]}))


def test_a_spot_height_only_where_a_source_gives_one(mini) -> None:
    """A hill without a sourced height is still a hill (its sign stands on its summit) but
    carries no number; the number is written with the name, never as a sign of its own."""
    ridge = by_id(mini, "ridge")
    assert ridge.elevation is not None and ridge.elevation.sources  # the fixture's hill cites its height
    unmeasured = labels.label_record(replace(ridge, elevation=None))
    assert unmeasured["hl"] == 1 and "el" not in unmeasured


def test_an_arrow_carries_its_dates_and_tip(mini) -> None:
    attack = by_id(mini, "south-attack")
    record = labels.label_record(attack)
    assert record["lk"] == "m"
    assert record["lb"] == list(labels.short_span(attack.start, attack.end))
    assert record["tp"] == [round(c, 5) for c in attack.geometry.coords[-1]]
    named = labels.label_record(replace(attack, label=Bilingual("渡河", "Crossing")))
    assert named["lb"][1].startswith("Crossing ") and named["lb"][0].startswith("渡河 ")


def test_a_line_is_named_along_itself_with_its_dates(mini) -> None:
    line = by_id(mini, "north-line")
    record = labels.label_record(line)
    assert record["lk"] == "l"
    assert record["lb"][1].endswith(labels.short_span(line.start, line.end)[1])


def test_units_and_events_carry_no_map_label(mini) -> None:
    assert labels.label_record(by_id(mini, "north-brigade")) == {}
    assert labels.label_record(by_id(mini, "parley")) == {}


def test_rank_key_places_first_and_the_phase_s_action_before_its_importance(mini) -> None:
    mill, village = by_id(mini, "mill"), by_id(mini, "village")
    assert mill.importance == 1 and village.importance == 2
    assert labels.base_rank(mill) < labels.base_rank(village)
    quiet = replace(mill, importance=2, status=())
    morning = mini.phases[0]
    assert labels.page_rank(quiet, morning, changed=True) < labels.page_rank(quiet, morning, changed=False)
    # a reference place ranks after a battle feature of the same importance
    assert labels.base_rank(village) > labels.base_rank(replace(mill, importance=2))


def test_rank_follows_importance_from_the_data(mini) -> None:
    mill = by_id(mini, "mill")
    ranks = [labels.base_rank(replace(mill, importance=i)) for i in (1, 2, 3)]
    assert ranks == sorted(ranks) and len(set(ranks)) == 3


def test_river_with_a_sourced_width_is_water_of_that_width(mini) -> None:
    brook = by_id(mini, "brook")
    drawable = rivers.build(brook, Context(mini))
    area = shape(drawable.geometry)
    assert area.geom_type == "Polygon" and area.contains(brook.geometry.interpolate(0.5, normalized=True))
    # width in metres across the middle of the course: within a few metres of the sourced 40 m
    middle = brook.geometry.interpolate(0.5, normalized=True)
    assert area.area > 0
    record = drawable.record
    assert record["w"] == [40, ["letters"]] and record["lc"]  # the label follows the centre line
    assert drawable.style.key == "river:water"
    across = rivers.water_area(LineString([(0, 0), (0.01, 0)]), 100.0)
    metres_per_degree = 110_574.0
    assert across.bounds[3] - across.bounds[1] == pytest.approx(100.0 / metres_per_degree, rel=0.01)
    assert middle.within(area)


def test_river_without_a_width_stays_a_line(mini) -> None:
    brook = replace(by_id(mini, "brook"), width=None)
    drawable = rivers.build(brook, Context(mini))
    assert drawable.geometry["type"] == "LineString"


def test_a_run_s_line_points_are_each_line_s_own(battle) -> None:
    """line_points makes every movement's label points in one call: the point halfway along
    the line and its tip, as the line's own interpolate and coordinates give them; a record
    made with them is the record made without."""
    from layers.draw import records

    movements = [f for f in battle.features if f.kind == "movement"]
    made = labels.line_points([f.geometry for f in movements])
    assert len(made) == len(movements) > 10
    for feature, (anchor, tip) in zip(movements, made, strict=True):
        line = feature.geometry
        assert anchor == [round(c, 5) for c in line.interpolate(0.5, normalized=True).coords[0][:2]]
        assert tip == [round(c, 5) for c in line.coords[-1][:2]]
        unit_names = Context(battle).unit_names
        assert records.record(battle, feature, unit_names, (anchor, tip)) == records.record(battle, feature, unit_names)
    assert labels.line_points([]) == []
