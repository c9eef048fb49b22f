"""Checks that a rendered page can run no code but the project's own."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

#: Scripts the project writes into every page: the vendored libraries, the page's script in
#: its parts, and three inline blocks, plus one inert data block (``type="application/json"``,
#: never executed).
EXTERNAL_SCRIPTS = [
    "static/leaflet-1.9.4/leaflet.js",
    "static/rbush-3.0.1/rbush.min.js",
    "static/topojson-client-3.1.0/topojson-client.min.js",
    "static/bm-basemap.js",
    "static/bm-core.js",
    "static/bm-panel.js",
    "static/bm-print.js",
    "static/bm-units.js",
    "static/bm-space.js",
    "static/bm-canvas.js",
    "static/bm-layers.js",
    "static/bm-timeline.js",
    "static/bm-language.js",
    "static/bm-base.js",
    "static/bm-locator.js",
    "static/bm-key.js",
    "static/bm-controls.js",
    "static/labels.js",
    "static/battlemap.js",
]
#: ...and the site's shared data, named by its content.
SHARED_DATA = re.compile(r"data/site-[0-9a-f]{16}\.js", re.ASCII)
INLINE_SCRIPTS = 3


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.external: list[str] = []
        self.inline: list[str] = []
        self.data: list[str] = []
        self._kind = "inline"
        self.handlers: list[str] = []
        self.bad_links: list[str] = []
        self.csp = ""
        self._in_script = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            link = name in ("href", "src", "action", "formaction", "xlink:href") and value
            if link and not re.match(r"^(https?://|#|[\w./-]+$|data:image/)", value.strip()):
                self.bad_links.append(f"<{tag} {name}={value!r}>")
        if tag == "meta" and values.get("http-equiv") == "Content-Security-Policy":
            self.csp = values.get("content") or ""
        if tag == "script":
            if values.get("src"):
                self.external.append(values["src"] or "")
            else:
                self._in_script = True
                self._kind = "data" if "type" in values else "inline"
                assert values.get("type") in (None, "application/json"), values
                self._buffer = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script:
            (self.data if self._kind == "data" else self.inline).append("".join(self._buffer))
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self._buffer.append(data)


def assert_page_is_safe(text: str) -> None:
    """Only the project's scripts, no event handlers, no script links, every inline script in the CSP."""
    page = _Collector()
    page.feed(text)
    assert page.external[:-1] == EXTERNAL_SCRIPTS and SHARED_DATA.fullmatch(page.external[-1]), page.external
    assert len(page.inline) == INLINE_SCRIPTS, page.inline[:5]
    assert len(page.data) == 1 and isinstance(json.loads(page.data[0]), dict)
    assert "<" not in page.data[0] and "&" not in page.data[0]  # no markup can close or open the block
    assert page.handlers == []
    assert page.bad_links == []
    assert page.csp.startswith("default-src 'none'; script-src 'self' ")
    for body in page.inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in page.csp
    assert "'unsafe-eval'" not in page.csp and "script-src 'self' 'unsafe-inline'" not in page.csp
