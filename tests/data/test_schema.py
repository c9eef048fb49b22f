"""The JSON Schemas in ``geo/schema/`` agree with the loader.

``feature-collection.schema.json`` lets an editor flag a bad feature while it is typed (and
``manifest.schema.json``/``sources.schema.json`` do the same for the TOML files);
``hengyang-map check`` stays the authority. These tests keep the two in step: every data file
validates; each mutation is judged by both, and they must agree, except for the rules listed
in ``LOADER_ONLY`` (a schema sees one file and cannot express them) and ``SCHEMA_ONLY``
(where the schema is deliberately stricter than the loader). Both lists are tested too, so
they stay honest.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from layers.data import fields, model, rules
from layers.data.load import load_battle
from layers.errors import GeoDataError

from ..conftest import FIXTURE_BATTLE, GEO
from .test_load import DELETE, JSON_RULES, MANIFEST_RULES, feature, geometry, props

SCHEMA_DIR = GEO / "schema"
SCHEMA_PATH = SCHEMA_DIR / "feature-collection.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
#: ``format: date`` is only an annotation unless the validator asserts it; this test asserts
#: it, so 1944-02-30 is refused as the loader refuses it.
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
LAYER_FILES = sorted(GEO.glob("*.geojson")) + sorted(FIXTURE_BATTLE.glob("*.geojson"))

Change = Callable[[dict[str, Any]], None]


def change_feature(feature_id: str, change: Callable[[dict[str, Any]], object]) -> Change:
    """Apply ``change`` to the whole feature ``feature_id`` (not just its properties)."""
    return lambda data: change(feature(data, feature_id))


def change_status(feature_id: str, **changes: Any) -> Change:
    """Change the first status change of ``feature_id``."""

    def change(data: dict[str, Any]) -> None:
        feature(data, feature_id)["properties"]["status"][0].update(changes)

    return change


POLYGON = [[4.12, 50.09], [4.14, 50.09], [4.14, 50.1], [4.12, 50.1], [4.12, 50.09]]
LINE = [[4.1, 50.1], [4.11, 50.1]]
FIGURE = {"label_zh": "兵力", "label_en": "Strength"}

#: More mutations beside test_data_load's JSON_RULES: (rule, file, change). Each is rejected by
#: the loader and, unless listed below, by the schema.
EXTRA_RULES: list[tuple[str, str, Change]] = [
    ("unknown key in a status change", "action.geojson", change_status("mill", sorces=["letters"])),
    ("missing name_zh", "action.geojson", props("mill", name_zh=DELETE)),
    ("missing description", "ground.geojson", props("village", description_en=DELETE)),
    ("missing sources", "action.geojson", props("mill", sources=DELETE)),
    ("sources not a list", "action.geojson", props("mill", sources="chronicle")),
    ("source id not an id", "action.geojson", props("mill", sources=["Chronicle 1"])),
    ("missing precision", "action.geojson", props("mill", precision_m=DELETE)),
    ("zero precision", "action.geojson", props("mill", precision_m=0)),
    ("name as a number", "action.geojson", props("mill", name_en=7)),
    ("missing kind", "action.geojson", props("mill", kind=DELETE)),
    ("certainty as a number", "action.geojson", props("mill", certainty=1)),
    ("no start on a battle feature", "action.geojson", props("parley", start=DELETE)),
    ("impossible day", "action.geojson", props("mill", start="1805-02-30")),
    ("date with a time", "action.geojson", props("mill", start="1805-05-01T10:00")),
    ("date with a trailing newline", "action.geojson", props("mill", start="1805-05-01\n")),
    ("end on a reference feature", "ground.geojson", props("village", end="1805-05-01")),
    ("status on a reference feature", "ground.geojson", props("village", status=[])),
    ("status not a list", "action.geojson", props("mill", status="lost")),
    ("status change not a table", "action.geojson", props("mill", status=["lost"])),
    ("status change without date", "action.geojson", change_status("mill", date=None)),
    ("status note in one language", "action.geojson", change_status("mill", note_zh="失守")),
    ("no side on a unit", "action.geojson", props("north-brigade", side=DELETE)),
    ("side not an id", "action.geojson", props("mill", side=["north"])),
    ("no sidc on a unit", "action.geojson", props("north-brigade", sidc=DELETE)),
    ("sidc too short", "action.geojson", props("north-brigade", sidc="1003100000")),
    ("sidc with a trailing newline", "action.geojson", props("north-brigade", sidc="10031000181211000000\n")),
    ("sidc as a number", "action.geojson", props("north-brigade", sidc=10031000181211000000)),
    ("no movement on a movement", "action.geojson", props("south-attack", movement=DELETE)),
    ("unit not an id", "action.geojson", props("south-attack", unit="South Division")),
    ("claim without sources", "action.geojson", props("parley", claims=[{"field": "start", "value": "1805-05-01"}])),
    (
        "claim value a boolean",
        "action.geojson",
        props("parley", claims=[{"field": "start", "value": True, "sources": ["letters"]}]),
    ),
    ("claims not a list", "action.geojson", props("parley", claims={"field": "start"})),
    (
        "figure without label",
        "action.geojson",
        props("north-brigade", figures=[{"label_zh": "兵力", "values": [{"value": 3, "sources": ["letters"]}]}]),
    ),
    (
        "figure value in one language",
        "action.geojson",
        props("north-brigade", figures=[{**FIGURE, "values": [{"value_zh": "三千", "sources": ["letters"]}]}]),
    ),
    (
        "figure value without sources",
        "action.geojson",
        props("north-brigade", figures=[{**FIGURE, "values": [{"value": 3000}]}]),
    ),
    (
        "figure value without a value",
        "action.geojson",
        props("north-brigade", figures=[{**FIGURE, "values": [{"sources": ["letters"]}]}]),
    ),
    ("location note in one language", "action.geojson", props("mill", location_note_zh="据记载")),
    ("commander in one language", "action.geojson", props("north-brigade", commander_zh=DELETE)),
    ("designation in one language", "action.geojson", props("north-brigade", designation_zh=DELETE)),
    ("blank designation", "action.geojson", props("south-division", designation=" ")),
    ("terrain on a reference place", "ground.geojson", props("village", terrain="hill")),
    ("width without sources", "ground.geojson", props("brook", width_sources=DELETE)),
    ("width too wide", "ground.geojson", props("brook", width_m=25000)),
    ("negative elevation", "action.geojson", props("ridge", elevation_m=-3)),
    ("elevation sources empty", "action.geojson", props("ridge", elevation_sources=[])),
    ("importance zero", "action.geojson", props("mill", importance=0)),
    ("importance a boolean", "action.geojson", props("mill", importance=True)),
    ("feature id not an id", "action.geojson", change_feature("mill", lambda f: f.update(id="The Mill"))),
    ("feature id a number", "action.geojson", change_feature("mill", lambda f: f.update(id=5))),
    ("feature id with a trailing newline", "action.geojson", change_feature("mill", lambda f: f.update(id="mill\n"))),
    ("feature id too long", "action.geojson", change_feature("mill", lambda f: f.update(id="m" * 65))),
    ("feature without id", "action.geojson", change_feature("mill", lambda f: f.pop("id"))),
    ("feature without properties", "action.geojson", change_feature("mill", lambda f: f.pop("properties"))),
    ("not a Feature", "action.geojson", change_feature("mill", lambda f: f.update(type="Point"))),
    ("not a FeatureCollection", "action.geojson", lambda data: data.update(type="Feature")),
    ("features not a list", "action.geojson", lambda data: data.update(features={})),
    ("unit drawn as a line", "action.geojson", geometry("north-brigade", {"type": "LineString", "coordinates": LINE})),
    (
        "movement drawn as a point",
        "action.geojson",
        geometry("south-attack", {"type": "Point", "coordinates": [4.1, 50.1]}),
    ),
    ("place drawn as a line", "ground.geojson", geometry("village", {"type": "LineString", "coordinates": LINE})),
    ("geometry collection", "action.geojson", geometry("parley", {"type": "GeometryCollection", "geometries": []})),
    (
        "longitude outside the world",
        "action.geojson",
        geometry("parley", {"type": "Point", "coordinates": [200, 50.1]}),
    ),
    ("latitude outside the world", "action.geojson", geometry("parley", {"type": "Point", "coordinates": [4.1, 95]})),
    (
        "position of four numbers",
        "action.geojson",
        geometry("parley", {"type": "Point", "coordinates": [4.1, 50.1, 0, 0]}),
    ),
    ("position of one number", "action.geojson", geometry("parley", {"type": "Point", "coordinates": [4.1]})),
    ("boolean coordinate", "action.geojson", geometry("parley", {"type": "Point", "coordinates": [4.1, True]})),
    ("coordinates not an array", "action.geojson", geometry("parley", {"type": "Point", "coordinates": "4.1,50.1"})),
    ("no coordinates", "action.geojson", geometry("parley", {"type": "Point"})),
    (
        "line of one position",
        "action.geojson",
        geometry("north-line", {"type": "LineString", "coordinates": [[4.1, 50.1]]}),
    ),
    (
        "ring of three positions",
        "action.geojson",
        geometry("ridge", {"type": "Polygon", "coordinates": [[POLYGON[0], POLYGON[1], POLYGON[0]]]}),
    ),
    ("polygon without rings", "action.geojson", geometry("ridge", {"type": "Polygon", "coordinates": []})),
    ("year zero", "action.geojson", props("mill", start="0000-05-01")),
    # Rules a schema cannot express (see LOADER_ONLY).
    ("importance written 1.0", "action.geojson", props("mill", importance=1.0)),
    ("reference feature in a battle layer", "action.geojson", props("parley", kind="gate", start=DELETE)),
    ("battle feature in a reference layer", "ground.geojson", props("village", kind="event", start="1805-05-01")),
]

#: Mutations the loader rejects that a JSON Schema of one layer file cannot: the reason for each.
LOADER_ONLY: dict[str, str] = {
    # References to other files: the manifest's sides, phases and bounds, the bibliography,
    # the other layers.
    "unknown side": "side ids are defined in manifest.toml",
    "sidc identity": "the identity digit must match the side's identity in manifest.toml",
    "unknown source": "source ids are defined in sources.toml",
    "width unknown source": "source ids are defined in sources.toml",
    "extent unknown source": "source ids are defined in sources.toml",
    "unknown unit": "the unit is a feature in some layer file",
    "reference feature in a battle layer": "a layer's role (battle or reference) is set in manifest.toml",
    "battle feature in a reference layer": "a layer's role (battle or reference) is set in manifest.toml",
    "date outside phases": "the phases' dates are in manifest.toml",
    "outside bounds": "the map bounds are in manifest.toml",
    "swapped lon/lat": "the map bounds are in manifest.toml (the swapped position is still on the globe)",
    # Comparisons between values: JSON Schema compares a value with constants only.
    "end before start": "date order: a schema cannot compare two values",
    "status out of order": "date order: a schema cannot compare two values",
    # Geometry validity needs geometry code.
    "self-intersection": "geometry validity (self-intersection) needs geometry code",
    "summit outside the hill": "whether a point lies inside an area needs geometry code",
    # Number and calendar subtleties.
    "importance written 1.0": "JSON Schema counts 1.0 as the integer 1; the loader wants an integer",
}

#: Mutations the loader accepts and the schema rejects: where the schema is deliberately
#: stricter, because the loader silently drops or ignores what is almost surely a typo.
SCHEMA_ONLY: list[tuple[str, str, Change, str]] = [
    ("null end", "action.geojson", props("mill", end=None), "the loader reads null as absent"),
    (
        "null half of a note",
        "action.geojson",
        props("mill", location_note_zh="据记载", location_note_en=None),
        "the loader reads null as absent and drops the note",
    ),
    (
        "unknown movement on a position",
        "action.geojson",
        props("mill", movement="dance"),
        "the loader reads 'movement' only on movements",
    ),
    (
        "unit on a reference feature not an id",
        "ground.geojson",
        props("village", unit="The Unit"),
        "the loader reads 'unit' only in battle layers",
    ),
    (
        "ring of three positions, not closed",
        "action.geojson",
        geometry("ridge", {"type": "Polygon", "coordinates": [POLYGON[:3]]}),
        "RFC 7946 wants rings of four or more positions; the loader's geometry library closes rings itself",
    ),
]

ALL_RULES = [(rule, file, change) for rule, file, change, _field, _words in JSON_RULES] + EXTRA_RULES


def schema_errors(data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(data)]


def mutated(file: str, change: Change) -> dict[str, Any]:
    data = json.loads((FIXTURE_BATTLE / file).read_text(encoding="utf-8"))
    change(data)
    return data


def loader_accepts(tmp_path: Path, file: str, data: dict[str, Any]) -> bool:
    folder = tmp_path / "mini"
    shutil.copytree(FIXTURE_BATTLE, folder)
    (folder / file).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    try:
        load_battle(folder)
    except GeoDataError:
        return False
    return True


def test_schemas_are_valid_draft_2020_12() -> None:
    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", path.name
        Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", LAYER_FILES, ids=[f"{p.parent.name}/{p.name}" for p in LAYER_FILES])
def test_every_layer_file_validates(path: Path) -> None:
    assert schema_errors(json.loads(path.read_text(encoding="utf-8"))) == []


def test_rule_lists_are_consistent() -> None:
    names = [rule for rule, _file, _change in ALL_RULES] + [rule for rule, *_ in SCHEMA_ONLY]
    assert len(names) == len(set(names)), "rule names must be unique"
    assert set(LOADER_ONLY) <= set(names), set(LOADER_ONLY) - set(names)
    assert len(ALL_RULES) - len(LOADER_ONLY) >= 25


FIELD_OF = {rule: field for rule, _file, _change, field, _words in JSON_RULES}
#: Rejected by the schema for another field than the loader names: the river keeps the
#: position's dates, which a reference feature may not carry. The layer's role itself is in
#: LOADER_ONLY.
OTHER_FIELD = {"reference kind in battle layer"}


@pytest.mark.parametrize(("rule", "file", "change"), ALL_RULES, ids=[r[0] for r in ALL_RULES])
def test_schema_agrees_with_the_loader(tmp_path: Path, rule: str, file: str, change: Change) -> None:
    data = mutated(file, change)
    assert not loader_accepts(tmp_path, file, data), f"the loader accepts {rule!r}"
    errors = list(VALIDATOR.iter_errors(data))
    if rule in LOADER_ONLY:
        # Honest list: should the schema learn the rule, move it out of LOADER_ONLY.
        assert errors == [], f"the schema now catches {rule!r}: remove it from LOADER_ONLY"
        return
    assert errors, f"the loader rejects {rule!r} but the schema accepts it"
    if rule in FIELD_OF and rule not in OTHER_FIELD:
        # The schema points at the field the loader names (its last part: 'status[1].date' -> 'date').
        leaf = re.sub(r"\[\d+\]", "", FIELD_OF[rule]).split(".")[-1]
        found = [(list(e.absolute_path), e.message) for e in errors]
        assert any(leaf in map(str, path) or repr(leaf) in message for path, message in found), found


@pytest.mark.parametrize(("rule", "file", "change", "why"), SCHEMA_ONLY, ids=[r[0] for r in SCHEMA_ONLY])
def test_schema_is_stricter_only_where_listed(tmp_path: Path, rule: str, file: str, change: Change, why: str) -> None:
    data = mutated(file, change)
    assert schema_errors(data), f"the schema accepts {rule!r}"
    assert loader_accepts(tmp_path, file, data), f"the loader now rejects {rule!r}: move it"


# The schema spells out the loader's vocabularies; they must be the same words.


def test_known_properties_match() -> None:
    assert set(SCHEMA["$defs"]["properties"]["properties"]) == fields.KNOWN_PROPERTIES


def test_vocabularies_match() -> None:
    defs = SCHEMA["$defs"]
    properties = defs["properties"]["properties"]
    assert properties["kind"]["enum"] == [*model.BATTLE_KINDS, *model.REFERENCE_KINDS]
    assert properties["certainty"]["enum"] == list(model.CERTAINTIES)
    assert properties["movement"]["enum"] == list(model.MOVEMENTS)
    assert properties["terrain"]["enum"] == list(model.TERRAINS)
    assert properties["importance"]["enum"] == list(model.IMPORTANCES)
    assert defs["statusChange"]["properties"]["status"]["enum"] == list(model.STATUSES)
    assert defs["claim"]["properties"]["field"]["enum"] == list(rules.CLAIM_FIELDS)
    assert defs["geometry"]["properties"]["type"]["enum"] == list(rules.GEOMETRY_TYPES)


def test_geometry_types_per_kind_match() -> None:
    per_kind = {}
    for rule in SCHEMA["$defs"]["feature"]["allOf"]:
        (kind,) = rule["if"]["properties"]["properties"]["properties"]["kind"]["enum"]
        per_kind[kind] = tuple(rule["then"]["properties"]["geometry"]["properties"]["type"]["enum"])
    assert per_kind == rules.KIND_GEOMETRIES


def _kind_rule(condition: dict[str, Any]) -> tuple[bool, set[str]]:
    """(negated, kinds) of an ``if`` on ``kind``."""
    kind = condition["properties"]["kind"]
    return ("not" in kind, set(kind["not"]["enum"] if "not" in kind else kind["enum"]))


def test_required_properties_per_kind_match() -> None:
    required_for: dict[str, set[str]] = {}
    for rule in SCHEMA["$defs"]["properties"]["allOf"]:
        negated, kinds = _kind_rule(rule["if"])
        for key in rule["then"].get("required", ()):
            assert not negated
            required_for[key] = kinds
    assert required_for == {
        "start": set(model.BATTLE_KINDS),
        "side": set(model.SIDED_KINDS),
        "movement": {"movement"},
        "sidc": {"unit"},
    }


# Leaf patterns against the loader's own tests of a value.


#: One validator per definition, built once: examples are many and the deadline is short.
LEAF_VALIDATORS = {
    name: Draft202012Validator(
        {"$ref": f"#/$defs/{name}", "$defs": SCHEMA["$defs"]}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    for name in ("id", "date", "text")
}


def _schema_accepts(definition: str, value: Any) -> bool:
    return LEAF_VALIDATORS[definition].is_valid(value)


@settings(deadline=None)  # a shared machine; speed is not what is tested
@given(st.one_of(st.from_regex(r"[a-z0-9][a-z0-9_-]{0,70}\n?", fullmatch=True), st.text(max_size=70)))
def test_id_pattern_is_the_loaders(value: str) -> None:
    assert _schema_accepts("id", value) == bool(rules.ID_PATTERN.fullmatch(value))


def _loader_date(value: str) -> bool:
    if not rules.DATE_PATTERN.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@settings(deadline=None)
@given(st.one_of(st.dates().map(date.isoformat), st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\n?", fullmatch=True)))
def test_date_pattern_is_the_loaders(value: str) -> None:
    assert _schema_accepts("date", value) == _loader_date(value)


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from(" \t\n\u3000\u00a0x字"), max_size=6))
def test_text_rule_is_the_loaders(value: str) -> None:
    assert _schema_accepts("text", value) == bool(value.strip())


SIDC_VALIDATOR = Draft202012Validator(SCHEMA["$defs"]["properties"]["properties"]["sidc"])


@settings(deadline=None)
@given(st.one_of(st.from_regex(r"[0-9]{18,22}\n?", fullmatch=True), st.text(max_size=22)))
def test_sidc_pattern_is_the_loaders(value: str) -> None:
    assert SIDC_VALIDATOR.is_valid(value) == bool(rules.SIDC_PATTERN.fullmatch(value))


def test_id_pattern_text_matches() -> None:
    # The schema's pattern is the loader's, anchored for a search (JSON Schema patterns are not anchored).
    assert SCHEMA["$defs"]["id"]["pattern"] == "^" + rules.ID_PATTERN.pattern + r"(?![\s\S])"


# The TOML files: manifest.schema.json and sources.schema.json, for TOML editors that read
# JSON Schema. A TOML date is validated as its YYYY-MM-DD text, as such editors do.

TOML_SCHEMAS = {
    name: Draft202012Validator(
        json.loads((SCHEMA_DIR / f"{name.removesuffix('.toml')}.schema.json").read_text(encoding="utf-8")),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    for name in ("manifest.toml", "sources.toml")
}
TOML_FILES = [folder / name for folder in (GEO, FIXTURE_BATTLE) for name in TOML_SCHEMAS]


def as_json(value: Any) -> Any:
    """TOML values as JSON sees them: dates become their ISO text."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def toml_errors(name: str, text: str) -> list[str]:
    return [e.message for e in TOML_SCHEMAS[name].iter_errors(as_json(tomllib.loads(text)))]


