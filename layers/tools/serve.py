"""A live preview: ``hengyang-map serve`` builds once, rebuilds on every save, and reloads the page.

The server listens on the loopback address only, answers only requests addressed to it by
name (``Host: 127.0.0.1:PORT`` or ``localhost:PORT``: a DNS-rebinding page gets nothing), and
serves only the output folder, which must be one that ``build`` would write (refused before
anything is served). Pages are served as built, plus one script tag (``/__live__.js``) and a
Content-Security-Policy that lets the page, and only the page, ask the server for
``/__live__/state.json`` every half second: a same-origin JSON request, refused to any other
origin. On a newer build the page reloads. A data error (or any other) is shown over the page
and printed in the terminal, and the last good pages stay served; the watcher never dies of
it, and the next good save rebuilds. A burst of saves makes one rebuild, and the output folder
is never watched. A bounded pool of threads answers requests, idle connections time out, and
client errors print no traceback. Ctrl-C (or SIGTERM) stops it cleanly.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import BattleMapError, inert

LOOPBACK = "127.0.0.1"
#: Threads answering requests, connections waiting to be accepted, seconds an idle connection is kept.
WORKERS, BACKLOG, IDLE_SECONDS = 8, 256, 10.0
#: Seconds the watcher waits for a burst of saves to end before it rebuilds (milliseconds for watchfiles).
DEBOUNCE_MS = 300
STATE_PATH, CLIENT_PATH = "/__live__/state.json", "/__live__.js"
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
  function take(state) {
    if (state.version !== seen && !state.error) { window.location.reload(); return; }
    seen = state.version;
    show(state.error);
  }
  window.__bmLive = take;
  function ask() {
    fetch("%s?seen=" + seen, {cache: "no-store", credentials: "omit"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) { if (state) { take(state); } })
      .catch(function () {});  // the server is restarting: ask again later
  }
  window.setInterval(ask, 500);
  ask();
})();
"""
_CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">')


class ServeError(BattleMapError):
    """The server cannot start (the port is taken, or cannot be used)."""

    exit_code = 2


class LiveSite:
    """The build the server shows: rebuilt on demand, with the version and the last error."""

    def __init__(self, geo: Path, out: Path, lang: str | None, say: Callable[[str, bool], None]):
        self.geo, self.out, self.lang, self.say = geo, out, lang, say
        self.version = 0
        self.error: str | None = None
        self._lock = threading.Lock()

    def rebuild(self) -> None:
        """Build the pages again; on any problem keep the last good pages and record it."""
        from ..data.load import load_battle
        from ..site import build

        with self._lock:
            try:
                battle = load_battle(self.geo)
                build(battle, self.out, None, self.lang)
            except Exception as err:  # the preview outlives every error, and shows it
                text = str(err) if isinstance(err, BattleMapError) else f"internal error: {type(err).__name__}: {err}"
                self.error = text
                lines = [inert(line) for line in text.splitlines()]  # each line inert, the lines kept
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
    hosts: frozenset[str] = frozenset()
    timeout = IDLE_SECONDS  # seconds a connection may stay silent
    protocol_version = "HTTP/1.0"  # one request per connection: no idle keep-alive to hold a thread

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        if self.headers.get("Host", "").lower() not in self.hosts:
            self.send_error(403, "only requests to 127.0.0.1 or localhost with this port are answered")
            return
        path = urlsplit(self.path).path
        if path == CLIENT_PATH:
            self._send(CLIENT % (self.site.version, STATE_PATH), "text/javascript; charset=utf-8", head)
            return
        if path == STATE_PATH:
            # only the served page may read it: a browser names the origin of every request
            site_of_request = self.headers.get("Sec-Fetch-Site", "same-origin")
            origin = self.headers.get("Origin")
            if site_of_request != "same-origin" or (origin is not None and origin.lower()[7:] not in self.hosts):
                self.send_error(403, "the live state is for the served pages only")
                return
            self._send(json.dumps(self.site.state()), "application/json", head)
            return
        root = Path(self.directory)
        try:
            from ..site import is_output

            target = Path(self.translate_path(self.path))
            if target.is_dir():
                target = target / "index.html"
            inside = is_output(root) and target.resolve().is_relative_to(root.resolve()) and target.is_file()
        except (OSError, ValueError):  # a NUL or a name too long for the file system
            inside = False
        if not inside:
            self.send_error(404, "not in the output folder")
            return
        if target.suffix == ".html":
            page = target.read_text(encoding="utf-8")
            self._send(_live_page(page), "text/html; charset=utf-8", head)
            return
        if head:
            super().do_HEAD()
        else:
            super().do_GET()

    def _send(self, text: str, kind: str, head: bool = False) -> None:
        body = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # requests are not news; builds and errors are printed


