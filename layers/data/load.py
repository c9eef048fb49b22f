"""The only reader of a data folder: parse, validate once, collect every problem.

``load_battle(folder)`` either returns a fully validated :class:`~layers.model.Battle` or
raises one :class:`~layers.errors.GeoDataError` listing every problem found, each with file,
feature id, field, what was found and what was expected. Nothing downstream re-checks.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import math
import re
import tomllib
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import shapely
import shapely.errors
from shapely.geometry import shape

from layers.data.batch import collector_paused
from layers.data.model import (
    BATTLE_KINDS,
    CERTAINTIES,
    DEFAULT_CERTAINTY,
    DEFAULT_IMPORTANCE,
    IMPORTANCES,
    MOVEMENTS,
    REFERENCE_KINDS,
    SIDED_KINDS,
    STATUSES,
    TERRAINS,
    Battle,
    Bilingual,
    Claim,
    Feature,
    Figure,
    FigureValue,
    LayerSpec,
    Measure,
    Phase,
    Side,
    Source,
    StatusChange,
)
from layers.errors import GeoDataError, Problem, shorten

MANIFEST = "manifest.toml"
#: Largest data file read; larger ones are refused before parsing.
MAX_FILE_BYTES = 256 * 1024 * 1024
#: Patterns are used with ``fullmatch`` over ASCII only: ``$`` would let a trailing newline
#: through, and ``\d`` would take any script's digits.
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}", re.ASCII)
COLOR_PATTERN = re.compile(r"#[0-9a-fA-F]{6}", re.ASCII)
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
SIDC_PATTERN = re.compile(r"[0-9]{20}", re.ASCII)
URL_PATTERN = re.compile(r"https?://[^\s<>\"']+", re.ASCII)
#: Ids of phases, layers and the battle that would collide with what the build writes or
#: the page uses itself: files and folders of the site, the page's own group ids, and the
#: device names that Windows and FAT file systems refuse as file names (any extension).
RESERVED_IDS = ("index", "static", "readme", "reference", "all")
#: Group ids the page uses itself: reference layers are drawn as one group of this id, and
#: "all" selects every phase.
GROUP_IDS = ("reference", "all")
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
    "hill": ("Point", "Polygon"),
    "place": ("Point", "Polygon"),
}
#: Properties a feature may carry; anything else is a typo worth reporting.
KNOWN_PROPERTIES = {
    "kind",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "side",
    "sources",
    "precision_m",
    "certainty",
    "location_note_zh",
    "location_note_en",
    "start",
    "end",
    "status",
    "claims",
    "figures",
    "movement",
    "unit",
    "sidc",
    "designation",
    "designation_zh",
    "designation_en",
    "commander_zh",
    "commander_en",
    "label_zh",
    "label_en",
    "terrain",
    "elevation_m",
    "elevation_sources",
    "width_m",
    "width_sources",
    "importance",
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
)
PHASE_KEYS = ("id", "title", "start", "end", "sources", "narrative", "view", "claims", "figures")

#: What a claim (another source's differing value) may be about.
CLAIM_FIELDS = ("name", "description", "start", "end", "status", "side", "unit", "location", "commander")
PHASE_CLAIM_FIELDS = ("title", "start", "end", "narrative")


class Checker:
    """Collects problems for one file; each ``take_*`` returns the value or None."""

    def __init__(self, file: str, problems: list[Problem], known_sources: set[str] | None = None):
        self.file = file
        self.problems = problems
        self.feature = ""
        self.known_sources = known_sources

    def problem(self, field: str, found: str, expected: str) -> None:
        """Record one problem at the current file and feature."""
        self.problems.append(Problem(self.file, self.feature, field, found, expected))

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
        """The value at ``key`` if it has the right type; record a problem otherwise."""
        name = prefix + key
        if key not in data or data[key] is None:
            if required:
                self.problem(name, "nothing", expected)
            return None
        value = data[key]
        # bool is an int in Python; a JSON true is never a number here.
        if isinstance(value, bool) and bool not in _as_tuple(kind):
            self.problem(name, shorten(value), expected)
            return None
        if not isinstance(value, kind):
            self.problem(name, f"{type(value).__name__} {shorten(value)}", expected)
            return None
        return value

    def text(self, data: dict[str, Any], key: str, *, required: bool = True, prefix: str = "") -> str | None:
        """A non-empty single string."""
        value = self.take(data, key, str, "a non-empty text", required=required, prefix=prefix)
        if value is not None and not value.strip():
            self.problem(prefix + key, "an empty text", "a non-empty text")
            return None
        return value

    def bilingual(
        self, data: dict[str, Any], stem: str, *, required: bool = True, prefix: str = ""
    ) -> Bilingual | None:
        """``<stem>_zh`` and ``<stem>_en`` as one Bilingual (both or neither)."""
        zh = self.text(data, f"{stem}_zh", required=required, prefix=prefix)
        en = self.text(data, f"{stem}_en", required=required, prefix=prefix)
        if not required and (zh is None) != (en is None):
            missing = f"{stem}_en" if en is None else f"{stem}_zh"
            if missing not in data:
                self.problem(prefix + missing, "nothing", "both languages, or neither")
            return None
        return Bilingual(zh, en) if zh is not None and en is not None else None

    def table_text(self, data: dict[str, Any], key: str, *, prefix: str = "") -> Bilingual | None:
        """A TOML table ``{zh = "...", en = "..."}``."""
        table = self.take(data, key, dict, "a table with 'zh' and 'en' texts", prefix=prefix)
        if table is None:
            return None
        zh = self.text(table, "zh", prefix=f"{prefix}{key}.")
        en = self.text(table, "en", prefix=f"{prefix}{key}.")
        return Bilingual(zh, en) if zh is not None and en is not None else None

    def file_name(self, data: dict[str, Any], key: str, *, prefix: str = "") -> str | None:
        """A path to a file inside the data folder, relative, of printable characters."""
        value = self.text(data, key, prefix=prefix)
        if value is None:
            return None
        if not value.isprintable() or Path(value).is_absolute() or ".." in Path(value).parts:
            self.problem(prefix + key, shorten(value), "a path inside the data folder")
            return None
        return value

    def ident(self, data: dict[str, Any], key: str, *, prefix: str = "", required: bool = True) -> str | None:
        """An id: lower-case letters, digits, '-' and '_', at most 64 characters."""
        value = self.take(data, key, str, "an id of a-z, 0-9, '-', '_'", required=required, prefix=prefix)
        if value is not None and not ID_PATTERN.fullmatch(value):
            self.problem(prefix + key, shorten(value), "an id of a-z, 0-9, '-', '_' (at most 64)")
            return None
        return value

    def day(self, data: dict[str, Any], key: str, *, required: bool = True, prefix: str = "") -> date | None:
        """A calendar date: a TOML date or a 'YYYY-MM-DD' string."""
        if key in data and isinstance(data[key], date) and not isinstance(data[key], bool):
            return data[key]
        value = self.take(data, key, str, "a date written YYYY-MM-DD", required=required, prefix=prefix)
        if value is None:
            return None
        if DATE_PATTERN.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(prefix + key, shorten(value), "a real date written YYYY-MM-DD")
        return None

    def choice(
        self, data: dict[str, Any], key: str, options: tuple[str, ...], *, required: bool = True, prefix: str = ""
    ) -> str | None:
        """One of ``options``."""
        expected = "one of " + ", ".join(options)
        value = self.take(data, key, str, expected, required=required, prefix=prefix)
        if value is not None and value not in options:
            self.problem(prefix + key, shorten(value), expected)
            return None
        return value

    def id_list(self, data: dict[str, Any], key: str, *, required: bool = True, prefix: str = "") -> tuple[str, ...]:
        """A non-empty list of ids (checked against the bibliography later)."""
        value = self.take(data, key, list, "a non-empty list of source ids", required=required, prefix=prefix)
        if value is None:
            return ()
        if required and not value:
            self.problem(prefix + key, "an empty list", "a non-empty list of source ids")
        ids = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not ID_PATTERN.fullmatch(item):
                self.problem(f"{prefix}{key}[{i}]", shorten(item), "a source id")
            elif self.known_sources is not None and item not in self.known_sources:
                self.problem(f"{prefix}{key}[{i}]", shorten(item), "a source id from the bibliography")
            else:
                ids.append(item)
        return tuple(ids)

    def only(self, data: dict[str, Any], known: Iterable[str], *, prefix: str = "", what: str = "key") -> None:
        """Report every key of ``data`` that is not in ``known``, with the nearest known key
        as a suggestion (a misspelt key would otherwise be silently ignored)."""
        names = sorted(known)
        for key in sorted((k for k in data if k not in names), key=str):
            guess = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
            hint = f"did you mean '{guess[0]}'? " if guess else ""
            expected = f"{hint}one of the {what}s documented in geo/README.md"
            self.problem(prefix + str(key), f"an unknown {what}", expected)

    def records(self, data: dict[str, Any], key: str, *, prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
        """Each table of an optional list of tables, with its field prefix."""
        items = self.take(data, key, list, "a list of tables", required=False, prefix=prefix)
        for i, item in enumerate(items or ()):
            here = f"{prefix}{key}[{i}]."
            if isinstance(item, dict):
                yield here, item
            else:
                self.problem(here[:-1], shorten(item), "a table")


def _unreserved(check: Checker, field: str, value: str | None, reserved: tuple[str, ...] = ()) -> str | None:
    """``value`` unless it is one of the ids the site uses itself (``reserved``) or a name
    Windows refuses for a file."""
    if value in reserved:
        check.problem(field, shorten(value), "an id other than " + ", ".join(reserved) + " (the site uses these)")
        return None
    if value in DEVICE_NAMES:
        check.problem(field, shorten(value), "an id that is not a Windows device name (con, prn, aux, nul, comN, lptN)")
        return None
    return value


def _drawable(sidc: str) -> bool:
    """Whether the unit symbol for ``sidc`` can be drawn: asked of the renderer itself (its
    answer is cached for the build), so that ``check`` never accepts what ``build`` cannot draw."""
    from layers.draw.units import symbol_svg  # imported here: the renderer loads its tables lazily

    try:
        symbol_svg(sidc)
    except ValueError:
        return False
    return True


def _finite(value: Any) -> bool:
    """A number (never a bool) that is a finite float: NaN, infinities and integers too
    large for a float are not."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number in JSON")


