"""The page elements' JSON: the build's one encoder."""

from __future__ import annotations

import json
import math

import pytest

from layers.page.elements import json_text, to_json


def test_json_text_is_json_dumps_made_safe() -> None:
    """The build's one encoder writes what ``json.dumps`` with its options writes, refuses
    NaN (never null), and escapes what may not stand raw in a script."""
    value = {"b": [1.5, "<\\/script>", "a & b's", "\u2028\u2029"], "a": {"z": 1, "y": "高程"}}
    plain = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    assert json.loads(json_text(value)) == value
    escaped = plain
    for char, code in (
        ("<", "003c"),
        (">", "003e"),
        ("&", "0026"),
        ("'", "0027"),
        ("\u2028", "2028"),
        ("\u2029", "2029"),
    ):
        escaped = escaped.replace(char, "\\u" + code)
    assert json_text(value) == escaped
    assert str(to_json(value)) == json_text(value)
    with pytest.raises(ValueError):
        json_text({"x": math.nan})
