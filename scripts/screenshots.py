"""Render every page of a built site to PNG in headless Chromium (network cut).

python scripts/screenshots.py [--site output] [--out docs/screenshots] [--lang zh|en|both]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository: its flags and names
from layers.contract import Api, Global, Language
from layers.exports.chromium import CHROMIUM_FLAGS, LABELS_PLACED


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path("output"))
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--lang", choices=Language.CODES, default=Language.EN)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    args = parser.parse_args()
    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not executable:
        print("no Chromium: apt-get install -y chromium (or set CHROMIUM_PATH)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": args.width, "height": args.height})
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        page = context.new_page()
        for html in sorted(args.site.glob("*.html")):
            page.goto(html.resolve().as_uri())
            page.wait_for_function(f"window.{Global.MAP} !== undefined")
            page.evaluate(f"(lang) => window.{Global.MAP}.{Api.SET_LANGUAGE}(lang)", args.lang)
            # names are placed once the fonts are ready; wait for that placement
            page.wait_for_function("document.fonts.status === 'loaded'")
            page.wait_for_function(LABELS_PLACED)
            page.wait_for_timeout(200)
            target = args.out / f"{html.stem}.png"
            page.screenshot(path=str(target))
            print(target)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
