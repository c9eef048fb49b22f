"""Several phases shown at once read as one summary map (bm-layers.js, synopsis): each feature
drawn once, by the latest shown phase that has it; what only earlier shown phases have is
faded, except their arrows; the text version lists each feature once, as it stood last."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ALL_DETAILS, OfflinePage

pytestmark = pytest.mark.browser

#: Every battle feature the shown phase groups have on the map now (decorations aside): its
#: group, id, whether it is drawn faded by the synopsis, and whether it is a unit symbol.
DRAWN = """() => {
  const bm = window.battleMap, map = bm.map, out = [];
  Object.keys(bm.groups).forEach(gid => {
    const group = bm.groups[gid];
    if (gid === BM.G.REFERENCE || !map.hasLayer(group)) return;
    group.eachLayer(layer => {
      if (layer.isDecor || !map.hasLayer(layer)) return;
      out.push([gid, layer.featureId, !!layer.dimmed, layer instanceof BM.units.UnitMark]);
    });
  });
  return out;
}"""

#: How many decorations (rings of what changed) the shown phase groups have on the map; a
#: hill's relief, the ground under it, is no ring.
RINGS = """() => {
  const bm = window.battleMap, map = bm.map;
  let rings = 0;
  Object.keys(bm.groups).forEach(gid => {
    if (!map.hasLayer(bm.groups[gid])) return;
    bm.groups[gid].eachLayer(layer => {
      if (layer.isDecor && !layer.isHalo && !layer.isRelief && map.hasLayer(layer)) rings++;
    });
  });
  return rings;
}"""

#: The hills' reliefs the shown phase groups draw: the feature of each.
RELIEFS = """() => {
  const bm = window.battleMap, map = bm.map, out = [];
  Object.keys(bm.groups).forEach(gid => {
    if (gid === BM.G.REFERENCE || !map.hasLayer(bm.groups[gid])) return;
    bm.groups[gid].eachLayer(layer => { if (layer.isRelief && map.hasLayer(layer)) out.push(layer.reliefOf); });
  });
  return out.sort();
}"""


def _atlas(page: OfflinePage, site: Path):
    tab = page.open(site / "index.html")
    tab.wait_for_function("+(window.battleMap.map.getContainer().getAttribute('data-labels') || 0) >= 1")
    return tab


def _by_id(battle) -> dict:
    return {f.id: f for f in battle.features}


def _phases_of(battle) -> dict[str, list[str]]:
    """Each battle feature's phases (ids, in the story's order)."""
    out: dict[str, list[str]] = {}
    for phase in battle.phases:
        for feature in battle.features:
            if not feature.is_reference and feature.in_phase(phase):
                out.setdefault(feature.id, []).append(phase.id)
    return out


def test_every_phase_shown_draws_each_feature_once(browser, battle, site: Path) -> None:
    page = OfflinePage(browser)
    try:
        tab = _atlas(page, site)
        tab.evaluate("window.battleMap.selectPhase('all', {animate: false})")
        drawn = tab.evaluate(DRAWN)
        phases = _phases_of(battle)
        counts = Counter(feature for _, feature, _, _ in drawn)
        assert counts, "nothing drawn"
        assert [f for f, n in counts.items() if n > 1] == []
        # every feature of every phase is there, each by the latest phase that has it
        assert set(counts) == set(phases)
        last = battle.phases[-1].id
        for gid, feature, dimmed, _ in drawn:
            assert gid == phases[feature][-1], feature
            kind = _by_id(battle)[feature].kind
            assert dimmed == (gid != last and kind != "movement"), (feature, gid)
        # units: at most one symbol each, and no more than the battle has unit features in its phases
        units = [feature for _, feature, _, unit in drawn if unit]
        assert len(units) == len(set(units)) == sum(_by_id(battle)[f].kind == "unit" for f in phases)
        assert tab.evaluate(RINGS) == 0  # the rings of what changed belong to one phase's page
        # the ground stays: each hill area's relief drawn once, by the phase that draws the hill
        areas = sorted(f for f in phases if _by_id(battle)[f].is_hill_area)
        assert areas and tab.evaluate(RELIEFS) == areas
        assert page.errors == []
    finally:
        page.close()


def test_one_phase_again_draws_as_its_page(browser, battle, site: Path) -> None:
    """Back from every phase to one: all its features at full strength, its rings back."""
    page = OfflinePage(browser)
    try:
        tab = _atlas(page, site)
        phase = next(p for p in battle.phases[1:-1] if any(f.in_phase(p) and f.kind == "unit" for f in battle.features))
        tab.evaluate(f"window.battleMap.selectPhase({phase.id!r}, {{animate: false}})")
        alone = sorted(tab.evaluate(DRAWN))
        rings = tab.evaluate(RINGS)
        tab.evaluate("window.battleMap.selectPhase('all', {animate: false})")
        tab.evaluate(f"window.battleMap.selectPhase({phase.id!r}, {{animate: false}})")
        assert sorted(tab.evaluate(DRAWN)) == alone
        assert all(not dimmed for _, _, dimmed, _ in alone)
        assert tab.evaluate(RINGS) == rings
        assert page.errors == []
    finally:
        page.close()


def test_phases_ticked_in_the_layer_control_make_one_map(browser, battle, site: Path) -> None:
    """Two phases ticked by hand (the card's "toggling phase layers"): the later one draws what
    both have, the earlier one only what it alone has, faded."""
    page = OfflinePage(browser)
    try:
        tab = _atlas(page, site)
        first, second = battle.phases[2].id, battle.phases[3].id
        tab.evaluate(f"window.battleMap.selectPhase({second!r}, {{animate: false}})")
        tab.evaluate(
            f"""() => {{
          const labels = [...document.querySelectorAll('.leaflet-control-layers-overlays label')];
          const index = Object.keys(window.battleMap.groups).indexOf({first!r});
          window.bmSynopsisMade = false;
          const synopsis = BM.layers.synopsis;
          BM.layers.synopsis = function () {{
            BM.layers.synopsis = synopsis;
            const out = synopsis.apply(this, arguments);
            window.bmSynopsisMade = true;
            return out;
          }};
          labels[index].querySelector('input').click();
        }}"""
        )
        tab.wait_for_function("window.bmSynopsisMade")  # (made once the ticking is done: a microtask)
        drawn = tab.evaluate(DRAWN)
        phases = _phases_of(battle)
        assert {gid for gid, *_ in drawn} == {first, second}
        counts = Counter(feature for _, feature, _, _ in drawn)
        assert [f for f, n in counts.items() if n > 1] == []
        for gid, feature, dimmed, _ in drawn:
            assert gid == (second if second in phases[feature] else first), feature
            assert dimmed == (gid == first and _by_id(battle)[feature].kind != "movement"), feature
        assert page.errors == []
    finally:
        page.close()


def test_the_text_version_of_every_phase_lists_each_feature_once_as_it_stood_last(browser, battle, site: Path) -> None:
    page = OfflinePage(browser)
    try:
        tab = _atlas(page, site)
        tab.evaluate("window.battleMap.selectPhase('all', {animate: false})")
        tab.evaluate(ALL_DETAILS)
        tab.evaluate("document.querySelector(\"section[data-phase='all'] details.bm-twin\").open = true")
        tab.wait_for_function("document.querySelectorAll(\"tbody[data-phase='all'] tr\").length > 0")
        rows = tab.evaluate(
            """() => [...document.querySelectorAll("tbody[data-phase='all'] tr")].map(tr =>
              [tr.getAttribute('data-feature'), tr.children[4].querySelector('[lang=en]')?.textContent || '—'])"""
        )
        ids = [feature for feature, _ in rows]
        phases = _phases_of(battle)
        assert len(ids) == len(set(ids)) == len(phases)
        labels = {"held": "held", "contested": "contested", "lost": "lost"}
        for feature, status in rows:
            f = _by_id(battle)[feature]
            if not f.status:
                continue
            last_day = next(p for p in battle.phases if p.id == phases[feature][-1]).end
            expected = "held"
            for change in f.status:
                if change.date <= last_day:
                    expected = change.status
            assert labels.get(expected, expected) in status.lower(), (feature, status)
        assert page.errors == []
    finally:
        page.close()
