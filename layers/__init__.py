"""Build annotated, offline, bilingual battle maps from sourced GeoJSON.

Installed, this package is ``hengyang_map`` (its folder in the repository is ``layers/``). As a
library it gives four names (:mod:`.library`):

- :func:`load`: a battle's data folder, read and validated (the battle shipped with the
  package by default);
- :func:`build`: the site, a page per phase and the atlas;
- :func:`export`: single-file pages, PNG/PDF, GPKG/GeoJSON/KML, films;
- :class:`Atlas`: the atlas shown inline in a notebook, and each phase as a ``folium.Map``.

The flow runs one way, one folder per stage (each imports only the stages to its left):

- :mod:`.data`: read a ``geo/`` folder, validate it once, the typed model, the lint report;
- :mod:`.draw`: the style registry and the builders: feature -> drawable (pure);
- :mod:`.page`: elements, templates, the page's script and styles, page assembly;
- :mod:`.site`: the only writer of the output folder;
- :mod:`.exports`: one module per export format; :mod:`.tools`: preview and import;
- :mod:`.cli`: argv -> exit code.
"""

from .library import Atlas, build, export, load

__all__ = ["Atlas", "build", "export", "load"]
__version__ = "0.1.0"
