"""Nothing beside --out is ever touched: user folders, symlinks, other builds' staging folders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from layers import site
from layers.errors import OutputError
from layers.site import MARKER, MARKER_TEXT, write_site

from ..conftest import FIXTURE_BATTLE, ROOT

SITE = {"index.html": b"<p>atlas</p>", "static/a.js": b"1"}


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every path under ``folder``: file contents, symlink targets, folders as ''."""
    out: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            out[key] = "-> " + os.readlink(path)
        elif path.is_file():
            out[key] = path.read_bytes()
        else:
            out[key] = ""
    return out


def test_user_files_named_like_ours_survive(tmp_path: Path) -> None:
    here = tmp_path / "x"
    (here / ".maps.old").mkdir(parents=True)
    (here / ".maps.old" / "thesis.txt").write_text("precious")
    (here / ".maps.new-draft").mkdir()
    (here / ".maps.new-draft" / "notes.txt").write_text("notes")
    (here / ".maps.new-0123456789abcdef").mkdir()  # our exact pattern, but not ours: no marker
    (here / ".maps.new-0123456789abcdef" / "keep.txt").write_text("keep")
    (here / ".maps.old-0123456789abcdef").mkdir()
    (here / ".maps.old-0123456789abcdef" / "keep.txt").write_text("keep")
    victim = tmp_path / "victim.txt"
    victim.write_text("notes")
    (here / ".maps.lock").symlink_to(victim)
    before = tree(here)
    for _ in range(2):
        write_site(SITE, here / "maps")
    assert tree(here) == {**before, **{f"maps/{k}": v for k, v in tree(here / "maps").items()}, "maps": ""}
    assert victim.read_text() == "notes"


def test_a_glob_in_the_name_matches_nothing_else(tmp_path: Path) -> None:
    other = tmp_path / ".a.new-0123456789abcdef"  # another build's staging folder, marked
    other.mkdir()
    (other / MARKER).write_bytes(MARKER_TEXT)
    (other / "index.html").write_text("in progress")
    write_site(SITE, tmp_path / "*")
    write_site(SITE, tmp_path / "*")
    assert (other / "index.html").read_text() == "in progress"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["*", ".a.new-0123456789abcdef"]


def test_symlinked_output_builds_again_and_again(tmp_path: Path) -> None:
    real = tmp_path / "disk" / "atlas"
    real.mkdir(parents=True)
    link = tmp_path / "here" / "link"
    link.parent.mkdir()
    link.symlink_to(real)
    for i in range(3):
        write_site({**SITE, "n.txt": str(i).encode()}, link)
        assert link.is_symlink() and (link / "n.txt").read_text() == str(i)
    assert sorted(p.name for p in link.parent.iterdir()) == ["link"]
    assert sorted(p.name for p in real.parent.iterdir()) == ["atlas"]


@pytest.mark.parametrize("where", [".", "..", "sub/.."])
def test_current_folder_is_never_swapped_away(tmp_path: Path, monkeypatch, where: str) -> None:
    site = tmp_path / "site"
    write_site(SITE, site)
    (site / "sub").mkdir()
    monkeypatch.chdir(site)
    with pytest.raises(OutputError, match="current folder"):
        write_site(SITE, where if where != ".." else site / "sub" / "..")
    assert Path.cwd() == site and (site / "index.html").is_file()


def test_a_symlinked_marker_does_not_make_a_folder_ours(tmp_path: Path) -> None:
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    (tmp_path / "marker").write_bytes(MARKER_TEXT)
    (precious / MARKER).symlink_to(tmp_path / "marker")
    with pytest.raises(OutputError, match="did not write"):
        write_site(SITE, precious)
    assert (precious / "thesis.txt").read_text() == "years of work"


def test_an_empty_user_folder_is_replaced_without_leftovers(tmp_path: Path, monkeypatch) -> None:
    for fallback in (False, True):
        if fallback:
            monkeypatch.setattr(site, "_libc_renameat2", lambda: None)
        out = tmp_path / f"empty-{fallback}"
        out.mkdir()
        write_site(SITE, out)
        write_site(SITE, out)
        assert (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty-False", "empty-True"]


def test_the_swap_is_one_exchange(tmp_path: Path, monkeypatch) -> None:
    calls: list[int] = []
    real = site._renameat2

    def spy(source: Path, target: Path, flags: int) -> bool:
        calls.append(flags)
        return real(source, target, flags)

    monkeypatch.setattr(site, "_renameat2", spy)
    write_site(SITE, tmp_path / "out")
    write_site(SITE, tmp_path / "out")
    assert calls == [1, 2]  # RENAME_NOREPLACE for a new folder, then RENAME_EXCHANGE


def test_check_into_a_closed_pipe_is_not_an_internal_error() -> None:
    # `hengyang-map check | head -1`: the reader goes away before the report is written
    read, write = os.pipe()
    os.close(read)
    run = subprocess.run(
        [sys.executable, str(ROOT / "build_map.py"), "check", "--geo", str(FIXTURE_BATTLE)],
        stdout=write,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
    )
    os.close(write)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
