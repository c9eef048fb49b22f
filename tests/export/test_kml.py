"""The KML and KMZ exports, field by field: valid against the OGC KML 2.2 schema, every text
written escaped, TimeSpans that end the day after a feature's last day, a Folder per layer,
styles that exist and match the web map's, arrows that show their direction, hrefs that resolve,
and polygons wound counter-clockwise (and GeoJSON's by RFC 7946)."""

from __future__ import annotations

import dataclasses
import importlib.resources
import io
import itertools
import json
import os
import zipfile
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import Point, Polygon, shape

from layers.data.load import load_battle
from layers.data.model import Battle, Bilingual, Claim, Feature, Figure, FigureValue, Source
from layers.draw.style import gis_style
from layers.exports import kml
from layers.exports.dispatch import export
from layers.exports.geojson import geojson, rfc7946
from layers.page.assemble import provenance

from ..conftest import FIXTURE_BATTLE, GEO

NS = "http://www.opengis.net/kml/2.2"
K = {"k": NS}


def parse(data: bytes) -> Any:
    from xml.etree import ElementTree as ET

    return ET.fromstring(data)


@pytest.fixture(scope="module")
def mini() -> Battle:
    return load_battle(FIXTURE_BATTLE)


@pytest.fixture(scope="module")
def real() -> Battle:
    return load_battle(GEO)


# -- the schema -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kml_schema() -> Any:
    """OGC KML 2.2's schema, as the fastkml package ships it (with the Atom, xAL and gx schemas
    it imports, all read from the package's folder: no network)."""
    try:
        from lxml import etree
    except ImportError:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("lxml is not installed (pip install -e '.[test]')")
        pytest.skip("lxml is not installed (pip install -e '.[test]')")
    try:
        folder = importlib.resources.files("fastkml") / "schema"
    except ModuleNotFoundError:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("fastkml (which ships the OGC KML 2.2 schema) is not installed (pip install -e '.[test]')")
        pytest.skip("fastkml (which ships the OGC KML 2.2 schema) is not installed")
    with importlib.resources.as_file(folder / "ogckml22.xsd") as path:
        parser = etree.XMLParser(no_network=True)
        return etree.XMLSchema(etree.parse(str(path), parser))


@pytest.mark.parametrize("which", ["mini", "real"])
def test_kml_validates_against_the_ogc_kml_2_2_schema(kml_schema, which: str, request) -> None:
    from lxml import etree

    battle = request.getfixturevalue(which)
    for document in (kml.kml(battle, provenance(battle)), kml.kml(battle, provenance(battle), icons=_icons(battle))):
        tree = etree.fromstring(document)
        assert kml_schema.validate(tree), [f"{e.line}: {e.message}" for e in kml_schema.error_log][:5]


def test_the_schema_refuses_what_kml_forbids(kml_schema, mini: Battle) -> None:
    """The validator is no rubber stamp: a TimeSpan after the geometry, and a Placemark id
    that starts with a digit, are refused."""
    from lxml import etree

    tree = etree.fromstring(kml.kml(mini, provenance(mini)))
    placemark = tree.find(f".//{{{NS}}}Placemark")
    placemark.set("id", "1-mill")
    assert not kml_schema.validate(tree)
    tree = etree.fromstring(kml.kml(mini, provenance(mini)))
    placemark = tree.find(f".//{{{NS}}}TimeSpan/..")
    placemark.append(placemark.find(f"{{{NS}}}TimeSpan"))
    assert not kml_schema.validate(tree)


# -- escaping: every text field written -----------------------------------------------------


def marker(field: str) -> str:
    """A text that is markup if not escaped, distinct per field."""
    return f'<i class="{field}">{field}</i> & "{field}" &amp; 中'


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read_html(html: str) -> tuple[set[str], str]:
    """The tags a balloon's HTML holds, and its text as a browser would show it."""
    parser = _Html()
    parser.feed(html)
    parser.close()
    return set(parser.tags), "".join(parser.text)


