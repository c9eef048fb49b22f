from __future__ import annotations

import gc
import weakref

from layers.data.load import load_battle
from layers.draw.style import halo_style, style_for

from ..conftest import FIXTURE_BATTLE
from .conftest import by_id


def test_side_colour_comes_from_the_manifest(mini) -> None:
    style = style_for(mini, by_id(mini, "ridge"), "held")
    assert style.as_dict()["fillColor"] == mini.sides["north"].color


def test_status_styles_differ(mini) -> None:
    mill = by_id(mini, "mill")
    keys = {style_for(mini, mill, s).as_dict().__repr__() for s in ("held", "contested", "lost")}
    assert len(keys) == 3


def test_labels_are_bilingual(mini) -> None:
    label = style_for(mini, by_id(mini, "mill"), "lost").label
    assert "失守" in label.zh and "lost" in label.en and "Northern army" in label.en
    assert halo_style().label.en.startswith("Location uncertainty")


def test_the_style_cache_does_not_keep_a_battle_alive() -> None:
    # A battle kept by the cache would stay for the interpreter's last collection at exit,
    # which walks every one of its objects.
    battle = load_battle(FIXTURE_BATTLE)
    style_for(battle, by_id(battle, "mill"), "held")
    alive = weakref.ref(battle)
    del battle
    gc.collect()
    assert alive() is None


def test_a_status_changes_the_style_of_positions_alone(battle) -> None:
    """The site's data takes every other feature's style in any status to be its one style
    (a feature's timing, its styles on each page)."""
    from layers.draw.positions import DRAWN_STATUSES

    others = [f for f in battle.features if f.kind != "position"]
    assert any(f.status for f in battle.features) and others
    for feature in others:
        assert {style_for(battle, feature, status) for status in DRAWN_STATUSES} == {style_for(battle, feature)}
