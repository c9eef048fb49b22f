"""Texts of the data: no control characters (a name or short text on one line, a long text
with tabs and line breaks at most), and messages about keys said plainly, once per typo."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from layers.data.load import load_battle
from layers.errors import GeoDataError

from ..conftest import FIXTURE_BATTLE
from .test_load import DELETE, edit_json, feature, props


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(FIXTURE_BATTLE, target)
    return target


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(GeoDataError) as caught:
        load_battle(folder)
    return [str(p) for p in caught.value.problems]


def nested(feature_id: str, key: str, index: int, **changes: Any):
    """A change to the ``index``-th table of ``key`` (claims, status) of a feature."""

    def change(data: dict[str, Any]) -> None:
        feature(data, feature_id)["properties"][key][index].update(changes)

    return change


def figure_value(feature_id: str, text: str):
    def change(data: dict[str, Any]) -> None:
        feature(data, feature_id)["properties"]["figures"][0]["values"][0]["value"] = text

    return change


#: (field, change): a text that may hold no control character, given one. Each goes through
#: the loader as a whole, through the table of layers.data.fields and its shortcuts.
SHORT_TEXTS = [
    ("name_en", props("mill", name_en="The mill\tnorth")),
    ("name_zh", props("mill", name_zh="磨坊\n")),
    ("label_en", props("mill", label_en="Mill\x1b[2J")),
    ("label_zh", props("mill", label_zh="磨\x85坊")),
    ("commander_en", props("north-brigade", commander_en="General\x00A")),
    ("designation_en", props("north-brigade", designation_en="1st\rBde")),
    ("designation", props("south-division", designation="S\x7f")),
    ("claims[0].value", nested("parley", "claims", 0, value="1805-05-02\n")),
    ("figures[0].values[0].value", figure_value("north-brigade", "3,000\x9b")),
]


@pytest.mark.parametrize(("field", "change"), SHORT_TEXTS, ids=[f for f, _ in SHORT_TEXTS])
def test_a_control_character_in_a_short_text_is_refused(mini: Path, field: str, change) -> None:
    edit_json(mini, "action.geojson", change)
    problems = problems_of(mini)
    assert len(problems) == 1, problems  # the text's problem, and no other
    assert problems[0].startswith("action.geojson: feature ")
    assert f"field '{field}': found the control character U+" in problems[0], problems


LONG_TEXTS = [
    ("description_en", props("mill", description_en="Held.\n\tThen lost.\r\n")),
    ("location_note_en", props("mill", location_note_zh="见图", location_note_en="On the map\nof 1805")),
    ("status[0].note_en", nested("mill", "status", 0, note_zh="注", note_en="Line one\nline two")),
    ("claims[0].note_en", nested("parley", "claims", 0, note_en="The chronicle\tsays the 2nd")),
]


@pytest.mark.parametrize(("field", "change"), LONG_TEXTS, ids=[f for f, _ in LONG_TEXTS])
def test_a_long_text_may_break_its_lines_but_holds_no_other_control(mini: Path, field: str, change) -> None:
    edit_json(mini, "action.geojson", change)
    load_battle(mini)  # tabs and line breaks: fine
    path = mini / "action.geojson"
    path.write_text(path.read_text(encoding="utf-8").replace("\\n", "\\u001b").replace("\\t", "\\u0007"), "utf-8")
    problems = problems_of(mini)
    assert len(problems) == 1 and f"field '{field}': found the control character U+00" in problems[0], problems
    assert "other than tabs and line breaks" in problems[0]


@pytest.mark.parametrize(
    ("file", "old", "new", "field"),
    [
        ("manifest.toml", 'en = "Morning"', 'en = "Mor\\tning"', "title.en"),
        ("manifest.toml", 'en = "The Battle of Testford"', 'en = "The Battle\\nof Testford"', "title.en"),
        ("manifest.toml", 'en = "Ground"', 'en = "Gro\\u0085und"', "layers[0].title.en"),
        ("manifest.toml", 'en = "Northern army"', 'en = "Northern\\u001barmy"', "sides.north.name.en"),
        ("sources.toml", 'title = "Letters of a miller"', 'title = "Letters\\u0000of a miller"', "title"),
        ("sources.toml", 'tier = "C"', 'tier = "C"\nnote = "a\\u001bnote"', "note"),
        ("sources.toml", '"https://example.org/chronicle"', '"https://example.org/\\u0001chronicle"', "url"),
    ],
)
def test_the_manifest_and_the_bibliography_refuse_control_characters(
    mini: Path, file: str, old: str, new: str, field: str
) -> None:
    path = mini / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = problems_of(mini)
    assert len(problems) == 1, problems  # no cascade (a side refused: its features are not told of it)
    assert problems[0].startswith(file) and f"field '{field}'" in problems[0], problems


def test_a_narrative_may_break_its_lines(mini: Path) -> None:
    path = mini / "manifest.toml"
    text = path.read_text(encoding="utf-8")
    old = 'en = "The southern army crosses the brook and attacks."'
    path.write_text(text.replace(old, 'en = "The southern army crosses the brook.\\n\\tThen it attacks."'), "utf-8")
    battle = load_battle(mini)
    assert "\n\tThen" in battle.phases[0].narrative.en


# -- unknown keys: one plain sentence per typo ------------------------------------------------


def test_a_misspelt_key_gives_one_plain_message(mini: Path) -> None:
    # south-division is the unit of south-attack: refusing it must not make that a second problem
    edit_json(mini, "action.geojson", props("south-division", name_en=DELETE, nmae_en="Southern Division"))
    assert problems_of(mini) == [
        "action.geojson: feature 'south-division': unknown key 'nmae_en' — did you mean 'name_en'?"
    ]


def test_a_misspelt_key_of_a_pair_or_a_table_gives_one_message(mini: Path) -> None:
    edit_json(mini, "action.geojson", props("mill", label_en=DELETE, lable_en="Mill"))
    edit_json(mini, "action.geojson", nested("parley", "claims", 0, sources=None))
    edit_json(
        mini,
        "action.geojson",
        lambda d: feature(d, "parley")["properties"]["claims"][0].update(
            soruces=feature(d, "parley")["properties"]["claims"][0].pop("sources") or ["chronicle"]
        ),
    )
    assert problems_of(mini) == [
        "action.geojson: feature 'mill': unknown key 'lable_en' — did you mean 'label_en'?",
        "action.geojson: feature 'parley': unknown key 'claims[0].soruces' — did you mean 'sources'?",
    ]


def test_a_key_with_no_likely_meaning_says_where_the_keys_are_listed(mini: Path) -> None:
    edit_json(mini, "action.geojson", props("mill", colour="red"))
    assert problems_of(mini) == [
        "action.geojson: feature 'mill': unknown key 'colour' — geo/README.md lists the keys each record may have"
    ]


def test_a_missing_key_without_a_typo_is_still_reported(mini: Path) -> None:
    # the suggestion covers the key it names, in that feature only
    edit_json(mini, "action.geojson", props("mill", name_en=DELETE, nmae_en="The mill"))
    edit_json(mini, "action.geojson", props("ridge", name_en=DELETE))
    problems = problems_of(mini)
    assert problems == [
        "action.geojson: feature 'mill': unknown key 'nmae_en' — did you mean 'name_en'?",
        "action.geojson: feature 'ridge': field 'name_en': found nothing; expected a non-empty text",
    ]


def test_a_reference_to_a_feature_of_another_kind_is_still_reported(mini: Path) -> None:
    # the refused feature is no unit: the reference to it is wrong whatever mends it
    edit_json(mini, "action.geojson", props("mill", name_en=DELETE, nmae_en="The mill"))
    edit_json(mini, "action.geojson", props("south-attack", unit="mill"))
    problems = problems_of(mini)
    assert any("feature 'south-attack': field 'unit'" in p for p in problems), problems