def _hostile(battle: Battle) -> Battle:
    """``battle`` with a marker in every text the KML writes (past the loader, which would
    refuse some of them: the export must escape whatever it is given)."""
    sources = {
        sid: dataclasses.replace(s, title=marker(f"title-{sid}"), tier=marker(f"tier-{sid}"))
        for sid, s in battle.sources.items()
    }
    features = []
    for f in battle.features:
        changes: dict[str, Any] = {
            "name": Bilingual(marker(f"name-zh-{f.id}"), marker(f"name-en-{f.id}")),
            "description": Bilingual(marker(f"desc-zh-{f.id}"), marker(f"desc-en-{f.id}")),
        }
        if f.label:
            changes["label"] = Bilingual(marker(f"label-zh-{f.id}"), marker(f"label-en-{f.id}"))
        if f.kind in ("event", "unit", "position"):  # their style does not depend on it
            changes["certainty"] = marker(f"certainty-{f.id}")
        changes["claims"] = (
            Claim(
                marker(f"claim-field-{f.id}"),
                marker(f"claim-value-{f.id}"),
                tuple(f.sources),
                Bilingual(marker(f"claim-note-zh-{f.id}"), marker(f"claim-note-en-{f.id}")),
            ),
        )
        changes["figures"] = (
            Figure(
                Bilingual(marker(f"fig-label-zh-{f.id}"), marker(f"fig-label-en-{f.id}")),
                (
                    FigureValue(
                        Bilingual(marker(f"fig-value-zh-{f.id}"), marker(f"fig-value-en-{f.id}")), f.sources, None
                    ),
                ),
            ),
        )
        features.append(dataclasses.replace(f, **changes))
    layers = tuple(
        dataclasses.replace(spec, title=Bilingual(marker(f"layer-zh-{spec.id}"), marker(f"layer-en-{spec.id}")))
        for spec in battle.layers
    )
    title = Bilingual(marker("battle-zh"), marker("battle-en"))
    return dataclasses.replace(battle, sources=sources, features=tuple(features), layers=layers, title=title)


def test_every_text_of_a_balloon_is_escaped(mini: Battle) -> None:
    battle = _hostile(mini)
    root = parse(kml.kml(battle, marker("provenance")))
    by_id = {f.id: f for f in battle.features}
    seen = set()
    for placemark in root.iter(f"{{{NS}}}Placemark"):
        feature = by_id[placemark.find("k:ExtendedData/k:Data[@name='id']/k:value", K).text]
        seen.add(feature.id)
        tags, text = read_html(placemark.find("k:description", K).text)
        assert tags <= {"p", "ul", "li"}, (feature.id, tags)  # no markup of the data's own
        fields = {
            "description.zh": feature.description.zh,
            "description.en": feature.description.en,
            "certainty": feature.certainty,
            **{f"claim.{k}": v for c in feature.claims for k, v in (("field", c.field), ("value", c.value))},
            **{f"claim.note.{lang}": getattr(c.note, lang) for c in feature.claims for lang in ("zh", "en") if c.note},
            **{f"figure.label.{lang}": getattr(g.label, lang) for g in feature.figures for lang in ("zh", "en")},
            **{
                f"figure.value.{lang}": getattr(v.value, lang)
                for g in feature.figures
                for v in g.values
                for lang in ("zh", "en")
            },
            **{f"source.title.{s}": battle.sources[s].title for s in feature.cited_sources()},
            **{f"source.tier.{s}": battle.sources[s].tier for s in feature.cited_sources()},
        }
        for field, value in fields.items():
            assert value in text, (feature.id, field)  # written, and read back as the same text
        # the name is plain text: the XML parser gives it back as it was
        label = feature.map_label
        assert placemark.find("k:name", K).text == f"{label.zh} / {label.en}"
    assert seen == set(by_id)
    document = root.find("k:Document", K)
    assert document.find("k:name", K).text == f"{battle.title.zh} / {battle.title.en}"
    tags, text = read_html(document.find("k:description", K).text)
    assert not tags and text == marker("provenance")
    folders = [f.find("k:name", K).text for f in document.findall("k:Folder", K)]
    assert folders == [f"{spec.title.zh} / {spec.title.en}" for spec in battle.layers]


def test_a_chinese_description_and_a_claim_s_value_are_text(mini: Battle) -> None:
    """The loader's own texts (no markers): Chinese, and a claim's value, as the data gives them."""
    root = parse(kml.kml(mini, provenance(mini)))
    for placemark in root.iter(f"{{{NS}}}Placemark"):
        feature = next(f for f in mini.features if placemark.get("id", "").startswith(f"f-{f.id}"))
        _, text = read_html(placemark.find("k:description", K).text)
        assert feature.description.zh in text and feature.description.en in text
        for claim in feature.claims:
            assert f"{claim.field}: {claim.value} [{', '.join(claim.sources)}]" in text


