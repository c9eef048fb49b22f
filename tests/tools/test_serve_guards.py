"""`hengyang-map serve` confined to its job: only its own Host, only the output folder that
build would write, the live state only to the served pages; a bounded pool that holds 200
concurrent requests, idle connections closed, no traceback for a client's error; a watcher
that outlives every error and never watches the output. The browser half is test_serve.py."""

from __future__ import annotations

import http.client
import itertools
import json
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layers.tools import serve as serving
from layers.tools.serve import LiveSite, make_server, output_filter, watch

from ..conftest import FIXTURE_BATTLE, ROOT


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[tuple[LiveSite, int]]:
    """A built site served in this process, on a free port."""
    folder = tmp_path_factory.mktemp("serve")
    geo = folder / "geo"
    shutil.copytree(FIXTURE_BATTLE, geo)
    site = LiveSite(geo, folder / "out", "zh", lambda text, error: None)
    site.rebuild()
    assert site.error is None, site.error
    server = make_server(site, 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=60)


def request(port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in (headers if headers is not None else {"Host": f"127.0.0.1:{port}"}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# -- who is answered, and with what ----------------------------------------------------------


def test_only_requests_to_its_own_name_and_port_are_answered(live) -> None:
    _, port = live
    assert request(port, "/index.html")[0] == 200
    assert request(port, "/index.html", {"Host": f"localhost:{port}"})[0] == 200
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}", f"localhost:{port}.x"):
        assert request(port, "/index.html", {"Host": host})[0] == 403, host
    assert request(port, "/index.html", {})[0] == 403  # no Host at all (a rebinding page always sends one)
    assert request(port, serving.STATE_PATH, {"Host": "evil.example"})[0] == 403


def test_the_live_state_is_same_origin_json(live) -> None:
    site, port = live
    own = {"Host": f"127.0.0.1:{port}"}
    status, headers, body = request(port, serving.STATE_PATH, {**own, "Sec-Fetch-Site": "same-origin"})
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert json.loads(body) == site.state()  # data, not a script that calls a function
    for hostile in (
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "http://evil.example"},
        {"Origin": f"http://127.0.0.1:{port}.evil.example"},
    ):
        assert request(port, serving.STATE_PATH, {**own, **hostile})[0] == 403, hostile
    assert request(port, "/__live__/state.js", own)[0] == 404  # the old script form is gone


def test_a_served_page_may_ask_its_own_server_and_nothing_else(live) -> None:
    _, port = live
    status, _, body = request(port, "/index.html")
    page = body.decode("utf-8")
    assert status == 200 and '<script src="/__live__.js"></script>' in page
    assert "connect-src 'self'" in page and "connect-src 'none'" not in page
    (built,) = [p for p in Path(live[0].out).glob("index.html")]
    assert "connect-src 'none'" in built.read_text(encoding="utf-8")  # the build itself is unchanged


@pytest.mark.parametrize(
    "path", ["/%00", "/a%00b.html", "/" + "a" * 5000, "/../../etc/hostname", "/%2e%2e/%2e%2e/etc/hostname", "//etc"]
)
def test_odd_paths_are_404_without_a_traceback(live, path: str, capfd) -> None:
    _, port = live
    assert request(port, path)[0] in (400, 404, 414)
    assert "Traceback" not in capfd.readouterr().err


def test_early_disconnects_and_garbage_print_no_traceback(live, capfd) -> None:
    _, port = live
    for data in (b"", b"GET / HTTP/1.1\r\n", b"\x00\xff\r\n\r\n", b"GET /index.html HTTP/1.0\r\nHost: x\r\n"):
        with socket.create_connection(("127.0.0.1", port), timeout=60) as client:
            client.sendall(data)
            client.shutdown(socket.SHUT_WR)
            client.recv(1)  # waits for the server's answer or close: then the request is over
    assert request(port, "/index.html")[0] == 200  # still serving
    assert "Traceback" not in capfd.readouterr().err


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    line=st.binary(max_size=300),
    path=st.text(max_size=80),
    headers=st.lists(st.tuples(st.text(max_size=20), st.text(max_size=40)), max_size=5),
)
def test_any_request_gets_an_answer_and_no_traceback(live, line: bytes, path: str, headers, capfd) -> None:
    """Fuzzing the request parser: raw bytes, or a request with any path and headers."""
    _, port = live
    head = f"GET {path} HTTP/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    for data in (line, head.encode("utf-8", "surrogatepass")):
        with socket.create_connection(("127.0.0.1", port), timeout=60) as client:
            client.sendall(data + b"\r\n\r\n")
            client.shutdown(socket.SHUT_WR)
            while client.recv(65536):
                pass  # the whole answer, then the server's close
    assert request(port, "/index.html")[0] == 200
    assert "Traceback" not in capfd.readouterr().err


# -- load: the pool, the queue, idle connections ---------------------------------------------


def test_two_hundred_concurrent_requests_are_all_answered_by_a_bounded_pool(live) -> None:
    _, port = live
    before = threading.active_count()
    with ThreadPoolExecutor(200) as clients:
        statuses = list(clients.map(lambda i: request(port, "/index.html")[0], range(200)))
        threads = threading.active_count() - before
    assert statuses == [200] * 200
    assert threads <= 200 + serving.WORKERS  # the clients, and at most the pool: no thread per request


