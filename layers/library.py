"""The library: load a battle, build its site, export it, and show it in a notebook.

What ``import hengyang_map`` gives (:data:`__all__`). The command line does the same through
:mod:`.cli`; this module is for Python callers, and imports the page stack only when asked.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .contract import Language

if TYPE_CHECKING:
    import folium

    from .data.model import Battle

__all__ = ["Atlas", "build", "export", "load"]

#: The languages a page opens in (the reader can switch).
LANGUAGES = Language.CODES

#: A page in an iframe's ``srcdoc`` resolves addresses against the notebook's; with its own
#: (``about:srcdoc``) as base, the atlas's ``#phase`` addresses stay inside the frame, where
#: ``history.pushState`` accepts them. Written before the page's policy, which allows no ``<base>``.
SRCDOC_BASE = '<base href="about:srcdoc">'


def load(geo: str | os.PathLike[str] | None = None) -> Battle:
    """Read and validate a battle's data folder.

    Parameters
    ----------
    geo : str or path-like, optional
        A data folder shaped like the repository's ``geo/``: ``manifest.toml``, ``sources.toml``
        and one GeoJSON file per layer. By default, the battle shipped with the package.

    Returns
    -------
    Battle
        The validated battle: its phases, features and sources.

    Raises
    ------
    GeoDataError
        The data is invalid. The message lists every problem, each with its file, feature
        and field; ``err.problems`` holds them as records.

    Examples
    --------
    >>> import hengyang_map
    >>> battle = hengyang_map.load()
    >>> [phase.id for phase in battle.phases]
    ['preparations', 'approach', 'assault-1', 'lull', 'assault-2', 'relief', 'assault-3', 'fall']
    >>> hengyang_map.load("no-such-folder")
    Traceback (most recent call last):
        ...
    hengyang_map.errors.GeoDataError: 1 problem in the battle data:
      - no-such-folder: found no such folder; expected a data folder with manifest.toml
    """
    from .data.load import load_battle
    from .embedded import data_folder

    return load_battle(data_folder(geo))


def build(
    battle: Battle, out: str | os.PathLike[str], phases: Iterable[str] | None = None, lang: str = Language.DEFAULT
) -> Path:
    """Write the site: a page per phase and the atlas (``index.html``), as ``hengyang-map build``.

    The folder is replaced as a whole, atomically; a non-empty folder that this tool did not
    write is never replaced.

    Parameters
    ----------
    battle : Battle
        A battle from :func:`load`.
    out : str or path-like
        The output folder.
    phases : iterable of str, optional
        Build only these phases (their pages, and the atlas with them); all by default.
    lang : {"zh", "en", "both"}
        The language the pages open in.

    Returns
    -------
    pathlib.Path
        The output folder, resolved.

    Raises
    ------
    ValueError
        An unknown phase or language.
    OutputError
        The folder could not be written; the previous output is unchanged.

    Examples
    --------
    >>> import tempfile
    >>> import hengyang_map
    >>> battle = hengyang_map.load()
    >>> work = tempfile.TemporaryDirectory()
    >>> folder = hengyang_map.build(battle, Path(work.name) / "site", phases=["assault-1"])
    >>> sorted(page.name for page in folder.glob("*.html"))
    ['assault-1.html', 'index.html']
    >>> work.cleanup()
    """
    from .site import build as build_site

    return build_site(battle, Path(out), _phases(battle, phases), _lang(lang))


def export(
    battle: Battle,
    fmt: str,
    out: str | os.PathLike[str],
    phases: Iterable[str] | None = None,
    lang: str = Language.DEFAULT,
    *,
    paper: str = "a4",
    progress: bool = False,
    size: tuple[int, int] = (1920, 1080),
    seconds_per_day: float = 1.0,
    fps: int = 10,
) -> list[str]:
    """Export the battle, as ``hengyang-map export``: a self-contained page per phase, print
    images, the data for GIS, or a film.

    Parameters
    ----------
    battle : Battle
        A battle from :func:`load`.
    fmt : {"html", "png", "pdf", "handout", "gpkg", "geojson", "kml", "kmz", "mp4", "webm", "gif"}
        The format. PNG, PDF, the handout and the films need the ``export`` or ``film`` extra and a
        Chromium; the others need nothing more.
    out : str or path-like
        The output folder, replaced as a whole, atomically.
    phases : iterable of str, optional
        Export only these phases; all by default.
    lang : {"zh", "en", "both"}
        The language of the pages, images and films.
    paper : {"a4", "a3", "letter"}
        The paper of PNG, PDF and the handout, landscape.
    progress : bool
        Show a progress bar while pages and frames render.
    size, seconds_per_day, fps
        A film's frame size in pixels, the seconds each day is shown, and frames per second.

    Returns
    -------
    list of str
        The names of the files written, with the ``PROVENANCE.txt`` every export carries.

    Examples
    --------
    >>> import tempfile
    >>> import hengyang_map
    >>> battle = hengyang_map.load()
    >>> work = tempfile.TemporaryDirectory()
    >>> names = hengyang_map.export(battle, "geojson", Path(work.name) / "gis")
    >>> names == ["PROVENANCE.txt", f"{battle.id}.geojson"]
    True
    >>> work.cleanup()
    """
    from .exports.dispatch import FORMATS
    from .exports.dispatch import export as export_files
    from .exports.film import FilmOptions

    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; the formats are: {', '.join(FORMATS)}")
    film = FilmOptions(size, seconds_per_day, fps)
    return export_files(battle, fmt, Path(out), _phases(battle, phases), _lang(lang), paper, progress, film=film)


class Atlas:
    """The atlas of a battle, for notebooks: shown inline, and each phase as a folium map.

    In Jupyter, an ``Atlas`` as the last expression of a cell shows the atlas page itself
    (every phase a layer, the day slider, the panel), offline: the page is written into the
    notebook with every script inline, and loads nothing from the network.

    Parameters
    ----------
    geo : str, path-like or Battle, optional
        A data folder (see :func:`load`) or a battle already loaded; by default the battle
        shipped with the package.
    lang : {"zh", "en", "both"}
        The language the atlas and the phase maps open in; the reader can switch.

    Attributes
    ----------
    battle : Battle
        The validated battle.

    Examples
    --------
    >>> import folium
    >>> import hengyang_map
    >>> atlas = hengyang_map.Atlas(lang="en")
    >>> atlas.phases[:3]
    ['preparations', 'approach', 'assault-1']
    >>> atlas._repr_html_().startswith("<iframe srcdoc=")  # what Jupyter shows
    True

    A phase as a folium map, to add layers of one's own to and save:

    >>> fmap = atlas.to_folium("assault-1")
    >>> isinstance(fmap, folium.Map)
    True
    >>> _ = folium.Marker(fmap.location, tooltip="A note of my own").add_to(fmap)
    >>> import tempfile
    >>> work = tempfile.TemporaryDirectory()
    >>> fmap.save(Path(work.name) / "assault-1.html")
    >>> work.cleanup()
    """

    #: The height of the atlas shown in a notebook, in CSS pixels.
    height = 640

    def __init__(self, geo: str | os.PathLike[str] | Battle | None = None, lang: str = Language.DEFAULT) -> None:
        from .data.model import Battle

        self.battle = geo if isinstance(geo, Battle) else load(geo)
        self.lang = _lang(lang)
        self._page: str | None = None

    def __repr__(self) -> str:
        return f"<Atlas of {self.battle.title.en!r}: {len(self.phases)} phases>"

    @property
    def phases(self) -> list[str]:
        """The ids of the battle's phases, in order: what :meth:`to_folium` takes."""
        return [phase.id for phase in self.battle.phases]

    def page(self) -> str:
        """The atlas as one self-contained HTML page (as ``export --format html`` writes
        ``index.html``): every script, style and symbol inline, no network needed."""
        if self._page is None:
            from .page.assemble import render_site

            self._page = render_site(self.battle, None, self.lang, single_file=True)["index.html"].decode("utf-8")
        return self._page

    def _repr_html_(self) -> str:
        """The atlas inline in Jupyter: the page in an iframe of its own (``srcdoc``, escaped), so
        that its scripts and styles touch nothing of the notebook's."""
        title = f"{self.battle.title.zh} {self.battle.title.en}"
        page = self.page().replace("<head>\n", f"<head>\n{SRCDOC_BASE}\n", 1)
        return (
            f'<iframe srcdoc="{html.escape(page, quote=True)}" title="{html.escape(title, quote=True)}" '
            f'style="width: 100%; height: {self.height}px; border: 0"></iframe>'
        )

    def to_folium(self, phase_id: str) -> folium.Map:
        """The page of one phase as a :class:`folium.Map`.

        It holds what the phase's page holds: the battle's layers with their symbols, names
        and arrows, the panel with the narrative, legend and sources, the day slider; every
        script inline, so ``save()`` writes a page that works offline. Layers added to it
        (markers, GeoJSON, folium plugins) are drawn with ours; a plugin that loads scripts of
        its own from the network needs the network.

        Parameters
        ----------
        phase_id : str
            One of :attr:`phases`.

        Returns
        -------
        folium.Map
            A new map on each call.

        Raises
        ------
        ValueError
            An unknown phase.
        """
        from .page.assemble import phase_map
        from .page.notebook import DefaultMarkerIcon

        _phases(self.battle, [phase_id])
        fmap = phase_map(self.battle, phase_id, self.lang)
        fmap.add_child(DefaultMarkerIcon())  # a folium.Marker added to it shows offline too
        return fmap


def _phases(battle: Battle, phases: Iterable[str] | None) -> list[str] | None:
    """``phases`` as a list, each checked against the battle's."""
    if phases is None:
        return None
    if isinstance(phases, str):  # a lone id, not its letters
        phases = [phases]
    wanted, known = list(phases), [phase.id for phase in battle.phases]
    unknown = [phase for phase in wanted if phase not in known]
    if unknown:
        raise ValueError(f"unknown phase {', '.join(map(repr, unknown))}; the phases are: {', '.join(known)}")
    return wanted


def _lang(lang: Any) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return str(lang)
