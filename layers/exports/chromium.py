"""The system Chromium, headless, for the exports that need a browser (PNG, PDF, KMZ icons, film)."""

from __future__ import annotations

import os
import shutil
import time
from typing import Any

from ..contract import Api, Attr, Global
from ..errors import BattleMapError

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class BrowserMissingError(BattleMapError):
    """PNG/PDF export needs the system Chromium and Playwright."""

    exit_code = 5


def chromium_executable() -> str:
    """The system Chromium: $CHROMIUM_PATH, else chromium on PATH; a clear error if none."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path or not os.path.exists(path):
        raise BrowserMissingError(
            "PNG, PDF and KMZ export need Chromium: install it with 'apt-get install -y chromium' "
            "(or set CHROMIUM_PATH to a Chromium binary)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        raise BrowserMissingError(
            "PNG, PDF and KMZ export need Playwright: pip install 'hengyang-map[export]'"
            " (in the repository: pip install -e '.[export]')"
        ) from err
    return path


#: How long a page may take to load, lay out or print (ms): generous, since an export on a busy
#: machine is slow, not broken (Playwright's own default is 30 s).
PAGE_TIMEOUT_MS = 300_000


def wait_until(page: Any, expression: str, arg: Any = None, timeout_ms: float = PAGE_TIMEOUT_MS) -> Any:
    """The value of ``expression`` (a JavaScript expression or function, given ``arg``) in
    ``page`` once it is truthy, polled from here. Playwright's ``wait_for_function`` compiles
    its predicate with ``eval`` in the page each time it polls, which the page's own Content
    Security Policy refuses (microsoft/playwright#7395): on a busy machine, where the first
    try is too early, it fails."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        value = page.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise PlaywrightTimeout(f"waited {timeout_ms / 1000:.0f} s for {expression}")
        page.wait_for_timeout(25)


#: True in a page once its names have been placed on the map at least once.
LABELS_PLACED = f"+(window.{Global.MAP}.{Api.MAP}.getContainer().getAttribute('{Attr.LABELS}') || 0) > 0"


def with_browser(browser: Any, work: Any) -> Any:
    """``work(browser)`` with the given Chromium, or with the system one started for it."""
    if browser is not None:
        return work(browser)
    executable = chromium_executable()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        own = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            return work(own)
        finally:
            own.close()