# -- TimeSpans ------------------------------------------------------------------------------


def test_time_spans_end_the_day_after_the_last(mini: Battle, real: Battle) -> None:
    for battle in (mini, real):
        by_id = {f.id: f for f in battle.features}
        spans: dict[str, list[tuple[str, str]]] = {}
        for placemark in parse(kml.kml(battle, provenance(battle))).iter(f"{{{NS}}}Placemark"):
            feature = by_id[placemark.find("k:ExtendedData/k:Data[@name='id']/k:value", K).text]
            span = placemark.find("k:TimeSpan", K)
            if feature.start is None:
                assert span is None, feature.id
                continue
            spans.setdefault(feature.id, []).append((span.find("k:begin", K).text, span.find("k:end", K).text))
        for feature_id, found in spans.items():
            feature = by_id[feature_id]
            assert feature.start and feature.end
            # the periods tile the feature's days: first begin, each end the next begin, last end the next day
            assert found[0][0] == feature.start.isoformat(), feature_id
            assert found[-1][1] == (feature.end + timedelta(days=1)).isoformat(), feature_id
            for (_, end), (begin, _) in itertools.pairwise(found):
                assert end == begin, feature_id


def test_a_one_day_event_lasts_its_day(mini: Battle) -> None:
    parley = next(f for f in mini.features if f.id == "parley")
    assert parley.start == parley.end
    root = parse(kml.kml(mini, provenance(mini)))
    span = root.find(".//k:Placemark[@id='f-parley']/k:TimeSpan", K)
    assert (span.find("k:begin", K).text, span.find("k:end", K).text) == (
        parley.start.isoformat(),
        (parley.start + timedelta(days=1)).isoformat(),
    )


# -- folders and styles ---------------------------------------------------------------------


def test_a_folder_per_layer_holds_its_features(mini: Battle) -> None:
    document = parse(kml.kml(mini, provenance(mini))).find("k:Document", K)
    folders = document.findall("k:Folder", K)
    assert [f.find("k:name", K).text for f in folders] == [f"{s.title.zh} / {s.title.en}" for s in mini.layers]
    for spec, folder in zip(mini.layers, folders, strict=True):
        ids = {p.find("k:ExtendedData/k:Data[@name='id']/k:value", K).text for p in folder.findall("k:Placemark", K)}
        assert ids == {f.id for f in mini.features if f.layer == spec.id}


def _color(hex_color: str, opacity: float) -> str:
    """KML's aabbggrr, written independently of the exporter."""
    r, g, b = hex_color[1:3], hex_color[3:5], hex_color[5:7]
    return f"{round(opacity * 255):02x}{b}{g}{r}".lower()


@pytest.mark.parametrize("icons", [False, True], ids=["kml", "kmz"])
@pytest.mark.parametrize("which", ["mini", "real"])
def test_every_placemark_s_style_exists_and_is_the_web_map_s(which: str, icons: bool, request) -> None:
    battle = request.getfixturevalue(which)
    document = parse(kml.kml(battle, provenance(battle), _icons(battle) if icons else None)).find("k:Document", K)
    styles = {s.get("id"): s for s in document.findall("k:Style", K)}
    by_id = {f.id: f for f in battle.features}
    used = set()
    for placemark in document.iter(f"{{{NS}}}Placemark"):
        feature = by_id[placemark.find("k:ExtendedData/k:Data[@name='id']/k:value", K).text]
        status = placemark.find("k:ExtendedData/k:Data[@name='status']/k:value", K).text
        url = placemark.find("k:styleUrl", K).text
        assert url.startswith("#") and url[1:] in styles, (feature.id, url)
        used.add(url[1:])
        # the style the web map draws the geometry in: a hill area's relief (its sign stands apart)
        style = gis_style(battle, feature, status or ("held" if feature.kind == "position" else None)).as_dict()
        element = styles[url[1:]]
        if "color" in style:
            want = _color(str(style["color"]), float(str(style.get("opacity", 1.0))))
            assert element.find("k:LineStyle/k:color", K).text == want, feature.id
        if feature.kind in ("position", "event", "place", "gate"):
            fill = str(style.get("fillColor", style.get("color")))
            want = _color(fill, float(str(style.get("fillOpacity", 1.0))))
            assert element.find("k:IconStyle/k:color", K).text == want, feature.id
        if feature.kind == "movement":  # the arrow's outline filled faintly in its colour, as Leaflet fills it
            want = _color(str(style["color"]), 0.2)
            assert element.find("k:PolyStyle/k:color", K).text == want, feature.id
        if feature.kind == "unit":  # its own symbol in a KMZ, else the tinted dot
            href = f"icons/{feature.sidc}.png" if icons else "icons/dot.png"
            assert element.find("k:IconStyle/k:Icon/k:href", K).text == href, feature.id
    assert used == set(styles)  # no style written for nothing


