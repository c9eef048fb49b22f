"""How the heavy steps (loading a battle, rendering its site) treat memory: Python's cyclic
collector paused and kept off the battle's objects, a module the page stack would import for
nothing left out, and the battle's many frozen records made without their per-field setattr.

Not data: tricks of a batch job, each kept because the benchmark shows that it pays
(``bench/memory_tricks.py``; figures in ``bench/profile.md``, "The memory tricks measured again")."""

from __future__ import annotations

import dataclasses
import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


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


def instance_maker(cls: type[T]) -> Callable[[dict[str, Any]], T]:
    """A maker of instances of the frozen dataclass ``cls`` from a dict of its fields: equal to
    ``cls(**fields)``, without the ``object.__setattr__`` a frozen dataclass's ``__init__`` makes
    for each field. With slots (``Feature``: a fifth of the memory of an instance with a dict,
    bench/profile.md), each slot is set by its own descriptor, with no lookup of the name; with
    a ``__dict__``, the dict is filled at once. Fields left out take their defaults; a name that
    is no field, or a field without a default left out, is a TypeError, as ``cls(**fields)``
    would raise. Only for a dataclass with no ``__post_init__`` and no default factories
    (checked here, once)."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if hasattr(cls, "__post_init__") or any(f.default_factory is not dataclasses.MISSING for f in fields):
        raise TypeError(f"{cls.__name__}: made by its own __init__ only")
    defaults = {f.name: f.default for f in fields if f.default is not dataclasses.MISSING}
    names = frozenset(f.name for f in fields)
    required = names - defaults.keys()
    new = object.__new__

    def checked(values: dict[str, Any]) -> None:
        if not (required <= values.keys() <= names):
            unknown, missing = sorted(values.keys() - names), sorted(required - values.keys())
            raise TypeError(f"{cls.__name__}: no fields {unknown}, missing {missing}")

    if "__slots__" in cls.__dict__:
        slots = set(cls.__dict__["__slots__"])
        if not names <= slots:
            raise TypeError(f"{cls.__name__}: fields {sorted(names - slots)} have no slot")
        setters = {name: getattr(cls, name).__set__ for name in names}  # the slots' descriptors
        preset = [(setters[name], value) for name, value in defaults.items()]

        def make_slotted(values: dict[str, Any]) -> T:
            checked(values)
            made = new(cls)
            for put, value in preset:
                put(made, value)
            for name, value in values.items():
                setters[name](made, value)
            return made

        return make_slotted

    def make(values: dict[str, Any]) -> T:
        checked(values)
        made = new(cls)
        made.__dict__.update(defaults)
        made.__dict__.update(values)
        return made

    return make
