"""`hengyang-map import` confined to its job: it reads only a real GeoPackage or a GeoJSON, never a
file or URL another format points at; it writes the changed files together or not at all,
never through a symlink; every malformed input is a readable refusal with the data unchanged."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import socket
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import geopandas
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_map import main
from layers.data.load import load_battle
from layers.exports.dispatch import export
from layers.tools import edits, inputs
from layers.tools.edits import ImportRefused, apply, plan

from ..conftest import FIXTURE_BATTLE
from .test_edits import changed_lines, exported_gpkg, snapshot


@pytest.fixture
def geo(tmp_path: Path) -> Path:
    target = tmp_path / "geo"
    shutil.copytree(FIXTURE_BATTLE, target)
    return target


class Listener:
    """A TCP port on the loopback address that counts the connections made to it (each closed
    at once, so a client that did connect fails fast instead of waiting for an answer)."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.socket.accept()
            except OSError:
                return  # closed
            self.connections += 1
            client.close()

    def close(self) -> None:
        if self.socket.fileno() != -1:
            self.socket.shutdown(socket.SHUT_RDWR)
            self.socket.close()
        self._thread.join(timeout=30)


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    try:
        yield server
    finally:
        server.close()


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_refused(code: int, err: str) -> None:
    assert code in (1, 2), err
    assert "internal error" not in err and "Traceback" not in err, err
    assert err.startswith("hengyang-map: "), err


# -- reading: GDAL never opens the file ------------------------------------------------------


def test_a_vrt_named_gpkg_reads_no_outside_file_and_makes_no_request(
    geo: Path, tmp_path: Path, listener: Listener, capsys
) -> None:
    secret = tmp_path / "private" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text("id,name_en\nmill,SECRET FROM OUTSIDE\n", encoding="utf-8")
    port = listener.port
    crafted = {
        "outside-file": f"""<OGRVRTDataSource><OGRVRTLayer name="action_points">
            <SrcDataSource>{secret}</SrcDataSource><SrcLayer>secret</SrcLayer>
            </OGRVRTLayer></OGRVRTDataSource>""",
        "url": f"""<OGRVRTDataSource><OGRVRTLayer name="action_points">
            <SrcDataSource>/vsicurl/http://127.0.0.1:{port}/secret.csv</SrcDataSource>
            </OGRVRTLayer></OGRVRTDataSource>""",
        "wfs": f"<OGRWFSDataSource><URL>http://127.0.0.1:{port}/wfs?</URL></OGRWFSDataSource>",
    }
    before = snapshot(geo)
    for name, text in crafted.items():
        path = tmp_path / f"{name}.gpkg"
        path.write_text(text, encoding="utf-8")
        code, out, err = run(["import", "--geo", str(geo), str(path)], capsys)
        assert_refused(code, err)
        assert "not a GeoPackage" in err, err
        assert "SECRET" not in out + err
    assert snapshot(geo) == before
    listener.close()  # every connection made is counted by now
    assert listener.connections == 0, "import made a network request"


def test_an_sqlite_file_with_a_view_or_virtual_table_is_not_read(geo: Path, tmp_path: Path, capsys) -> None:
    gpkg = exported_gpkg(geo, tmp_path)
    with sqlite3.connect(gpkg) as db:
        db.execute("ALTER TABLE action_points RENAME TO action_points_real")
        db.execute("CREATE VIEW action_points AS SELECT * FROM action_points_real")
    code, _, err = run(["import", "--geo", str(geo), str(gpkg)], capsys)
    assert_refused(code, err)
    assert "layer 'action_points' is not a plain table" in err


def test_control_characters_in_a_layer_name_are_shown_inert(geo: Path, tmp_path: Path, capsys) -> None:
    gpkg = exported_gpkg(geo, tmp_path)
    with sqlite3.connect(gpkg) as db:
        db.execute(
            "UPDATE gpkg_contents SET table_name = ? WHERE table_name = 'action_points'", ("\x1b]0;pwn\x07\x1b[31m",)
        )
    code, _, err = run(["import", "--geo", str(geo), str(gpkg)], capsys)
    assert_refused(code, err)
    assert "\x1b" not in err and "\x07" not in err
    assert "\\x1b]0;pwn\\x07" in err


