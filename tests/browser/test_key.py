"""The map explains itself on the map: a key to what the view draws, a north arrow, a named
scale bar, and the events numbered as the panel's list numbers them."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from layers.contract import Group, Item, Overlay, Page, Story
from layers.draw.drawable import halo_for

from ..conftest import ROOT, OfflinePage

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "vendor" / "axe-core-4.10.3" / "axe.min.js"
KEY = "Array.from(document.querySelectorAll('.bm-key-list li')).map(li => li.getAttribute('data-legend'))"
#: Until what the last change of the view asked for is done (the key looks in a later turn).
SETTLED = "() => new Promise(resolve => setTimeout(resolve, 0))"
#: Whether the view draws a symbol or an event's disc moved aside, with its leader from a dot.
LEADING = "document.querySelectorAll('.bm-leaders line:not(.bm-callout), .bm-aside').length > 0"
#: Where the disc of the event `id` is drawn (map container px): at its place, or set aside.
DISC_AT = """(id) => {
  const map = window.battleMap.map, box = map.getContainer().getBoundingClientRect();
  const record = window.BM_SITE.features.find(f => f[BM.R.ID] === id);
  const aside = document.querySelector(`.bm-aside[data-feature="${id}"]`);
  if (!aside) { return map.latLngToContainerPoint(L.geoJSON(record[BM.R.GEOMETRY]).getBounds().getCenter()); }
  const d = aside.getBoundingClientRect();
  return {x: (d.left + d.right) / 2 - box.left, y: (d.top + d.bottom) / 2 - box.top};
}"""
#: Whether each event (by id) has its disc inside the map as shown.
IN_VIEW = f"""(ids) => {{
  const discAt = {DISC_AT}, size = window.battleMap.map.getSize(), out = {{}};
  for (const id of ids) {{
    const at = discAt(id);
    out[id] = at.x >= 0 && at.y >= 0 && at.x <= size.x && at.y <= size.y;
  }}
  return out;
}}"""


def page_data(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="bm-data">(.*?)</script>', text, re.S)
    assert found
    return json.loads(found.group(1))


def legend(path: Path) -> dict[str, dict[str, str]]:
    """The panel legend's entries: key -> their data-key-* attributes."""
    text = path.read_text(encoding="utf-8")
    out = {}
    for key, attrs in re.findall(r'<li data-legend="([^"]+)"([^>]*)>', text):
        out[key] = dict(re.findall(r'data-key-(\w+)="([^"]*)"', attrs))
    return out


def expected_key(
    path: Path,
    battle,
    shown: list[str],
    ids: list[str],
    reliefs: list[int | None],
    folded: bool = False,
    leading: bool = False,
) -> set[str]:
    """What the key should list when the groups `shown` (one phase and the reference layers)
    are drawn: the entries for their styles (a hill area's relief among them, ``reliefs`` by
    site index), flags and precision halos, the counts of folded marks if the view has any, and
    the leaders of symbols or events moved aside if it draws any (several phases: not asked here)."""
    data = page_data(path)
    items = [item for group in data[Page.GROUPS] if group[Overlay.ID] in shown for item in group[Overlay.ITEMS]]
    styles = {item[Item.STYLE] for item in items}
    styles |= {reliefs[item[Item.FEATURE]] for item in items if reliefs[item[Item.FEATURE]] is not None}
    flags = 0
    for item in items:
        flags |= item[Item.FLAGS] if len(item) > Item.FLAGS else 0
    by_id = {f.id: f for f in battle.features}
    haloed = any(halo_for(by_id[ids[item[Item.FEATURE]]]) > 0 for item in items)
    out = set()
    for key, when in legend(path).items():
        if "styles" in when and styles & {int(s) for s in when["styles"].split()}:
            out.add(key)
        if "flag" in when and flags & int(when["flag"]):
            out.add(key)
        if "halo" in when and haloed:
            out.add(key)
        if "folded" in when and folded:
            out.add(key)
        if "leader" in when and leading:
            out.add(key)
    return out