def _read_text(path: Path, root: Path, label: str, problems: list[Problem]) -> str | None:
    """Read a UTF-8 data file that really lies inside ``root``; None (and a problem) if not."""
    try:
        if not path.resolve().is_relative_to(root.resolve()):
            problems.append(
                Problem(label, "", "", "a path that leads outside the data folder", "a file inside the data folder")
            )
            return None
        if not path.exists():
            problems.append(Problem(label, "", "", "no such file", "the file named in the manifest"))
            return None
        if not path.is_file():
            problems.append(Problem(label, "", "", "a folder or special file", "a regular file"))
            return None
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(label, "", "", f"{size} bytes", f"at most {MAX_FILE_BYTES} bytes"))
            return None
        raw = path.read_bytes()
    except OSError as err:
        problems.append(Problem(label, "", "", f"unreadable ({err.strerror})", "a readable file"))
        return None
    try:
        # A UTF-8 byte-order mark is tolerated (editors on Windows add it) and dropped.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        problems.append(Problem(label, "", "", f"bytes that are not UTF-8 at offset {err.start}", "a UTF-8 text file"))
        return None


def _parse_toml(text: str, label: str, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        problems.append(Problem(label, "", "", f"invalid TOML ({err})", "a valid TOML file"))
        return None
    except RecursionError:
        problems.append(Problem(label, "", "", "TOML nested too deeply", "a valid TOML file"))
        return None


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}", re.ASCII)


