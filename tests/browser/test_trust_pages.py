"""The page trusts no input: its address, years before 100, stray script in its markup."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from layers import symbols
from layers.data.load import load_battle
from layers.site import build

from ..conftest import FIXTURE_BATTLE, FRAMES, OfflinePage

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory) -> Path:
    return build(load_battle(FIXTURE_BATTLE), tmp_path_factory.mktemp("mini") / "out")


#: Sets the address's hash and tells whether that changed the address; window.bmHashChanged is
#: true once its hashchange event has been dispatched to the page's listeners (at once if the
#: address stayed the same: no event comes then).
HASH_CHANGED = """(hash) => {
  const before = location.href;
  window.bmHashChanged = false;
  window.addEventListener('hashchange', () => { window.bmHashChanged = true; }, {once: true});
  location.hash = hash;
  if (location.href === before) window.bmHashChanged = true;
  return location.href !== before;
}"""


@pytest.mark.parametrize("page", ["index.html", "morning.html"])
@pytest.mark.parametrize("hash_", ["#%E0%A4%A", "#src-%E0%A4%A", "#%", "#src-%zz"])
def test_a_malformed_address_does_not_stop_the_map(offline, mini_site: Path, page: str, hash_: str) -> None:
    offline.page.goto((mini_site / page).resolve().as_uri() + hash_)
    offline.page.wait_for_function("window.battleMap !== undefined")
    assert offline.page.evaluate("Object.keys(window.battleMap.groups).length") > 1
    # and later, while the page runs: each new address handled (its hashchange event heard after
    # the page's own listeners), and whatever that asked of the next frames done
    changed = []
    for later in ("#%E0%A4%A", "#src-%E0%A4%A"):
        changed.append(offline.page.evaluate(HASH_CHANGED, later))
        offline.page.wait_for_function("window.bmHashChanged")
        offline.page.evaluate(FRAMES)
    assert changed == [hash_ != "#%E0%A4%A", True]  # (the page had an address to handle)
    assert offline.errors == []


def test_years_before_100_stay_themselves(offline, tmp_path: Path) -> None:
    geo = tmp_path / "geo"
    shutil.copytree(FIXTURE_BATTLE, geo)
    for path in geo.iterdir():
        path.write_text(path.read_text(encoding="utf-8").replace("1805-", "0050-"), encoding="utf-8")
    out = build(load_battle(geo), tmp_path / "out")
    tab = offline.open(out / "afternoon.html")
    text = tab.evaluate("document.querySelector('.bm-date').textContent")
    assert "50" in text and "1950" not in text, text
    assert offline.errors == []


def test_stray_script_in_the_markup_does_not_run(browser, tmp_path: Path, monkeypatch) -> None:
    real = symbols.symbol_svg

    def leaky(sidc: str):
        return ("<svg><script>window.__pwned = 1;</script></svg>", *real(sidc)[1:])

    monkeypatch.setattr(symbols, "symbol_svg", leaky)
    out = build(load_battle(FIXTURE_BATTLE), tmp_path / "out")
    page = OfflinePage(browser)
    try:
        tab = page.open(out / "morning.html")
        assert tab.evaluate("window.__pwned") is None
        assert any("Content Security Policy" in e for e in page.errors)
        assert tab.evaluate("Object.keys(window.battleMap.groups).length") > 1
    finally:
        page.close()
