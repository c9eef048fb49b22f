"""Text from the data is printed inert, ids match in full, reserved names are refused, KML
descriptions are text."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from build_map import main
from layers.data.load import load_battle
from layers.errors import GeoDataError, inert

from .conftest import FIXTURE_BATTLE

#: Characters that must never reach a terminal raw: escapes (ANSI colour, OSC 52 clipboard,
#: screen clear), line breaks of every kind and bidi overrides.
RAW = ["\x1b", "\x07", "\r", "\x85", "\u2028", "\u2029", "\u202e", "\u2066", "\x00", "\x9b"]
FORGERY = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\r\nfake.geojson: ok\u2028\u202eevil\x9b31m\x85\x00"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(FIXTURE_BATTLE, target)
    return target


def edit_feature(folder: Path, index: int, **props: object) -> None:
    path = folder / "action.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    for key, value in props.items():
        if key == "id":
            data["features"][index]["id"] = value
        else:
            data["features"][index]["properties"][key] = value
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def assert_inert(text: str) -> None:
    for char in RAW:
        assert char not in text, repr(char)
    assert all(ord(c) >= 32 for c in text.replace("\n", "")), repr(text)


def test_inert_shows_every_unprintable_character() -> None:
    assert inert("a\x1b[31mb\nc\u2028d\u202ee\U000e0001 é 中") == "a\\x1b[31mb\\nc\\u2028d\\u202ee\\U000e0001 é 中"


def test_problem_lines_cannot_be_forged(mini: Path, capsys) -> None:
    edit_feature(mini, 0, precision_m=FORGERY, **{FORGERY: 1}, side=FORGERY)
    manifest = mini / "manifest.toml"
    text = manifest.read_text(encoding="utf-8").replace('file = "ground.geojson"', 'file = "gr\\u202eound.geojson"')
    manifest.write_text(text, encoding="utf-8")
    assert main(["check", "--geo", str(mini)]) == 1
    err = capsys.readouterr().err
    assert_inert(err)
    lines = err.rstrip("\n").split("\n")
    count = int(lines[0].split(": ", 1)[1].split()[0])
    assert len(lines) == count + 1  # one line per problem, none forged
    assert "fake.geojson: ok" in err and "\\x1b]52;c;" in err and "\\u202e" in err


def test_the_check_report_is_inert(mini: Path, capsys) -> None:
    # check refuses control characters in the data; what it lets through (line and paragraph
    # separators, bidi overrides) is shown inert where the report names the feature
    allowed = "".join(char for char in FORGERY if not (ord(char) < 32 or 0x7F <= ord(char) <= 0x9F))
    edit_feature(mini, 0, name_en="Mill" + allowed, precision_m=900)  # a guess: named in the report
    assert main(["check", "--geo", str(mini)]) == 0
    out = capsys.readouterr().out
    assert_inert(out)
    assert "Mill]52;c;ZXZpbA==[2Jfake.geojson: ok\\u2028\\u202eevil" in out


def test_paths_are_printed_inert(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "geo\x1b[31m\u2028"
    shutil.copytree(FIXTURE_BATTLE, folder)
    assert main(["check", "--geo", str(folder)]) == 0
    assert_inert(capsys.readouterr().out)
    blocker = tmp_path / "out\x1b[2J"
    blocker.write_text("x")
    assert main(["build", "--geo", str(folder), "--out", str(blocker)]) == 3
    assert_inert(capsys.readouterr().err)


@pytest.mark.parametrize(
    ("where", "value", "field"),
    [
        ("id", "mill\n", "id"),
        ("side", "north\n", "side"),
        ("start", "1805-05-01\n", "start"),
        ("start", "١٨٠٥-٠٥-٠١", "start"),
        ("sources", ["chronicle\n"], "sources[0]"),
        ("unit", "north-brigade\n", "unit"),
    ],
)
def test_a_trailing_newline_or_foreign_digits_never_pass(mini: Path, where: str, value: object, field: str) -> None:
    edit_feature(mini, 0, **{where: value})
    with pytest.raises(GeoDataError) as caught:
        load_battle(mini)
    assert any(p.field == field for p in caught.value.problems), caught.value


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('id = "morning"', 'id = "morning\\n"', "id"),
        ('color = "#2166ac"', 'color = "#2166ac\\n"', "sides.north.color"),
        ("start = 1805-05-01\nend", 'start = "1805-05-01\\n"\nend', "start"),
        ('id = "testford-1805"', 'id = "testford-1805\\n"', "id"),
    ],
)
def test_manifest_patterns_match_in_full(mini: Path, old: str, new: str, field: str) -> None:
    manifest = mini / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    assert old in text
    manifest.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(GeoDataError) as caught:
        load_battle(mini)
    assert any(p.field == field for p in caught.value.problems), caught.value


def test_sidc_and_url_match_in_full(mini: Path) -> None:
    path = mini / "action.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    unit = next(i for i, f in enumerate(data["features"]) if f["properties"]["kind"] == "unit")
    sidc = data["features"][unit]["properties"]["sidc"]
    edit_feature(mini, unit, sidc=sidc + "\n")
    with pytest.raises(GeoDataError, match="field 'sidc'"):
        load_battle(mini)
    edit_feature(mini, unit, sidc="".join(chr(0x0660 + int(d)) for d in sidc))  # Arabic-Indic digits
    with pytest.raises(GeoDataError, match="field 'sidc'"):
        load_battle(mini)
    edit_feature(mini, unit, sidc=sidc)
    bib = mini / "sources.toml"
    text = bib.read_text(encoding="utf-8")
    assert 'url = "https://example.org/chronicle"' in text
    bib.write_text(text.replace('"https://example.org/chronicle"', '"https://example.org/chronicle\\n"'))
    with pytest.raises(GeoDataError, match="field 'url'"):
        load_battle(mini)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('id = "morning"', 'id = "all"'),
        ('id = "morning"', 'id = "reference"'),
        ('id = "morning"', 'id = "index"'),
        ('id = "morning"', 'id = "con"'),
        ('id = "morning"', 'id = "nul"'),
        ('id = "morning"', 'id = "com1"'),
        ('id = "morning"', 'id = "lpt9"'),
        ('id = "morning"', 'id = "aux"'),
        ('id = "morning"', 'id = "prn"'),
        ('id = "testford-1805"', 'id = "con"'),
        ('id = "action"', 'id = "reference"'),
        ('id = "action"', 'id = "all"'),
    ],
)
def test_reserved_ids_are_refused_readably(mini: Path, old: str, new: str, capsys) -> None:
    manifest = mini / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert main(["check", "--geo", str(mini)]) == 1
    err = capsys.readouterr().err
    assert "manifest.toml" in err and new.split('"')[1] in err
    assert "the site uses these" in err or "Windows device name" in err


def test_a_reference_layer_may_be_called_reference(mini: Path) -> None:
    manifest = mini / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace('id = "ground"', 'id = "reference"', 1), encoding="utf-8")
    load_battle(mini)


def test_kml_descriptions_are_text_not_html(mini: Path, tmp_path: Path) -> None:
    from layers.exports.dispatch import export

    edit_feature(mini, 0, description_en='<img src=x onerror="alert(1)"><script>alert(2)</script> & more')
    export(load_battle(mini), "kml", tmp_path / "kml", progress=False)
    tree = ET.parse(tmp_path / "kml" / "testford-1805.kml")
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    descriptions = [p.find("k:description", ns).text for p in tree.getroot().findall(".//k:Placemark", ns)]
    first = next(d for d in descriptions if "alert(1)" in d)
    # what Google Earth reads as HTML: the markup only as escaped text
    assert "<img" not in first and "<script" not in first
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt; &amp; more" in first
