"""Read a page's data as its script sees it: the page's part joined with the site's shared data."""

from __future__ import annotations

import json
import re
from pathlib import Path

SITE_DATA = re.compile(r"data/site-[0-9a-f]{16}\.js", re.ASCII)
PREFIX, SUFFIX = "window.BM_SITE = ", ";"


def shared_data(text: str) -> dict:
    """The object a shared site data file (or a single-file page's inline copy) sets."""
    assert text.startswith(PREFIX) and text.endswith(SUFFIX), text[:80]
    assert "<" not in text and "\u2028" not in text  # safe inline, and as a script
    return json.loads(text[len(PREFIX) : -len(SUFFIX)])


def page_part(page: str) -> dict:
    """The page's own data block, as written."""
    match = re.search(r'<script type="application/json" id="bm-data">(.*?)</script>', page)
    assert match, "the page must carry its data"
    return json.loads(match.group(1))


def page_data(page: str | bytes, site: dict[str, bytes] | Path) -> dict:
    """The data ``BattleMap.init`` receives: the page's own part, with the site's features,
    styles and symbols (features keyed by their index in the site's data).

    ``site`` is the rendered files (from ``render_site``) or the output folder.
    """
    text = page.decode("utf-8") if isinstance(page, bytes) else page
    name = SITE_DATA.search(text).group(0)
    raw = site[name] if isinstance(site, dict) else (site / name).read_bytes()
    shared = shared_data(raw.decode("utf-8"))
    data = page_part(text)
    features = shared["features"]
    data["features"] = (
        dict(enumerate(features)) if isinstance(features, list) else {int(k): v for k, v in features.items()}
    )
    data["styles"], data["icons"] = shared["styles"], shared["icons"]
    return data


def drawn(data: dict) -> list[dict]:
    """The features a page draws, each once, in the order its groups list them."""
    seen: dict[int, dict] = {}
    for group in data["groups"]:
        for item in group["items"]:
            seen.setdefault(item[0], data["features"][item[0]])
    return list(seen.values())
