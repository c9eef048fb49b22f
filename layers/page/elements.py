"""Page elements: small MacroElements rendered so that data can never become template code.

branca wraps every rendered macro in a new ``Element(template=<rendered text>)`` and renders
that text through Jinja a second time, so a place called ``{{ 7*6 }}`` would print ``42``.
:class:`SafeMacroElement` renders its macros once, with our own autoescaping environment,
and hands branca a :class:`Literal` that returns the text as it is.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import msgspec
from branca.element import Element, Figure, MacroElement
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .. import contract
from ..contract import Attr, Css, Global

#: Characters that must not appear raw inside a <script> element or a JS string.
_JS_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027", "\u2028": "\\u2028", "\u2029": "\\u2029"}


#: One encoder for the build (``json.dumps`` with these options makes a new one per call).
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _chunks_of(encoder: json.JSONEncoder) -> Callable[[Any], list[str] | tuple[str, ...]]:
    """The C function that ``encoder.encode`` makes anew on every call, made once: at 100,000
    features' entries and details, making it is a fifth of the encoding. Its arguments are those
    ``JSONEncoder.iterencode`` passes it; no circular check, as the build's values are trees."""
    make = getattr(json.encoder, "c_make_encoder", None)  # CPython's accelerator (no stub)
    if make is None or encoder.indent is not None:  # as iterencode: the encoder as it is
        return lambda value: (encoder.encode(value),)
    chunks = make(
        None,
        encoder.default,
        json.encoder.encode_basestring_ascii if encoder.ensure_ascii else json.encoder.encode_basestring,
        encoder.indent,
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )
    return lambda value: chunks(value, 0)


_CHUNKS = _chunks_of(_ENCODER)


def json_text(value: Any) -> str:
    """Deterministic, compact JSON that is safe inside an inline ``<script>``, as plain text."""
    text = "".join(_CHUNKS(value))
    for char, escaped in _JS_UNSAFE.items():
        if char in text:  # the usual case is absent: a scan, no copy
            text = text.replace(char, escaped)
    return text


#: The bulk encoder (:func:`json_bytes`): msgspec writes UTF-8 at once, keys sorted as
#: ``sort_keys`` sorts text keys (UTF-8's byte order is the code points' order).
_BULK = msgspec.json.Encoder(order="sorted")
#: Each thread's buffer that msgspec writes into (builds may run side by side: the library, serve).
_BUFFERS = threading.local()
_JS_UNSAFE_BYTES = tuple((char.encode("utf-8"), escaped.encode("ascii")) for char, escaped in _JS_UNSAFE.items())


def json_bytes(value: Any) -> bytes:
    """:func:`json_text` of ``value`` as UTF-8, for the site's many entries and details: the
    same JSON value, made safe alike, written a third faster (numbers may be spelt otherwise:
    ``0.00001`` for ``1e-05``). msgspec writes NaN and infinities as ``null``, so a text with a
    ``null`` in it (a NaN, or a real null) is made again by :func:`json_text`, which refuses
    NaN; so does a value msgspec cannot write (json_text names the type)."""
    try:
        buffer = getattr(_BUFFERS, "buffer", None)
        if buffer is None:
            buffer = _BUFFERS.buffer = bytearray()
        _BULK.encode_into(value, buffer)
        data = bytes(buffer)  # exactly its size: msgspec's own bytes keep its buffer's slack
    except (msgspec.EncodeError, TypeError, UnicodeEncodeError):
        data = b"null"
    if b"null" in data:  # the rare case: json_text writes it, or says what is wrong
        return json_text(value).encode("utf-8")
    for char, escaped in _JS_UNSAFE_BYTES:
        if char in data:  # the usual case is absent: a scan, no copy
            data = data.replace(char, escaped)
    return data


class JSONText(str):
    """Text that is JSON already (:func:`json_text` of some value): :func:`json_object` writes
    it as it is, so a large part made from columns need not be a Python object first."""


def json_object(members: dict[str, Any]) -> str:
    """:func:`json_text` of the object ``members``, where a :class:`JSONText` value is written as
    it is: the same text as :func:`json_text` of the object holding the values it stands for
    (keys sorted alike; the characters escaped are each escaped alone, so escaping the parts
    escapes the whole)."""
    parts = (
        f"{json_text(key)}:{value if isinstance(value, JSONText) else json_text(value)}"
        for key, value in sorted(members.items())
    )
    return "{" + ",".join(parts) + "}"


