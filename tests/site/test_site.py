"""Pages: what they contain, that they are deterministic, and that writing is atomic."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from layers import site
from layers.data.load import load_battle
from layers.errors import OutputError
from layers.page.assemble import render_site
from layers.site import write_site

from ..conftest import FIXTURE_BATTLE
from ..sitedata import drawn
from ..sitedata import page_data as joined_page_data


@pytest.fixture(scope="module")
def mini():
    return load_battle(FIXTURE_BATTLE)


def page_data(page: bytes, files: dict[str, bytes]) -> dict:
    assert re.search(rb"BattleMap\.init\(map_\w+, data\)", page), "the page must call BattleMap.init"
    return joined_page_data(page, files)


def test_one_page_per_phase_plus_atlas(mini) -> None:
    files = render_site(mini)
    assert {"index.html", "morning.html", "afternoon.html", "README.md"} <= set(files)
    assert any(name.startswith("static/leaflet-1.9.4/leaflet.js") for name in files)


def test_two_renders_are_byte_identical(mini) -> None:
    assert render_site(mini) == render_site(mini)


def test_phase_page_content(mini) -> None:
    files = render_site(mini)
    page = files["afternoon.html"]
    text = page.decode()
    assert "<title>下午 Afternoon — 泰斯特福德之战 The Battle of Testford</title>" in text
    assert 'href="morning.html"' in text and "The northern army loses the mill." in text
    data = page_data(page, files)
    ids = [data["features"][item[0]]["id"] for g in data["groups"] for item in g["items"]]
    assert "north-line" not in ids  # valid only in the morning
    assert {"mill", "ridge", "parley", "brook"} <= set(ids)
    assert [g["id"] for g in data["groups"]] == ["reference", "action"]


def test_atlas_has_a_layer_per_phase(mini) -> None:
    files = render_site(mini)
    data = page_data(files["index.html"], files)
    assert [g["id"] for g in data["groups"]] == ["reference", "morning", "afternoon"]
    assert data["groups"][1]["show"] is True and data["groups"][2]["show"] is False
    # a feature that lasts both phases is stored once and drawn in each phase's style
    mill = next(i for i, f in data["features"].items() if f["id"] == "mill")
    styles = {g["id"]: item[1] for g in data["groups"] for item in g["items"] if item[0] == mill}
    assert styles["morning"] != styles["afternoon"]


def test_legend_lists_exactly_the_styles_drawn(mini) -> None:
    files = render_site(mini)
    text = files["morning.html"].decode()
    legend = set(re.findall(r'data-legend="([^"]+)"', text))
    data = page_data(text.encode(), files)
    # marks drawn with names and symbols, not styles of their own: a hill's sign, a symbol's
    # leader, the count on a mark that others fold into
    signs = {"hill-sign", "leader", "folded"}
    first, last = data["timeline"]["range"]
    drawable = {item[1] for group in data["groups"] for item in group["items"]}  # as each phase ends
    for feature in drawn(data):  # and on each day the slider reaches
        reached = [style for day, style in feature.get("s", []) if day <= last]
        drawable.update(reached)
        if "b" in feature and (not reached or feature["s"][0][0] > max(first, feature["a"][0])):
            drawable.add(feature["b"])
    drawable.update(data[name] for name in ("halo", "changed") if name in data)
    drawable.update(feature["rf"] for feature in drawn(data) if "rf" in feature)  # the hills' reliefs
    assert len(legend - signs) == len(drawable)
    assert signs <= legend  # the ridge is a hill; two units may be moved apart; points may fold
    assert "position:north:contested" in legend and "position:north:lost" not in legend
    assert "halo" in legend


def test_phase_selection(mini) -> None:
    files = render_site(mini, ["afternoon"])
    assert "morning.html" not in files and "afternoon.html" in files
    assert 'href="morning.html"' not in files["afternoon.html"].decode()


def test_no_cdn_and_no_random_ids(mini) -> None:
    for name, content in render_site(mini).items():
        if name.endswith(".html"):
            text = content.decode().replace(mini.digest, "").replace(mini.digest[:12], "")
            assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', text), name
            assert not re.search(r"[0-9a-f]{32}", text), name


def test_write_replaces_the_folder(tmp_path: Path, mini) -> None:
    out = tmp_path / "out"
    write_site(render_site(mini), out)
    (out / "stale.html").write_text("old")
    write_site(render_site(mini), out)
    assert not (out / "stale.html").exists()
    assert (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no lock file, no leftovers


def test_failed_write_leaves_previous_output(tmp_path: Path, mini, monkeypatch) -> None:
    out = tmp_path / "out"
    write_site(render_site(mini), out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    calls = {"n": 0}
    real_fsync = os.fsync

    def failing_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(site.os, "fsync", failing_fsync)
    with pytest.raises(OutputError, match="previous output is unchanged"):
        write_site({**render_site(mini), "index.html": b"new"}, out)
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not list(tmp_path.glob(".out.new-*"))


def test_interrupted_swap_is_recovered(tmp_path: Path, mini) -> None:
    out = tmp_path / "out"
    write_site(render_site(mini), out)
    # a build killed between the two renames of the fallback swap leaves only the old folder aside
    os.replace(out, tmp_path / ".out.old-0123456789abcdef")
    (tmp_path / ".out.new-fedcba9876543210").mkdir()
    (tmp_path / ".out.new-fedcba9876543210" / site.MARKER).write_bytes(site.MARKER_TEXT)
    site._recover(out)
    assert (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_output_path_that_is_a_file(tmp_path: Path, mini) -> None:
    target = tmp_path / "file"
    target.write_text("keep")
    with pytest.raises(OutputError, match="not a folder"):
        write_site(render_site(mini), target)
    assert target.read_text() == "keep"


def test_bibliography_holds_every_cited_source_with_safe_links(mini) -> None:
    text = render_site(mini)["afternoon.html"].decode()
    for cited in set(re.findall(r'href="#src-([\w-]+)"', text)):
        assert f'id="src-{cited}"' in text
    assert '<a href="https://example.org/chronicle" target="_blank" rel="noopener noreferrer">' in text


def test_never_replaces_a_folder_it_did_not_write(tmp_path: Path, mini) -> None:
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    with pytest.raises(OutputError, match="did not write"):
        write_site(render_site(mini), precious)
    assert (precious / "thesis.txt").read_text() == "years of work"
    empty = tmp_path / "empty"
    empty.mkdir()
    write_site(render_site(mini), empty)  # an empty folder is fine
    assert (empty / "index.html").is_file()


def test_no_collection_walks_the_battle_while_a_site_is_built(tmp_path: Path) -> None:
    """The build, the import of the page stack included, runs with the cyclic collector
    paused: a full collection would walk every object of a loaded battle (1.5 s at 100,000
    features, set off by importing folium after loading). The only collections are the
    build's own, page by page, with the battle frozen out of their sight."""
    import ast
    import subprocess
    import sys

    script = f"""
import gc, sys
from layers.data.load import load_battle
from layers import site
assert "layers.page.assemble" not in sys.modules  # imported by the build itself
battle = load_battle({str(FIXTURE_BATTLE)!r})
loaded = len(gc.get_objects())
runs = []

def during_build(phase, info):
    # a collection inside site.build, not the one the first allocation after it sets off
    frame, names = sys._getframe(0), []
    while frame:
        names.append(frame.f_code.co_name)
        frame = frame.f_back
    if phase == "start" and "build" in names and "__exit__" not in names:
        runs.append(gc.get_freeze_count() >= loaded)

gc.callbacks.append(during_build)
site.build(battle, {str(tmp_path / "out")!r})
print(runs)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    runs = ast.literal_eval(done.stdout.strip())
    assert runs and all(runs), (runs, done.stderr)
