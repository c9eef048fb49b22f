"""Shared fixtures: data folders, a built site, and headless Chromium with the network cut."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from layers.exports.chromium import CHROMIUM_FLAGS

#: The tests keep rendered symbols in a folder of their own, never in the user's ~/.cache
#: (subprocesses inherit it), made for the run and removed after it.
if "HENGYANG_MAP_CACHE" not in os.environ:
    _CACHE = tempfile.mkdtemp(prefix="hengyang-map-test-cache-")
    os.environ["HENGYANG_MAP_CACHE"] = _CACHE
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

#: How long a browser test waits for what it waits for (ms): generous, since a page on a busy
#: machine is slow, not broken (Playwright's own default is 30 s). A test waits for an event
#: at most this long; one that passes never waits it out.
PATIENCE_MS = 120_000


def _csp_safe_wait_for_function(self, expression, *, arg=None, timeout=None, polling=None):
    """Page.wait_for_function, polled from the driver: Playwright's own compiles its predicate
    with eval in the page each time it polls, which our pages' Content Security Policy refuses
    (microsoft/playwright#7395) — on a busy machine, where the first try is too early, the test
    failed with an EvalError instead of waiting."""
    from layers.exports.chromium import wait_until

    return wait_until(self, expression, arg, timeout if timeout is not None else PATIENCE_MS)


try:
    from playwright.sync_api import Page as _Page

    _Page.wait_for_function = _csp_safe_wait_for_function  # type: ignore[method-assign]
except ImportError:  # (no browser tests without Playwright)
    pass

ROOT = Path(__file__).resolve().parent.parent
GEO = ROOT / "geo"
FIXTURE_BATTLE = Path(__file__).resolve().parent / "fixtures" / "mini-battle"


def chromium_path() -> str | None:
    """The system Chromium: $CHROMIUM_PATH if set, else chromium on PATH."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    return path if path and os.path.exists(path) else None


@pytest.fixture
def geo_copy(tmp_path: Path) -> Path:
    """A writable copy of the real data folder, for tests that break it on purpose."""
    target = tmp_path / "geo"
    shutil.copytree(GEO, target)
    return target


@pytest.fixture(scope="session")
def battle():
    """The real battle, loaded once."""
    from layers.data.load import load_battle

    return load_battle(GEO)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, battle) -> Path:
    """The real site, built once into a temporary folder."""
    from layers.site import build

    return build(battle, tmp_path_factory.mktemp("site") / "output")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless system Chromium; a missing browser fails under CI=true and skips elsewhere."""
    in_ci = os.environ.get("CI", "").lower() == "true"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if in_ci:
            pytest.fail("playwright is not installed (pip install -e '.[test]')")
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    executable = chromium_path()
    if executable is None:
        message = "no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH)"
        if in_ci:
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


#: Loads every detail file of the page's site (the page loads one when a reader first asks
#: for a feature of it): for tests that read many popups at once.
ALL_DETAILS = """() => new Promise(resolve => {
  const all = Object.keys(window.BM_SITE.features).map(Number);
  if (BM.panel.need(all, resolve)) resolve();
})"""


#: Resolves once two animation frames have passed: what the page asked of its next frame (a
#: canvas drawn, names placed) is done.
FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


@contextmanager
def map_settles(tab) -> Iterator[None]:
    """Waits, after the block, until the move of the map the block made has ended (the map's
    ``moveend``, a camera's or a drag's included) and two animation frames have passed since:
    what the page does at a move's end (culls, crowds) and in the frames after (names placed,
    canvases drawn) is done. A block that does not move the map times out; one that moves it
    twice waits for the first move's end (a move without animation ends before the block does)."""
    tab.evaluate(
        "() => { window.bmMoveEnded = false;"
        " window.battleMap.map.once('moveend', () => { window.bmMoveEnded = true; }); }"
    )
    yield
    tab.wait_for_function("window.bmMoveEnded")
    tab.evaluate(FRAMES)


class OfflinePage:
    """A page whose every non-file request is aborted, recording errors and blocked requests.
    Its browser's language is Chinese (``locale``): the site's pages open in their reader's
    language, and the tests read them as the battle's first readers do, unless told otherwise."""

    def __init__(self, browser, viewport: dict[str, int] | None = None, locale: str = "zh-CN"):
        self.context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800}, locale=locale)
        self.context.set_default_timeout(PATIENCE_MS)
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda err: self.errors.append(f"pageerror: {err}"))
        self.page.on("console", self._console)
        self.page.on("dialog", self._dialog)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "about:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _console(self, message) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"console {message.type}: {message.text}")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path) -> object:
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("window.battleMap !== undefined")
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def offline(browser) -> Iterator[OfflinePage]:
    """A fresh offline page per test."""
    page = OfflinePage(browser)
    yield page
    page.close()
