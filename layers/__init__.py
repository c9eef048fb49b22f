"""Build annotated, offline, bilingual battle maps from sourced GeoJSON.

The flow runs one way, one folder per stage (each imports only the stages to its left):

- :mod:`layers.data`: read a ``geo/`` folder, validate it once, the typed model, the lint report;
- :mod:`layers.draw`: the style registry and the builders: feature -> drawable (pure);
- :mod:`layers.page`: elements, templates, the page's script and styles, page assembly;
- :mod:`layers.site`: the only writer of the output folder;
- :mod:`layers.export`: one module per export format; :mod:`layers.tools`: preview and import;
- :mod:`layers.cli`: argv -> exit code.
"""

__version__ = "0.1.0"
