"""Exports: GIS round-trips, KML placemarks, byte-identical repeats, a clear error without a browser."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas
import pytest

from build_map import main
from layers import export as export_module
from layers.export import export, features_frame
from layers.load import load_battle

from .conftest import FIXTURE_BATTLE


@pytest.fixture(scope="module")
def mini():
    return load_battle(FIXTURE_BATTLE)


def test_geopackage_and_geojson_round_trip(mini, tmp_path: Path) -> None:
    expected = features_frame(mini)
    for fmt in ("gpkg", "geojson"):
        export(mini, fmt, tmp_path / fmt, progress=False)
        back = geopandas.read_file(tmp_path / fmt / f"testford-1805.{fmt}")
        assert list(back["id"]) == list(expected["id"])
        for column in expected.columns:
            if column == "geometry":
                assert all(a.equals_exact(b, 1e-9) for a, b in zip(back.geometry, expected.geometry, strict=True))
            else:
                # GDAL's GeoJSON reader turns JSON text back into lists: compare the meaning
                got = [json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for v in back[column]]
                assert got == list(expected[column]), (fmt, column)


def test_kml_has_one_placemark_per_feature(mini, tmp_path: Path) -> None:
    export(mini, "kml", tmp_path / "kml", progress=False)
    tree = ET.parse(tmp_path / "kml" / "testford-1805.kml")
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    placemarks = tree.getroot().findall(".//k:Placemark", ns)
    assert len(placemarks) == len(mini.features)
    names = [p.find("k:name", ns).text for p in placemarks]
    assert "磨坊 / The mill" in names
    assert all(p.find("k:description", ns) is not None for p in placemarks)


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
    monkeypatch.setattr(export_module.shutil, "which", lambda name: None)
    code = main(["export", "--geo", str(FIXTURE_BATTLE), "--format", "png", "--out", str(tmp_path / "png")])
    assert code == 5
    assert "apt-get install -y chromium" in capsys.readouterr().err
    assert not (tmp_path / "png").exists()
