"""How the heavy steps (loading a battle, rendering its site) treat memory: Python's cyclic
collector paused and kept off the battle's objects, and a module the page stack would import for
nothing left out.

Not data: tricks of a batch job, each kept because the benchmark shows that it pays
(``bench/memory_tricks.py``; figures in ``bench/profile.md``, "The memory tricks measured again")."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a step that builds many objects.

    Each full collection walks every live object, and a large battle holds millions of them,
    so with the collector running a build slows down more than linearly with the number of
    features. The steps create no reference cycles worth collecting early; reference
    counting still frees everything as usual, and the collector's previous state is restored.

    What the step made and kept is handed to the oldest generation as the collector resumes:
    left in the youngest, it would all be walked by the first young collection after the
    step (0.7 s for a battle of 100,000 features), only to be found alive.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # freeze then unfreeze: every tracked object moves to the oldest generation, which
            # only a full collection walks (as it would have after a few young collections)
            gc.freeze()
            gc.unfreeze()
            gc.enable()


@contextmanager
def young_collections() -> Iterator[Callable[..., None]]:
    """Within the block, the function it gives frees the cyclic garbage made since the block
    began or since its last call, walking only the objects made since: everything older is
    frozen out of the collector's sight (``gc.freeze``), and unfrozen when the block ends.
    With ``free=False`` it only freezes what was made (kept for the rest of the block).

    A page leaves a few hundred objects in reference cycles (branca's elements, Jinja's
    templates and macros); with the collector paused they would pile up with every page, so
    memory would grow with the number of phases. Freed page by page, they cost the page's own
    objects to find, not the battle's.
    """

    def collect(free: bool = True) -> None:
        if free:
            gc.collect()
        gc.freeze()

    gc.freeze()
    try:
        yield collect
    finally:
        gc.unfreeze()


@contextmanager
def module_hidden(name: str) -> Iterator[None]:
    """Within the block, importing module ``name`` fails (ImportError) unless it was imported
    already; afterwards it imports as usual. For a library that imports an optional module
    only to recognise its types in what it is handed (folium imports pandas, a third of a
    second, to tell a DataFrame), when the caller never hands it one."""
    if name in sys.modules:
        yield
        return
    sys.modules[name] = None  # type: ignore[assignment]  # None: "not importable" to the import system
    try:
        yield
    finally:
        if sys.modules.get(name, 0) is None:
            del sys.modules[name]
