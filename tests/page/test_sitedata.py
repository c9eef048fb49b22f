"""The site's feature data is written once and shared; pages are made and written one at a time."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np

from layers import site
from layers.data.load import load_battle
from layers.page import assemble
from layers.page.assemble import iter_site, render_site
from layers.page.sitedata import site_data
from layers.page.sitefiles import _FORMAT, SiteFiles
from layers.site import write_site

from ..conftest import FIXTURE_BATTLE, ROOT
from ..sitedata import SITE_DATA, drawn, page_data, shared_data

_spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_bench)
many_phases = _bench.many_phases


def test_each_feature_is_written_once(tmp_path: Path) -> None:
    battle = load_battle(many_phases(tmp_path / "geo", 12, 2000))
    files = render_site(battle)
    (shared_name,) = [name for name in files if SITE_DATA.fullmatch(name)]
    shared = files[shared_name].decode()
    big = next(f for f in shared_data(shared)["features"] if f["id"] == "big")
    vertex = json.dumps(big["g"]["coordinates"][0][7], separators=(",", ":"))
    assert shared.count(vertex) == 1
    pages = {name: content.decode() for name, content in files.items() if name.endswith(".html")}
    assert len(pages) == 13
    for name, text in pages.items():
        assert vertex not in text, name  # no page carries the polygon itself...
        assert f'<script src="{shared_name}"></script>' in text
        data = page_data(text, files)  # ...but each draws it
        assert any(f["id"] == "big" for f in drawn(data)), name
    # twelve phases of a 2,000-vertex polygon: the output holds the polygon once
    total = sum(len(c) for c in pages.values()) + len(shared)
    assert total < len(shared) + 13 * 40_000


def test_pages_are_made_one_at_a_time(monkeypatch) -> None:
    events: list[str] = []
    for name in ("_phase_page", "_atlas_page"):
        real = getattr(assemble, name)

        def making(*args, _real=real, **kwargs):
            events.append("make")
            return _real(*args, **kwargs)

        monkeypatch.setattr(assemble, name, making)
    for name, _ in iter_site(load_battle(FIXTURE_BATTLE)):
        if name.endswith(".html"):
            events.append(name)
    # each page is handed on before the next is made
    assert events == ["make", "morning.html", "make", "afternoon.html", "make", "index.html"]


def test_the_writer_takes_pages_as_they_come(tmp_path: Path) -> None:
    battle = load_battle(FIXTURE_BATTLE)
    out = write_site(iter_site(battle), tmp_path / "out")
    assert {p.name for p in out.glob("*.html")} == {"index.html", "morning.html", "afternoon.html"}
    assert len(list((out / "data").glob("site-*.js"))) == 1
    assert {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} - {site.MARKER} == set(render_site(battle))


def test_single_file_pages_carry_what_they_draw() -> None:
    files = render_site(load_battle(FIXTURE_BATTLE), single_file=True)
    assert not any(SITE_DATA.fullmatch(name) for name in files)
    for name, content in files.items():
        text = content.decode()
        assert "data/site-" not in text
        start = text.index("<script>window.BM_SITE = ") + len("<script>")
        shared = shared_data(text[start : text.index("</script>", start)])["features"]
        page = json.loads(text.split('id="bm-data">', 1)[1].split("</script>", 1)[0])
        listed = {item[0] for group in page["groups"] for item in group["items"]}
        # ...and the features its lists of changes and events name (a line given up is named, not drawn)
        told = {entry[0] for story in page["story"].values() for entry in story.get("c", []) + story.get("e", [])}
        assert sorted(int(k) for k in shared) == sorted(listed | told), name


def test_the_shared_file_is_joined_from_entries_kept_as_utf8() -> None:
    """The site's entries are held as UTF-8 bytes and the shared file is joined from them as
    they are (no whole-site string, no re-encoding): the same content, named by the same
    digest, as the script text of every entry."""
    import hashlib

    from layers.draw.drawable import Context
    from layers.page.sitedata import site_data

    battle = load_battle(FIXTURE_BATTLE)
    data = site_data(Context(battle), list(battle.phases))
    written = SiteFiles(data)
    assert data.entries and all(isinstance(entry, bytes) for entry in data.entries)
    assert any(any(b > 127 for b in entry) for entry in data.entries)  # Chinese text, as UTF-8
    assert written.file() == written.script().encode("utf-8")
    text = written.script()
    head = text[len("window.BM_SITE = {") : text.index(',"features":[]')]
    whole = hashlib.sha256(_FORMAT + (head + "\n".join(e.decode("utf-8") for e in data.entries)).encode("utf-8"))
    assert written.path == f"data/site-{whole.hexdigest()[:16]}.js"
    files = render_site(battle)
    assert files[written.path] == written.file()
    assert shared_data(text, whole=False)["features"] == [json.loads(entry) for entry in data.entries]


def test_the_shared_file_parses_its_features_in_runs(monkeypatch) -> None:
    """The features come in runs of about PARSE_RUN bytes, each read by ``JSON.parse`` from a
    string: every entry once, in order, none split, none left out; a run holds one entry at
    least, however small the size."""
    from layers.draw.drawable import Context
    from layers.page import sitefiles

    battle = load_battle(FIXTURE_BATTLE)
    data = site_data(Context(battle), list(battle.phases))
    entries = [json.loads(entry) for entry in data.entries]
    largest = max(len(entry) for entry in data.entries)
    for size, runs in ((1, len(entries)), (largest, None), (sitefiles.PARSE_RUN, 1)):
        monkeypatch.setattr(sitefiles, "PARSE_RUN", size)
        text = SiteFiles(data).file().decode("utf-8")
        found = text.count("JSON.parse('")
        assert found == runs if runs else 1 < found < len(entries), (size, found)
        assert shared_data(text)["features"] == entries


def test_each_feature_is_drawn_once_and_its_drawing_let_go(monkeypatch) -> None:
    """The site's data draws every feature once; pages only look up its style, halo and rank,
    and no drawn geometry or record outlives the entry it was written into."""
    from layers.draw.drawable import Context
    from layers.page import sitedata

    battle = load_battle(FIXTURE_BATTLE)
    drawn_ids: list[str] = []
    real = sitedata.draw

    def counting(feature, ctx):
        drawn_ids.append(feature.id)
        return real(feature, ctx)

    monkeypatch.setattr(sitedata, "draw", counting)
    base = Context(battle)
    data = site_data(base, list(battle.phases))
    assert sorted(drawn_ids) == sorted(data.index)  # once each
    assert not [key for key in base.memo if isinstance(key, tuple) and key[0] in ("geometry", "record", "drawable")]
    pages = render_site(battle)
    assert len(drawn_ids) == 2 * len(data.index)  # render_site made its own site data: once more each, no more
    assert pages["index.html"]


def test_the_shared_file_is_written_in_pieces(tmp_path: Path, monkeypatch) -> None:
    """The shared file goes to the writer as pieces made as it takes them, a run of entries
    each (never a copy of the whole); written, it is the whole file, under the name of its
    digest."""
    from layers.draw.drawable import Context
    from layers.page import sitefiles

    monkeypatch.setattr(sitefiles, "PARSE_RUN", 300)
    battle = load_battle(FIXTURE_BATTLE)
    data = site_data(Context(battle), list(battle.phases))
    written = SiteFiles(data)
    files = dict(iter_site(battle))
    pieces = files[written.path]
    assert not isinstance(pieces, bytes | tuple | list)  # made as they are written
    sizes = [len(piece) for piece in written.pieces()]
    largest = max(len(entry) for entry in data.entries)
    assert len(sizes) > 4 and max(sizes[1:]) < 2 * max(300, largest) + 64
    out = write_site(files.items(), tmp_path / "out")
    assert (out / written.path).read_bytes() == written.file() == render_site(battle)[written.path]


def test_a_phase_s_items_are_made_once_for_its_page_and_the_atlas(monkeypatch) -> None:
    """The atlas lists each phase's features as the phase's page does: a phase's items are
    made once, by its page, and reused by the atlas."""
    battle = load_battle(FIXTURE_BATTLE)
    made: list[tuple[int, int]] = []
    real = assemble.phase_items

    def counting(columns, first, last, previous):
        made.append((first, last))
        return real(columns, first, last, previous)

    monkeypatch.setattr(assemble, "phase_items", counting)
    render_site(battle)
    assert len(made) == len(set(made)) == len(battle.phases)


def test_equal_timings_are_kept_once_and_the_pages_are_those_of_every_feature_s_own(battle, monkeypatch) -> None:
    """The site keeps each distinct timing once (features share theirs), and a page reads each
    (timing, style) pair of its members once for its legend: the pages are those made when
    every feature has a timing of its own."""
    import dataclasses

    from layers.draw.drawable import Context

    shared = site_data(Context(battle), list(battle.phases))
    timed = shared.columns.timing >= 0
    assert len(set(shared.timings)) == len(shared.timings) < timed.sum()
    same = render_site(battle)

    def unshared(*args):
        made = site_data(*args)
        timing = made.columns.timing
        return dataclasses.replace(
            made,
            timings=tuple(made.timings[t] for t in timing[timing >= 0].tolist()),
            columns=dataclasses.replace(made.columns, timing=np.where(timing >= 0, np.cumsum(timing >= 0) - 1, -1)),
        )

    monkeypatch.setattr(assemble, "site_data", unshared)
    assert render_site(battle) == same


def test_memory_does_not_grow_page_by_page(tmp_path: Path) -> None:
    """What a page leaves in reference cycles (branca's elements, Jinja's templates) is freed
    page by page, though the collector is paused for the build: the memory held after each
    phase page stays flat (a few KB a phase for what the build keeps of it), where it grew by
    some 55 KB a page."""
    import tracemalloc

    battle = load_battle(many_phases(tmp_path / "geo", 60, 500))
    held: dict[str, int] = {}
    tracemalloc.start()
    try:
        for name, _ in iter_site(battle):
            held[name] = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert (held["p050.html"] - held["p010.html"]) / 40 < 10_000
