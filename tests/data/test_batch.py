"""The loading and rendering steps' collector settings (:mod:`layers.data.batch`)."""

from __future__ import annotations

import gc

from layers.data.batch import collector_paused


def test_what_a_paused_step_keeps_is_not_left_to_the_next_young_collection() -> None:
    """Objects made while the collector is paused go to the oldest generation when it resumes:
    the first young collection after a load must not walk the whole battle."""
    gc.collect()
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        kept = [[i] for i in range(1000)]
    assert gc.isenabled()
    young = {id(o) for o in gc.get_objects(generation=0)} | {id(o) for o in gc.get_objects(generation=1)}
    assert not any(id(item) in young for item in kept)
    assert any(item is kept[0] for item in gc.get_objects(generation=2))


def test_a_nested_pause_leaves_the_collector_paused() -> None:
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
