"""KML / KMZ for Google Earth: a Folder per layer, styles that match the web map, a TimeSpan on
every dated feature (a position gets one Placemark per status period) so the time slider plays
the battle, HTML-escaped descriptions with their sources, and every movement drawn as the web
map's arrow (its centre line and the arrow's outline, head at the end), so Google Earth shows
which way each went.

Icons: a plain ``.kml`` names one icon file, ``icons/dot.png``, written beside it
(:func:`kml_files`); the KMZ holds it, and each unit's symbol (rendered by the system Chromium,
so their bytes depend on its build)."""

import html
import io
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from shapely.geometry import LineString

from ..contract import Default
from ..data.model import Battle, Feature
from ..draw.movements import arrow_polygon
from ..draw.style import Style, gis_style
from .attributes import status_periods
from .chromium import PAGE_TIMEOUT_MS
from .geojson import wound

KML_NS = "http://www.opengis.net/kml/2.2"
#: The one icon file a plain .kml names (points are this dot, tinted by their style's colour).
DOT_ICON = "icons/dot.png"
#: A polygon's fill where the web map's style names none: Leaflet's default, the line colour faint.
DEFAULT_FILL_OPACITY = 0.2
#: A hill's relief, hatched on the web map, is filled with this share of its fill's opacity.
RELIEF_TINT = 0.4


def _kml_color(hex_color: str, opacity: float) -> str:
    """KML writes colours as aabbggrr."""
    value = hex_color.lstrip("#")
    red, green, blue = value[0:2], value[2:4], value[4:6]
    return f"{round(max(0.0, min(1.0, opacity)) * 255):02x}{blue}{green}{red}".lower()


def _style_id(style: Style) -> str:
    return "s-" + "".join(c if c.isalnum() else "-" for c in style.key)


def _kml_style(style: Style, icon: str | None) -> ET.Element:
    """The KML Style of ``style``: an icon (``icon``, else the tinted dot) for point styles, and
    for every style the line and fill that a line or polygon drawn with it takes (a position may
    be an area; a movement is drawn as its arrow's outline)."""
    o = style.as_dict()
    element = ET.Element("Style", id=_style_id(style))
    color = str(o.get("color", "#555555"))
    if style.shape in ("point", "symbol"):
        icon_style = ET.SubElement(element, "IconStyle")
        fill = str(o.get("fillColor", color))
        if icon is None or style.shape == "point":
            ET.SubElement(icon_style, "color").text = _kml_color(fill, float(str(o.get("fillOpacity", 1.0))))
        ET.SubElement(icon_style, "scale").text = "1.1" if style.shape == "symbol" else "0.6"
        ET.SubElement(ET.SubElement(icon_style, "Icon"), "href").text = icon or DOT_ICON
        ET.SubElement(ET.SubElement(element, "LabelStyle"), "scale").text = "0.8"
    line = ET.SubElement(element, "LineStyle")
    ET.SubElement(line, "color").text = _kml_color(color, float(str(o.get("opacity", 1.0))))
    ET.SubElement(line, "width").text = f"{float(str(o.get('weight', 2))):g}"
    poly = ET.SubElement(element, "PolyStyle")
    if o.get("fill", True) is not False:
        opacity = float(str(o.get("fillOpacity", DEFAULT_FILL_OPACITY)))
        if style.shape == "relief":  # a hill's hatching, which KML cannot draw: its faint tint
            opacity *= RELIEF_TINT
        ET.SubElement(poly, "color").text = _kml_color(str(o.get("fillColor", color)), opacity)
    else:
        ET.SubElement(poly, "fill").text = "0"
    return element


def _coords(points: Iterable[Any]) -> str:
    return " ".join(f"{p[0]:.7g},{p[1]:.7g}" for p in points)


def _arrow(feature: Feature) -> ET.Element:
    """A movement as the web map draws it: its centre line, and the arrow's outline whose head
    holds the line's end (:func:`layers.draw.movements.arrow_polygon`), so the way it went shows."""
    arrow = ET.Element("MultiGeometry")
    arrow.append(_kml_geometry(feature.geojson))
    if isinstance(feature.geometry, LineString):  # the loader allows movements no other geometry
        outline = arrow_polygon(feature.geometry)
        rings = [outline.exterior.coords, *(hole.coords for hole in outline.interiors)]
        arrow.append(_kml_geometry({"type": "Polygon", "coordinates": rings}))
    return arrow


