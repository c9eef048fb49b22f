"""The real geo/ folder validates and builds, and carries what the foundation promises."""

from __future__ import annotations

from layers.model import BATTLE_KINDS


def test_geo_validates(battle) -> None:
    assert battle.phases and battle.features and battle.sources


def test_named_places_are_present(battle) -> None:
    names = {f.name.en for f in battle.features}
    for wanted in ("Zhangjiashan", "Wuguiling", "Xiang River", "Zheng River"):
        assert any(wanted in n for n in names), wanted
    assert any("airfield" in n.lower() for n in names)
    assert any(f.kind == "movement" and f.extra["movement"] == "crossing" for f in battle.features)
    assert any(f.kind == "wall" for f in battle.features)


def test_third_assault_shows_both_dates(battle) -> None:
    third = next(p for p in battle.phases if "third" in p.title.en.lower())
    assert str(third.start) == "1944-08-04"
    assert any(c.field == "start" and c.value == "1944-07-30" and "article" in c.sources for c in third.claims)


def test_every_feature_is_sourced_and_located(battle) -> None:
    for feature in battle.features:
        assert feature.sources and feature.precision_m > 0, feature.id
        if feature.kind in BATTLE_KINDS:
            assert feature.start is not None, feature.id


def test_site_has_a_page_per_phase(battle, site) -> None:
    for phase in battle.phases:
        assert (site / f"{phase.id}.html").is_file()
    assert (site / "index.html").is_file()


def test_tracked_output_readme_is_what_the_build_writes(site) -> None:
    from .conftest import ROOT

    assert (ROOT / "output" / "README.md").read_text() == (site / "README.md").read_text()
    # the tracked marker lets a fresh clone's first build replace output/
    assert (ROOT / "output" / ".hengyang-map-output").read_bytes() == (site / ".hengyang-map-output").read_bytes()


def test_every_unit_gets_a_symbol_of_its_side(battle) -> None:
    from layers import units
    from layers.load import IDENTITIES

    fills = {"friend": "rgb(128,224,255)", "hostile": "rgb(255,128,128)"}
    for feature in battle.features:
        if feature.kind == "unit":
            svg = units.symbol_svg(feature.extra["sidc"])[0]
            identity = battle.sides[feature.side].identity
            assert feature.extra["sidc"][3] == IDENTITIES[identity], feature.id
            assert fills[identity] in svg, feature.id


def test_every_arrow_is_valid_and_ends_in_its_head(battle) -> None:
    from shapely.geometry import Point

    from layers.movements import arrow_polygon

    for feature in battle.features:
        if feature.kind == "movement":
            arrow = arrow_polygon(feature.geometry)
            assert arrow.geom_type == "Polygon" and arrow.is_valid, feature.id
            assert arrow.contains(Point(feature.geometry.coords[-1])), feature.id


def test_superseded_units_and_lines_are_faded(battle, site) -> None:
    """A unit that moved on or a line given up before a phase's last day is flagged faded on
    that phase's page; everything still standing at the end of the phase is not."""
    import json
    import re

    faded_somewhere = 0
    for phase in battle.phases:
        page = (site / f"{phase.id}.html").read_text(encoding="utf-8")
        data = json.loads(re.search(r'<script type="application/json" id="bm-data">(.*?)</script>', page).group(1))
        by_id = {f.id: f for f in battle.features}
        for group in data["groups"]:
            for item in group["items"]:
                feature = by_id[data["features"][item[0]]["id"]]
                faded = len(item) > 2 and bool(item[2] & 2)
                expected = feature.kind in ("unit", "line") and feature.end < phase.end
                assert faded == expected, (phase.id, feature.id)
                faded_somewhere += faded
    assert faded_somewhere > 0
