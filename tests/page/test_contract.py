"""One contract with the page: every key the build emits is a name of layers/contract.py, and
the page's script reads none of them as a string of its own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from layers import contract
from layers.contract import Locator, Overlay, Page, Record, Site, Tables, Texts
from layers.data.load import load_battle
from layers.page.assemble import render_site

from ..conftest import FIXTURE_BATTLE, ROOT
from ..sitedata import DETAIL_DATA, SITE_DATA, detail_chunks, page_part, shared_data

STATIC = ROOT / "layers" / "page" / "static"
TEMPLATES = ROOT / "layers" / "page" / "templates"

#: The namespaces whose values are keys of the emitted data (the others hold values: codes,
#: positions, bits, ids, defaults, zoom levels).
KEY_NAMESPACES = (
    contract.Record,
    contract.Site,
    contract.Texts,
    contract.Icon,
    contract.Page,
    contract.Overlay,
    contract.Timeline,
    contract.TimelinePhase,
    contract.Tables,
    contract.Words,
    contract.Tiles,
    contract.Base,
    contract.Story,
    contract.BaseMap,
    contract.Locator,
)


def _values(namespace: type) -> list[Any]:
    return [value for name, value in vars(namespace).items() if name.isupper()]


KEYS = frozenset(key for namespace in KEY_NAMESPACES for key in _values(namespace))

# -- the emitted data ------------------------------------------------------------------------

#: Stands for a list's position or a key that is data, in a path through the emitted data.
ANY = "*"
#: Objects keyed by data (ids, day numbers, codes, positions), not by names: the walk checks
#: their values, not their keys.
KEYED_BY_DATA = {
    (Site.FEATURES,): "a single-file page's features, by index",
    (Site.ICONS,): "symbol codes",
    (Site.TEXTS, Texts.DAYS): "day numbers",
    (Site.TEXTS, Texts.SPANS): "'first,last' day numbers",
    (Page.GROUPS, ANY, Overlay.ENDS): "item positions",
    (Page.LABELS, Tables.KIND): "feature kinds",
    (Page.LABELS, Tables.MOVEMENT): "kinds of movement",
    (Page.LABELS, Tables.STATUS): "statuses",
    (Page.LABELS, Tables.CERTAINTY): "certainties",
    (Page.LABELS, Tables.FIELD): "fields a claim disputes",
    (Page.LABELS, Tables.SIDE): "side ids",
    (Page.LABELS, Tables.TIER): "source ids",
    (Page.FACTS,): "phase ids",
    (Page.STORY,): "phase ids",
}
#: Objects in a format of their own, handed on as they are: not walked.
FOREIGN = {
    (Site.CONTRACT,): "the contract itself (checked against as_json)",
    (Site.STYLES, ANY): "Leaflet path options (color, weight, dashArray...), given to Leaflet as they are",
    (Site.FEATURES, ANY, Record.GEOMETRY): "GeoJSON geometry (RFC 7946: type, coordinates)",
    (Page.LOCATOR, Locator.FEATURES, ANY, Record.GEOMETRY): "GeoJSON geometry (RFC 7946: type, coordinates)",
}


def stray_keys(value: Any, path: tuple[str, ...] = ()) -> Iterator[str]:
    """Every object key in ``value`` that is not a key of the contract, as a path."""
    if path in FOREIGN:
        return
    if isinstance(value, list):
        for item in value:
            yield from stray_keys(item, (*path, ANY))
    elif isinstance(value, dict):
        by_data = path in KEYED_BY_DATA
        for key, item in value.items():
            if not by_data and key not in KEYS:
                yield "/".join((*path, key))
            yield from stray_keys(item, (*path, ANY if by_data else key))


@pytest.fixture(scope="module")
def emitted() -> list[tuple[str, dict[str, Any]]]:
    """The fixture battle's page data and site data as written, for a site and single files."""
    battle = load_battle(FIXTURE_BATTLE)
    out = []
    for single_file in (False, True):
        for name, content in render_site(battle, single_file=single_file).items():
            if SITE_DATA.fullmatch(name):
                out.append((name, shared_data(content.decode("utf-8"))))
            elif DETAIL_DATA.fullmatch(name):  # each feature's detail, keyed by its index
                for _, parts in detail_chunks(content.decode("utf-8")):
                    out.append((name, {Site.FEATURES: parts}))
            elif name.endswith(".html"):
                text = content.decode("utf-8")
                out.append((name, page_part(text)))
                if single_file:
                    start = text.index("<script>window.BM_SITE = ") + len("<script>")
                    out.append((f"{name} (inline)", shared_data(text[start : text.index("</script>", start)])))
    return out


