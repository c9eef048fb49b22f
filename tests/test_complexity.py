"""No function or method of the code reads as a maze: radon's cyclomatic complexity of each
block is at most :data:`LIMIT` (issue 34: a rule written as one long function of branches is
a rule nobody can check by reading)."""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Class

ROOT = Path(__file__).resolve().parent.parent
#: The code whose blocks are held to the limit: the package, the entry point, the scripts.
CHECKED = [ROOT / "layers", ROOT / "build_map.py", ROOT / "scripts"]
LIMIT = 25


def blocks_over(limit: int) -> list[str]:
    """Each function and method (nested ones too) over ``limit``, as 'file:line name (complexity)'."""
    files = sorted(p for path in CHECKED for p in ([path] if path.is_file() else path.rglob("*.py")))
    assert files, CHECKED
    found = []
    for path in files:
        blocks = list(cc_visit(path.read_text(encoding="utf-8")))
        while blocks:
            block = blocks.pop()
            if isinstance(block, Class):  # a class's total is its methods': each is held alone
                blocks.extend(block.methods)
                blocks.extend(block.inner_classes)
                continue
            blocks.extend(block.closures)
            if block.complexity > limit:
                where = path.relative_to(ROOT)
                found.append(f"{where}:{block.lineno} {block.fullname} ({block.complexity})")
    return sorted(found)


def test_no_block_is_over_the_limit() -> None:
    assert blocks_over(LIMIT) == []


def test_the_check_finds_a_block_over_a_limit() -> None:
    """The same walk, at a limit some function of the code passes: it is named (the check sees
    functions, methods and the files of every folder)."""
    found = blocks_over(15)
    assert any(line.startswith("layers/data/features.py:") for line in found), found
    assert any(line.startswith("layers/data/") and "." in line.split(" ")[1] for line in blocks_over(5)), found