def _lone_surrogate(document: Any) -> str | None:
    """The first text (value or key) of ``document`` holding a lone UTF-16 surrogate: JSON
    can write one as an escape, but it is no character and cannot be written as UTF-8."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and any("\ud800" <= char <= "\udfff" for char in value):
            return value
    return None


def _parse_json(text: str, label: str, problems: list[Problem]) -> Any:
    try:
        document = json.loads(text, parse_constant=_reject_constant)
        if _SURROGATE_ESCAPE.search(text) and (bad := _lone_surrogate(document)) is not None:
            problems.append(Problem(label, "", "", f"a lone surrogate in {shorten(bad)}", "text of Unicode characters"))
            return None
        return document
    except json.JSONDecodeError as err:
        problems.append(
            Problem(
                label,
                "",
                "",
                f"invalid JSON at line {err.lineno} column {err.colno} ({err.msg})",
                "a valid JSON (GeoJSON) file",
            )
        )
    except ValueError as err:
        problems.append(Problem(label, "", "", f"invalid JSON ({err})", "finite numbers only"))
    except RecursionError:
        problems.append(Problem(label, "", "", "JSON nested too deeply", "a GeoJSON FeatureCollection"))
    return None


def load_battle(folder: Path | str) -> Battle:
    """Read and validate the data folder ``folder``.

    Parameters
    ----------
    folder : Path or str
        A folder holding ``manifest.toml``, the bibliography and the GeoJSON layers.

    Returns
    -------
    Battle
        The validated battle.

    Raises
    ------
    GeoDataError
        With every problem found, when anything is wrong.
    """
    with collector_paused():
        return _load_battle(Path(folder))


def _load_battle(root: Path) -> Battle:
    problems: list[Problem] = []
    digest = hashlib.sha256()

    def read(path: Path, label: str) -> str | None:
        text = _read_text(path, root, label, problems)
        if text is not None:
            digest.update(f"{label}\0{len(text)}\0".encode() + text.encode("utf-8"))
        return text

    if not root.is_dir():
        raise GeoDataError([Problem(str(root), "", "", "no such folder", f"a data folder with {MANIFEST}")])
    manifest_text = read(root / MANIFEST, MANIFEST)
    manifest = _parse_toml(manifest_text, MANIFEST, problems) if manifest_text is not None else None
    if manifest is None:
        raise GeoDataError(problems)

    check = Checker(MANIFEST, problems)
    check.only(manifest, MANIFEST_KEYS)
    version = manifest.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION or isinstance(version, bool):
        check.problem("schema_version", shorten(version), f"{SCHEMA_VERSION}, the data contract this tool reads")
    bib_name = check.file_name(manifest, "bibliography") or ""
    sources: dict[str, Source] = {}
    if bib_name:
        bib_text = read(root / bib_name, bib_name)
        bib = _parse_toml(bib_text, bib_name, problems) if bib_text is not None else None
        if bib is not None:
            sources = _sources(Checker(bib_name, problems), bib)
    # Only check citations against a bibliography that was read; else every id would be noise.
    known = set(sources) if bib_name and not any(p.file == bib_name for p in problems) else None
    check.known_sources = known

    battle_id = _unreserved(check, "id", check.ident(manifest, "id"))
    title = check.table_text(manifest, "title")
    subtitle = check.table_text(manifest, "subtitle")
    attribution = check.table_text(manifest, "attribution")
    bounds = _bounds(check, manifest)
    sides = _sides(check, manifest)
    phases = _phases(check, manifest, bounds)
    layer_specs = _layer_specs(check, manifest)

    features: list[Feature] = []
    span = (min(p.start for p in phases), max(p.end for p in phases)) if phases else None
    for spec in layer_specs:
        text = read(root / spec.file, spec.file)
        collection = _parse_json(text, spec.file, problems) if text is not None else None
        if collection is not None:
            features.extend(_features(Checker(spec.file, problems, known), collection, spec, bounds, sides, span))

    _cross_check(problems, phases, features, layer_specs)
    if problems:
        raise GeoDataError(problems)
    assert battle_id and title and subtitle and attribution and bounds
    return Battle(
        id=battle_id,
        title=title,
        subtitle=subtitle,
        bounds=bounds,
        sides=sides,
        phases=tuple(phases),
        layers=tuple(layer_specs),
        sources=sources,
        features=tuple(features),
        attribution=attribution,
        root=root,
        digest=digest.hexdigest(),
    )


def _bounds(
    check: Checker, manifest: dict[str, Any], key: str = "bounds"
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    expected = "[[west, south], [east, north]] in WGS84 degrees"
    value = check.take(manifest, key, list, expected)
    if value is None:
        return None
    try:
        (west, south), (east, north) = value
        numbers = [float(v) for v in (west, south, east, north) if _finite(v)]
    except (TypeError, ValueError):
        numbers = []
    if len(numbers) != 4:
        check.problem(key, shorten(value), expected)
        return None
    west, south, east, north = numbers
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        check.problem(key, shorten(value), expected + " with west < east and south < north")
        return None
    return (west, south), (east, north)


def _sides(check: Checker, manifest: dict[str, Any]) -> dict[str, Side]:
    table = check.take(manifest, "sides", dict, "a table of sides")
    sides: dict[str, Side] = {}
    for side_id, entry in (table or {}).items():
        prefix = f"sides.{side_id}."
        if not ID_PATTERN.fullmatch(side_id):
            check.problem(f"sides.{side_id}", shorten(side_id), "a side id of a-z, 0-9, '-', '_'")
            continue
        if not isinstance(entry, dict):
            check.problem(prefix[:-1], shorten(entry), "a table")
            continue
        check.only(entry, ("name", "color", "identity"), prefix=prefix)
        name = check.table_text(entry, "name", prefix=prefix)
        color = check.take(entry, "color", str, "a colour written #rrggbb", prefix=prefix)
        if color is not None and not COLOR_PATTERN.fullmatch(color):
            check.problem(prefix + "color", shorten(color), "a colour written #rrggbb")
            color = None
        identity = check.choice(entry, "identity", tuple(IDENTITIES), prefix=prefix)
        if name and color and identity:
            sides[side_id] = Side(side_id, name, color.lower(), identity)
    if table is not None and not sides and not check.problems:
        check.problem("sides", "no sides", "at least one side")
    return sides


def _claims(check: Checker, data: dict[str, Any], prefix: str = "") -> tuple[Claim, ...]:
    claims = []
    for here, item in check.records(data, "claims", prefix=prefix):
        check.only(item, ("field", "value", "sources", "note_zh", "note_en"), prefix=here)
        field_name = check.text(item, "field", prefix=here)
        raw = item.get("value")
        if _finite(raw):
            raw = str(raw)
        value = check.text({"value": raw}, "value", prefix=here)
        sources = check.id_list(item, "sources", prefix=here)
        note = check.bilingual(item, "note", required=False, prefix=here)
        if field_name and value:
            claims.append(Claim(field_name, value, sources, note))
    return tuple(claims)


def _figures(check: Checker, data: dict[str, Any], prefix: str = "") -> tuple[Figure, ...]:
    figures = []
    for here, item in check.records(data, "figures", prefix=prefix):
        check.only(item, ("label_zh", "label_en", "values"), prefix=here)
        label = check.bilingual(item, "label", prefix=here)
        values = []
        for vhere, entry in check.records(item, "values", prefix=here):
            check.only(entry, ("value", "value_zh", "value_en", "sources", "note_zh", "note_en"), prefix=vhere)
            value: Bilingual | None
            if "value_zh" in entry or "value_en" in entry:
                value = check.bilingual(entry, "value", prefix=vhere)
            else:
                raw = entry.get("value")
                if _finite(raw):
                    raw = f"{raw:,}" if isinstance(raw, int) else str(raw)
                text = check.text({"value": raw}, "value", prefix=vhere)
                value = Bilingual(text, text) if text else None
            sources = check.id_list(entry, "sources", prefix=vhere)
            note = check.bilingual(entry, "note", required=False, prefix=vhere)
            if value:
                values.append(FigureValue(value, sources, note))
        if not values:
            check.problem(here + "values", "no values", "at least one value with its sources")
        elif label:
            figures.append(Figure(label, tuple(values)))
    return tuple(figures)


def _view(check: Checker, item: dict[str, Any], bounds: Any) -> Any:
    """A phase's optional ``view``: [[west, south], [east, north]] inside the map bounds."""
    if "view" not in item:
        return None
    view = _bounds(check, item, "view")
    if view and bounds:
        (w, s), (e, n) = view
        (bw, bs), (be, bn) = bounds
        if not (bw <= w and bs <= s and e <= be and n <= bn):
            check.problem("view", shorten(item["view"]), f"an area inside the map bounds {shorten(bounds)}")
            return None
    return view


