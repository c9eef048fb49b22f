"""The command line: exit codes, messages, files written, nothing written on error."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_map import main

from .conftest import FIXTURE_BATTLE, ROOT


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(FIXTURE_BATTLE, target)
    return target


def test_build_writes_pages(mini: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["build", "--geo", str(mini), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.glob("*.html")) == ["afternoon.html", "index.html", "morning.html"]
    assert "wrote 2 phase pages" in capsys.readouterr().out


def test_build_is_the_default_command(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["--geo", str(mini), "--out", str(out)]) == 0
    assert (out / "index.html").is_file()


def test_check_writes_nothing(mini: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    assert main(["check", "--geo", str(mini)]) == 0
    assert "ok — 2 phases, 10 features, 2 sources" in capsys.readouterr().out
    assert sorted(tmp_path.rglob("*")) == before


def test_data_error_exit_1_and_nothing_written(mini: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["build", "--geo", str(mini), "--out", str(out)]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    path = mini / "action.geojson"
    path.write_text(path.read_text().replace('"precision_m": 400', '"precision_m": -1'))
    assert main(["build", "--geo", str(mini), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "action.geojson: feature 'mill': field 'precision_m': found -1" in err
    assert "Traceback" not in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_check_reports_data_errors(mini: Path, capsys) -> None:
    (mini / "ground.geojson").write_text("{")
    assert main(["check", "--geo", str(mini)]) == 1
    assert "ground.geojson: found invalid JSON" in capsys.readouterr().err


def test_usage_errors_exit_2(mini: Path, capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["build", "--lang", "fr"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["build", "--geo", str(mini), "--phase", "evening"])
    assert caught.value.code == 2
    assert "unknown phase evening; the phases are: morning, afternoon" in capsys.readouterr().err


def test_output_error_exit_3(mini: Path, tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["build", "--geo", str(mini), "--out", str(blocker)]) == 3
    assert "not a folder" in capsys.readouterr().err


def test_internal_error_exit_4_without_traceback(mini: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    import layers.site

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(layers.site, "build", boom)
    assert main(["build", "--geo", str(mini), "--out", str(tmp_path / "o")]) == 4
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: kaboom (rerun with --debug)" in err and "Traceback" not in err
    with pytest.raises(RuntimeError):
        main(["--debug", "build", "--geo", str(mini), "--out", str(tmp_path / "o")])


def test_script_and_console_entry_point(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build_map.py"),
            "build",
            "--geo",
            str(mini),
            "--out",
            str(out),
            "--phase",
            "morning",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.glob("*.html")) == ["index.html", "morning.html"]
    script = shutil.which("hengyang-map", path=str(Path(sys.executable).parent))
    assert script, "the console script hengyang-map is installed with the package"
    run = subprocess.run([script, "check", "--geo", str(mini)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "ok" in run.stdout
