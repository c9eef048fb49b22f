from __future__ import annotations

from layers.draw import positions
from layers.draw.drawable import Context

from .conftest import by_id


def test_status_follows_the_phase(mini) -> None:
    mill = by_id(mini, "mill")
    morning, afternoon = mini.phases
    assert positions.build(mill, Context(mini, morning)).style.key == "position:north:contested"
    assert positions.build(mill, Context(mini, afternoon)).style.key == "position:north:lost"


def test_position_without_status_is_held(mini) -> None:
    ridge = by_id(mini, "ridge")
    drawn = positions.build(ridge, Context(mini, mini.phases[1]))
    assert drawn.style.key == "position:north:held"
    assert drawn.geometry["type"] == "Polygon"
    assert drawn.halo_m == 0  # areas carry their extent; only points get a halo


def test_point_worse_than_threshold_gets_a_halo(mini) -> None:
    drawn = positions.build(by_id(mini, "mill"), Context(mini, mini.phases[0]))
    assert drawn.halo_m == 400


def test_record_carries_status_history_with_sources(mini) -> None:
    mill = by_id(mini, "mill")
    record = positions.build(mill, Context(mini, mini.phases[0])).record
    start = mini.start
    assert [(start.toordinal() + day, status) for day, status, _, _ in record["st"]] == [
        (c.date.toordinal(), c.status) for c in mill.status
    ]
    assert {s for _, _, sources, _ in record["st"] for s in sources} == {"chronicle", "letters"}
    assert record["pr"] == 400 and record["src"] == list(mill.sources)


def test_lost_in_an_earlier_phase_is_ghosted() -> None:
    from datetime import date

    from layers.data.load import load_battle
    from layers.data.model import Phase

    from ..conftest import FIXTURE_BATTLE

    battle = load_battle(FIXTURE_BATTLE)
    mill = by_id(battle, "mill")  # lost on 2 May
    later = Phase("later", battle.phases[1].title, date(1805, 5, 3), date(1805, 5, 3), battle.phases[1].narrative, ())
    assert positions.build(mill, Context(battle, battle.phases[1])).style.key == "position:north:lost"
    assert positions.build(mill, Context(battle, later)).style.key == "position:north:ghost"
