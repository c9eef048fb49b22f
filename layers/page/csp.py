"""The page's Content Security Policy, from the exact inline scripts the build wrote."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

from .ui import tile_hosts


def tidy(text: str) -> str:
    """Drop trailing spaces folium's templates leave, so files diff cleanly.

    Splits on "\n" only: ``str.splitlines`` would also break at U+0085, U+2028 and other
    separators that may stand inside the page's JSON data.
    """
    return "\n".join(line.rstrip(" \t") for line in text.split("\n")).rstrip("\n") + "\n"


def tidy_block(text: str) -> str:
    """A script's body as :func:`tidy` leaves it inside a page: the blanks that end each of
    its lines are dropped, not those before the closing tag on its last line."""
    *lines, last = text.split("\n")
    return "\n".join([*(line.rstrip(" \t") for line in lines), last])


def scripts_in(fragment: str) -> list[str]:
    """The inline script bodies of a fragment folium writes (no data ever reaches it)."""
    bodies, at = [], 0
    while (start := fragment.find("<script>", at)) >= 0:
        end = fragment.index("</script>", start)
        bodies.append(tidy_block(fragment[start + len("<script>") : end]))
        at = end
    return bodies


def content_security_policy(scripts: Iterable[str], network: bool = True) -> str:
    """The page's CSP: scripts only from the page's own folder or the exact inline scripts
    the build wrote (``scripts``, by sha256), no plugins, no frames, no forms, no network
    but the optional tile servers' images (:data:`layers.page.ui.TILES`); with ``network`` off (single-file exports)
    nothing at all is loaded from anywhere, not even the page's own folder."""
    hashes = " ".join(
        "'sha256-{}'".format(base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode())
        for body in scripts
    )
    own = "'self' " if network else ""
    images = " ".join(["'self' data:", *tile_hosts()]) if network else "data:"
    return (
        f"default-src 'none'; script-src {own}{hashes}; style-src {own}'unsafe-inline'; img-src {images}; "
        f"font-src {own}data:; connect-src 'none'; object-src 'none'; frame-src 'none'; base-uri 'none'; "
        "form-action 'none'"
    )


def with_csp(page: str, scripts: list[str], network: bool = True) -> str:
    """Insert the policy for ``scripts`` as the first element of <head>, before any script can run."""
    for body in scripts:
        if f"<script>{body}</script>" not in page:  # the build's own bookkeeping is wrong
            raise AssertionError("an inline script the build wrote is not in the page as written")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(scripts, network)}">'
    return page.replace("<head>\n", f"<head>\n{meta}\n", 1)
