"""The atlas page's main thread, task by task, from Chromium's own trace. Not a test: run it by hand.

    python bench/trace_page.py SITE_DIR [--ready] [--longer-than 30] [--trace FILE]

Opens ``SITE_DIR/index.html`` in the system Chromium (headless, as the bench does), records a
trace (categories ``devtools.timeline``, ``v8``, ``blink``, ``loading``) until the first phase is
drawn and named (``data-labels`` ≥ 1 on the map container), or with ``--ready`` until every phase
is prepared, and prints each task of the page's main thread longer than the threshold: when it
began (ms from the first task), how long it ran, and what ran inside it longest (scripts by
file, garbage collection, canvas rasterising as ``FinalizeFrame``, HTML parsing...). A sampling
profile (``profile_page.py``) says which functions; this says when, and what was not script.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for the flags
from layers.exports.chromium import CHROMIUM_FLAGS

CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "blink", "loading", "toplevel"]
TASKS = ("RunTask", "ThreadControllerImpl::RunTask")
DRAWN = "+(window.battleMap && window.battleMap.map.getContainer().getAttribute('data-labels') || 0) >= 1"


def record(site: Path, out: Path, ready: bool) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        browser.start_tracing(page=page, path=str(out), categories=CATEGORIES)
        page.goto((site / "index.html").resolve().as_uri(), timeout=300_000)
        page.wait_for_function(DRAWN, timeout=300_000, polling=16)
        if ready:
            page.evaluate("window.battleMap.ready")
        browser.stop_tracing()
        browser.close()
    events = json.loads(out.read_text())
    return events["traceEvents"] if isinstance(events, dict) else events


def label(event: dict[str, Any]) -> str:
    data = (event.get("args") or {}).get("data") or {}
    name = event["name"]
    if name in ("FunctionCall", "EvaluateScript"):
        where = str(data.get("url", "")).rsplit("/", 1)[-1]
        return f"{name} {where}:{data.get('lineNumber', '')} {data.get('functionName', '')}".rstrip()
    return name


def report(events: list[dict[str, Any]], longer_than: float) -> None:
    names = (e for e in events if e.get("ph") == "M" and e.get("name") == "thread_name")
    threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in names}
    for key, name in threads.items():
        if name != "CrRendererMain":
            continue
        spans = sorted((e for e in events if (e["pid"], e["tid"]) == key and e.get("ph") == "X"), key=lambda e: e["ts"])
        tasks = [e for e in spans if e["name"] in TASKS]
        if not tasks:
            continue
        start = tasks[0]["ts"]
        print(f"renderer {key[0]}: {len(tasks)} tasks")
        last = 0
        for task in tasks:
            begin, end = task["ts"], task["ts"] + task.get("dur", 0)
            if task.get("dur", 0) < longer_than * 1000 or begin < last:  # a task within the last
                continue
            last = end
            inside: Counter[str] = Counter()
            for span in spans:
                if begin <= span["ts"] < end and span.get("dur") and span["name"] not in TASKS:
                    inside[label(span)] += span["dur"]
            top = ", ".join(f"{what} {ms / 1000:.0f}" for what, ms in inside.most_common(5))
            print(f"  {(begin - start) / 1000:8.0f} ms  +{task['dur'] / 1000:6.0f} ms | {top}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--ready", action="store_true", help="trace until every phase is prepared")
    parser.add_argument("--longer-than", type=float, default=30, help="ms (default 30)")
    parser.add_argument(
        "--trace",
        type=Path,
        default=Path(tempfile.gettempdir()) / "hengyang-trace.json",
        help="where the raw trace goes (default: the system's temporary folder, never the repository)",
    )
    args = parser.parse_args()
    report(record(args.site, args.trace, args.ready), args.longer_than)


if __name__ == "__main__":
    main()
