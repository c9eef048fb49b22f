"""The contract between the build and the page: every key, flag, sentinel id and default
that both sides use, written once, here.

Python writes the data with these names (``record[Record.NAME]``, ``data[Page.GROUPS]``); the
build ships :func:`as_json` with the site's data, and the page's script reads the same names
from it (``feature[R.NAME]``, ``data[K.GROUPS]``, see ``bm-core.js``), so no key string is typed
in both languages. The page knows one name before it has read the contract: the key under which
the site's data carries it (:attr:`Site.CONTRACT`). Record keys are short because they repeat
once per feature; the page-level keys are words, written once per page.

The page's markup and its script share names too: element ids, class names, data attributes,
their sentinel values, the language codes and the globals the build's files set (:class:`Id`,
:class:`Css`, :class:`Attr`, :class:`Mode`, :class:`Legend`, :class:`Language`,
:class:`Global`). The templates take them from here (:data:`layers.page.elements.NAMES`); each
page carries them once, in its head (:func:`page_names`, ``window.BM_NAMES``), since the page's
script reads some of them there, before the site's data has loaded (the opening language);
``bm-core.js`` binds them as the contract's namespaces are bound. Stylesheets name classes and
language codes as they are: CSS is not script.
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
    EXTENT_SOURCES: Final = "ex"  # source ids of a hill area's extent
    SUMMIT_SOURCES: Final = "ss"  # source ids of a hill area's summit, where a source places it
    WIDTH: Final = "w"  # a river's width [metres, [source ids]]
    DESIGNATION: Final = "dg"  # a unit's designation beside its symbol [zh, en]
    # What the map writes on itself (see layers.draw.labels).
    LABEL: Final = "lb"  # the text written on the map [zh, en]
    PLACEMENT: Final = "lk"  # a Placement code
    ANCHOR: Final = "la"  # [lon, lat] the label hangs on, when not the geometry's own point
    COURSE: Final = "lc"  # [[lon, lat], ...] a label follows, when not the drawn line itself
    TIP: Final = "tp"  # an arrow's tip [lon, lat]: names keep clear of arrowheads
    ELEVATION: Final = "el"  # spot height in metres, from a source
    HILL: Final = "hl"  # a hill, drawn with a hill sign: a Sign code
    SUMMIT: Final = "sm"  # [lon, lat] where a hill area's sign and mark stand (Sign says what it is)
    RELIEF: Final = "rf"  # style id of a hill area's relief, drawn under everything else
    RANK: Final = "lr"  # the name's rank without the page's phase (lower is placed first)
    # The page's own part of the entry.
    ICON: Final = "i"  # index into the page's icons
    VALID: Final = "a"  # [first day, last day]
    BASE_STYLE: Final = "b"  # style index before the first status change
    STYLES: Final = "s"  # [[day, style index], ...] from each status change on


#: What of a record is written to the site's detail files, not its shared file: what only a
#: popup or the text version reads (the page loads a detail file when a reader first asks).
DETAIL: Final = (
    Record.KIND,
    Record.SIDE,
    Record.COMMANDER,
    Record.UNIT,
    Record.STATUS,
    Record.DESCRIPTION,
    Record.FIGURES,
    Record.CLAIMS,
    Record.PRECISION,
    Record.CERTAINTY,
    Record.LOCATION_NOTE,
    Record.SOURCES,
    Record.ELEVATION_SOURCES,
    Record.EXTENT_SOURCES,
    Record.SUMMIT_SOURCES,
)


class Placement:
    """How a name is placed on the map."""

    POINT: Final = "p"  # beside a point
    AREA: Final = "a"  # inside an area
    RIVER: Final = "r"  # along a river, italic, repeated
    LINE: Final = "l"  # along a line, once
    MOVEMENT: Final = "m"  # beside an arrow's middle


class Sign:
    """A hill's sign (``Record.HILL``)."""

    SUMMIT: Final = 1  # ▲ at the hill's point, or at the summit a source gives a hill area
    MIDDLE: Final = 2  # △ in the middle of a hill area whose summit is not recorded


class PathOption:
    """Options of a style (Leaflet's path options, in the site's styles) that are the page's own."""

    HATCH: Final = "bmHatch"  # the fill is hatched: strokes of the fill colour this many px apart


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
    ACTION: Final = 4  # an arrow: a synopsis of several phases keeps it at full strength


