"""Work split over the machine's cores by forking: the same result as doing it in one process.

A large site's per-feature work (drawing each feature and writing its entry) is a map over
features in data order. :func:`map_chunks` cuts the range into contiguous chunks, does the first
in this process and the others in forked children that share the loaded battle copy-on-write
(nothing is pickled to them), and returns the chunks' results in order, so the output is
the same byte for byte whatever the number of processes. A child sends back only its result
(pickled through a pipe). If a child fails for any reason, its chunk is done again here, so
an error is raised exactly as one process would raise it, with its own traceback.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: Below this many items a fork costs more than it saves (and small builds stay as they were).
MIN_ITEMS = 20_000


def workers() -> int:
    """How many processes may work at once: the CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether forking is safe here: a POSIX system, and no other thread that a child would
    inherit in an unknown state (the live-preview server builds beside its own threads)."""
    return hasattr(os, "fork") and threading.active_count() == 1 and sys.platform.startswith("linux")


def map_chunks(work: Callable[[int, int], T], count: int, processes: int | None = None) -> list[T]:
    """``[work(start, stop) for each chunk]`` over ``range(count)`` cut into ``processes``
    contiguous chunks (the CPUs available by default), the first done here and the others in
    forked children at the same time. One chunk, in this process, when forking is unsafe,
    when there is one CPU, or when ``count`` is below :data:`MIN_ITEMS`."""
    processes = processes or workers()
    if processes < 2 or count < MIN_ITEMS or not can_fork():
        return [work(0, count)]
    bounds = [count * i // processes for i in range(processes + 1)]
    children = [_Child(work, bounds[i], bounds[i + 1]) for i in range(1, processes)]
    try:
        results = [work(bounds[0], bounds[1])]
        for i, child in enumerate(children, start=1):
            done = child.result()
            results.append(done[0] if done else work(bounds[i], bounds[i + 1]))
        return results
    finally:
        for child in children:
            child.end()


class _Child:
    """A forked process doing ``work(start, stop)``, writing its pickled result to a pipe."""

    def __init__(self, work: Callable[[int, int], T], start: int, stop: int):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller's code (its cleanup is the parent's)
            code = 1
            try:
                os.close(read_end)
                with open(write_end, "wb") as pipe:
                    pickle.dump(work(start, stop), pipe, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self.pid, self.read_end, self.reaped = pid, read_end, False

    def result(self) -> tuple[Any] | None:
        """The child's result (in a 1-tuple), or None if it failed."""
        try:
            with open(self.read_end, "rb", closefd=False) as pipe:
                result = pickle.load(pipe)
        except (EOFError, pickle.UnpicklingError, OSError):
            return None
        _, status = os.waitpid(self.pid, 0)
        self.reaped = True
        return (result,) if os.waitstatus_to_exitcode(status) == 0 else None

    def end(self) -> None:
        """Close the pipe and reap the child, killed first if it is still working (the parent
        is leaving on an error or an interrupt)."""
        os.close(self.read_end)
        if not self.reaped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.reaped = True
