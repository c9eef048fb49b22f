"""Benchmark: build time, memory, output weight and browser timings, against the plain-folium
baseline measured in the same run, beside the targets and the "today" figures of issue 17.
Writes bench/results.md. Not a test: run it by hand, with nothing else heavy running.

    python bench/run.py [--only hengyang,synthetic,real,phases,film] [--sizes 1000 10000 100000]
                        [--real-sizes 10000 100000] [--repeat 5] [--baseline-once]

Sections (``--only`` picks some; the others keep what results.md already holds):
- hengyang: the real data, all pages: ours against a plain-folium script rendering the same
  features with popups (one map per phase plus an all-phases map, like ours), and the page
  in headless Chromium;
- synthetic: battles of N generated features (points, lines, polygons over five phases);
- real: ``geo/`` cloned to about N features (bench/realshaped.py: every feature copied with a
  new id and a small offset, references remapped, bounds widened);
- phases: many phases × one large polygon: memory must not grow with the phases;
- film: the 47-day Hengyang film at 1080p (``export --format mp4``).

Each figure is the median of --repeat runs (peak memory: the largest). The tool is driven only
through ``build_map.py`` (``build_map.main(argv)`` in a fresh process) and the page's public
``window.battleMap`` object, so the measurements survive changes inside ``layers/``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for the browser's flags
from realshaped import clone_battle  # a sibling script, not a package
from shapely.geometry import LineString, shape

from layers.exports.chromium import CHROMIUM_FLAGS  # the browser as the tool itself launches it

ROOT = Path(__file__).resolve().parent.parent
BASELINE = Path(__file__).resolve().parent / "baseline_folium.py"
SECTIONS = ("hengyang", "synthetic", "campaign", "real", "phases", "film")
#: The film of the siege: 22 June to 8 August (README, "The battle as a film").
FILM_PHASES = ["approach", "assault-1", "lull", "assault-2", "relief", "assault-3", "fall"]
#: A fresh interpreter runs one command and reports its wall time and peak RSS (KiB, VmHWM).
MEASURE = """
import resource, runpy, sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
if {script!r}:
    sys.argv = [{script!r}, *{args!r}]
    runpy.run_path({script!r}, run_name="__main__")
    code = 0
