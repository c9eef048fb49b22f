"""Read a page's data as its script sees it: the page's part joined with the site's shared data."""

from __future__ import annotations

import json
import re
from pathlib import Path

SITE_DATA = re.compile(r"data/site-[0-9a-f]{16}\.js", re.ASCII)
DETAIL_DATA = re.compile(r"data/detail-[0-9a-f]{16}\.js", re.ASCII)
PREFIX, SUFFIX = "window.BM_SITE = ", ";"
DETAIL_PREFIX, DETAIL_SUFFIX = "(window.BM_DETAILS=window.BM_DETAILS||[]).push(", ");"


def detail_chunks(text: str) -> list[list]:
    """The ``[chunk, {feature index: detail}]`` a detail file (or the detail scripts after a
    single-file page's inline data) queues, in order."""
    assert "<" not in text and "\u2028" not in text  # safe inline, and as a script
    decoder, out, at = json.JSONDecoder(), [], 0
    while at < len(text):
        assert text.startswith(DETAIL_PREFIX, at), text[at : at + 80]
        chunk, at = decoder.raw_decode(text, at + len(DETAIL_PREFIX))
        assert text.startswith(DETAIL_SUFFIX, at), text[at : at + 80]
        at += len(DETAIL_SUFFIX)
        out.append(chunk)
    return out


def merge_details(site: dict, chunks: list[list]) -> dict:
    """The site's records made whole with their details, as the page makes them (bm-panel.js)."""
    features = site["features"]
    for _, parts in chunks:
        for index, part in parts.items():
            (features[int(index)] if isinstance(features, list) else features[index]).update(part)
    return site


RUNS_PREFIX, RUN, RUNS_SUFFIX = "BM_SITE.features=[].concat(", re.compile(r"JSON\.parse\('((?:[^'\\]|\\.)*)'\)"), ");"


def _js_string(body: str) -> str:
    """A single-quoted JavaScript string's value, as the shared file writes them: its only
    escapes are a backslash before a backslash or a quote."""
    assert re.fullmatch(r"(?:[^'\\\n\r]|\\[\\'])*", body), "an escape the file never writes"
    return re.sub(r"\\(.)", r"\1", body)


def shared_data(text: str, whole: bool = True) -> dict:
    """The object a shared site data file (or a single-file page's inline copy) sets; a
    single-file page's records made whole with the details it carries (unless not ``whole``).

    A shared file sets the head with no features, then adds the features in runs, each the
    JSON text of a list in a string that ``JSON.parse`` reads; an inline copy is one object."""
    assert text.startswith(PREFIX), text[:80]
    assert "<" not in text and "\u2028" not in text  # safe inline, and as a script
    site, at = json.JSONDecoder().raw_decode(text, len(PREFIX))
    assert text.startswith(SUFFIX, at), text[at : at + 80]
    at += len(SUFFIX)
    if text.startswith(RUNS_PREFIX, at):
        assert site["features"] == [], "the runs add every feature"
        at += len(RUNS_PREFIX)
        while True:
            run = RUN.match(text, at)
            assert run, text[at : at + 80]
            site["features"].extend(json.loads(_js_string(run.group(1))))
            at = run.end()
            if not text.startswith(",", at):
                break
            at += 1
        assert text.startswith(RUNS_SUFFIX, at), text[at : at + 80]
        at += len(RUNS_SUFFIX)
    details = text[at:]
    return merge_details(site, detail_chunks(details)) if whole else site


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

    def read(name: str) -> str:
        return (site[name] if isinstance(site, dict) else (site / name).read_bytes()).decode("utf-8")

    shared = shared_data(read(name))
    for path in shared["details"][1]:  # the page loads them when a reader asks: here, all
        merge_details(shared, detail_chunks(read(path)))
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
