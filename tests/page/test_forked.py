"""Work shared among forked processes gives what one process gives, in the same order."""

from __future__ import annotations

import os

import pytest

from layers.data.load import load_battle
from layers.draw.drawable import Context
from layers.page import forked
from layers.page.sitedata import site_data

from ..conftest import FIXTURE_BATTLE, ROOT


def test_chunks_come_back_in_order_from_their_processes(monkeypatch) -> None:
    monkeypatch.setattr(forked, "MIN_ITEMS", 0)
    assert forked.can_fork()
    parts = forked.map_chunks(lambda start, stop: (list(range(start, stop)), os.getpid()), 10, processes=3)
    assert [n for numbers, _ in parts for n in numbers] == list(range(10))
    assert parts[0][1] == os.getpid() and len({pid for _, pid in parts}) == 3  # two children did theirs


def test_a_failed_child_s_chunk_is_done_again_here(monkeypatch) -> None:
    """An error is raised as one process raises it: the parent redoes a failed chunk."""
    monkeypatch.setattr(forked, "MIN_ITEMS", 0)
    parent = os.getpid()

    def work(start: int, stop: int) -> int:
        if os.getpid() != parent:
            raise ValueError("in a child")
        if start:
            raise KeyError(f"chunk {start}")
        return stop

    with pytest.raises(KeyError, match="chunk 5"):
        forked.map_chunks(work, 10, processes=2)
    with pytest.raises(ChildProcessError):  # and the child was reaped
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.parametrize("geo", [FIXTURE_BATTLE, ROOT / "geo"])
def test_the_site_data_shared_among_processes_is_the_one_process_site_data(monkeypatch, geo) -> None:
    battle = load_battle(geo)
    alone = site_data(Context(battle), list(battle.phases))
    monkeypatch.setattr(forked, "MIN_ITEMS", 0)
    monkeypatch.setattr(forked, "workers", lambda: 3)
    shared = site_data(Context(battle), list(battle.phases))
    assert shared == alone
    assert shared.file() == alone.file() and shared.path == alone.path