else:
    import build_map
    code = build_map.main({args!r})
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child would report at least the
# bench's own size at the fork; VmHWM belongs to this process's memory alone.
status = open("/proc/self/status").read().split("VmHWM:")[1]
rss = int(status.split()[0]) if status else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("RESULT", time.perf_counter() - t0, rss, code)
"""
GIB = 2**30
MIB = 2**20

# The targets and its "today" figures at 100,000 features (2 cores).
TODAY = {
    "synthetic": {"build": 21.9, "rss": 1.2 * 1024, "drawn": 2.85, "ready": 5.9, "toggle": 10, "step": 1850},
    "real": {"build": 40.6, "rss": 3.0 * 1024, "output": 511 * MIB, "drawn": 7.6, "step": 14300, "baseline": 103},
}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    chromium = chromium_path()
    version = subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout.strip() if chromium else ""
    import branca
    import folium

    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores{mem}; "
        f"Python {platform.python_version()}, folium {folium.__version__}, branca {branca.__version__}; "
        f"{version or 'no Chromium'}"
    )


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


# ---------------------------------------------------------------------------------------------
# Builds


def run_measured(args: list[str], script: Path | None = None) -> tuple[float, float]:
    """(wall s of a fresh process, its peak RSS MiB) for ``build_map.main(args)`` or a script."""
    code = MEASURE.format(root=str(ROOT), script=str(script) if script else "", args=args)
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    line = next((text for text in run.stdout.splitlines() if text.startswith("RESULT")), None)
    if run.returncode or line is None or line.split()[3] != "0":
        what = f"{script or 'build_map'} {' '.join(args)}"
        raise RuntimeError(f"{what} failed:\n{run.stdout[-2000:]}{run.stderr[-4000:]}")
    return seconds, int(line.split()[2]) / 1024


def measured(args: list[str], repeat: int, script: Path | None = None) -> dict[str, float]:
    """Median wall and largest peak RSS of ``repeat`` fresh runs."""
    walls, rss = [], []
    for _ in range(repeat):
        seconds, mib = run_measured(args, script)
        walls.append(seconds)
        rss.append(mib)
    return {"wall": statistics.median(walls), "rss": max(rss), "runs": len(walls)}


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def leaflet_size(site: Path) -> int:
    """The vendored Leaflet script and stylesheet as the site ships them."""
    total = 0
    for name in ("leaflet.js", "leaflet.css"):
        found = sorted(site.rglob(name)) or sorted((ROOT / "layers").rglob(name))
        total += found[0].stat().st_size
    return total


def data_floor(geo: Path) -> int:
    """Bytes of the data folder's content as compact JSON (UTF-8, no spaces), once: every
    feature of every layer with all its properties, the manifest (phases, narratives, sides)
    and the bibliography, since a reader can open every one of them in the pages."""
    manifest = tomllib.loads((geo / "manifest.toml").read_text(encoding="utf-8"))
    features = []
    for layer in manifest["layers"]:
        features += json.loads((geo / layer["file"]).read_text(encoding="utf-8"))["features"]
    bibliography = tomllib.loads((geo / manifest.get("bibliography", "sources.toml")).read_text(encoding="utf-8"))
    compact = json.dumps(
        {"manifest": manifest, "sources": bibliography, "features": features},
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return len(compact.encode())


def feature_count(geo: Path) -> int:
    manifest = tomllib.loads((geo / "manifest.toml").read_text(encoding="utf-8"))
    return sum(len(json.loads((geo / m["file"]).read_text(encoding="utf-8"))["features"]) for m in manifest["layers"])


def page_weight(site: Path, page: str = "index.html") -> int:
    """Bytes a page loads: its HTML and every local script, stylesheet and image it links."""
    html = (site / page).read_text(encoding="utf-8")
    total = len(html.encode())
    for ref in set(re.findall(r'(?:src|href)="([^":#?]+)"', html)):
        path = site / ref
        if path.is_file() and path.suffix in (".js", ".css", ".png", ".svg", ".woff2"):
            total += path.stat().st_size
    return total


def build_section(geo: Path, out: Path, repeat: int, baseline_repeat: int, browser_repeat: int, steps: int) -> dict:
    """Every measure of one data folder: our build, the baseline's, output weight, the page."""
    row: dict[str, Any] = {}
    ours = measured(["build", "--geo", str(geo), "--out", str(out)], repeat)
    row.update(build=ours["wall"], rss=ours["rss"], build_runs=ours["runs"])
    row["output"] = folder_size(out)
    row["floor"] = leaflet_size(out) + data_floor(geo)
    row["data"] = folder_size(geo)
    row["page"] = page_weight(out)
    print(f"  build {ours['wall']:.2f} s, {ours['rss']:.0f} MiB, output {row['output'] / MIB:.1f} MiB", flush=True)
    if baseline_repeat:
        base_out = out.with_name(out.name + "-folium")
        base = measured([str(geo), str(base_out)], baseline_repeat, BASELINE)
        row.update(baseline=base["wall"], baseline_rss=base["rss"], baseline_runs=base["runs"])
        row["baseline_output"] = folder_size(base_out)
        shutil.rmtree(base_out, ignore_errors=True)
        print(f"  plain folium {base['wall']:.2f} s, {base['rss']:.0f} MiB", flush=True)
    if browser_repeat:
        row.update(browser_times(out, browser_repeat, steps))
        print("  page " + ", ".join(f"{k} {v:.3g}" for k, v in row.items() if k in BROWSER_KEYS), flush=True)
    return row


# ---------------------------------------------------------------------------------------------
# Generated battles


#: The fixture battle's brook (40 m wide): ``check`` refuses a position in its water.
_BROOK = LineString([(4.02, 50.05), (4.1, 50.07), (4.18, 50.06)])


def _shifted(coords: Any, dlat: float) -> Any:
    """GeoJSON coordinates moved ``dlat`` degrees north."""
    if coords and isinstance(coords[0], (int, float)):
        return [coords[0], coords[1] + dlat]
    return [_shifted(part, dlat) for part in coords]