class Group:
    """Ids the page uses itself (no phase or layer may take them)."""

    REFERENCE: Final = "reference"  # the reference layers, drawn as one group
    ALL: Final = "all"  # every phase at once


class Default:
    """Values a record leaves out."""

    CERTAINTY: Final = "estimated"
    STATUS: Final = "held"


class Site:
    """Keys of the site's shared data (``window.BM_SITE``), written once for every page."""

    CONTRACT: Final = "contract"  # this contract (as_json): the single name the page reads before it
    FEATURES: Final = "features"  # every feature's record (Record), in data order
    STYLES: Final = "styles"  # Leaflet path options, by style id
    ICONS: Final = "icons"  # unit symbols (Icon), by symbol code
    TEXTS: Final = "texts"  # dates as readers write them (Texts)
    DETAILS: Final = "details"  # [features per detail file, [path, ...]]: the records' accounts (DETAIL)
    MORE: Final = "more"  # a large site: the path of its features' second file, null once loaded


class Texts:
    """The site's date texts: the page formats no date itself."""

    DAYS: Final = "days"  # {day number: [zh, en]}
    SPANS: Final = "spans"  # {"first,last": [zh, en]}: a feature's span of validity


class Icon:
    """A unit symbol in the site's icons."""

    HTML: Final = "html"  # the symbol's SVG (the build's own, no text from the data)
    WIDTH: Final = "w"  # in pixels
    HEIGHT: Final = "h"
    ANCHOR_X: Final = "ax"  # the pixel that sits on the unit's place
    ANCHOR_Y: Final = "ay"
    MIN_ZOOM: Final = "z"  # shown from this zoom on (0: at every zoom)


class Page:
    """Keys of a page's own data (the JSON block ``#bm-data``)."""

    GROUPS: Final = "groups"  # the overlays of the layer control (Overlay), reference first
    TIMELINE: Final = "timeline"  # days and phases of the slider and the stepper (Timeline)
    TILES: Final = "tiles"  # the optional tile server (Tiles), null on a self-contained page
    BASE: Final = "base"  # the base layers' names in the layer control (Base)
    ATTRIBUTION: Final = "attribution"  # the map's attribution line: tool version and data hash
    LABELS: Final = "labels"  # the tables a record's values are named by (Tables)
    HALO: Final = "halo"  # style id of the precision halos, when the page draws any
    CHANGED: Final = "changed"  # style id of the ring around what changed, when the page draws any
    FACTS: Final = "facts"  # {phase id: the phase's figures, claims and sources, as Record keys}
    STORY: Final = "story"  # {phase id: its changes and events (Story)}
    WHATS: Final = "whats"  # [[zh, en], ...]: what changed, indexed from Story.CHANGES
    LOCATOR: Final = "locator_inset"  # the locator inset (Locator), null when the page has none


class Overlay:
    """A group in ``Page.GROUPS``: an overlay of the layer control."""

    ID: Final = "id"  # a phase or layer id, or a Group id
    LABEL: Final = "label"  # its name in the layer control (markup, escaped by the build)
    SHOW: Final = "show"  # shown when the page opens
    ITEMS: Final = "items"  # what it draws: [Item, ...]
    ENDS: Final = "ends"  # {item position: status at the phase's end}, for the text version


class Timeline:
    """The page's ``Page.TIMELINE``."""

    START: Final = "start"  # the battle's first day (day 0), ISO date
    RANGE: Final = "range"  # [first day, last day] the slider spans
    CURRENT: Final = "current"  # the phase the page opens on
    FIT: Final = "fit"  # [[south, west], [north, east]]: the view of every phase at once
    SYMBOLS: Final = "symbols"  # the extent of the unit symbols in it (the view holds them whole), or null
    PHASES: Final = "phases"  # [TimelinePhase, ...] in order


class TimelinePhase:
    """A phase in ``Timeline.PHASES``."""

    ID: Final = "id"
    DAYS: Final = "d"  # [first day, last day]
    FIT: Final = "fit"  # [[south, west], [north, east]]: the view the phase opens on
    SYMBOLS: Final = "symbols"  # the extent of its unit symbols, or null (and where the data gives a view)