def test_every_emitted_key_is_named_by_the_contract(emitted) -> None:
    found = {key for _, data in emitted for key in data}
    assert {Page.GROUPS, Page.STORY, Site.CONTRACT, Site.FEATURES} <= found  # both kinds were read
    for name, data in emitted:
        assert list(stray_keys(data)) == [], name


def test_the_site_carries_the_whole_contract(emitted) -> None:
    shared = [data for name, data in emitted if Site.CONTRACT in data]
    assert shared and all(data[Site.CONTRACT] == contract.as_json() for data in shared)


def test_a_stray_key_is_found() -> None:
    page = {
        Page.GROUPS: [{Overlay.ID: "a", Overlay.ENDS: {"0": "held"}, "colour": 1}],
        Page.FACTS: {"phase-1": {Record.SOURCES: [], "extra": 0}},
        Site.STYLES: [{"color": "#000"}],
        "whatever": None,
    }
    assert list(stray_keys(page)) == ["groups/*/colour", "facts/*/extra", "whatever"]


def test_the_page_and_the_site_keys_do_not_meet() -> None:
    # the page's data takes the site's tables under the site's keys (layers.js.j2)
    assert not set(_values(Page)) & set(_values(Site))
    for namespace in KEY_NAMESPACES:
        assert len(set(_values(namespace))) == len(_values(namespace)), namespace.__name__


def test_the_page_binds_every_namespace() -> None:
    use = (STATIC / "bm-core.js").read_text(encoding="utf-8").split("BM.use = function", 1)[1].split("};", 1)[0]
    for namespace in contract.as_json():
        assert re.search(rf"\bcontract\.{namespace};", use), namespace


# -- the page's script -----------------------------------------------------------------------

#: What may come before a regular expression literal; before a "/" anything else, it divides.
_BEFORE_REGEX = set("(,=:[!&|?{};+-*%<>~^") | {""}


def code_and_strings(js: str) -> tuple[str, list[str]]:
    """The script with comments removed and each string literal emptied (``""``), and the
    string literals' contents. Regular expression literals (told by the character before them,
    which holds for these scripts) are kept out of both."""
    code: list[str] = []
    strings: list[str] = []
    last = ""  # the last character of code that is not a space
    i, n = 0, len(js)
    while i < n:
        ch, two = js[i], js[i : i + 2]
        if two == "//":
            i = js.find("\n", i)
            i = n if i < 0 else i
        elif two == "/*":
            i = js.index("*/", i) + 2
            code.append(" ")
        elif ch in "\"'`":
            j, text = i + 1, []
            while js[j] != ch:
                step = 2 if js[j] == "\\" else 1
                text.append(js[j : j + step])
                j += step
            strings.append("".join(text))
            code.append('""')
            last, i = '"', j + 1
        elif ch == "/" and last in _BEFORE_REGEX:
            j, in_class = i + 1, False
            while in_class or js[j] != "/":
                in_class = (in_class or js[j] == "[") and js[j] != "]"
                j += 2 if js[j] == "\\" else 1
            code.append("/r/")
            last, i = "/", j + 1
        else:
            code.append(ch)
            last = last if ch.isspace() else ch
            i += 1
    return "".join(code), strings


_PROPERTY = re.compile(r"\.\s*([A-Za-z_$][\w$]*)")
_RECEIVER = re.compile(r"[\w$.]*$")
_OBJECT_KEY = re.compile(r"[{,]\s*([A-Za-z_$][\w$]*)\s*:")


