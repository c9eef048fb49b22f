"""A printed PDF's text layer made searchable: radicals read as the characters they are.

Chromium writes each font's ToUnicode map from the font's own character map, and a CJK font
draws 日 and the Kangxi radical ⽇ (U+2F47) with one glyph: the map then says the glyph is the
radical, so a PDF's text reads "6⽉" and a search for 月 finds nothing. The pages draw no
radicals (the data holds none), so every radical a map names is the ideograph it looks like
(:mod:`.radicals`, from Unicode's EquivalentUnifiedIdeograph.txt).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .radicals import EQUIVALENT

_CHARS = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_RANGES = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_CHAR = re.compile(rb"(<[0-9A-Fa-f]+>\s*)<([0-9A-Fa-f]+)>")
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]+)>|\[([^\]]*)\])")
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def _plain(digits: bytes) -> bytes:
    """``digits`` (UTF-16BE in hexadecimal), with every radical its ideograph."""
    try:
        text = bytes.fromhex(digits.decode("ascii")).decode("utf-16-be")
    except (ValueError, UnicodeDecodeError):
        return digits  # not text: left as Chromium wrote it
    plain = "".join(chr(EQUIVALENT.get(ord(c), ord(c))) for c in text)
    return digits if plain == text else plain.encode("utf-16-be").hex().upper().encode("ascii")


def _range(match: re.Match[bytes]) -> bytes:
    """One bfrange entry, written out as an array of targets when a target is a radical."""
    low, high, first, targets = match.groups()
    if targets is not None:
        return _HEX.sub(lambda m: b"<" + _plain(m.group(1)) + b">", match.group(0))
    start, count = int(first, 16), int(high, 16) - int(low, 16) + 1
    width = len(first)
    written = [f"{start + i:0{width}X}".encode("ascii") for i in range(max(count, 0))]
    plain = [_plain(digits) for digits in written]
    if plain == written:
        return match.group(0)
    return b"<%s> <%s> [%s]" % (low, high, b" ".join(b"<" + p + b">" for p in plain))


def mend_cmap(data: bytes) -> bytes:
    """A ToUnicode CMap with each radical target replaced by its ideograph."""
    data = _CHARS.sub(
        lambda block: _CHAR.sub(lambda m: m.group(1) + b"<" + _plain(m.group(2)) + b">", block.group(0)), data
    )
    return _RANGES.sub(lambda block: _RANGE.sub(_range, block.group(0)), data)


def _fonts(resources: Any, seen: set[int]) -> Iterator[Any]:
    """Every font dictionary reachable from ``resources`` (through forms and Type 3 fonts)."""
    if resources is None:
        return
    resources = resources.get_object()
    for group in ("/Font", "/XObject"):
        for entry in resources.get(group, {}).values():
            ref = getattr(entry, "idnum", None)
            if ref is not None:
                if ref in seen:
                    continue
                seen.add(ref)
            item = entry.get_object()
            if group == "/Font":
                yield item
            yield from _fonts(item.get("/Resources"), seen)


def mend_text_layer(writer: Any) -> int:
    """Rewrite the ToUnicode map of every font on ``writer``'s pages (a ``pypdf.PdfWriter``);
    return how many maps changed."""
    seen: set[int] = set()
    changed = 0
    for page in writer.pages:
        for font in _fonts(page.get("/Resources"), seen):
            if "/ToUnicode" not in font:
                continue
            stream = font["/ToUnicode"].get_object()
            data = stream.get_data()
            mended = mend_cmap(data)
            if mended != data:
                stream.set_data(mended)
                changed += 1
    return changed
