"""Property tests: random data either builds a page that runs only our code, or is rejected
with the project's data error — never a traceback."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layers.data.load import load_battle
from layers.errors import GeoDataError
from layers.page.assemble import render_site

from .conftest import FIXTURE_BATTLE
from .safety import assert_page_is_safe

PAYLOADS = json.loads((Path(__file__).parent / "fixtures" / "hostile" / "payloads.json").read_text(encoding="utf-8"))

texts = st.one_of(st.text(max_size=30), st.sampled_from(PAYLOADS["payloads"]), st.just(""))
lons = st.one_of(st.floats(4.0, 4.2), st.floats(allow_nan=True, allow_infinity=True), st.integers(-1000, 1000))
lats = st.one_of(st.floats(50.0, 50.15), st.floats(allow_nan=True, allow_infinity=True))
points = st.builds(lambda x, y: {"type": "Point", "coordinates": [x, y]}, lons, lats)
lines = st.builds(
    lambda pts: {"type": "LineString", "coordinates": pts},
    st.lists(st.tuples(st.floats(4.0, 4.2), st.floats(50.0, 50.15)).map(list), min_size=0, max_size=5),
)
geometries = st.one_of(points, lines, st.none(), st.just({"type": "Polygon", "coordinates": [[[4.1, 50.1]]]}))
days = st.one_of(st.sampled_from(["1805-05-01", "1805-05-02", "1805-05-03"]), texts)


@st.composite
def features(draw, index: int) -> dict:
    kind = draw(st.sampled_from(["position", "event", "line", "movement", "unit", "river", None]))
    props = {
        "kind": kind,
        "name_zh": draw(texts),
        "name_en": draw(texts),
        "description_zh": draw(texts),
        "description_en": draw(texts),
        "side": draw(st.sampled_from(["north", "south", "west"])),
        "sources": draw(st.sampled_from([["chronicle"], ["letters", "chronicle"], [], ["nope"]])),
        "precision_m": draw(st.one_of(st.floats(1, 5000), st.just(-1), texts)),
        "start": draw(days),
    }
    if kind == "movement":
        props["movement"] = draw(st.sampled_from(["attack", "relief", "crossing", "withdrawal", "dance"]))
    if kind == "unit":
        props["sidc"] = draw(st.sampled_from(["10031000211211000000", "10061000171211000000", "123"]))
        props["designation"] = draw(texts)
    if draw(st.booleans()):
        props["claims"] = [{"field": "start", "value": draw(texts), "sources": ["letters"]}]
    return {"type": "Feature", "id": f"f{index}", "geometry": draw(geometries), "properties": props}


collections = st.integers(1, 5).flatmap(
    lambda n: st.tuples(*[features(i) for i in range(n)]).map(
        lambda fs: {"type": "FeatureCollection", "features": list(fs)}
    )
)


def build_or_reject(collection: dict) -> dict[str, bytes] | None:
    """Render the mini battle with ``collection`` as its action layer, or None if rejected."""
    with tempfile.TemporaryDirectory() as tmp:
        geo = Path(tmp) / "geo"
        shutil.copytree(FIXTURE_BATTLE, geo)
        (geo / "action.geojson").write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
        try:
            battle = load_battle(geo)
        except GeoDataError as err:
            assert err.problems
            for problem in err.problems:
                text = str(problem)
                assert text.startswith(("action.geojson", "manifest.toml")) and "; expected " in text, text
            return None
        return render_site(battle)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(collections)
def test_random_data_builds_safely_or_is_rejected(collection: dict) -> None:
    files = build_or_reject(collection)
    if files is not None:
        for name, content in files.items():
            if name.endswith(".html"):
                assert_page_is_safe(content.decode("utf-8"))


@settings(max_examples=400, deadline=None)
@given(st.lists(texts, min_size=4, max_size=4))
def test_any_text_builds_safely(words: list[str]) -> None:
    name_zh, name_en, desc_zh, desc_en = (w if w.strip() else "x" for w in words)
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "only",
                "geometry": {"type": "Point", "coordinates": [4.1, 50.1]},
                "properties": {
                    "kind": "event",
                    "name_zh": name_zh,
                    "name_en": name_en,
                    "description_zh": desc_zh,
                    "description_en": desc_en,
                    "sources": ["chronicle"],
                    "precision_m": 10,
                    "start": "1805-05-01",
                },
            }
        ],
    }
    files = build_or_reject(collection)
    # a control character (C0, DEL, C1) is refused: in a name any, in a description all but tab and line breaks
    controls = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))}
    refused = any(c in controls for c in name_zh + name_en) or any(
        c in controls - {"\t", "\n", "\r"} for c in desc_zh + desc_en
    )
    if refused:
        assert files is None
        return
    assert files is not None
    page = files["morning.html"].decode("utf-8")
    assert_page_is_safe(page)