def to_json(value: Any) -> Markup:
    """Deterministic, compact JSON that is safe inside an inline ``<script>`` (:func:`json_text`)."""
    return Markup(json_text(value))


ENV = Environment(
    loader=PackageLoader(__name__.rpartition(".")[0], "templates"),  # this package, as it is imported
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)
ENV.filters["tojson"] = to_json


#: What the templates name from the contract: the names the page's markup and script share,
#: and the ids the page reserves (``Group.ALL`` in a ``data-phase``).
NAMES: dict[str, Any] = {**{ns.__name__: ns for ns in contract.PAGE_NAMESPACES.values()}, "Group": contract.Group}


class Literal(Element):
    """Text that branca inserts as it is, never compiled as a template."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "Literal"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """The text itself."""
        return self.text


class SafeMacroElement(MacroElement):
    """A MacroElement whose ``header``, ``html`` and ``script`` macros render exactly once.

    Subclasses name their template file in ``template_name`` (under ``layers/page/templates``)
    and expose what it needs as attributes.
    """

    template_name = ""

    def render(self, **kwargs: Any) -> str:
        """Add the rendered macros to the figure's header, body and script; the element itself
        renders to no text (as branca's MacroElement, whose result no caller reads)."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{self._name} is rendered only inside a page (a branca Figure)")
        module = ENV.get_template(self.template_name).make_module({"this": self, **NAMES})
        for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            macro = getattr(module, part, None)
            if macro is not None:
                target.add_child(Literal(str(macro(self))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
        return ""


class PageHead(SafeMacroElement):
    """Title, content-security policy, default language (and whether the reader's browser
    language may take its place) and the page's stylesheets/scripts."""

    template_name = "head.html.j2"

    def __init__(
        self,
        title: str,
        lang: str,
        css: list[str],
        js: list[str],
        inline_css: list[str] | None = None,
        inline_js: list[str] | None = None,
        printable: bool = False,
        follow_reader: bool = False,
    ):
        super().__init__()
        self._name = "PageHead"
        self.title = title
        self.lang = lang
        self.css = css
        self.js = js
        # Vendored and project files only: trusted text, inserted as it is.
        self.inline_css = [Markup(text) for text in inline_css or ()]
        self.inline_js = [Markup(text) for text in inline_js or ()]
        self.printable = printable
        self.digest = ""
        # The names the page's markup and script share, first: the script reads some in the head.
        # (Attr.LANG_READER: the page may open in its reader's browser language, bm-language.js)
        root = "document.documentElement"
        self.boot_script = Markup("window.{}={};{}.setAttribute({}, {});{}{}").format(
            Markup(Global.NAMES),
            to_json(contract.page_names()),
            Markup(root),
            to_json(Attr.LANG),
            to_json(lang),
            Markup(f"{root}.classList.add({to_json(Css.PRINT)});" if printable else ""),
            Markup(f'{root}.setAttribute({to_json(Attr.LANG_READER)}, "");' if follow_reader else ""),
        )

    def scripts(self) -> list[str]:
        """The bodies of the inline scripts this element writes, for the page's CSP."""
        return [str(self.boot_script), *map(str, self.inline_js)]


class Panel(SafeMacroElement):
    """The side panel: titles, narrative, navigation, legend, bibliography."""

    template_name = "panel.html.j2"

    def __init__(self, **context: Any):
        super().__init__()
        self._name = "Panel"
        self.context = context


class BattleLayers(SafeMacroElement):
    """The page's data (safe JSON text) and the call that draws it with ``battlemap.js``."""

    template_name = "layers.js.j2"

    def __init__(self, data: Markup):
        super().__init__()
        self._name = "BattleLayers"
        self.data = data


@contextmanager
def stable_ids() -> Iterator[None]:
    """Number branca element ids 1, 2, 3... instead of random hex while building a page.

    branca >= 0.8.2 creates ids through the overridable ``Element._generate_id``; the
    original is restored afterwards so other folium users in the process are unaffected.
    """
    counter = itertools.count(1)

    def numbered(cls: type[Element]) -> str:
        return f"{next(counter):08x}"

    original = Element.__dict__["_generate_id"]
    # mypy sees the class attribute as the bound method and cannot take a classmethod object for it
    Element._generate_id = classmethod(numbered)  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        Element._generate_id = original  # type: ignore[method-assign]
