"""Build annotated, offline, bilingual battle maps from sourced GeoJSON.

The flow runs one way: ``load`` reads and validates a ``geo/`` folder into a
:class:`~layers.model.Battle`; the builders turn its features into drawables; ``compose``
assembles one page per phase plus the atlas page and is the only code that writes.
"""

__version__ = "0.1.0"