def test_the_key_lists_what_the_view_draws(browser, battle, site: Path) -> None:
    page = OfflinePage(browser)
    try:
        tab = page.open(site / "index.html")
        ids = tab.evaluate("window.BM_SITE.features.map(f => f[BM.R.ID])")
        reliefs = tab.evaluate("window.BM_SITE.features.map(f => f[BM.R.RELIEF] === undefined ? null : f[BM.R.RELIEF])")
        seen = []
        for phase in battle.phases:
            tab.evaluate("(id) => window.battleMap.selectPhase(id, {push: false, animate: false})", phase.id)
            tab.evaluate(SETTLED)
            listed = tab.evaluate(KEY)
            assert len(listed) == len(set(listed))
            folded = tab.evaluate("document.querySelectorAll('.bm-fold').length > 0")
            leading = tab.evaluate(LEADING)
            shown = [phase.id, Group.REFERENCE]
            expected = expected_key(site / "index.html", battle, shown, ids, reliefs, folded, leading)
            assert set(listed) == expected, phase.id
            seen.append(frozenset(listed))
        assert len(set(seen)) > 1  # the phases differ, and so do their keys
        assert any("changed" in keys for keys in seen) and any(k.startswith("movement:") for k in seen[2])
        assert any("hill:relief:described" in keys for keys in seen)  # Yuepingshan's relief, explained
        assert any("leader" in keys for keys in seen)  # (the third assault sets events aside)

        # every phase at once: one summary map, which draws no rings and fades what is earlier
        tab.click(".bm-all")
        tab.evaluate(SETTLED)
        listed = tab.evaluate(KEY)
        assert "synopsis" in listed and "changed" not in listed

        # a day: no rings, nothing superseded in a phase is faded
        first = battle.phases[2]
        tab.evaluate("(id) => window.battleMap.selectPhase(id, {push: false, animate: false})", first.id)
        day = tab.evaluate("window.battleMap.state.phase && +document.querySelector('.bm-day').value")
        tab.evaluate("(d) => window.battleMap.showDay(d)", day)
        tab.evaluate(SETTLED)
        listed = tab.evaluate(KEY)
        assert listed and "changed" not in listed and "ended" not in listed and "synopsis" not in listed

        # a layer ticked off in the layer control: its entries go
        phase_page = battle.phases[2]
        tab.goto((site / f"{phase_page.id}.html").as_uri())
        tab.wait_for_function("window.battleMap !== undefined")
        tab.evaluate(SETTLED)
        before = tab.evaluate(KEY)
        assert any(k.startswith("movement:") for k in before)
        movements = next(
            s for s in battle.layers if any(f.kind == "movement" and f.layer == s.id for f in battle.features)
        )
        tab.locator(".leaflet-control-layers-overlays label", has_text=movements.title.zh).locator("input").uncheck()
        tab.evaluate(SETTLED)
        after = tab.evaluate(KEY)
        assert not any(k.startswith("movement:") for k in after) and set(after) < set(before)
        assert page.errors == []
    finally:
        page.close()


def test_the_key_folds_by_keyboard(offline, battle, site: Path) -> None:
    tab = offline.open(site / f"{battle.phases[2].id}.html")
    toggle = tab.locator(".bm-key button.bm-key-toggle")
    assert toggle.get_attribute("aria-expanded") == "false" and not tab.locator(".bm-key-list").is_visible()
    assert toggle.get_attribute("aria-controls") == "bm-key-list"
    toggle.focus()
    tab.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true" and tab.locator(".bm-key-list").is_visible()
    assert toggle.evaluate("b => b.matches(':focus-visible') && getComputedStyle(b).outlineStyle !== 'none'")
    tab.keyboard.press("Space")
    assert toggle.get_attribute("aria-expanded") == "false" and not tab.locator(".bm-key-list").is_visible()
    tab.keyboard.press("Space")
    assert toggle.get_attribute("aria-expanded") == "true" and tab.locator(".bm-key-list").is_visible()
    # open, it keeps one size from phase to phase: names placed ahead find it where it will be
    box = tab.locator(".bm-key").bounding_box()
    tab.evaluate("window.battleMap.showDay(+document.querySelector('.bm-day').min)")
    tab.evaluate(SETTLED)
    assert tab.locator(".bm-key").bounding_box() == box
    # in both languages, its entries' words are the panel legend's
    tab.click(".bm-lang button[data-lang='en']")
    first = tab.locator(".bm-key-list li").first
    key = first.get_attribute("data-legend")
    assert first.inner_text().strip() == tab.locator(f".bm-legend li[data-legend='{key}']").inner_text().strip()
    assert offline.errors == []