def key_uses(js: str, names: frozenset[str] = KEYS) -> list[str]:
    """Where ``js`` names one of ``names`` itself: ``"name"`` (a string, in brackets or
    not), ``receiver.name`` (a property read or written) and ``name:`` (an object's key)."""
    code, strings = code_and_strings(js)
    uses = [f'"{text}"' for text in strings if text in names]
    for match in _PROPERTY.finditer(code):
        if match.group(1) in names:
            receiver = _RECEIVER.search(code, 0, match.start()).group(0)
            uses.append(f"{receiver}.{match.group(1)}")
    uses.extend(f"{m.group(1)}:" for m in _OBJECT_KEY.finditer(code) if m.group(1) in names)
    return uses


def page_scripts() -> dict[str, str]:
    """The page's own script: the static files, and the inline scripts of the templates."""
    scripts = {path.name: path.read_text(encoding="utf-8") for path in sorted(STATIC.glob("*.js"))}
    for path in sorted(TEMPLATES.glob("*.j2")):
        text = path.read_text(encoding="utf-8")
        blocks = re.findall(r"\{% macro script\(this\) %\}(.*?)\{% endmacro %\}", text, re.S)
        blocks += re.findall(r"<script>(.*?)</script>", text, re.S)
        if blocks:
            scripts[path.name] = "\n".join(blocks)
    return scripts


#: Words the script uses that happen to be contract keys, each on something that is not the
#: build's data: the browser's (DOM, SVG, canvas, CSS), Leaflet's, GeoJSON's; the contract's own
#: entry; the halo circle the script hangs on a Leaflet layer, which the tests read. Any other
#: use fails. (The drawn page's members are the contract's Api, set by its names.)
NOT_DATA = {
    "bm-core.js": {
        "site.contract": "the single entry name (Site.CONTRACT): where the site's data carries the contract",
        **{
            f"contract.{ns}": "a namespace of the contract, bound once in BM.use"
            for ns in contract.as_json()
            if ns in KEYS
        },
        "script.src": "a script element's source (a large site's second file)",
    },
    "battlemap.js": {
        "attribution:": "Leaflet's tileLayer option",
        "subdomains:": "Leaflet's tileLayer option",
    },
    "bm-controls.js": {
        '"label"': "an HTML element",
        '"details"': "an HTML element (the text version's disclosure)",
        "window.location": "the DOM's address (Words.LOCATION is 'location')",
    },
    "bm-key.js": {
        ".width": "a TextMetrics' (an event number's width)",
        "node.style.width": "a CSS property (an event number's mark, as wide as its box)",
    },
    "bm-language.js": {"window.location": "the DOM's address (Words.LOCATION is 'location')"},
    "bm-layers.js": {
        "layer.halo": "a drawn Leaflet layer's halo circle (the tests read it)",
        "e.layer.halo": "a removed Leaflet layer's halo circle (Leaflet's layerremove event)",
        "this.items": "a LazyGroup's items (a Leaflet LayerGroup's extension), as the page data gave them",
        "html:": "Leaflet's divIcon option (a crowd's mark: an element holding its count)",
        "tile.width": "a hatch pattern's tile, a canvas: its pixel width (a hill's relief)",
    },
    "bm-space.js": {"entry.id": "the labeller's own entries (a symbol to place)"},
    "bm-base.js": {
        "collection.features": "a GeoJSON FeatureCollection's, as topojson-client decodes one",
        "BM.canvas.plain": "the base map's renderer (a Leaflet Canvas), defined in bm-canvas.js",
    },
    "bm-locator.js": {
        '"g"': "an SVG element (a group)",
        "d:": "an SVG path's attribute",
        "id:": "an SVG clip path's attribute",
        "width:": "an SVG attribute",
        "root.style.width": "a CSS property of the inset",
        "bb.width": "an SVG text's box (getBBox)",
    },
    "bm-canvas.js": {
        "window.BM.canvas.plain": "the base map's renderer (a Leaflet Canvas), defined here",
        "image.width": "a circle stamp's pixel width",
        "c.width": "a group's canvas's pixel width (whether a pan can move its drawing)",
    },
    "bm-units.js": {
        ".width": "a TextMetrics' (measureText(text).width)",
        "image.src": "an image element's source",
        "node.style.width": "a CSS property of the units' canvas",
        "node.width": "the units' canvas's pixel width",
        "canvas.width": "a symbol bitmap's pixel width",
        "this.node.width": "the units' canvas's pixel width",
        "spare.width": "the kept units' canvas's pixel width",
    },
    "bm-panel.js": {
        '"a"': "an HTML element",
        '"b"': "an HTML element",
        "script.src": "a script element's source",
    },
    "bm-print.js": {
        '"id"': "an HTML attribute (not copied with a paragraph or an entry)",
        "li.id": "a bibliography entry's element id (Id.SOURCE + a source id)",
    },
    "bm-timeline.js": {"window.location": "the DOM's address"},
    "labels.js": {
        '"width"': "an SVG attribute",
        '"d"': "an SVG attribute (a hill sign's path)",
        "r.width": "a DOMRect's",
        "span.style.width": "a CSS property",
        "button.style.width": "a CSS property (a count's width, on a mark that others are folded into)",
        "document.fonts.status": "the DOM's font loading state",
        "entry.id": "the labeller's own entries (a name or symbol to place)",
        "id:": "the labeller's own entries",
    },
}


