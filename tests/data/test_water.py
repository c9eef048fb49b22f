"""Land stays out of the water: ``check`` refuses a wall, gate, unit, position, place or hill
that lies in a river's water, both when the feature moves into the water and when the water
moves (or widens) over the feature; a bridge, an island or a feature that says it stands on
water, with a source, is accepted. The real data is dry where it must be."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import Point

from layers.data.load import load_battle
from layers.data.model import OnWater
from layers.data.water import SHORE_TOLERANCE_M, WATER_SITES, water_area, wet_features

from ..conftest import FIXTURE_BATTLE, GEO
from .test_load import DELETE, edit_json, geometry, problems_of, props
from .test_schema import VALIDATOR

#: The fixture's brook runs (4.02, 50.05) → (4.10, 50.07) → (4.18, 50.06), 40 m wide; this
#: point is on its centre line, in the middle of its first reach.
ON_BROOK = (4.06, 50.06)
#: A degree of latitude in metres (the plane water_area widens in).
METRES_PER_DEGREE_LAT = 110_574.0


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the synthetic battle."""
    return Path(shutil.copytree(FIXTURE_BATTLE, tmp_path / "mini"))


def add(kind: str, feature_id: str, geom: dict[str, Any], **extra: Any):
    """A change that appends a minimal reference feature of ``kind`` to ground.geojson."""

    def change(data: dict[str, Any]) -> None:
        data["features"].append(
            {
                "type": "Feature",
                "id": feature_id,
                "geometry": geom,
                "properties": {
                    "kind": kind,
                    "name_zh": "某",
                    "name_en": "Some " + kind,
                    "description_zh": "测试。",
                    "description_en": "A test.",
                    "sources": ["letters"],
                    "precision_m": 50,
                    **extra,
                },
            }
        )

    return change


def point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def square(lon: float, lat: float, half: float = 0.001) -> dict[str, Any]:
    ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def wet_problem(problems: list[str], file: str, feature_id: str, river: str = "brook") -> bool:
    """Whether one problem names ``feature_id`` in ``file`` as lying in ``river``'s water."""
    return any(
        p.startswith(f"{file}: feature '{feature_id}': field 'geometry'") and f"river '{river}'" in p for p in problems
    )


def north_of_brook(metres: float) -> tuple[float, float]:
    """A point ``metres`` due north of ON_BROOK."""
    return ON_BROOK[0], ON_BROOK[1] + metres / METRES_PER_DEGREE_LAT


# -- a feature moved into the water ------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "geom"),
    [("wall", square(*ON_BROOK)), ("gate", point(*ON_BROOK)), ("place", point(*ON_BROOK))],
    ids=["wet wall", "wet gate", "wet place"],
)
def test_a_reference_feature_in_the_water_is_refused(mini: Path, kind: str, geom: dict[str, Any]) -> None:
    edit_json(mini, "ground.geojson", add(kind, "wet", geom))
    problems = problems_of(mini)
    assert wet_problem(problems, "ground.geojson", "wet"), problems
    [message] = [p for p in problems if "'wet'" in p]
    assert f"{kind} inside the water of river 'brook' (ground.geojson)" in message  # both features, both files
    assert "on_water" in message  # and the way out, for a feature that does stand on water


@pytest.mark.parametrize("feature_id", ["mill", "north-brigade"], ids=["wet position", "wet unit"])
def test_a_battle_feature_in_the_water_is_refused(mini: Path, feature_id: str) -> None:
    edit_json(mini, "action.geojson", geometry(feature_id, point(*ON_BROOK)))
    problems = problems_of(mini)
    assert wet_problem(problems, "action.geojson", feature_id), problems
    assert any("(ground.geojson)" in p for p in problems if f"'{feature_id}'" in p)  # the river's own file


# -- the water moved over a feature --------------------------------------------------------


def test_a_river_moved_over_a_place_is_refused(mini: Path) -> None:
    edit_json(
        mini, "ground.geojson", geometry("brook", {"type": "LineString", "coordinates": [[4.02, 50.1], [4.18, 50.1]]})
    )
    assert wet_problem(problems_of(mini), "ground.geojson", "village")


@pytest.mark.parametrize(
    ("kind", "geom"), [("wall", square(4.06, 50.08)), ("gate", point(4.06, 50.08))], ids=["wall", "gate"]
)
def test_a_river_moved_over_a_dry_wall_or_gate_is_refused(mini: Path, kind: str, geom: dict[str, Any]) -> None:
    edit_json(mini, "ground.geojson", add(kind, "dry", geom))
    load_battle(mini)  # dry where it stands
    course = {"type": "LineString", "coordinates": [[4.02, 50.08], [4.18, 50.08]]}
    edit_json(mini, "ground.geojson", geometry("brook", course))
    assert wet_problem(problems_of(mini), "ground.geojson", "dry")


