"""Fuzzing: arbitrary JSON and TOML values in every field and geometry of a real data folder.

Each example copies the mini battle, replaces one or a few values anywhere in its manifest,
bibliography or layers (a field, a geometry, a whole record, a key) with a generated value
(wrong types, nesting, huge, NaN and infinite numbers, any unicode, empty strings, deep
nesting), and runs ``check`` and ``build`` in-process. Both must agree and end in exit 0
(pages written) or exit 1 (readable problem lines); never exit 4, never a traceback.

Bounded for CI by default; ``HYPOTHESIS_PROFILE=deep`` runs many more examples.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import shutil
import tempfile
import tomllib
from datetime import UTC, date, time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from build_map import main

from ..conftest import FIXTURE_BATTLE

settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
settings.register_profile("deep", max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
FILES = ("manifest.toml", "sources.toml", "action.geojson", "ground.geojson")
ORIGINAL = {
    name: (tomllib.loads if name.endswith(".toml") else json.loads)((FIXTURE_BATTLE / name).read_text("utf-8"))
    for name in FILES
}

# -- values ---------------------------------------------------------------------------------

NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(),  # NaN and infinities included
    st.sampled_from([0, -1, 1e308, -1e308, 1e-320, 2**63, -(2**63) - 1, 10**400, 4.1, 50.07]),
)
TEXTS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "\n",
            "morning\n",
            "1805-05-02",
            "1805-02-30",
            "0000-01-01",
            "9999-12-31",
            "north",
            "chronicle",
            "position",
            "unit",
            "10031000001211000000",
            "10031000991211000000",
            "99999999999999999999",
            "#2166ac",
            "\x1b[31m",
            "\u202e",
            "\U0001f525",
            "\ud800",
            "a\udfffb",
            "\ufeff",
            "\x00",
            "<script>alert(1)</script>",
            "{{ 7*6 }}",
            "con",
            "all",
            "reference",
            "../../etc/passwd",
            "/etc/passwd",
            "a" * 5000,
        ]
    ),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXTS)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXTS, inner, max_size=4)),
    max_leaves=12,
)
#: Positions inside and around the mini battle's bounds, so that geometries reach shapely.
POSITIONS = st.lists(
    st.one_of(st.floats(3.99, 4.21), st.floats(49.99, 50.16), NUMBERS), min_size=0, max_size=4
) | st.tuples(st.floats(4.0, 4.2), st.floats(50.0, 50.15)).map(list)
COORDINATES = st.recursive(POSITIONS, lambda inner: st.lists(inner, max_size=5), max_leaves=20)
GEOMETRIES = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"]
        )
        | TEXTS,
        "coordinates": COORDINATES | VALUES,
    }
)


class Deep:
    """Arrays nested ``depth`` deep, written out as text (too deep to build as lists)."""

    def __init__(self, depth: int):
        self.depth = depth

    def text(self) -> str:
        return "[" * self.depth + "1" + "]" * self.depth


def deep(depth: int) -> Deep:
    return Deep(depth)


REPLACEMENTS = st.one_of(
    VALUES,
    GEOMETRIES,
    (st.integers(min_value=200, max_value=3000) | st.integers(min_value=900, max_value=1000)).map(deep),
    st.dates().map(lambda d: d),  # TOML dates; JSON writes them as text
    TEMPORAL := st.one_of(  # TOML's other value types: date-times (local and with an offset), times
        st.datetimes(),
        st.datetimes(timezones=st.just(UTC)),
        st.times(),
    ),
)

# -- paths into the documents ---------------------------------------------------------------


def paths(value: Any, here: tuple = ()) -> list[tuple]:
    """Every path (tuple of keys and indices) to a value in ``value``, the root included."""
    found = [here]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*here, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*here, index))
    return found


def _at(document: Any, path: tuple) -> Any:
    for key in path:
        document = document[key]
    return document


ALL_PATHS = [(name, path) for name in FILES for path in paths(ORIGINAL[name]) if path]


@st.composite
def mutations(draw: st.DrawFn) -> list[tuple[str, tuple, str, Any]]:
    """One to three edits: (file, path, action, value), action one of set, delete, add."""
    edits = []
    for _ in range(draw(st.integers(1, 3))):
        name, path = draw(st.sampled_from(ALL_PATHS))
        action = draw(st.sampled_from(["set", "set", "set", "delete", "add"]))
        value = draw(REPLACEMENTS)
        if action == "add":
            value = (draw(TEXTS), value)
        edits.append((name, path, action, value))
    return edits


def apply(document: Any, path: tuple, action: str, value: Any) -> None:
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if action == "set":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif isinstance(parent[last], dict):
        parent[last][value[0]] = value[1]
    elif isinstance(parent[last], list):
        parent[last].append(value[1])
    else:
        parent[last] = value[1]


# -- writing the files ----------------------------------------------------------------------


def toml_text(document: dict) -> str:
    """A minimal TOML writer: every top-level key as ``key = <inline value>``."""
    return "".join(f"{_toml_key(k)} = {_toml(v)}\n" for k, v in document.items() if v is not None)


def _toml_key(key: Any) -> str:
    return _toml_string(str(key))


def _toml_string(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _toml(value: Any) -> str:
    if isinstance(value, Deep):
        return value.text()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        # TOML integers are 64-bit: a larger one is written as a float (TOML has no bigger)
        return str(value) if -(2**63) <= value < 2**63 else f"{value}.0"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(value)
    if isinstance(value, (date, time)):
        return value.isoformat()  # a date, a date-time or a time of day: TOML writes each so
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml(v)}" for k, v in value.items() if v is not None) + "}"
    return '""'


def json_text(document: Any) -> str:
    deeps: list[Deep] = []

    def default(value: Any) -> Any:
        if isinstance(value, Deep):
            deeps.append(value)
            return f"\x00deep{len(deeps) - 1}\x00"
        return value.isoformat()

    # ASCII only: lone surrogates (valid JSON escapes, not valid UTF-8) reach the reader as such
    text = json.dumps(document, ensure_ascii=True, default=default, allow_nan=True)
    for i, value in enumerate(deeps):
        text = text.replace(f'"\\u0000deep{i}\\u0000"', value.text())
    return text


def write_folder(folder: Path, edits: list[tuple[str, tuple, str, Any]]) -> None:
    documents = {name: json.loads(json.dumps(ORIGINAL[name], default=lambda d: d.isoformat())) for name in FILES}
    # the dates of the TOML files are kept as dates
    documents["manifest.toml"] = tomllib.loads((FIXTURE_BATTLE / "manifest.toml").read_text("utf-8"))
    for name, path, action, value in edits:
        with contextlib.suppress(KeyError, IndexError, TypeError):
            apply(documents[name], path, action, value)
    for name, document in documents.items():
        if name.endswith(".toml"):
            text = toml_text(document) if isinstance(document, dict) else ""
        else:
            text = json_text(document)
        (folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")


# -- running the tool -----------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def assert_readable(code: int, err: str) -> None:
    assert code in (0, 1), err
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 1:
        lines = err.rstrip("\n").split("\n")
        assert lines[0].startswith("hengyang-map: ") and "problem" in lines[0], err
        # each problem says what it found, or is an unknown key said as a sentence of its own
        said = (": found ", ": unknown key '")
        assert all(line.startswith("  - ") and any(s in line for s in said) for line in lines[1:]), err


def check_and_build_agree(folder: Path, out: Path) -> None:
    checked, _, check_err = run("check", "--geo", str(folder))
    assert_readable(checked, check_err)
    built, _, build_err = run("build", "--geo", str(folder), "--out", str(out))
    assert_readable(built, build_err)
    assert built == checked, (check_err, build_err)
    with contextlib.suppress(Exception):  # outside a Hypothesis test there is nothing to count
        event(f"exit {built}")
    if built == 0:
        assert (out / "index.html").is_file()
    else:
        assert check_err == build_err


@settings.get_profile(PROFILE)
@given(mutations())
def test_arbitrary_values_anywhere_end_as_pages_or_readable_lines(edits) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "geo"
        shutil.copytree(FIXTURE_BATTLE, folder)
        write_folder(folder, edits)
        check_and_build_agree(folder, Path(tmp) / "out")


@settings.get_profile(PROFILE)
@given(st.sampled_from([n for n in FILES]), GEOMETRIES | REPLACEMENTS, st.integers(0, 10))
def test_arbitrary_geometries(name: str, geometry: Any, index: int) -> None:
    if not name.endswith(".geojson"):
        name = "action.geojson"
    features = ORIGINAL[name]["features"]
    edits = [(name, ("features", index % len(features), "geometry"), "set", geometry)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "geo"
        shutil.copytree(FIXTURE_BATTLE, folder)
        write_folder(folder, edits)
        check_and_build_agree(folder, Path(tmp) / "out")


#: Paths to the text and number values of the fixture: replaced by values of the same type,
#: such edits mostly keep the data valid, and so reach the build rather than the validator.
SCALAR_PATHS = [
    (name, path, type(value))
    for name in FILES
    for path in paths(ORIGINAL[name])
    if path and isinstance(value := _at(ORIGINAL[name], path), (str, int, float, date)) and not isinstance(value, bool)
]
IDS = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True)


@st.composite
def same_type_edits(draw: st.DrawFn) -> list[tuple[str, tuple, str, Any]]:
    edits = []
    for _ in range(draw(st.integers(1, 4))):
        name, path, kind = draw(st.sampled_from(SCALAR_PATHS))
        original = _at(ORIGINAL[name], path)
        if kind is date or (kind is str and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", original)):
            value = draw(st.dates() | st.dates().map(date.isoformat) | TEXTS)
        elif kind is str and re.fullmatch(r"[0-9]{20}", original):
            value = draw(
                st.from_regex(r"[0-9]{20}", fullmatch=True) | st.from_regex(r"100[36]1000[0-9]{12}", fullmatch=True)
            )
        elif kind is str and original.startswith("#"):
            value = draw(st.from_regex(r"#[0-9a-fA-F]{6}", fullmatch=True) | TEXTS)
        elif kind is str and re.fullmatch(r"[a-z0-9-]+", original):
            value = draw(IDS | TEXTS)
        elif kind is str:
            value = draw(st.text(min_size=1, max_size=40) | TEXTS)
        else:
            value = draw(NUMBERS.filter(lambda v: not isinstance(v, float) or math.isfinite(v)))
        edits.append((name, path, "set", value))
    return edits


@settings.get_profile(PROFILE)
@given(same_type_edits())
def test_values_of_the_right_type_anywhere(edits) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "geo"
        shutil.copytree(FIXTURE_BATTLE, folder)
        write_folder(folder, edits)
        check_and_build_agree(folder, Path(tmp) / "out")


def test_the_writer_round_trips_the_fixture(tmp_path: Path) -> None:
    """The fuzzer's own TOML and JSON writing gives back a folder that builds."""
    folder = tmp_path / "geo"
    shutil.copytree(FIXTURE_BATTLE, folder)
    write_folder(folder, [])
    check_and_build_agree(folder, tmp_path / "out")


#: The manifest's dated and numbered places: each phase's start and end, the bounds, the limit.
MANIFEST_DATES = [("manifest.toml", ("phases", i, key)) for i in range(2) for key in ("start", "end")]


@settings.get_profile(PROFILE)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([*MANIFEST_DATES, ("manifest.toml", ("max_span_years",)), ("manifest.toml", ("bounds",))]),
            st.one_of(st.dates(), TEMPORAL, NUMBERS, st.lists(NUMBERS, max_size=3), st.dates().map(date.isoformat)),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_every_toml_value_type_in_the_manifest(edits) -> None:
    """Dates anywhere in the calendar, date-times, times of day and numbers that no float holds,
    in the manifest's dates and limits: pages (within the span limit) or readable lines."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "geo"
        shutil.copytree(FIXTURE_BATTLE, folder)
        write_folder(folder, [(name, path, "set", value) for (name, path), value in edits])
        check_and_build_agree(folder, Path(tmp) / "out")