def _live_page(page: str) -> str:
    """A built page with the live script, and a policy that lets it (only) ask this server."""
    page = page.replace("</head>", f'<script src="{CLIENT_PATH}"></script>\n</head>', 1)
    meta = _CSP_META.search(page)
    if meta:
        policy = meta.group().replace("connect-src 'none'", "connect-src 'self'")
        page = page[: meta.start()] + policy + page[meta.end() :]
    return page


class PooledServer(HTTPServer):
    """An HTTP server whose requests a fixed pool of threads answers, with a long listen queue."""

    request_queue_size = BACKLOG
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: Any):
        self.pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="hengyang-map-serve")
        try:
            super().__init__(address, handler)
        except BaseException:
            self.pool.shutdown(wait=False)
            raise

    def process_request(self, request: Any, client_address: Any) -> None:
        self.pool.submit(self._answer, request, client_address)

    def _answer(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception as err:  # a client's error is the client's
            self.handle_error(request, client_address, err)
        finally:
            self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any, err: BaseException | None = None) -> None:
        """Client disconnects and timeouts are routine: no traceback; anything else is one line."""
        err = err or sys.exc_info()[1]
        if isinstance(err, (ConnectionError, TimeoutError, socket.timeout)):
            return
        print(f"hengyang-map serve: a request failed: {type(err).__name__}: {inert(str(err))}", file=sys.stderr)

    def server_close(self) -> None:
        super().server_close()
        self.pool.shutdown(wait=False, cancel_futures=True)


def make_server(site: LiveSite, port: int) -> PooledServer:
    """A server on the loopback address for ``site`` (port 0: any free port).

    Raises
    ------
    ServeError
        When the port is in use or cannot be opened.
    """
    handler: type[Handler] = type("SiteHandler", (Handler,), {"site": site})
    try:
        server = PooledServer((LOOPBACK, port), partial(handler, directory=str(site.out)))
    except OSError as err:
        raise ServeError(
            f"cannot listen on {LOOPBACK}:{port} ({inert(err.strerror or str(err))}); "
            "choose another --port, or 0 for any free one"
        ) from err
    bound = server.server_address[1]
    handler.hosts = frozenset({f"{LOOPBACK}:{bound}", f"localhost:{bound}"})
    return server


def output_filter(out: Path) -> Callable[[Any, str], bool]:
    """A watch filter that ignores the output folder and the build's staging folders beside it."""
    import watchfiles

    real = os.path.realpath(out)
    leftovers = re.compile(re.escape(f".{Path(real).name}.") + r"(new|old)-[0-9a-f]{16}", re.ASCII)
    default = watchfiles.DefaultFilter()

    def keep(change: Any, path: str) -> bool:
        where = os.path.realpath(path)
        if where == real or where.startswith(real + os.sep):
            return False
        parent = os.path.dirname(real)
        if os.path.dirname(where) == parent and leftovers.fullmatch(os.path.basename(where)):
            return False
        head = where
        while (up := os.path.dirname(head)) != head:  # inside a staging folder
            if up == parent and leftovers.fullmatch(os.path.basename(head)):
                return False
            head = up
        return bool(default(change, path))

    return keep


def watch(site: LiveSite, stop: threading.Event) -> None:
    """Rebuild ``site`` once per burst of changes under its data folder until ``stop`` is set;
    an error of the watcher itself is shown, and watching starts again."""
    import watchfiles

    keep = output_filter(site.out)
    while not stop.is_set():
        try:
            for _changes in watchfiles.watch(
                site.geo,
                watch_filter=keep,
                stop_event=stop,
                debounce=DEBOUNCE_MS,
                step=50,
                yield_on_timeout=False,
                raise_interrupt=False,
            ):
                site.rebuild()
        except Exception as err:  # the folder vanished for a moment, or the like
            site.error = f"the watcher stopped ({type(err).__name__}: {err}); watching again"
            site.version += 1
            site.say("hengyang-map serve: " + inert(site.error), True)
            stop.wait(1.0)


def serve(geo: Path, out: Path, port: int, lang: str | None = None) -> int:
    """Build, serve on 127.0.0.1:``port`` and rebuild on every change under ``geo`` until Ctrl-C."""
    from ..site import refuse_output

    def say(text: str, error: bool) -> None:
        print(text, file=sys.stderr if error else sys.stdout, flush=True)

    refuse_output(out)  # what build would refuse is never served
    site = LiveSite(geo, out, lang, say)
    server = make_server(site, port)  # before the first build: a taken port is said at once
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(site, stop), name="hengyang-map-watch", daemon=True)
    try:
        site.rebuild()
        watcher.start()
        url = f"http://{LOOPBACK}:{server.server_address[1]}/"  # the port the system chose when ``port`` is 0
        print(f"serving {inert(str(out))} at {url} — watching {inert(str(geo))}; Ctrl-C stops", flush=True)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        if watcher.is_alive():
            watcher.join(timeout=5)
    print("hengyang-map serve: stopped", flush=True)
    return 0
