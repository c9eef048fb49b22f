"""Story and time: phase stepping, links to phases, the day slider, changes, phones."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from layers.draw.style import STATUS_LABELS
from layers.page import story

from ..conftest import OfflinePage
from .test_cull import CULL_ALL

pytestmark = pytest.mark.browser

VISIBLE_SECTION = "document.querySelector('.bm-section:not([hidden])').getAttribute('data-phase')"
SHOWN_GROUPS = """() => Object.keys(window.battleMap.groups)
  .filter(id => id !== 'reference' && window.battleMap.map.hasLayer(window.battleMap.groups[id]))"""
#: Whether the phase groups shown are these (a step shows the phase it reaches when the camera
#: arrives).
SHOWN_ARE = """(want) => {
  const bm = window.battleMap;
  const shown = Object.keys(bm.groups).filter(id => id !== 'reference' && bm.map.hasLayer(bm.groups[id]));
  return shown.sort().join() === want.slice().sort().join();
}"""
DAY_FEATURES = """() => {
  const layer = window.battleMap.state.dayLayer;
  return layer ? layer.getLayers().filter(l => !l.isDecor).map(l => l.featureId).sort() : null;
}"""


def test_arrow_keys_step_phases_and_the_panel_follows(offline, battle, site: Path) -> None:
    tab = offline.open(site / "index.html")
    ids = [p.id for p in battle.phases]
    assert tab.evaluate(VISIBLE_SECTION) == ids[0]
    assert tab.evaluate(SHOWN_GROUPS) == [ids[0]]
    for expected in ids[1:]:
        tab.keyboard.press("ArrowRight")
        assert tab.evaluate(VISIBLE_SECTION) == expected
        # the phase left is hidden at once, the one reached (of Hengyang's size) shown at once
        assert tab.evaluate(SHOWN_GROUPS) == [expected]
        tab.wait_for_function(SHOWN_ARE, arg=[expected])
        assert tab.evaluate("location.hash") == f"#{expected}"
    tab.keyboard.press("ArrowRight")  # past the last phase: stays
    assert tab.evaluate(VISIBLE_SECTION) == ids[-1]
    tab.keyboard.press("ArrowLeft")
    assert tab.evaluate(VISIBLE_SECTION) == ids[-2]
    tab.go_back()  # the browser's back button steps back too
    tab.wait_for_function(f"location.hash === '#{ids[-1]}'")
    assert tab.evaluate(VISIBLE_SECTION) == ids[-1]
    tab.click(".bm-all")
    tab.wait_for_function(SHOWN_ARE, arg=ids)
    assert offline.errors == []


def test_link_opens_the_phase(offline, battle, site: Path) -> None:
    phase = battle.phases[2]
    offline.page.goto((site / "index.html").resolve().as_uri() + f"#{phase.id}")
    tab = offline.page
    tab.wait_for_function("window.battleMap !== undefined")
    assert tab.evaluate(VISIBLE_SECTION) == phase.id
    assert tab.evaluate(SHOWN_GROUPS) == [phase.id]
    day = int(tab.input_value(".bm-day"))
    assert day == story.day_index(battle, phase.end)  # the slider sits in the phase
    assert offline.errors == []


def test_slider_shows_the_state_of_the_day(offline, battle, site: Path) -> None:
    tab = offline.open(site / "index.html")
    for offset in (0, 6, 20, (battle.end - battle.start).days):
        day = battle.start + timedelta(days=offset)
        tab.fill(".bm-day", str(offset))
        expected = sorted(f.id for f in battle.features if f.start and f.start <= day <= f.end)
        assert tab.evaluate(DAY_FEATURES) == expected, day
        assert tab.evaluate(SHOWN_GROUPS) == []  # the phase layers give way to the day's state
        owner = next((p for p in battle.phases if p.start <= day <= p.end), None)
        if owner:
            assert tab.evaluate(VISIBLE_SECTION) == owner.id  # the slider selects the phase
        statuses = tab.evaluate("""() => window.battleMap.state.dayLayer.getLayers()
          .filter(l => !l.isDecor && l.options.fillColor !== undefined)
          .map(l => [l.featureId, l.options.fillColor, l.options.dashArray || null])""")
        for feature_id, fill, dash in statuses:
            feature = next(f for f in battle.features if f.id == feature_id)
            if feature.kind == "position":
                from layers.draw.style import style_for

                want = style_for(battle, feature, feature.status_on(day) or "held").as_dict()
                assert (fill, dash) == (want["fillColor"], want.get("dashArray")), (feature_id, day)
    assert offline.errors == []


def test_changes_since_the_previous_phase(offline, battle, site: Path) -> None:
    tab = offline.open(site / "index.html")
    for i, phase in enumerate(battle.phases):
        previous = battle.phases[i - 1] if i else None
        changes = story.changes(battle, phase, previous)
        expected = sorted({c.feature_id for c in changes})
        on_map = {f.id for f in battle.features_in(phase)}
        tab.evaluate("(id) => window.battleMap.selectPhase(id)", phase.id)
        rings = tab.evaluate(
            """(id) => {
          const group = window.battleMap.groups[id];
          const layers = group.getLayers();
          const out = [];
          layers.forEach((l, i) => {
            if (l.isDecor && l.options.color === '#e08a00') out.push(layers[i + 1].featureId);
          });
          return out.sort();
        }""",
            phase.id,
        )
        assert rings == sorted(set(expected) & on_map), phase.id  # a line given up is named, not drawn
        named = tab.locator(f".bm-section[data-phase='{phase.id}'] .bm-changes .bm-goto").evaluate_all(
            "els => els.map(e => e.getAttribute('data-feature')).sort()"
        )
        assert named == expected, phase.id


def test_a_long_story_list_shows_a_page_and_then_more(offline, battle, site: Path) -> None:
    """A list longer than a page shows a page of it and a button naming how many are left; the
    button shows the rest (here a page of 2, the next page larger than what is left) and hands
    the keyboard focus to the first new entry."""
    offline.context.add_init_script("window.BM_OPTIONS = {listPage: 2};")
    told = [(p, story.changes(battle, p, battle.phases[i - 1] if i else None)) for i, p in enumerate(battle.phases)]
    phase, changes = next((p, c) for p, c in told if len(c) > 2)
    tab = offline.open(site / "index.html")
    tab.evaluate("(id) => window.battleMap.selectPhase(id)", phase.id)
    listed = f".bm-section[data-phase='{phase.id}'] .bm-changes"
    assert tab.locator(f"{listed} > li .bm-goto").count() == 2
    more = tab.locator(f"{listed} .bm-more")
    assert more.inner_text().endswith(f"({len(changes) - 2})")
    assert "显示更多" in more.inner_text() or "Show more" in more.inner_text()
    more.click()
    assert tab.locator(f"{listed} > li .bm-goto").count() == len(changes)
    assert tab.locator(f"{listed} .bm-more").count() == 0
    focused = tab.evaluate("document.activeElement.getAttribute('data-feature')")
    assert focused == changes[2].feature_id
    assert offline.errors == []


def test_event_list_zooms_to_the_event(offline, battle, site: Path) -> None:
    phase = next(p for p in battle.phases if story.events(battle, p))
    tab = offline.open(site / f"{phase.id}.html")
    event = story.events(battle, phase)[0]
    tab.click(f".bm-section .bm-events .bm-goto[data-feature='{event.id}']")
    content = tab.locator(".leaflet-popup-content").inner_text()
    assert event.name.zh in content
    assert offline.errors == []


def test_text_version_is_a_table_reachable_by_keyboard(offline, battle, site: Path) -> None:
    phase = battle.phases[0]
    tab = offline.open(site / f"{phase.id}.html")
    tab.click(".bm-lang button[data-lang='en']")
    summary = tab.locator(".bm-twin summary")
    summary.focus()
    tab.keyboard.press("Enter")
    assert tab.locator(".bm-twin").get_attribute("open") is not None
    tab.wait_for_selector(".bm-twin tbody tr")  # filled on the (asynchronous) toggle event
    rows = tab.locator(".bm-twin tbody tr").evaluate_all(
        "rs => rs.map(r => [r.getAttribute('data-feature'), r.cells[4].innerText.trim(), r.cells[5].innerText])"
    )
    assert sorted(r[0] for r in rows) == sorted(f.id for f in battle.features_in(phase))
    by_id = {f.id: f for f in battle.features}
    for feature_id, status, sources in rows:
        feature = by_id[feature_id]
        expected = feature.status_on(phase.end)
        assert status == (STATUS_LABELS[expected].en if expected else "—"), feature_id
        assert all(s in sources for s in feature.sources), feature_id
    # closing and opening again does not repeat rows: the rows are counted once the toggle event
    # of the opening has been dispatched (heard after the page's own listener, which fills)
    tab.evaluate(
        "window.bmOpened = false; document.querySelector('.bm-twin').addEventListener('toggle',"
        " (e) => { if (e.target.open) window.bmOpened = true; })"
    )
    tab.keyboard.press("Enter")
    tab.keyboard.press("Enter")
    tab.wait_for_function("window.bmOpened")
    assert tab.locator(".bm-twin tbody tr").count() == len(rows)
    assert tab.locator(".bm-day").get_attribute("aria-label")


def test_phone_layout_has_no_overlap(browser, battle, site: Path) -> None:
    page = OfflinePage(browser, {"width": 390, "height": 844})
    try:
        for name in ("index", battle.phases[0].id):
            tab = page.open(site / f"{name}.html")
            boxes = tab.evaluate("""() => {
              const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
              const panel = box(document.getElementById('bm-panel'));
              const controls = Array.from(document.querySelectorAll('.leaflet-control')).map(box);
              return {panel, controls};
            }""")
            px0, py0, px1, py1 = boxes["panel"]
            assert px1 <= 390 and py1 <= 844
            for cx0, cy0, cx1, cy1 in boxes["controls"]:
                assert cx1 <= px0 or cx0 >= px1 or cy1 <= py0 or cy0 >= py1, (name, boxes)
            tab.click(".bm-drawer")
            assert tab.locator(".bm-drawer").get_attribute("aria-expanded") == "false"
        assert page.errors == []
    finally:
        page.close()


def test_going_to_an_event_while_the_camera_flies_there(offline, battle, site: Path) -> None:
    """A step shows a large phase (a culled group: here every group) when the camera arrives;
    an event of that phase gone to before then (the story shows at once) is found, and its
    popup opens."""
    offline.context.add_init_script(CULL_ALL)
    phase = next(p for p in battle.phases[1:] if story.events(battle, p))
    before = battle.phases[battle.phases.index(phase) - 1]
    offline.page.goto((site / "index.html").resolve().as_uri() + f"#{before.id}")
    tab = offline.page
    tab.wait_for_function("window.battleMap !== undefined")
    event = story.events(battle, phase)[0]
    tab.evaluate(
        """([id, feature]) => {
      window.battleMap.selectPhase(id);
      document.querySelector(`.bm-section[data-phase='${id}'] .bm-events .bm-goto[data-feature='${feature}']`).click();
    }""",
        [phase.id, event.id],
    )
    content = tab.locator(".leaflet-popup-content").inner_text()
    assert event.name.zh in content
    assert offline.errors == []
