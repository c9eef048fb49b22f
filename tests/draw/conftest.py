"""The synthetic battle, loaded once for the builder tests."""

from __future__ import annotations

import pytest

from layers.data.load import load_battle

from ..conftest import FIXTURE_BATTLE


@pytest.fixture(scope="module")
def mini():
    return load_battle(FIXTURE_BATTLE)


def by_id(battle, feature_id):
    return next(f for f in battle.features if f.id == feature_id)