@pytest.mark.parametrize("path", TOML_FILES, ids=[f"{p.parent.name}/{p.name}" for p in TOML_FILES])
def test_every_toml_file_validates(path: Path) -> None:
    assert toml_errors(path.name, path.read_text(encoding="utf-8")) == []


#: (rule, file, old text, new text): test_data_load's MANIFEST_RULES and a few more.
TOML_RULES: list[tuple[str, str, str, str]] = [
    (rule, "manifest.toml", old, new) for rule, old, new, _field, _words in MANIFEST_RULES
] + [
    ("battle layer called all", "manifest.toml", 'id = "action"', 'id = "all"'),
    ("battle id a device name", "manifest.toml", 'id = "testford-1805"', 'id = "con"'),
    ("phase id a device name", "manifest.toml", 'id = "morning"', 'id = "lpt1"'),
    ("phase id with a trailing newline", "manifest.toml", 'id = "morning"', 'id = "morning\\n"'),
    ("phase without sources", "manifest.toml", 'sources = ["chronicle"]\n', ""),
    ("phase date not a date", "manifest.toml", "start = 1805-05-01", 'start = "May 1st"'),
    ("absolute layer file", "manifest.toml", 'file = "ground.geojson"', 'file = "/etc/ground.geojson"'),
    (
        "side name in one language",
        "manifest.toml",
        'name = { zh = "北军", en = "Northern army" }',
        'name = { zh = "北军" }',
    ),
    ("bounds of three numbers", "manifest.toml", "[[4.00, 50.00], [4.20, 50.15]]", "[[4.00, 50.00], [4.20]]"),
    ("no bibliography", "manifest.toml", 'bibliography = "sources.toml"\n', ""),
    ("source address not http", "sources.toml", "https://example.org/chronicle", "javascript:alert(1)"),
    ("unknown tier", "sources.toml", 'tier = "C"', 'tier = "D"'),
    ("source without title", "sources.toml", 'title = "Letters of a miller"\n', ""),
    ("source id not an id", "sources.toml", "[sources.letters]", '[sources."Letters"]'),
]

