"""The loader's fast path (``features._Clean``) reports nothing and accepts nothing of its own:
for any feature, reading a layer with it gives the same features and the same problems, in the
same order, as reading it with the per-feature checks alone."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layers.data import features
from layers.data.checker import Checker
from layers.data.load import load_battle
from layers.data.model import Battle, LayerSpec
from layers.errors import Problem

from ..conftest import FIXTURE_BATTLE, GEO
from .test_fuzz import GEOMETRIES, VALUES, paths

settings.register_profile(
    "fast-ci", max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
settings.register_profile("fast-deep", max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck))
PROFILE = "fast-deep" if os.environ.get("HYPOTHESIS_PROFILE") == "deep" else "fast-ci"

BATTLES = {"geo": load_battle(GEO), "mini": load_battle(FIXTURE_BATTLE)}
LAYERS = {
    (name, spec.id): json.loads((battle.root / spec.file).read_text("utf-8"))["features"]
    for name, battle in BATTLES.items()
    for spec in battle.layers
}
#: Every value some feature of the data holds under each property: near-valid replacements.
SEEN: dict[str, list[Any]] = {}
for items in LAYERS.values():
    for item in items:
        for key, value in item["properties"].items():
            if value not in SEEN.setdefault(key, []):
                SEEN[key].append(value)
NEAR = st.one_of(
    st.sampled_from([v for values in SEEN.values() for v in values]),
    # texts with control characters: refused in a name, a tab or line break allowed in a description
    st.sampled_from(["a\tb", "a\nb", "a\r\n", "x\x1b[2J", "\x85", "\x00", "中\x7f"]),
    st.sampled_from(["", " ", "1805-05-11", "1944-06-23", "1944-13-01", "x", "chronicle", "held", "hill", "china"]),
    st.sampled_from([0, -1, 1, 2, 3, 4, 2.0, 0.5, 1e400, float("nan"), True, False, None, [], {}, [[]], ["x"]]),
    st.sampled_from([[112.6, 26.9], [112.6, 26.9, 1.0], [26.9, 112.6], [112, 27], [112.6, "26.9"], [True, 26.9]]),
)


def read(battle: Battle, spec: LayerSpec, items: list[Any]) -> tuple[list[features.Feature], list[Problem]]:
    """The features and problems of a layer of ``items``, read as the loader reads it."""
    problems: list[Problem] = []
    span = (min(p.start for p in battle.phases), max(p.end for p in battle.phases))
    check = Checker(spec.file, problems, set(battle.sources))
    collection = {"type": "FeatureCollection", "features": items}
    found = features.read_features(check, collection, spec, battle.bounds, battle.sides, span)
    return found, problems


@contextmanager
def checks_only() -> Iterator[None]:
    """Every feature read by the per-feature checks: the fast path proves none clean."""
    with mock.patch.object(features._Clean, "__call__", lambda self, item, line, line_clean=False: None):
        yield


@st.composite
def edited_layers(draw: st.DrawFn) -> tuple[str, str, list[Any]]:
    """A layer of the data with one to three of its features edited: a value (a property, a
    table in it, the geometry or a coordinate) set, deleted or added."""
    name, layer = draw(st.sampled_from(sorted(LAYERS)))
    items = copy.deepcopy(LAYERS[name, layer])
    for _ in range(draw(st.integers(1, 3))):
        item = items[draw(st.integers(0, len(items) - 1))]
        path = draw(st.sampled_from([p for p in paths(item) if p]))
        value = copy.deepcopy(draw(st.one_of(NEAR, VALUES, GEOMETRIES)))  # never a shared constant
        parent = item
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["set", "set", "delete", "add"]))
        if action == "set":
            parent[path[-1]] = value
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from([*SEEN, "colour", "name"]))] = value
        else:
            parent.append(value)
    return name, layer, items


@settings(settings.get_profile(PROFILE))
@given(edited_layers())
def test_fast_path_reads_as_the_checks(edited: tuple[str, str, list[Any]]) -> None:
    name, layer, items = edited
    battle = BATTLES[name]
    spec = next(spec for spec in battle.layers if spec.id == layer)
    fast = read(battle, spec, items)
    with checks_only():
        slow = read(battle, spec, items)
    assert fast == slow


def test_every_feature_of_the_data_takes_the_fast_path() -> None:
    """The usual feature never reaches the per-feature checks (else the fast path is dead)."""
    for name, battle in BATTLES.items():
        for spec in battle.layers:
            with mock.patch.object(features, "_feature", side_effect=AssertionError(f"{name} {spec.id}")):
                found, problems = read(battle, spec, LAYERS[name, spec.id])
            assert not problems and len(found) == len(LAYERS[name, spec.id])
            assert found == [f for f in battle.features if f.layer == spec.id]


def test_a_feature_the_fast_path_refuses_is_reported_by_the_checks() -> None:
    battle = BATTLES["geo"]
    spec = next(spec for spec in battle.layers if spec.id == "positions")
    items = copy.deepcopy(LAYERS["geo", "positions"])
    items[1]["properties"]["name_en"] = " "
    items[2]["properties"]["end"] = "1944-13-40"
    items[2]["geometry"]["coordinates"] = [26.9, 112.6]
    found, problems = read(battle, spec, items)
    with checks_only():
        assert (found, problems) == read(battle, spec, items)
    assert [(p.feature, p.field) for p in problems] == [
        (f"feature '{items[1]['id']}'", "name_en"),
        (f"feature '{items[2]['id']}'", "geometry.coordinates"),
        (f"feature '{items[2]['id']}'", "end"),
    ]
    assert len(found) == len(items) - 2
