"""Only the build's own scripts run: a poisoned symbol cache and stray markup run nothing."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

from layers import symbols
from layers.data.load import load_battle
from layers.page import assets, csp
from layers.page.assemble import render_site

from ..conftest import FIXTURE_BATTLE
from ..safety import assert_page_is_safe

POISON = [
    "<svg><script>window.__pwned = 1;</script></svg>",
    '<svg onload="window.__pwned = 1"></svg>',
    '<svg></svg><img src=x onerror="window.__pwned = 1">',
    '<svg><foreignObject><iframe srcdoc="x"></iframe></foreignObject></svg>',
    '<svg><a href="javascript:window.__pwned = 1"><path d="M0 0"></path></a></svg>',
    "<svg><!-- --><script>window.__pwned = 1</script></svg>",
]


def sha256(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("HENGYANG_MAP_CACHE", str(tmp_path / "cache"))
    symbols.symbol_svg.cache_clear()
    yield tmp_path / "cache"
    symbols.symbol_svg.cache_clear()


@pytest.mark.parametrize("poison", POISON)
def test_a_poisoned_symbol_cache_is_rendered_again(cache: Path, poison: str) -> None:
    battle = load_battle(FIXTURE_BATTLE)
    clean = render_site(battle)
    entries = sorted((cache / "symbols").glob("*.json"))
    assert entries, "the build caches its symbols"
    for entry in entries:
        data = json.loads(entry.read_text(encoding="utf-8"))
        entry.write_text(json.dumps({**data, "svg": poison}), encoding="utf-8")
    symbols.symbol_svg.cache_clear()
    files = render_site(battle)
    assert files == clean  # the same pages as without the cache
    for name, content in files.items():
        if name.endswith(".html"):
            assert "__pwned" not in content.decode(), name
            assert_page_is_safe(content.decode())
    for entry in entries:  # and the entry was put right
        assert "__pwned" not in entry.read_text(encoding="utf-8")


@pytest.mark.parametrize("numbers", [[1e309, 1, 1, 1], ["1", 1, 1, 1], [True, 1, 1, 1], [None, 1, 1, 1]])
def test_cached_sizes_must_be_numbers(cache: Path, numbers: list) -> None:
    battle = load_battle(FIXTURE_BATTLE)
    clean = render_site(battle)
    for entry in (cache / "symbols").glob("*.json"):
        data = json.loads(entry.read_text(encoding="utf-8"))
        entry.write_text(
            json.dumps({**data, **dict(zip(("w", "h", "ax", "ay"), numbers, strict=True))}), encoding="utf-8"
        )
    symbols.symbol_svg.cache_clear()
    assert render_site(battle) == clean


def test_the_policy_hashes_only_the_build_s_own_scripts(monkeypatch) -> None:
    """Markup that slips into a page by any other way than the build's own scripts is not
    trusted by the CSP, even if it looks like an inline script."""
    real = symbols.symbol_svg

    def leaky(sidc: str):
        _svg, *rest = real(sidc)
        return ("<svg><script>window.__pwned = 1;</script></svg>", *rest)

    monkeypatch.setattr(symbols, "symbol_svg", leaky)
    page = render_site(load_battle(FIXTURE_BATTLE))["morning.html"].decode()
    assert "<script>window.__pwned = 1;</script>" in page  # the stray script is there...
    policy = page.split('content="', 1)[1].split('"', 1)[0]
    assert sha256("window.__pwned = 1;") not in policy  # ...but the browser will not run it
    assert policy.count("'sha256-") == 3


def test_every_inline_script_the_build_writes_is_in_the_policy() -> None:
    for single_file in (False, True):
        files = render_site(load_battle(FIXTURE_BATTLE), single_file=single_file)
        page = files["index.html"].decode()
        policy = page.split('content="', 1)[1].split('"', 1)[0]
        bodies = [part.split("</script>", 1)[0] for part in page.split("<script>")[1:]]
        assert len(bodies) == (3 + len(assets.JS) + 1 if single_file else 3)  # + scripts and shared data inlined
        for body in bodies:
            assert sha256(body) in policy


def test_a_script_missing_from_the_page_is_a_build_error() -> None:
    with pytest.raises(AssertionError):
        csp.with_csp("<head>\n<script>a</script>", ["b"])
