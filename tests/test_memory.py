"""The build's memory settings (:mod:`layers.memory`): the collector paused, a module hidden, records made in batch."""

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


def test_features_made_in_a_batch_equal_those_made_by_their_init() -> None:
    """Every feature of the bundled battle, made again by its dataclass's own ``__init__``, is
    equal to the one the loader made (layers.memory.instance_maker), frozen as well; a field
    left out or misnamed is refused as the ``__init__`` refuses it."""
    import dataclasses

    import pytest

    from layers.data.load import load_battle
    from layers.data.model import Bilingual, Feature
    from layers.embedded import data_folder
    from layers.memory import instance_maker

    battle = load_battle(data_folder(None))
    names = [f.name for f in dataclasses.fields(Feature)]
    for feature in battle.features:
        again = Feature(**{name: getattr(feature, name) for name in names})
        assert again == feature and all(getattr(again, name) is getattr(feature, name) for name in names)
        assert not hasattr(feature, "__dict__")  # slots: a fifth of the memory
    with pytest.raises(dataclasses.FrozenInstanceError):
        battle.features[0].id = "another"  # type: ignore[misc]
    make = instance_maker(Feature)
    fields = {f.name: getattr(battle.features[0], f.name) for f in dataclasses.fields(Feature)}
    with pytest.raises(TypeError, match="certainty"):
        make({k: v for k, v in fields.items() if k != "certainty"})
    with pytest.raises(TypeError, match="colour"):
        make({**fields, "colour": "red"})

    @dataclasses.dataclass(frozen=True)
    class Checked:
        text: Bilingual

        def __post_init__(self) -> None:
            pass

    with pytest.raises(TypeError, match="own __init__"):
        instance_maker(Checked)

    @dataclasses.dataclass(frozen=True)
    class Plain:  # with a __dict__: made as well, defaults taken
        text: str
        count: int = 2

    assert instance_maker(Plain)({"text": "a"}) == Plain("a")
    with pytest.raises(TypeError, match="cuont"):
        instance_maker(Plain)({"text": "a", "cuont": 3})
