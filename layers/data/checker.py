"""Field-by-field checks that collect every problem with its file, feature and field."""

from __future__ import annotations

import difflib
import math
from collections.abc import Collection, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar, overload

from .. import symbols
from ..errors import Problem, shorten
from .model import (
    Bilingual,
)
from .rules import (
    CONTROL_CHARACTERS,
    DATE_PATTERN,
    DEVICE_NAMES,
    ID_PATTERN,
    LONG_TEXT_CONTROLS,
    LONG_TEXTS,
)

T = TypeVar("T")
U = TypeVar("U")


class Checker:
    """Collects problems for one file; each ``take_*`` returns the value or None."""

    def __init__(self, file: str, problems: list[Problem], known_sources: set[str] | None = None):
        self.file = file
        self.problems = problems
        self.feature = ""
        self.known_sources = known_sources
        #: A key missing from a record, by its field, and the problem that named the unknown
        #: key it is probably misspelt as (:meth:`only`): its absence is not reported again.
        self._misspelt: dict[str, Problem] = {}
        #: The ids of the features refused, with their kind (None if it was not read): a
        #: reference to one of them is not reported as well (:func:`layers.data.load.cross_check`).
        self.refused: dict[str, str | None] = {}
        #: The manifest's sides refused for problems of their own: a feature on one of them is
        #: not told that its side is unknown as well.
        self.refused_sides: frozenset[str] = frozenset()

    @property
    def known_sources(self) -> set[str] | None:
        """The bibliography's ids, that cited ids must be among (None: not checked)."""
        return self._known_sources

    @known_sources.setter
    def known_sources(self, known: set[str] | None) -> None:
        self._known_sources = known
        self._accepted: set[str] = set()  # the ids id_list accepted against these

    def problem(self, field: str, found: str, expected: str) -> None:
        """Record one problem at the current file and feature."""
        self.problems.append(Problem(self.file, self.feature, field, found, expected))

    @overload
    def take(
        self,
        data: dict[str, Any],
        key: str,
        kind: type[T],
        expected: str,
        *,
        required: bool = True,
        prefix: str = "",
    ) -> T | None: ...

    @overload
    def take(
        self,
        data: dict[str, Any],
        key: str,
        kind: tuple[type[T], type[U]],
        expected: str,
        *,
        required: bool = True,
        prefix: str = "",
    ) -> T | U | None: ...

    def take(
        self,
        data: dict[str, Any],
        key: str,
        kind: type | tuple[type, ...],
        expected: str,
        *,
        required: bool = True,
        prefix: str = "",
    ) -> Any:
        """The value at ``key`` if it is of type ``kind`` (one of the types, for a tuple);
        record a problem and return None otherwise."""
        value = data.get(key)
        if value is not None and type(value) is not bool and isinstance(value, kind):
            return value  # the usual case, as the checks below would find it
        name = prefix + key
        if value is None:
            if required and not self._reported_as_misspelt(name):
                self.problem(name, "nothing", expected)
            return None
        # bool is an int in Python; a JSON true is never a number here.
        if isinstance(value, bool) and bool not in as_tuple(kind):
            self.problem(name, shorten(value), expected)
            return None
        if not isinstance(value, kind):
            self.problem(name, f"{type(value).__name__} {shorten(value)}", expected)
            return None
        return value

    def _reported_as_misspelt(self, name: str) -> bool:
        """Whether the missing ``name`` was named as the likely meaning of an unknown key of
        the same record (the problem recorded, at the same feature)."""
        typo = self._misspelt.get(name)
        return typo is not None and typo.feature == self.feature and typo in self.problems

    def text(
        self, data: dict[str, Any], key: str, *, required: bool = True, prefix: str = "", stem: str | None = None
    ) -> str | None:
        """A non-empty string without control characters (:func:`control_character`); ``stem``
        names the kind of text when ``key`` does not (a table's ``zh``)."""
        value = self.take(data, key, str, "a non-empty text", required=required, prefix=prefix)
        if value is not None and not value.strip():
            self.problem(prefix + key, "an empty text", "a non-empty text")
            return None
        if value is not None and not value.isprintable() and (fault := control_character(stem or key, value)):
            self.problem(prefix + key, *fault)
            return None
        return value

    def bilingual(
        self, data: dict[str, Any], stem: str, *, required: bool = True, prefix: str = ""
    ) -> Bilingual | None:
        """``<stem>_zh`` and ``<stem>_en`` as one Bilingual (both or neither)."""
        keys = _PAIR_KEYS.get(stem) or _PAIR_KEYS.setdefault(stem, (stem + "_zh", stem + "_en"))
        zh, en = data.get(keys[0]), data.get(keys[1])
        if type(zh) is str and type(en) is str and zh.strip() and en.strip() and zh.isprintable() and en.isprintable():
            return Bilingual(zh, en)  # the usual case, as the checks below would find it
        if zh is None and en is None and not required:
            return None  # an optional pair left out (or null): nothing to check
        zh = self.text(data, f"{stem}_zh", required=required, prefix=prefix)
        en = self.text(data, f"{stem}_en", required=required, prefix=prefix)
        if not required and (zh is None) != (en is None):
            missing = f"{stem}_en" if en is None else f"{stem}_zh"
            if missing not in data and not self._reported_as_misspelt(prefix + missing):
                self.problem(prefix + missing, "nothing", "both languages, or neither")
            return None
        return Bilingual(zh, en) if zh is not None and en is not None else None

    def table_text(self, data: dict[str, Any], key: str, *, prefix: str = "") -> Bilingual | None:
        """A TOML table ``{zh = "...", en = "..."}``."""
        table = self.take(data, key, dict, "a table with 'zh' and 'en' texts", prefix=prefix)
        if table is None:
            return None
        zh = self.text(table, "zh", prefix=f"{prefix}{key}.", stem=key)
        en = self.text(table, "en", prefix=f"{prefix}{key}.", stem=key)
        return Bilingual(zh, en) if zh is not None and en is not None else None

    def file_name(self, data: dict[str, Any], key: str, *, prefix: str = "") -> str | None:
        """A path to a file inside the data folder, relative, of printable characters."""
        found = data.get(key)
        value = found if type(found) is str and found.strip() else self.text(data, key, prefix=prefix)
        if value is None:
            return None
        if not value.isprintable() or Path(value).is_absolute() or ".." in Path(value).parts:
            self.problem(prefix + key, shorten(value), "a path inside the data folder")
            return None
        return value

    def ident(self, data: dict[str, Any], key: str, *, prefix: str = "", required: bool = True) -> str | None:
        """An id: lower-case letters, digits, '-' and '_', at most 64 characters."""
        found = data.get(key)
        if type(found) is str and ID_PATTERN.fullmatch(found):
            return found  # the usual case, as the checks below would find it
        value = self.take(data, key, str, "an id of a-z, 0-9, '-', '_'", required=required, prefix=prefix)
        if value is not None and not ID_PATTERN.fullmatch(value):
            self.problem(prefix + key, shorten(value), "an id of a-z, 0-9, '-', '_' (at most 64)")
            return None
        return value

    def day(self, data: dict[str, Any], key: str, *, required: bool = True, prefix: str = "") -> date | None:
        """A calendar date: a TOML date or a 'YYYY-MM-DD' string."""
        found = data.get(key)
        if type(found) is str and (day := _DAYS.get(found)) is not None:
            return day  # a text read before: a battle names a few hundred days, many times each
        if type(found) is date:
            return found
        if isinstance(found, (datetime, time)):  # a TOML date-time or time of day: a day is wanted
            what = "a time of day" if isinstance(found, time) else "a date-time"
            self.problem(prefix + key, f"{what} {shorten(str(found))}", "a date written YYYY-MM-DD, no time of day")
            return None
        value = self.take(data, key, str, "a date written YYYY-MM-DD", required=required, prefix=prefix)
        if value is None:
            return None
        if DATE_PATTERN.fullmatch(value):
            try:
                day = _DAYS[value] = date.fromisoformat(value)
                return day
            except ValueError:
                pass
        self.problem(prefix + key, shorten(value), "a real date written YYYY-MM-DD")
        return None

    def choice(
        self, data: dict[str, Any], key: str, options: tuple[str, ...], *, required: bool = True, prefix: str = ""
    ) -> str | None:
        """One of ``options``."""
        found = data.get(key)
        if type(found) is str and found in options:
            return found  # the usual case, as the checks below would find it
        expected = "one of " + ", ".join(options)
        value = self.take(data, key, str, expected, required=required, prefix=prefix)
        if value is not None and value not in options:
            self.problem(prefix + key, shorten(value), expected)
            return None
        return value

    def id_list(self, data: dict[str, Any], key: str, *, required: bool = True, prefix: str = "") -> tuple[str, ...]:
        """A non-empty list of ids (checked against the bibliography later)."""
        found = data.get(key)
        try:
            if type(found) is list and found and self._accepted.issuperset(found):  # the ids accepted are texts
                return tuple(found)  # ids accepted before, as the checks below would find them
        except TypeError:  # an item that is no id, and unhashable (a list, a table)
            pass
        value = self.take(data, key, list, "a non-empty list of source ids", required=required, prefix=prefix)
        if value is None:
            return ()
        if required and not value:
            self.problem(prefix + key, "an empty list", "a non-empty list of source ids")
        ids = []
        accepted = self._accepted
        for i, item in enumerate(value):
            if type(item) is str and item in accepted:
                ids.append(item)  # an id accepted before, as the checks below would find it
            elif not isinstance(item, str) or not ID_PATTERN.fullmatch(item):
                self.problem(f"{prefix}{key}[{i}]", shorten(item), "a source id")
            elif self.known_sources is not None and item not in self.known_sources:
                self.problem(f"{prefix}{key}[{i}]", shorten(item), "a source id from the bibliography")
            else:
                ids.append(item)
                accepted.add(item)
        return tuple(ids)

    def only(self, data: dict[str, Any], known: Collection[str], *, prefix: str = "") -> None:
        """Report every key of ``data`` that is not in ``known``, with the nearest known key
        as a suggestion (a misspelt key would otherwise be silently ignored)."""
        if known.issuperset(data) if isinstance(known, (set, frozenset)) else all(map(known.__contains__, data)):
            return  # the usual case, once per feature: nothing to sort
        names = sorted(known)
        for key in sorted((k for k in data if k not in names), key=str):
            field = prefix + str(key)
            guesses = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
            if guesses:
                guess = guesses[0]
                message = f"unknown key '{field}' — did you mean '{guess}'?"
            else:
                message = f"unknown key '{field}' — geo/README.md lists the keys each record may have"
            problem = Problem(self.file, self.feature, field, "an unknown key", "a documented key", message)
            self.problems.append(problem)
            if guesses and guess not in data:  # the key it stands for is missing: that is this problem
                self._misspelt[prefix + guess] = problem

    def records(self, data: dict[str, Any], key: str, *, prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
        """Each table of an optional list of tables, with its field prefix."""
        if data.get(key) is None:  # left out: the usual case, nothing to check
            return
        items = self.take(data, key, list, "a list of tables", required=False, prefix=prefix)
        for i, item in enumerate(items or ()):
            here = f"{prefix}{key}[{i}]."
            if isinstance(item, dict):
                yield here, item
            else:
                self.problem(here[:-1], shorten(item), "a table")


def control_character(key: str, value: str) -> tuple[str, str] | None:
    """What :meth:`Checker.text` finds wrong with ``value``, the text at ``key`` (``name_en``,
    ``description_zh``, ``title``…), as (found, expected): the first control character it may
    not hold (a long text may hold tabs and line breaks, :data:`~layers.data.rules.LONG_TEXTS`),
    or None."""
    long = key.removesuffix("_zh").removesuffix("_en") in LONG_TEXTS
    found = (LONG_TEXT_CONTROLS if long else CONTROL_CHARACTERS).search(value)
    if found is None:
        return None
    expected = "other than tabs and line breaks" if long else "(a name or short text is one line, with no tab)"
    return f"the control character U+{ord(found.group()):04X} in {shorten(value)}", (
        f"a text without control characters {expected}"
    )


#: The keys of each bilingual pair read, by stem: ``name`` is read as ``name_zh`` and ``name_en``.
_PAIR_KEYS: dict[str, tuple[str, str]] = {}

#: Every date text the checkers have read, as the date it names (a pure function of the text).
_DAYS: dict[str, date] = {}


def unreserved(check: Checker, field: str, value: str | None, reserved: tuple[str, ...] = ()) -> str | None:
    """``value`` unless it is one of the ids the site uses itself (``reserved``) or a name
    Windows refuses for a file."""
    if value in reserved:
        check.problem(field, shorten(value), "an id other than " + ", ".join(reserved) + " (the site uses these)")
        return None
    if value in DEVICE_NAMES:
        check.problem(field, shorten(value), "an id that is not a Windows device name (con, prn, aux, nul, comN, lptN)")
        return None
    return value


def sidc_drawable(sidc: str) -> bool:
    """Whether the unit symbol for ``sidc`` can be drawn: asked of the renderer itself (its
    answer is cached for the build), so that ``check`` never accepts what ``build`` cannot draw."""
    try:
        symbols.symbol_svg(sidc)
    except ValueError:
        return False
    return True


def finite(value: Any) -> bool:
    """A number (never a bool) that is a finite float: NaN, infinities and integers too
    large for a float are not."""
    if type(value) is float:
        return math.isfinite(value)  # the usual case, as the checks below would find it
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)
