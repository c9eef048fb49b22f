"""`hengyang-map serve`: loopback only, the output folder only, rebuild and reload on save,
data errors shown in the page and the terminal without killing the server, a clean Ctrl-C."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from layers.tools.serve import LiveSite, make_server

from ..conftest import FIXTURE_BATTLE

pytestmark = pytest.mark.browser


def _default_signals() -> None:
    """In the child: SIGINT and SIGTERM at their defaults, whatever the test runner's are."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def launch(*args: str) -> subprocess.Popen:
    code = "import sys; from build_map import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen(
        [sys.executable, "-c", code, "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        preexec_fn=_default_signals,
    )


def start(geo: Path, out: Path) -> tuple[subprocess.Popen, str]:
    process = launch("--geo", str(geo), "--out", str(out), "--port", "0")
    # readline blocks until the line comes (or the process ends): an event, not a timed wait
    for line in process.stdout:
        if "serving" in line:
            return process, line.split(" at ", 1)[1].split(" ", 1)[0]
    process.wait(timeout=120)
    raise AssertionError(f"the server did not start: {process.stderr.read()}")


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, ""


def wait_until(tab, predicate: str, timeout: float = 120.0) -> None:
    """Poll ``predicate`` from the driver (the page's CSP forbids the eval Playwright's own
    wait_for_function uses on an http page)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if tab.evaluate(predicate):
                return
        except Exception:  # the page is reloading: its context is gone for a moment
            pass
        time.sleep(0.1)
    raise AssertionError(f"not true within {timeout} s: {predicate}")


def test_server_listens_on_loopback_only(tmp_path: Path) -> None:
    site = LiveSite(FIXTURE_BATTLE, tmp_path / "out", "zh", lambda text, error: None)
    server = make_server(site, 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


def test_live_preview(browser, tmp_path: Path) -> None:
    geo = tmp_path / "geo"
    shutil.copytree(FIXTURE_BATTLE, geo)
    process, url = start(geo, tmp_path / "out")
    try:
        status, page = get(url)
        assert status == 200 and '<script src="/__live__.js"></script>' in page
        assert get(url + "../../../etc/passwd")[0] == 404
        assert get(url + "%2e%2e/%2e%2e/etc/hostname")[0] == 404
        context = browser.new_context()
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url) else route.abort())
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda err: errors.append(str(err)))
        tab.goto(url + "index.html")
        wait_until(tab, "() => window.battleMap !== undefined && window.__bmLive !== undefined")
        tab.evaluate("window.__before = true")

        # a save shows in the browser within a second or two
        action = geo / "action.geojson"
        action.write_text(action.read_text(encoding="utf-8").replace('"The mill"', '"The old mill"'), "utf-8")
        wait_until(tab, "() => window.__before === undefined")  # the page reloaded
        wait_until(tab, "() => window.battleMap !== undefined")
        # the site's shared data
        names = tab.evaluate("window.battleMap.labels.data.features.map(f => f[BM.R.NAME][1])")
        assert "The old mill" in names

        # a data error shows in the page and the terminal; the server stays up
        good = (geo / "ground.geojson").read_text(encoding="utf-8")
        (geo / "ground.geojson").write_text("{", encoding="utf-8")
        wait_until(tab, "() => !!document.querySelector('pre[role=alert]')")
        assert "ground.geojson" in tab.inner_text("pre[role=alert]")
        assert get(url)[0] == 200  # the last good pages are still served
        (geo / "ground.geojson").write_text(good, encoding="utf-8")
        wait_until(tab, "!document.querySelector('pre[role=alert]') && window.battleMap !== undefined")
        assert errors == []
        context.close()
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)  # generous: the machine may be busy
    assert process.returncode == 0, err
    assert "stopped" in out
    assert "ground.geojson" in err  # the error was printed in the terminal too
