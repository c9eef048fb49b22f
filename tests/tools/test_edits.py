"""`hengyang-map import`: a layer edited in a GIS comes back into the data folder as a minimal diff."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import geopandas
import pytest
from shapely.geometry import Point

from build_map import main
from layers.data.load import load_battle
from layers.exports.dispatch import export
from layers.tools.edits import ImportRefused, apply, plan

from ..conftest import FIXTURE_BATTLE


@pytest.fixture
def geo(tmp_path: Path) -> Path:
    target = tmp_path / "geo"
    shutil.copytree(FIXTURE_BATTLE, target)
    return target


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*")) if p.is_file()}


def changed_lines(before: dict[str, str], after: dict[str, str]) -> list[str]:
    lines = []
    for name in before:
        for line in difflib.unified_diff(before[name].splitlines(), after[name].splitlines(), lineterm="", n=0):
            if line.startswith(("+", "-")) and not line.startswith(("+++", "---")):
                lines.append(f"{name}:{line}")
    return lines


def exported_gpkg(geo: Path, tmp_path: Path) -> Path:
    export(load_battle(geo), "gpkg", tmp_path / "gpkg", progress=False)
    return tmp_path / "gpkg" / "testford-1805.gpkg"


def test_a_qgis_edit_comes_back_as_a_one_line_diff(geo: Path, tmp_path: Path, capsys) -> None:
    gpkg = exported_gpkg(geo, tmp_path)
    frame = geopandas.read_file(gpkg, layer="action_points")
    frame.loc[frame["id"] == "mill", "name_en"] = "The old mill"
    frame.to_file(gpkg, layer="action_points", driver="GPKG")  # as QGIS saves an edited layer
    before = snapshot(geo)
    assert main(["import", "--geo", str(geo), str(gpkg)]) == 0
    after = snapshot(geo)
    assert changed_lines(before, after) == [
        'action.geojson:-    "name_en": "The mill",',
        'action.geojson:+    "name_en": "The old mill",',
    ]
    assert "feature 'mill': name_en: The mill → The old mill" in capsys.readouterr().out
    assert next(f for f in load_battle(geo).features if f.id == "mill").name.en == "The old mill"
    assert main(["check", "--geo", str(geo)]) == 0


def test_a_moved_point_changes_only_its_coordinates(geo: Path, tmp_path: Path) -> None:
    export(load_battle(geo), "geojson", tmp_path / "gj", progress=False)
    path = tmp_path / "gj" / "testford-1805.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    parley = next(f for f in data["features"] if f["id"] == "parley")
    parley["geometry"]["coordinates"] = [4.1234567, 50.1012345]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = snapshot(geo)
    result = apply(geo, path)
    assert [(c.feature, c.field) for c in result.changes] == [("parley", "geometry")]
    diff = changed_lines(before, snapshot(geo))
    assert diff and all(line.split(":", 1)[1][1:].strip().rstrip(",").replace(".", "").isdigit() for line in diff)
    assert load_battle(geo)  # still valid


def test_nothing_edited_writes_nothing(geo: Path, tmp_path: Path, capsys) -> None:
    gpkg = exported_gpkg(geo, tmp_path)
    before = snapshot(geo)
    assert main(["import", "--geo", str(geo), str(gpkg)]) == 0
    assert snapshot(geo) == before
    assert "nothing changed" in capsys.readouterr().out


def test_dry_run_writes_nothing(geo: Path, tmp_path: Path, capsys) -> None:
    gpkg = exported_gpkg(geo, tmp_path)
    frame = geopandas.read_file(gpkg, layer="action_points")
    frame.loc[frame["id"] == "mill", "precision_m"] = 250.0
    frame.to_file(gpkg, layer="action_points", driver="GPKG")
    before = snapshot(geo)
    assert main(["import", "--dry-run", "--geo", str(geo), str(gpkg)]) == 0
    assert snapshot(geo) == before
    assert "would write 1 file" in capsys.readouterr().out


def test_unknown_feature_is_refused(geo: Path, tmp_path: Path) -> None:
    gpkg = exported_gpkg(geo, tmp_path)
    frame = geopandas.read_file(gpkg, layer="action_points")
    frame.loc[frame["id"] == "mill", "id"] = "windmill"
    frame.to_file(gpkg, layer="action_points", driver="GPKG")
    with pytest.raises(ImportRefused, match="feature 'windmill' is not in"):
        plan(geo, gpkg)


def test_geometry_type_change_is_refused(geo: Path, tmp_path: Path) -> None:
    export(load_battle(geo), "geojson", tmp_path / "gj", progress=False)
    path = tmp_path / "gj" / "testford-1805.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    line = next(f for f in data["features"] if f["id"] == "north-line")
    line["geometry"] = {"type": "Point", "coordinates": [4.11, 50.1]}
    path.write_text(json.dumps(data), encoding="utf-8")
    before = snapshot(geo)
    with pytest.raises(ImportRefused, match="geometry is now a Point, was a LineString"):
        apply(geo, path)
    assert snapshot(geo) == before


def test_an_invalid_edit_writes_nothing(geo: Path, tmp_path: Path, capsys) -> None:
    gpkg = exported_gpkg(geo, tmp_path)
    frame = geopandas.read_file(gpkg, layer="action_points")
    frame.loc[frame["id"] == "mill", "precision_m"] = -5.0
    frame.to_file(gpkg, layer="action_points", driver="GPKG")
    before = snapshot(geo)
    assert main(["import", "--geo", str(geo), str(gpkg)]) == 1
    assert snapshot(geo) == before
    err = capsys.readouterr().err
    assert "nothing was written" in err and "precision_m" in err and "mill" in err


def test_not_an_export_is_refused(geo: Path, tmp_path: Path, capsys) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("hello", encoding="utf-8")
    assert main(["import", "--geo", str(geo), str(other)]) == 1
    assert "expected a .gpkg or .geojson" in capsys.readouterr().err
    assert main(["import", "--geo", str(geo), str(tmp_path / "missing.gpkg")]) == 2


def test_point_geometry_tolerance_keeps_unmoved_points(geo: Path) -> None:
    assert Point(4.1, 50.1).equals_exact(Point(4.1 + 1e-9, 50.1), 1e-7)


@pytest.mark.parametrize("fmt", ["gpkg", "geojson"])
def test_the_real_data_comes_back_unchanged(geo_copy: Path, tmp_path: Path, fmt: str) -> None:
    export(load_battle(geo_copy), fmt, tmp_path / fmt, progress=False)
    before = snapshot(geo_copy)
    result = apply(geo_copy, next((tmp_path / fmt).glob(f"*.{fmt}")))
    assert result.changes == [] and snapshot(geo_copy) == before
