"""The site's columns and each phase's items say what the model's and the drawing's rules say
(Feature.status_on, status_on_page, style_of, page_rank), for every feature and phase."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layers.contract import Default, Flag, Record
from layers.data.load import load_battle
from layers.data.model import STATUSES, Battle, Phase
from layers.draw import labels
from layers.draw.dispatch import style_of
from layers.draw.drawable import Context
from layers.page import assemble, story
from layers.page.columns import NO_STATUS, Changes, Items
from layers.page.elements import json_text
from layers.page.sitedata import SiteData, site_data

from ..conftest import FIXTURE_BATTLE, GEO
from .test_sitedata import _bench


def _listed(items: Items) -> list[list[int]]:
    """The items as the page reads them, made one by one."""
    out = []
    columns = (items.index.tolist(), items.style.tolist(), items.flags.tolist(), items.rank.tolist())
    for index, style, flags, rank in zip(*columns, strict=True):
        out.append([index, style, flags, rank] if rank >= 0 else [index, style, flags] if flags else [index, style])
    return out


def _expected(battle: Battle, site: SiteData, phase: Phase, changed: set[str]) -> tuple[list[list[int]], dict]:
    """A phase's items and ends, feature by feature, as the pages made them before columns."""
    ctx = Context(battle, phase)
    items, ends = [], {}
    for k, feature in enumerate(battle.features_in(phase)):
        index = site.index[feature.id]
        style = site.style_ids[style_of(feature, ctx)]
        flags = Flag.CHANGED if feature.id in changed else 0
        if feature.kind in ("unit", "line") and feature.end and feature.end < phase.end:
            flags |= Flag.ENDED
        if feature.kind == "movement":
            flags |= Flag.ACTION
        written = json.loads(site.entries[index]).get(Record.RANK)
        rank = labels.page_rank(feature, phase, bool(flags & Flag.CHANGED))
        if written is not None and rank != written:
            items.append([index, style, flags, rank])
        else:
            items.append([index, style, flags] if flags else [index, style])
        if feature.status:
            ends[str(k)] = feature.status_on(phase.end) or Default.STATUS
    return items, ends


@pytest.mark.parametrize("geo", [FIXTURE_BATTLE, GEO, "synthetic"], ids=["mini", "hengyang", "synthetic"])
def test_a_phase_s_items_and_changes_are_those_of_each_feature_s_rules(geo, tmp_path) -> None:
    battle = load_battle(_bench.synthetic(tmp_path / "geo", 600) if geo == "synthetic" else geo)
    base = Context(battle)
    phases = list(battle.phases)
    site = site_data(base, phases)
    told = 0
    for i, phase in enumerate(phases):
        previous = phases[i - 1] if i else None
        section = assemble._section(base, phase, previous, None, site)
        assert section["changes"] == story.changes(battle, phase, previous)
        assert [feature_id for feature_id, _ in section["events"]] == [f.id for f in story.events(battle, phase)]
        live = [f for f in battle.features_in(phase) if not f.lost_before(phase)]
        assert assemble._phase_features(battle, site, phase) == (list(battle.features_in(phase)), live)
        told += len(section["changes"])
        items, _ = assemble._items(base, phase, previous, site)
        expected, ends = _expected(battle, site, phase, {c.feature_id for c in section["changes"]})
        assert _listed(items) == expected, phase.id
        assert items.text() == json_text(expected)
        assert items.ends() == ends
        timing = [site.columns.timing[site.index[f.id]] for f in battle.features_in(phase)]
        assert items.timing.tolist() == timing
    assert told
    reference = assemble._reference_group(base, site).items
    ctx = Context(battle)
    assert _listed(reference) == [
        [site.index[f.id], site.style_ids[style_of(f, ctx)]] for f in battle.reference_features
    ]
    assert not reference.ends()


@pytest.mark.parametrize("geo", [FIXTURE_BATTLE, GEO], ids=["mini", "hengyang"])
def test_the_status_columns_are_each_feature_s_status_on_every_day(geo) -> None:
    battle = load_battle(geo)
    site = site_data(Context(battle), list(battle.phases))
    shown = [battle.by_id[feature_id] for feature_id in site.index]
    assert any(f.status for f in shown)
    for day in range((battle.end - battle.start).days + 3):
        date = battle.start + timedelta(days=day - 1)
        found = site.columns.changes.status_on(day - 1).tolist()
        assert found == [STATUSES.index(s) if (s := f.status_on(date)) else NO_STATUS for f in shown], date