def _phases(check: Checker, manifest: dict[str, Any], bounds: Any = None) -> list[Phase]:
    phases: list[Phase] = []
    items = check.take(manifest, "phases", list, "a list of [[phases]] tables")
    for i, item in enumerate(items or ()):
        if not isinstance(item, dict):
            check.problem(f"phases[{i}]", shorten(item), "a table")
            continue
        check.feature = f"phase {item.get('id', i)!s}"
        check.only(item, PHASE_KEYS)
        phase_id = _unreserved(check, "id", check.ident(item, "id"), RESERVED_IDS)
        title = check.table_text(item, "title")
        narrative = check.table_text(item, "narrative")
        start = check.day(item, "start")
        end = check.day(item, "end")
        sources = check.id_list(item, "sources")
        claims = _claims(check, item)
        figures = _figures(check, item)
        view = _view(check, item, bounds)
        for claim in claims:
            if claim.field not in PHASE_CLAIM_FIELDS:
                check.problem("claims", shorten(claim.field), "a claim about " + ", ".join(PHASE_CLAIM_FIELDS))
        if start and end and end < start:
            check.problem("end", str(end), f"a date on or after the start {start}")
            continue
        if phase_id and title and narrative and start and end:
            phases.append(Phase(phase_id, title, start, end, narrative, sources, claims, figures, view))
    check.feature = ""
    if items is not None and not phases and not any(p.file == check.file for p in check.problems):
        check.problem("phases", "no phases", "at least one phase")
    for before, after in itertools.pairwise(phases):
        if after.start < before.start:
            check.feature = f"phase {after.id}"
            check.problem("start", str(after.start), f"phases ordered by start date (after {before.id})")
    check.feature = ""
    return phases