def test_a_river_widened_over_a_gate_is_refused(mini: Path) -> None:
    gate = north_of_brook(60)  # dry at 40 m wide; under water at 200 m
    edit_json(mini, "ground.geojson", add("gate", "riverside", point(*gate)))
    load_battle(mini)
    edit_json(mini, "ground.geojson", props("brook", width_m=200))
    assert wet_problem(problems_of(mini), "ground.geojson", "riverside")


def test_a_river_drawn_as_an_area_is_water_too(mini: Path) -> None:
    edit_json(mini, "ground.geojson", add("river", "pond", square(4.15, 50.12, 0.003)))
    edit_json(mini, "ground.geojson", add("gate", "in-pond", point(4.15, 50.12)))
    assert wet_problem(problems_of(mini), "ground.geojson", "in-pond", river="pond")


def test_a_river_of_unknown_width_is_not_water_that_can_be_checked(mini: Path) -> None:
    edit_json(mini, "ground.geojson", props("brook", width_m=DELETE, width_sources=DELETE))
    edit_json(mini, "ground.geojson", add("gate", "ford", point(*ON_BROOK)))
    load_battle(mini)  # on the line of a river whose width no source gives: nothing to say


# -- areas -------------------------------------------------------------------------------


def test_a_position_area_may_reach_over_the_water_but_not_lie_in_it(mini: Path) -> None:
    """A sector astride the brook (7 % of it water) is a position on land; a strip along it, two
    thirds water, is refused. A wall is built on land: the same sliver of water is refused."""
    lon, lat = ON_BROOK
    astride = square(lon, lat, 0.002)  # 280 m × 440 m, the 40 m brook across it
    edit_json(mini, "action.geojson", geometry("mill", astride))
    load_battle(mini)
    # A strip 45 m wide along the brook's course (its first reach rises 0.25° of latitude a
    # degree, at 21° to the east): two thirds of it in the 30 m of deep water, a third on the banks.
    h = 0.00022
    narrow = {"type": "Polygon", "coordinates": [[[lon - 0.002, lat - 0.0005 - h], [lon + 0.002, lat + 0.0005 - h],
                                                   [lon + 0.002, lat + 0.0005 + h], [lon - 0.002, lat - 0.0005 + h],
                                                   [lon - 0.002, lat - 0.0005 - h]]]}  # fmt: skip
    edit_json(mini, "action.geojson", geometry("mill", narrow))
    assert wet_problem(problems_of(mini), "action.geojson", "mill")
    edit_json(mini, "action.geojson", geometry("mill", astride))
    edit_json(mini, "ground.geojson", add("wall", "astride", astride))
    problems = problems_of(mini)
    assert wet_problem(problems, "ground.geojson", "astride") and not any("'mill'" in p for p in problems)


# -- the bank ------------------------------------------------------------------------------


def test_the_bank_is_land_and_a_few_metres_into_the_water_are_the_bank(mini: Path) -> None:
    """The brook is 40 m wide: 20 m each side of its centre line, measured square to it. The
    first reach runs at about 21° to the east, so a point d metres north lies 0.93 d from it."""
    on_bank = north_of_brook(20 / 0.93 - SHORE_TOLERANCE_M / 2)  # inside by half the tolerance
    edit_json(mini, "ground.geojson", add("gate", "bank", point(*on_bank)))
    load_battle(mini)
    in_water = north_of_brook(20 / 0.93 - 3 * SHORE_TOLERANCE_M)  # inside by three times the tolerance
    edit_json(mini, "ground.geojson", add("gate", "wading", point(*in_water)))
    problems = problems_of(mini)
    assert wet_problem(problems, "ground.geojson", "wading") and not any("'bank'" in p for p in problems)


# -- features that stand on water, and say so --------------------------------------------


@pytest.mark.parametrize("site", ["bridge", "island", "confluence"])
def test_a_feature_that_says_it_stands_on_water_is_accepted(mini: Path, site: str) -> None:
    edit_json(
        mini, "ground.geojson", add("place", "over", point(*ON_BROOK), on_water=site, on_water_sources=["letters"])
    )
    over = next(f for f in load_battle(mini).features if f.id == "over")
    assert over.on_water == OnWater(site, ("letters",))
    assert "letters" in over.cited_sources()


