"""The site's shared data file, as the browser reads it: the features it parses in runs are the
build's entries, exactly, whatever their text holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ..conftest import FIXTURE_BATTLE

pytestmark = pytest.mark.browser

#: Text that a string in a script, JSON in a string, or the page around them could take for
#: their own syntax: quotes, backslashes (before a quote too), escapes written out, a line
#: separator, the end of a script, a template.
AWKWARD = "It's \\ a \"brook\" \\' \\\\' \\u0027 '' \u2028 \u2029 </script><script>alert(1)</script> ${x} {{ 7*6 }} 溪'"


def test_the_browser_reads_every_feature_as_the_build_wrote_it(offline, tmp_path: Path, monkeypatch) -> None:
    from layers.data.load import load_battle
    from layers.draw.drawable import Context
    from layers.page import sitedata, sitefiles
    from layers.site import build

    geo = tmp_path / "geo"
    shutil.copytree(FIXTURE_BATTLE, geo)
    ground = json.loads((geo / "ground.geojson").read_text("utf-8"))
    for feature in ground["features"]:
        feature["properties"]["name_en"] = AWKWARD + feature["id"]
        feature["properties"]["description_zh"] = AWKWARD
    (geo / "ground.geojson").write_text(json.dumps(ground, ensure_ascii=False), "utf-8")
    monkeypatch.setattr(sitefiles, "PARSE_RUN", 200)  # a run or two per feature
    battle = load_battle(geo)
    out = build(battle, tmp_path / "out")
    entries = [json.loads(e) for e in sitedata.site_data(Context(battle), list(battle.phases)).entries]
    assert sum(any(AWKWARD in text for text in _texts(entry)) for entry in entries) >= 2
    data = next((out / "data").glob("site-*.js")).read_text("utf-8")
    assert data.count("JSON.parse('") > 3
    page = offline.open(out / "index.html")
    page.wait_for_function("+(window.battleMap.map.getContainer().getAttribute('data-labels') || 0) >= 1")
    assert json.loads(page.evaluate("JSON.stringify(window.BM_SITE.features)")) == entries
    assert page.evaluate("window.__xss === undefined && typeof window.alert === 'function'")
    assert offline.errors == [] and offline.dialogs == []


def _texts(value: object):
    """Every string in a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _texts(item)