def _layer_specs(check: Checker, manifest: dict[str, Any]) -> list[LayerSpec]:
    specs = []
    for here, item in check.records(manifest, "layers"):
        check.only(item, ("id", "file", "role", "title"), prefix=here)
        layer_id = check.ident(item, "id", prefix=here)
        file = check.file_name(item, "file", prefix=here)
        role = check.choice(item, "role", ("battle", "reference"), prefix=here)
        if role == "battle":  # its id names a group of the page, beside the page's own
            layer_id = _unreserved(check, here + "id", layer_id, GROUP_IDS)
        title = check.table_text(item, "title", prefix=here)
        if layer_id in {s.id for s in specs}:
            check.problem(here + "id", shorten(layer_id), "a layer id used once")
        elif layer_id and file and role and title:
            specs.append(LayerSpec(layer_id, file, role, title))
    if "layers" not in manifest:
        check.problem("layers", "nothing", "a list of [[layers]] tables")
    return specs


def _sources(check: Checker, bib: dict[str, Any]) -> dict[str, Source]:
    check.only(bib, ("sources",))
    table = check.take(bib, "sources", dict, "a [sources.<id>] table per source")
    sources = {}
    for source_id, entry in (table or {}).items():
        check.feature = f"source {source_id}"
        if not ID_PATTERN.fullmatch(source_id):
            check.problem("id", shorten(source_id), "a source id of a-z, 0-9, '-', '_'")
            continue
        if not isinstance(entry, dict):
            check.problem("", shorten(entry), "a table")
            continue
        check.only(entry, ("title", "url", "tier", "note"))
        title = check.text(entry, "title")
        url = check.take(entry, "url", str, "an http(s) address", required=False)
        if url is not None and not URL_PATTERN.fullmatch(url):
            check.problem("url", shorten(url), "an http(s) address")
            url = None
        tier = check.choice(entry, "tier", ("A", "B", "C", "article"))
        note = check.take(entry, "note", str, "a text", required=False) or ""
        if title and tier:
            sources[source_id] = Source(source_id, title, url, tier, note)
    check.feature = ""
    return sources


