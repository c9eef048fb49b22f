"""The library ``hengyang_map``: its examples run, the package imports itself only relatively,
the atlas shows inline (escaped, offline) and a phase comes out as a folium map of our page."""

from __future__ import annotations

import ast
import doctest
import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from layers import library
from layers.page.assemble import _readable, render_site
from layers.page.csp import tidy
from layers.page.notebook import DefaultMarkerIcon

from .conftest import FIXTURE_BATTLE, ROOT, OfflinePage

PACKAGE = ROOT / "layers"

#: The examples of every public docstring (run with ``hengyang_map`` as installed, which the
#: examples import: ``pip install -e .`` in a checkout).
EXAMPLES = [test for test in doctest.DocTestFinder().find(library) if test.examples]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda test: test.name)
def test_docstring_examples_run(example: doctest.DocTest) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report: list[str] = []
    runner.run(example, out=report.append)
    assert runner.failures == 0, "".join(report)


def test_every_public_name_has_examples() -> None:
    import layers

    assert sorted(layers.__all__) == ["Atlas", "build", "export", "load"] == sorted(library.__all__)
    assert {test.name.rpartition(".")[2] for test in EXAMPLES} >= set(layers.__all__)
    for name in layers.__all__:
        assert getattr(layers, name) is getattr(library, name)
        assert "Parameters\n" in (getattr(library, name).__doc__ or "")


def _modules() -> set[str]:
    names = set()
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_the_package_imports_itself_relatively() -> None:
    """Installed, the package is ``hengyang_map`` and no ``layers`` exists: an absolute import
    of ``layers`` (or a resource looked up under that name) would fail there, or import a
    user's own ``layers``. ``python scripts/relative_imports.py`` mends the imports."""
    modules = _modules()
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            named = None
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                named = node.module
            elif isinstance(node, ast.Import):
                named = next((alias.name for alias in node.names if alias.name.split(".")[0] == "layers"), None)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in modules:
                named = node.value if "." in node.value else None  # ("layers" alone: the manifest's key)
            if named is not None and named.split(".")[0] == "layers":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {named}")
    assert offenders == []


def test_the_embedded_battle_is_the_data_folder() -> None:
    from layers.embedded import embedded_geo

    # in a checkout, as `layers`, the data folder beside it; installed, the package's own
    assert (embedded_geo() / "manifest.toml").is_file()
    assert embedded_geo().resolve() == (ROOT / "geo").resolve()


def test_the_data_folder_is_the_one_named_else_the_embedded_and_import_edits_only_a_folder_of_the_user_s(
    tmp_path, monkeypatch
) -> None:
    from layers.embedded import data_folder, edited_folder, embedded_geo

    assert data_folder() == embedded_geo() and data_folder(tmp_path / "mine") == tmp_path / "mine"
    monkeypatch.chdir(tmp_path)
    assert edited_folder() is None  # no ./geo here: never the embedded copy
    assert edited_folder("elsewhere") == Path("elsewhere")
    (tmp_path / "geo").mkdir()
    assert edited_folder() is None  # a folder named geo, but no data in it
    (tmp_path / "geo" / "manifest.toml").write_text("", encoding="utf-8")
    assert edited_folder() == Path("geo")