class Tables:
    """The page's ``Page.LABELS``: each a table of [zh, en] texts (the tier: a mark), by key."""

    KIND: Final = "kind"  # by Record.KIND
    MOVEMENT: Final = "movement"  # by Record.KIND of an arrow
    STATUS: Final = "status"  # by the status in Record.STATUS and Overlay.ENDS
    CERTAINTY: Final = "certainty"  # by Record.CERTAINTY
    FIELD: Final = "field"  # by a claim's field
    UI: Final = "ui"  # the popup's own words (Words)
    SIDE: Final = "side"  # by Record.SIDE
    TIER: Final = "tier"  # a source's tier mark, by source id


class Words:
    """Keys of ``Tables.UI``: the words a popup writes beside a feature's values."""

    COMMANDER: Final = "commander"
    UNIT: Final = "unit"
    LOCATION: Final = "location"
    SOURCES: Final = "sources"
    DISAGREE: Final = "disagree"
    ELEVATION: Final = "elevation"
    WIDTH: Final = "width"
    EXTENT: Final = "extent"  # where a hill area's outline comes from
    SUMMIT: Final = "summit"  # a hill area's summit, placed by a source
    NO_SUMMIT: Final = "no_summit"  # a hill area's sign, in its middle: the summit is not recorded
    MORE: Final = "more"  # the button under a long story list that shows more of it
    CONTINUED: Final = "continued"  # a printed sheet that goes on with the text of the one before
    FOLDED: Final = "folded_marks"  # a mark's count of the marks folded into it: "{n}" is their number


class Tiles:
    """A tile server in the page's ``Page.TILES`` (a list, offered in this order)."""

    URL: Final = "url"  # the tile server's URL template
    ATTRIBUTION: Final = "attribution"  # the tiles' attribution (markup)
    NAME: Final = "name"  # its name in the layer control (markup)
    SUBDOMAINS: Final = "subdomains"  # the servers {s} stands for, when the URL has one
    MAX_ZOOM: Final = "max_zoom"  # the last zoom the server draws


class Base:
    """The page's ``Page.BASE``: each base layer's name in the layer control (markup)."""

    PLAIN: Final = "plain"  # the plain background, offline


class BaseMap:
    """The offline base map's script (``window.BM_BASE``, layers/page/base.py): two TopoJSON
    topologies, and per part of the base the zooms it fades out between."""

    GROUND: Final = "ground"  # world-atlas's topology: objects COUNTRIES and LAND
    WATER: Final = "water"  # rivers and lakes: objects RIVERS and LAKES
    ZOOMS: Final = "zooms"  # {part: [last zoom drawn in full, first zoom not drawn]}
    STYLES: Final = "base_styles"  # {part: Leaflet path options}
    REGION: Final = "base_region"  # [west, south, east, north]: what the base covers
    COUNTRIES: Final = "countries"  # (object names of the vendored topologies)
    LAND: Final = "land"
    RIVERS: Final = "rivers"
    LAKES: Final = "lakes"
    SEA: Final = "sea"  # (parts of the base, as ZOOMS names them)
    BORDERS: Final = "borders"
    COAST: Final = "coast"


class Locator:
    """The page's ``Page.LOCATOR``: where the battle lies, drawn in a small inset."""

    FEATURES: Final = "locator_features"  # its places, rivers, railways: {Record.NAME, KIND, GEOMETRY}
    BOX: Final = "locator_box"  # [[south, west], [north, east]]: the battle's extent, marked
    TITLE: Final = "locator_title"  # the inset's heading [zh, en]
    CREDIT: Final = "locator_credit"  # what it is drawn from [zh, en]
    SHOW: Final = "locator_show"  # shown when the page opens
    HIDE: Final = "locator_switch"  # the switch's words [[zh, en] to hide it, [zh, en] to show it]


class Story:
    """A phase's entry in ``Page.STORY`` (each left out when empty)."""

    CHANGES: Final = "c"  # [[feature index, index into Page.WHATS], ...]
    EVENTS: Final = "e"  # [[feature index, day], ...]


class Global:
    """Names on ``window`` that the build's files set and the page's script reads."""

    NAMES: Final = "BM_NAMES"  # page_names(), set first in the page's head: the one global the script types
    SITE: Final = "BM_SITE"  # the site's shared data (Site), set by its data file
    DETAILS: Final = "BM_DETAILS"  # the detail files' parts ([chunk, {feature index: part}]), queued as each loads
    BASE: Final = "BM_BASE"  # the offline base map (BaseMap), set by its script
    MAP: Final = "battleMap"  # the drawn page (what BattleMap.init returns: Api), which the exports drive