def test_a_hill_area_carries_its_extent_and_summit_sources(mini) -> None:
    """A hill drawn as an area goes to Google Earth as its polygon, filled with the relief's
    faint tint (KML cannot hatch), and its balloon says what the extent is drawn from and
    whether a source places the summit."""
    root = parse(kml.kml(mini, provenance(mini)))
    beacon = root.find(".//k:Placemark[@id='f-beacon-hill']", K)
    assert beacon.find(".//k:Polygon", K) is not None
    style = root.find(f".//k:Style[@id='{beacon.find('k:styleUrl', K).text[1:]}']", K)
    assert style.find("k:PolyStyle/k:color", K).text == _color("#857556", 0.6 * kml.RELIEF_TINT)
    text = beacon.find("k:description", K).text
    assert "extent / 范围: [letters]" in text and "summit not recorded" in text
    ridge = root.find(".//k:Placemark[@id='f-ridge']", K)
    assert "summit / 山顶: 4.135, 50.097 [letters]" in ridge.find("k:description", K).text


# -- arrows: which way each movement went ---------------------------------------------------


@pytest.mark.parametrize("which", ["mini", "real"])
def test_every_movement_shows_its_direction(which: str, request) -> None:
    battle = request.getfixturevalue(which)
    root = parse(kml.kml(battle, provenance(battle)))
    movements = [f for f in battle.features if f.kind == "movement"]
    assert movements
    for feature in movements:
        (placemark,) = root.findall(f".//k:Placemark[@id='f-{feature.id}']", K)
        geometry = placemark.find("k:MultiGeometry", K)
        line = geometry.find("k:LineString/k:coordinates", K).text
        ring = geometry.find("k:Polygon/k:outerBoundaryIs/k:LinearRing/k:coordinates", K).text
        points = [tuple(map(float, p.split(","))) for p in line.split()]
        outline = Polygon([tuple(map(float, p.split(","))) for p in ring.split()])
        assert outline.is_valid and outline.exterior.is_ccw, feature.id
        start, end = Point(points[0]), Point(points[-1])
        # the head: the outline is widest near the end, and holds it
        assert outline.buffer(1e-6).contains(end), feature.id
        head = shapely.get_coordinates(outline.exterior)
        tip = max(head, key=lambda c: -Point(c).distance(end))
        assert Point(tip).distance(end) < Point(tip).distance(start), feature.id


# -- icons: every href resolves -------------------------------------------------------------


def _icons(battle: Battle) -> dict[str, str]:
    return {f.sidc: f"icons/{f.sidc}.png" for f in battle.features if f.kind == "unit" and f.sidc}


def test_every_href_of_the_plain_kml_is_written_beside_it(mini: Battle, tmp_path: Path) -> None:
    names = export(mini, "kml", tmp_path, progress=False)
    assert "icons/dot.png" in names
    root = parse((tmp_path / f"{mini.id}.kml").read_bytes())
    hrefs = {h.text for h in root.iter(f"{{{NS}}}href")}
    assert hrefs == {"icons/dot.png"}
    for href in hrefs:
        assert (tmp_path / href).read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), href


