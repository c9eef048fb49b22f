"""GeoJSON (RFC 7946): every feature with native JSON values: lists of sources, the status
history, claims and figures as arrays of objects."""

import json

from layers.data.model import Battle
from layers.export.attributes import properties


def geojson(battle: Battle, provenance: str) -> bytes:
    """An RFC 7946 FeatureCollection with native values; geometry exactly as in the data."""
    collection = {
        "type": "FeatureCollection",
        "name": battle.id,
        "description": provenance,
        "features": [
            {"type": "Feature", "id": f.id, "geometry": f.geojson, "properties": properties(battle, f)}
            for f in battle.features
        ],
    }
    return (json.dumps(collection, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