class Api:
    """The members of the drawn page, ``window[Global.MAP]`` (what BattleMap.init returns): what
    the exports (and the tests) drive. The page builds it from these names alone."""

    MAP: Final = "map"  # the Leaflet map
    GROUPS: Final = "groups"  # {group id: its Leaflet layer group}
    CONTROL: Final = "control"  # Leaflet's layers control
    SET_LANGUAGE: Final = "setLanguage"  # (code of Language): the page in that language
    SELECT_PHASE: Final = "selectPhase"  # (phase id or Group.ALL, {push, animate}): that phase shown
    SHOW_DAY: Final = "showDay"  # (day number): the page as it stood that day
    DAY: Final = "day"  # (): the day shown by SHOW_DAY, or undefined
    STATE: Final = "state"  # what is shown: {phase, day, dayLayer}
    LABELS: Final = "labels"  # the names' labeller
    PLACE_NAMES: Final = "placeNames"  # (): the names placed for the view now, not at the next frame
    BASEMAP: Final = "basemap"  # the offline base map (null without one)
    INSET: Final = "inset"  # the locator inset (null without one)
    READY: Final = "ready"  # a promise, kept once every symbol the page asks for is drawn


class Id:
    """Element ids that the build writes and the page's script finds (or refers to)."""

    DATA: Final = "bm-data"  # the page's data (Page), a JSON block
    PANEL: Final = "bm-panel"  # the side panel
    BODY: Final = "bm-body"  # the panel's body, which its drawer folds
    DAY: Final = "bm-day"  # the day slider
    KEY_LIST: Final = "bm-key-list"  # the list of the map's key
    SCALE_NAME: Final = "bm-scale-name"  # the scale bar's name
    SOURCE: Final = "src-"  # + a source id: its bibliography entry, where a citation links


class Css:
    """Class names that the build writes and the page's script finds (or that the script sets
    and the build's exports look for)."""

    PRINT: Final = "bm-print"  # (the root) laid out for paper: by the build, or while the browser prints
    HANDOUT: Final = "bm-handout"  # (the root) a page of the handout export
    PANEL: Final = "bm-panel"
    BODY: Final = "bm-body"
    DRAWER: Final = "bm-drawer"  # the button that folds the panel
    DRAWER_FOLDED: Final = "bm-drawer-collapsed"  # (the body) while the panel is folded
    LANG: Final = "bm-lang"  # the language buttons (Attr.LANG: each one's code)
    PREV: Final = "bm-prev"  # the phase stepper's buttons
    NEXT: Final = "bm-next"
    ALL: Final = "bm-all"  # (the atlas) every phase at once
    DAY: Final = "bm-day"  # the day slider, its play button, the day it shows
    PLAY: Final = "bm-play"
    DATE: Final = "bm-date"
    BATTLE: Final = "bm-battle"  # the battle's title line
    SECTION: Final = "bm-section"  # a phase's section of the panel (Attr.PHASE: which)
    DATES: Final = "bm-dates"  # a phase's dates
    NAV: Final = "bm-nav"  # a phase page's links to its neighbours
    NARRATIVE: Final = "bm-narrative"
    FACTS: Final = "bm-facts"  # a phase's figures, disputes and sources, filled by the script
    HEADING: Final = "bm-h"  # a heading of a section's lists
    CHANGES: Final = "bm-changes"  # a section's lists, filled by the script
    EVENTS: Final = "bm-events"
    MORE: Final = "bm-more"  # the button under a long list of the story
    TWIN: Final = "bm-twin"  # the text version (a table), filled when opened
    LEGEND: Final = "bm-legend"  # the panel's legend (Attr.LEGEND: each entry's key)
    BIBLIOGRAPHY: Final = "bm-bibliography"
    TIER: Final = "bm-tier-"  # + a source's tier: its entry, a citation of it
    ATTRIBUTION: Final = "bm-attribution"
    PROVENANCE: Final = "bm-provenance"
    KEY: Final = "bm-key"  # the map's key, moved onto the map by the script
    KEY_LIST: Final = "bm-key-list"
    KEY_TOGGLE: Final = "bm-key-toggle"
    COMPASS: Final = "bm-compass"  # the north arrow, moved onto the map by the script
    NORTH: Final = "bm-north"  # the north arrow of a page laid out for print (the film shows it)
    LOCATOR_BODY: Final = "bm-locator-body"  # the locator inset's map


