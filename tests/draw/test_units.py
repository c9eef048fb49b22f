from __future__ import annotations

from layers.contract import Record
from layers.data.model import Bilingual
from layers.draw import units
from layers.draw.drawable import Context

from .conftest import by_id


def test_friend_and_hostile_frames(mini) -> None:
    ctx = Context(mini, mini.phases[0])
    friend = units.build(by_id(mini, "north-brigade"), ctx)
    hostile = units.build(by_id(mini, "south-division"), ctx)
    assert friend.icon is not None and hostile.icon is not None
    assert "rgb(128,224,255)" in friend.icon.html  # APP-6D friend fill
    assert "rgb(255,128,128)" in hostile.icon.html  # APP-6D hostile fill
    assert friend.icon.width > 0 and friend.icon.height > 0


def test_the_designation_is_data_never_markup(mini) -> None:
    """A designation goes into the unit's record as plain text for the page to set with
    textContent; the symbol's markup holds none of it, escaped or not."""
    from dataclasses import replace

    unit = by_id(mini, "north-brigade")
    hostile = Bilingual("<img src=x onerror=alert(1)>", "<b>{{ 7*6 }}</b>")
    drawn = units.build(replace(unit, designation=hostile), Context(mini, mini.phases[0]))
    assert drawn.icon is not None
    assert "img" not in drawn.icon.html and "{{" not in drawn.icon.html and "7*6" not in drawn.icon.html
    assert drawn.record[Record.DESIGNATION] == [hostile.zh, hostile.en]


def test_units_of_one_code_share_one_symbol(mini) -> None:
    """However many units share a symbol code, the page carries its symbol once."""
    from dataclasses import replace

    unit = by_id(mini, "north-brigade")
    ctx = Context(mini, mini.phases[0])
    first = units.build(unit, ctx)
    other = units.build(replace(unit, id="north-brigade-2", designation=Bilingual("二旅", "2nd Bde")), ctx)
    assert first.icon == other.icon
    assert first.record[Record.DESIGNATION] != other.record[Record.DESIGNATION]


def test_designation_in_both_languages(mini) -> None:
    unit = by_id(mini, "north-brigade")
    record = units.build(unit, Context(mini, mini.phases[0])).record
    assert record[Record.DESIGNATION] == [unit.designation.zh, unit.designation.en]


def test_figures_show_each_source(mini) -> None:
    record = units.build(by_id(mini, "north-brigade"), Context(mini, mini.phases[0])).record
    values = [value[0][1] for _, values in record["fg"] for value in values]
    assert "3,000" in values and "4,500" in values  # one value per source, never merged
    assert "General A" in record["c"]


def test_an_icon_is_made_once_per_symbol(mini) -> None:
    """Units of one symbol code share one icon, equal to one made afresh from the symbol."""
    from layers import symbols

    sidc = next(f.sidc for f in mini.features if f.kind == "unit" and f.sidc)
    assert units.icon_for(sidc) is units.icon_for(sidc)
    fresh = units._icon.__wrapped__(*symbols.symbol_svg(sidc), units.min_zoom_for(sidc))
    assert units.icon_for(sidc) == fresh
