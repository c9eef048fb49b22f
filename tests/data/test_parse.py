"""Reading a layer's JSON: msgspec's fast path reads what the stdlib reads, and leaves every
refusal to it, so each problem is reported as it always was."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layers.data.parse import decode_text, parse_json, parse_json_data
from layers.errors import Problem

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


def _both(data: bytes) -> tuple[tuple[object, list[Problem]], tuple[object, list[Problem]]]:
    """What the fast path and the stdlib's way make of ``data``: (document, problems) each."""
    fast: list[Problem] = []
    slow: list[Problem] = []
    text = decode_text(data, "layer.geojson", slow)
    return (
        (parse_json_data(data, "layer.geojson", fast), fast),
        (parse_json(text, "layer.geojson", slow) if text is not None else None, slow),
    )


@given(_JSON, st.booleans())
def test_the_fast_path_reads_what_the_stdlib_reads(value: object, ascii_only: bool) -> None:
    """Any JSON value, written with or without escapes: the same document, floats exactly."""
    data = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8")
    (fast, fast_problems), (slow, slow_problems) = _both(data)
    assert fast == slow == value and fast_problems == slow_problems == []
    assert json.dumps(fast) == json.dumps(slow)  # -0.0 stays -0.0; ints stay ints


@pytest.mark.parametrize(
    "data",
    [
        b'{"type": "FeatureCollection", "features": [',  # cut short
        b"[NaN]",
        b"[-Infinity]",
        b'["\\ud800"]',  # a lone surrogate, escaped
        b'["\\udc00 and more"]',
        b'["caf\xe9"]',  # Latin-1, not UTF-8
        b'["\xed\xa0\x80"]',  # a surrogate written as UTF-8
        b"[" * 100_000 + b"]" * 100_000,  # nested too deeply
        b"",
    ],
)
def test_what_the_fast_path_refuses_is_reported_as_ever(data: bytes) -> None:
    """Each refusal is the stdlib path's own problem, word for word, and no document."""
    (fast, fast_problems), (slow, slow_problems) = _both(data)
    assert fast is None and slow is None
    assert fast_problems == slow_problems and len(fast_problems) == 1


def test_a_number_out_of_range_is_read_as_the_stdlib_reads_it() -> None:
    """msgspec refuses ``1e400``; the stdlib reads infinity, which a feature's checks refuse
    by name (``finite``): the fast path hands it on the same way."""
    (fast, fast_problems), (slow, _) = _both(b'{"coordinates": [1e400, 26.9]}')
    assert fast == slow and math.isinf(fast["coordinates"][0]) and fast_problems == []