class Attr:
    """Data attributes that the build writes and the page's script reads (or the reverse)."""

    LANG: Final = "data-lang"  # (the root) the language shown; (a language button) the one it shows
    LANG_READER: Final = "data-lang-reader"  # (the root) the page may open in its reader's language
    MODE: Final = "data-mode"  # (the panel) a Mode
    PHASE: Final = "data-phase"  # (a section, its lists and table) its phase id, or Group.ALL
    LEGEND: Final = "data-legend"  # (a legend entry) its style's key (Legend)
    # When the map's key lists a legend entry (layers/page/legend.py, bm-key.js):
    KEY_STYLES: Final = "data-key-styles"  # the view draws an item in one of these style ids
    KEY_FLAG: Final = "data-key-flag"  # the view draws an item with this Flag bit
    KEY_HALO: Final = "data-key-halo"  # the view draws a precision halo
    KEY_SEVERAL: Final = "data-key-several"  # the view shows several phases at once
    KEY_FOLDED: Final = "data-key-folded"  # the view folds marks that would cover each other
    KEY_LEADER: Final = "data-key-leader"  # the view moves a symbol or an event aside, with a leader
    PRINT_READY: Final = "data-print-ready"  # (the root) a page for paper has flowed its text: "1"
    LABELS: Final = "data-labels"  # (the map) how many names are placed


class Mode:
    """The panel's ``Attr.MODE``."""

    PHASE: Final = "phase"  # a phase's page
    ATLAS: Final = "atlas"  # the atlas: every phase as a layer


class Legend:
    """Keys of legend entries (``Attr.LEGEND``: a style's key) that the page's script looks for."""

    HALO: Final = "halo"  # the precision halos: the page puts the switch that shows them all there


class Language:
    """The languages a page is shown in: the codes of ``Attr.LANG`` (the root's, each language
    button's), of an address's ``?lang=`` and of the build's ``lang``; and the HTML ``lang`` tag
    of a text in each language (the stylesheet shows or hides a text by it)."""

    ZH: Final = "zh"  # Chinese
    EN: Final = "en"  # English
    BOTH: Final = "both"  # Chinese, then English
    CODES: Final = (ZH, EN, BOTH)  # every code, in the order the language buttons offer them
    DEFAULT: Final = ZH  # a page built with none chosen; a root that has no Attr.LANG
    ZH_TAG: Final = "zh-Hans"  # a Chinese text's (and the root's, unless the page is in English)
    EN_TAG: Final = "en"  # an English text's


#: The namespaces of :func:`page_names`, by the name the page reads each under.
PAGE_NAMESPACES: Final = {
    "global": Global,
    "api": Api,
    "ids": Id,
    "css": Css,
    "attr": Attr,
    "mode": Mode,
    "legend": Legend,
    "language": Language,
}


def _members(namespace: type) -> dict[str, Any]:
    return {name: value for name, value in vars(namespace).items() if name.isupper()}


def as_json() -> dict[str, dict[str, Any]]:
    """The whole contract as plain data, for the page's script."""
    return {
        "record": _members(Record),
        "placement": _members(Placement),
        "sign": _members(Sign),
        "path_option": _members(PathOption),
        "item": _members(Item),
        "flag": _members(Flag),
        "group": _members(Group),
        "default": _members(Default),
        "site": _members(Site),
        "texts": _members(Texts),
        "icon": _members(Icon),
        "page": _members(Page),
        "overlay": _members(Overlay),
        "timeline": _members(Timeline),
        "timeline_phase": _members(TimelinePhase),
        "tables": _members(Tables),
        "words": _members(Words),
        "tiles": _members(Tiles),
        "base": _members(Base),
        "story": _members(Story),
        "basemap": _members(BaseMap),
        "locator": _members(Locator),
    }


def page_names() -> dict[str, dict[str, Any]]:
    """The names the page's markup and its script share, as plain data, for the page's head."""
    return {name: _members(namespace) for name, namespace in PAGE_NAMESPACES.items()}