def _kml_geometry(geometry: dict[str, Any]) -> ET.Element:
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        point = ET.Element("Point")
        ET.SubElement(point, "coordinates").text = _coords([coords])
        return point
    if kind == "LineString":
        line = ET.Element("LineString")
        ET.SubElement(line, "tessellate").text = "1"
        ET.SubElement(line, "coordinates").text = _coords(coords)
        return line
    if kind == "Polygon":
        polygon = ET.Element("Polygon")
        for i, ring in enumerate(coords):
            boundary = ET.SubElement(polygon, "outerBoundaryIs" if i == 0 else "innerBoundaryIs")
            ring_element = ET.SubElement(boundary, "LinearRing")
            ET.SubElement(ring_element, "coordinates").text = _coords(wound(ring, i == 0))  # outer: counter-clockwise
        return polygon
    multi = ET.Element("MultiGeometry")
    single = kind.removeprefix("Multi")
    for part in coords:
        multi.append(_kml_geometry({"type": single, "coordinates": part}))
    return multi


def _description(battle: Battle, feature: Feature) -> str:
    """The placemark's balloon as HTML whose every text is escaped: data stays text."""
    parts = [
        f"<p>{html.escape(feature.description.zh)}</p>",
        f"<p>{html.escape(feature.description.en)}</p>",
    ]
    if feature.start and feature.end:
        parts.append(f"<p>{feature.start.isoformat()} – {feature.end.isoformat()}</p>")
    for change in feature.status:
        parts.append(f"<p>{change.date.isoformat()}: {html.escape(change.status)}</p>")
    for claim in feature.claims:
        cited = ", ".join(claim.sources)
        parts.append(f"<p>{html.escape(claim.field)}: {html.escape(claim.value)} [{html.escape(cited)}]</p>")
        if claim.note:
            parts.append(f"<p>{html.escape(claim.note.zh)} / {html.escape(claim.note.en)}</p>")
    for figure in feature.figures:
        values = "; ".join(
            f"{html.escape(v.value.zh)} / {html.escape(v.value.en)} [{html.escape(', '.join(v.sources))}]"
            for v in figure.values
        )
        parts.append(f"<p>{html.escape(figure.label.zh)} / {html.escape(figure.label.en)}: {values}</p>")
    parts.append(f"<p>±{round(feature.precision_m)} m, {html.escape(feature.certainty)}</p>")
    if feature.extent:  # a hill drawn as an area: where its outline and its summit come from
        parts.append(f"<p>extent / 范围: [{html.escape(', '.join(feature.extent))}]</p>")
        if feature.summit:
            lon, lat = feature.summit.point
            cited = html.escape(", ".join(feature.summit.sources))
            parts.append(f"<p>summit / 山顶: {lon:.6g}, {lat:.6g} [{cited}]</p>")
        else:
            parts.append("<p>summit not recorded / 山顶未有记载</p>")
    cited = "".join(
        f"<li>{html.escape(battle.sources[s].title)} ({html.escape(battle.sources[s].tier)})</li>"
        for s in sorted(feature.cited_sources())
    )
    parts.append(f"<ul>{cited}</ul>")
    return "".join(parts)