def test_a_phone_opens_with_the_key_folded_too(browser, battle, site: Path) -> None:
    page = OfflinePage(browser, {"width": 390, "height": 844})
    try:
        tab = page.open(site / f"{battle.phases[2].id}.html")
        assert tab.locator(".bm-key-toggle").get_attribute("aria-expanded") == "false"
        assert tab.locator(".bm-key-toggle").is_visible()
    finally:
        page.close()


@pytest.mark.parametrize("name", ["index", "assault-1"])
def test_north_arrow_and_scale_are_named(browser, site: Path, name: str) -> None:
    page = OfflinePage(browser)
    try:
        tab = page.open(site / f"{name}.html")
        north = tab.get_by_role("img", name="指北针：图上方为北 / North arrow: north is up")
        assert north.is_visible()
        scale = tab.get_by_role("group", name="比例尺 / Scale bar")
        assert scale.is_visible() and re.search(r"\d+ (m|km)", scale.inner_text())
        # the arrow is on the map, above the scale bar
        arrow, bar = north.bounding_box(), scale.bounding_box()
        assert arrow and bar and arrow["y"] + arrow["height"] <= bar["y"] + 1
        assert page.errors == []
        tab.evaluate(AXE.read_text(encoding="utf-8"))  # by the test driver, outside the page's CSP
        violations = tab.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
        )
        # (axe's own requests for the stylesheets are refused by the page's policy: not the page's errors)
        assert [v for v in violations if v["impact"] in ("serious", "critical")] == []
    finally:
        page.close()


def test_print_hides_the_key_and_the_web_north_arrow(browser, battle, tmp_path: Path) -> None:
    from layers.page.assemble import render_site

    phase = battle.phases[2]
    path = tmp_path / "print.html"
    path.write_bytes(render_site(battle, [phase.id], "en", single_file=True, printable=True)[f"{phase.id}.html"])
    page = OfflinePage(browser, {"width": 1123, "height": 794})
    try:
        tab = page.open(path)
        assert not tab.locator(".bm-key").is_visible() and not tab.locator(".bm-compass").is_visible()
        assert tab.locator(".bm-north").is_visible()  # the print layout's own
    finally:
        page.close()