#: How deep each geometry type nests its positions in ``coordinates``.
POSITION_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def _coordinates(value: Any, depth: int) -> Iterator[Any]:
    """Every position of a GeoJSON coordinates array whose positions lie ``depth`` arrays
    deep, in order; whatever stands where a position should is yielded as it is (and then
    refused as a position). Iterative: data nested a thousand deep must not exhaust the
    interpreter's stack."""
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if level < depth and isinstance(item, list):
            stack.extend((child, level + 1) for child in reversed(item))
        else:
            yield item


def _geometry(
    check: Checker,
    geometry: Any,
    kind: str | None,
    bounds: tuple[tuple[float, float], tuple[float, float]] | None,
) -> Any:
    if not isinstance(geometry, dict):
        check.problem("geometry", shorten(geometry), "a GeoJSON geometry object")
        return None
    gtype = geometry.get("type")
    if gtype not in GEOMETRY_TYPES:
        check.problem("geometry.type", shorten(gtype), "one of " + ", ".join(GEOMETRY_TYPES))
        return None
    if kind in KIND_GEOMETRIES and gtype not in KIND_GEOMETRIES[kind]:
        check.problem("geometry.type", shorten(gtype), f"for a {kind}: " + " or ".join(KIND_GEOMETRIES[kind]))
        return None
    coords = geometry.get("coordinates")
    if not isinstance(coords, list):
        check.problem("geometry.coordinates", shorten(coords), "an array of [longitude, latitude] positions")
        return None
    for position in _coordinates(coords, POSITION_DEPTH[gtype]):
        ok = isinstance(position, list) and len(position) in (2, 3) and all(_finite(v) for v in position)
        if not ok:
            check.problem("geometry.coordinates", shorten(position), "[longitude, latitude] as finite numbers")
            return None
        lon, lat = position[0], position[1]
        if bounds is not None:
            (west, south), (east, north) = bounds
            if not (west <= lon <= east and south <= lat <= north):
                hint = " (longitude and latitude swapped?)" if west <= lat <= east and south <= lon <= north else ""
                check.problem(
                    "geometry.coordinates",
                    f"[{lon}, {lat}]{hint}",
                    f"a position inside the map bounds [[{west}, {south}], [{east}, {north}]]",
                )
                return None
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError) as err:
        check.problem("geometry", f"a malformed {gtype} ({err})", f"a valid GeoJSON {gtype}")
        return None
    if geom.is_empty:
        check.problem("geometry", f"an empty {gtype}", "a geometry with coordinates")
        return None
    if not geom.is_valid:
        check.problem(
            "geometry",
            f"an invalid {gtype} ({shapely.is_valid_reason(geom)})",
            "a valid geometry (no self-intersection, closed rings)",
        )
        return None
    return geom


def _status(check: Checker, props: dict[str, Any], start: date | None, end: date | None) -> tuple[StatusChange, ...]:
    changes = []
    for here, item in check.records(props, "status"):
        check.only(item, ("date", "status", "sources", "note_zh", "note_en"), prefix=here)
        day = check.day(item, "date", prefix=here)
        status = check.choice(item, "status", STATUSES, prefix=here)
        sources = check.id_list(item, "sources", required=False, prefix=here)
        note = check.bilingual(item, "note", required=False, prefix=here)
        if day and start and end and not start <= day <= end:
            check.problem(here + "date", str(day), f"a date within the feature's {start}..{end}")
        if changes and day and day < changes[-1].date:
            check.problem(here + "date", str(day), f"status changes in date order (after {changes[-1].date})")
        if day and status:
            changes.append(StatusChange(day, status, sources, note))
    return tuple(changes)


