from __future__ import annotations

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


def test_designation_is_escaped(mini) -> None:
    from dataclasses import replace

    unit = by_id(mini, "north-brigade")
    hostile = Bilingual("<img src=x onerror=alert(1)>", "<b>{{ 7*6 }}</b>")
    icon = units.build(replace(unit, designation=hostile), Context(mini, mini.phases[0])).icon
    assert "<img" not in icon.html and "&lt;img" in icon.html
    assert "<b>" not in icon.html and "{{ 7*6 }}" in icon.html


def test_designation_in_both_languages(mini) -> None:
    unit = by_id(mini, "north-brigade")
    html = units.build(unit, Context(mini, mini.phases[0])).icon.html
    assert f'<span lang="zh-Hans">{unit.designation.zh}</span>' in html
    assert f'<span lang="en">{unit.designation.en}</span>' in html


def test_figures_show_each_source(mini) -> None:
    record = units.build(by_id(mini, "north-brigade"), Context(mini, mini.phases[0])).record
    values = [value[0][1] for _, values in record["fg"] for value in values]
    assert "3,000" in values and "4,500" in values  # one value per source, never merged
    assert "General A" in record["c"]