def test_the_script_reads_every_key_through_the_contract() -> None:
    scripts = page_scripts()
    assert {"bm-core.js", "battlemap.js", "labels.js", "layers.js.j2"} <= set(scripts)
    found = {(name, use) for name, js in scripts.items() for use in key_uses(js)}
    allowed = {(name, use) for name, uses in NOT_DATA.items() for use in uses}
    assert sorted(found - allowed) == []
    assert sorted(allowed - found) == []  # an entry no longer needed goes


def test_a_key_typed_in_the_script_is_found() -> None:
    js = """
      var tl = data.timeline, g = data [ 'groups' ], o = { items: [] , ok: 1 };  // data.story
      var r = /"whats"|'facts'/g, half = a / 2, t = "a \\" facts";  /* data.labels */
      fn(x ? tiles : base);
    """
    assert key_uses(js) == ['"groups"', "data.timeline", "items:"]


# -- the names the page's markup and its script share ----------------------------------------

LAYERS = ROOT / "layers"
#: Every name of the page's names (contract.page_names), by value: where it is written. (A
#: list of them, Language.CODES, is no name of its own.)
PAGE_NAMES = {
    value: f"{namespace.__name__}.{name}"
    for namespace in contract.PAGE_NAMESPACES.values()
    for name, value in vars(namespace).items()
    if name.isupper() and isinstance(value, str)
}
#: What looks like a name of the page's markup: a class or id of ours, a data attribute (not a
#: file of ours, ``bm-core.js``).
_DOM_NAME = re.compile(r"(?<![\w-])(?:bm-[\w-]*|data-[\w-]+)(?![\w-]|\.(?:js|css)\b)")
_TOKEN = re.compile(r"[\w-]+")
_IDENTIFIER = re.compile(r"(?<![\w$])[A-Za-z_$][\w$]*")
#: Values the markup writes in its own attributes and compares in its own logic: the panel's
#: mode, the legend's keys, the phase id of every phase at once, the language codes and the
#: HTML lang tags.
_SENTINELS = {
    *_values(contract.Mode),
    *_values(contract.Legend),
    contract.Group.ALL,
    *(value for value in _values(contract.Language) if isinstance(value, str)),
}


def _named(text: str, distinct: set[str]) -> list[str]:
    """What ``text`` names: every ``bm-…`` or ``data-…`` name, and every word of ``distinct``."""
    return _DOM_NAME.findall(text) + [word for word in _TOKEN.findall(text) if word in distinct]


#: The names of the page's names that do not look like one and are no sentinel (``src-``,
#: ``BM_SITE``).
_PLAIN = {value for value in PAGE_NAMES if not _DOM_NAME.fullmatch(value) and value not in _SENTINELS}


def script_names(js: str) -> list[str]:
    """The shared names ``js`` types itself: in its strings, a ``bm-…`` or ``data-…`` name, a
    name of the page's names or a sentinel; a global of theirs named as a variable."""
    code, strings = code_and_strings(js)
    found = [name for text in strings for name in _named(text, _PLAIN)]
    # a sentinel: a string of its own, or an attribute's value in a selector ("[data-x='all']")
    found += [
        word for text in strings for word in [text, *re.findall(r"=\s*[\"']?([\w-]+)", text)] if word in _SENTINELS
    ]
    globals_ = set(_values(contract.Global)) - {contract.Global.NAMES}  # (the one the script types)
    found += [m.group(0) for m in _IDENTIFIER.finditer(code) if m.group(0) in globals_]
    return found