def _features(
    check: Checker,
    collection: Any,
    spec: LayerSpec,
    bounds: tuple[tuple[float, float], tuple[float, float]] | None,
    sides: dict[str, Side],
    span: tuple[date, date] | None,
) -> list[Feature]:
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        check.problem(
            "type",
            shorten(collection.get("type") if isinstance(collection, dict) else collection),
            "a GeoJSON FeatureCollection",
        )
        return []
    items = collection.get("features")
    if not isinstance(items, list):
        check.problem("features", shorten(items), "an array of GeoJSON features")
        return []
    kinds = BATTLE_KINDS if spec.role == "battle" else REFERENCE_KINDS
    features = []
    for index, item in enumerate(items):
        check.feature = f"feature #{index}"
        if not isinstance(item, dict) or item.get("type") != "Feature":
            check.problem("type", shorten(item.get("type") if isinstance(item, dict) else item), "a GeoJSON Feature")
            continue
        feature_id = check.ident(item, "id")
        if feature_id:
            check.feature = f"feature '{feature_id}'"
        props = item.get("properties")
        if not isinstance(props, dict):
            check.problem("properties", shorten(props), "an object of properties")
            continue
        check.only(props, KNOWN_PROPERTIES, what="property")
        kind = check.choice(props, "kind", kinds)
        geom = _geometry(check, item.get("geometry"), kind, bounds)
        feature = _feature(check, props, spec, kind, sides, span)
        if feature_id and kind and geom is not None and feature is not None:
            features.append(
                Feature(id=feature_id, layer=spec.id, kind=kind, geometry=geom, geojson=item["geometry"], **feature)
            )
    check.feature = ""
    return features


def _feature(
    check: Checker,
    props: dict[str, Any],
    spec: LayerSpec,
    kind: str | None,
    sides: dict[str, Side],
    span: tuple[date, date] | None,
) -> dict[str, Any] | None:
    """The validated properties of one feature as keyword arguments for Feature, or None."""
    before = len(check.problems)
    name = check.bilingual(props, "name")
    description = check.bilingual(props, "description")
    side = check.take(props, "side", str, "a side id from the manifest", required=kind in SIDED_KINDS)
    if side is not None and side not in sides:
        check.problem("side", shorten(side), "one of the manifest's sides: " + ", ".join(sorted(sides)))
    sources = check.id_list(props, "sources")
    precision = check.take(props, "precision_m", (int, float), "a positive number of metres")
    if precision is not None and not (_finite(precision) and precision > 0):
        check.problem("precision_m", shorten(precision), "a positive number of metres")
    certainty = check.choice(props, "certainty", CERTAINTIES, required=False) or DEFAULT_CERTAINTY
    location_note = check.bilingual(props, "location_note", required=False)

    start = end = None
    if spec.role == "battle":
        start = check.day(props, "start")
        end = check.day(props, "end", required=False) or (start if kind == "event" else (span[1] if span else None))
        if start and end and end < start:
            check.problem("end", str(end), f"a date on or after the start {start}")
        for key, day in (("start", start), ("end", end)):
            if span and day and not span[0] <= day <= span[1]:
                check.problem(key, str(day), f"a date within the phases, {span[0]}..{span[1]}")
    else:
        for key in ("start", "end", "status"):
            if key in props:
                check.problem(key, "a date on a reference feature", "no dates: reference layers hold for all phases")

    status = _status(check, props, start, end) if spec.role == "battle" else ()
    claims = _claims(check, props)
    figures = _figures(check, props)
    for claim in claims:
        if claim.field not in CLAIM_FIELDS:
            check.problem("claims", shorten(claim.field), "a claim about one of " + ", ".join(CLAIM_FIELDS))

    extra: dict[str, Any] = {}
    if kind == "movement":
        extra["movement"] = check.choice(props, "movement", MOVEMENTS)
    if spec.role == "battle":
        extra["unit"] = check.ident(props, "unit", required=False)
    if kind == "unit":
        sidc = check.take(props, "sidc", str, "a 20-digit APP-6D / MIL-STD-2525D symbol code")
        if sidc is not None and not SIDC_PATTERN.fullmatch(sidc):
            check.problem("sidc", shorten(sidc), "a 20-digit APP-6D / MIL-STD-2525D symbol code")
        elif sidc is not None and side in sides and sidc[3] != IDENTITIES[sides[side].identity]:
            check.problem(
                "sidc",
                f"standard identity digit {sidc[3]!r}",
                f"{IDENTITIES[sides[side].identity]!r} for side '{side}' ({sides[side].identity})",
            )
        elif sidc is not None and not _drawable(sidc):
            check.problem("sidc", shorten(sidc), "a symbol code milsymbol can draw (a known symbol set and entity)")
        extra["sidc"] = sidc
    designation = _designation(check, props, kind)
    label = check.bilingual(props, "label", required=False)
    terrain = check.choice(props, "terrain", TERRAINS, required=False)
    if terrain and kind != "position":
        check.problem("terrain", shorten(terrain), "terrain only on positions (a reference hill is of kind 'hill')")
    elevation = _measure(check, props, "elevation", max_m=9000)
    if elevation and kind not in ("position", "hill", "place"):
        check.problem("elevation_m", shorten(elevation.value_m), "a spot height only on positions, hills and places")
    width = _measure(check, props, "width", max_m=20000)
    if width and kind != "river":
        check.problem("width_m", shorten(width.value_m), "a width only on rivers")
    importance = check.take(props, "importance", int, "1 (key), 2 (usual) or 3 (minor)", required=False)
    if importance is not None and importance not in IMPORTANCES:
        check.problem("importance", shorten(importance), "1 (key), 2 (usual) or 3 (minor)")
    commander = check.bilingual(props, "commander", required=False)
    if commander:
        extra["commander"] = commander
    if len(check.problems) > before or not (name and description and sources and precision):
        return None
    return {
        "name": name,
        "description": description,
        "side": side,
        "sources": sources,
        "precision_m": float(precision),
        "certainty": certainty,
        "location_note": location_note,
        "start": start,
        "end": end,
        "status": status,
        "claims": claims,
        "figures": figures,
        "extra": extra,
        "label": label,
        "designation": designation,
        "terrain": terrain,
        "elevation": elevation,
        "width": width,
        "importance": importance if importance in IMPORTANCES else DEFAULT_IMPORTANCE,
    }


