"""What a phase map handed to a library user needs beyond our page: Leaflet's default marker
icon inline, so that a ``folium.Marker`` the user adds shows offline like the rest of the page.

Leaflet builds the default icon's address from a folder it guesses from its stylesheet; our
pages inline that stylesheet's images, so the guess fails (and only ``marker-icon.png`` is
vendored). The icon is given whole as a data URI; the shadow, not vendored, as an empty image.
"""

from __future__ import annotations

import base64
from importlib import resources

from branca.element import MacroElement
from jinja2 import Template

from .assets import vendor_manifest

#: A transparent 1×1 GIF: Leaflet asks for a shadow image, and none is vendored.
NO_SHADOW = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


class DefaultMarkerIcon(MacroElement):
    """Sets ``L.Icon.Default`` to the vendored marker icon, before any marker is made."""

    _template = Template(
        "{% macro header(this, kwargs) %}<script>L.Icon.Default.imagePath = '';"
        "L.Icon.Default.mergeOptions({{ this.options|tojson }});</script>{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "DefaultMarkerIcon"
        version = vendor_manifest()["leaflet"]["version"]
        package = resources.files(__name__.rpartition(".")[0])  # this package, as it is imported
        icon = (package / "static" / "vendor" / f"leaflet-{version}" / "images" / "marker-icon.png").read_bytes()
        uri = f"data:image/png;base64,{base64.b64encode(icon).decode()}"
        self.options = {"iconUrl": uri, "iconRetinaUrl": uri, "shadowUrl": NO_SHADOW, "shadowRetinaUrl": NO_SHADOW}