def template_names(text: str) -> list[str]:
    """The shared names a template's markup types itself (its scripts are the page's script:
    :func:`page_scripts`): a ``bm-…`` or ``data-…`` name anywhere, a name of the page's names
    or a sentinel in quotes (a string of its logic, an attribute's value)."""
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    text = re.sub(r"\{% macro script\(this\) %\}.*?\{% endmacro %\}|<script>.*?</script>", "", text, flags=re.S)
    found = _DOM_NAME.findall(text)
    quoted = re.compile(r'"([^"]*)"|\'([^\']*)\'')
    logic = re.findall(r"\{\{.*?\}\}|\{%.*?%\}", text, flags=re.S)
    markup = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", text, flags=re.S)
    for part in [*logic, markup]:
        for pair in quoted.findall(part):
            found += [word for word in _TOKEN.findall("".join(pair)) if word in _PLAIN or word in _SENTINELS]
    return list(dict.fromkeys(found))


#: The language codes and the HTML lang tags (Language): sentinels a Python string may hold
#: whole or as a literal of the script or markup it carries.
_LANGUAGE = {value for value in _values(contract.Language) if isinstance(value, str)}
#: A literal inside a string: a word in quotes (``=== 'zh'``, ``lang="en"``) or after "=" (``lang=en``).
_INNER = re.compile(r"""["']([\w-]+)["']|=\s*([\w-]+)""")


def python_names(source: str) -> list[str]:
    """The shared names a module's strings type themselves (not its docstrings): a ``bm-…`` or
    ``data-…`` name, an id or a global of the page's names; a language code or tag, as the whole
    string or as a literal inside it (a script's, a piece of markup's)."""
    import ast

    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    distinct = _PLAIN & (set(_values(contract.Id)) | set(_values(contract.Global)))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            found += _named(node.value, distinct)
            inner = [quoted or assigned for quoted, assigned in _INNER.findall(node.value)]
            found += [word for word in [node.value, *inner] if word in _LANGUAGE]
            found += [word for word in _MEMBER.findall(node.value) if word in _API]
        elif isinstance(node, ast.JoinedStr):  # f"window.{Global.MAP}.map": the member after the global
            for before, after in zip(node.values, node.values[1:], strict=False):
                if _is_the_map(before) and isinstance(after, ast.Constant) and isinstance(after.value, str):
                    found += [word for word in _AFTER.findall(after.value) if word in _API]
    return found


#: The drawn page's members (contract.Api), typed after the page's global: ``battleMap.map``,
#: ``bm.showDay(...)`` (a script's name for it), ``window.{Global.MAP}.ready``.
_API = set(_values(contract.Api))
_MEMBER = re.compile(rf"(?:\bbm|\b{contract.Global.MAP})\s*\.\s*([A-Za-z_$][\w$]*)")
_AFTER = re.compile(r"^\s*\.\s*([A-Za-z_$][\w$]*)")


def _is_the_map(node: object) -> bool:
    import ast

    return (
        isinstance(node, ast.FormattedValue)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "MAP"
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id == "Global"
    )


def markup_writers() -> dict[str, list[str]]:
    """What the build's markup and files type of the shared names, by file: the templates, every
    module of the package but the contract, the entry script and the repository's scripts."""
    out = {path.name: template_names(path.read_text(encoding="utf-8")) for path in sorted(TEMPLATES.glob("*.j2"))}
    for path in sorted(LAYERS.rglob("*.py")):
        if path.name != "contract.py" and "vendor" not in path.parts:
            out[str(path.relative_to(LAYERS))] = python_names(path.read_text(encoding="utf-8"))
    for path in [ROOT / "build_map.py", *sorted((ROOT / "scripts").glob("*.py"))]:
        out[str(path.relative_to(ROOT))] = python_names(path.read_text(encoding="utf-8"))
    return out


#: Strings of the package that spell a language code but name no language of the page: the
#: data's own keys (a bilingual TOML table is ``{zh = "...", en = "..."}``, which the checker reads
#: into Bilingual, as it reads GeoJSON's ``name_zh`` and ``name_en``). Any other use fails.
DATA_KEYS = {"data/checker.py": {"zh", "en"}}


