"""The battle as a film: duration, frame size, held days identical, phases different (decoded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers.data.load import load_battle
from layers.exports.dispatch import export
from layers.exports.film import FilmOptions

from ..conftest import FIXTURE_BATTLE

pytestmark = pytest.mark.browser

FPS = 2


def decoded(path: Path) -> tuple[dict, list[bytes]]:
    """The film's metadata and its frames as a player shows them (``FPS`` a second), RGB."""
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(path), output_params=["-vf", f"fps={FPS}"])
    meta = next(reader)
    return meta, list(reader)


def mean_difference(a: bytes, b: bytes) -> float:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)


@pytest.mark.parametrize("fmt", ["mp4", "webm", "gif"])
def test_film_of_the_mini_battle(browser, tmp_path: Path, fmt: str) -> None:
    battle = load_battle(FIXTURE_BATTLE)
    days = (battle.phases[-1].end - battle.phases[0].start).days + 1  # 3: morning, then two afternoon days
    options = FilmOptions(size=(320, 180), seconds_per_day=1.0, fps=FPS)
    names = export(battle, fmt, tmp_path, lang="both", progress=False, browser=browser, film=options)
    assert names == ["PROVENANCE.txt", f"{battle.id}.{fmt}"]
    meta, frames = decoded(tmp_path / f"{battle.id}.{fmt}")
    assert meta["size"] == (320, 180)
    assert meta["duration"] == pytest.approx(days * 1.0, abs=0.11)
    assert len(frames) == days * FPS
    first_day, last_day = frames[0:FPS], frames[-FPS:]
    assert first_day[0] == first_day[1]  # a held day: the same picture, decoded
    # the first phase's day and the second phase's last day differ clearly (camera, state, captions)
    assert mean_difference(first_day[0], last_day[0]) > 2.0
    if fmt == "gif":  # lossless frames: the last day is held exactly too
        assert last_day[0] == last_day[1]


@pytest.mark.parametrize("fmt", ["mp4", "webm", "gif"])
def test_film_is_deterministic(browser, tmp_path: Path, fmt: str) -> None:
    """Same data, same Chromium and ffmpeg: the same bytes (no times or versions in the file)."""
    battle = load_battle(FIXTURE_BATTLE)
    options = FilmOptions(size=(320, 180), seconds_per_day=0.5, fps=FPS)
    runs = []
    for run in ("a", "b"):
        export(battle, fmt, tmp_path / run, lang="en", progress=False, browser=browser, film=options)
        runs.append((tmp_path / run / f"{battle.id}.{fmt}").read_bytes())
    assert runs[0] == runs[1]


def test_film_of_a_slice_of_the_real_battle(browser, battle, tmp_path: Path) -> None:
    """Two phases of Hengyang: the film spans exactly their days, from the atlas's day slider."""
    chosen = battle.phases[-2:]
    days = (chosen[-1].end - chosen[0].start).days + 1
    options = FilmOptions(size=(320, 180), seconds_per_day=1.0, fps=FPS)
    export(battle, "mp4", tmp_path, [p.id for p in chosen], "en", progress=False, browser=browser, film=options)
    meta, frames = decoded(tmp_path / f"{battle.id}.mp4")
    assert meta["duration"] == pytest.approx(days, abs=0.11)
    assert len(frames) == days * FPS
    assert frames[0] == frames[1]
    # the last day is the next phase: the camera has moved and the captions have changed
    assert mean_difference(frames[0], frames[-1]) > 2.0


def test_film_captions_fit_whole(browser, tmp_path: Path) -> None:
    """A phase title and a story far too long for the caption band: each caption wraps at a
    smaller size and keeps every word; nothing is clipped or ends in an ellipsis."""
    from layers.exports.film import SET_UP, SHOW, captions, plan
    from layers.page.assemble import render_site

    battle = load_battle(FIXTURE_BATTLE)
    phases = [p.id for p in battle.phases]
    width, height = 960, 540
    band = round(height * 0.2)
    page_file = tmp_path / "atlas.html"
    page_file.write_bytes(render_site(battle, phases, "both", single_file=True)["index.html"])
    context = browser.new_context(viewport={"width": width, "height": height})
    context.route("**/*", lambda r: r.abort() if not r.request.url.startswith("file:") else r.continue_())
    try:
        page = context.new_page()
        page.goto(page_file.as_uri())
        page.wait_for_function("window.battleMap !== undefined")
        page.evaluate("async () => { await document.fonts.ready; await window.battleMap.ready; }")
        text = captions(battle, phases, "both")
        long_title = "Canton–Hankou railway, the crossings of the Xiang and the first assault on the hills " * 2
        for phase in text["phases"]:
            phase["title"] = ["粤汉铁路与湘江渡口", long_title]
            phase["line"] = ["很长的一句话，" * 30, "A long sentence that goes on and on about the battle. " * 12]
        text["events"] = {}
        timeline = page.evaluate(SET_UP, [text, band])
        from layers.contract import Timeline, TimelinePhase
        from layers.exports.film import FilmOptions

        days = [tuple(p[TimelinePhase.DAYS]) for p in timeline[Timeline.PHASES]]
        views = [p[TimelinePhase.FIT] for p in timeline[Timeline.PHASES]]
        shot = plan(tuple(timeline[Timeline.RANGE]), days, FilmOptions(size=(width, height)))[0]
        page.evaluate(SHOW, [shot.__dict__, views, text, band])
        got = page.evaluate("""() => {
          const f = window.bmFilm, nodes = [f.head, f.phase, f.story];
          return {fits: f.fits, whole: nodes.map(n => n.scrollHeight <= n.clientHeight + 1),
                  ellipsis: nodes.filter(n => getComputedStyle(n).textOverflow === 'ellipsis' ||
                                              getComputedStyle(n).webkitLineClamp !== 'none').length,
                  phase: f.phase.textContent, story: f.story.textContent,
                  inside: nodes.every(n => n.getBoundingClientRect().bottom <= window.innerHeight + 0.5)};
        }""")
        assert got["fits"] == [True, True, True] and got["whole"] == [True, True, True], got
        assert got["ellipsis"] == 0 and got["inside"]
        assert long_title in got["phase"]
        assert "A long sentence" in got["story"] and got["story"].count("很长的一句话") == 30
    finally:
        context.close()
