"""Benchmark: build time, memory, page weight and browser timings, against baselines measured
in the same run. Writes bench/results.md. Not a test: run it by hand.

    python bench/run.py [--sizes 1000 10000 100000] [--repeat 5]

Measured, each as the median of --repeat runs:
- the full Hengyang build (all pages), wall time of a fresh process including interpreter start
  and imports, against a plain-folium script rendering the same GeoJSON features with popups
  (one map per phase plus an all-phases map, like ours);
- synthetic battles of N features (points, lines and polygons, spread over phases): build time,
  peak memory, atlas page size, and in headless Chromium the time until the map is drawn and
  the time to switch phase;
- page weight against its floor: the vendored Leaflet files plus the page's features as compact
  GeoJSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = Path(__file__).resolve().parent / "baseline_folium.py"
MEASURE = """
import resource, sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
import build_map
code = build_map.main({args!r})
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("RESULT", time.perf_counter() - t0, rss, code)
"""


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
    chromium = shutil.which("chromium")
    version = (
        subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout.strip() if chromium else "none"
    )
    import branca
    import folium

    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores{mem}; "
        f"Python {platform.python_version()}, folium {folium.__version__}, branca {branca.__version__}; {version}"
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def wall(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measured_build(geo: Path, out: Path, repeat: int) -> tuple[float, float, float]:
    """(median process wall s, median in-process s, max peak RSS MiB) of `build`."""
    walls, inner, rss = [], [], []
    for _ in range(repeat):
        code = MEASURE.format(root=str(ROOT), args=["build", "--geo", str(geo), "--out", str(out)])
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - start)
        line = next(text for text in run.stdout.splitlines() if text.startswith("RESULT"))
        _, seconds, kb, status = line.split()
        assert status == "0", run.stderr
        inner.append(float(seconds))
        rss.append(int(kb) / 1024)
    return statistics.median(walls), statistics.median(inner), max(rss)


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


def page_weight(site: Path, page: str, geo: Path) -> tuple[int, int]:
    """(bytes the page loads, its floor).

    The floor is what any page showing the same data must carry: the vendored Leaflet files
    plus the page's data as compact JSON (UTF-8, no spaces): its features as GeoJSON with the
    properties the data folder gives them (geometry, names, accounts, dates, status, figures,
    claims, sources), the phases it tells (titles, dates, narratives, figures) and the
    bibliography, since a reader can open every one of them in the page.
    """
    import re
    import tomllib

    html = (site / page).read_text(encoding="utf-8")
    loaded = len(html.encode())
    shared: list = []
    for ref in re.findall(r'(?:src|href)="((?:static|data)/[^"]+)"', html):
        loaded += (site / ref).stat().st_size
        if ref.startswith("data/site-"):  # the site's features, shared by every page
            text = (site / ref).read_text(encoding="utf-8")
            shared = json.loads(text[text.index("=") + 1 : text.rindex(";")])["features"]
    leaflet = sum((site / "static" / "leaflet-1.9.4" / n).stat().st_size for n in ("leaflet.js", "leaflet.css"))
    data = json.loads(re.search(r'<script type="application/json" id="bm-data">(.*?)</script>', html).group(1))
    manifest = tomllib.loads((geo / "manifest.toml").read_text(encoding="utf-8"))
    source = {}
    for layer in manifest["layers"]:
        for feature in json.loads((geo / layer["file"]).read_text(encoding="utf-8"))["features"]:
            source[feature["id"]] = feature
    shown = {p["id"] for p in data["timeline"]["phases"]}
    bibliography = tomllib.loads((geo / manifest.get("bibliography", "sources.toml")).read_text(encoding="utf-8"))
    compact = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [source[shared[entry[0]]["id"]] for entry in data["features"]],
            "phases": [p for p in manifest["phases"] if p["id"] in shown],
            "sources": bibliography.get("sources", {}),
        },
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return loaded, leaflet + len(compact.encode())


def many_phases(folder: Path, phases: int, vertices: int) -> Path:
    """The mini battle with ``phases`` phases and one polygon of ``vertices`` vertices that
    lasts them all: the case where output grew with phases × features before the site's
    data was written once."""
    import math

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


def browser_times(site: Path, repeat: int) -> tuple[float, float, float, float]:
    """Medians of: s until the atlas shows its first phase; s until every phase is prepared
    in the background; ms to toggle phases in the layer control (show the next phase, hide
    the current one, as a reader ticking boxes does); ms for a phase step (the same plus the
    camera moving to the phase's extent and everything redrawn)."""
    from playwright.sync_api import sync_playwright

    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
    frames = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
    drawn, ready, toggles, steps = [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=flags)
        for _ in range(repeat):
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            start = time.perf_counter()
            page.goto((site / "index.html").as_uri(), timeout=300_000)
            page.wait_for_function("window.battleMap !== undefined", timeout=300_000)
            page.evaluate(f"() => {frames}")
            drawn.append(time.perf_counter() - start)
            page.set_default_timeout(600_000)
            page.evaluate("() => window.battleMap.ready")
            ready.append(time.perf_counter() - start)
            toggle, step = page.evaluate(
                """async () => {
              const bm = window.battleMap;
              const ids = Object.keys(bm.groups).filter(id => id !== 'reference');
              const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
              const t0 = performance.now();
              bm.map.addLayer(bm.groups[ids[1]]);
              bm.map.removeLayer(bm.groups[ids[0]]);
              await frames();
              const toggle = performance.now() - t0;
              const t1 = performance.now();
              let moving = false;
              const started = () => { moving = true; };
              bm.map.once('movestart', started);
              const moved = new Promise(r => bm.map.once('moveend', r));
              bm.selectPhase(ids[2 % ids.length]);
              bm.map.off('movestart', started);
              if (moving) await moved;  // no camera move when the extent is the same
              await frames();
              return [toggle, performance.now() - t1];
            }"""
            )
            toggles.append(toggle)
            steps.append(step)
            page.close()
        browser.close()
    return statistics.median(drawn), statistics.median(ready), statistics.median(toggles), statistics.median(steps)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results.md")
    parser.add_argument(
        "--phases", type=int, nargs="*", default=[100, 300], help="phase counts of the many-phases case"
    )
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ours = wall([sys.executable, str(ROOT / "build_map.py"), "build", "--out", str(tmp / "ours")], args.repeat)
        base = wall([sys.executable, str(BASELINE), str(ROOT / "geo"), str(tmp / "base")], args.repeat)
        weight, floor = page_weight(tmp / "ours", "index.html", ROOT / "geo")
        whole = sum(p.stat().st_size for p in (tmp / "ours").rglob("*") if p.is_file())
        drawn, ready, toggle, step = browser_times(tmp / "ours", args.repeat)
        lines = [
            "# Benchmark results",
            "",
            f"Machine: {machine()}.",
            f"Produced by `python bench/run.py` (median of {args.repeat} runs each; times include interpreter"
            " start and imports where marked *process*).",
            "",
            "## Hengyang data, all pages",
            "",
            "| measure | ours | baseline | ratio | budget |",
            "|---|---:|---:|---:|---|",
            f"| build, process wall | {ours:.2f} s | {base:.2f} s (plain folium, same features) |"
            f" {ours / base:.2f}× | ≤ 1.5× and < 3 s: {verdict(ours / base <= 1.5 and ours < 3)} |",
            f"| atlas page weight | {weight / 1024:.0f} KiB | {floor / 1024:.0f} KiB (floor: Leaflet + compact"
            f" JSON of its data) | {weight / floor:.2f}× | ≤ 1.5×: {verdict(weight / floor <= 1.5)} |",
            f"| whole output/ (every page, shared data, assets) | {whole / 1024:.0f} KiB | | | |",
            f"| atlas drawn (Chromium) | {drawn:.2f} s | | | |",
            f"| all phases prepared (Chromium) | {ready:.2f} s | | | |",
            f"| phase toggle in the layer control (Chromium) | {toggle:.0f} ms | | | |",
            f"| phase step with camera move (Chromium) | {step:.0f} ms | | | |",
            "",
            "## Synthetic battles",
            "",
            "| features | build wall | build in-process | peak RSS | atlas page | page / floor | drawn | ready"
            " | toggle | step |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for size in args.sizes:
            geo = synthetic(tmp / f"geo-{size}", size)
            out = tmp / f"out-{size}"
            repeat = args.repeat if size <= 10000 else max(1, args.repeat // 3)
            build_wall, inner, rss = measured_build(geo, out, repeat)
            weight, floor = page_weight(out, "index.html", geo)
            drawn, ready, toggle, step = browser_times(out, repeat)
            rows.append((size, build_wall, inner, rss, weight, floor, drawn, toggle))
            lines.append(
                f"| {size:,} | {build_wall:.2f} s | {inner:.2f} s | {rss:.0f} MiB | {weight / 2**20:.1f} MiB |"
                f" {weight / floor:.2f}× | {drawn:.2f} s | {ready:.1f} s | {toggle:.0f} ms | {step:.0f} ms |"
            )
            shutil.rmtree(out)
            print(lines[-1], flush=True)
        if len(rows) >= 2:
            (n0, b0, *_), (n1, b1, *_) = rows[0], rows[-1]
            lines += [
                "",
                f"Growth from {n0:,} to {n1:,} features ({n1 / n0:.0f}×): build time ×{b1 / b0:.1f}, "
                f"page size ×{rows[-1][4] / rows[0][4]:.1f}.",
            ]
        big = [r for r in rows if r[0] >= 100000]
        if big:
            size, build_wall, inner, rss, weight, floor, drawn, toggle = big[0]
            lines += [
                "",
                "Budgets at 100,000 features: "
                f"build < 30 s: {'met' if build_wall < 30 else 'NOT met'} ({build_wall:.1f} s); "
                f"drawn < 3 s: {'met' if drawn < 3 else 'NOT met'} ({drawn:.1f} s); "
                f"phase toggle < 200 ms: {'met' if toggle < 200 else 'NOT met'} ({toggle:.0f} ms); "
                f"memory < 2 GiB: {'met' if rss < 2048 else 'NOT met'} ({rss:.0f} MiB).",
            ]
        lines += [
            "",
            "## Many phases, one large polygon (50,000 vertices lasting every phase)",
            "",
            "The site's feature data is written once (`data/site-<hash>.js`), and pages are written one",
            "at a time: output and memory grow with the phases' own text, not with phases × features.",
            "",
            "| phases | build in-process | peak RSS | whole output |",
            "|---:|---:|---:|---:|",
        ]
        for count in args.phases:
            geo = many_phases(tmp / f"phases-{count}", count, 50_000)
            out = tmp / f"phases-out-{count}"
            _, inner, rss = measured_build(geo, out, 1)
            whole = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
            lines.append(f"| {count} | {inner:.2f} s | {rss:.0f} MiB | {whole / 2**20:.1f} MiB |")
            print(lines[-1], flush=True)
            shutil.rmtree(out)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