def test_a_unit_on_boats_says_so_with_a_source(mini: Path) -> None:
    edit_json(mini, "action.geojson", geometry("north-brigade", point(*ON_BROOK)))
    edit_json(mini, "action.geojson", props("north-brigade", on_water="boat", on_water_sources=["letters"]))
    brigade = next(f for f in load_battle(mini).features if f.id == "north-brigade")
    assert brigade.on_water and brigade.on_water.site == "boat"


@pytest.mark.parametrize(
    ("rule", "file", "changes", "field", "words"),
    [
        ("no sources", "ground.geojson", {"on_water": "bridge"}, "on_water_sources", "found nothing"),
        (
            "empty sources",
            "ground.geojson",
            {"on_water": "bridge", "on_water_sources": []},
            "on_water_sources",
            "nothing",
        ),
        ("no site", "ground.geojson", {"on_water_sources": ["letters"]}, "on_water", "found nothing"),
        ("unknown site", "ground.geojson", {"on_water": "raft", "on_water_sources": ["letters"]}, "on_water", "ferry"),
        (
            "unknown source",
            "ground.geojson",
            {"on_water": "bridge", "on_water_sources": ["nope"]},
            "on_water_sources[0]",
            "bibliography",
        ),
    ],
    ids=["no sources", "empty sources", "no site", "unknown site", "unknown source"],
)
def test_on_water_needs_a_site_and_its_sources(
    mini: Path, rule: str, file: str, changes: dict[str, Any], field: str, words: str
) -> None:
    edit_json(mini, file, add("place", "over", point(*ON_BROOK), **changes))
    problems = problems_of(mini)
    assert any(f"feature 'over': field '{field}'" in p and words in p for p in problems), problems
    data = json.loads((mini / file).read_text(encoding="utf-8"))
    if rule != "unknown source":  # a schema sees one file: it cannot know the bibliography
        assert list(VALIDATOR.iter_errors(data)), f"the schema lets {rule!r} through"


def test_on_water_is_for_land_features_only(mini: Path) -> None:
    edit_json(mini, "ground.geojson", props("brook", on_water="bridge", on_water_sources=["letters"]))
    problems = problems_of(mini)
    assert any("feature 'brook': field 'on_water'" in p and "only on a wall" in p for p in problems), problems
    data = json.loads((mini / "ground.geojson").read_text(encoding="utf-8"))
    assert list(VALIDATOR.iter_errors(data))


def test_every_water_site_is_in_the_schema() -> None:
    from .test_schema import SCHEMA

    properties = SCHEMA["$defs"]["properties"]["properties"]
    assert tuple(properties["on_water"]["enum"]) == WATER_SITES


def test_gis_exports_carry_what_a_feature_stands_on() -> None:
    from layers.exports.attributes import properties

    battle = load_battle(GEO)
    island = next(f for f in battle.features if f.id == "dongzhou-island")
    exported = properties(battle, island)
    assert exported["on_water"] == "island" and exported["on_water_sources"] == list(island.on_water.sources)
    wall = next(f for f in battle.features if f.id == "old-city-wall")
    assert "on_water" not in properties(battle, wall)


# -- the real data -------------------------------------------------------------------------


def test_the_real_ground_is_dry() -> None:
    battle = load_battle(GEO)  # check would refuse it otherwise; and directly:
    file_of = {spec.id: spec.file for spec in battle.layers}
    assert wet_features(battle.features, file_of) == []


def test_the_old_city_stands_on_the_xiang_s_west_bank_with_its_east_wall_on_the_water() -> None:
    """The wall lies west of the river and reaches its bank: no part of it is in the water
    (beyond the bank's tolerance), and its east side is within a few tens of metres of it;
    the river gate, Tieluomen, is on the water's edge too."""
    battle = load_battle(GEO)
    by_id = {f.id: f for f in battle.features}
    xiang = by_id["xiang-river"]
    assert xiang.width is not None
    water = water_area(xiang.geometry, xiang.width.value_m)
    wall, gate = by_id["old-city-wall"].geometry, by_id["gate-tieluomen"].geometry
    metres = METRES_PER_DEGREE_LAT  # near enough for distances of tens of metres at 27°N
    assert wall.intersection(water).area / wall.area < 0.001  # a sliver at most (it was 28 % of the city)
    assert wall.distance(water) * metres < 40  # the east wall along the water, not a street away
    assert gate.distance(water) * metres < 40 and not gate.within(water)
    centre = xiang.geometry
    assert all(
        shapely.LineString([(p[0], p[1]), (p[0] + 0.02, p[1])]).intersects(centre)
        for p in wall.exterior.coords  # every corner has the river to its east
    )
    assert not Point(by_id["cn190"].geometry).within(water)
