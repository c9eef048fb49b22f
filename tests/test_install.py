"""Installed from a wheel, the tool builds and exports from any folder, with the battle inside;
the library is ``hengyang_map`` and nothing else, so a folder of the user's own named ``layers``
(or ``build_map``) changes nothing; the wheel builds with the setuptools the project declares.

The wheel is built from a copy of the sources (never in the checkout, where an old ``build/``
folder would slip stale files into it), with pip fetching its build requirements from the
package index as any install does.
"""

from __future__ import annotations

import json
import re
import shutil
import site
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, OfflinePage

#: What a build of the sources never needs: the checkout's generated and unrelated folders (at
#: its top: ``layers/exports`` is ours, a top-level ``exports/`` a user's output) and caches.
_ANYWHERE = shutil.ignore_patterns("*.egg-info", "__pycache__", ".*_cache", ".hypothesis")
_AT_TOP = {".git", ".venv", "venv", "build", "dist", "output", "exports", "bench", "docs", "tests"}


def NOT_SOURCES(folder: str, names: list[str]) -> set[str]:
    ignored = set(_ANYWHERE(folder, names))
    return ignored | (_AT_TOP & set(names)) if Path(folder).resolve() == ROOT.resolve() else ignored


#: A package and a module of the user's own, in the folder the tool runs from: never imported by it.
USERS_LAYERS = "MINE = True\n"
USERS_BUILD_MAP = "raise ImportError('the user\\'s own build_map was imported')\n"

#: The command line, run in the fresh venv from the user's folder (which ``python -c`` puts first on the path).
CLI = "import sys; from hengyang_map.cli import main; sys.exit(main(sys.argv[1:]))"

#: Run in the fresh venv, from the user's folder: the library as a notebook would use it.
LIBRARY = """
import json, sys
import folium
import hengyang_map
from hengyang_map import Atlas, build, export, load

battle = load()
atlas = Atlas(battle)
fmap = atlas.to_folium("assault-1")
folium.Marker(fmap.location, tooltip="a note of my own").add_to(fmap)
fmap.save("assault-1.html")
names = export(battle, "geojson", "gis")
shown = atlas._repr_html_()
ours_only = "layers" not in sys.modules and "build_map" not in sys.modules
import layers  # the user's own
print(json.dumps({
    "all": hengyang_map.__all__,
    "callable": [callable(f) for f in (load, build, export, Atlas)],
    "file": hengyang_map.__file__,
    "data": str(battle.root),
    "is_map": isinstance(fmap, folium.Map),
    "names": names,
    "iframe": shown.startswith("<iframe srcdoc="),
    "ours_only": ours_only,
    "users_layers": getattr(layers, "MINE", False),
}))
"""


def _sources(tmp: Path) -> Path:
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES)
    return source


