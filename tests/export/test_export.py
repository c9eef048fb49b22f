"""Exports: GIS round-trips, KML placemarks, byte-identical repeats, a clear error without a browser."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas
import pytest

from build_map import main
from layers.data.load import load_battle
from layers.exports import chromium
from layers.exports.dispatch import export

from ..conftest import FIXTURE_BATTLE


@pytest.fixture(scope="module")
def mini():
    return load_battle(FIXTURE_BATTLE)


def raw_features(folder: Path = FIXTURE_BATTLE) -> dict[str, dict]:
    """The data folder's features as written there: the independent expectation."""
    out = {}
    for path in sorted(folder.glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            out[feature["id"]] = feature
    return out


def expected_properties(raw: dict) -> dict:
    """A raw feature's properties as the exports name them (one 'designation' reads both ways)."""
    props = dict(raw["properties"])
    if "designation" in props:
        props["designation_zh"] = props["designation_en"] = props.pop("designation")
    return props


def test_geojson_keeps_every_attribute_as_native_json(mini, tmp_path: Path) -> None:
    export(mini, "geojson", tmp_path, progress=False)
    data = json.loads((tmp_path / "testford-1805.geojson").read_text(encoding="utf-8"))
    raw = raw_features()
    assert sorted(f["id"] for f in data["features"]) == sorted(raw)
    for feature in data["features"]:
        expected = raw[feature["id"]]
        assert feature["geometry"] == expected["geometry"]
        props = feature["properties"]
        for key, value in expected_properties(expected).items():
            if key in ("status", "claims", "figures"):
                continue  # compared below, field by field
            assert props[key] == value, (feature["id"], key)
        assert isinstance(props["sources"], list)
        for got, want in zip(props.get("status", []), expected["properties"].get("status", []), strict=True):
            assert {k: got[k] for k in want} == want
        for got, want in zip(props.get("claims", []), expected["properties"].get("claims", []), strict=True):
            assert got["field"] == want["field"] and got["value"] == want["value"] and got["sources"] == want["sources"]
    mill = next(f for f in data["features"] if f["id"] == "mill")["properties"]
    assert isinstance(mill["status"], list) and isinstance(mill["status"][0], dict)  # not JSON text


def test_geopackage_for_qgis(mini, tmp_path: Path) -> None:
    import sqlite3
    import xml.etree.ElementTree as ET

    import pyogrio

    export(mini, "gpkg", tmp_path, progress=False)
    path = tmp_path / "testford-1805.gpkg"
    raw = raw_features()
    layers = {name: kind for name, kind in pyogrio.list_layers(path)}
    spatial = [name for name, kind in layers.items() if kind is not None]
    # one table per map layer (and geometry type), each of a single geometry type
    seen = {}
    for name in spatial:
        frame = geopandas.read_file(path, layer=name)
        assert len(set(frame.geometry.geom_type)) == 1, name
        if name.startswith("position_state"):
            continue
        info = pyogrio.read_info(path, layer=name)
        dtypes = dict(zip(info["fields"], info["dtypes"], strict=True))
        assert dtypes["start"] == "datetime64[D]" and dtypes["end"] == "datetime64[D]"  # Date fields
        assert dtypes["precision_m"] == "float64"
        for _, row in frame.iterrows():
            seen[row["id"]] = row
    assert set(seen) == set(raw)
    for feature_id, row in seen.items():
        props = expected_properties(raw[feature_id])
        assert row["name_zh"] == props["name_zh"] and row["name_en"] == props["name_en"]
        assert row["precision_m"] == props["precision_m"]
        if "start" in props:
            assert str(row["start"])[:10] == props["start"]
        for key in ("designation_zh", "designation_en", "commander_zh", "commander_en", "sidc", "movement"):
            if key in props:
                assert row[key] == props[key], (feature_id, key)
    with sqlite3.connect(path) as db:
        status = db.execute("SELECT feature_id, date, status FROM status ORDER BY fid").fetchall()
        expected = [(fid, s["date"], s["status"]) for fid, f in raw.items() for s in f["properties"].get("status", [])]
        assert status == expected
        sources = {row[0] for row in db.execute("SELECT id FROM sources")}
        assert sources == set(mini.sources)
        # a hill drawn as an area: what its extent is drawn from, and the summit where a source gives it
        cites = set(db.execute("SELECT feature_id, source_id, cites FROM feature_sources"))
        assert {
            ("beacon-hill", "letters", "extent"),
            ("ridge", "chronicle", "extent"),
            ("ridge", "letters", "summit"),
        } <= cites
        assert (seen["ridge"]["summit_lon"], seen["ridge"]["summit_lat"]) == (4.135, 50.097)
        assert seen["beacon-hill"]["style"] == "hill:relief:described"  # drawn as the map draws its relief
        styles = db.execute("SELECT f_table_name, styleQML, useAsDefault FROM layer_styles").fetchall()
        assert {name for name, _, _ in styles} == set(spatial)
        hatched: list[str] = []
        for name, qml, default in styles:
            assert default == 1
            root = ET.fromstring(qml.split("\n", 1)[1])
            renderer = root.find("renderer-v2")
            values = {c.get("value") for c in renderer.iter("category")}
            field = renderer.get("attr")
            column = [r[0] for r in db.execute(f'SELECT "{field}" FROM "{name}"')]
            assert set(column) <= values, (name, set(column) - values)  # every feature has its style
            for category in renderer.iter("category"):  # a hill's relief is hatched in QGIS as on the map
                if category.get("value") == "hill:relief:described":
                    symbol = renderer.find(f"symbols/symbol[@name='{category.get('symbol')}']")
                    hatched.append(symbol.find("layer/Option/Option[@name='style']").get("value"))
            if name in ("positions", "units", "movements", "lines", "events", "position_states"):
                temporal = root.find("temporal")
                assert temporal is not None and temporal.get("startField") == "start"
        assert hatched == ["f_diagonal"]


def test_position_states_tile_each_position_s_life(mini, tmp_path: Path) -> None:
    from layers.exports.attributes import status_periods

    mill = next(f for f in mini.features if f.id == "mill")
    periods = status_periods(mill)
    assert periods[0][0] == mill.start and periods[-1][1] == mill.end
    for (_, end, _), (start, _, _) in itertools.pairwise(periods):
        assert (start - end).days == 1
    held_first = ["held"] if mill.status[0].date > mill.start else []
    assert [p[2] for p in periods] == [*held_first, *[c.status for c in mill.status]]


def test_kml_for_google_earth(mini, tmp_path: Path) -> None:
    export(mini, "kml", tmp_path / "kml", progress=False)
    tree = ET.parse(tmp_path / "kml" / "testford-1805.kml")
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    document = tree.getroot().find("k:Document", ns)
    folders = document.findall("k:Folder", ns)
    assert len(folders) == len(mini.layers)  # a Folder per layer
    styles = {s.get("id") for s in document.findall("k:Style", ns)}
    ids = set()
    for placemark in document.iter(f"{{{ns['k']}}}Placemark"):
        data = {d.get("name"): d.find("k:value", ns).text for d in placemark.iter(f"{{{ns['k']}}}Data")}
        ids.add(data["id"])
        assert placemark.find("k:styleUrl", ns).text[1:] in styles
        feature = next(f for f in mini.features if f.id == data["id"])
        span = placemark.find("k:TimeSpan", ns)
        assert (span is not None) == (feature.start is not None)  # every dated feature plays on the slider
        assert placemark.find("k:description", ns).text
    assert ids == {f.id for f in mini.features}
    mill_spans = [
        p.find("k:TimeSpan/k:begin", ns).text
        for p in document.iter(f"{{{ns['k']}}}Placemark")
        if p.get("id", "").startswith("f-mill")
    ]
    mill = next(f for f in mini.features if f.id == "mill")
    assert len(mill_spans) == len(mill.status) + (mill.status[0].date > mill.start)  # one per status period


@pytest.mark.parametrize("fmt", ["html", "geojson", "gpkg", "kml"])
def test_exports_are_byte_identical(mini, tmp_path: Path, fmt: str) -> None:
    first = export(mini, fmt, tmp_path / "a", progress=False)
    second = export(mini, fmt, tmp_path / "b", progress=False)
    assert first == second
    for name in first:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_provenance_in_every_export(mini, tmp_path: Path) -> None:
    names = export(mini, "html", tmp_path / "html", progress=False)
    assert "PROVENANCE.txt" in names
    text = (tmp_path / "html" / "PROVENANCE.txt").read_text()
    assert f"data sha256:{mini.digest}" in text and "chronicle" in text
    page = (tmp_path / "html" / "morning.html").read_text()
    assert mini.digest in page
    assert "<script src=" not in page and "<link " not in page  # nothing outside the file


def test_single_file_csp_forbids_all_network(mini, tmp_path: Path) -> None:
    export(mini, "html", tmp_path, progress=False)
    page = (tmp_path / "index.html").read_text()
    csp = page.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0]
    assert "'self'" not in csp and "https:" not in csp and "img-src data:;" in csp


def test_missing_browser_names_the_install_step(mini, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CHROMIUM_PATH", "/nonexistent/chromium")
    monkeypatch.setattr(chromium.shutil, "which", lambda name: None)
    code = main(["export", "--geo", str(FIXTURE_BATTLE), "--format", "png", "--out", str(tmp_path / "png")])
    assert code == 5
    assert "apt-get install -y chromium" in capsys.readouterr().err
    assert not (tmp_path / "png").exists()
