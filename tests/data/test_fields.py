"""One validation path: every property of a feature is read by one rule of the table in
``layers.data.fields``, and its shortcuts (a field left out is not read, the usual geometry
is taken at once, keys known for the features of the same shape, the checker's usual cases)
read as the long way: for any feature, reading a
layer with them gives the same features and the same problems, in the same order, as reading
it with every field read and every geometry made."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layers.data import features, fields
from layers.data.checker import Checker
from layers.data.load import load_battle
from layers.data.model import BATTLE_KINDS, REFERENCE_KINDS, Battle, Feature, LayerSpec
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


def read(battle: Battle, spec: LayerSpec, items: list[Any]) -> tuple[list[Feature], list[Problem]]:
    """The features and problems of a layer of ``items``, read as the loader reads it."""
    problems: list[Problem] = []
    span = (min(p.start for p in battle.phases), max(p.end for p in battle.phases))
    check = Checker(spec.file, problems, set(battle.sources))
    collection = {"type": "FeatureCollection", "features": items}
    found = features.read_features(check, collection, spec, battle.bounds, battle.sides, span)
    return found, problems


@contextmanager
def the_long_way() -> Iterator[None]:
    """Every field of the table read, present or not, every geometry read by _geometry, and
    every feature's keys checked one by one."""
    with (
        mock.patch.object(fields.Field, "optional", lambda self, kind: False),
        mock.patch.object(fields, "plan", fields.plan.__wrapped__),  # no plan made before
        mock.patch.object(features, "_usual_geometry", lambda *args: None),
        mock.patch.object(fields.Layer, "shape", lambda self, props: fields.Shape(False, {})),
    ):
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
def test_the_shortcuts_read_as_the_long_way(edited: tuple[str, str, list[Any]]) -> None:
    name, layer, items = edited
    battle = BATTLES[name]
    spec = next(spec for spec in battle.layers if spec.id == layer)
    fast = read(battle, spec, items)
    with the_long_way():
        slow = read(battle, spec, items)
    assert fast == slow


def test_every_point_and_clean_line_of_the_data_takes_the_usual_geometry() -> None:
    """The usual geometry never reaches _geometry (else its shortcut is dead)."""
    for name, battle in BATTLES.items():
        for spec in battle.layers:
            items = LAYERS[name, spec.id]
            with mock.patch.object(features, "_geometry", wraps=features._geometry) as slow:
                found, problems = read(battle, spec, items)
            assert not problems and len(found) == len(items)
            assert found == [f for f in battle.features if f.layer == spec.id]
            usual = [i for i in items if i["geometry"]["type"] in ("Point", "LineString")]
            assert slow.call_count == len(items) - len(usual), (name, spec.id)


def test_a_feature_with_problems_is_reported_in_the_order_of_the_table() -> None:
    battle = BATTLES["geo"]
    spec = next(spec for spec in battle.layers if spec.id == "positions")
    items = copy.deepcopy(LAYERS["geo", "positions"])
    items[1]["properties"]["name_en"] = " "
    items[2]["properties"]["end"] = "1944-13-40"
    items[2]["properties"]["name_zh"] = 7
    items[2]["geometry"]["coordinates"] = [26.9, 112.6]
    found, problems = read(battle, spec, items)
    with the_long_way():
        assert (found, problems) == read(battle, spec, items)
    assert [(p.feature, p.field) for p in problems] == [
        (f"feature '{items[1]['id']}'", "name_en"),
        (f"feature '{items[2]['id']}'", "geometry.coordinates"),
        (f"feature '{items[2]['id']}'", "name_zh"),
        (f"feature '{items[2]['id']}'", "end"),
    ]
    assert len(found) == len(items) - 2


# -- one failing example per rule of the table ------------------------------------------------