def _wheel(python: str, source: Path, out: Path, *options: str) -> Path:
    made = subprocess.run(
        [python, "-m", "pip", "wheel", "--no-deps", *options, "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert "Warning" not in made.stderr and "would be ignored" not in made.stdout + made.stderr
    [wheel] = out.glob("*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    return _wheel(sys.executable, _sources(tmp), tmp / "wheels")


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A fresh venv with the wheel installed. Its dependencies (folium, geopandas...) are the
    test interpreter's, reached through a .pth file, not installed again: a .pth line adds a
    folder to the path and runs none of the .pth files in it (so not an editable install's)."""
    folder = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=300)
    python = folder / "bin" / "python"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    [packages] = folder.glob("lib/python3*/site-packages")
    (packages / "zz-test-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def users_folder(tmp_path: Path) -> Path:
    """A folder of the user's, holding a ``layers`` package and a ``build_map`` module of their own."""
    work = tmp_path / "elsewhere"
    (work / "layers").mkdir(parents=True)
    (work / "layers" / "__init__.py").write_text(USERS_LAYERS, encoding="utf-8")
    (work / "build_map.py").write_text(USERS_BUILD_MAP, encoding="utf-8")
    return work


def test_wheel_installs_one_package_of_its_own(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = archive.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert {name.split("/")[0] for name in names} == {"hengyang_map", "hengyang_map-0.1.0.dist-info"}
    assert "hengyang-map = hengyang_map.cli:main" in entry_points
    assert "hengyang_map/geo/manifest.toml" in names and "hengyang_map/geo/schema/manifest.schema.json" in names
    assert "hengyang_map/page/templates/layers.js.j2" in names
    assert "hengyang_map/page/static/vendor/leaflet-1.9.4/leaflet.js" in names


def test_wheel_builds_and_exports_from_another_folder(venv: Path, users_folder: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess:
        command = [str(venv / "bin" / "python"), "-c", CLI, *args]
        return subprocess.run(command, cwd=users_folder, capture_output=True, text=True, timeout=300)

    script = subprocess.run(
        [str(venv / "bin" / "hengyang-map"), "--version"], cwd=users_folder, capture_output=True, text=True, timeout=300
    )
    assert script.returncode == 0 and script.stdout.startswith("hengyang-map "), script.stderr
    built = run()  # build is the default command, the embedded battle the default data
    assert built.returncode == 0, built.stderr
    assert (users_folder / "output" / "index.html").is_file()
    assert (users_folder / "output" / "assault-1.html").is_file()
    exported = run("export", "--format", "geojson")
    assert exported.returncode == 0, exported.stderr
    assert (users_folder / "exports" / "geojson" / "hengyang-1944.geojson").is_file()
    checked = run("check")
    assert checked.returncode == 0 and str(venv) in checked.stdout  # the data inside the install
    # nothing written into the install (its own package ``exports`` holds its modules only)
    own = [path for path in venv.rglob("exports") if path.parent.name == "hengyang_map"]
    assert len(own) == 1 and all(f.is_dir() or f.suffix in (".py", ".pyc") for f in own[0].rglob("*"))
    assert not list(venv.rglob("output")) and [path for path in venv.rglob("exports") if path not in own] == []


@pytest.mark.browser
def test_library_from_the_wheel_in_a_notebooks_folder(venv: Path, users_folder: Path, browser) -> None:
    run = subprocess.run(
        [str(venv / "bin" / "python"), "-c", LIBRARY], cwd=users_folder, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["all"] == ["Atlas", "build", "export", "load"] and all(got["callable"])
    assert got["file"].startswith(str(venv)) and got["data"].startswith(str(venv))
    assert got["is_map"] and got["iframe"]
    assert got["names"] == ["PROVENANCE.txt", "hengyang-1944.geojson"]
    assert got["ours_only"] and got["users_layers"]  # ours never touched the user's layers/
    page = OfflinePage(browser)
    try:
        tab = page.open(users_folder / "assault-1.html")
        drawn = tab.evaluate(
            "Object.values(window.battleMap.groups).filter(g => window.battleMap.map.hasLayer(g))"
            ".reduce((n, g) => n + g.getLayers().length, 0)"
        )
        assert drawn > 20
        mine = tab.evaluate(
            "Object.keys(window).filter(k => /^marker_/.test(k) && window[k] instanceof L.Marker)"
            ".filter(k => window.battleMap.map.hasLayer(window[k])).length"
        )
        assert mine == 1  # the user's marker, on our map
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


def test_wheel_builds_with_the_declared_setuptools_floor(tmp_path: Path) -> None:
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    [floor] = [m[1] for r in requires if (m := re.fullmatch(r"setuptools>=([\d.]+)", r.replace(" ", "")))]
    builder = tmp_path / "builder"
    subprocess.run([sys.executable, "-m", "venv", str(builder)], check=True, timeout=300)
    python = str(builder / "bin" / "python")
    installed = subprocess.run(
        [python, "-m", "pip", "install", f"setuptools=={floor}"], capture_output=True, text=True, timeout=300
    )
    assert installed.returncode == 0, installed.stderr
    wheel = _wheel(python, _sources(tmp_path), tmp_path / "wheels", "--no-build-isolation")
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read("hengyang_map-0.1.0.dist-info/METADATA").decode()
    assert "License-Expression: MIT" in metadata
