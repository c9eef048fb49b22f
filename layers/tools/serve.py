"""A live preview: ``hengyang-map serve`` builds once, rebuilds on every save, and reloads the page.

The server listens on the loopback address only and serves only the output folder. Pages are
served as built, plus one script tag (``/__live__.js``, same origin, so the page's own
Content-Security-Policy allows it) that asks the server every half second, by loading a tiny
script (no fetch: the pages forbid network connections), whether a newer build exists: then
the page reloads. A data error is shown over the page and printed in the terminal, and the
last good pages stay served; the server never dies of it. Ctrl-C stops it cleanly.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from layers.errors import BattleMapError, inert

LOOPBACK = "127.0.0.1"
CLIENT = """(function () {
  "use strict";
  var seen = %d, banner = null;
  function show(error) {
    if (!error) { if (banner) { banner.remove(); banner = null; } return; }
    if (!banner) {
      banner = document.createElement("pre");
      banner.setAttribute("role", "alert");
      banner.style.cssText = "position:fixed;z-index:5000;left:10px;right:10px;bottom:10px;max-height:45vh;" +
        "overflow:auto;margin:0;padding:10px 12px;background:#fff4f0;color:#7a1010;border:2px solid #a01c1c;" +
        "font:12px/1.4 monospace;white-space:pre-wrap";
      document.body.appendChild(banner);
    }
    banner.textContent = "hengyang-map serve: the data has problems; the page shows the last good build.\\n\\n" + error;
  }
  window.__bmLive = function (state) {
    if (state.version !== seen && !state.error) { window.location.reload(); return; }
    seen = state.version;
    show(state.error);
  };
  function ask() {
    var script = document.createElement("script");
    script.src = "/__live__/state.js?seen=" + seen + "&t=" + Date.now();
    script.onload = script.onerror = function () { script.remove(); };
    document.head.appendChild(script);
  }
  window.setInterval(ask, 500);
  ask();
})();
"""


class LiveSite:
    """The build the server shows: rebuilt on demand, with the version and the last error."""

    def __init__(self, geo: Path, out: Path, lang: str, say: Callable[[str, bool], None]):
        self.geo, self.out, self.lang, self.say = geo, out, lang, say
        self.version = 0
        self.error: str | None = None
        self._lock = threading.Lock()

    def rebuild(self) -> None:
        """Build the pages again; on a data problem keep the last good pages and record it."""
        from layers.data.load import load_battle
        from layers.site import build

        with self._lock:
            try:
                battle = load_battle(self.geo)
                build(battle, self.out, None, self.lang)
            except BattleMapError as err:
                self.error = str(err)
                lines = [inert(line) for line in str(err).splitlines()]  # each line inert, the lines kept
                self.say("hengyang-map serve: " + "\n".join(lines), True)
            else:
                self.error = None
                self.say(f"hengyang-map serve: built {len(battle.phases)} phase pages and the atlas", False)
            self.version += 1

    def state(self) -> dict[str, Any]:
        return {"version": self.version, "error": self.error}


class Handler(SimpleHTTPRequestHandler):
    """Files of the output folder only; pages with the live script; the live state."""

    site: LiveSite

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/__live__.js":
            return self._send(CLIENT % self.site.version, "text/javascript")
        if path == "/__live__/state.js":
            # JSON text is a JavaScript expression; '<' is escaped so it can never close a tag
            state = json.dumps(self.site.state()).replace("<", "\\u003c")
            return self._send(f"window.__bmLive && window.__bmLive({state});", "text/javascript")
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            target = target / "index.html"
        root = Path(self.directory).resolve()
        try:
            inside = target.resolve().is_relative_to(root)
        except OSError:
            inside = False
        if not inside or not target.is_file():
            self.send_error(404, "not in the output folder")
            return None
        if target.suffix == ".html":
            page = target.read_text(encoding="utf-8")
            page = page.replace("</head>", '<script src="/__live__.js"></script>\n</head>', 1)
            return self._send(page, "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, text: str, kind: str) -> None:
        body = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # requests are not news; builds and errors are printed


def make_server(site: LiveSite, port: int) -> ThreadingHTTPServer:
    """A server on the loopback address for ``site`` (port 0: any free port)."""
    handler = partial(type("SiteHandler", (Handler,), {"site": site}), directory=str(site.out))
    server = ThreadingHTTPServer((LOOPBACK, port), handler)
    server.daemon_threads = True
    return server


def serve(geo: Path, out: Path, port: int, lang: str = "zh") -> int:
    """Build, serve on 127.0.0.1:``port`` and rebuild on every change under ``geo`` until Ctrl-C."""
    import watchfiles

    def say(text: str, error: bool) -> None:
        print(text, file=sys.stderr if error else sys.stdout, flush=True)

    site = LiveSite(geo, out, lang, say)
    site.rebuild()
    server = make_server(site, port)
    stop = threading.Event()

    def watch() -> None:
        for _changes in watchfiles.watch(geo, stop_event=stop, debounce=150, step=50, yield_on_timeout=False):
            site.rebuild()

    watcher = threading.Thread(target=watch, name="hengyang-map-watch", daemon=True)
    watcher.start()
    url = f"http://{LOOPBACK}:{server.server_address[1]}/"  # the port the system chose when ``port`` is 0
    print(f"serving {inert(str(out))} at {url} — watching {inert(str(geo))}; Ctrl-C stops", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        watcher.join(timeout=2)
    print("hengyang-map serve: stopped", flush=True)
    return 0