DELETE = object()
#: For each rule of the table (by name): the feature of the mini battle, the change that breaks
#: that rule and no other, and the one problem it reports (field, found, expected), as worded
#: before the rules were one table.
VIOLATIONS: dict[str, tuple[str, dict[str, Any], tuple[str, str, str]]] = {
    "name": ("mill", {"name_en": ""}, ("name_en", "an empty text", "a non-empty text")),
    "description": ("mill", {"description_zh": 5}, ("description_zh", "int 5", "a non-empty text")),
    "side": ("mill", {"side": "east"}, ("side", "'east'", "one of the manifest's sides: north, south")),
    "sources": ("mill", {"sources": ["nope"]}, ("sources[0]", "'nope'", "a source id from the bibliography")),
    "precision_m": ("mill", {"precision_m": 0}, ("precision_m", "0", "a positive number of metres")),
    "certainty": (
        "mill",
        {"certainty": "sure"},
        ("certainty", "'sure'", "one of surveyed, estimated, inferred, schematic"),
    ),
    "location_note": (
        "mill",
        {"location_note_zh": "见图"},
        ("location_note_en", "nothing", "both languages, or neither"),
    ),
    "start": ("mill", {"start": "1805-13-01"}, ("start", "'1805-13-01'", "a real date written YYYY-MM-DD")),
    "end": (
        "south-division",
        {"end": "1805-05-09"},
        ("end", "1805-05-09", "a date within the phases, 1805-05-01..1805-05-03"),
    ),
    "no_days": (
        "village",
        {"start": "1805-05-01"},
        ("start", "a date on a reference feature", "no dates: reference layers hold for all phases"),
    ),
    "status": (
        "mill",
        {"status": [{"date": "1805-05-09", "status": "lost", "sources": ["letters"]}]},
        ("status[0].date", "1805-05-09", "a date within the feature's 1805-05-01..1805-05-03"),
    ),
    "claims": (
        "parley",
        {"claims": [{"field": "start", "value": "1805-05-02", "sources": []}]},
        ("claims[0].sources", "an empty list", "a non-empty list of source ids"),
    ),
    "figures": (
        "north-brigade",
        {"figures": [{"label_zh": "兵力", "label_en": "Strength", "values": []}]},
        ("figures[0].values", "no values", "at least one value with its sources"),
    ),
    "claimed_fields": (
        "parley",
        {"claims": [{"field": "colour", "value": "red", "sources": ["letters"]}]},
        (
            "claims",
            "'colour'",
            "a claim about one of name, description, start, end, status, side, unit, location, commander",
        ),
    ),
    "movement": (
        "south-attack",
        {"movement": "dance"},
        ("movement", "'dance'", "one of attack, crossing, withdrawal, relief"),
    ),
    "unit": (
        "south-attack",
        {"unit": "South Division"},
        ("unit", "'South Division'", "an id of a-z, 0-9, '-', '_' (at most 64)"),
    ),
    "sidc": (
        "north-brigade",
        {"sidc": "10061000181211000000"},
        ("sidc", "standard identity digit '6'", "'3' for side 'north' (friend)"),
    ),
    "designation": (
        "mill",
        {"designation": "M"},
        ("designation", "a designation on a position", "designations only on units"),
    ),
    "label": (
        "mill",
        {"label_zh": "磨", "label_en": "Mill\tnorth"},
        (
            "label_en",
            "the control character U+0009 in 'Mill\\tnorth'",
            "a text without control characters (a name or short text is one line, with no tab)",
        ),
    ),
    "terrain": (
        "village",
        {"terrain": "hill"},
        ("terrain", "'hill'", "terrain only on positions (a reference hill is of kind 'hill')"),
    ),
    "extent": (
        "ridge",
        {"extent_sources": DELETE},
        (
            "extent_sources",
            "nothing",
            "the source ids that describe the hill's extent (its size, its foot, what it spans), "
            "or the hill drawn as a point",
        ),
    ),
    "summit": ("ridge", {"summit": [4.15, 50.095]}, ("summit", "[4.15, 50.095]", "a point inside the hill's area")),
    "elevation": (
        "brook",
        {"elevation_m": 10, "elevation_sources": ["letters"]},
        ("elevation_m", "10.0", "a spot height only on positions, hills and places"),
    ),
    "width": (
        "mill",
        {"width_m": 10, "width_sources": ["letters"]},
        ("width_m", "10.0", "a width only on rivers"),
    ),
    "on_water": (
        "mill",
        {"on_water": "raft", "on_water_sources": ["letters"]},
        ("on_water", "'raft'", "one of bridge, ferry, island, confluence, crossing, wharf, boat"),
    ),
    "importance": ("mill", {"importance": 5}, ("importance", "5", "1 (key), 2 (usual) or 3 (minor)")),
    "commander": (
        "north-brigade",
        {"commander_en": DELETE},
        ("commander_en", "nothing", "both languages, or neither"),
    ),
}


def test_every_rule_of_the_table_has_a_failing_example() -> None:
    assert [field.name for field in fields.FIELDS] == list(VIOLATIONS)


@pytest.mark.parametrize("rule", list(VIOLATIONS))
def test_a_feature_that_breaks_one_rule_is_refused_with_its_message(rule: str) -> None:
    """Read with the shortcuts and the long way alike: the one problem, and no feature."""
    feature_id, change, expected = VIOLATIONS[rule]
    battle = BATTLES["mini"]
    spec, items = next(
        (spec, copy.deepcopy(LAYERS["mini", spec.id]))
        for spec in battle.layers
        if any(item["id"] == feature_id for item in LAYERS["mini", spec.id])
    )
    props = next(item for item in items if item["id"] == feature_id)["properties"]
    for key, value in change.items():
        if value is DELETE:
            del props[key]
        else:
            props[key] = value
    found, problems = read(battle, spec, items)
    with the_long_way():
        assert read(battle, spec, items) == (found, problems)
    assert [(p.feature, p.field, p.found, p.expected) for p in problems] == [(f"feature '{feature_id}'", *expected)]
    assert feature_id not in [f.id for f in found]


def test_a_field_left_out_gives_what_reading_it_gives() -> None:
    """The one shortcut of the table's loop: a field a feature may leave out, and does, is not
    read; it gives its ``absent`` value, which must be what reading nothing gives."""
    battle = BATTLES["mini"]
    for is_battle, kinds in ((True, BATTLE_KINDS), (False, REFERENCE_KINDS)):
        layer = fields.Layer(is_battle, battle.sides, (battle.start, battle.end))
        for kind in (*kinds, None):
            got = {**{f.arg: f.absent for f in fields.FIELDS if f.arg is not None}, "kind": kind}
            left_out = fields.plan(kind, is_battle, ()).absent
            for field in fields.FIELDS:
                if not (field.applies(kind, is_battle) and field.optional(kind)):
                    continue
                problems: list[Problem] = []
                value = field.read(Checker("f", problems, set(battle.sources)), {}, dict(got), layer)
                assert (value, problems) == (field.absent, []), (field.name, kind)
                assert field.arg is None or left_out[field.arg] == field.absent


def test_each_argument_of_a_feature_is_given_by_one_rule() -> None:
    """Every argument of Feature that the data gives comes from one rule of the table (the keys
    a feature may carry are the table's: test_schema holds them to the editors' schema)."""
    args = [field.arg for field in fields.FIELDS if field.arg is not None]
    assert len(args) == len(set(args))
    made_by_the_reader = {"id", "layer", "kind", "geometry", "geojson"}
    assert set(args) | made_by_the_reader == {f.name for f in dataclasses.fields(Feature)}
