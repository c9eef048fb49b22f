"""Rewrite the package's imports of itself as relative imports: ``from layers.x import y`` ->
``from .x import y`` (or ``..x``, as deep as the module sits).

The code lives in ``layers/`` and runs under two names: ``layers`` in a checkout
(``python build_map.py``, the tests) and ``hengyang_map`` once installed (pyproject maps the
one onto the other, and no top-level ``layers`` is installed). Only relative imports resolve
under both. Safe to run again (after a merge brings absolute imports back): it changes only
what is still absolute, then lets ruff sort the changed files' imports.
``tests/test_library.py`` fails while any absolute import of the package is left.

    python scripts/relative_imports.py [--check]
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "layers"
#: ``from layers... import`` at the start of a line, at any indent (imports inside functions too).
ABSOLUTE = re.compile(rf"^(?P<indent>[ \t]*)from {PACKAGE}(?P<rest>(?:\.\w+)*) import ", re.MULTILINE)
#: ``import layers...``: cannot be made relative as it is; the script stops and names it.
PLAIN = re.compile(rf"^[ \t]*import {PACKAGE}\b", re.MULTILINE)


def relative(module: str, package: list[str]) -> str:
    """``module`` (dotted, absolute) as seen from inside ``package`` (its parts)."""
    target = module.split(".")
    common = 0
    while common < min(len(target), len(package)) and target[common] == package[common]:
        common += 1
    return "." * (len(package) - common + 1) + ".".join(target[common:])


def rewrite(path: Path) -> str:
    """The text of ``path`` with its absolute imports of the package made relative."""
    package = list(path.relative_to(ROOT).parts[:-1])  # a module's package; an __init__'s own
    text = path.read_text(encoding="utf-8")
    if match := PLAIN.search(text):
        line = text.count("\n", 0, match.start()) + 1
        raise SystemExit(f"{path.relative_to(ROOT)}:{line}: write it as `from {PACKAGE}... import ...`, then run again")

    def replace(found: re.Match[str]) -> str:
        return f"{found['indent']}from {relative(PACKAGE + found['rest'], package)} import "

    return ABSOLUTE.sub(replace, text)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    changed = []
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        new = rewrite(path)
        if new != path.read_text(encoding="utf-8"):
            changed.append(path)
            if not check:
                path.write_text(new, encoding="utf-8")
    for path in changed:
        print(f"{'would rewrite' if check else 'rewrote'} {path.relative_to(ROOT)}")
    if changed and not check:
        # the imports' order: relative imports sort as their own section (ruff's isort rules)
        subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "I", "--fix", "-q", *map(str, changed)])
        subprocess.run([sys.executable, "-m", "ruff", "format", "-q", *map(str, changed)])
    return 1 if check and changed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
