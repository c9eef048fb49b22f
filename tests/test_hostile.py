"""The hostile-input corpus: every case builds a safe page or fails with a named error."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from layers.data.load import load_battle
from layers.errors import GeoDataError
from layers.page.assemble import render_site
from layers.site import write_site

from .conftest import FIXTURE_BATTLE
from .safety import assert_page_is_safe
from .sitedata import SITE_DATA, shared_data

CORPUS = Path(__file__).resolve().parent / "fixtures" / "hostile"
CASES = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
PAYLOADS = json.loads((CORPUS / "payloads.json").read_text(encoding="utf-8"))["payloads"]


def prepare(case: str, folder: Path) -> Path:
    """A copy of the mini battle with the case's file (or generated input) in place."""
    spec = CASES[case]
    geo = folder / "geo"
    shutil.copytree(FIXTURE_BATTLE, geo)
    target = geo / spec["target"]
    if "file" in spec:
        shutil.copyfile(CORPUS / spec["file"], target)
    elif case == "file-50mb":
        data = json.loads(target.read_text(encoding="utf-8"))
        text = json.dumps(data, ensure_ascii=False)
        padding = " " * (50 * 1024 * 1024)
        target.write_text(text[:-1] + padding + text[-1:], encoding="utf-8")
    elif case == "layer-is-a-directory":
        target.unlink()
        target.mkdir()
    elif case == "symlink-out-of-geo":
        outside = folder / "outside.geojson"
        shutil.copyfile(target, outside)
        target.unlink()
        target.symlink_to(outside)
    else:  # pragma: no cover - a case the corpus lists but this test cannot make
        raise AssertionError(f"no way to generate case {case}")
    return geo


@pytest.mark.parametrize("case", sorted(CASES))
def test_corpus_case(case: str, tmp_path: Path) -> None:
    spec = CASES[case]
    geo = prepare(case, tmp_path)
    if spec["outcome"] == "fails":
        with pytest.raises(GeoDataError) as caught:
            load_battle(geo)
        messages = [str(p) for p in caught.value.problems]
        assert any(spec["message"] in m for m in messages), messages
        assert all(m.startswith((spec["target"], "manifest.toml", "sources.toml")) for m in messages), messages
        return
    files = render_site(load_battle(geo))
    (shared_name,) = [name for name in files if SITE_DATA.fullmatch(name)]
    shared = files[shared_name].decode("utf-8")
    shared_data(shared)  # one JSON object, nothing that can close a script
    for name, content in files.items():
        if name.endswith(".html"):
            text = content.decode("utf-8")
            assert_page_is_safe(text)
            if case.startswith("xss"):
                assert "{{ 7*6 }}" in text + shared  # template syntax stays text
                assert "<script>window.__xss" not in text and "<img src=x" not in text
    write_site(files, tmp_path / "out")


def test_corpus_covers_the_issue_list() -> None:
    wanted = {
        "truncated",
        "bom",
        "non-utf8",
        "wrong-types",
        "nan",
        "infinity",
        "huge-coordinate",
        "swapped-lon-lat",
        "self-intersecting",
        "empty-geometry",
        "unknown-references",
        "duplicate-ids",
        "deep-nesting",
        "file-50mb",
        "layer-is-a-directory",
        "symlink-out-of-geo",
        "xss-features",
        "xss-manifest",
        # issue 13
        "huge-integer",
        "lone-surrogate",
        "deep-coordinates",
        "point-nested-as-polygon",
        "id-trailing-newline",
        "sidc-undrawable",
        "sidc-foreign-digits",
        "control-characters",
        "phase-id-device-name",
        "phase-id-all",
        "nul-in-file-name",
        "toml-deep-nesting",
        # issue 32
        "huge-elevation",
        "huge-width",
        "toml-datetime",
        "toml-time",
        "phase-span-millennia",
        "max-span-absurd",
    }
    assert wanted <= set(CASES)
    joined = "".join(PAYLOADS)
    for fragment in (
        "<script>",
        "onerror=",
        "</script>",
        "javascript:",
        "{{",
        "{%",
        "`",
        "\\",
        "\u2028",
        "\u202e",
        "🔥",
    ):
        assert fragment in joined, fragment