_HISTORIES = st.lists(st.lists(st.tuples(st.integers(0, 9), st.integers(0, len(STATUSES) - 1)), max_size=4), max_size=8)


def _columns_of(histories: list[list[tuple[int, int]]]) -> Changes:
    ordered = [sorted(history, key=lambda change: change[0]) for history in histories]
    at = np.cumsum([0, *map(len, ordered)])
    flat = [change for history in ordered for change in history]
    return Changes(at, np.array([d for d, _ in flat], dtype=np.int64), np.array([s for _, s in flat], dtype=np.int64))


@given(_HISTORIES, st.integers(-1, 10), st.integers(0, 4))
def test_the_status_columns_take_the_last_change_of_each_history(histories, day, width) -> None:
    """Any histories (equal dates, none, every feature's empty): the status on a day is the
    last change on or before it, held before the first; a change between two days is seen."""
    changes = _columns_of(histories)
    for i, history in enumerate(sorted(h, key=lambda change: change[0]) for h in histories):
        before = [status for d, status in history if d <= day]
        expected = NO_STATUS if not history else before[-1] if before else STATUSES.index(Default.STATUS)
        assert changes.status_on(day)[i] == expected
        assert changes.between(day, day + width)[i] == any(day <= d <= day + width for d, _ in history)


_COLUMN = st.lists(st.integers(0, 10**6), min_size=30, max_size=30)


@given(st.integers(0, 30), _COLUMN, _COLUMN, st.lists(st.integers(0, 3), min_size=30, max_size=30), _COLUMN)
def test_items_written_from_columns_are_the_json_of_the_items(count, index, style, flags, rank) -> None:
    column = lambda values: np.array(values[:count], dtype=np.int64)  # noqa: E731
    ranks = np.where(column(rank) % 3 == 0, column(rank), -1)
    items = Items.of(column(index), column(style), column(flags), ranks, np.full(count, NO_STATUS), np.zeros(count))
    assert items.text() == json_text(_listed(items))


@pytest.mark.parametrize("geo", [FIXTURE_BATTLE, GEO, "synthetic"], ids=["mini", "hengyang", "synthetic"])
def test_the_site_shows_each_feature_as_drawn_on_its_first_phase(geo, tmp_path, monkeypatch) -> None:
    """The site's data holds the reference features and every feature of the phases built,
    in data order, each drawn as on the page of the first phase it is in."""
    from layers.page import sitedata

    battle = load_battle(_bench.synthetic(tmp_path / "geo", 600) if geo == "synthetic" else geo)
    phases = list(battle.phases)[1:]  # a site of some phases: a feature of the first alone is not shown
    drawn_on: dict[str, Phase | None] = {}
    real = sitedata.draw

    def recording(feature, ctx):
        drawn_on[feature.id] = ctx.phase
        return real(feature, ctx)

    monkeypatch.setattr(sitedata, "draw", recording)
    site = site_data(Context(battle), phases)
    first = {f.id: next((p for p in phases if f.in_phase(p)), None) for f in battle.features}
    shown = [f.id for f in battle.features if f.is_reference or first[f.id]]
    assert list(site.index) == list(drawn_on) == shown
    assert drawn_on == {feature_id: first[feature_id] for feature_id in shown}
    assert len(shown) < len(battle.features)


@pytest.mark.parametrize("geo", [FIXTURE_BATTLE, GEO, "synthetic"], ids=["mini", "hengyang", "synthetic"])
def test_the_date_texts_name_every_day_and_span_of_the_site(geo, tmp_path) -> None:
    """The site names the battle's days, each status change's day and each battle feature's
    span (made from the columns), as they are found feature by feature."""
    from layers.draw import records
    from layers.page import fragments
    from layers.page.story import day_index

    battle = load_battle(_bench.synthetic(tmp_path / "geo", 600) if geo == "synthetic" else geo)
    site = site_data(Context(battle), list(battle.phases)[1:])
    shown = [battle.by_id[feature_id] for feature_id in site.index]
    days = set(range(day_index(battle, battle.end) + 1)) | {day_index(battle, c.date) for f in shown for c in f.status}
    spans = {
        f"{day_index(battle, f.start)},{day_index(battle, f.end)}": records.pair(fragments.span_text(f.start, f.end))
        for f in shown
        if f.start and f.end
    }
    assert site.texts["spans"] == spans
    assert list(site.texts["days"]) == [str(d) for d in sorted(days)]
    for d in days:
        assert site.texts["days"][str(d)] == records.pair(fragments.day_text(battle.start + timedelta(days=d)))
