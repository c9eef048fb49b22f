"""bm-canvas.js extends Leaflet as Leaflet extends itself: a renderer class of its own, whose
paths alone are given methods of their own, and no prototype of Leaflet's patched. The private
members of Leaflet it relies on are listed in one place (``LEAFLET`` in bm-canvas.js), and
checked here against the vendored Leaflet."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from ..conftest import ROOT

pytestmark = pytest.mark.browser

VENDOR = ROOT / "layers" / "page" / "static" / "vendor"

#: The source of each Leaflet method that bm-canvas.js overrides or calls, as the vendored
#: Leaflet has it (sha256, first 16 hex digits of ``Function.prototype.toString``). When an
#: upgrade of Leaflet changes one, this test fails: read the new source, check what bm-canvas.js
#: assumes of it (its calls, the fields it reads and sets), and record the new digest here.
DIGESTS = {
    "Renderer._update": "5d164af618fdd4ab",
    "Renderer._updatePaths": "7236124a593945d2",
    "Renderer._updateTransform": "95f6b7a9235712ff",
    "Renderer._onZoomEnd": "a5432108d0106ff9",
    "Canvas.onAdd": "2eea2be32300f469",
    "Canvas._initPath": "51575b68dcb4ed24",
    "Canvas._update": "6eba058d5fe62346",
    "Canvas._reset": "101837c4160b4bb1",
    "Canvas._onZoomEnd": "a5432108d0106ff9",
    "Canvas._redraw": "01797227cde82845",
    "Canvas._draw": "f0393be850f0a4f3",
    "Canvas._requestRedraw": "bb92da145c5d9e83",
    "Canvas._updateCircle": "e8a0fde3abe1998f",
    "Canvas._updateStyle": "67a14189c3b058e9",
    "Canvas._fillStroke": "335a2eb73b623031",
    "Polyline._update": "0cec797cc293c970",
    "Polyline._clipPoints": "85ec5a9739bbe4c1",
    "Polyline._projectLatlngs": "dc6d0e69168419d7",
    "Polyline._project": "69b077bcea14adf7",
    "Polyline._updatePath": "4f2d74ef7557a5ab",
    "Polygon._clipPoints": "1a3c2957338c2c45",
    "CircleMarker._project": "2586515470753129",
    "CircleMarker._updateBounds": "1377fc632bead2e3",
    "CircleMarker._empty": "b2252977c9e7fecd",
    "CircleMarker._updatePath": "bdba3a757167a0ae",
}

SOURCES = """listed => {
  const out = {};
  Object.entries(listed.methods).forEach(([kind, names]) => names.forEach(name => {
    const method = L[kind] && L[kind].prototype[name];
    out[kind + "." + name] = typeof method === "function" ? method.toString() : null;
  }));
  return out;
}"""

#: On our page, a second map with Leaflet's own canvas: which of its paths' methods are their
#: own (none should be), and how many of the paths our renderers draw have ours.
OTHER_MAP_AND_OURS = """() => {
  const names = ["_update", "_clipPoints", "_projectLatlngs", "_project"];
  const box = document.createElement("div");
  box.style.cssText = "width: 200px; height: 200px";
  document.body.appendChild(box);
  const other = L.map(box, { renderer: L.canvas() }).setView([0, 0], 3);
  const theirs = [L.polyline([[0, 0], [1, 1]]), L.polygon([[0, 0], [1, 1], [1, 0]]), L.circleMarker([0, 0])]
    .map(layer => layer.addTo(other))
    .map(layer => names.filter(name => Object.prototype.hasOwnProperty.call(layer, name)));
  const own = BM.canvas.own, ours = { lines: [0, 0], areas: [0, 0], circles: [0, 0] };
  const map = window.battleMap.map, renderers = new Set();
  Object.values(window.battleMap.groups).forEach(group => { if (group.canvas) renderers.add(group.canvas); });
  map.eachLayer(layer => { if (layer._renderer) renderers.add(layer._renderer); });  // the base map's too
  renderers.forEach(renderer => {
    Object.values(renderer._layers).forEach(layer => {
      if (layer instanceof L.Polygon) {
        ours.areas[0]++;
        ours.areas[1] += layer._clipPoints === own.clipArea && layer._update === own.updateLine &&
          layer._projectLatlngs === own.projectLine;
      } else if (layer instanceof L.Polyline) {
        ours.lines[0]++;
        ours.lines[1] += layer._clipPoints === own.clipLine && layer._update === own.updateLine &&
          layer._projectLatlngs === own.projectLine;
      } else if (layer instanceof L.CircleMarker && !(layer instanceof L.Circle)) {
        ours.circles[0]++;
        ours.circles[1] += layer._project === own.projectCircle;
      }
    });
  });
  other.remove();
  return { theirs: theirs, ours: ours };
}"""


#: The paths on the map that the base map's renderer draws.
BASE_PATHS = (
    "(() => { const out = []; window.battleMap.map.eachLayer(l => {"
    " if (l._renderer && l._renderer.options.pane === 'bm-base' && l._rings) out.push(l); }); return out; })()"
)


def test_the_leaflet_members_relied_on_are_the_vendored_ones(offline, site) -> None:
    tab = offline.open(site / "assault-1.html")
    listed = tab.evaluate("BM.canvas.LEAFLET")
    vendored = json.loads((VENDOR / "manifest.json").read_text(encoding="utf-8"))["leaflet"]["version"]
    assert listed["version"] == vendored == tab.evaluate("L.version")
    sources = tab.evaluate(SOURCES, listed)
    missing = sorted(name for name, source in sources.items() if source is None)
    assert missing == []
    digests = {name: hashlib.sha256(source.encode()).hexdigest()[:16] for name, source in sources.items()}
    assert digests == DIGESTS  # (Leaflet's own, so no prototype of it is patched either)
    # each field is one Leaflet itself reads or writes (property names survive its minifying)
    leaflet = (VENDOR / f"leaflet-{vendored}" / "leaflet.js").read_text(encoding="utf-8")
    unknown = [
        f"{owner}.{name}"
        for owner, names in listed["fields"].items()
        for name in names
        if not re.search(rf"\.{re.escape(name)}\b", leaflet)
    ]
    assert unknown == []
    assert offline.errors == []


def test_only_the_paths_our_renderer_draws_are_changed(offline, site) -> None:
    tab = offline.open(site / "assault-1.html")
    found = tab.evaluate(OTHER_MAP_AND_OURS)
    assert found["theirs"] == [[], [], []]  # another map's paths keep Leaflet's methods
    lines, areas, circles = (found["ours"][kind] for kind in ("lines", "areas", "circles"))
    assert lines[0] > 0 and circles[0] > 0
    assert lines[0] == lines[1] and areas[0] == areas[1] and circles[0] == circles[1]
    # the base map's paths (a campaign's view) are ours too: projected as the groups' are
    tab.evaluate("window.battleMap.map.setZoom(6, {animate: false})")
    tab.wait_for_function(BASE_PATHS + ".length > 0")
    projected = tab.evaluate(BASE_PATHS + ".map(l => l._projectLatlngs === BM.canvas.own.projectLine)")
    assert projected and all(projected)
    assert offline.errors == []
