"""Where a battle's data folder is: the one the caller names, else the battle shipped inside the
package (``geo/`` in a checkout); for ``import``, which edits a folder, never that copy."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from .errors import GeoDataError, Problem

#: The import package the code runs as: ``hengyang_map`` when installed, ``layers`` in a checkout.
PACKAGE = __name__.rpartition(".")[0]

#: The data folder ``import`` edits when none is named: ``./geo``, where a checkout keeps it.
LOCAL_GEO = Path("geo")


def data_folder(geo: str | os.PathLike[str] | None = None) -> Path:
    """The data folder to read: ``geo`` if given, else the battle shipped with the tool
    (:func:`embedded_geo`)."""
    return embedded_geo() if geo is None else Path(geo)


def edited_folder(geo: str | os.PathLike[str] | None = None) -> Path | None:
    """The data folder that ``import`` edits: ``geo`` if given, else ``./geo`` if it holds a
    manifest; never the copy shipped with the tool (None: no folder named and none here)."""
    if geo is not None:
        return Path(geo)
    return LOCAL_GEO if (LOCAL_GEO / "manifest.toml").is_file() else None


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