def test_an_idle_connection_is_closed(live, monkeypatch) -> None:
    _, port = live
    monkeypatch.setattr(serving.Handler, "timeout", 0.5)
    with socket.create_connection(("127.0.0.1", port), timeout=120) as client:
        assert client.recv(1) == b""  # the server closed it: a silent client holds no thread
    assert request(port, "/index.html")[0] == 200


# -- refusals before serving -----------------------------------------------------------------


CLI = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from build_map import main; sys.exit(main(sys.argv[1:]))"


def run_serve(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    code = CLI
    return subprocess.run(
        [sys.executable, "-c", code, "serve", "--geo", str(FIXTURE_BATTLE), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.mark.parametrize("out", [".", "/", "mine"])
def test_a_folder_build_refuses_is_never_served(tmp_path: Path, out: str) -> None:
    (tmp_path / "private.txt").write_text("private", encoding="utf-8")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine", encoding="utf-8")
    run = run_serve("--out", out, "--port", "0", cwd=tmp_path)
    assert run.returncode == 3, run.stderr
    assert "serving" not in run.stdout
    assert "refusing" in run.stderr or "choose" in run.stderr, run.stderr
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_port_in_use_is_a_readable_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        run = run_serve("--out", str(tmp_path / "out"), "--port", str(taken.getsockname()[1]), cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert "cannot listen on 127.0.0.1" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()  # said before any build


# -- the watcher -----------------------------------------------------------------------------


def test_the_output_and_its_staging_folders_are_never_watched(tmp_path: Path) -> None:
    geo = tmp_path / "geo"
    out = geo / "out"
    keep = output_filter(out)
    change = serving_change()
    assert keep(change, str(geo / "action.geojson"))
    assert keep(change, str(geo / "outer.geojson"))
    assert not keep(change, str(out))
    assert not keep(change, str(out / "index.html"))
    assert not keep(change, str(geo / ".out.new-0123456789abcdef"))
    assert not keep(change, str(geo / ".out.new-0123456789abcdef" / "static" / "a.js"))
    assert not keep(change, str(geo / ".out.old-0123456789abcdef" / "index.html"))
    assert keep(change, str(geo / ".out.new-notours"))


def serving_change():
    import watchfiles

    return watchfiles.Change.modified


class Recorder(LiveSite):
    def __init__(self, geo: Path, out: Path, fail: int = 0):
        super().__init__(geo, out, "zh", lambda text, error: self.said.append(text))
        self.said: list[str] = []
        self.errors: list[str | None] = []
        self.fail = fail
        self.done = threading.Semaphore(0)

    def rebuild(self) -> None:
        super().rebuild()
        self.errors.append(self.error)  # each build's outcome, read after the fact: no race
        self.done.release()


def test_the_watcher_outlives_any_error_and_rebuilds_on_the_next_good_save(tmp_path: Path, monkeypatch) -> None:
    import watchfiles

    import layers.site

    geo = tmp_path / "geo"
    shutil.copytree(FIXTURE_BATTLE, geo)
    site = Recorder(geo, geo / "out")
    calls: list[dict] = []

    def fake_watch(*paths, **options):  # the watcher's own source fails once, then yields two bursts
        calls.append(options)
        if len(calls) == 1:
            raise RuntimeError("inotify watch limit reached")
        if len(calls) == 2:
            yield {(watchfiles.Change.modified, str(geo / "action.geojson"))}
            yield {(watchfiles.Change.modified, str(geo / "action.geojson"))}
        options["stop_event"].wait()  # then quiet until the server stops, as the real one is

    real_build = layers.site.build
    builds = itertools.chain([RuntimeError("not a data error")], itertools.repeat(None))

    def flaky_build(*args, **kwargs):
        failure = next(builds)
        if failure:
            raise failure
        return real_build(*args, **kwargs)

    monkeypatch.setattr(watchfiles, "watch", fake_watch)
    monkeypatch.setattr(layers.site, "build", flaky_build)
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(site, stop), daemon=True)
    thread.start()
    assert site.done.acquire(timeout=300)  # the first burst: the build fails with a non-data error
    assert site.done.acquire(timeout=300)  # the next burst: a good build
    first, second = site.errors
    assert first and "internal error: RuntimeError: not a data error" in first
    assert second is None and (geo / "out" / "index.html").is_file()
    stop.set()
    thread.join(timeout=300)
    assert any("the watcher stopped (RuntimeError: inotify watch limit reached)" in text for text in site.said)
    assert all(options["watch_filter"](serving_change(), str(geo / "out" / "x.html")) is False for options in calls)
    assert all(options["debounce"] >= 100 for options in calls)  # a burst of saves is one change set


def test_sigint_and_sigterm_stop_the_server_cleanly(tmp_path: Path) -> None:
    geo = tmp_path / "geo"
    shutil.copytree(FIXTURE_BATTLE, geo)
    for sig in (signal.SIGINT, signal.SIGTERM):
        code = (
            f"import sys; sys.path.insert(0, {str(ROOT)!r}); from build_map import main; sys.exit(main(sys.argv[1:]))"
        )
        process = subprocess.Popen(
            [sys.executable, "-c", code, "serve", "--geo", str(geo), "--out", str(tmp_path / "out"), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # as a background job starts
        )
        for line in process.stdout:  # blocks until the server says it serves
            if "serving" in line:
                break
        process.send_signal(sig)
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert "stopped" in out and "Traceback" not in err
