"""The drawn page's members (contract.Api) are what the page builds, and nothing else: the
exports drive the page through them alone."""

from __future__ import annotations

import pytest

from layers.contract import Api, Global

pytestmark = pytest.mark.browser

#: Of what kind each member is: the functions the exports call, the promise they await, the
#: objects they read (an atlas page has its base and its locator inset).
KINDS = {
    Api.MAP: "object",
    Api.GROUPS: "object",
    Api.CONTROL: "object",
    Api.SET_LANGUAGE: "function",
    Api.SELECT_PHASE: "function",
    Api.SHOW_DAY: "function",
    Api.DAY: "function",
    Api.STATE: "object",
    Api.LABELS: "object",
    Api.PLACE_NAMES: "function",
    Api.BASEMAP: "object",
    Api.INSET: "object",
    Api.READY: "promise",
}


def test_the_page_has_the_contracts_members_and_no_others(offline, site) -> None:
    assert set(KINDS) == {value for name, value in vars(Api).items() if name.isupper()}
    page = offline.open(site / "index.html")
    page.wait_for_function(f"window.{Global.MAP} !== undefined")
    kinds = page.evaluate(
        """(name) => Object.fromEntries(Object.entries(window[name]).map(([key, value]) =>
             [key, value instanceof Promise ? 'promise' : value === null ? 'null' : typeof value]))""",
        Global.MAP,
    )
    assert kinds == KINDS
    # the day is the one the page shows, and the names are placed when asked
    page.evaluate(f"(name) => window[name].{Api.READY}", Global.MAP)
    assert page.evaluate(f"(name) => window[name].{Api.DAY}()", Global.MAP) is None
    page.evaluate(f"(name) => window[name].{Api.SHOW_DAY}(3)", Global.MAP)
    assert page.evaluate(f"(name) => window[name].{Api.DAY}()", Global.MAP) == 3
    count = page.evaluate(
        f"(name) => {{ window[name].{Api.PLACE_NAMES}(); return window[name].{Api.LABELS}.count; }}", Global.MAP
    )
    assert count > 0
    assert offline.errors == []