class _Frames(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.frames: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "iframe":
            self.frames.append(dict(attrs))


def test_atlas_inline_is_the_single_file_atlas_escaped(tmp_path: Path) -> None:
    geo = tmp_path / "geo"
    shutil.copytree(FIXTURE_BATTLE, geo)
    manifest = geo / "manifest.toml"
    hostile = 'Testford" onload="alert(1)&amp;<b>'
    manifest.write_text(manifest.read_text().replace('en = "The Battle of Testford"', f"en = '{hostile}'"))
    atlas = library.Atlas(geo, lang="en")
    shown = atlas._repr_html_()
    parser = _Frames()
    parser.feed(shown)
    [frame] = parser.frames
    assert set(frame) == {"srcdoc", "title", "style"}  # no attribute smuggled in by the page or the title
    assert frame["title"] == f"泰斯特福德之战 {hostile}"
    page = render_site(atlas.battle, None, "en", single_file=True)["index.html"].decode()
    assert page == atlas.page()
    # the page, its address its own (before its policy, which refuses a <base> after it)
    policy = '<head>\n<meta http-equiv="Content-Security-Policy"'
    framed = page.replace(policy, '<head>\n<base href="about:srcdoc">' + policy[6:], 1)
    assert framed != page and frame["srcdoc"] == framed
    assert "<script" not in shown.replace(html.escape(frame["srcdoc"], quote=True), "")  # no markup but the frame
    assert 'http-equiv="Content-Security-Policy"' in page  # offline: the page's own policy travels with it


def test_to_folium_is_the_phase_page(tmp_path: Path) -> None:
    import folium

    atlas = library.Atlas(FIXTURE_BATTLE, lang="en")
    fmap = atlas.to_folium("afternoon")
    assert isinstance(fmap, folium.Map)
    # what it holds beyond the phase's page: Leaflet's default marker icon, for the user's markers
    [icon] = [child for child in fmap._children.values() if isinstance(child, DefaultMarkerIcon)]
    del fmap._children[icon.get_name()]
    page = render_site(atlas.battle, None, "en", single_file=True)["afternoon.html"].decode()
    without_policy = re.sub(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">\n', "", page, count=1)
    assert _readable(tidy(fmap.get_root().render()), "en") == without_policy  # our page, byte for byte
    assert atlas.to_folium("afternoon") is not fmap  # a new map each time, to extend as one likes


def test_unknown_names_are_refused_with_the_known_ones(tmp_path: Path) -> None:
    atlas = library.Atlas(FIXTURE_BATTLE)
    with pytest.raises(ValueError, match="unknown phase 'evening'; the phases are: morning, afternoon"):
        atlas.to_folium("evening")
    with pytest.raises(ValueError, match="unknown phase 'evening'"):
        library.build(atlas.battle, tmp_path / "out", ["morning", "evening"])
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        library.Atlas(atlas.battle, lang="fr")
    with pytest.raises(ValueError, match="unknown export format 'svg'"):
        library.export(atlas.battle, "svg", tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert library.build(atlas.battle, tmp_path / "out", "morning") == (tmp_path / "out").resolve()  # one id alone
    assert sorted(p.name for p in (tmp_path / "out").glob("*.html")) == ["index.html", "morning.html"]


COUNT_DRAWN = (
    "Object.values(window.battleMap.groups).filter(g => window.battleMap.map.hasLayer(g))"
    ".reduce((n, g) => n + g.getLayers().length, 0)"
)


@pytest.mark.browser
def test_atlas_shows_inline_offline_and_steps(offline: OfflinePage, battle, tmp_path: Path) -> None:
    notebook = tmp_path / "notebook.html"
    shown = library.Atlas(battle)._repr_html_()
    notebook.write_text(f"<!DOCTYPE html><html><body><h1>A notebook</h1>{shown}</body></html>", encoding="utf-8")
    offline.page.goto(notebook.as_uri())
    frame = offline.page.frame_locator("iframe")
    frame.locator(".leaflet-container").wait_for()
    inner = next(f for f in offline.page.frames if f != offline.page.main_frame)
    inner.wait_for_function("window.battleMap !== undefined")
    assert inner.evaluate(COUNT_DRAWN) > 20
    frame.locator(".bm-next").click()  # the next phase: the atlas steps inside its frame
    inner.wait_for_function("id => location.hash === '#' + id", arg=battle.phases[1].id)
    assert offline.page.evaluate("location.hash") == ""  # the notebook's own address is left alone
    assert offline.errors == [] and offline.blocked == []


@pytest.mark.browser
def test_a_phase_map_extended_and_saved_opens_offline(offline: OfflinePage, tmp_path: Path) -> None:
    import folium

    fmap = library.Atlas(FIXTURE_BATTLE).to_folium("morning")
    folium.Marker(fmap.location, tooltip="a note of my own").add_to(fmap)
    fmap.save(tmp_path / "morning.html")
    tab = offline.open(tmp_path / "morning.html")
    assert tab.evaluate(COUNT_DRAWN) > 0
    mine = tab.evaluate(
        "Object.keys(window).filter(k => /^marker_/.test(k) && window[k] instanceof L.Marker)"
        ".filter(k => window.battleMap.map.hasLayer(window[k])).length"
    )
    assert mine == 1
    icon = tab.locator(".leaflet-marker-icon[src^='data:image/png;base64,']")
    icon.wait_for()
    assert icon.evaluate("img => img.complete && img.naturalWidth") == 25  # Leaflet's marker, drawn
    assert offline.errors == [] and offline.blocked == []
