"""Rendered symbols kept between runs in the user's cache, one JSON file per SIDC and size.

The cache may be shared (a CI cache, another user's ``~/.cache``): an entry is used only if it
is plain milsymbol SVG (:func:`~.plain.is_plain_symbol`), and written as a new file, never
through a link planted there.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from importlib import metadata
from pathlib import Path

from .plain import is_plain_symbol

#: A rendered symbol: SVG markup, width, height and anchor (x, y).
Symbol = tuple[str, float, float, float, float]
#: The keys of a cache entry, in the order of :data:`Symbol`.
KEYS = ("svg", "w", "h", "ax", "ay")


def cache_file(sidc: str, size: int) -> Path | None:
    """Where the symbol for ``sidc`` at ``size`` is kept between runs (keyed by milsymbol's
    version); None without milsymbol."""
    root = os.environ.get("HENGYANG_MAP_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "hengyang-map"
    )
    try:
        version = metadata.version("milsymbol")
    except metadata.PackageNotFoundError:
        return None
    return Path(root) / "symbols" / f"milsymbol-{version}-{sidc}-{size}.json"


def read_symbol(cache: Path) -> Symbol | None:
    """The symbol kept in ``cache``; None if there is none, or it is damaged, or not plain
    milsymbol SVG (then it is rendered again, and the entry put right)."""
    if not cache.is_file():
        return None
    try:
        entry = json.loads(cache.read_text(encoding="utf-8"))
        cached = (entry["svg"], entry["w"], entry["h"], entry["ax"], entry["ay"])
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None  # a damaged cache entry is simply rendered again
    # Anyone who can write the cache could put script into every page: an entry is used only
    # if it is plain milsymbol SVG.
    return cached if is_plain_symbol(*cached) else None


def write_symbol(cache: Path, symbol: Symbol) -> None:
    """Keep ``symbol`` in ``cache`` (atomically; silently not, where the cache cannot be written)."""
    with contextlib.suppress(OSError):
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.{secrets.token_hex(4)}.tmp")
        # a new file, never through a symlink someone else planted in a shared cache
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with open(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(dict(zip(KEYS, symbol, strict=True))))
        os.replace(tmp, cache)
