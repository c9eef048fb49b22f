"""The real-shaped benchmark battle: a data folder cloned to about N features.

    python bench/realshaped.py GEO_DIR OUT_DIR --features 100000 [--step 0.005]

Every feature of the data folder (every layer, reference layers too) is copied with a new id
and a small offset, so units, arrows, claims, figures and status histories keep their real
shape and span their real phases. Copies lie on a square grid centred on the original
(copy 0 is the original, unchanged); the grid spacing is ``step`` degrees (0.005° ≈ 500 m,
so the copies overlap the way a crowded front does), and the manifest's ``bounds`` are
widened by the grid's reach. Inside each copy the references between features (``unit``)
point to that copy's features. Names, short labels and designations get the copy number
after them, so every name on the map is a distinct text (as a campaign's places are): the
page cannot reuse one measurement for 600 copies of a name. Phases, sources and phase views
are unchanged. Where the copies overlap (a step under the data's extent), rivers lose their
sourced widths and are drawn as lines: one copy's water would cover another's land.

The result must pass ``build_map.py check`` (the loader is strict); :func:`clone_battle`
does not check it itself.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sys
import tomllib
from pathlib import Path
from typing import Any

#: Properties that hold the id of another feature.
REFERENCES = ("unit",)
#: Text properties written on the map: made distinct per copy.
NAMED = ("name_zh", "name_en", "label_zh", "label_en", "designation_zh", "designation_en")


def _shift(coords: Any, dx: float, dy: float) -> Any:
    """The coordinates of any GeoJSON geometry moved by (dx, dy), rounded to 6 decimals."""
    if coords and isinstance(coords[0], (int, float)):
        return [round(coords[0] + dx, 6), round(coords[1] + dy, 6), *coords[2:]]
    return [_shift(part, dx, dy) for part in coords]


def grid_offsets(copies: int, step: float) -> list[tuple[float, float]]:
    """(dx, dy) of each copy on a square grid centred on the original; copy 0 is (0, 0)."""
    side = math.ceil(math.sqrt(copies))
    half = side // 2
    cells = [(i - half, j - half) for j in range(side) for i in range(side)]
    cells.sort(key=lambda c: (c != (0, 0), max(abs(c[0]), abs(c[1])), c[1], c[0]))
    return [(i * step, j * step) for i, j in cells[:copies]]


def clone_battle(geo: Path, out: Path, features: int, step: float = 0.005) -> int:
    """Write into ``out`` a copy of the data folder ``geo`` cloned to about ``features``
    features; returns the number of features written."""
    manifest_text = (geo / "manifest.toml").read_text(encoding="utf-8")
    manifest = tomllib.loads(manifest_text)
    files = [layer["file"] for layer in manifest["layers"]]
    layers = [(name, json.loads((geo / name).read_text(encoding="utf-8"))) for name in files]
    per_copy = sum(len(collection["features"]) for _, collection in layers)
    copies = max(1, round(features / per_copy))
    offsets = grid_offsets(copies, step)
    (west, south), (east, north) = manifest["bounds"]
    # Copies closer than the data's extent lie on each other's rivers, and check refuses land
    # in a river's water: there the rivers are drawn as lines (their widths left out).
    overlap = len(offsets) > 1 and step < max(east - west, north - south)
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(geo, out, ignore=shutil.ignore_patterns(*(name for name, _ in layers)))
    written = 0
    for name, collection in layers:
        cloned = []
        for k, (dx, dy) in enumerate(offsets):
            suffix = f"-c{k}" if k else ""
            for feature in collection["features"]:
                props = dict(feature["properties"])
                if overlap:
                    props.pop("width_m", None)
                    props.pop("width_sources", None)
                for key in REFERENCES:
                    if props.get(key):
                        props[key] = props[key] + suffix
                if k:
                    for key in NAMED:
                        if isinstance(props.get(key), str):
                            props[key] = f"{props[key]} {k}"
                geometry = {**feature["geometry"], "coordinates": _shift(feature["geometry"]["coordinates"], dx, dy)}
                cloned.append({**feature, "id": feature["id"] + suffix, "geometry": geometry, "properties": props})
        written += len(cloned)
        text = json.dumps({**collection, "features": cloned}, ensure_ascii=False, separators=(",", ":"))
        (out / name).write_text(text, encoding="utf-8")
    xs = [dx for dx, _ in offsets]
    ys = [dy for _, dy in offsets]
    bounds = (
        f"bounds = [[{round(west + min(xs), 6)}, {round(south + min(ys), 6)}], "
        f"[{round(east + max(xs), 6)}, {round(north + max(ys), 6)}]]"
    )
    manifest_text, count = re.subn(r"(?m)^bounds\s*=.*$", bounds, manifest_text, count=1)
    if count != 1:
        raise ValueError(f"{geo / 'manifest.toml'}: no single-line 'bounds = …' to widen")
    (out / "manifest.toml").write_text(manifest_text, encoding="utf-8")
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("geo", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--features", type=int, default=100_000)
    parser.add_argument("--step", type=float, default=0.005, help="grid spacing of the copies in degrees")
    args = parser.parse_args()
    print(clone_battle(args.geo, args.out, args.features, args.step), "features in", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
