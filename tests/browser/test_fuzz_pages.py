"""Fuzzed data that builds opens in Chromium without a single error (bounded; see test_fuzz)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from ..conftest import FIXTURE_BATTLE, OfflinePage
from ..data.test_fuzz import run, same_type_edits, write_folder

pytestmark = pytest.mark.browser
EXAMPLES = 200 if os.environ.get("HYPOTHESIS_PROFILE") == "deep" else 10


def test_fuzzed_data_that_builds_opens_cleanly(browser) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(same_type_edits())
    def check(edits) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "geo"
            shutil.copytree(FIXTURE_BATTLE, folder)
            write_folder(folder, edits)
            out = Path(tmp) / "out"
            code, _, err = run("build", "--geo", str(folder), "--out", str(out))
            assert code in (0, 1), err
            if code:
                return
            for page_file in sorted(out.glob("*.html")):
                page = OfflinePage(browser)
                try:
                    page.open(page_file)
                    assert page.errors == [], (page_file.name, page.errors)
                    assert page.dialogs == []
                finally:
                    page.close()

    check()
