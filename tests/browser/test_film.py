"""The battle as a film: duration, frame size, held days identical, phases different (decoded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers.data.load import load_battle
from layers.export.dispatch import export
from layers.export.film import FilmOptions

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
