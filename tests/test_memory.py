"""The build's memory settings: the collector paused, freed memory kept, a module left out (:mod:`layers.memory`)."""

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


def test_loading_and_building_keep_freed_memory_for_reuse(tmp_path, monkeypatch) -> None:
    """Both heavy steps ask the C allocator to keep what they free (glibc's mallopt: no block
    mapped on its own, no heap top handed back), and on glibc the call is accepted."""
    import sys

    from layers import memory, site
    from layers.data.load import load_battle

    from .conftest import FIXTURE_BATTLE

    if sys.platform.startswith("linux"):
        mallopt = memory._mallopt()
        assert mallopt is not None and mallopt(memory.M_TRIM_THRESHOLD, memory.KEPT_BYTES) == 1
    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(memory, "_mallopt", lambda: lambda parameter, value: calls.append((parameter, value)) or 1)
    kept = [(memory.M_MMAP_THRESHOLD, memory.KEPT_BYTES), (memory.M_TRIM_THRESHOLD, memory.KEPT_BYTES)]
    battle = load_battle(FIXTURE_BATTLE)
    assert calls == kept
    site.build(battle, tmp_path / "out")
    assert calls == kept * 2
