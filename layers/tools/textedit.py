"""Changing values in a GeoJSON file's text without reformatting it, for ``import``.

A data file is written by people and by editors, each in its own style (one space or two,
tabs, one line). Rewriting the whole file would make a one-field edit a diff of every line,
so only the text of the values that changed is replaced: a changed number or text in place,
an object whose keys changed (or an array) written again in the file's own indentation,
starting at the column where the old one started. Everything else stays byte for byte.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class _Style:
    """How the file writes JSON: its indent unit (None: one line), separators, escapes."""

    def __init__(self, text: str):
        start = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
        after = _SPACE.match(text, start + 1).group()  # type: ignore[union-attr]
        self.indent: str | None = after.rsplit("\n", 1)[1] if "\n" in after else None
        if self.indent == "":
            self.indent = None
        sample = text[:4096]
        self.separators = (
            "," if self.indent is not None or ", " not in sample else ", ",
            ": " if '": ' in sample else ":",
        )
        self.ensure_ascii = text.isascii() and "\\u" in text
        self.newline = "\r\n" if "\r\n" in sample else "\n"  # a file saved on Windows keeps its line ends

    def dump(self, value: Any, margin: str) -> str:
        """``value`` as this file writes it, its later lines indented by ``margin``."""
        text = json.dumps(value, ensure_ascii=self.ensure_ascii, indent=self.indent, separators=self.separators)
        return text.replace("\n", self.newline + margin) if self.indent is not None else text


def _members(text: str, pos: int) -> list[tuple[str, int, int]]:
    """(key, start, end) of each member of the object whose ``{`` is at ``pos``."""
    found: list[tuple[str, int, int]] = []
    pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
    if text[pos] == "}":
        return found
    while True:
        key, pos = scanstring(text, pos + 1)
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr] # past ':'
        _, end = _DECODER.raw_decode(text, pos)
        found.append((key, pos, end))
        pos = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if text[pos] == "}":
            return found
        pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr] # past ','


def _elements(text: str, pos: int) -> list[tuple[int, int, Any]]:
    """(start, end, value) of each element of the array whose ``[`` is at ``pos``."""
    found: list[tuple[int, int, Any]] = []
    pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
    if text[pos] == "]":
        return found
    while True:
        value, end = _DECODER.raw_decode(text, pos)
        found.append((pos, end, value))
        pos = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if text[pos] == "]":
            return found
        pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]


def _margin(text: str, pos: int) -> str:
    """The spaces and tabs that begin the line on which ``pos`` lies."""
    line = text.rfind("\n", 0, pos) + 1
    return re.match(r"[ \t]*", text[line:pos]).group()  # type: ignore[union-attr]


def _replace(
    text: str, start: int, end: int, old: Any, new: Any, style: _Style, out: list[tuple[int, int, str]]
) -> None:
    """Record the replacements that turn the value ``old`` at ``text[start:end]`` into ``new``."""
    if old == new and type(old) is type(new):
        return
    if isinstance(old, dict) and isinstance(new, dict) and list(old) == list(new):
        for key, vstart, vend in _members(text, start):
            _replace(text, vstart, vend, old[key], new[key], style, out)
        return
    out.append((start, end, style.dump(new, _margin(text, start))))


def edit_features(text: str, document: dict[str, Any], changed: dict[str, dict[str, Any]]) -> str:
    """``text`` (a FeatureCollection, parsed as ``document``) with the features of ``changed``
    (id -> the feature's new object) replaced, value by value, in the file's own style.

    >>> text = '{\\n  "features": [\\n    {"id": "a", "properties": {"n": 1, "m": 2}}\\n  ]\\n}\\n'
    >>> doc = json.loads(text)
    >>> print(edit_features(text, doc, {"a": {"id": "a", "properties": {"n": 1, "m": 3}}}), end="")
    {
      "features": [
        {"id": "a", "properties": {"n": 1, "m": 3}}
      ]
    }
    """
    style = _Style(text)
    replacements: list[tuple[int, int, str]] = []
    start = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    for key, vstart, _vend in _members(text, start):
        if key != "features":
            continue
        for fstart, fend, old in _elements(text, vstart):
            if isinstance(old, dict) and old.get("id") in changed:
                _replace(text, fstart, fend, old, changed[old["id"]], style, replacements)
    result = text
    for rstart, rend, new in sorted(replacements, reverse=True):
        result = result[:rstart] + new + result[rend:]
    expected = dict(document)
    expected["features"] = [
        changed.get(str(item.get("id")), item) if isinstance(item, dict) else item for item in document["features"]
    ]
    if json.loads(result) != expected:  # a style this reader did not foresee: the whole file, indented as found
        return json.dumps(expected, ensure_ascii=style.ensure_ascii, indent=style.indent or 1) + "\n"
    return result
