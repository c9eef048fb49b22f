"""Reading a data file's text, TOML and JSON: bounded, and every failure a readable problem."""

from __future__ import annotations

import codecs
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import msgspec

from ..errors import Problem, shorten
from .rules import (
    MAX_FILE_BYTES,
)


def read_data(path: Path, root: Path, label: str, problems: list[Problem]) -> bytes | None:
    """The bytes of a data file that really lies inside ``root``, a UTF-8 byte-order mark
    dropped (editors on Windows add one); None (and a problem) if it cannot be read. Whether
    they are UTF-8 is for the reader (:func:`decode_text`, :func:`parse_json_data`)."""
    try:
        if not path.resolve().is_relative_to(root.resolve()):
            problems.append(
                Problem(label, "", "", "a path that leads outside the data folder", "a file inside the data folder")
            )
            return None
        if not path.exists():
            problems.append(Problem(label, "", "", "no such file", "the file named in the manifest"))
            return None
        if not path.is_file():
            problems.append(Problem(label, "", "", "a folder or special file", "a regular file"))
            return None
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(label, "", "", f"{size} bytes", f"at most {MAX_FILE_BYTES} bytes"))
            return None
        raw = path.read_bytes()
    except OSError as err:
        problems.append(Problem(label, "", "", f"unreadable ({err.strerror})", "a readable file"))
        return None
    return raw[len(codecs.BOM_UTF8) :] if raw.startswith(codecs.BOM_UTF8) else raw


def decode_text(data: bytes, label: str, problems: list[Problem]) -> str | None:
    """``data`` as UTF-8 text; None (and a problem naming the offset) if it is not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        problems.append(Problem(label, "", "", f"bytes that are not UTF-8 at offset {err.start}", "a UTF-8 text file"))
        return None


def parse_toml(text: str, label: str, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        problems.append(Problem(label, "", "", f"invalid TOML ({err})", "a valid TOML file"))
        return None
    except RecursionError:
        problems.append(Problem(label, "", "", "TOML nested too deeply", "a valid TOML file"))
        return None


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}", re.ASCII)


def _lone_surrogate(document: Any) -> str | None:
    """The first text (value or key) of ``document`` holding a lone UTF-16 surrogate: JSON
    can write one as an escape, but it is no character and cannot be written as UTF-8."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and any("\ud800" <= char <= "\udfff" for char in value):
            return value
    return None


def parse_json(text: str, label: str, problems: list[Problem]) -> Any:
    try:
        document = json.loads(text, parse_constant=_reject_constant)
        if _SURROGATE_ESCAPE.search(text) and (bad := _lone_surrogate(document)) is not None:
            problems.append(Problem(label, "", "", f"a lone surrogate in {shorten(bad)}", "text of Unicode characters"))
            return None
        return document
    except json.JSONDecodeError as err:
        problems.append(
            Problem(
                label,
                "",
                "",
                f"invalid JSON at line {err.lineno} column {err.colno} ({err.msg})",
                "a valid JSON (GeoJSON) file",
            )
        )
    except ValueError as err:
        problems.append(Problem(label, "", "", f"invalid JSON ({err})", "finite numbers only"))
    except RecursionError:
        problems.append(Problem(label, "", "", "JSON nested too deeply", "a GeoJSON FeatureCollection"))
    return None


def parse_json_data(data: bytes, label: str, problems: list[Problem]) -> Any:
    """The JSON document of the UTF-8 bytes ``data``, as :func:`parse_json` reads its text.

    msgspec reads it, a third faster than ``json`` and with no text decoded first. Whatever
    it refuses (bytes that are not UTF-8, a lone surrogate, NaN, a number out of range, a
    syntax error, a nesting too deep) is read again the stdlib's way, which reports the same
    problem as ever, or reads what msgspec would not (``1e400`` as infinity, which the
    feature's checks then refuse by name)."""
    try:
        return msgspec.json.decode(data)
    except (msgspec.MsgspecError, RecursionError):
        text = decode_text(data, label, problems)
        return parse_json(text, label, problems) if text is not None else None


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number in JSON")
