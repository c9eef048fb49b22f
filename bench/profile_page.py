"""Where the atlas page spends its time in Chromium. Not a test: run it by hand.

    python bench/profile_page.py SITE_DIR [--top 25] [--json DIR]

Opens ``SITE_DIR/index.html`` (an output folder from ``build_map.py build``) in the system
Chromium (headless, network cut) and records a V8 CPU profile (CDP ``Profiler``, 200 µs
sampling) of each of:

- first draw: navigation until the first phase is drawn and named (``data-labels`` ≥ 1);
- ready: from there until ``battleMap.ready`` (every phase prepared);
- toggle: the next phase shown and the current one hidden in the layer control (as the bench
  times it), until the names are placed, and back;
- step: ``battleMap.selectPhase(next)`` until the camera has moved and the names are placed
  (``--steps N``: N steps, each profiled apart);
- zoom: ``map.setZoom(z + 1)`` without animation until the names are placed;
- pan: ``map.panBy(…)`` without animation until the names are placed.

For each it prints the wall time, the browser's own split (CDP ``Performance.getMetrics``:
script, layout, style recalculation, task) and the top JavaScript functions by self time
(function, file:line, ms, share), then by total time. Only ``window.battleMap`` and the
``data-labels`` counter of the page are used. With ``--json``, the raw profiles are saved
(``*.cpuprofile``: open them in Chromium's DevTools, Performance panel).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for the flags
from layers.exports.chromium import CHROMIUM_FLAGS

COUNT = "+(window.battleMap.map.getContainer().getAttribute('data-labels') || 0)"
WAIT_PLACED = """async (n) => {
  const box = window.battleMap.map.getContainer();
  const count = () => +(box.getAttribute('data-labels') || 0);
  if (count() > n) { return; }
  await new Promise(resolve => {
    const seen = new MutationObserver(() => { if (count() > n) { seen.disconnect(); resolve(); } });
    seen.observe(box, { attributes: true, attributeFilter: ['data-labels'] });
  });
}"""
TOGGLE = """async () => {
  const bm = window.battleMap, map = bm.map, box = map.getContainer();
  const count = () => +(box.getAttribute('data-labels') || 0);
  const ids = Object.keys(bm.groups).filter(id => id !== 'reference');
  const current = Math.max(0, ids.indexOf(bm.state.phase)), next = ids[(current + 1) % ids.length];
  const n = count();
  map.addLayer(bm.groups[next]);
  map.removeLayer(bm.groups[ids[current]]);
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return n;
}"""
UNTOGGLE = """async () => {
  const bm = window.battleMap, map = bm.map;
  const ids = Object.keys(bm.groups).filter(id => id !== 'reference');
  const current = Math.max(0, ids.indexOf(bm.state.phase)), next = ids[(current + 1) % ids.length];
  map.removeLayer(bm.groups[next]);
  map.addLayer(bm.groups[ids[current]]);
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}"""
STEP = """async () => {
  const bm = window.battleMap, map = bm.map, box = map.getContainer();
  const count = () => +(box.getAttribute('data-labels') || 0);
  const ids = Object.keys(bm.groups).filter(id => id !== 'reference');
  const n = count();
  let moving = false;
  const started = () => { moving = true; };
  map.on('movestart', started);
  const moved = new Promise(r => map.once('moveend', r));
  bm.selectPhase(ids[(Math.max(0, ids.indexOf(bm.state.phase)) + 1) % ids.length]);
  await new Promise(r => requestAnimationFrame(r));
  map.off('movestart', started);
  if (moving) { await moved; }
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return [n, moving];
}"""


def metrics(cdp: Any) -> dict[str, float]:
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def split(before: dict[str, float], after: dict[str, float]) -> str:
    keys = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")
    parts = [f"{k.replace('Duration', '').lower()} {1000 * (after[k] - before[k]):.0f} ms" for k in keys]
    return ", ".join(parts) + f"; layouts {after['LayoutCount'] - before['LayoutCount']:.0f}"


def summarise(profile: dict[str, Any], top: int) -> str:
    """Top functions by self time and by total time from a CDP CPU profile."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    parent = {child: node["id"] for node in profile["nodes"] for child in node.get("children", [])}
    own: dict[int, float] = defaultdict(float)
    for sample, delta in zip(profile["samples"], [*profile["timeDeltas"][1:], 0], strict=True):
        own[sample] += delta / 1000.0
    total_ms = sum(own.values()) or 1.0

    def key(node: dict[str, Any]) -> tuple[str, str]:
        frame = node["callFrame"]
        name = frame["functionName"] or "(anonymous)"
        url = frame["url"].rsplit("/", 1)[-1]
        where = f"{url}:{frame['lineNumber'] + 1}" if url else ""
        return name, where

    by_self: dict[tuple[str, str], float] = defaultdict(float)
    by_total: dict[tuple[str, str], float] = defaultdict(float)
    for node_id, ms in own.items():
        by_self[key(nodes[node_id])] += ms
        seen = set()
        current: int | None = node_id
        while current is not None:  # each function once per sample, however deep it recurses
            k = key(nodes[current])
            if k not in seen:
                by_total[k] += ms
                seen.add(k)
            current = parent.get(current)
    lines = [f"  sampled {total_ms:.0f} ms", "  by self time:"]
    for (name, where), ms in sorted(by_self.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"    {ms:8.1f} ms {100 * ms / total_ms:5.1f}%  {name}  {where}")
    lines.append("  by total time (self + callees):")
    for (name, where), ms in sorted(by_total.items(), key=lambda kv: -kv[1])[:top]:
        if name in ("(root)", "(program)", "(idle)"):
            continue
        lines.append(f"    {ms:8.1f} ms {100 * ms / total_ms:5.1f}%  {name}  {where}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--json", type=Path, help="save the raw .cpuprofile files here")
    parser.add_argument("--steps", type=int, default=1, help="phase steps to profile, each apart (default 1)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    url = (args.site.resolve() / "index.html").as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(900_000)
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        # A first load puts the renderer for file:// in place (the profiler stays with it
        # across the reload) and warms the disk cache, as a reader's second visit would be.
        page.goto(url, timeout=900_000)
        page.wait_for_function(f"window.battleMap !== undefined && {COUNT} > 0")
        page.evaluate("() => window.battleMap.ready")
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 200})

        def record(name: str, action: Any) -> None:
            before = metrics(cdp)
            cdp.send("Profiler.start")
            start = time.perf_counter()
            action()
            wall = time.perf_counter() - start
            profile = cdp.send("Profiler.stop")["profile"]
            after = metrics(cdp)
            print(f"\n=== {name}: {wall * 1000:.0f} ms wall; {split(before, after)}")
            print(summarise(profile, args.top), flush=True)
            if args.json:
                args.json.mkdir(parents=True, exist_ok=True)
                (args.json / f"{name}.cpuprofile").write_text(json.dumps(profile))

        def first_draw() -> None:
            page.reload(timeout=900_000)
            page.wait_for_function(f"window.battleMap !== undefined && {COUNT} > 0")

        record("first draw", first_draw)
        record("ready", lambda: page.evaluate("() => window.battleMap.ready"))

        def toggle() -> None:
            page.evaluate(WAIT_PLACED, page.evaluate(TOGGLE))

        record("toggle", toggle)
        page.evaluate(UNTOGGLE)

        def step() -> None:
            n, _moving = page.evaluate(STEP)
            page.evaluate(WAIT_PLACED, n)

        def moved(move: str) -> Any:
            def run() -> None:
                n = page.evaluate(COUNT)
                page.evaluate(f"() => {{ const map = window.battleMap.map; {move}; }}")
                page.evaluate(WAIT_PLACED, n)

            return run

        for k in range(args.steps):
            where = page.evaluate("() => [window.battleMap.state.phase, window.battleMap.map.getZoom()]")
            record(f"step {k + 1} (from {where[0]}, zoom {where[1]})" if args.steps > 1 else "step", step)
        record("zoom", moved("map.setZoom(map.getZoom() + 1, { animate: false })"))
        record("pan", moved("map.panBy([320, 130], { animate: false })"))
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
