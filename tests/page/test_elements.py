"""The page elements' JSON: the build's one encoder."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from layers.page.elements import JSONText, json_bytes, json_object, json_text, to_json

_UNSAFE = (("<", "003c"), (">", "003e"), ("&", "0026"), ("'", "0027"), ("\u2028", "2028"), ("\u2029", "2029"))


def test_json_text_is_json_dumps_made_safe() -> None:
    """The build's one encoder writes what ``json.dumps`` with its options writes, refuses
    NaN (never null), and escapes what may not stand raw in a script."""
    value = {"b": [1.5, "<\\/script>", "a & b's", "\u2028\u2029"], "a": {"z": 1, "y": "高程"}}
    plain = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    assert json.loads(json_text(value)) == value
    escaped = plain
    for char, code in _UNSAFE:
        escaped = escaped.replace(char, "\\u" + code)
    assert json_text(value) == escaped
    assert str(to_json(value)) == json_text(value)
    with pytest.raises(ValueError):
        json_text({"x": math.nan})


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


@given(_JSON)
def test_the_encoder_made_once_writes_what_json_dumps_writes(value: object) -> None:
    """json_text calls the C encoder it made once (not one per call, as ``JSONEncoder.encode``
    does): for any JSON value, the text is ``json.dumps``'s with the same options, made safe."""
    plain = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    for char, code in _UNSAFE:
        plain = plain.replace(char, "\\u" + code)
    assert json_text(value) == plain


@given(st.dictionaries(st.text(max_size=6), st.tuples(_JSON, st.booleans()), max_size=6))
def test_an_object_of_json_texts_is_the_text_of_the_object(members: dict[str, tuple[object, bool]]) -> None:
    """json_object writes a JSONText value as it is and encodes the rest: the same text as
    json_text of the whole object."""
    parts = {key: JSONText(json_text(value)) if written else value for key, (value, written) in members.items()}
    assert json_object(parts) == json_text({key: value for key, (value, _) in members.items()})


def _floats(value: object) -> bool:
    """Whether ``value`` holds a float (which the two encoders may spell differently)."""
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(map(_floats, value.values()))
    return isinstance(value, list) and any(map(_floats, value))


@given(_JSON)
def test_the_bulk_encoder_writes_the_same_json_made_safe(value: object) -> None:
    """json_bytes (the site's entries and details) writes the value json_text writes, as
    UTF-8: byte for byte but for how a float may be spelt, and never a raw unsafe character."""
    data = json_bytes(value)
    assert json.loads(data) == value
    text = data.decode("utf-8")
    assert not any(char in text for char, _ in _UNSAFE)
    if not _floats(value):
        assert text == json_text(value)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_the_bulk_encoder_refuses_what_is_not_a_number(bad: float) -> None:
    """msgspec would write NaN and the infinities as null: json_bytes refuses them, as
    json_text does; a real null is written."""
    with pytest.raises(ValueError):
        json_bytes({"g": [112.6, bad], "n": None})
    assert json_bytes({"g": [112.6, 26.9], "n": None}) == b'{"g":[112.6,26.9],"n":null}'


def test_the_bulk_encoder_hands_what_it_cannot_write_to_json_text() -> None:
    """A str subclass (Markup) or a lone surrogate: msgspec cannot write it; the text is
    json_text's, or json_text's own error."""
    assert json_bytes({"a": Markup("<b>")}) == json_text({"a": "<b>"}).encode("utf-8")
    with pytest.raises(UnicodeEncodeError):
        json_bytes({"a": "\ud800"})
    with pytest.raises(TypeError):
        json_bytes({"a": object()})


def test_the_bulk_encoder_writes_each_threads_values_apart() -> None:
    """Builds may run side by side (the library in a notebook, serve): each thread's values are
    written whole, none of another thread's bytes mixed in (each thread has its own buffer)."""
    from concurrent.futures import ThreadPoolExecutor

    def write(n: int) -> list[bool]:
        values = [
            {"id": f"{n}-{i}", "g": [112.6 + i / 1000, 26.9], "n": ["衡阳" * (i % 7), "Hengyang"]} for i in range(3000)
        ]
        return [json_bytes(v) == json_text(v).encode("utf-8") for v in values]

    with ThreadPoolExecutor(4) as pool:
        assert all(all(done) for done in pool.map(write, range(8)))
