"""Installed from a wheel, the tool builds and exports from any folder, with the battle inside."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

RUN = (
    "import sys; sys.path.insert(0, sys.argv[1]); import build_map, layers; "
    "assert build_map.__file__.startswith(sys.argv[1]) and layers.__file__.startswith(sys.argv[1]), 'not the wheel'; "
    "sys.exit(build_map.main(sys.argv[2:]))"
)


def test_wheel_builds_and_exports_from_another_folder(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    made = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    assert "Warning" not in made.stderr and "would be ignored" not in made.stdout + made.stderr
    [wheel] = wheels.glob("*.whl")
    site = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", RUN, str(site), *args], cwd=work, capture_output=True, text=True, timeout=300
        )

    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("hengyang-map ")
    built = run()  # build is the default command, the embedded battle the default data
    assert built.returncode == 0, built.stderr
    assert (work / "output" / "index.html").is_file() and (work / "output" / "assault-1.html").is_file()
    exported = run("export", "--format", "geojson")
    assert exported.returncode == 0, exported.stderr
    assert (work / "exports" / "geojson" / "hengyang-1944.geojson").is_file()
    assert not (site / "output").exists() and not (site / "exports").exists()  # nothing written into the install
