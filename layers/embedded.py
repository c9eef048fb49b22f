"""Where the embedded battle is: the data folder shipped inside the package (``geo/`` in a checkout)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import GeoDataError, Problem

#: The import package the code runs as: ``hengyang_map`` when installed, ``layers`` in a checkout.
PACKAGE = __name__.rpartition(".")[0]


def embedded_geo() -> Path:
    """The data folder of the battle shipped with the tool.

    Installed (a wheel or an editable install), it is the package ``hengyang_map.geo``, found
    with :mod:`importlib.resources`; run from a checkout as ``layers`` (``python build_map.py``),
    it is the ``geo/`` folder beside ``layers/``.

    Returns
    -------
    pathlib.Path
        The folder that holds ``manifest.toml``.
    """
    try:
        folder = resources.files(f"{PACKAGE}.geo")
    except ModuleNotFoundError:  # a checkout: the code is `layers`, the data beside it
        return Path(__file__).resolve().parent.parent / "geo"
    if not isinstance(folder, Path):  # installed inside a zip file, which the loader cannot read
        problem = Problem(str(folder), "", "", "the embedded data inside an archive", "a data folder (--geo)")
        raise GeoDataError([problem])
    return folder
