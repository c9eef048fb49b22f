"""The web map's styles as QGIS QML, so that a GeoPackage opens in QGIS looking like the map.

One categorized renderer per table on the ``style`` field (the style registry's key), or on
``sidc`` for units (each symbol embedded as SVG); labels from the short label or the name;
and, for battle layers, a temporal setting on the ``start``/``end`` Date fields so QGIS's
Temporal Controller plays the battle.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

from .. import symbols
from ..draw.style import LeafletValue, Style

#: Leaflet draws in screen pixels, QGIS in millimetres: one CSS pixel is 0.2646 mm.
MM_PER_PX = 0.2646


def _rgba(hex_color: object, opacity: object = 1.0) -> str:
    value = str(hex_color).lstrip("#")
    if len(value) != 6:
        value = "555555"
    alpha = round(max(0.0, min(1.0, float(str(opacity)))) * 255)
    return f"{int(value[0:2], 16)},{int(value[2:4], 16)},{int(value[4:6], 16)},{alpha}"


def _options(layer: ET.Element, values: dict[str, str]) -> None:
    holder = ET.SubElement(layer, "Option", type="Map")
    for name, value in values.items():
        ET.SubElement(holder, "Option", name=name, type="QString", value=value)


def _dash(style: dict[str, LeafletValue]) -> dict[str, str]:
    dash = style.get("dashArray")
    if not dash:
        return {"line_style": "solid", "use_custom_dash": "0"}
    return {
        "line_style": "dash",
        "use_custom_dash": "1",
        "customdash": ";".join(str(dash).replace(",", " ").split()),
        "customdash_unit": "Pixel",
    }


def _symbol(style: Style, name: str, family: str) -> ET.Element:
    """The QGIS symbol for ``style`` on a table of ``family`` geometries (point, line, polygon)."""
    o = style.as_dict()
    color, weight = o.get("color", "#555555"), float(str(o.get("weight", 1)))
    if family == "point":
        symbol = ET.Element("symbol", type="marker", name=name, alpha="1", clip_to_extent="1", force_rhr="0")
        layer = ET.SubElement(symbol, "layer", {"class": "SimpleMarker", "enabled": "1", "pass": "0", "locked": "0"})
        _options(
            layer,
            {
                "name": "circle",
                "color": _rgba(o.get("fillColor", color), o.get("fillOpacity", 1.0)),
                "outline_color": _rgba(color, o.get("opacity", 1.0)),
                "outline_width": f"{weight * MM_PER_PX:.3f}",
                "size": f"{2 * float(str(o.get('radius', 4))) * MM_PER_PX:.3f}",
                "outline_style": "dash" if o.get("dashArray") else "solid",
            },
        )
        return symbol
    if family == "line":
        if style.key.startswith("river:water"):  # water drawn at its width on the web map: a broad line here
            weight = 12.0
        symbol = ET.Element("symbol", type="line", name=name, alpha="1", clip_to_extent="1", force_rhr="0")
        layer = ET.SubElement(symbol, "layer", {"class": "SimpleLine", "enabled": "1", "pass": "0", "locked": "0"})
        _options(
            layer,
            {
                "line_color": _rgba(color, o.get("opacity", 1.0)),
                "line_width": f"{weight * MM_PER_PX:.3f}",
                "capstyle": "round",
                "joinstyle": "round",
                **_dash(o),
            },
        )
        return symbol
    symbol = ET.Element("symbol", type="fill", name=name, alpha="1", clip_to_extent="1", force_rhr="0")
    layer = ET.SubElement(symbol, "layer", {"class": "SimpleFill", "enabled": "1", "pass": "0", "locked": "0"})
    fill = o.get("fillColor", color)
    _options(
        layer,
        {
            "color": _rgba(fill, o.get("fillOpacity", 0.2) if o.get("fill", True) is not False else 0),
            "outline_color": _rgba(color, o.get("opacity", 1.0)),
            "outline_width": f"{weight * MM_PER_PX:.3f}",
            "style": "f_diagonal" if style.shape == "relief" else "solid",  # a hill's relief: hatched
            "outline_style": "dash" if o.get("dashArray") else "solid",
        },
    )
    return symbol


def _unit_symbol(sidc: str, name: str) -> ET.Element:
    svg, width, height, _, _ = symbols.symbol_svg(sidc)
    symbol = ET.Element("symbol", type="marker", name=name, alpha="1", clip_to_extent="1", force_rhr="0")
    layer = ET.SubElement(symbol, "layer", {"class": "SvgMarker", "enabled": "1", "pass": "0", "locked": "0"})
    _options(
        layer,
        {
            "name": "base64:" + base64.b64encode(svg.encode("utf-8")).decode("ascii"),
            "size": f"{max(width, height) * MM_PER_PX:.3f}",
            "size_unit": "MM",
        },
    )
    return symbol


def _labeling(root: ET.Element) -> None:
    labeling = ET.SubElement(root, "labeling", type="simple")
    settings = ET.SubElement(labeling, "settings", calloutType="simple")
    text = ET.SubElement(
        settings,
        "text-style",
        fieldName='coalesce("label_zh", "name_zh") || \'\\n\' || coalesce("label_en", "name_en")',
        isExpression="1",
        fontSize="8",
        fontFamily="Noto Sans CJK SC",
        textColor="43,38,32,255",
        multilineHeight="1",
    )
    ET.SubElement(text, "text-buffer", bufferDraw="1", bufferSize="0.8", bufferColor="251,248,240,255")
    ET.SubElement(settings, "placement", placement="6", dist="1")  # around the point, avoiding overlaps
    ET.SubElement(settings, "rendering", obstacle="1", displayAll="0")


def qml_for(styles: list[Style], sidcs: list[str], temporal: bool, family: str) -> str:
    """The QML of one table: a category per style (units: per symbol code in ``sidcs``)."""
    root = ET.Element(
        "qgis",
        version="3.28.0",
        styleCategories="AllStyleCategories",
        labelsEnabled="1",
        hasScaleBasedVisibilityFlag="0",
    )
    if temporal:
        temporal_element = ET.SubElement(
            root,
            "temporal",
            enabled="1",
            mode="2",  # start and end from fields
            startField="start",
            endField="end",
            accumulate="0",
            limitMode="1",  # the end day is included
            durationUnit="d",
            fixedDuration="0",
            durationField="",
            startExpression="",
            endExpression="",
        )
        ET.SubElement(temporal_element, "fixedRange").extend([ET.Element("start"), ET.Element("end")])
    renderer = ET.SubElement(
        root,
        "renderer-v2",
        type="categorizedSymbol",
        attr="style",
        symbollevels="0",
        enableorderby="0",
        forceraster="0",
    )
    categories, symbols = ET.SubElement(renderer, "categories"), ET.SubElement(renderer, "symbols")
    entries: list[tuple[str, str, ET.Element]] = []
    for style in styles:
        label = f"{style.label.zh} / {style.label.en}"
        if style.shape == "symbol":  # units: one category per symbol code, drawn as its APP-6D SVG
            entries += [(f"{style.key}:{sidc}", f"{label} {sidc}", _unit_symbol(sidc, "")) for sidc in sidcs]
        else:
            entries.append((style.key, label, _symbol(style, "", family)))
    for i, (value, label, symbol) in enumerate(entries):
        ET.SubElement(categories, "category", symbol=str(i), value=value, label=label, render="true")
        symbol.set("name", str(i))
        symbols.append(symbol)
    _labeling(root)
    ET.indent(root, space=" ")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode") + "\n"