def test_every_href_of_the_kmz_is_in_it(mini: Battle) -> None:
    icons = {sidc: b"\x89PNG\r\n\x1a\n" + sidc.encode() for sidc in _icons(mini)}
    archive = zipfile.ZipFile(io.BytesIO(kml.kmz(mini, provenance(mini), icons)))
    assert archive.namelist()[0] == "doc.kml"
    root = parse(archive.read("doc.kml"))
    hrefs = {h.text for h in root.iter(f"{{{NS}}}href")}
    assert {f"icons/{sidc}.png" for sidc in icons} <= hrefs
    for href in hrefs:
        assert href in archive.namelist(), href
    for placemark in root.iter(f"{{{NS}}}Placemark"):  # a unit shows its own symbol
        if placemark.find("k:ExtendedData/k:Data[@name='kind']/k:value", K).text == "unit":
            url = placemark.find("k:styleUrl", K).text[1:]
            style = root.find(f".//k:Style[@id='{url}']", K)
            assert style.find("k:IconStyle/k:Icon/k:href", K).text.startswith("icons/1")


# -- winding --------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["mini", "real"])
def test_kml_outer_boundaries_run_counter_clockwise(which: str, request) -> None:
    battle = request.getfixturevalue(which)
    root = parse(kml.kml(battle, provenance(battle)))
    polygons = list(root.iter(f"{{{NS}}}Polygon"))
    assert polygons
    for polygon in polygons:
        for boundary, ccw in (("outerBoundaryIs", True), ("innerBoundaryIs", False)):
            for ring in polygon.findall(f"k:{boundary}/k:LinearRing/k:coordinates", K):
                coords = [tuple(map(float, p.split(","))) for p in ring.text.split()]
                assert shapely.is_ccw(shapely.linearrings(coords)) == ccw


def _winding_ok(geometry: dict[str, Any]) -> bool:
    parts = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return all(
        bool(shapely.is_ccw(shapely.linearrings([p[:2] for p in ring]))) == (i == 0)
        for part in parts
        for i, ring in enumerate(part)
    )


@pytest.mark.parametrize("which", ["mini", "real"])
def test_geojson_polygons_follow_the_right_hand_rule(which: str, request) -> None:
    battle = request.getfixturevalue(which)
    data = json.loads(geojson(battle, provenance(battle)))
    polygons = [f["geometry"] for f in data["features"] if f["geometry"]["type"] in ("Polygon", "MultiPolygon")]
    assert polygons
    for geometry in polygons:
        assert _winding_ok(geometry), geometry
    by_id = {f.id: f for f in battle.features}
    for feature in data["features"]:  # the same shape as in the data
        assert shape(feature["geometry"]).equals(by_id[feature["id"]].geometry)


def test_rfc7946_rewinds_exteriors_and_holes_and_keeps_the_values() -> None:
    outer_cw = [[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]]
    hole_ccw = [[2, 2], [4, 2], [4, 4], [2, 4], [2, 2]]
    polygon = {"type": "Polygon", "coordinates": [outer_cw, hole_ccw]}
    assert not _winding_ok(polygon)
    fixed = rfc7946(polygon)
    assert _winding_ok(fixed)
    assert fixed["coordinates"] == [outer_cw[::-1], hole_ccw[::-1]]  # the positions as given, reversed
    multi = {"type": "MultiPolygon", "coordinates": [[outer_cw, hole_ccw], [outer_cw[::-1]]]}
    assert _winding_ok(rfc7946(multi))
    line = {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}
    assert rfc7946(line) == line


def test_a_clockwise_feature_of_the_data_is_exported_counter_clockwise(mini: Battle) -> None:
    ridge = next(f for f in mini.features if f.id == "ridge")
    ring = ridge.geojson["coordinates"][0][::-1]
    clockwise = dataclasses.replace(ridge, geojson={"type": "Polygon", "coordinates": [ring]})
    battle = dataclasses.replace(mini, features=tuple(clockwise if f.id == "ridge" else f for f in mini.features))
    data = json.loads(geojson(battle, provenance(battle)))
    assert _winding_ok(next(f for f in data["features"] if f["id"] == "ridge")["geometry"])
    root = parse(kml.kml(battle, provenance(battle)))
    ring_text = root.find(".//k:Placemark[@id='f-ridge']//k:outerBoundaryIs//k:coordinates", K).text
    assert shapely.is_ccw(shapely.linearrings([tuple(map(float, p.split(","))) for p in ring_text.split()]))


def test_source_records_are_unchanged_by_the_hostile_copy(mini: Battle) -> None:
    """The hostile battle is a copy: the module's battle keeps its texts for the other tests."""
    _hostile(mini)
    assert all(isinstance(s, Source) and "<i" not in s.title for s in mini.sources.values())
    assert all(isinstance(f, Feature) and "<i" not in f.name.en for f in mini.features)
