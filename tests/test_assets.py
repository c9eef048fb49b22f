"""Vendored assets match their manifest; nothing in the code is specific to one battle."""

from __future__ import annotations

import re

from layers import assets

from .conftest import ROOT


def test_vendor_manifest_matches_files() -> None:
    assert assets.verify_vendor() == []
    manifest = assets.vendor_manifest()
    assert manifest["leaflet"]["version"] == "1.9.4"
    assert manifest["leaflet"]["licence"] == "BSD-2-Clause"
    assert "LICENSE" in manifest["leaflet"]["files"]


def test_pages_link_only_shipped_assets() -> None:
    shipped = set(assets.site_assets())
    for path in (*assets.CSS, *assets.JS):
        assert path in shipped


def test_no_battle_specifics_in_code() -> None:
    pattern = re.compile(r"hengyang(?![-_]map)|衡阳|衡陽|1944|zhangjiashan|#1f5a99|#b2182b", re.IGNORECASE)
    offenders = []
    for path in [
        *(ROOT / "layers").rglob("*.py"),
        *(ROOT / "layers" / "templates").glob("*"),
        ROOT / "layers" / "static" / "battlemap.js",
        ROOT / "layers" / "static" / "battlemap.css",
    ]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