def _designation(check: Checker, props: dict[str, Any], kind: str | None) -> Bilingual | None:
    """A unit's short designation: ``designation_zh``/``_en``, or one ``designation`` that
    reads the same in both languages (a number)."""
    keys = [k for k in ("designation", "designation_zh", "designation_en") if k in props]
    if keys and kind != "unit":
        check.problem(keys[0], "a designation on a " + str(kind), "designations only on units")
        return None
    if "designation" in props and ("designation_zh" in props or "designation_en" in props):
        check.problem("designation", "both 'designation' and 'designation_zh'/'_en'", "one or the other")
        return None
    if "designation" in props:
        same = check.text(props, "designation", required=False)
        return Bilingual(same, same) if same else None
    return check.bilingual(props, "designation", required=False)


def _measure(check: Checker, props: dict[str, Any], stem: str, max_m: float) -> Measure | None:
    """``<stem>_m`` with the sources that give it, ``<stem>_sources`` (both or neither)."""
    value = check.take(props, f"{stem}_m", (int, float), f"a number of metres, 0..{max_m:g}", required=False)
    sources = check.id_list(props, f"{stem}_sources", required=False)
    if value is None:
        if f"{stem}_sources" in props and f"{stem}_m" not in props:
            check.problem(f"{stem}_m", "nothing", f"a number of metres beside {stem}_sources")
        return None
    if not (math.isfinite(value) and 0 <= value <= max_m):
        check.problem(f"{stem}_m", shorten(value), f"a number of metres, 0..{max_m:g}")
        return None
    if not sources:
        check.problem(f"{stem}_sources", "nothing", f"the source ids that give {stem}_m")
        return None
    return Measure(float(value), sources)


def _cross_check(
    problems: list[Problem],
    phases: list[Phase],
    features: list[Feature],
    layer_specs: list[LayerSpec],
) -> None:
    """References between records and files: unique ids, units that exist."""
    seen: set[str] = set()
    for phase in phases:
        if phase.id in seen:
            problems.append(Problem(MANIFEST, f"phase {phase.id}", "id", "a duplicate id", "a unique phase id"))
        seen.add(phase.id)

    file_of = {spec.id: spec.file for spec in layer_specs}
    feature_ids: dict[str, Feature] = {}
    for feature in features:
        if feature.id in feature_ids:
            other = feature_ids[feature.id]
            problems.append(
                Problem(
                    file_of[feature.layer],
                    f"feature '{feature.id}'",
                    "id",
                    "a duplicate id",
                    f"an id used once (also in {file_of[other.layer]})",
                )
            )
        feature_ids.setdefault(feature.id, feature)

    for feature in features:
        unit = feature.extra.get("unit")
        if unit and (unit not in feature_ids or feature_ids[unit].kind != "unit"):
            problems.append(
                Problem(
                    file_of[feature.layer], f"feature '{feature.id}'", "unit", shorten(unit), "the id of a unit feature"
                )
            )
