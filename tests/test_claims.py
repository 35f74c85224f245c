"""Who took a source for an update (progleton.claims): a taker that no longer runs on this
machine is told from one at work by real processes, and its sources are taken back; a taker
that cannot be asked about (another machine, another container) keeps its claim for its hour."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from progleton.claims import (
    Claimer,
    is_running,
    other_claimers,
    take_back_from_the_dead,
    this_process,
)
from progleton.store import open_store

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="a taker is told dead on Linux only")


def _ended() -> Claimer:
    """A process of this machine that ran and has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return replace(this_process(), pid=child.pid, started="")


def test_a_claimer_is_written_and_read_back() -> None:
    here = this_process()
    assert here.pid == os.getpid() and here.started and here.space
    assert Claimer.parse(str(here)) == here
    assert Claimer.parse(str(Claimer("web1", 42))) == Claimer("web1", 42)
    assert Claimer("web1", 42).words == "pid 42 on web1"
    for unread in (None, "", "web1", "web1 x - -", "a b c d e"):
        assert Claimer.parse(unread) is None


def test_a_process_that_ended_is_told_from_one_that_runs() -> None:
    assert is_running(this_process())
    assert not is_running(_ended())
    # the same id, given to a process started since (the id was reused)
    assert not is_running(replace(this_process(), started=str(int(this_process().started) - 1)))
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])  # ended, not yet reaped: gone all the same
    try:
        deadline = time.monotonic() + 30
        while is_running(replace(this_process(), pid=zombie.pid, started="")):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        zombie.wait()


def test_only_the_claims_of_this_machine_s_dead_takers_are_taken_back(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        now = datetime.now(UTC)
        until = now + timedelta(hours=1)
        dead = _ended()
        takers = {
            "dead here": str(dead),
            "alive here": str(this_process()),
            "dead on another machine": str(replace(dead, host="elsewhere")),
            "dead in another container": str(replace(dead, space="0123456789abcdef")),
            "not said (before 0010)": None,
            "unknown space (not Linux)": str(replace(dead, space="")),
        }
        ids = {}
        for n, (what, by) in enumerate(takers.items()):
            source, _ = store.add_source(f"https://s{n}.example/feed")
            ids[what] = source.id
            assert store.claim_due_sources(now, until, limit=1, by=by)
        assert take_back_from_the_dead(store, now) == 1
        assert [s.id for s in store.claim_due_sources(now, until, limit=10)] == [ids["dead here"]]
        assert take_back_from_the_dead(store, now) == 0
        assert other_claimers(store, now) == (f"pid {dead.pid} on elsewhere", dead.words)
    finally:
        store.close()
