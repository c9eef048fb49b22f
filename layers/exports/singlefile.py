"""Single-file HTML: each page of the site with every script, style and image inline."""

from __future__ import annotations

from ..data.model import Battle
from ..page.assemble import render_site


def render_single_file(battle: Battle, phases: list[str], lang: str) -> dict[str, bytes]:
    """Each phase page and the atlas as one self-contained HTML file (no tiles, no
    neighbouring files: it works with no network at all), keyed by file name."""
    files = render_site(battle, phases, lang, single_file=True)
    return {name: content for name, content in files.items() if name.endswith(".html")}
