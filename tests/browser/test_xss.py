"""Hostile text in every field of every layer, the manifest and the bibliography, in Chromium."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from layers.data.load import load_battle
from layers.site import build

from ..conftest import ALL_DETAILS, FIXTURE_BATTLE, OfflinePage

pytestmark = pytest.mark.browser
CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "hostile"
PAYLOADS = json.loads((CORPUS / "payloads.json").read_text(encoding="utf-8"))["payloads"]

OPEN_EVERYTHING = """() => {
  const bm = window.battleMap;
  const texts = [];
  for (const group of Object.values(bm.groups)) {
    bm.map.addLayer(group);
    for (const layer of group.getLayers()) {
      if (layer.isHalo) continue;
      BM.layers.talk(layer).openTooltip();
      layer.openPopup();
      const popup = layer.getPopup() && layer.getPopup().getElement();
      if (popup) texts.push(popup.textContent);
      const tip = layer.getTooltip() && layer.getTooltip().getElement();
      if (tip) texts.push(tip.textContent);
      layer.closePopup();
    }
  }
  document.querySelectorAll('details').forEach(d => d.open = true);
  texts.push(document.body.innerText);
  return texts.join('\\n');
}"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    geo = root / "geo"
    shutil.copytree(FIXTURE_BATTLE, geo)
    for source, target in (
        ("xss-action.geojson", "action.geojson"),
        ("xss-ground.geojson", "ground.geojson"),
        ("xss-manifest.toml", "manifest.toml"),
        ("xss-sources.toml", "sources.toml"),
    ):
        shutil.copyfile(CORPUS / source, geo / target)
    return build(load_battle(geo), root / "out", lang="both")


def test_payloads_stay_text(browser, hostile_site: Path) -> None:
    for page_file in sorted(hostile_site.glob("*.html")):
        page = OfflinePage(browser)
        try:
            tab = page.open(page_file)
            for code in ("zh", "en", "both"):
                tab.click(f".bm-lang button[data-lang='{code}']")
            tab.evaluate(ALL_DETAILS)
            text = tab.evaluate(OPEN_EVERYTHING)
            assert tab.evaluate("window.__xss") is None, page_file.name
            assert page.dialogs == [], page_file.name
            assert page.errors == [], (page_file.name, page.errors)
            assert page.blocked == [], (page_file.name, page.blocked)
            for fragment in (
                '<script>window.__xss="script";alert(1)</script>',
                "{{ 7*6 }}",
                "javascript:window",
                "`${window.__xss='tpl'}`",
                "🎌🔥",
            ):
                assert fragment in text, (page_file.name, fragment)
        finally:
            page.close()


def test_content_security_policy_blocks_foreign_script(browser, site: Path, tmp_path: Path) -> None:
    shutil.copytree(site, tmp_path / "site")
    page_file = tmp_path / "site" / "index.html"
    text = page_file.read_text(encoding="utf-8")
    page_file.write_text(text.replace("</body>", "<script>window.__injected = 1;</script></body>"), encoding="utf-8")
    page = OfflinePage(browser)
    try:
        tab = page.open(page_file)
        assert tab.evaluate("window.__injected") is None
        assert any("Content Security Policy" in e for e in page.errors)
        assert tab.evaluate("Object.keys(window.battleMap.groups).length") > 1  # the page's own code still runs
    finally:
        page.close()


def test_random_text_pages_run_clean(browser, tmp_path_factory) -> None:
    """Generated text in every field: the page opens with no error and runs no foreign code."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    root = tmp_path_factory.mktemp("random")
    # (any text check accepts: the control characters it refuses, naming the field, test_texts.py)
    accepted = st.characters(blacklist_categories=("Cc", "Cs"))
    texts = st.one_of(st.text(accepted, min_size=1, max_size=25).filter(str.strip), st.sampled_from(PAYLOADS))

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(texts, min_size=6, max_size=6))
    def check(words: list[str]) -> None:
        geo = root / "geo"
        shutil.rmtree(geo, ignore_errors=True)
        shutil.copytree(FIXTURE_BATTLE, geo)
        path = geo / "action.geojson"
        data = json.loads(path.read_text(encoding="utf-8"))
        for i, feature in enumerate(data["features"]):
            props = feature["properties"]
            props["name_zh"], props["name_en"] = words[i % 6], words[(i + 1) % 6]
            props["description_zh"], props["description_en"] = words[(i + 2) % 6], words[(i + 3) % 6]
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        out = build(load_battle(geo), root / "out")
        page = OfflinePage(browser)
        try:
            tab = page.open(out / "index.html")
            tab.evaluate(ALL_DETAILS)
            tab.evaluate(OPEN_EVERYTHING)
            assert tab.evaluate("window.__xss") is None
            assert page.dialogs == [] and page.errors == [] and page.blocked == []
        finally:
            page.close()

    check()
