"""Whether each memory trick of ``layers/memory.py`` pays: builds with one trick off at a time,
against builds with all on, measured in the same run. Not a test: run it by hand.

    python bench/memory_tricks.py GEO_DIR [--repeat 5] [--off collector_paused ...] [--out DIR]

Each build is a fresh interpreter (``build_map.main(["build", ...])``), the variants taken in
turn within each repeat so that a change in the machine's load falls on all alike. A trick is
turned off by putting a plain stand-in into :mod:`layers.memory` before the modules that use it
are imported: ``collector_paused`` and ``module_hidden`` do nothing, ``young_collections``
collects nothing (``young_full``: a full collection after each page instead, the plain way to
keep memory flat), ``instance_maker`` makes each record by its class's ``__init__``. Reported: medians of
wall time, CPU time (user + system: steadier than wall on a shared machine), system time, peak
RSS (VmHWM) and minor page faults, each also as a ratio to all tricks on.

A clone of the data to measure at scale: ``python bench/realshaped.py geo /tmp/c20k --features
20000 --step 0.5``; many phases: ``many_phases`` in ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRICKS = ("collector_paused", "young_collections", "young_full", "module_hidden", "instance_maker")

#: One build in a fresh interpreter with the tricks named in argv[1] (comma-separated, or "-")
#: replaced; prints wall, CPU, system time (s), VmHWM (KiB), minor faults.
BUILD = """
import gc, resource, sys, time
from contextlib import contextmanager, nullcontext

t0 = time.perf_counter()
sys.path.insert(0, {root!r})
off = set(sys.argv[1].split(",")) - {{"-"}}
from layers import memory

if "collector_paused" in off:
    memory.collector_paused = lambda: nullcontext()
if "young_collections" in off or "young_full" in off:
    full = "young_full" in off

    @contextmanager
    def plain():
        yield lambda free=True: gc.collect() if full and free else None

    memory.young_collections = plain
if "module_hidden" in off:
    memory.module_hidden = lambda name: nullcontext()
if "instance_maker" in off:
    memory.instance_maker = lambda cls: lambda fields: cls(**fields)
import build_map

code = build_map.main(["build", "--geo", sys.argv[2], "--out", sys.argv[3]])
usage = resource.getrusage(resource.RUSAGE_SELF)
hwm = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
print("RESULT", time.perf_counter() - t0, usage.ru_utime + usage.ru_stime, usage.ru_stime, hwm, usage.ru_minflt, code)
"""
MEASURES = ("wall s", "CPU s", "system s", "peak RSS MiB", "minor faults")


def build(off: str, geo: Path, out: Path) -> list[float]:
    """One build with the tricks ``off`` ("-": none): the figures of :data:`MEASURES`."""
    done = subprocess.run(
        [sys.executable, "-c", BUILD.format(root=str(ROOT)), off, str(geo), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT")).split()
    if line[-1] != "0":
        raise SystemExit(f"the build with {off} off failed: {done.stderr}")
    wall, cpu, system, hwm, faults = map(float, line[1:6])
    return [wall, cpu, system, hwm / 1024, faults]


def table(results: dict[str, list[list[float]]]) -> list[str]:
    """Medians of each variant, and their ratios to all tricks on (the first variant)."""
    medians = {v: [statistics.median(r[k] for r in runs) for k in range(len(MEASURES))] for v, runs in results.items()}
    base = medians["-"]
    lines = [
        "| off | " + " | ".join(MEASURES) + " | ratios to all on (CPU, system, RSS, faults) |",
        "|---|" + "---:|" * len(MEASURES) + "---|",
    ]
    for variant, m in medians.items():
        ratios = " ".join(f"{m[k] / base[k]:.2f}" for k in (1, 2, 3, 4))
        figures = " | ".join(f"{m[k]:.0f}" if k >= 3 else f"{m[k]:.2f}" for k in range(len(MEASURES)))
        lines.append(f"| {'none (all on)' if variant == '-' else variant} | {figures} | {ratios} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("geo", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--off", nargs="*", default=[*TRICKS, ",".join(t for t in TRICKS if t != "young_full")],
                        help="variants: a trick, or tricks joined by commas (default: each, then all)")  # fmt: skip
    parser.add_argument("--out", type=Path, default=None, help="folder for the builds (default: a /tmp folder)")
    args = parser.parse_args()
    unknown = {name for variant in args.off for name in variant.split(",")} - set(TRICKS)
    if unknown:
        parser.error(f"unknown trick(s) {', '.join(sorted(unknown))}; choose from {', '.join(TRICKS)}")
    variants = ["-", *args.off]
    results: dict[str, list[list[float]]] = {v: [] for v in variants}
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        for r in range(args.repeat):
            for variant in variants:
                results[variant].append(build(variant, args.geo, out / variant.replace(",", "+")))
                print(r, variant, results[variant][-1], file=sys.stderr, flush=True)
    print("\n".join(table(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
