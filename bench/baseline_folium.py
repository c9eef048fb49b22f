"""Baseline: what a plain folium script does with the same data — one map per phase plus an
all-phases map, every feature a GeoJson feature with a popup and a tooltip.

    python bench/baseline_folium.py GEO_DIR OUT_DIR
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

import folium


def main(geo: Path, out: Path) -> None:
    manifest = tomllib.loads((geo / "manifest.toml").read_text(encoding="utf-8"))
    features = []
    for layer in manifest["layers"]:
        features += json.loads((geo / layer["file"]).read_text(encoding="utf-8"))["features"]
    for feature in features:  # GeoJsonPopup needs every field on every feature
        for key in ("name_zh", "name_en", "description_en", "start", "end"):
            feature["properties"].setdefault(key, "")
    out.mkdir(parents=True, exist_ok=True)
    fields = ["name_zh", "name_en", "description_en"]

    def in_phase(feature: dict, phase: dict) -> bool:
        start = feature["properties"].get("start")
        end = feature["properties"].get("end") or start
        return not start or (start <= str(phase["end"]) and end >= str(phase["start"]))

    def layer(items: list[dict], name: str) -> folium.GeoJson:
        return folium.GeoJson(
            {"type": "FeatureCollection", "features": items},
            name=name,
            popup=folium.GeoJsonPopup(fields=fields),
            tooltip=folium.GeoJsonTooltip(fields=["name_zh", "name_en"]),
        )

    atlas = folium.Map(location=[26.89, 112.61], zoom_start=13)
    for phase in manifest["phases"]:
        items = [f for f in features if in_phase(f, phase)]
        page = folium.Map(location=[26.89, 112.61], zoom_start=13)
        layer(items, phase["id"]).add_to(page)
        page.save(out / f"{phase['id']}.html")
        layer(items, phase["id"]).add_to(atlas)
    folium.LayerControl().add_to(atlas)
    atlas.save(out / "index.html")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
