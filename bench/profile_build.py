"""Where a build spends its time and memory. Not a test: run it by hand.

    python bench/profile_build.py GEO_DIR [--out DIR] [--top 30] [--memory]
    python bench/profile_build.py --collapsed PYSPY_RAW.txt [--top 30]

Runs ``build_map.main(["build", ...])`` once under cProfile and prints the top functions by
cumulative and by own ("self") time, with the profile saved as ``DIR/build.prof`` (open it
with ``python -m pstats`` or snakeviz). With ``--memory``, runs the build once more under
tracemalloc: a watcher thread takes a snapshot each time the traced memory reaches a new high
(10 % above the last), and the snapshot nearest the peak is summarised by line and by file:
what holds the peak. (tracemalloc slows the build several times; its figures are Python
allocations only, below the process's RSS.)

``--collapsed`` summarises a py-spy sampling profile instead, recorded with little overhead:

    py-spy record -r 200 -f raw -o build.txt -- python build_map.py build --geo GEO_DIR --out DIR
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import sys
import threading
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_args(geo: Path, out: Path) -> list[str]:
    return ["build", "--geo", str(geo), "--out", str(out / "site")]


def profile_time(geo: Path, out: Path, top: int) -> None:
    import build_map

    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    code = build_map.main(build_args(geo, out))
    profiler.disable()
    print(f"build exit {code}, {time.perf_counter() - start:.1f} s under cProfile")
    profiler.dump_stats(out / "build.prof")
    for order in ("cumulative", "tottime"):
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        print(f"\n=== top {top} by {order} ===")
        print(text.getvalue().split("\n\n", 2)[-1])


def profile_memory(geo: Path, out: Path, top: int, frames: int) -> None:
    import build_map

    tracemalloc.start(frames)
    best: list[tracemalloc.Snapshot | None] = [None]
    taken = [0]
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.25):
            current, _peak = tracemalloc.get_traced_memory()
            if current > taken[0] * 1.1:
                best[0] = tracemalloc.take_snapshot()
                taken[0] = current

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    code = build_map.main(build_args(geo, out))
    done.set()
    watcher.join()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\nbuild exit {code}; traced peak {peak / 2**20:.0f} MiB; snapshot at {taken[0] / 2**20:.0f} MiB")
    snapshot = best[0]
    if snapshot is None:
        return
    snapshot = snapshot.filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    for key in ("filename", "lineno"):
        print(f"\n=== what holds the peak, by {key} ===")
        for stat in snapshot.statistics(key)[:top]:
            frame = stat.traceback[0]
            print(f"{stat.size / 2**20:8.1f} MiB {stat.count:>9} blocks  {frame.filename}:{frame.lineno}")
    print("\n=== the largest, with their callers ===")
    for stat in snapshot.statistics("traceback")[:8]:
        print(f"{stat.size / 2**20:8.1f} MiB {stat.count:>9} blocks")
        for frame in stat.traceback.format(limit=8, most_recent_first=True):
            print("    " + frame)


def summarise_collapsed(path: Path, top: int) -> None:
    """Self and total time per function, and total per module, from py-spy's raw output
    (one line per stack: ``frame;frame;... count``)."""
    own: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    module: dict[str, int] = defaultdict(int)
    samples = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        samples += count
        frames = [re.sub(r"^(.*) \((.*):\d+\)$", r"\1 (\2)", f) for f in stack.split(";")]
        own[frames[-1]] += count
        for name in set(frames):
            total[name] += count
        for name in {re.sub(r"^.* \((.*)\)$", r"\1", f) for f in frames}:
            module[name] += count
    print(f"{samples} samples")
    for title, table in (("self", own), ("total", total), ("total per file", module)):
        print(f"\n=== top {top} by {title} ===")
        for name, count in sorted(table.items(), key=lambda kv: -kv[1])[:top]:
            print(f"{100 * count / samples:6.1f}%  {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("geo", type=Path, nargs="?")
    parser.add_argument("--collapsed", type=Path, help="summarise this py-spy raw profile instead")
    parser.add_argument("--out", type=Path, default=Path("/tmp/profile-build"))
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--memory", action="store_true", help="also run under tracemalloc")
    parser.add_argument("--frames", type=int, default=1, help="tracemalloc frames per allocation (more: slower)")
    parser.add_argument("--no-time", action="store_true", help="skip cProfile")
    args = parser.parse_args()
    if args.collapsed:
        summarise_collapsed(args.collapsed, args.top)
        return 0
    if args.geo is None:
        parser.error("GEO_DIR is required (or --collapsed FILE)")
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.no_time:
        profile_time(args.geo, args.out, args.top)
    if args.memory:
        profile_memory(args.geo, args.out, args.top, args.frames)
    return 0


if __name__ == "__main__":
    sys.exit(main())
