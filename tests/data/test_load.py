"""Schema rules of the data contract: one failing example per rule, and the happy paths."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from layers.data.load import load_battle
from layers.errors import GeoDataError

from ..conftest import FIXTURE_BATTLE


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the synthetic battle."""
    target = tmp_path / "mini"
    shutil.copytree(FIXTURE_BATTLE, target)
    return target


def edit_json(folder: Path, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def feature(data: dict[str, Any], feature_id: str) -> dict[str, Any]:
    return next(f for f in data["features"] if f["id"] == feature_id)


def props(feature_id: str, **changes: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = feature(data, feature_id)["properties"]
        for key, value in changes.items():
            if value is DELETE:
                target.pop(key)
            else:
                target[key] = value

    return change


def geometry(feature_id: str, geom: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        feature(data, feature_id)["geometry"] = geom

    return change


DELETE = object()


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(GeoDataError) as caught:
        load_battle(folder)
    return [str(p) for p in caught.value.problems]


def test_fixture_battle_loads(mini: Path) -> None:
    battle = load_battle(mini)
    assert [p.id for p in battle.phases] == ["morning", "afternoon"]
    kinds = {"river", "place", "hill", "position", "unit", "movement", "line", "event"}
    assert {f.kind for f in battle.features} == kinds
    mill = next(f for f in battle.features if f.id == "mill")
    assert mill.status_on(battle.phases[0].end) == "contested"
    assert mill.status_on(battle.phases[1].end) == "lost"
    parley = next(f for f in battle.features if f.id == "parley")
    assert parley.end == parley.start  # an event lasts one day unless told otherwise
    assert mill.map_label.en == "Mill" and mill.importance == 1
    ridge = next(f for f in battle.features if f.id == "ridge")
    assert ridge.is_hill and ridge.elevation and ridge.elevation.value_m == 121.5
    assert "letters" in ridge.cited_sources()
    # a hill drawn as an area names the sources of its extent; the ridge's summit is sourced too
    assert ridge.is_hill_area and ridge.extent == ("chronicle",)
    assert ridge.summit and ridge.summit.point == (4.135, 50.097) and ridge.summit.sources == ("letters",)
    beacon = next(f for f in battle.features if f.id == "beacon-hill")
    assert beacon.is_hill_area and beacon.extent == ("letters",) and beacon.summit is None
    brook = next(f for f in battle.features if f.id == "brook")
    assert brook.width and brook.width.value_m == 40 and brook.width.sources == ("letters",)
    brigade = next(f for f in battle.features if f.id == "north-brigade")
    assert brigade.designation and (brigade.designation.zh, brigade.designation.en) == ("北1旅", "1st Bde")
    south = next(f for f in battle.features if f.id == "south-division")
    assert south.designation and south.designation.zh == south.designation.en == "S"
    line = next(f for f in battle.features if f.id == "north-line")
    assert [p.id for p in battle.phases if line.in_phase(p)] == ["morning"]


JSON_RULES: list[tuple[str, str, Callable[[dict[str, Any]], None], str, str]] = [
    # (rule, file, change, field in the message, words of the message)
    ("missing name", "action.geojson", props("mill", name_en=DELETE), "name_en", "found nothing"),
    ("empty text", "action.geojson", props("mill", description_zh="  "), "description_zh", "empty text"),
    ("wrong type", "action.geojson", props("mill", precision_m="400"), "precision_m", "positive number"),
    ("boolean is not a number", "action.geojson", props("mill", precision_m=True), "precision_m", "positive number"),
    ("negative precision", "action.geojson", props("mill", precision_m=-5), "precision_m", "positive number"),
    ("unknown side", "action.geojson", props("mill", side="east"), "side", "one of the manifest's sides"),
    ("side required", "action.geojson", props("mill", side=DELETE), "side", "found nothing"),
    ("unknown source", "action.geojson", props("mill", sources=["nope"]), "sources[0]", "from the bibliography"),
    ("no sources", "action.geojson", props("mill", sources=[]), "sources", "non-empty list"),
    ("unknown kind", "action.geojson", props("mill", kind="castle"), "kind", "one of position"),
    ("reference kind in battle layer", "action.geojson", props("mill", kind="river"), "kind", "one of position"),
    ("unparseable date", "action.geojson", props("mill", start="1805-13-01"), "start", "real date"),
    ("date not ISO", "action.geojson", props("mill", start="May 1st"), "start", "YYYY-MM-DD"),
    ("date outside phases", "action.geojson", props("mill", end="1805-06-01"), "end", "within the phases"),
    ("end before start", "action.geojson", props("mill", start="1805-05-03", end="1805-05-01"), "end", "on or after"),
    (
        "status out of order",
        "action.geojson",
        props("mill", status=[{"date": "1805-05-02", "status": "lost"}, {"date": "1805-05-01", "status": "held"}]),
        "status[1].date",
        "date order",
    ),
    (
        "unknown status",
        "action.geojson",
        props("mill", status=[{"date": "1805-05-02", "status": "burnt"}]),
        "status[0].status",
        "one of held",
    ),
    ("unknown property", "action.geojson", props("mill", colour="red"), "colour", "lists the keys"),
    ("bad certainty", "action.geojson", props("mill", certainty="sure"), "certainty", "one of surveyed"),
    ("bad sidc", "action.geojson", props("north-brigade", sidc="SFGPUCI----"), "sidc", "20-digit"),
    ("sidc identity", "action.geojson", props("north-brigade", sidc="10061000181211000000"), "sidc", "'3' for side"),
    ("unknown unit", "action.geojson", props("south-attack", unit="ghost"), "unit", "id of a unit"),
    ("unknown movement", "action.geojson", props("south-attack", movement="dance"), "movement", "one of attack"),
    (
        "claim field",
        "action.geojson",
        props("parley", claims=[{"field": "colour", "value": "x", "sources": ["letters"]}]),
        "claims",
        "claim about",
    ),
    (
        "figure without values",
        "action.geojson",
        props("north-brigade", figures=[{"label_zh": "兵力", "label_en": "Strength", "values": []}]),
        "figures[0].values",
        "at least one value",
    ),
    ("date on reference", "ground.geojson", props("village", start="1805-05-01"), "start", "no dates"),
    (
        "empty geometry",
        "action.geojson",
        geometry("north-line", {"type": "LineString", "coordinates": []}),
        "geometry",
        "empty",
    ),
    (
        "self-intersection",
        "action.geojson",
        geometry(
            "ridge",
            {
                "type": "Polygon",
                "coordinates": [[[4.12, 50.09], [4.14, 50.10], [4.14, 50.09], [4.12, 50.10], [4.12, 50.09]]],
            },
        ),
        "geometry",
        "Self-intersection",
    ),
    (
        "geometry for kind",
        "action.geojson",
        geometry("parley", {"type": "LineString", "coordinates": [[4.1, 50.1], [4.11, 50.1]]}),
        "geometry.type",
        "for a event",
    ),
    (
        "unknown geometry",
        "action.geojson",
        geometry("parley", {"type": "Circle", "coordinates": [4.1, 50.1]}),
        "geometry.type",
        "one of Point",
    ),
    (
        "outside bounds",
        "action.geojson",
        geometry("parley", {"type": "Point", "coordinates": [5.1, 50.1]}),
        "geometry.coordinates",
        "inside the map bounds",
    ),
    (
        "swapped lon/lat",
        "action.geojson",
        geometry("parley", {"type": "Point", "coordinates": [50.1, 4.1]}),
        "geometry.coordinates",
        "swapped",
    ),
    (
        "huge coordinate",
        "action.geojson",
        geometry("parley", {"type": "Point", "coordinates": [1e308, 50.1]}),
        "geometry.coordinates",
        "inside the map bounds",
    ),
    (
        "string coordinate",
        "action.geojson",
        geometry("parley", {"type": "Point", "coordinates": ["4.1", 50.1]}),
        "geometry.coordinates",
        "finite numbers",
    ),
    ("no geometry", "action.geojson", geometry("parley", None), "geometry", "GeoJSON geometry"),
    ("label in one language", "action.geojson", props("mill", label_en=DELETE), "label_en", "both languages"),
    ("designation off a unit", "action.geojson", props("mill", designation="1"), "designation", "only on units"),
    (
        "designation twice",
        "action.geojson",
        props("north-brigade", designation="1"),
        "designation",
        "one or the other",
    ),
    ("unknown terrain", "action.geojson", props("ridge", terrain="marsh"), "terrain", "one of hill"),
    ("terrain off a position", "action.geojson", props("parley", terrain="hill"), "terrain", "only on positions"),
    ("hill area unsourced", "action.geojson", props("ridge", extent_sources=DELETE), "extent_sources", "hill's extent"),
    (
        "reference hill area unsourced",
        "ground.geojson",
        props("beacon-hill", extent_sources=DELETE),
        "extent_sources",
        "describe the hill's extent",
    ),
    (
        "extent sources off a hill area",
        "action.geojson",
        props("mill", extent_sources=["letters"]),
        "extent_sources",
        "only on a hill drawn as an area",
    ),
    (
        "extent unknown source",
        "ground.geojson",
        props("beacon-hill", extent_sources=["nope"]),
        "extent_sources[0]",
        "bibliography",
    ),
    ("summit outside the hill", "action.geojson", props("ridge", summit=[4.15, 50.095]), "summit", "inside the hill"),
    ("summit unsourced", "action.geojson", props("ridge", summit_sources=DELETE), "summit_sources", "place the summit"),
    ("summit not a position", "action.geojson", props("ridge", summit="top"), "summit", "finite numbers"),
    (
        "summit on a point",
        "action.geojson",
        props("mill", summit=[4.09, 50.08], summit_sources=["letters"]),
        "summit",
        "only on a hill drawn as an area",
    ),
    ("elevation unsourced", "action.geojson", props("ridge", elevation_sources=DELETE), "elevation_sources", "source"),
    ("elevation absurd", "action.geojson", props("ridge", elevation_m=12000), "elevation_m", "0..9000"),
    ("elevation as text", "action.geojson", props("ridge", elevation_m="120"), "elevation_m", "number of metres"),
    ("sources without elevation", "action.geojson", props("ridge", elevation_m=DELETE), "elevation_m", "beside"),
    (
        "elevation off a hill",
        "action.geojson",
        props("parley", elevation_m=5, elevation_sources=["letters"]),
        "elevation_m",
        "only on positions",
    ),
    (
        "width off a river",
        "ground.geojson",
        props("village", width_m=5, width_sources=["chronicle"]),
        "width_m",
        "only on rivers",
    ),
    ("width negative", "ground.geojson", props("brook", width_m=-1), "width_m", "0..20000"),
    (
        "width unknown source",
        "ground.geojson",
        props("brook", width_sources=["nope"]),
        "width_sources[0]",
        "bibliography",
    ),
    ("importance out of range", "action.geojson", props("mill", importance=7), "importance", "1 (key)"),
    ("importance as text", "action.geojson", props("mill", importance="1"), "importance", "1 (key)"),
]


@pytest.mark.parametrize(("rule", "file", "change", "field", "words"), JSON_RULES, ids=[r[0] for r in JSON_RULES])
def test_feature_rule(mini: Path, rule: str, file: str, change, field: str, words: str) -> None:
    edit_json(mini, file, change)
    problems = problems_of(mini)
    # a problem names its field ("field 'x'"), or says it in a sentence ("unknown key 'x'")
    named = (f"field '{field}'", f"unknown key '{field}'")
    assert any(file in p and any(n in p for n in named) and words in p for p in problems), problems


def test_duplicate_id_across_layers(mini: Path) -> None:
    edit_json(mini, "ground.geojson", lambda d: feature(d, "village").update(id="mill"))
    problems = problems_of(mini)
    assert any("feature 'mill'" in p and "duplicate id" in p and "action.geojson" in p for p in problems), problems


def test_bad_feature_id(mini: Path) -> None:
    edit_json(mini, "ground.geojson", lambda d: feature(d, "village").update(id="Village One"))
    assert any("field 'id'" in p and "'Village One'" in p for p in problems_of(mini))


def test_nan_is_not_a_number(mini: Path) -> None:
    edit_json(mini, "action.geojson", geometry("parley", {"type": "Point", "coordinates": [float("nan"), 50.1]}))
    assert "NaN" in (mini / "action.geojson").read_text()
    assert any("NaN is not a number" in p for p in problems_of(mini))


def test_malformed_json_names_line(mini: Path) -> None:
    path = mini / "action.geojson"
    path.write_text(path.read_text()[:200])
    problems = problems_of(mini)
    assert any(p.startswith("action.geojson: found invalid JSON at line") for p in problems), problems


def test_non_utf8(mini: Path) -> None:
    path = mini / "ground.geojson"
    path.write_bytes(path.read_bytes().replace("小溪".encode(), "小溪".encode("big5") + b"\xff"))
    assert any("ground.geojson" in p and "not UTF-8" in p for p in problems_of(mini))


def test_byte_order_mark_is_tolerated(mini: Path) -> None:
    path = mini / "ground.geojson"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_battle(mini).features


def test_not_a_feature_collection(mini: Path) -> None:
    (mini / "ground.geojson").write_text('{"type": "Feature"}')
    assert any("a GeoJSON FeatureCollection" in p for p in problems_of(mini))


def test_missing_layer_file(mini: Path) -> None:
    (mini / "ground.geojson").unlink()
    assert any(p.startswith("ground.geojson: found no such file") for p in problems_of(mini))


def test_layer_file_is_a_folder(mini: Path) -> None:
    (mini / "ground.geojson").unlink()
    (mini / "ground.geojson").mkdir()
    assert any("a folder or special file" in p for p in problems_of(mini))


def test_symlink_out_of_the_folder(mini: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.geojson"
    outside.write_text((mini / "ground.geojson").read_text())
    (mini / "ground.geojson").unlink()
    (mini / "ground.geojson").symlink_to(outside)
    assert any("leads outside the data folder" in p for p in problems_of(mini))


def edit_manifest(folder: Path, old: str, new: str) -> None:
    path = folder / "manifest.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


MANIFEST_RULES = [
    ("bad colour", 'color = "#2166ac"', 'color = "blue"', "sides.north.color", "#rrggbb"),
    ("unknown identity", 'identity = "friend"', 'identity = "friendly"', "sides.north.identity", "one of friend"),
    (
        "bounds order",
        "bounds = [[4.00, 50.00], [4.20, 50.15]]",
        "bounds = [[4.20, 50.00], [4.00, 50.15]]",
        "bounds",
        "west < east",
    ),
    ("phase end before start", "end = 1805-05-03", "end = 1805-04-03", "end", "on or after"),
    ("phase order", "start = 1805-05-02", "start = 1805-04-02", "start", "ordered by start"),
    ("reserved phase id", 'id = "morning"', 'id = "index"', "id", "other than index"),
    ("phase source", 'sources = ["chronicle"]', 'sources = ["gossip"]', "sources[0]", "from the bibliography"),
    ("phase claim field", 'field = "end"', 'field = "weather"', "claims", "a claim about title"),
    (
        "layer outside folder",
        'file = "ground.geojson"',
        'file = "../ground.geojson"',
        "layers[0].file",
        "inside the data folder",
    ),
    ("layer role", 'role = "reference"', 'role = "background"', "layers[0].role", "one of battle"),
    ("missing title", 'title = { zh = "泰斯特福德之战", en = "The Battle of Testford" }', "", "title", "found nothing"),
]


@pytest.mark.parametrize(("rule", "old", "new", "field", "words"), MANIFEST_RULES, ids=[r[0] for r in MANIFEST_RULES])
def test_manifest_rule(mini: Path, rule: str, old: str, new: str, field: str, words: str) -> None:
    edit_manifest(mini, old, new)
    problems = problems_of(mini)
    assert any(p.startswith("manifest.toml") and f"field '{field}'" in p and words in p for p in problems), problems


def test_invalid_toml(mini: Path) -> None:
    (mini / "manifest.toml").write_text("title = [unclosed\n")
    assert any("invalid TOML" in p for p in problems_of(mini))


def test_bad_source_url(mini: Path) -> None:
    path = mini / "sources.toml"
    path.write_text(path.read_text().replace("https://example.org/chronicle", "javascript:alert(1)"))
    assert any("sources.toml: source chronicle: field 'url'" in p and "http(s)" in p for p in problems_of(mini))


def test_missing_folder(tmp_path: Path) -> None:
    assert any("no such folder" in p for p in problems_of(tmp_path / "absent"))


def test_every_problem_is_collected(mini: Path) -> None:
    edit_json(mini, "action.geojson", props("mill", side="east", precision_m=0))
    edit_json(mini, "ground.geojson", props("village", sources=["nope"]))
    edit_manifest(mini, 'color = "#2166ac"', 'color = "blue"')
    problems = problems_of(mini)
    assert len(problems) >= 4
    assert {p.split(":")[0] for p in problems} == {"action.geojson", "ground.geojson", "manifest.toml"}


def test_message_names_file_feature_field_found_expected(mini: Path) -> None:
    edit_json(mini, "action.geojson", props("mill", precision_m=-5))
    (message,) = [p for p in problems_of(mini) if "precision_m" in p]
    assert (
        message == "action.geojson: feature 'mill': field 'precision_m': found -5; expected a positive number of metres"
    )


def test_phase_view_must_lie_inside_the_bounds(geo_copy) -> None:
    _set_first_view(geo_copy, [[0.0, 0.0], [1.0, 1.0]])
    with pytest.raises(GeoDataError) as err:
        load_battle(geo_copy)
    assert any(p.field == "view" and "inside the map bounds" in p.expected for p in err.value.problems)


def test_phase_view_frames_the_page(geo_copy) -> None:
    from layers.page.assemble import render_site

    battle = load_battle(geo_copy)
    (west, south), _ = battle.bounds
    view = [[west + 0.001, south + 0.001], [west + 0.002, south + 0.002]]
    _set_first_view(geo_copy, view)
    battle = load_battle(geo_copy)
    assert battle.phases[0].view == ((west + 0.001, south + 0.001), (west + 0.002, south + 0.002))
    page = render_site(battle)[f"{battle.phases[0].id}.html"].decode()
    assert f'"fit":[[{south + 0.001},{west + 0.001}],[{south + 0.002},{west + 0.002}]]' in page


def _set_first_view(geo: Path, view: list[list[float]]) -> None:
    """Give the first phase of ``geo``'s manifest the ``view`` (replacing one it has)."""
    import re

    manifest = geo / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    first = text.index("[[phases]]")
    head, rest = text[:first], text[first:]
    second = rest.find("[[phases]]", 1)
    phase, tail = (rest, "") if second < 0 else (rest[:second], rest[second:])
    phase = re.sub(r"\nview = [^\n]*", "", phase).replace("\nstart =", f"\nview = {view}\nstart =", 1)
    manifest.write_text(head + phase + tail, encoding="utf-8")


def test_figure_values_may_be_bilingual(geo_copy) -> None:
    path = geo_copy / "units.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    props = data["features"][0]["properties"]
    props["figures"] = [
        {
            "label_zh": "兵力",
            "label_en": "Strength",
            "values": [
                {"value": 17000, "sources": ["article"]},
                {"value_zh": "约一万四千人", "value_en": "about 14,000", "sources": ["article"]},
                {"value_zh": "只有中文", "sources": ["article"]},
            ],
        }
    ]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(GeoDataError) as err:
        load_battle(geo_copy)
    assert any(p.field == "figures[0].values[2].value_en" and p.file == "units.geojson" for p in err.value.problems)
    props["figures"][0]["values"].pop()
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    battle = load_battle(geo_copy)
    unit = next(f for f in battle.features if f.id == data["features"][0]["id"])
    [figure] = unit.figures
    assert [(v.value.zh, v.value.en) for v in figure.values] == [("17,000", "17,000"), ("约一万四千人", "about 14,000")]


@pytest.mark.parametrize(
    ("old", "new", "field", "hint"),
    [
        ("view = ", "veiw = ", "veiw", "did you mean 'view'?"),
        ("narrative = ", "narative = ", "narative", "did you mean 'narrative'?"),
        ("bibliography = ", "bibliografy = ", "bibliografy", "did you mean 'bibliography'?"),
    ],
)
def test_misspelt_manifest_keys_are_named_with_a_suggestion(
    mini: Path, old: str, new: str, field: str, hint: str
) -> None:
    manifest = mini / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    if old not in text:  # the fixture has no view: add one to misspell
        text = text.replace("narrative = ", "view = [[4.08, 50.03], [4.14, 50.11]]\nnarrative = ", 1)
    manifest.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = problems_of(mini)
    assert any(f"unknown key '{field}' — {hint}" in p for p in problems), problems


def test_misspelt_property_and_item_keys_get_a_suggestion(mini: Path) -> None:
    edit_json(mini, "action.geojson", props("mill", sorces=["letters"]))
    edit_json(
        mini,
        "action.geojson",
        props("mill", status=[{"date": "1805-05-01", "status": "contested", "soruces": ["letters"]}]),
    )
    problems = problems_of(mini)
    assert any("'sorces'" in p and "did you mean 'sources'?" in p for p in problems), problems
    assert any("status[0].soruces" in p and "did you mean 'sources'?" in p for p in problems), problems


def test_schema_version_is_checked(mini: Path) -> None:
    manifest = mini / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    if "schema_version" not in text:
        text = "schema_version = 1\n" + text
    manifest.write_text(text.replace("schema_version = 1", "schema_version = 99", 1), encoding="utf-8")
    assert any("schema_version" in p and "found 99" in p for p in problems_of(mini))


def test_points_are_made_as_shape_makes_them(tmp_path) -> None:
    """A layer's points are made at once (shapely.points on an array), not by shape() one by
    one: the same geometries, flat and with heights, in data order."""
    from shapely.geometry import shape

    geo = tmp_path / "geo"
    shutil.copytree(FIXTURE_BATTLE, geo)
    layers = sorted(geo.glob("*.geojson"))
    changed = 0
    for path in layers:
        collection = json.loads(path.read_text(encoding="utf-8"))
        for i, item in enumerate(collection["features"]):
            if item["geometry"]["type"] == "Point" and i % 2:
                item["geometry"]["coordinates"] = [*item["geometry"]["coordinates"][:2], 40.5 + i]
                changed += 1
        path.write_text(json.dumps(collection), encoding="utf-8")
    assert changed
    battle = load_battle(geo)
    points = [f for f in battle.features if f.geojson["type"] == "Point"]
    assert any(f.geometry.has_z for f in points) and not all(f.geometry.has_z for f in points)
    for feature in points:
        assert feature.geometry.wkb == shape(feature.geojson).wkb, feature.id


def test_equal_cited_sets_are_one_object(battle) -> None:
    """Each feature's cited sources, by id; equal sets are one object, so a page unites each
    distinct set once."""
    cited = battle.cited_by_id
    assert cited == {f.id: frozenset(f.cited_sources()) for f in battle.features}
    assert len({id(s) for s in cited.values()}) == len(set(cited.values()))


def test_the_digest_is_of_the_texts_read_a_byte_order_mark_dropped(mini: Path) -> None:
    """The data's digest hashes each file's text as UTF-8 (the bytes read, with no second
    encoding): a byte-order mark an editor added changes nothing."""
    import codecs

    before = load_battle(mini).digest
    name = next(p.name for p in mini.glob("*.geojson"))
    (mini / name).write_bytes(codecs.BOM_UTF8 + (mini / name).read_bytes())
    assert load_battle(mini).digest == before


def test_lines_made_at_once_are_those_made_one_by_one(monkeypatch) -> None:
    """A layer's LineStrings are made in one shapely call (features._lines): the loaded
    geometries are, byte for byte, those shape() makes one at a time; a line that is invalid,
    or whose coordinates are not plain numbers, is left to the per-feature checks."""
    from layers.data import features

    from ..conftest import GEO

    at_once = load_battle(GEO)
    assert any(f.geometry.geom_type == "LineString" for f in at_once.features)
    monkeypatch.setattr(features, "_lines", lambda items, bounds: ({}, set()))
    one_by_one = load_battle(GEO)
    assert [f.geometry.wkb for f in at_once.features] == [f.geometry.wkb for f in one_by_one.features]
    odd = [
        {"geometry": {"type": "LineString", "coordinates": [[1.0, 2.0], [1.0, 2.0]]}},  # invalid: one point twice
        {"geometry": {"type": "LineString", "coordinates": [[1.0, 2.0], [3, 4]]}},
        {"geometry": {"type": "LineString", "coordinates": [[1.0, 2.0]]}},
        {"geometry": {"type": "LineString", "coordinates": [[1.0, 2.0, 3.0], [3.0, 4.0, 5.0]]}},
        {"geometry": {"type": "Point", "coordinates": [1.0, 2.0]}},
        "not a feature",
    ]
    monkeypatch.undo()
    made, clean = features._lines(odd, None)
    assert sorted(made) == [1]
    assert clean == set()  # an int among the numbers: the per-feature checks compare it with the bounds
    assert features._lines([*odd, {"geometry": {"type": "LineString", "coordinates": [[{}, 1], [2, 3]]}}], None) == (
        {},
        set(),
    )
    # the lines whose coordinates pass the checks at once: floats, finite, inside the bounds
    lines = [
        {"geometry": {"type": "LineString", "coordinates": [[1.0, 2.0], [3.0, 4.0]]}},
        {"geometry": {"type": "LineString", "coordinates": [[1.0, 2.0], [3.0, 9.0]]}},  # outside
        {"geometry": {"type": "LineString", "coordinates": [[1.0, 2.0], [1.0, 2.0]]}},  # invalid: one point twice
        {"geometry": {"type": "LineString", "coordinates": [[1.0, 2.0], [3.0, 5.0]]}},  # on the bounds
    ]
    made, clean = features._lines(lines, ((0.0, 0.0), (5.0, 5.0)))
    assert sorted(made) == [0, 1, 3] and clean == {0, 3}
    assert features._lines(lines, None)[1] == {0, 1, 3}
    nan = [{"geometry": {"type": "LineString", "coordinates": [[1.0, 2.0], [3.0, float("nan")]]}}]
    assert features._lines(nan, None)[1] == set()


def test_a_phase_s_features_are_those_in_it_in_data_order(battle) -> None:
    """features_in asks one feature of each span of days whether it is in the phase: the
    features are those Feature.in_phase finds, in data order, for every phase."""
    for phase in battle.phases:
        assert battle.features_in(phase) == tuple(f for f in battle.features if f.in_phase(phase))
        assert battle.features_in(phase)