def test_events_on_the_map_carry_the_list_s_numbers(browser, battle, site: Path) -> None:
    page = OfflinePage(browser)
    moved_to: list[str] = []
    try:
        for name in ["index", *(p.id for p in battle.phases)]:
            tab = page.open(site / f"{name}.html")
            phases = [p.id for p in battle.phases] if name == "index" else [name]
            for phase_id in phases:
                if name == "index":
                    tab.evaluate("(id) => window.battleMap.selectPhase(id, {push: false, animate: false})", phase_id)
                tab.evaluate(SETTLED)
                told = page_data(site / f"{name}.html")[Page.STORY].get(phase_id, {}).get(Story.EVENTS, [])
                listed = tab.evaluate(
                    """(id) => Array.from(document.querySelectorAll(`.bm-events[data-phase="${id}"] > li`))
                      .filter(li => li.querySelector('.bm-goto'))
                      .map(li => [li.querySelector('.bm-goto').getAttribute('data-feature'), li.value])""",
                    phase_id,
                )
                # each mark: [[event id, number, distance from the mark's centre (px)], ...], its box
                # (an event's disc is at its place, or set aside where it would cover a mark)
                marks = tab.evaluate(
                    f"""() => Array.from(document.querySelectorAll('.bm-event-no')).map(node => {{
                      const discAt = {DISC_AT}, r = node.getBoundingClientRect();
                      const box = window.battleMap.map.getContainer().getBoundingClientRect();
                      const ids = node.getAttribute('data-feature').split(' ');
                      const numbers = node.textContent.split(',').map(Number);
                      return [ids.map((id, k) => {{
                        const at = discAt(id);
                        return [id, numbers[k], Math.hypot(r.left + r.width / 2 - box.left - at.x,
                                                           r.top + r.height / 2 - box.top - at.y)];
                      }}), [r.left, r.top, r.right, r.bottom]];
                    }})"""
                )
                on_map = [entry for entries, _ in marks for entry in entries]
                assert len(listed) == len(told)  # every event of the phase is listed...
                # ...every one in view has its number, and every number is a listed event's (the
                # marks are made near the view only: a campaign's phase numbers thousands)
                numbered = sorted((f, n) for f, n, _ in on_map)
                seen = tab.evaluate(IN_VIEW, [f for f, _ in listed])
                assert len(set(numbered)) == len(numbered) and set(numbered) <= {tuple(p) for p in listed}, phase_id
                assert {(f, n) for f, n in listed if seen[f]} <= set(numbered), phase_id
                # ...each number on its event: a mark's first, and the others it holds nearby (events
                # closer than 18 px, or whose marks would overlap, share one mark)
                far = [
                    (f, n, round(d)) for entries, box in marks for f, n, d in entries[1:] if d > 18 + box[2] - box[0]
                ]
                assert all(entries[0][2] < 1 for entries, _ in marks) and far == [], (phase_id, far)
                assert [n for _, n in listed] == list(range(1, len(listed) + 1))
                boxes = [box for _, box in marks]  # no number covers another
                assert not [
                    (a, b)
                    for i, a in enumerate(boxes)
                    for b in boxes[i + 1 :]
                    if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5
                ], phase_id
                away = [f for f, n in listed if (f, n) not in set(numbered)]
                if away:  # a move that brings an event into view makes its number
                    moved_to.append(away[0])
                    tab.evaluate(
                        """(id) => new Promise(resolve => {
                          const map = window.battleMap.map;
                          const record = window.BM_SITE.features.find(f => f[BM.R.ID] === id);
                          map.once('moveend', () => setTimeout(resolve, 0));
                          map.panTo(L.geoJSON(record[BM.R.GEOMETRY]).getBounds().getCenter(), {animate: false});
                        })""",
                        away[0],
                    )
                    assert tab.locator(f'.bm-event-no[data-feature~="{away[0]}"]').count() == 1, (phase_id, away[0])
        # several phases at once list no events: no numbers
        tab = page.open(site / "index.html")
        tab.click(".bm-all")
        tab.evaluate(SETTLED)
        assert tab.locator(".bm-event-no").count() == 0
        assert page.errors == []
        assert moved_to  # (the atlas's views leave some events out of view: the move was tried)
    finally:
        page.close()


def test_a_wrapped_event_keeps_its_number_on_its_first_line(browser, battle, site: Path) -> None:
    """The list's number stands at the first line of its entry, however the entry wraps (an
    entry is a button, whose baseline is its last line's: the number used to sit there)."""
    from PIL import Image

    phase = max(
        battle.phases, key=lambda p: len(page_data(site / f"{p.id}.html")[Page.STORY][p.id].get(Story.EVENTS, []))
    )
    page = OfflinePage(browser, {"width": 1280, "height": 800})
    try:
        tab = page.open(site / f"{phase.id}.html")
        tab.click(".bm-lang button[data-lang='en']")
        tab.evaluate("document.querySelector('.bm-events').scrollIntoView()")
        rows = tab.evaluate(
            """() => Array.from(document.querySelectorAll('.bm-events > li')).map(li => {
              const button = li.querySelector('.bm-goto'), range = document.createRange();
              range.selectNodeContents(button);
              const lines = Array.from(range.getClientRects()).filter(r => r.height > 0);
              const tops = Array.from(new Set(lines.map(r => Math.round(r.top)))).sort((a, b) => a - b);
              const box = li.getBoundingClientRect();
              return {left: box.left, top: box.top, height: box.height, first: tops[0], second: tops[1]};
            })"""
        )
        wrapped = [r for r in rows if r["second"] is not None]
        assert wrapped, "no entry wraps: the test needs one"
        for row in wrapped:
            clip = {"x": row["left"] - 18, "y": row["top"], "width": 16, "height": row["height"]}
            image = Image.open(io.BytesIO(tab.screenshot(clip=clip))).convert("L")
            inked = [y for y in range(image.height) if any(image.getpixel((x, y)) < 128 for x in range(image.width))]
            assert inked, row
            # the number's ink lies above the entry's second line
            assert row["top"] + max(inked) < row["second"], row
        assert page.errors == []
    finally:
        page.close()