def kml(battle: Battle, provenance: str, icons: dict[str, str] | None = None) -> bytes:
    """The battle as KML: a Folder per layer, matching styles, a TimeSpan on every dated
    feature (positions: one Placemark per status period). ``icons`` maps a SIDC to the path
    of its icon inside a KMZ; without it units show as coloured dots."""
    ET.register_namespace("", KML_NS)
    root = ET.Element("kml", xmlns=KML_NS)
    document = ET.SubElement(root, "Document")
    ET.SubElement(document, "name").text = f"{battle.title.zh} / {battle.title.en}"
    ET.SubElement(document, "description").text = html.escape(provenance)
    styles: dict[str, ET.Element] = {}

    def use(feature: Feature, status: str | None) -> str:
        style = gis_style(battle, feature, status)
        sidc = feature.sidc or ""
        icon = (icons or {}).get(sidc) if feature.kind == "unit" else None
        key = _style_id(style) + (f"-{sidc}" if icon else "")
        if key not in styles:
            element = _kml_style(style, icon)
            element.set("id", key)
            styles[key] = element
        return key

    folders = []
    for spec in battle.layers:
        folder = ET.Element("Folder")
        ET.SubElement(folder, "name").text = f"{spec.title.zh} / {spec.title.en}"
        for feature in (f for f in battle.features if f.layer == spec.id):
            periods = status_periods(feature) if feature.status else []
            spans: Sequence[tuple[date | None, date | None, str | None]]
            spans = periods or [(feature.start, feature.end, None)]  # no status: one span
            for start, end, status in spans:
                # an XML id is a name (no leading digit, as a feature id may have): prefixed
                placemark = ET.SubElement(folder, "Placemark", id="f-" + feature.id + (f"-{start}" if periods else ""))
                label = feature.map_label
                ET.SubElement(placemark, "name").text = f"{label.zh} / {label.en}"
                ET.SubElement(placemark, "description").text = _description(battle, feature)
                if start and end:
                    span = ET.SubElement(placemark, "TimeSpan")
                    ET.SubElement(span, "begin").text = start.isoformat()
                    ET.SubElement(span, "end").text = (end + timedelta(days=1)).isoformat()  # KML's end: next day
                ET.SubElement(placemark, "styleUrl").text = "#" + use(
                    feature, status or (Default.STATUS if feature.kind == "position" else None)
                )
                data = ET.SubElement(placemark, "ExtendedData")
                for name, value in (("id", feature.id), ("kind", feature.kind), ("status", status or "")):
                    item = ET.SubElement(data, "Data", name=name)
                    ET.SubElement(item, "value").text = value
                placemark.append(_arrow(feature) if feature.kind == "movement" else _kml_geometry(feature.geojson))
        folders.append(folder)
    for key in sorted(styles):
        document.append(styles[key])
    for folder in folders:
        document.append(folder)
    ET.indent(root, space=" ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def kml_files(battle: Battle, provenance: str, name: str) -> dict[str, bytes]:
    """The plain KML as ``name``, with the one icon file it names beside it (:data:`DOT_ICON`)."""
    return {name: kml(battle, provenance), DOT_ICON: dot_png()}


def _png(width: int, height: int, pixel: Callable[[int, int], tuple[int, int, int, int]]) -> bytes:
    """A small RGBA PNG, written by hand (no imaging library needed)."""
    raw = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def dot_png() -> bytes:
    """A white disc with a dark rim: Google Earth tints it with the style's colour."""

    def pixel(x: int, y: int) -> tuple[int, int, int, int]:
        d = ((x - 15.5) ** 2 + (y - 15.5) ** 2) ** 0.5
        if d <= 12:
            return (255, 255, 255, 255)
        if d <= 14.5:
            return (40, 40, 40, 255)
        return (0, 0, 0, 0)

    return _png(32, 32, pixel)


def unit_icons(battle: Battle, browser: Any) -> dict[str, bytes]:
    """Each unit's APP-6D symbol as a PNG, rendered from its SVG by ``browser`` (Chromium)."""
    from .. import symbols

    sidcs = sorted({f.sidc for f in battle.features if f.kind == "unit" and f.sidc})
    out: dict[str, bytes] = {}
    context = browser.new_context(device_scale_factor=2)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.route("**/*", lambda route: route.abort())
    try:
        page = context.new_page()
        for sidc in sidcs:
            svg = symbols.symbol_svg(sidc)[0]
            page.set_content(
                f'<html><body style="margin:0;background:transparent"><div id="s">{svg}</div></body></html>'
            )
            out[sidc] = page.locator("#s svg").screenshot(omit_background=True)
    finally:
        context.close()
    return out


def kmz(battle: Battle, provenance: str, icons: dict[str, bytes]) -> bytes:
    """The KML zipped with its icons (a fixed date on every entry, in sorted order)."""
    paths = {sidc: f"icons/{sidc}.png" for sidc in icons}
    files = {"doc.kml": kml(battle, provenance, paths), DOT_ICON: dot_png()}
    files.update({paths[sidc]: content for sidc, content in icons.items()})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files, key=lambda n: (n != "doc.kml", n)):  # doc.kml first, as Google Earth wants
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()
