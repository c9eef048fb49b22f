"""The GeoPackage opened by QGIS itself, where QGIS is installed (Debian's python3-qgis).

QGIS is too large to install for every CI run, so this test runs where it is present and is
skipped elsewhere; the GeoPackage's structure is tested without QGIS in test_export.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from layers.exports.dispatch import export

PROBE = r"""
import json, sqlite3, sys
from qgis.core import QgsApplication, QgsVectorLayer, QgsWkbTypes
app = QgsApplication([], False); app.initQgis()
path = sys.argv[1]
tables = [r[0] for r in sqlite3.connect(path).execute(
    "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name")]
out = {}
for table in tables:
    layer = QgsVectorLayer(f"{path}|layername={table}", table, "ogr")
    message, loaded = layer.loadDefaultStyle()  # what QGIS does when a layer is added
    renderer = layer.renderer()
    categories = renderer.categories() if hasattr(renderer, "categories") else []
    geometry = QgsWkbTypes.geometryType(layer.wkbType())
    out[table] = {
        "valid": layer.isValid(),
        "loaded": loaded,
        "renderer": type(renderer).__name__,
        "categories": len(categories),
        "symbols_match": all(int(c.symbol().type()) == int(geometry) for c in categories),
        "labels": layer.labelsEnabled(),
        "temporal": layer.temporalProperties().isActive(),
        "start": {f.name(): f.typeName() for f in layer.fields()}.get("start"),
        "features": layer.featureCount(),
    }
print(json.dumps(out), flush=True)
import os
os._exit(0)  # QGIS's own teardown crashes headless (a known QGIS issue); the answer is out
"""


def qgis_python() -> str | None:
    python = shutil.which("python3", path="/usr/bin") or None
    if python is None:
        return None
    found = subprocess.run([python, "-c", "import qgis.core"], capture_output=True, timeout=60)
    return python if found.returncode == 0 else None


def test_qgis_opens_every_layer_styled_and_time_enabled(battle, tmp_path: Path) -> None:
    python = qgis_python()
    if python is None:
        pytest.skip("QGIS (python3-qgis) is not installed")
    export(battle, "gpkg", tmp_path, progress=False)
    probe = subprocess.run(
        [python, "-c", PROBE, str(tmp_path / f"{battle.id}.gpkg")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert probe.returncode == 0, probe.stderr
    layers = json.loads(probe.stdout.strip().splitlines()[-1])
    assert {"positions", "units", "movements", "lines", "events", "position_states"} <= set(layers)
    for table, found in layers.items():
        assert found["valid"] and found["loaded"], table
        assert found["renderer"] == "QgsCategorizedSymbolRenderer" and found["categories"] > 0, table
        assert found["symbols_match"] and found["labels"], table
        assert found["start"] == "Date", table
        battle_layer = not table.startswith("reference")
        assert found["temporal"] == battle_layer, table  # the Temporal Controller plays the battle layers
    assert layers["units"]["categories"] >= 10  # one APP-6D symbol per unit type
