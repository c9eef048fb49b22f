"""The build's memory settings: the collector paused, a module left out (:mod:`layers.memory`)."""

from __future__ import annotations

import gc

from layers.memory import collector_paused


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


def test_a_hidden_module_imports_again_after_the_block() -> None:
    import importlib
    import sys

    import pytest

    from layers.memory import module_hidden

    if "wave" in sys.modules:
        pytest.skip("wave was imported by something else")
    with module_hidden("wave"), pytest.raises(ImportError):
        importlib.import_module("wave")
    assert importlib.import_module("wave").__name__ == "wave"
    with module_hidden("wave"):  # imported already: nothing hidden
        assert importlib.import_module("wave") is sys.modules["wave"]


def test_folium_is_imported_without_pandas() -> None:
    """The page stack leaves pandas out (folium takes it only to recognise a DataFrame); run in a
    fresh interpreter, as other tests import pandas."""
    import subprocess
    import sys

    code = "import sys; import layers.page.assemble; print('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
