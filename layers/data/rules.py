"""The data contract a data folder is read against: file names, id and date patterns, the keys
each table and feature may have, and the geometries each kind of feature may take."""

from __future__ import annotations

import re

from ..contract import Group

MANIFEST = "manifest.toml"
#: Largest data file read; larger ones are refused before parsing.
MAX_FILE_BYTES = 256 * 1024 * 1024
#: Patterns are used with ``fullmatch`` over ASCII only: ``$`` would let a trailing newline
#: through, and ``\d`` would take any script's digits.
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}", re.ASCII)
COLOR_PATTERN = re.compile(r"#[0-9a-fA-F]{6}", re.ASCII)
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
SIDC_PATTERN = re.compile(r"[0-9]{20}", re.ASCII)
URL_PATTERN = re.compile(r"https?://[^\x00-\x20\x7f-\x9f<>\"']+")
#: Control characters (C0, DEL, C1) that no text of the data may hold: XML (KML, QML) cannot
#: carry most of them, a terminal obeys them, and none is anything a reader sees.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The same for a long text, which may break its lines and hold tabs: only those are allowed.
LONG_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Texts that may run to paragraphs (named without ``_zh``/``_en``); every other text is a
#: name or a short text (a title, a label, a designation, a claim's value), on one line.
LONG_TEXTS = frozenset({"description", "narrative", "note", "location_note"})
#: Ids of phases, layers and the battle that would collide with what the build writes or
#: the page uses itself: files and folders of the site, the page's own group ids, and the
#: device names that Windows and FAT file systems refuse as file names (any extension).
RESERVED_IDS = ("index", "static", "readme", Group.REFERENCE, Group.ALL)
#: Group ids the page uses itself: reference layers are drawn as one group of this id, and
#: "all" selects every phase.
GROUP_IDS = (Group.REFERENCE, Group.ALL)
DEVICE_NAMES = ("con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10)))
IDENTITIES = {"friend": "3", "hostile": "6", "neutral": "4", "unknown": "1"}
GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
)
#: Geometry types each kind may use.
KIND_GEOMETRIES = {
    "position": ("Point", "Polygon", "MultiPolygon"),
    "unit": ("Point",),
    "movement": ("LineString",),
    "line": ("LineString", "MultiLineString", "Polygon"),
    "event": ("Point",),
    "river": ("LineString", "MultiLineString", "Polygon", "MultiPolygon"),
    "railway": ("LineString", "MultiLineString"),
    "wall": ("LineString", "Polygon"),
    "gate": ("Point",),
    "hill": ("Point", "Polygon", "MultiPolygon"),
    "place": ("Point", "Polygon"),
}
#: The data contract this tool reads (``schema_version`` in manifest.toml; 1 when left out).
SCHEMA_VERSION = 1
#: Keys of manifest.toml and of its [[phases]].
MANIFEST_KEYS = (
    "schema_version",
    "id",
    "bibliography",
    "bounds",
    "title",
    "subtitle",
    "attribution",
    "sides",
    "layers",
    "phases",
    "locator",
    "max_span_years",
)
#: The phases of a battle span at most this many years, unless ``max_span_years`` in the manifest
#: raises it (up to :data:`MAX_SPAN_YEARS_CEILING`): a mistyped year (0001 for the real one) would
#: otherwise make the build draw every day of millennia.
MAX_SPAN_YEARS = 5
MAX_SPAN_YEARS_CEILING = 100
PHASE_KEYS = ("id", "title", "start", "end", "sources", "narrative", "view", "claims", "figures")
#: What a claim (another source's differing value) may be about.
CLAIM_FIELDS = ("name", "description", "start", "end", "status", "side", "unit", "location", "commander")
PHASE_CLAIM_FIELDS = ("title", "start", "end", "narrative")
#: How deep each geometry type nests its positions in ``coordinates``.
POSITION_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}