#: Manifest rules that need more than one value or another file.
TOML_LOADER_ONLY = {
    "bounds order": "west < east: a schema cannot compare two values",
    "phase end before start": "date order: a schema cannot compare two values",
    "phase order": "date order: a schema cannot compare two values",
    "phase source": "source ids are defined in sources.toml",
}


@pytest.mark.parametrize(("rule", "file", "old", "new"), TOML_RULES, ids=[r[0] for r in TOML_RULES])
def test_toml_schemas_agree_with_the_loader(tmp_path: Path, rule: str, file: str, old: str, new: str) -> None:
    folder = tmp_path / "mini"
    shutil.copytree(FIXTURE_BATTLE, folder)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    (folder / file).write_text(text, encoding="utf-8")
    with pytest.raises(GeoDataError):
        load_battle(folder)
    errors = toml_errors(file, text)
    if rule in TOML_LOADER_ONLY:
        assert errors == [], f"the schema now catches {rule!r}: remove it from TOML_LOADER_ONLY"
    else:
        assert errors, f"the loader rejects {rule!r} but the schema accepts it"


def test_shared_definitions_are_the_same() -> None:
    for validator in TOML_SCHEMAS.values():
        defs = validator.schema["$defs"]
        for name in ("text", "id"):
            assert defs[name] == SCHEMA["$defs"][name], name
        if "date" in defs:
            assert defs["date"]["pattern"] == SCHEMA["$defs"]["date"]["pattern"]
