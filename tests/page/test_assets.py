"""Vendored assets match their manifest; nothing in the code is specific to one battle."""

from __future__ import annotations

import re

from layers.page import assets, base

from ..conftest import ROOT


def test_vendor_manifest_matches_files() -> None:
    assert assets.verify_vendor() == []
    manifest = assets.vendor_manifest()
    assert manifest["leaflet"]["version"] == "1.9.4"
    assert manifest["leaflet"]["licence"] == "BSD-2-Clause"
    assert "LICENSE" in manifest["leaflet"]["files"]


def test_pages_link_only_shipped_assets(site) -> None:
    shipped = set(assets.site_assets())
    for path in (*assets.CSS, *assets.JS):
        assert path in shipped or (path == base.SCRIPT and (site / path).is_file()), path  # (the battle's own base)


def test_no_battle_specifics_in_code() -> None:
    pattern = re.compile(r"hengyang(?![-_]map)|衡阳|衡陽|1944|zhangjiashan|#10305a|#b2182b", re.IGNORECASE)
    offenders = []
    for path in [
        *(ROOT / "layers").rglob("*.py"),
        *(ROOT / "layers" / "page" / "templates").glob("*"),
        *(ROOT / "layers" / "page" / "static").glob("*.js"),  # every part of the page's script
        ROOT / "layers" / "page" / "static" / "battlemap.css",
    ]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_test_only_assets_match_their_manifest() -> None:
    """axe-core runs in the browser tests only; it is pinned by hash like the shipped assets."""
    import hashlib
    import json

    folder = ROOT / "tests" / "vendor"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for lib, entry in manifest.items():
        for name, digest in entry["files"].items():
            path = folder / f"{lib}-{entry['version']}" / name
            assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, path
    assert not any("axe" in path for path in assets.site_assets())  # never shipped in pages


def test_pages_declare_their_language_and_allow_pinch_zoom(site) -> None:
    page = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans" data-lang="zh">' in page
    viewport = re.search(r'<meta name="viewport" content="([^"]*)"', page)
    assert viewport and "user-scalable" not in viewport.group(1) and "maximum-scale" not in viewport.group(1)
