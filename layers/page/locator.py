"""The locator inset: where the battle lies, drawn in a corner of every page.

The inset draws the base map's country outlines (Natural Earth, :mod:`layers.page.base`) and,
where the data folder has a layer of role ``locator``, its places, rivers and railways, with
names in both languages; it marks the extent of what the battle's pages draw. A battle
without locator data still gets the country outlines and the mark. The page's script
(``bm-locator.js``) draws it; this module writes what it reads (``Page.LOCATOR``, keys:
:class:`layers.contract.Locator`).
"""

from __future__ import annotations

import weakref
from typing import Any

import shapely

from ..contract import Locator, Record
from ..data.model import Battle, Bilingual, Feature
from .sitedata import SiteData
from .ui import UI
from .view import bounds_latlng, extent

#: Decimal places of the locator's coordinates (about 100 m: far finer than its scale).
DIGITS = 3

#: What :func:`page_locator` made, by the site it was made for (while that site lives).
_made: dict[int, tuple[weakref.ref[SiteData], dict[str, Any]]] = {}


def _geometry(feature: Feature) -> dict[str, Any]:
    rounded = shapely.set_precision(feature.geometry, 10**-DIGITS)
    result: dict[str, Any] = shapely.geometry.mapping(rounded)
    return _plain(result)


def _plain(value: Any) -> Any:
    """GeoJSON mapping with lists, not tuples, and coordinates rounded (as JSON writes them)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, float):
        return round(value, DIGITS)
    return value


def _pair(text: Bilingual) -> list[str]:
    return [text.zh, text.en]


def locator_features(battle: Battle) -> list[dict[str, Any]]:
    """The locator layers' features as the inset draws them: name, kind, geometry."""
    return [
        {Record.NAME: [f.name.zh, f.name.en], Record.KIND: f.kind, Record.GEOMETRY: _geometry(f)}
        for f in battle.locator
    ]


def page_locator(battle: Battle, site: SiteData) -> dict[str, Any] | None:
    """``Page.LOCATOR`` for every page of ``site`` (made once per site): the inset's features,
    the extent of every feature the battle draws, and its words; None where the manifest
    says ``locator = false``."""
    if not battle.show_locator:
        return None
    known = _made.get(id(site))
    if known is not None and known[0]() is site:
        return known[1]
    box = extent(battle, site.features) or bounds_latlng(battle)
    made = {
        Locator.FEATURES: locator_features(battle),
        Locator.BOX: box,
        Locator.TITLE: _pair(UI["locator"]),
        Locator.CREDIT: _pair(UI["locator_credit"]),
        Locator.SHOW: True,
        Locator.HIDE: [_pair(UI["locator_hide"]), _pair(UI["locator_show"])],
    }
    _made.clear()  # one site at a time
    _made[id(site)] = (weakref.ref(site), made)
    return made


def cited(battle: Battle) -> set[str]:
    """The sources the inset's features cite (listed in every page's bibliography)."""
    if not battle.show_locator:
        return set()
    return {source for feature in battle.locator for source in feature.cited_sources()}
