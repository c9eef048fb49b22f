"""The contract between the build and the page: every key, flag, sentinel id and default
that both sides use, written once, here.

Python writes records with these names (``record[Record.NAME]``); the build ships
:func:`as_json` with the site's data, and the page's script reads the same names from it
(``feature[R.NAME]``), so no key string is typed in both languages. Keys are short because
they repeat once per feature.
"""

from __future__ import annotations

from typing import Any, Final


class Record:
    """A feature's entry: the site's shared part, then the page's own part (the last four)."""

    ID: Final = "id"
    GEOMETRY: Final = "g"  # GeoJSON geometry, rounded to the feature's precision
    HALO: Final = "h"  # precision halo radius in metres (approximate points only)
    NAME: Final = "n"  # [zh, en]
    KIND: Final = "k"  # a key of labels.kind, or the movement kind (labels.movement)
    SIDE: Final = "sd"  # side id (labels.side)
    COMMANDER: Final = "c"  # [zh, en]
    UNIT: Final = "u"  # the unit involved [zh, en]
    STATUS: Final = "st"  # [[day, status, [source ids], note [zh, en] or 0], ...]
    DESCRIPTION: Final = "ds"  # [zh, en]
    FIGURES: Final = "fg"  # [[label [zh, en], [[value [zh, en], [source ids], note or 0], ...]], ...]
    CLAIMS: Final = "cl"  # [[field, value, [source ids], note or 0], ...]
    PRECISION: Final = "pr"  # precision radius in metres
    CERTAINTY: Final = "ce"  # left out when it is Default.CERTAINTY
    LOCATION_NOTE: Final = "ln"  # how the location was derived [zh, en]
    SOURCES: Final = "src"  # source ids
    ELEVATION_SOURCES: Final = "es"  # source ids of the spot height
    WIDTH: Final = "w"  # a river's width [metres, [source ids]]
    DESIGNATION: Final = "dg"  # a unit's designation beside its symbol [zh, en]
    # What the map writes on itself (see layers.draw.labels).
    LABEL: Final = "lb"  # the text written on the map [zh, en]
    PLACEMENT: Final = "lk"  # a Placement code
    ANCHOR: Final = "la"  # [lon, lat] the label hangs on, when not the geometry's own point
    COURSE: Final = "lc"  # [[lon, lat], ...] a label follows, when not the drawn line itself
    TIP: Final = "tp"  # an arrow's tip [lon, lat]: names keep clear of arrowheads
    ELEVATION: Final = "el"  # spot height in metres, from a source
    HILL: Final = "hl"  # 1 for a hill (drawn with a hill sign)
    RANK: Final = "lr"  # the name's rank without the page's phase (lower is placed first)
    # The page's own part of the entry.
    ICON: Final = "i"  # index into the page's icons
    VALID: Final = "a"  # [first day, last day]
    BASE_STYLE: Final = "b"  # style index before the first status change
    STYLES: Final = "s"  # [[day, style index], ...] from each status change on


class Placement:
    """How a name is placed on the map."""

    POINT: Final = "p"  # beside a point
    AREA: Final = "a"  # inside an area
    RIVER: Final = "r"  # along a river, italic, repeated
    LINE: Final = "l"  # along a line, once
    MOVEMENT: Final = "m"  # beside an arrow's middle


class Item:
    """Positions in a group's item: ``[feature index, style index, flags?, rank?]``."""

    FEATURE: Final = 0
    STYLE: Final = 1
    FLAGS: Final = 2
    RANK: Final = 3


class Flag:
    """Bits of an item's flags."""

    CHANGED: Final = 1  # changed since the previous phase: drawn with a ring
    ENDED: Final = 2  # superseded within the phase: drawn faded


class Group:
    """Ids the page uses itself (no phase or layer may take them)."""

    REFERENCE: Final = "reference"  # the reference layers, drawn as one group
    ALL: Final = "all"  # every phase at once


class Default:
    """Values a record leaves out."""

    CERTAINTY: Final = "estimated"
    STATUS: Final = "held"


class Zoom:
    """The zoom levels the page marks on the map (small echelons show from their zoom on)."""

    ECHELON_MIN: Final = 13
    ECHELON_MAX: Final = 17


def _members(namespace: type) -> dict[str, Any]:
    return {name: value for name, value in vars(namespace).items() if name.isupper()}


def as_json() -> dict[str, dict[str, Any]]:
    """The whole contract as plain data, for the page's script."""
    return {
        "record": _members(Record),
        "placement": _members(Placement),
        "item": _members(Item),
        "flag": _members(Flag),
        "group": _members(Group),
        "default": _members(Default),
        "zoom": _members(Zoom),
    }