def test_the_markup_and_the_script_share_names_through_the_contract() -> None:
    scripts = {name: script_names(js) for name, js in page_scripts().items()}
    writers = markup_writers()
    assert {"panel.html.j2", "page/assemble.py", "build_map.py", "scripts/screenshots.py"} <= set(writers)
    typed = [
        (name, used)
        for name, uses in [*scripts.items(), *writers.items()]
        for used in uses
        if (used in PAGE_NAMES or used in _SENTINELS) and used not in DATA_KEYS.get(name, ())
    ]
    assert typed == []  # each from the contract: Css.SECTION, BM.C.SECTION
    assert all(keys <= set(writers[name]) for name, keys in DATA_KEYS.items())  # an entry no longer needed goes
    # a name of our own typed by both sides and missing from the contract
    in_markup = {used for uses in writers.values() for used in uses}
    both = sorted({(name, used) for name, uses in scripts.items() for used in uses if used in in_markup})
    assert both == []


def test_each_page_carries_the_names_once_and_the_script_binds_them() -> None:
    import json

    battle = load_battle(FIXTURE_BATTLE)
    pages = {name: content.decode("utf-8") for name, content in render_site(battle).items() if name.endswith(".html")}
    head = f"<script>window.{contract.Global.NAMES}="
    for name, text in pages.items():
        assert text.count(head) == 1, name
        start = text.index(head) + len(head)
        names, _ = json.JSONDecoder().raw_decode(text, start)
        assert names == json.loads(json.dumps(contract.page_names())), name  # (a tuple as JSON's list)
    core = (STATIC / "bm-core.js").read_text(encoding="utf-8")
    for namespace in contract.page_names():
        assert re.search(rf"\bnames\.{namespace};", core), namespace


def test_a_shared_name_typed_is_found() -> None:
    js = """
      var s = document.querySelector(".bm-section[data-phase='all']"), p = document.getElementById("bm-panel");
      var site = window.BM_SITE, a = x === "atlas", ok = "." + BM.C.SECTION, own = el("div", "bm-mine");
      // ".bm-legend li[data-legend='halo']"
    """
    assert script_names(js) == ["bm-section", "data-phase", "bm-panel", "bm-mine", "all", "atlas", "BM_SITE"]
    sentinels = 'bi(["全部", "show all"]); x = "halo-ish"; y = "[data-legend=\'halo\']"'
    sentinels += '; z = lang === "both" ? "zh-Hans" : "en or both"'
    assert script_names(sentinels) == ["data-legend", "halo", "both", "zh-Hans"]  # a word in a text is not one
    template = """{% if c.mode == "atlas" %}<div class="bm-legend" {{ Attr.PHASE }}="all">{# bm-x #}
      <p class="{{ Css.DATES }}" data-day="1"><span lang="en">{% endif %}{% macro script(this) %}"bm-y"{% endmacro %}"""
    assert template_names(template) == ["bm-legend", "data-day", "atlas", "all", "en"]
    python = '''"""A docstring naming bm-panel."""
label = f'<small class="bm-dates">{dates}</small>'  # bm-z
script = "window.BM_SITE = " + text
'''
    assert python_names(python) == ["bm-dates", "BM_SITE"]
    languages = """def f(lang="zh"):
    '''Open in "en" (a docstring).'''
    tag = f'<p lang="zh-Hans">{text}</p>' if lang == "both" else "?lang=en"
    return "zh and en, both" + "code === 'en'" + "name_zh" + "lang=fr"
"""
    assert sorted(python_names(languages)) == ["both", "en", "en", "zh", "zh-Hans"]  # words in a text are not
    members = """WAIT = f"window.{Global.MAP}.map.getContainer() && window.{Global.MAP}.{Api.READY}"
SHOW = "const bm = window[BM.GL.MAP]; bm.showDay(3); bm[BM.API.DAY](); window.battleMap.labels.place(); b.map(f)"
"""
    assert sorted(python_names(members)) == [
        "battleMap",
        "labels",
        "map",
        "showDay",
    ]  # the global, and Api members typed
