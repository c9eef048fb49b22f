"""Vendored scripts and styles, checked against their manifest, copied beside the pages.

Only what the pages use is shipped: Leaflet's script, stylesheet and the control images it
references, rbush, topojson-client, the base map's script made from the vendored Natural
Earth files (:mod:`layers.page.base`; the files themselves are not shipped), and our own
``battlemap.js`` / ``battlemap.css``. No CDN address appears
anywhere, so the pages work from a USB stick.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from . import base

LEAFLET = "leaflet-1.9.4"
#: Paths the pages link to, relative to the output folder.
CSS = [f"static/{LEAFLET}/leaflet.css", "static/battlemap.css"]
RBUSH = "rbush-3.0.1"
TOPOJSON = "topojson-client-3.1.0"
#: The page's script in its parts, in load order (each names the parts it needs before it).
PARTS = [
    "bm-core.js",
    "bm-panel.js",
    "bm-print.js",
    "bm-units.js",
    "bm-space.js",
    "bm-canvas.js",
    "bm-layers.js",
    "bm-timeline.js",
    "bm-language.js",
    "bm-base.js",
    "bm-locator.js",
    "bm-key.js",
    "bm-controls.js",
    "labels.js",
]
JS = [
    f"static/{LEAFLET}/leaflet.js",
    f"static/{RBUSH}/rbush.min.js",
    f"static/{TOPOJSON}/topojson-client.min.js",
    base.SCRIPT,
    *(f"static/{name}" for name in PARTS),
    "static/battlemap.js",
]
OWN_FILES = (*PARTS, "battlemap.js", "battlemap.css")


def _static() -> Traversable:
    return resources.files(__name__.rpartition(".")[0]) / "static"  # this package, as it is imported


@lru_cache(maxsize=1)
def vendor_manifest() -> dict[str, Any]:
    """The vendor manifest: per library its version, origin, licence and file hashes."""
    return json.loads((_static() / "vendor" / "manifest.json").read_text(encoding="utf-8"))


def verify_vendor() -> list[str]:
    """Problems with the vendored files: missing, or not matching their recorded sha256."""
    problems = []
    for lib, entry in vendor_manifest().items():
        folder = _static() / "vendor" / f"{lib}-{entry['version']}"
        for name, digest in entry["files"].items():
            path = folder / name
            if not path.is_file():
                problems.append(f"{lib}: {name} is missing")
            elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                problems.append(f"{lib}: {name} does not match its sha256 in the manifest")
    return problems


@lru_cache(maxsize=1)
def site_assets() -> dict[str, bytes]:
    """Every static file the pages need, keyed by its path in the output folder."""
    files: dict[str, bytes] = {}
    for lib, entry in vendor_manifest().items():
        if entry.get("shipped") is False:  # data the build reads (the base map's sources)
            continue
        folder = _static() / "vendor" / f"{lib}-{entry['version']}"
        for name in entry["files"]:
            files[f"static/{lib}-{entry['version']}/{name}"] = (folder / name).read_bytes()
    for name in OWN_FILES:
        files[f"static/{name}"] = (_static() / name).read_bytes()
    return files


def _data_uri(name: str, content: bytes) -> str:
    kind = {"png": "image/png", "svg": "image/svg+xml"}[name.rsplit(".", 1)[-1]]
    return f"data:{kind};base64,{base64.b64encode(content).decode()}"


def inline_css() -> list[str]:
    """The stylesheets as text, with every image they reference turned into a data URI."""
    files = site_assets()
    out = []
    for path in CSS:
        text = files[path].decode("utf-8")
        folder = path.rsplit("/", 1)[0]
        for match in sorted(set(re.findall(r"url\((images/[^)]+)\)", text))):
            text = text.replace(f"url({match})", f"url({_data_uri(match, files[f'{folder}/{match}'])})")
        out.append(text)
    return out


def inline_js(basemap: bytes) -> list[str]:
    """The scripts as text, safe to place inside an inline <script> element (``basemap``: the
    battle's base map script, :func:`layers.page.base.basemap_script`)."""
    out = []
    files = {**site_assets(), base.SCRIPT: basemap}
    for path in JS:
        text = files_text = files[path].decode("utf-8")
        if "</script" in files_text.lower():
            raise ValueError(f"{path} contains '</script' and cannot be inlined")
        out.append(text)
    return out
