"""The page's own words, in both languages, and the optional tile servers."""

from __future__ import annotations

from typing import Any

from ..contract import Language, Tiles
from ..data.model import Bilingual

_OSM = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
#: The optional online base layers, offered after the offline base in this order. Each is
#: fetched only while the reader has chosen it; the page's CSP allows exactly these hosts
#: (:func:`tile_hosts`). OpenTopoMap asks for both credits: the map data's and its style's.
TILES: list[dict[str, Any]] = [
    {
        Tiles.URL: "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        Tiles.ATTRIBUTION: _OSM,
        Tiles.NAME: Bilingual("OpenStreetMap 底图（需联网）", "OpenStreetMap tiles (online)"),
        Tiles.MAX_ZOOM: 19,
    },
    {
        Tiles.URL: "https://{s}.tile.opentopomap.org/{z}/{x}/{y}.png",
        Tiles.SUBDOMAINS: "abc",
        Tiles.ATTRIBUTION: f"Map data: {_OSM}, SRTM | Map style: &copy; "
        '<a href="https://opentopomap.org">OpenTopoMap</a> '
        '(<a href="https://creativecommons.org/licenses/by-sa/3.0/">CC-BY-SA</a>)',
        Tiles.NAME: Bilingual("OpenTopoMap 地形底图（需联网）", "OpenTopoMap terrain (online)"),
        Tiles.MAX_ZOOM: 17,
    },
]


def tile_hosts() -> list[str]:
    """Every origin the tile servers' URLs can name (``{s}`` spelt out), for the CSP."""
    hosts: list[str] = []
    for server in TILES:
        origin = "/".join(str(server[Tiles.URL]).split("/")[:3])
        hosts.extend(origin.replace("{s}", sub) for sub in str(server.get(Tiles.SUBDOMAINS, "")) or [""])
    return hosts


def tiles_data() -> list[dict[str, Any]]:
    """:data:`TILES` as the page reads them (``Page.TILES``): names as markup."""
    from .fragments import bi

    return [{**server, Tiles.NAME: str(bi(server[Tiles.NAME]))} for server in TILES]


LANGUAGES = ((Language.ZH, "中文"), (Language.EN, "English"), (Language.BOTH, "中/EN"))
UI = {
    "panel": Bilingual("地图说明", "Map notes"),
    "atlas": Bilingual("战役总图：各阶段图层", "Atlas: every phase as a layer"),
    "atlas_hint": Bilingual(
        "用 ◀ ▶ 或方向键逐阶段浏览，拖动日期滑块逐日查看，或在右上角图层控制中勾选各阶段；点击要素查看来源。",
        "Step through the phases with ◀ ▶ or the arrow keys, drag the day slider, or tick phases in the layer "
        "control (top right); click a feature for its sources.",
    ),
    "phases": Bilingual("阶段", "Phases"),
    "legend": Bilingual("图例", "Legend"),
    "bibliography": Bilingual("参考文献", "Bibliography"),
    "sources": Bilingual("来源", "Sources"),
    "plain": Bilingual("素底图（离线）", "Plain background (offline)"),
    "changed": Bilingual("较上一阶段的变化", "Changed since the previous phase"),
    "events": Bilingual("事件", "Events"),
    "twin": Bilingual("文字版（表格）", "Text version (table)"),
    "twin_all": Bilingual(
        "每项一次，为其最后所属阶段结束时的状态", "each feature once, as it stood at the end of its latest phase"
    ),
    "col_name": Bilingual("名称", "Name"),
    "col_kind": Bilingual("类别", "Kind"),
    "col_side": Bilingual("所属", "Side"),
    "col_dates": Bilingual("日期", "Dates"),
    "col_status": Bilingual("阶段末状态", "Status at the end"),
    "drawer": Bilingual("收起/展开", "Hide/show"),
    "story": Bilingual("阶段与日期", "Phases and days"),
    "prev": Bilingual("上一阶段", "Previous phase"),
    "next": Bilingual("下一阶段", "Next phase"),
    "all": Bilingual("全部阶段", "All phases"),
    "day": Bilingual("日期", "Day"),
    "play": Bilingual("播放/暂停", "Play/pause"),
    "page": Bilingual("单页", "page"),
    "locator": Bilingual("位置图", "Locator map"),
    "locator_show": Bilingual("显示", "Show"),
    "locator_hide": Bilingual("隐藏", "Hide"),
    "key": Bilingual("本图图例", "Key to this view"),
    "north": Bilingual("指北针：图上方为北", "North arrow: north is up"),
    "scale": Bilingual("比例尺", "Scale bar"),
    "locator_credit": Bilingual("今日国界：Natural Earth", "Present-day borders: Natural Earth"),
}
