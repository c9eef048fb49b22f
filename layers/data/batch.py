"""Batch-job settings for the two heavy steps, loading and rendering."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a step that builds many objects.

    Each full collection walks every live object, and a large battle holds millions of them,
    so with the collector running a build slows down more than linearly with the number of
    features. The steps create no reference cycles worth collecting early; reference
    counting still frees everything as usual, and the collector's previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
