"""The site's detail files: each feature's account and sources (the keys of
:data:`layers.contract.DETAIL`), :data:`DETAIL_SIZE` features a file, loaded when a reader asks."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from ..contract import Global

#: How many features' details a detail file holds (about 0.7 MB of a dense battle's text):
#: a popup loads one file, however large the battle.
DETAIL_SIZE = 1000


def detail_files(details: Sequence[bytes]) -> list[tuple[str, bytes]]:
    """The detail files (path, script) of the features' ``details`` (each one's as UTF-8
    JSON): :data:`DETAIL_SIZE` features' each, in feature order, each named by its content."""
    out = []
    for k in range(0, (len(details) + DETAIL_SIZE - 1) // DETAIL_SIZE):
        script = detail_script(details, k, range(k * DETAIL_SIZE, min(len(details), (k + 1) * DETAIL_SIZE)))
        out.append((f"data/detail-{hashlib.sha256(script).hexdigest()[:16]}.js", script))
    return out


def inline_details(details: Sequence[bytes], indices: Iterable[int]) -> str:
    """The details of the features at ``indices`` (ascending) as the scripts of their files,
    each with only those features' (a single-file page carries what it draws, and no detail file)."""
    chunks: dict[int, list[int]] = {}
    for i in indices:
        chunks.setdefault(i // DETAIL_SIZE, []).append(i)
    return "".join(detail_script(details, k, ks).decode("utf-8") for k, ks in sorted(chunks.items()))


def detail_script(details: Sequence[bytes], chunk: int, indices: Iterable[int]) -> bytes:
    """A detail file's script: it queues ``[chunk, {feature index: detail}]`` on
    ``window.BM_DETAILS`` for the page to take (bm-panel.js)."""
    parts = b",".join(b'"%d":%s' % (i, details[i]) for i in indices)
    queue = Global.DETAILS.encode()
    return b"(window.%s=window.%s||[]).push([%d,{%s}]);" % (queue, queue, chunk, parts)
