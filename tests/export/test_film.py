"""The film's plan, captions and CLI errors (no browser): shots per day, camera moves, exit 5."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from build_map import main
from layers.data.load import load_battle
from layers.exports import film
from layers.exports.film import FilmOptions, Shot, opening_sentence, phase_of_day, plan

from ..conftest import FIXTURE_BATTLE


@pytest.fixture(scope="module")
def mini():
    return load_battle(FIXTURE_BATTLE)


def test_each_day_is_held_for_its_seconds() -> None:
    shots = plan((0, 4), [(0, 4)], FilmOptions(fps=10, seconds_per_day=1.5))
    assert [(s.day, s.frames) for s in shots] == [(d, 15) for d in range(5)]
    assert {s.view_from for s in shots} == {0}


def test_a_new_phase_opens_with_the_camera_easing_between_views() -> None:
    shots = plan((0, 2), [(0, 0), (1, 2)], FilmOptions(fps=10, seconds_per_day=1))
    day1 = [s for s in shots if s.day == 1]
    assert len(day1) == 8  # 0.8 s of camera move at 10 fps; the last one holds the rest of the day
    assert [s.t for s in day1] == [k / 8 for k in range(1, 9)]
    assert all((s.view_from, s.view_to) == (0, 1) for s in day1)
    assert sum(s.frames for s in day1) == 10
    assert sum(s.frames for s in shots) == 30
    assert shots[-1] == Shot(2, 1, 1, 1.0, 10)


def test_one_frame_a_day_cuts_without_a_move() -> None:
    shots = plan((0, 1), [(0, 0), (1, 1)], FilmOptions(fps=1, seconds_per_day=1))
    assert shots == [Shot(0, 0, 0, 1.0, 1), Shot(1, 1, 1, 1.0, 1)]


def test_a_day_between_phases_shows_the_next_phase() -> None:
    phases = [(0, 2), (5, 6)]
    assert [phase_of_day(d, phases) for d in (0, 2, 3, 5, 9)] == [0, 0, 1, 1, 1]


def test_opening_sentence_is_not_cut_at_an_abbreviation() -> None:
    text = "The Prep. 10th Division moved north of the railway into the hills. Then the rest came."
    assert opening_sentence(text, "en") == "The Prep. 10th Division moved north of the railway into the hills."
    assert opening_sentence("南军渡河。北军后撤。", "zh") == "南军渡河。"


def test_captions_in_both_languages(mini) -> None:
    text = film.captions(mini, [p.id for p in mini.phases], "both")
    assert text["langs"] == ["zh", "en"]
    assert text["phases"][0]["title"] == ["上午", "Morning"]
    assert text["phases"][1]["line"] == ["北军失去磨坊。", "The northern army loses the mill."]


def test_missing_encoder_names_the_install_step(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # import fails
    monkeypatch.setattr(film.shutil, "which", lambda name: None)
    code = main(["export", "--geo", str(FIXTURE_BATTLE), "--format", "mp4", "--out", str(tmp_path / "mp4")])
    assert code == 5
    err = capsys.readouterr().err
    assert "ffmpeg" in err and "apt-get install -y ffmpeg" in err and ".[film]" in err
    assert not (tmp_path / "mp4").exists()


@pytest.mark.parametrize("args", [["--size", "1920"], ["--size", "0x0"], ["--fps", "0"], ["--seconds-per-day", "-1"]])
def test_bad_film_options_are_usage_errors(args: list[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["export", "--geo", str(FIXTURE_BATTLE), "--format", "mp4", "--out", str(tmp_path / "x"), *args])
    assert stop.value.code == 2
