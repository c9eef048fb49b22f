"""The reader's language travels: links between pages, the atlas's address, reloads; an
address can ask for one, and a site page with no choice made opens in the browser's."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import FIXTURE_BATTLE, OfflinePage

pytestmark = pytest.mark.browser

LANG = "document.documentElement.getAttribute('data-lang')"
PRESSED = "document.querySelector('.bm-lang button[aria-pressed=true]').getAttribute('data-lang')"


def shown(tab) -> tuple[str, str, str]:
    """The page's language, its pressed button and its <html lang>."""
    return tuple(tab.evaluate(f"[{LANG}, {PRESSED}, document.documentElement.lang]"))


def follow(tab, selector: str) -> None:
    with tab.expect_navigation():
        tab.click(selector)
    tab.wait_for_function("window.battleMap !== undefined")


def test_english_chosen_stays_english_on_the_next_page(offline, battle, site: Path) -> None:
    first, second, third = battle.phases[1], battle.phases[2], battle.phases[3]
    tab = offline.open(site / f"{first.id}.html")
    assert shown(tab) == ("zh", "zh", "zh-Hans")  # a Chinese reader's browser
    tab.click(".bm-lang button[data-lang='en']")
    follow(tab, ".bm-nav a[rel=next]")
    assert tab.url.split("/")[-1].startswith(f"{second.id}.html")
    assert shown(tab) == ("en", "en", "en")
    assert tab.locator("h1").inner_text() == second.title.en
    # ...and the next, by the keyboard's arrow, and back to the atlas by the battle's name
    tab.keyboard.press("ArrowRight")
    tab.wait_for_url(f"**/{third.id}.html*")
    tab.wait_for_function("window.battleMap !== undefined")
    assert shown(tab) == ("en", "en", "en")
    follow(tab, ".bm-battle a")
    assert shown(tab) == ("en", "en", "en")
    # in the atlas, a phase's own page is linked in the language too
    tab.click(".bm-all")
    follow(tab, f".bm-phases a[href^='{first.id}.html']")
    assert shown(tab) == ("en", "en", "en")
    assert offline.errors == [] and offline.blocked == []


def test_an_address_asks_for_a_language(browser, battle, site: Path) -> None:
    phase = battle.phases[3]
    page = OfflinePage(browser)
    try:
        tab = page.page
        for address, lang in [
            (f"{phase.id}.html?lang=en", "en"),
            (f"{phase.id}.html?lang=both", "both"),
            ("index.html?lang=en", "en"),
            (f"index.html#{phase.id}&lang=en", "en"),
            ("index.html#lang=both", "both"),
            (f"{phase.id}.html?lang=xx", "zh"),  # not a language of the page: its own
            (f"{phase.id}.html?lang=%3Cscript%3E", "zh"),
        ]:
            tab.goto(site.resolve().as_uri() + "/" + address)
            tab.wait_for_function("window.battleMap !== undefined")
            assert tab.evaluate(LANG) == lang, address
            assert tab.evaluate(PRESSED) == lang, address
        # the atlas's hash names the phase as well as the language
        tab.goto((site / "index.html").as_uri() + f"#{phase.id}&lang=en")
        tab.wait_for_function("window.battleMap !== undefined")
        assert tab.evaluate("window.battleMap.state.phase") == phase.id
        assert tab.url.endswith(f"index.html?lang=en#{phase.id}")  # kept in the query, the hash left to the phase
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


def test_a_reload_keeps_the_language_and_the_atlas_address_too(offline, battle, site: Path) -> None:
    tab = offline.open(site / "index.html")
    tab.click(".bm-lang button[data-lang='both']")
    tab.keyboard.press("ArrowRight")  # a phase step: the address's hash changes
    tab.keyboard.press("ArrowRight")
    phase = tab.evaluate("window.battleMap.state.phase")
    assert tab.url.endswith(f"?lang=both#{phase}")
    # what the live preview does on a new build (layers/tools/serve.py: window.location.reload())
    with tab.expect_navigation():
        tab.evaluate("window.location.reload()")
    tab.wait_for_function("window.battleMap !== undefined")
    assert shown(tab) == ("both", "both", "zh-Hans")
    assert tab.evaluate("window.battleMap.state.phase") == phase
    # back in history: the phase before, in the same language
    tab.go_back()
    tab.wait_for_function("(id) => window.battleMap.state.phase !== id", arg=phase)
    assert tab.evaluate(LANG) == "both"
    assert offline.errors == []


@pytest.mark.parametrize(("locale", "lang"), [("en-US", "en"), ("en-GB", "en"), ("zh-TW", "zh"), ("fr-FR", "zh")])
def test_with_no_choice_the_browser_s_language(browser, site: Path, locale: str, lang: str) -> None:
    page = OfflinePage(browser, locale=locale)
    try:
        tab = page.open(site / "index.html")
        assert shown(tab)[:2] == (lang, lang), locale
        # no choice made: the links are as built
        assert tab.locator(".bm-battle a").get_attribute("href") == "index.html"
        # an address's choice wins over the browser's
        tab.goto((site / "index.html").as_uri() + "?lang=both")
        tab.wait_for_function("window.battleMap !== undefined")
        assert tab.evaluate(LANG) == "both"
    finally:
        page.close()


def test_an_export_in_a_chosen_language_keeps_it(browser, tmp_path: Path) -> None:
    """Pages made in a chosen language (an export, the film, print) open in it, whatever the
    browser's, and still honour an address that asks for another."""
    from layers.data.load import load_battle
    from layers.page.assemble import render_site

    battle = load_battle(FIXTURE_BATTLE)
    for printable in (False, True):
        files = render_site(battle, lang="zh", single_file=True, printable=printable)
        for name in ("index.html", f"{battle.phases[0].id}.html"):
            path = tmp_path / f"{printable}-{name}"
            path.write_bytes(files[name])
            page = OfflinePage(browser, locale="en-US")
            try:
                tab = page.open(path)
                assert tab.evaluate(LANG) == "zh", (printable, name)
                tab.goto(path.as_uri() + "?lang=en")
                tab.wait_for_function("window.battleMap !== undefined")
                assert tab.evaluate(LANG) == "en", (printable, name)
                assert page.errors == [], page.errors
            finally:
                page.close()


def test_only_the_site_s_pages_carry_the_language(offline, battle, site: Path) -> None:
    """A chosen language is added to links to the site's pages, never to a source's address
    or a citation; a hash is kept."""
    tab = offline.open(site / "index.html")
    before = tab.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))")
    tab.click(".bm-lang button[data-lang='en']")
    after = tab.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))")
    assert len(before) == len(after)
    for old, new in zip(before, after, strict=True):
        if old.startswith(("http:", "https:", "#")):
            assert new == old
        else:
            assert old.endswith(".html") and new == old + "?lang=en", (old, new)
    tab.click(".bm-lang button[data-lang='zh']")  # chosen again: one lang=, the new one
    links = tab.evaluate(
        "Array.from(document.querySelectorAll('a[href$=\"lang=zh\"]')).map(a => a.getAttribute('href'))"
    )
    assert links and all(link.count("lang=") == 1 for link in links)
    assert offline.errors == []


def test_a_site_built_in_a_chosen_language_opens_in_it(browser, tmp_path: Path) -> None:
    """`build --lang en` is a choice: the browser's language does not override it."""
    from layers.data.load import load_battle
    from layers.site import build

    out = build(load_battle(FIXTURE_BATTLE), tmp_path / "out", lang="en")
    page = OfflinePage(browser, locale="zh-CN")
    try:
        assert page.open(out / "index.html").evaluate(LANG) == "en"
    finally:
        page.close()