def synthetic(folder: Path, count: int, seed: int = 1944) -> Path:
    """A battle of `count` features spread over five phases, in the contract's shape."""
    rng = random.Random(seed)
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini-battle", folder)
    manifest = (folder / "manifest.toml").read_text()
    for i, (start, end) in enumerate([(4, 5), (6, 7), (8, 10)]):
        manifest += (
            f'\n[[phases]]\nid = "p{i}"\ntitle = {{ zh = "阶段{i}", en = "Phase {i}" }}\n'
            f'start = 1805-05-{start:02d}\nend = 1805-05-{end:02d}\nsources = ["chronicle"]\n'
            f'narrative = {{ zh = "叙述", en = "Narrative" }}\n'
        )
    (folder / "manifest.toml").write_text(manifest)
    features = []
    for n in range(count):
        kind = rng.choice(["position", "position", "event", "line", "movement"])
        lon, lat = 4.01 + rng.random() * 0.18, 50.01 + rng.random() * 0.13
        if kind == "line":
            geom = {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.004, lat + 0.002], [lon + 0.008, lat]]}
        elif kind == "movement":
            geom = {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.006, lat + 0.006]]}
        elif n % 7 == 0:
            kind = "position"
            d = 0.002
            geom = {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat]]]}
        else:
            geom = {"type": "Point", "coordinates": [lon, lat]}
        if kind == "position" and _BROOK.distance(shape(geom)) < 0.0005:  # land stays out of the water
            geom = {"type": geom["type"], "coordinates": _shifted(geom["coordinates"], 0.002)}
        day = rng.randint(1, 10)
        props = {
            "kind": kind,
            "name_zh": f"要素{n}",
            "name_en": f"Feature {n}",
            "description_zh": "合成的测试要素。",
            "description_en": "A synthetic test feature.",
            "sources": ["chronicle"],
            "precision_m": rng.choice([50, 300, 800]),
            "start": f"1805-05-{day:02d}",
            "end": f"1805-05-{min(10, day + rng.randint(0, 4)):02d}",
        }
        if kind in ("position", "line", "movement"):
            props["side"] = rng.choice(["north", "south"])
        if kind == "movement":
            props["movement"] = "attack"
        features.append({"type": "Feature", "id": f"f{n}", "geometry": geom, "properties": props})
    (folder / "action.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return folder


def many_phases(folder: Path, phases: int, vertices: int) -> Path:
    """The mini battle with ``phases`` phases and one polygon of ``vertices`` vertices that
    lasts them all: the case where output grew with phases × features before the site's
    data was written once."""
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini-battle", folder)
    manifest = (folder / "manifest.toml").read_text(encoding="utf-8")
    parts = [manifest[: manifest.index("[[phases]]")]]
    for i in range(phases):
        parts.append(
            f'[[phases]]\nid = "p{i:03d}"\ntitle = {{ zh = "阶段{i}", en = "Phase {i}" }}\nstart = 1805-05-01\n'
            f'end = 1805-05-03\nsources = ["chronicle"]\nnarrative = {{ zh = "第{i}阶段。", en = "Phase {i}." }}\n\n'
        )
    (folder / "manifest.toml").write_text("".join(parts), encoding="utf-8")
    ring = [
        [
            round(4.1 + 0.05 * math.cos(2 * math.pi * k / vertices), 6),
            round(50.07 + 0.03 * math.sin(2 * math.pi * k / vertices), 6),
        ]
        for k in range(vertices)
    ]
    data = json.loads((folder / "action.geojson").read_text(encoding="utf-8"))
    names = {"name_zh": "大", "name_en": "Big", "description_zh": "大。", "description_en": "Big."}
    data["features"].append(
        {
            "type": "Feature",
            "id": "big",
            "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
            "properties": {"kind": "position", "side": "north", **names, "sources": ["chronicle"],
                           "precision_m": 1, "start": "1805-05-01", "end": "1805-05-03"},
        }
    )  # fmt: skip
    (folder / "action.geojson").write_text(json.dumps(data), encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------------------------
# The page in headless Chromium

#: A page stage (load, ready, the timings) that takes longer is stopped and shown as "> limit".
PAGE_LIMIT_S = 900
#: After this long in one load's timings, each measure still due is taken once only.
PAGE_BUDGET_MS = 120_000
BROWSER_KEYS = ("drawn", "ready", "toggle", "step", "still", "zoom", "pan", "place")

#: Runs in the page once every phase is ready. Uses only window.battleMap (map, groups, state,
#: selectPhase, labels) and the data-labels counter the page sets on the map's container each
#: time it has placed the names. Returns lists of ms.
PAGE_TIMINGS = """async ({steps, budget}) => {
  const begun = performance.now();
  const more = () => performance.now() - begun < budget;  // a slow page: one sample of each
  const bm = window.battleMap, map = bm.map, box = map.getContainer();
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const count = () => +(box.getAttribute('data-labels') || 0);
  // Resolves with performance.now() when the names have been placed more than n times (or
  // null after ms): the observer runs right after the placement that sets the counter.
  const placedAfter = (n, ms) => new Promise(resolve => {
    if (count() > n) { resolve(performance.now()); return; }
    let timer = null;
    const seen = new MutationObserver(() => {
      if (count() > n) { seen.disconnect(); clearTimeout(timer); resolve(performance.now()); }
    });
    seen.observe(box, { attributes: true, attributeFilter: ['data-labels'] });
    timer = setTimeout(() => { seen.disconnect(); resolve(null); }, ms);
  });
  const out = { toggle: [], step: [], still: [], zoom: [], pan: [], place: [] };
  const ids = Object.keys(bm.groups).filter(id => id !== 'reference');
  let current = Math.max(0, ids.indexOf(bm.state.phase));

  // Toggle in the layer control: show the next phase, hide the current one; names placed.
  let n = count(), t0 = performance.now();
  const next = ids[(current + 1) % ids.length];
  map.addLayer(bm.groups[next]);
  map.removeLayer(bm.groups[ids[current]]);
  await frames();  // the placement the change scheduled runs in the first of these frames
  await placedAfter(n, 1000);
  out.toggle.push(performance.now() - t0);
  map.removeLayer(bm.groups[next]);
  map.addLayer(bm.groups[ids[current]]);
  await frames();

  // Phase steps: the camera moves to the phase's extent, everything redrawn, names placed.
  // Phases that share a view step without a camera move: those are timed apart (still), and
  // stepping goes on until `steps` steps with a camera move are timed (or every phase is seen).
  for (let s = 0; s < 2 * ids.length && out.step.length < steps && (s === 0 || more()); s++) {
    current = (current + 1) % ids.length;
    n = count();
    t0 = performance.now();
    let moving = false;
    const started = () => { moving = true; };
    map.on('movestart', started);
    const moved = new Promise(r => map.once('moveend', r));
    bm.selectPhase(ids[current]);
    // An animated zoom starts moving in the next frame, a pan at once, a reset not at all.
    await new Promise(r => requestAnimationFrame(r));
    map.off('movestart', started);
    if (moving) { await moved; }
    await frames();
    await placedAfter(n, 1000);
    (moving ? out.step : out.still).push(performance.now() - t0);
  }

  // Name placement after a zoom and after a pan, without animation: from the call to the
  // moment the page has placed the names for the new view (the redraw and the placement,
  // which follows the move's end in the same task: the next frame shows both).
  const size = map.getSize();
  const moves = [
    ['zoom', () => map.setZoom(map.getZoom() + 1, { animate: false })],
    ['pan', () => map.panBy([Math.round(size.x / 4), Math.round(size.y / 6)], { animate: false })],
    ['pan', () => map.panBy([-Math.round(size.x / 4), -Math.round(size.y / 6)], { animate: false })],
    ['zoom', () => map.setZoom(map.getZoom() - 1, { animate: false })],
  ];
  for (const [kind, move] of moves) {
    if (out[kind].length && !more()) { continue; }
    await frames();
    n = count();
    t0 = performance.now();
    move();
    const done = await placedAfter(n, 120000);
    if (done !== null) { out[kind].push(done - t0); }
  }
  // The placement alone, at the view the page ends on, made afresh (not one kept).
  if (bm.labels && typeof bm.labels.place === 'function') {
    for (let i = 0; i < 3 && (i === 0 || more()); i++) {
      await frames();
      bm.labels.kept = [];
      t0 = performance.now();
      bm.labels.place();
      out.place.push(performance.now() - t0);
    }
  }
  return out;
}"""


def open_atlas(browser: Any, site: Path) -> tuple[Any, float, float]:
    """A new page on the atlas: (page, perf_counter at navigation, s until the first phase is
    drawn with its names)."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(PAGE_LIMIT_S * 1000)
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    start = time.perf_counter()
    page.goto((site / "index.html").as_uri())
    page.wait_for_function(
        "window.battleMap !== undefined && +(window.battleMap.map.getContainer().getAttribute('data-labels') || 0) > 0"
    )
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    drawn = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{site / 'index.html'}: {errors[0]}")
    return page, start, drawn


def browser_times(site: Path, repeat: int, steps: int) -> dict[str, float]:
    """Medians over ``repeat`` fresh loads of the atlas: s until the first phase is drawn with
    its names (drawn), s until every phase is prepared (ready); ms to toggle phases in the
    layer control, to step to another phase with the camera, and to place the names after a
    zoom and after a pan; ms of one placement alone (place)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    found: dict[str, list[float]] = {key: [] for key in BROWSER_KEYS}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        for _ in range(repeat):
            timings: dict[str, list[float]] = {}
            drawn = ready = math.inf  # beyond the limit: shown as "> limit", not met
            try:
                page, start, drawn = open_atlas(browser, site)
                page.evaluate("() => window.battleMap.ready")
                ready = time.perf_counter() - start
                timings = page.evaluate(PAGE_TIMINGS, {"steps": steps, "budget": PAGE_BUDGET_MS})
            except PlaywrightTimeout:
                print(f"    a stage of the page took longer than {PAGE_LIMIT_S} s", flush=True)
                timings = {key: [math.inf] for key in BROWSER_KEYS[2:] if key != "still"}
                browser.close()  # the page may be stuck: start afresh for the next load
                browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            else:
                page.close()
            found["drawn"].append(drawn)
            found["ready"].append(ready)
            for key, values in timings.items():
                found[key] += values
            shown = ", ".join(f"{k} {[f'{v:.0f}' for v in vs]}" for k, vs in timings.items() if vs)
            print(f"    load: drawn {drawn:.1f} s, ready {found['ready'][-1]:.1f} s; ms: {shown}", flush=True)
        browser.close()
    return {key: statistics.median(values) for key, values in found.items() if values}


# ---------------------------------------------------------------------------------------------
# Report


def fmt_s(value: float | None) -> str:
    if value == math.inf:
        return f"> {PAGE_LIMIT_S} s"
    return "—" if value is None else f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def fmt_ms(value: float | None) -> str:
    if value == math.inf:
        return f"> {PAGE_LIMIT_S} s"
    return "—" if value is None else f"{value:.0f} ms"


def fmt_mib(value: float | None) -> str:
    return "—" if value is None else f"{value / MIB:.1f} MiB" if value < GIB else f"{value / GIB:.2f} GiB"


def fmt_rss(mib: float | None) -> str:
    return "—" if mib is None else f"{mib:.0f} MiB" if mib < 1024 else f"{mib / 1024:.2f} GiB"


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else "met" if ok else "**NOT met**"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


#: (label, key or function of a row, formatter, target text, test, today key, today formatter)
Measure = tuple[str, Callable[[dict], float | None], Callable[[Any], str], str, Callable[[float], bool] | None, str]


#: The targets of the campaign-spread clone, the benchmark that counts (issue 30, "Scale,
#: decided"): label -> (target text, test). The dense city clone ("real") is a stress figure,
#: reported without verdicts.
CAMPAIGN_TARGETS: dict[str, tuple[str, Callable[[float], bool]]] = {
    "drawn, with names (Chromium)": ("< 1.5 s", lambda v: v < 1.5),
    "`output/` / data folder": ("≤ 1.2×", lambda v: v <= 1.2),
    "`output/` / floor": ("", lambda v: True),
    "every phase ready": ("", lambda v: True),
}


def measures(kind: str = "") -> list[Measure]:
    """The rows of a scale table, with the targets of its kind of battle."""
    rows = _measures()
    if kind == "real":
        return [(label, get, show, "", None, today) for label, get, show, _, _, today in rows]
    if kind == "campaign":
        out = []
        for label, get, show, target, test, today in rows:
            if label in CAMPAIGN_TARGETS:
                target, test = CAMPAIGN_TARGETS[label]
                test = None if not target else test
            out.append((label, get, show, target, test, today))
        return out
    return rows


def _measures() -> list[Measure]:
    return [
        ("build (fresh process, wall)", lambda r: r.get("build"), fmt_s, "< 10 s", lambda v: v < 10, "build"),
        ("plain-folium baseline build", lambda r: r.get("baseline"), fmt_s, "", None, "baseline"),
        ("build / baseline", lambda r: ratio(r.get("build"), r.get("baseline")), fmt_ratio, "< 1.0×",
         lambda v: v < 1.0, ""),
        ("peak memory (RSS)", lambda r: r.get("rss"), fmt_rss, "< 1 GiB", lambda v: v < 1024, "rss"),
        ("`output/` total", lambda r: r.get("output"), fmt_mib, "", None, "output"),
        ("its floor (Leaflet + compact JSON of the data, once)", lambda r: r.get("floor"), fmt_mib, "", None, ""),
        ("`output/` / floor", lambda r: ratio(r.get("output"), r.get("floor")), fmt_ratio, "≤ 1.1×",
         lambda v: v <= 1.1, ""),
        ("data folder (as given: indented GeoJSON, TOML)", lambda r: r.get("data"), fmt_mib, "", None, ""),
        ("`output/` / data folder", lambda r: ratio(r.get("output"), r.get("data")), fmt_ratio, "", None, ""),
        ("atlas page (HTML + what it loads)", lambda r: r.get("page"), fmt_mib, "", None, ""),
        ("drawn, with names (Chromium)", lambda r: r.get("drawn"), fmt_s, "< 2 s", lambda v: v < 2, "drawn"),
        ("every phase ready", lambda r: r.get("ready"), fmt_s, "< 3 s", lambda v: v < 3, "ready"),
        ("toggle in the layer control", lambda r: r.get("toggle"), fmt_ms, "< 50 ms", lambda v: v < 50, "toggle"),
        ("step with camera †", lambda r: r.get("step", r.get("still")), fmt_ms, "< 500 ms", lambda v: v < 500, "step"),
        ("step to a phase with the same view (no camera move)", lambda r: r.get("still"), fmt_ms, "", None, ""),
        ("names placed after a zoom", lambda r: r.get("zoom"), fmt_ms, "< 100 ms", lambda v: v < 100, ""),
        ("names placed after a pan", lambda r: r.get("pan"), fmt_ms, "< 100 ms", lambda v: v < 100, ""),
        ("one placement alone (`battleMap.labels.place()`)", lambda r: r.get("place"), fmt_ms, "", None, ""),
    ]  # fmt: skip


def today_text(kind: str, key: str) -> str:
    value = TODAY.get(kind, {}).get(key)
    if value is None or not key:
        return ""
    if key in ("build", "drawn", "ready", "baseline"):
        return fmt_s(value)
    if key in ("toggle", "step"):
        return fmt_ms(value)
    if key == "rss":
        return fmt_rss(value)
    return fmt_mib(value)


def scale_table(kind: str, rows: dict[int, dict]) -> list[str]:
    """Rows: measures; columns: sizes; then target, today at 100k and the verdict per size."""
    sizes = sorted(rows)
    head = " | ".join(f"{size:,}" for size in sizes)
    lines = [
        f"| measure | {head} | target | today (100k) | verdict |",
        "|---|" + "---:|" * len(sizes) + "---|---:|---|",
    ]
    for label, get, show, target, test, today_key in measures(kind):
        values = [get(rows[size]) for size in sizes]
        if all(v is None for v in values):
            continue
        verdicts = ""
        if test is not None:
            verdicts = " · ".join(
                f"{size // 1000}k {verdict(None if v is None else test(v))}"
                for size, v in zip(sizes, values, strict=True)
            )
        cells = " | ".join(show(v) for v in values)
        lines.append(f"| {label} | {cells} | {target} | {today_text(kind, today_key)} | {verdicts} |")
    if any("step" not in rows[size] and "still" in rows[size] for size in sizes):
        lines += ["", "† Where no step moved the camera (every phase has the same extent), the step without one."]
    runs = [
        f"{size:,}: {rows[size].get('build_runs')}, {rows[size].get('baseline_runs', 0)}, {rows[size].get('page_runs')}"
        for size in sizes
    ]
    lines += ["", "Runs per size (our build, plain folium, page loads): " + "; ".join(runs) + "."]
    for small_size, big_size in itertools.pairwise(sizes):
        small, big = rows[small_size], rows[big_size]
        factor = big_size / small_size
        judged = round(factor) == 10 and big_size >= 50_000  # the 10k -> 100k
        growth = []
        for name, key in (("build time", "build"), ("atlas page", "page"), ("`output/`", "output")):
            r = ratio(big.get(key), small.get(key))
            if r is not None:
                met = f" ({verdict(r <= 11)})" if judged and key in ("build", "page") else ""
                growth.append(f"{name} ×{r:.1f}{met}")
        target = " (target from 10k to 100k: at most ×11 for build time and page size)" if judged else ""
        head = f"Growth from {small_size:,} to {big_size:,} features (×{factor:.0f}){target}: "
        lines += ["", head + ", ".join(growth) + "."]
    return lines


# ---------------------------------------------------------------------------------------------
# Sections


def section_hengyang(args: argparse.Namespace, tmp: Path) -> list[str]:
    print("hengyang", flush=True)
    row = build_section(ROOT / "geo", tmp / "hengyang", args.repeat, args.repeat, args.repeat, args.steps)
    shutil.rmtree(tmp / "hengyang", ignore_errors=True)
    lines = [
        "## Hengyang data, all pages",
        "",
        "The real `geo/` (all phases and the atlas), ours against a plain-folium script that renders the same",
        "features with popups and tooltips (`bench/baseline_folium.py`: one map per phase plus an all-phases map).",
        "At this size the target is the build ratio; the other figures are for reference.",
        "",
        "| measure | ours | plain folium | ratio | target |",
        "|---|---:|---:|---:|---|",
        f"| build (fresh process, wall) | {fmt_s(row['build'])} | {fmt_s(row.get('baseline'))} |"
        f" {fmt_ratio(ratio(row['build'], row.get('baseline')))} |"
        f" ≤ 1.0×: {verdict(row['build'] <= row['baseline'] if row.get('baseline') else None)} |",
        f"| peak memory (RSS) | {fmt_rss(row['rss'])} | {fmt_rss(row.get('baseline_rss'))} | | |",
        f"| `output/` total | {row['output'] / 1024:.0f} KiB | {row.get('baseline_output', 0) / 1024:.0f} KiB | | |",
        f"| floor (Leaflet + compact JSON of the data, once) | {row['floor'] / 1024:.0f} KiB | |"
        f" {fmt_ratio(ratio(row['output'], row['floor']))} of floor | |",
        f"| atlas page (HTML + what it loads) | {row['page'] / 1024:.0f} KiB | | | |",
    ]
    for label, key, show in (
        ("drawn, with names (Chromium)", "drawn", fmt_s),
        ("every phase ready", "ready", fmt_s),
        ("toggle in the layer control", "toggle", fmt_ms),
        ("step with camera", "step", fmt_ms),
        ("step to a phase with the same view (no camera move)", "still", fmt_ms),
        ("names placed after a zoom", "zoom", fmt_ms),
        ("names placed after a pan", "pan", fmt_ms),
        ("one placement alone (`battleMap.labels.place()`)", "place", fmt_ms),
    ):
        lines.append(f"| {label} | {show(row.get(key))} | | | |")
    return lines


def scale_rows(
    kind: str, sizes: list[int], args: argparse.Namespace, tmp: Path, make: Callable[[Path, int], int]
) -> dict[int, dict]:
    rows = {}
    for size in sizes:
        geo = tmp / f"{kind}-{size}"
        shutil.rmtree(geo, ignore_errors=True)
        count = make(geo, size)
        print(f"{kind} {count:,} features", flush=True)
        repeat = args.repeat_large if size >= 50_000 and args.repeat_large else args.repeat
        baseline_repeat = 1 if args.baseline_once and size >= 50_000 else repeat
        out = tmp / f"{kind}-{size}-out"
        page_repeat = args.page_repeat_large if size >= 50_000 and args.page_repeat_large else repeat
        row = build_section(geo, out, repeat, 0 if args.no_baseline else baseline_repeat, page_repeat, args.steps)
        row["page_runs"] = page_repeat
        row["features"] = count
        rows[count] = row
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(geo, ignore_errors=True)
    return rows


def section_synthetic(args: argparse.Namespace, tmp: Path) -> list[str]:
    def make(geo: Path, size: int) -> int:
        synthetic(geo, size)
        return size

    rows = scale_rows("synthetic", args.sizes, args, tmp, make)
    return [
        "## Synthetic battles",
        "",
        "Generated points, lines and polygons spread over five phases (`synthetic()` in this script): lighter than",
        "real data (no units, claims, figures or status histories).",
        "",
        *scale_table("synthetic", rows),
    ]


def section_real(args: argparse.Namespace, tmp: Path) -> list[str]:
    def make(geo: Path, size: int) -> int:
        return clone_battle(ROOT / "geo", geo, size, args.step)

    rows = scale_rows("real", args.real_sizes, args, tmp, make)
    return [
        "## Real-shaped battles: `geo/` cloned, copies overlapping (a stress figure, not a target)",
        "",
        f"`bench/realshaped.py`: every feature of `geo/` (all {feature_count(ROOT / 'geo')}, reference layers too)",
        "copied with a new id (`<id>-c<k>`), its `unit` reference pointing into its own copy, its names numbered, and",
        f"shifted on a grid {args.step}° apart centred on the original (so copies overlap like a crowded front);",
        "`bounds` widened to fit. Units, arrows, claims, figures and status histories keep their real shape and",
        "span their real phases. Each clone passes `build_map.py check`.",
        "",
        *scale_table("real", rows),
    ]


def section_campaign(args: argparse.Namespace, tmp: Path) -> list[str]:
    def make(geo: Path, size: int) -> int:
        return clone_battle(ROOT / "geo", geo, size, args.campaign_step)

    rows = scale_rows("campaign", args.real_sizes, args, tmp, make)
    return [
        "## Campaign-spread battles: `geo/` cloned far apart (the benchmark that counts)",
        "",
        f"`bench/realshaped.py --step {args.campaign_step}`: the real-shaped clone below, with its copies",
        f"{args.campaign_step}° apart instead of overlapping, as a campaign's battles lie: the phases' views hold",
        "the whole campaign (zoom 6–7, tens of thousands of features), where the page generalises (crowds of",
        "features drawn as marks that say how many they stand for), and a zoom in shows one battle.",
        "",
        *scale_table("campaign", rows),
    ]


def section_phases(args: argparse.Namespace, tmp: Path) -> list[str]:
    lines = [
        "## Many phases, one large polygon (50,000 vertices lasting every phase)",
        "",
        "Memory must not grow with the number of phases (pages written one at a time, data shipped once).",
        "",
        "| phases | build (wall) | peak RSS | whole `output/` |",
        "|---:|---:|---:|---:|",
    ]
    peaks = []
    for count in args.phases:
        print(f"phases {count}", flush=True)
        geo = many_phases(tmp / f"phases-{count}", count, 50_000)
        out = tmp / f"phases-out-{count}"
        build = measured(["build", "--geo", str(geo), "--out", str(out)], 1)
        peaks.append(build["rss"])
        lines.append(f"| {count} | {fmt_s(build['wall'])} | {fmt_rss(build['rss'])} | {fmt_mib(folder_size(out))} |")
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(geo, ignore_errors=True)
    if len(peaks) >= 2:
        grow = peaks[-1] / peaks[0]
        lines += ["", f"Peak memory ×{grow:.2f} from {args.phases[0]} to {args.phases[-1]} phases "
                  f"(target: not growing, taken as ≤ 1.1×): {verdict(grow <= 1.1)}."]  # fmt: skip
    return lines


def section_film(args: argparse.Namespace, tmp: Path) -> list[str]:
    print("film", flush=True)
    walls = []
    out = tmp / "film"
    command = ["export", "--format", "mp4", "--size", "1920x1080", "--phase", *FILM_PHASES, "--out", str(out)]
    for _ in range(args.film_repeat):
        seconds, _rss = run_measured(command)
        walls.append(seconds)
    size = sum(p.stat().st_size for p in out.glob("*.mp4"))
    shutil.rmtree(out, ignore_errors=True)
    wall = statistics.median(walls)
    return [
        "## The film",
        "",
        "`build_map.py " + " ".join(command[:-2]) + "` (22 June – 8 August, 1 s a day, 10 frames a second), wall",
        f"time of a fresh process, median of {len(walls)}: **{fmt_s(wall)}** ({wall / 60:.1f} min; mp4 of"
        f" {size / MIB:.1f} MiB); target < 3 min: {verdict(wall < 180)}.",
    ]


def merge(path: Path, header: list[str], blocks: dict[str, list[str]]) -> None:
    """Write results.md: the header, then each section, new ones replacing what the file held."""
    old: dict[str, str] = {}
    if path.exists():
        for part in re.split(r"(?m)^<!-- section: ", path.read_text(encoding="utf-8"))[1:]:
            name, _, body = part.partition(" -->\n")
            old[name] = body.rstrip("\n")
    text = "\n".join(header)
    for name in SECTIONS:
        body = "\n".join(blocks[name]) if name in blocks else old.get(name)
        if body:
            text += f"\n\n<!-- section: {name} -->\n{body}"
    path.write_text(text + "\n", encoding="utf-8")


def main() -> int:
    global PAGE_LIMIT_S
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help="sections to run: " + ",".join(SECTIONS))
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000], help="synthetic sizes")
    parser.add_argument("--real-sizes", type=int, nargs="*", default=[10000, 100000], help="real-shaped sizes")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measure (median)")
    parser.add_argument("--repeat-large", type=int, default=0, help="runs at sizes ≥ 50,000 (default: --repeat)")
    parser.add_argument("--page-repeat-large", type=int, default=0, help="page loads at sizes ≥ 50,000")
    parser.add_argument("--page-limit", type=int, default=900, help="s a page stage may take (900)")
    parser.add_argument("--steps", type=int, default=3, help="phase steps timed per page load")
    parser.add_argument("--step", type=float, default=0.005, help="grid spacing of the real-shaped copies, degrees")
    parser.add_argument("--campaign-step", type=float, default=0.5, help="grid spacing of the campaign-spread copies")
    parser.add_argument("--baseline-once", action="store_true", help="plain folium once at sizes ≥ 50,000")
    parser.add_argument("--no-baseline", action="store_true", help="skip plain folium at the scale sizes")
    parser.add_argument("--film-repeat", type=int, default=1)
    parser.add_argument(
        "--phases", type=int, nargs="*", default=[100, 300], help="phase counts of the many-phases case"
    )
    parser.add_argument("--tmp", type=Path, default=None, help="folder for generated data (default: a /tmp folder)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results.md")
    args = parser.parse_args()
    PAGE_LIMIT_S = args.page_limit
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    runners = {
        "hengyang": section_hengyang,
        "synthetic": section_synthetic,
        "campaign": section_campaign,
        "real": section_real,
        "phases": section_phases,
        "film": section_film,
    }
    header = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}.",
        "",
        "Produced by `python bench/run.py " + " ".join(sys.argv[1:]) + "`: medians of "
        f"{args.repeat} runs ({args.repeat_large or args.repeat} at 50,000 features and more; peak memory:",
        "the largest), all in one run of the script, the plain-folium baseline in the same run. Build times",
        "are the wall time of a fresh process (interpreter start and imports included); each section ends with",
        "the command that produced it and the machine's load average meanwhile. Targets and the",
        '"today" figures (100,000 features) are those of issue 17.',
        "",
        "Page timings, in headless Chromium at 1280×800, each load fresh: *drawn* is from navigation until the",
        "first phase is drawn and its names placed (`data-labels` ≥ 1 on the map container) plus two frames;",
        "*ready* until `battleMap.ready` resolves (every phase prepared, and the placements of the phases",
        "beside the shown one made ahead); *toggle* shows the next phase and hides the current one with",
        "`map.addLayer`/`removeLayer` (as the layer control does) until drawn and named; *step* is",
        "`battleMap.selectPhase(next)` until the camera has moved, two frames have passed and",
        "the names are placed (median of the steps that moved the camera); *names placed after a zoom / pan* runs",
        "`map.setZoom(z ± 1)` / `map.panBy(¼ width, ⅙ height)` without animation and stops when the page's",
        "`data-labels` counter changes (a MutationObserver), i.e. the redraw + the placement, which follows",
        "the move's end in the same task (until 26 November it waited for the next frame, which that figure",
        "included); *one placement alone* times a direct `battleMap.labels.place()` made afresh (the",
        "placements the page keeps for the view cleared first).",
        "",
        "The floor of `output/` is what any site carrying the same data must ship: the vendored",
        "`leaflet.js` and `leaflet.css` plus the data folder's content as compact JSON once (every feature with",
        "all its properties, the manifest with phases and narratives, the bibliography).",
    ]
    blocks: dict[str, list[str]] = {}
    base = args.tmp or Path(tempfile.mkdtemp(prefix="bench-", dir="/tmp"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        for name in SECTIONS:
            if name not in chosen:
                continue
            started, load = time.perf_counter(), os.getloadavg()[0]
            blocks[name] = runners[name](args, base)
            took, load_end = time.perf_counter() - started, os.getloadavg()[0]
            # Another job on the machine shows here: medians absorb a little of it, not all.
            note = (
                f"*Section ran in {took:.0f} s by `python bench/run.py {' '.join(sys.argv[1:])}`; load average"
                f" {load:.1f} at its start, {load_end:.1f} at its end.*"
            )
            blocks[name] += ["", note]
            print(f"{name}: {took:.0f} s", flush=True)
            merge(args.out, header, blocks)  # partial results survive an interrupted run
    finally:
        if args.tmp is None:
            shutil.rmtree(base, ignore_errors=True)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