def test_the_file_size_is_capped(geo: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    gpkg = exported_gpkg(geo, tmp_path)
    monkeypatch.setattr(inputs, "MAX_IMPORT_BYTES", gpkg.stat().st_size - 1)
    code, _, err = run(["import", "--geo", str(geo), str(gpkg)], capsys)
    assert_refused(code, err)
    assert f"{gpkg.stat().st_size} bytes; an edited export of at most" in err


# -- malformed inputs: readable refusals, the data unchanged ---------------------------------


def _gpkg_edit(sql: str, *params: object):
    def make(gpkg: Path) -> None:
        with sqlite3.connect(gpkg) as db:
            for (trigger,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
                db.execute(f'DROP TRIGGER "{trigger}"')  # GDAL's triggers call its own SQL functions
            db.execute(sql, params)

    return make


def _truncate(gpkg: Path) -> None:
    data = gpkg.read_bytes()
    gpkg.write_bytes(data[: len(data) // 3])


def _garble_pages(gpkg: Path) -> None:
    data = bytearray(gpkg.read_bytes())
    for at in range(4096, len(data), 4096):
        data[at : at + 64] = b"\xff" * 64
    gpkg.write_bytes(bytes(data))


def _geojson(change):
    def make(path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        path.write_bytes(change(text))

    return make


def _first_feature(edit):
    def change(text: str) -> bytes:
        data = json.loads(text)
        edit(data["features"][0])
        return json.dumps(data).encode()

    return change


MALFORMED_GPKG = {
    "truncated": (_truncate, "GeoPackage"),
    "garbled-pages": (_garble_pages, "GeoPackage"),
    "wrong-geometry-column": (
        _gpkg_edit("UPDATE gpkg_geometry_columns SET column_name = 'shape' WHERE table_name = 'action_points'"),
        "has no column 'shape'",
    ),
    "no-geometry-columns-entry": (
        _gpkg_edit("DELETE FROM gpkg_geometry_columns WHERE table_name = 'action_points'"),
        "no entry in gpkg_geometry_columns",
    ),
    "not-wgs84": (
        _gpkg_edit("UPDATE gpkg_geometry_columns SET srs_id = 0 WHERE table_name = 'action_points'"),
        "expected WGS84",
    ),
    "bad-geometry-blob": (_gpkg_edit("UPDATE action_points SET geom = X'4750000100'"), "not a GeoPackage geometry"),
    "bad-wkb": (_gpkg_edit("UPDATE action_points SET geom = X'47500001E6100000FFFF'"), "cannot be read"),
    "blob-attribute": (_gpkg_edit("UPDATE action_points SET name_en = X'00FF'"), "expected a text or a number"),
    "infinite-number": (_gpkg_edit("UPDATE action_points SET precision_m = 9e999"), "expected a text or a number"),
    "not-a-geopackage": (_gpkg_edit("DROP TABLE gpkg_contents"), "no gpkg_contents"),
    "duplicated-id": (
        _gpkg_edit("INSERT INTO action_points (geom, id, name_en) SELECT geom, id, 'Twice' FROM action_points LIMIT 1"),
        "appears twice",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_GPKG))
def test_a_malformed_geopackage_is_refused(case: str, geo: Path, tmp_path: Path, capsys) -> None:
    gpkg = exported_gpkg(geo, tmp_path)
    make, message = MALFORMED_GPKG[case]
    make(gpkg)
    before = snapshot(geo)
    code, _, err = run(["import", "--geo", str(geo), str(gpkg)], capsys)
    assert_refused(code, err)
    assert message in err, err
    assert snapshot(geo) == before


MALFORMED_GEOJSON = {
    "truncated": (_geojson(lambda t: t[: len(t) // 2].encode()), "invalid JSON"),
    "not-utf8": (_geojson(lambda t: t.encode("utf-16")), "not UTF-8"),
    "nan": (_geojson(lambda t: t.replace('"precision_m": 400', '"precision_m": NaN', 1).encode()), "NaN"),
    "not-a-collection": (_geojson(lambda t: b"[1, 2, 3]"), "not a GeoJSON FeatureCollection"),
    "feature-not-object": (_geojson(lambda t: b'{"features": [7]}'), "expected a GeoJSON Feature"),
    "properties-not-object": (
        _geojson(_first_feature(lambda f: f.update(properties=[1]))),
        "'properties' is [1]; expected an object",
    ),
    "geometry-malformed": (
        _geojson(_first_feature(lambda f: f.update(geometry={"type": "Point", "coordinates": "x"}))),
        "geometry that cannot be read",
    ),
    "geometry-unknown-type": (
        _geojson(_first_feature(lambda f: f.update(geometry={"type": "Circle", "coordinates": [1, 2]}))),
        "expected a GeoJSON geometry",
    ),
    "float-too-large": (
        _geojson(lambda t: t.replace('"precision_m": 400.0', '"precision_m": 1' + "0" * 400 + ".0", 1).encode()),
        "'precision_m' is not a finite number",
    ),
    "integer-too-large": (
        _geojson(lambda t: t.replace('"precision_m": 400.0', '"precision_m": 1' + "0" * 400, 1).encode()),
        "field 'precision_m': found 1000",
    ),
    "deep-nesting": (_geojson(lambda t: ("[" * 100000 + "]" * 100000).encode()), "nested too deeply"),
    "lone-surrogate": (_geojson(lambda t: t.replace('"The mill"', '"\\ud800"', 1).encode()), "lone surrogate"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_GEOJSON))
def test_a_malformed_geojson_is_refused(case: str, geo: Path, tmp_path: Path, capsys) -> None:
    export(load_battle(geo), "geojson", tmp_path / "gj", progress=False)
    path = tmp_path / "gj" / "testford-1805.geojson"
    make, message = MALFORMED_GEOJSON[case]
    make(path)
    before = snapshot(geo)
    code, _, err = run(["import", "--geo", str(geo), str(path)], capsys)
    assert_refused(code, err)
    assert message in err, err
    assert snapshot(geo) == before


def test_a_folder_or_device_named_like_an_export_is_refused(geo: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "folder.gpkg"
    folder.mkdir()
    code, _, err = run(["import", "--geo", str(geo), str(folder)], capsys)
    assert code == 2 and "no such file" in err
    fifo = tmp_path / "pipe.geojson"
    os.mkfifo(fifo)
    with pytest.raises(ImportRefused, match="not a regular file"):
        plan(geo, fifo)


# -- the data folder: which one, and written whole or not at all -----------------------------


def edited_in_two_files(geo: Path, tmp_path: Path) -> Path:
    gpkg = exported_gpkg(geo, tmp_path)
    for layer, feature in (("action_points", "mill"), ("ground_lines", "brook")):
        frame = geopandas.read_file(gpkg, layer=layer)
        frame.loc[frame["id"] == feature, "name_en"] = f"Edited {feature}"
        frame.to_file(gpkg, layer=layer, driver="GPKG")
    return gpkg


def test_without_geo_it_edits_the_geo_folder_here_or_refuses(geo: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    gpkg = edited_in_two_files(geo, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, _, err = run(["import", str(gpkg)], capsys)
    assert code == 2 and "no ./geo data folder here" in err
    monkeypatch.chdir(geo.parent)
    before = snapshot(geo)
    code, _, err = run(["import", str(gpkg)], capsys)
    assert code == 0, err
    assert len(changed_lines(before, snapshot(geo))) == 4  # two fields, two files, in ./geo


def test_a_symlink_planted_at_the_staging_name_is_never_followed(geo: Path, tmp_path: Path, monkeypatch) -> None:
    gpkg = edited_in_two_files(geo, tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    names = iter(["0" * 16, "1" * 16, *(f"{i:016x}" for i in range(2, 100))])
    monkeypatch.setattr(edits.secrets, "token_hex", lambda n: next(names))
    (geo / f".action.geojson.import-{'0' * 16}").symlink_to(victim)  # the name the first try takes
    apply(geo, gpkg)
    assert victim.read_text(encoding="utf-8") == "precious"
    assert (geo / f".action.geojson.import-{'0' * 16}").is_symlink()  # left alone
    assert "Edited mill" in (geo / "action.geojson").read_text(encoding="utf-8")


def test_a_full_disk_while_staging_changes_nothing(geo: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    gpkg = edited_in_two_files(geo, tmp_path)
    real = edits._write_exclusive
    calls: list[Path] = []

    def full(target: Path, data: bytes, mode: int) -> Path:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(target, data, mode)

    monkeypatch.setattr(edits, "_write_exclusive", full)
    before = snapshot(geo)
    names = sorted(p.name for p in geo.iterdir())
    code, _, err = run(["import", "--geo", str(geo), str(gpkg)], capsys)
    assert_refused(code, err)
    assert "No space left on device" in err and "nothing was changed" in err
    assert len(calls) == 2 and snapshot(geo) == before
    assert sorted(p.name for p in geo.iterdir()) == names  # no staging file left


def test_a_failed_rename_puts_back_the_files_already_replaced(geo: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    gpkg = edited_in_two_files(geo, tmp_path)

    def fail(name: str) -> None:
        if name == "replaced":  # the first file is replaced; the second rename fails
            raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(edits, "_step", fail)
    before = snapshot(geo)
    names = sorted(p.name for p in geo.iterdir())
    code, _, err = run(["import", "--geo", str(geo), str(gpkg)], capsys)
    assert_refused(code, err)
    assert snapshot(geo) == before
    assert sorted(p.name for p in geo.iterdir()) == names


# -- the file's own formatting ---------------------------------------------------------------


@pytest.mark.parametrize(
    "style",
    [
        {"indent": 2},
        {"indent": "\t"},
        {"indent": 4, "ensure_ascii": True},
        {"separators": (",", ":")},
        {},
        {"indent": 1, "crlf": True},
    ],
    ids=["two-spaces", "tabs", "four-spaces-ascii", "compact", "one-line", "windows-line-ends"],
)
def test_a_one_field_edit_is_a_one_line_diff_in_any_style(geo: Path, tmp_path: Path, style: dict, capsys) -> None:
    action = geo / "action.geojson"
    data = json.loads(action.read_text(encoding="utf-8"))
    crlf = style.pop("crlf", False)
    text = json.dumps(data, **{"ensure_ascii": False, **style}) + "\n"
    action.write_bytes((text.replace("\n", "\r\n") if crlf else text).encode("utf-8"))
    gpkg = exported_gpkg(geo, tmp_path)
    frame = geopandas.read_file(gpkg, layer="action_points")
    frame.loc[frame["id"] == "mill", "name_en"] = "The old mill"
    frame.loc[frame["id"] == "mill", "name_zh"] = "旧磨坊"
    frame.to_file(gpkg, layer="action_points", driver="GPKG")
    before = action.read_bytes().decode("utf-8")
    assert main(["import", "--geo", str(geo), str(gpkg)]) == 0
    after = action.read_bytes().decode("utf-8")  # bytes: line ends as written
    quoted = json.dumps("旧磨坊", ensure_ascii=bool(style.get("ensure_ascii")))
    expected = before.replace('"The mill"', '"The old mill"', 1)
    expected = expected.replace(json.dumps("磨坊", ensure_ascii=bool(style.get("ensure_ascii"))), quoted, 1)
    assert after == expected
    if "indent" in style:
        assert len(changed_lines({"a": before}, {"a": after})) == 4  # two lines out, two in


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_a_moved_point_in_a_two_space_file_changes_only_its_numbers(geo: Path, tmp_path: Path, newline: str) -> None:
    action = geo / "action.geojson"
    text = json.dumps(json.loads(action.read_text("utf-8")), indent=2, ensure_ascii=False) + "\n"
    action.write_bytes(text.replace("\n", newline).encode("utf-8"))
    export(load_battle(geo), "geojson", tmp_path / "gj", progress=False)
    path = tmp_path / "gj" / "testford-1805.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in data["features"] if f["id"] == "parley")["geometry"]["coordinates"] = [4.1234567, 50.1012345]
    path.write_text(json.dumps(data), encoding="utf-8")
    before = snapshot(geo)
    apply(geo, path)
    assert action.read_bytes().count(b"\n") == action.read_bytes().count(newline.encode())  # one kind of line end
    assert changed_lines(before, snapshot(geo)) == [
        "action.geojson:-          4.1,",
        "action.geojson:-          50.095",
        "action.geojson:+          4.1234567,",
        "action.geojson:+          50.1012345",
    ]


def test_a_dry_run_shows_long_values_shortened(geo: Path, tmp_path: Path, capsys) -> None:
    gpkg = exported_gpkg(geo, tmp_path)
    frame = geopandas.read_file(gpkg, layer="action_points")
    frame.loc[frame["id"] == "mill", "description_en"] = "long " * 20000
    frame.to_file(gpkg, layer="action_points", driver="GPKG")
    code, out, _ = run(["import", "--dry-run", "--geo", str(geo), str(gpkg)], capsys)
    assert code == 0
    (line,) = [line for line in out.splitlines() if "description_en" in line]
    assert len(line) < 300 and line.endswith("…")


# -- fuzzing: any bytes where an export was ---------------------------------------------------

DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"  # as tests/data/test_fuzz.py: many more examples
FUZZ = settings(
    max_examples=2000 if DEEP else 40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=not DEEP
)


class Exports(dict):
    def __repr__(self) -> str:  # a failing example names its damage, not a megabyte of bytes
        return "<the mini battle's GeoPackage and GeoJSON exports>"


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("exports")
    battle = load_battle(FIXTURE_BATTLE)
    export(battle, "gpkg", folder / "gpkg", progress=False)
    export(battle, "geojson", folder / "gj", progress=False)
    return Exports(
        {
            ".gpkg": (folder / "gpkg" / "testford-1805.gpkg").read_bytes(),
            ".geojson": (folder / "gj" / "testford-1805.geojson").read_bytes(),
        }
    )


@FUZZ
@given(
    suffix=st.sampled_from([".gpkg", ".geojson"]),
    damage=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=64)), min_size=1, max_size=6),
    cut=st.none() | st.floats(0, 1),
)
def test_damaged_exports_end_as_an_import_or_a_readable_refusal(exports, suffix, damage, cut) -> None:
    """Bytes overwritten anywhere in an export, or the file cut short: the import works, or it
    is refused with a readable line (exit 1 or 2); never an internal error, never a half write."""
    data = bytearray(exports[suffix])
    for where, patch in damage:
        at = int(where * (len(data) - 1))
        data[at : at + len(patch)] = patch
    if cut is not None:
        data = data[: int(cut * len(data))]
    with tempfile.TemporaryDirectory() as tmp:
        geo = Path(tmp) / "geo"
        shutil.copytree(FIXTURE_BATTLE, geo)
        path = Path(tmp) / f"edited{suffix}"
        path.write_bytes(bytes(data))
        before = snapshot(geo)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["import", "--geo", str(geo), str(path)])
        text = err.getvalue()
        assert code in (0, 1, 2), text
        assert "internal error" not in text
        if code != 0:
            assert snapshot(geo) == before
        else:
            load_battle(geo)  # what was written is valid
