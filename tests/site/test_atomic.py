"""Nothing lost: interrupted, killed and racing builds leave a complete, consistent output."""

from __future__ import annotations

import filecmp
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ..conftest import FIXTURE_BATTLE, ROOT

#: Runs the real CLI with every fsync slowed down, so a test can act in the middle of a write.
SLOW_BUILD = """
import os, sys, time
real = os.fsync
def slow(fd):
    time.sleep(float(os.environ["SLOW_FSYNC"]))
    real(fd)
os.fsync = slow
sys.path.insert(0, {root!r})
import build_map
sys.exit(build_map.main(sys.argv[1:]))
"""


def _dispositions(sigint: signal.Handlers) -> Callable[[], None]:
    """Run in the child before it starts: SIGINT and SIGTERM as a shell would leave them (the
    default, or SIGINT ignored as for a background job), whatever the test runner's are."""

    def reset() -> None:
        signal.signal(signal.SIGINT, sigint)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    return reset


def run_build(out: Path, *extra: str, slow: float = 0.0, sigint: signal.Handlers = signal.SIG_DFL) -> subprocess.Popen:
    env = {**os.environ, "SLOW_FSYNC": str(slow)}
    code = SLOW_BUILD.format(root=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", code, "build", "--geo", str(FIXTURE_BATTLE), "--out", str(out), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_dispositions(sigint),
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def wait_for_staging(parent: Path, name: str, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for staging in parent.glob(f".{name}.new-*"):
            if any(staging.rglob("*.html")) or len(list(staging.rglob("*"))) > 3:
                return
        time.sleep(0.02)
    raise AssertionError("the build never started writing")


@pytest.fixture
def previous(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "out"
    assert run_build(out, "--phase", "morning").wait(timeout=120) == 0
    return out, snapshot(out)


@pytest.mark.parametrize(
    ("sig", "sigint"),
    [
        (signal.SIGINT, signal.SIG_DFL),
        (signal.SIGINT, signal.SIG_IGN),  # started as a background job: Python installs no handler
        (signal.SIGTERM, signal.SIG_DFL),
        (signal.SIGKILL, signal.SIG_DFL),
    ],
    ids=["SIGINT", "SIGINT-in-a-background-job", "SIGTERM", "SIGKILL"],
)
def test_interrupted_build_keeps_previous_output(previous, sig, sigint) -> None:
    out, before = previous
    process = run_build(out, slow=0.15, sigint=sigint)
    wait_for_staging(out.parent, out.name)
    process.send_signal(sig)
    code = process.wait(timeout=300)
    assert code != 0
    assert snapshot(out) == before
    if sig != signal.SIGKILL:
        assert "interrupted" in process.stderr.read()
        assert not list(out.parent.glob(f".{out.name}.new-*"))  # cleaned up on the way out
    # the next build recovers whatever a killed one left and succeeds
    assert run_build(out).wait(timeout=120) == 0
    assert not list(out.parent.glob(f".{out.name}.new-*"))
    assert "afternoon.html" in snapshot(out)


def test_racing_builds_leave_one_complete_output(tmp_path: Path) -> None:
    references = {}
    for label, extra in (("all", ()), ("morning", ("--phase", "morning"))):
        ref = tmp_path / f"ref-{label}"
        assert run_build(ref, *extra).wait(timeout=120) == 0
        references[label] = snapshot(ref)
    out = tmp_path / "out"
    for _ in range(3):
        first = run_build(out, slow=0.01)
        second = run_build(out, "--phase", "morning", slow=0.01)
        assert first.wait(timeout=120) == 0 and second.wait(timeout=120) == 0
        result = snapshot(out)
        assert result in (references["all"], references["morning"])


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_build(a).wait(timeout=120) == 0
    assert run_build(b).wait(timeout=120) == 0
    comparison = filecmp.dircmp(a, b)
    assert snapshot(a) == snapshot(b), comparison.diff_files
    shutil.rmtree(a)


#: Writes a small site with write_site, killing itself with SIGKILL at one named step.
KILLED_WRITE = """
import os, signal, sys
sys.path.insert(0, {root!r})
from layers import site
def step(name):
    if name == {stop!r}:
        os.kill(os.getpid(), {signal!r})
site._step = step
if {fallback!r}:
    site._libc_renameat2 = lambda: None
site.write_site({files!r}, {out!r})
"""
OLD = {"index.html": b"old", "static/a.js": b"old a", "gone.html": b"only in the old"}
NEW = {"index.html": b"new", "static/a.js": b"new a", "fresh/b.html": b"only in the new"}


def write_killed(out: Path, stop: str, fallback: bool, sig: int = signal.SIGKILL) -> subprocess.CompletedProcess:
    code = KILLED_WRITE.format(root=str(ROOT), stop=stop, signal=int(sig), fallback=fallback, files=NEW, out=str(out))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def without_marker(folder: Path) -> dict[str, bytes]:
    from layers.site import MARKER

    return {name: content for name, content in snapshot(folder).items() if name != MARKER}


@pytest.mark.parametrize("fallback", [False, True], ids=["exchange", "two-renames"])
@pytest.mark.parametrize("stop", ["locked", "staging-made", "staging-marked", "written", "swapped", "old-emptied"])
def test_killed_at_every_step_leaves_old_or_new(tmp_path: Path, stop: str, fallback: bool) -> None:
    from layers import site

    assert stop in site.WRITE_STEPS
    out = tmp_path / "out"
    site.write_site(OLD, out)
    run = write_killed(out, stop, fallback)
    assert run.returncode == -signal.SIGKILL, run.stderr
    if fallback and stop == "swapped":
        # two renames cannot be one step: the window is closed by the next build's recovery
        site._recover(out)
    assert without_marker(out) in (OLD, NEW)
    # the next build cleans up what the killed one left, and only that
    site.write_site(OLD, out)
    assert without_marker(out) == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_every_step_is_reached(tmp_path: Path) -> None:
    from layers import site

    seen: list[str] = []
    out = tmp_path / "out"
    site.write_site(OLD, out)
    original = site._step
    site._step = seen.append
    try:
        site.write_site(NEW, out)
    finally:
        site._step = original
    assert tuple(seen) == site.WRITE_STEPS


def test_signal_during_the_swap_is_held_until_the_new_output_is_complete(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_build(out, "--phase", "morning").wait(timeout=120) == 0
    code = SLOW_BUILD.format(root=str(ROOT)).replace(
        "import build_map",
        "from layers import site\n"
        "site._step = lambda name: name == 'swapped' and os.kill(os.getpid(), 15)\n"
        "import build_map",
    )
    run = subprocess.run(
        [sys.executable, "-c", code, "build", "--geo", str(FIXTURE_BATTLE), "--out", str(out)],
        env={**os.environ, "SLOW_FSYNC": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 130, run.stderr
    assert "interrupted after the new output was complete" in run.stderr
    assert "afternoon.html" in snapshot(out)  # the new output, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


#: Replaces the output with write_site, killing itself with SIGKILL at the ``stop``-th file
#: deleted from the previous output (after the swap, while the old output is removed).
KILLED_DELETE = """
import os, signal, sys
sys.path.insert(0, {root!r})
from layers import site
real, count = os.unlink, [0]
def unlink(path, *args, **kwargs):
    real(path, *args, **kwargs)
    count[0] += 1
    if count[0] == {stop!r}:
        os.kill(os.getpid(), signal.SIGKILL)
os.unlink = unlink
site.write_site({files!r}, {out!r})
"""


@pytest.mark.parametrize("stop", [1, 20, 40])
def test_killed_while_deleting_the_old_output_leaves_it_marked(tmp_path: Path, stop: int) -> None:
    """The old output is emptied marker last: a deletion cut short at any file leaves a folder
    that still carries the marker, so the next build recognises it as ours and removes it
    (a plain rmtree, which deletes the marker wherever it falls, fails this)."""
    from layers import site

    out = tmp_path / "out"
    many = {f"page-{i:02d}.html": b"old" for i in range(48)}
    site.write_site(many, out)
    code = KILLED_DELETE.format(root=str(ROOT), stop=stop, files=NEW, out=str(out))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert without_marker(out) == NEW  # the new output was in place before the deletion
    (leftover,) = [p for p in tmp_path.iterdir() if p.name != "out"]
    assert (leftover / site.MARKER).is_file(), "a half-deleted old output lost its marker"
    assert len(list(leftover.iterdir())) == len(many) + 1 - stop  # cut short after ``stop`` files
    site.write_site(OLD, out)  # the next build removes what the killed one left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
