"""The only reader of a data folder: parse, validate once, collect every problem.

``load_battle(folder)`` either returns a fully validated :class:`~layers.data.model.Battle` or
raises one :class:`~layers.errors.GeoDataError` listing every problem found, each with file,
feature id, field, what was found and what was expected. Nothing downstream re-checks.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import GeoDataError, Problem, shorten
from ..memory import collector_paused
from .checker import Checker, unreserved
from .features import read_features
from .manifest import read_bounds, read_layer_specs, read_phases, read_sides, read_sources
from .model import (
    Battle,
    Bounds,
    Feature,
    LayerSpec,
    Phase,
    Side,
    Source,
)
from .parse import decode_text, parse_json_data, parse_toml, read_data
from .rules import (
    MANIFEST,
    MANIFEST_KEYS,
    SCHEMA_VERSION,
)
from .water import wet_features


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


#: The bounds of a locator layer's coordinates: anywhere on Earth.
WORLD = ((-180.0, -90.0), (180.0, 90.0))


class _Files:
    """The data folder's files as read: each file's bytes or text (None, a problem reported,
    if it cannot be read), and the digest of every file read, in order."""

    def __init__(self, root: Path, problems: list[Problem]):
        self.root, self.problems = root, problems
        self.digest = hashlib.sha256()

    def data(self, label: str) -> bytes | None:
        """The bytes of the file ``label`` (a path inside the folder), a byte-order mark dropped."""
        data = read_data(self.root / label, self.root, label, self.problems)
        if data is not None:
            self.digest.update(f"{label}\0{len(data)}\0".encode())
            self.digest.update(data)  # the text's UTF-8 bytes, as read
        return data

    def read(self, label: str) -> str | None:
        """The text of the file ``label``."""
        data = self.data(label)
        return decode_text(data, label, self.problems) if data is not None else None


def _load_battle(root: Path) -> Battle:
    problems: list[Problem] = []
    if not root.is_dir():
        raise GeoDataError([Problem(str(root), "", "", "no such folder", f"a data folder with {MANIFEST}")])
    files = _Files(root, problems)
    manifest_text = files.read(MANIFEST)
    manifest = parse_toml(manifest_text, MANIFEST, problems) if manifest_text is not None else None
    if manifest is None:
        raise GeoDataError(problems)

    check = Checker(MANIFEST, problems)
    check.only(manifest, MANIFEST_KEYS)
    version = manifest.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION or isinstance(version, bool):
        check.problem("schema_version", shorten(version), f"{SCHEMA_VERSION}, the data contract this tool reads")
    sources = _read_bibliography(files, check, manifest)

    battle_id = unreserved(check, "id", check.ident(manifest, "id"))
    title = check.table_text(manifest, "title")
    subtitle = check.table_text(manifest, "subtitle")
    attribution = check.table_text(manifest, "attribution")
    bounds = read_bounds(check, manifest)
    sides = read_sides(check, manifest)
    listed_sides = manifest.get("sides")
    refused_sides = frozenset(listed_sides if isinstance(listed_sides, dict) else ()) - set(sides)
    phases = read_phases(check, manifest, bounds)
    layer_specs = read_layer_specs(check, manifest)
    show_locator = check.take(
        manifest, "locator", bool, "true or false: whether pages show the locator inset", required=False
    )

    listed = manifest.get("phases")
    # A phase refused (a bad date, a span too long) makes the others' span the wrong yardstick
    # for the features' dates: they are checked against it once the manifest is mended.
    whole = isinstance(listed, list) and len(phases) == len(listed)
    span = (min(p.start for p in phases), max(p.end for p in phases)) if phases and whole else None
    features: list[Feature] = []
    locator: list[Feature] = []  # where the battle lies: places anywhere on Earth
    refused: dict[str, str | None] = {}  # features with a problem of their own, by id: their kinds
    for spec in layer_specs:
        layer_check = Checker(spec.file, problems, check.known_sources)
        layer_check.refused_sides = refused_sides
        area = WORLD if spec.role == "locator" else bounds
        found = _read_layer(files, layer_check, spec, area, sides, span)
        (locator if spec.role == "locator" else features).extend(found)
        refused.update(layer_check.refused)

    cross_check(problems, phases, [*features, *locator], layer_specs, refused)
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
        layers=tuple(spec for spec in layer_specs if spec.role != "locator"),
        sources=sources,
        features=tuple(features),
        attribution=attribution,
        root=root,
        digest=files.digest.hexdigest(),
        locator=tuple(locator),
        show_locator=show_locator is not False,
    )


def _read_bibliography(files: _Files, check: Checker, manifest: dict[str, Any]) -> dict[str, Source]:
    """The sources of the bibliography the manifest names; ``check`` is told their ids, that
    citations must be among, once the bibliography was read without a problem."""
    bib_name = check.file_name(manifest, "bibliography") or ""
    sources: dict[str, Source] = {}
    if bib_name:
        bib_text = files.read(bib_name)
        bib = parse_toml(bib_text, bib_name, files.problems) if bib_text is not None else None
        if bib is not None:
            sources = read_sources(Checker(bib_name, files.problems), bib)
    # Only check citations against a bibliography that was read; else every id would be noise.
    read = bib_name and not any(p.file == bib_name for p in files.problems)
    check.known_sources = set(sources) if read else None
    return sources


def _read_layer(
    files: _Files,
    check: Checker,
    spec: LayerSpec,
    bounds: Bounds | None,
    sides: dict[str, Side],
    span: tuple[date, date] | None,
) -> list[Feature]:
    """The features of the layer file ``spec`` names (none if it cannot be read or parsed)."""
    data = files.data(spec.file)
    collection = parse_json_data(data, spec.file, files.problems) if data is not None else None
    if collection is None:
        return []
    return read_features(check, collection, spec, bounds, sides, span)


def cross_check(
    problems: list[Problem],
    phases: list[Phase],
    features: list[Feature],
    layer_specs: list[LayerSpec],
    refused: dict[str, str | None] | None = None,
) -> None:
    """References between records and files: unique ids, units that exist, land out of the water.

    ``refused`` holds the ids of features refused for problems of their own, with their kinds
    (None when unread): a reference to one that may be a unit is not reported, since mending
    that feature mends it (one typo, one message)."""
    refused = refused or {}
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
        unit = feature.unit
        if unit in refused and unit not in feature_ids and refused[unit] in (None, "unit"):
            continue
        if unit and (unit not in feature_ids or feature_ids[unit].kind != "unit"):
            problems.append(
                Problem(
                    file_of[feature.layer], f"feature '{feature.id}'", "unit", shorten(unit), "the id of a unit feature"
                )
            )

    # land features in a river's water: on the map, not in the locator inset (a city there is
    # a point kilometres wide, and its rivers are lines that claim no width)
    inset = {spec.id for spec in layer_specs if spec.role == "locator"}
    problems.extend(wet_features([f for f in features if f.layer not in inset], file_of))
